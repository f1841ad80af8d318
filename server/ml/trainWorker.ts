// The training worker thread (bundled as dist/trainWorker.js): TensorFlow.js runs here so the
// language server's event loop stays free. It selects the backend, runs one job (a training or
// a backend probe) and reports through messages; a { type: 'cancel' } message stops a training
// at the end of the current batch, leaving its last epoch's checkpoint.
import { parentPort, workerData } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, UserError } from '../common/errors';
import { openTracker } from '../tracking/tracker';
import { selectBackend, type BackendChoice, type BackendName } from './backend';
import { runTraining, type RunInfoMessage, type TrainRunRequest, type TrainRunResult } from './trainRun';
import type { TrainProgress } from './train';

export type WorkerJob =
  | { kind: 'probe'; backend?: BackendName | 'auto' }
  | { kind: 'train'; request: TrainRunRequest; trackingUri: string };

export interface WorkerError {
  message: string;
  name: string;
  file?: string;
  line?: number;
  column?: number;
  stack?: string;
}

export type WorkerMessage =
  | { type: 'backend'; choice: BackendChoice }
  | { type: 'started'; info: RunInfoMessage }
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'log'; level: 'info' | 'warn'; message: string }
  | { type: 'done'; result?: TrainRunResult }
  | { type: 'error'; error: WorkerError };

const port = parentPort!;
const post = (m: WorkerMessage) => port.postMessage(m);
const abort = new AbortController();
port.on('message', (m: { type: string }) => {
  if (m?.type === 'cancel') abort.abort();
});

function toWorkerError(err: unknown): WorkerError {
  if (err instanceof UserError) return { name: 'UserError', message: err.message, file: err.file, line: err.line, column: err.column };
  if (err instanceof CancelledError) return { name: 'CancelledError', message: err.message };
  const e = err instanceof Error ? err : new Error(String(err));
  return { name: e.name, message: e.message, stack: e.stack };
}

async function main(job: WorkerJob): Promise<void> {
  const choice = await selectBackend(tf, { backend: job.kind === 'probe' ? job.backend : job.request.config.backend });
  post({ type: 'backend', choice });
  if (job.kind === 'probe') return post({ type: 'done' });
  const tracker = openTracker(job.trackingUri);
  const result = await runTraining(job.request, tracker, choice, {
    signal: abort.signal,
    onProgress: progress => post({ type: 'progress', progress }),
    onStarted: info => post({ type: 'started', info }),
    onLog: message => post({ type: 'log', level: 'warn', message }),
  });
  post({ type: 'done', result });
}

main(workerData as WorkerJob).then(
  () => port.close(),
  err => {
    post({ type: 'error', error: toWorkerError(err) });
    port.close();
  },
);

// The main thread's side of training (the language server and `mlw train`): starts a worker
// thread (trainWorker.ts), relays its progress and logs, and cancels it: first cooperatively (it
// stops after the current batch, the run is marked KILLED and its checkpoint kept), then, if it
// does not stop in time, by terminating the thread and marking the run KILLED from here.
// Nothing here loads TensorFlow.js.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { CancelledError, UserError } from '../common/errors';
import { openTracker } from '../tracking/tracker';
import type { BackendChoice, BackendName } from './backend';
import type { TrainProgress } from './train';
import type { RunInfoMessage, TrainRunRequest, TrainRunResult } from './trainRun';
import type { WorkerError, WorkerJob, WorkerMessage } from './trainWorker';

/** Where the worker's script is: beside this file, in dist/ (bundled) as in out/server/ml/. */
export const TRAIN_WORKER = path.join(__dirname, 'trainWorker.js');

export interface TrainJobHooks {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  onBackend?: (choice: BackendChoice) => void;
  onStarted?: (info: RunInfoMessage) => void;
  onLog?: (level: 'info' | 'warn', message: string) => void;
  /** How long a cancelled worker may take to reach the end of its batch before it is terminated. */
  cancelGraceMs?: number;
}

function fromWorkerError(e: WorkerError): Error {
  if (e.name === 'UserError') return new UserError(e.message, e.file, e.line, e.column);
  if (e.name === 'CancelledError') return new CancelledError();
  const err = new Error(e.message);
  err.name = e.name;
  if (e.stack) err.stack = e.stack;
  return err;
}

async function markRun(trackingUri: string, runId: string, status: 'KILLED' | 'FAILED', hooks: TrainJobHooks): Promise<void> {
  try {
    await (await openTracker(trackingUri).openRun(runId)).end(status);
  } catch (err) {
    hooks.onLog?.('warn', `could not mark run ${runId} ${status}: ${(err as Error).message}`);
  }
}

/** Runs one worker job; resolves with its result, rejects with its error (CancelledError when cancelled). */
function runWorker(job: WorkerJob, hooks: TrainJobHooks): Promise<TrainRunResult | undefined> {
  return new Promise((resolve, reject) => {
    // stdout/stderr piped: tfjs writes warnings with console.warn; they become log lines.
    const worker = new Worker(TRAIN_WORKER, { workerData: job, stdout: true, stderr: true });
    let started: RunInfoMessage | undefined;
    let settled = false;
    let terminating = false; // terminate() was called: the exit that follows is not a crash
    let killTimer: NodeJS.Timeout | undefined;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(killTimer);
      hooks.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const forward = (level: 'info' | 'warn') => (chunk: Buffer) => {
      for (const line of chunk.toString().split('\n')) if (line.trim() && !/^=+$/.test(line.trim())) hooks.onLog?.(level, line.trimEnd());
    };
    worker.stdout.on('data', forward('info'));
    worker.stderr.on('data', forward('warn'));
    const onAbort = () => {
      worker.postMessage({ type: 'cancel' });
      killTimer = setTimeout(() => {
        hooks.onLog?.('warn', 'training did not stop at the end of its batch in time: terminating the worker');
        terminating = true;
        void worker.terminate().then(async () => {
          // The worker could not mark its run: do it here.
          if (started && job.kind === 'train') await markRun(job.trackingUri, started.runId, 'KILLED', hooks);
          finish(() => reject(new CancelledError()));
        });
      }, hooks.cancelGraceMs ?? 30_000);
    };
    if (hooks.signal?.aborted) onAbort();
    else hooks.signal?.addEventListener('abort', onAbort, { once: true });
    worker.on('message', (m: WorkerMessage) => {
      switch (m.type) {
        case 'backend': hooks.onBackend?.(m.choice); break;
        case 'started': started = m.info; hooks.onStarted?.(m.info); break;
        case 'progress': hooks.onProgress?.(m.progress); break;
        case 'log': hooks.onLog?.(m.level, m.message); break;
        case 'done': finish(() => resolve(m.result)); break;
        case 'error': finish(() => reject(fromWorkerError(m.error))); break;
      }
    });
    // A worker that dies (out of memory, a crash in native code) cannot end its run: end it FAILED here.
    const died = (err: Error) => {
      if (settled || terminating) return;
      const run = started;
      if (!run || job.kind !== 'train') return finish(() => reject(err));
      void markRun(job.trackingUri, run.runId, 'FAILED', hooks).then(() => finish(() => reject(err)));
    };
    worker.on('error', died);
    worker.on('exit', code => died(new Error(`the training worker stopped (exit code ${code}) without a result${started ? `; run ${started.runId} can be resumed from its last checkpoint` : ''}`)));
  });
}

/** Trains in a worker thread as a tracked run in the store `trackingUri` names. */
export async function runTrainingJob(request: TrainRunRequest, trackingUri: string, hooks: TrainJobHooks = {}): Promise<TrainRunResult> {
  const result = await runWorker({ kind: 'train', request, trackingUri }, hooks);
  return result!;
}

let probed: Promise<BackendChoice> | undefined;

/**
 * The backend training would use, found by initialising it in a worker (once per process; the
 * answer is kept).
 */
export function probeBackend(backend: BackendName | 'auto' = 'auto'): Promise<BackendChoice> {
  if (backend !== 'auto') return probeOnce(backend);
  probed ??= probeOnce('auto').catch(err => {
    probed = undefined;
    throw err;
  });
  return probed;
}

async function probeOnce(backend: BackendName | 'auto'): Promise<BackendChoice> {
  let choice: BackendChoice | undefined;
  await runWorker({ kind: 'probe', backend }, { onBackend: c => { choice = c; } });
  return choice!;
}

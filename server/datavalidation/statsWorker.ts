// Worker thread that scans byte ranges of a CSV for statistics (see scanRange.ts); the pool in
// statsPool.ts sends one job at a time.
import { parentPort } from 'node:worker_threads';
import { scanRangeSync, type ScanJob } from './scanRange';

export type WorkerRequest = { id: number; job: ScanJob };
export type WorkerReply =
  | { id: number; progress: number }
  | { id: number; result: ReturnType<typeof scanRangeSync> }
  | { id: number; failure: string };

parentPort!.on('message', ({ id, job }: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    reply = { id, result: scanRangeSync(job, bytes => parentPort!.postMessage({ id, progress: bytes } satisfies WorkerReply)) };
  } catch (err) {
    reply = { id, failure: err instanceof Error ? err.message : String(err) };
  }
  parentPort!.postMessage(reply);
});

import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import type { ScanJob, ScanResult } from './scanRange';
import type { WorkerReply } from './statsWorker';
import { CancelledError } from '../common/errors';

interface Pending {
  job: ScanJob;
  signal?: AbortSignal;
  onProgress?: (bytes: number) => void;
  resolve: (r: ScanResult) => void;
  reject: (e: Error) => void;
}

interface Slot {
  worker: Worker;
  busy?: { id: number; pending: Pending };
}

/**
 * Runs range scans on worker threads, one job per worker at a time, in the order given. A pool
 * can outlive one computation (the server keeps one): its workers' code is then already
 * optimised by the JIT, which makes a scan of the first megabytes markedly faster.
 */
export class StatsPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Pending[] = [];
  private nextId = 1;
  private closed = false;

  constructor(readonly size: number) {}

  /**
   * Scans a range on a worker. When `signal` fires the job is dropped: taken off the queue, or
   * its worker stopped (a scan cannot be interrupted otherwise) and replaced on the next job.
   */
  run(job: ScanJob, onProgress?: (bytes: number) => void, signal?: AbortSignal): Promise<ScanResult> {
    if (this.closed) return Promise.reject(new Error('statistics pool closed'));
    if (signal?.aborted) return Promise.reject(new CancelledError());
    return new Promise((resolve, reject) => {
      const pending: Pending = { job, signal, onProgress, resolve, reject };
      signal?.addEventListener('abort', () => this.cancel(pending), { once: true });
      this.queue.push(pending);
      this.dispatch();
    });
  }

  private cancel(pending: Pending): void {
    const queued = this.queue.indexOf(pending);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      pending.reject(new CancelledError());
      return;
    }
    const slot = this.slots.find(s => s.busy?.pending === pending);
    if (!slot) return;
    this.slots.splice(this.slots.indexOf(slot), 1);
    slot.busy = undefined;
    pending.reject(new CancelledError());
    void slot.worker.terminate();
    this.dispatch();
  }

  /** Stops the workers; jobs not finished are rejected. */
  async close(): Promise<void> {
    this.closed = true;
    for (const p of this.queue.splice(0)) p.reject(new Error('statistics pool closed'));
    const slots = this.slots.splice(0);
    for (const s of slots) s.busy?.pending.reject(new Error('statistics pool closed'));
    await Promise.all(slots.map(s => s.worker.terminate()));
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.slots.find(s => !s.busy) ?? (this.slots.length < this.size ? this.spawn() : undefined);
      if (!slot) return;
      const pending = this.queue.shift()!;
      const id = this.nextId++;
      slot.busy = { id, pending };
      slot.worker.postMessage({ id, job: pending.job });
    }
  }

  private spawn(): Slot {
    // The worker script sits beside this module both in dist/ (bundled) and out/ (compiled).
    const worker = new Worker(path.join(__dirname, 'statsWorker.js'));
    const slot: Slot = { worker };
    worker.on('message', (msg: WorkerReply) => {
      const busy = slot.busy;
      if (!busy || busy.id !== msg.id) return;
      if ('progress' in msg) {
        busy.pending.onProgress?.(msg.progress);
        return;
      }
      slot.busy = undefined;
      if ('result' in msg) busy.pending.resolve(msg.result);
      else busy.pending.reject(new Error(msg.failure));
      this.dispatch();
    });
    worker.on('error', err => this.fail(slot, err));
    worker.on('exit', code => {
      if (!this.closed) this.fail(slot, new Error(`statistics worker exited with code ${code}`));
    });
    this.slots.push(slot);
    return slot;
  }

  private fail(slot: Slot, err: Error): void {
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    this.slots.splice(i, 1);
    slot.busy?.pending.reject(new Error(`statistics worker failed: ${err.message}`));
    slot.busy = undefined;
    if (!this.closed) this.dispatch();
  }
}

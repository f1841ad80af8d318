import { Worker } from 'node:worker_threads';
import * as path from 'node:path';
import * as os from 'node:os';
import type { HashRequest, HashResult } from './hashFile';

interface Job {
  file: string;
  size: number;
  signal?: AbortSignal;
  resolve: (r: HashResult) => void;
}

interface Slot {
  worker: Worker;
  inFlight: Map<number, Job[]>;
  failed?: Error;
}

// A batch is sent when it holds this many files or bytes: large enough to amortise messaging,
// small enough that both workers stay busy until the end.
const BATCH_FILES = 48;
const BATCH_BYTES = 8 << 20;
const MAX_BATCHES_IN_FLIGHT = 2;

/** Spreads file hashing over worker threads (one per core by default). */
export class HashPool {
  private readonly slots: Slot[] = [];
  private pending: Job[] = [];
  private pendingBytes = 0;
  private queue: Job[][] = [];
  private nextId = 1;
  private closed = false;

  readonly size: number;

  constructor(size = os.availableParallelism?.() ?? os.cpus().length) {
    this.size = Math.max(1, Math.floor(size));
  }

  /** Hashes a file on a worker; once `signal` fires, a job not yet sent is dropped. */
  hash(file: string, size: number, signal?: AbortSignal): Promise<HashResult> {
    if (this.closed) return Promise.reject(new Error('hash pool closed'));
    return new Promise(resolve => {
      this.pending.push({ file, size, signal, resolve });
      this.pendingBytes += size;
      if (this.pending.length >= BATCH_FILES || this.pendingBytes >= BATCH_BYTES) this.cutBatch();
    });
  }

  /** Sends whatever is pending now (call when the walk has found everything it will). */
  flush(): void {
    if (this.pending.length) this.cutBatch();
  }

  async close(): Promise<void> {
    this.closed = true;
    const workers = this.slots.map(s => s.worker);
    this.slots.length = 0;
    await Promise.all(workers.map(w => w.terminate()));
  }

  private cutBatch(): void {
    this.queue.push(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    this.dispatch();
  }

  private dispatch(): void {
    while (this.queue.length) {
      const slot = this.freeSlot();
      if (!slot) return;
      // A cancelled scan's queued files must not delay the next scan sharing this pool.
      const batch = this.queue.shift()!.filter(j => !j.signal?.aborted);
      if (!batch.length) continue;
      const id = this.nextId++;
      slot.inFlight.set(id, batch);
      const req: HashRequest = { id, files: batch.map(j => j.file) };
      slot.worker.postMessage(req);
    }
  }

  private freeSlot(): Slot | undefined {
    if (this.slots.length < this.size) return this.spawn();
    let best: Slot | undefined;
    for (const s of this.slots) {
      if (s.inFlight.size < MAX_BATCHES_IN_FLIGHT && (!best || s.inFlight.size < best.inFlight.size)) best = s;
    }
    return best;
  }

  private spawn(): Slot {
    // The worker script sits beside this module both in dist/ (bundled) and out/ (compiled).
    const worker = new Worker(path.join(__dirname, 'hashWorker.js'));
    worker.unref();
    const slot: Slot = { worker, inFlight: new Map() };
    worker.on('message', (msg: { id: number; results: HashResult[] }) => {
      const batch = slot.inFlight.get(msg.id);
      if (!batch) return;
      slot.inFlight.delete(msg.id);
      batch.forEach((job, i) => job.resolve(msg.results[i]));
      this.dispatch();
    });
    worker.on('error', err => this.fail(slot, err));
    worker.on('exit', code => { if (!this.closed && code !== 0) this.fail(slot, new Error(`hash worker exited with code ${code}`)); });
    this.slots.push(slot);
    return slot;
  }

  /** A crashed worker fails only the files it held; the others go on. */
  private fail(slot: Slot, err: Error): void {
    for (const batch of slot.inFlight.values()) for (const job of batch) job.resolve({ error: `hash worker failed: ${err.message}` });
    slot.inFlight.clear();
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
    if (!this.closed) this.dispatch();
  }
}

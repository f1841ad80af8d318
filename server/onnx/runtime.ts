// ONNX Runtime (onnxruntime-node, a native module shipped beside the bundles) and a cache of its
// inference sessions.
//
// Creating a session parses the model and optimises the graph, which takes far longer than one
// run, so sessions are kept: keyed by the file's path, and valid while its size, mtime, ctime and
// inode are unchanged (a rewrite or an atomic rename changes them); at most `maxSessions`, least
// recently used first out. A session evicted or replaced while running is released when its runs
// finish.
import * as fs from 'node:fs';
import type * as Ort from 'onnxruntime-node';
import { UserError } from '../common/errors';
import { checkModelSize, loadOnnxModel } from './load';

export type OrtModule = typeof Ort;
export type InferenceSession = Ort.InferenceSession;

let ort: OrtModule | undefined;

/** onnxruntime-node, or a UserError saying why it cannot be loaded here (never a crash). */
export function onnxRuntime(): OrtModule {
  if (ort) return ort;
  try {
    ort = require('onnxruntime-node') as OrtModule;
    return ort;
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    throw new UserError(
      `ONNX Runtime (onnxruntime-node) cannot be loaded on this machine (${process.platform}-${process.arch}): ${reason}. ` +
      'Inspecting and checking ONNX models works without it; running them and the export parity check need it.',
    );
  }
}

export interface SessionOptions {
  /** intraOpNumThreads; 0 or undefined lets ONNX Runtime choose (one per physical core). */
  threads?: number;
}

/**
 * Session options: all graph optimisations, one operator at a time, errors reported by us (not
 * logged by ONNX Runtime), and worker threads that sleep instead of spinning between runs: a
 * spinning pool burns the cores an editor shares with everything else, and on a busy 2-core
 * machine made the seed LSTM's batch-1 steps 2–3× slower (bench/README.md).
 */
export function sessionOptions(options: SessionOptions): Ort.InferenceSession.SessionOptions {
  const threads = options.threads ?? 0;
  if (!Number.isInteger(threads) || threads < 0) throw new UserError(`threads must be a whole number ≥ 0, not ${threads}`);
  return {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
    logSeverityLevel: 4,
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
}

/**
 * Opens a session on a model file. ONNX Runtime's own messages are terse ("protobuf parsing
 * failed"), so when it refuses a model, the model is decoded here to say what is wrong with it
 * (truncated, not ONNX, missing external data); otherwise its message is passed on.
 */
export async function createSession(file: string, options: SessionOptions = {}): Promise<InferenceSession> {
  const runtime = onnxRuntime();
  try {
    return await runtime.InferenceSession.create(file, sessionOptions(options));
  } catch (err) {
    if (err instanceof UserError) throw err;
    const message = (err as Error).message;
    await loadOnnxModel(file); // throws the clear UserError when the file itself is the problem
    throw new UserError(`ONNX Runtime cannot load the model: ${message}`, file);
  }
}

interface Entry {
  key: string;
  session: Promise<InferenceSession>;
  busy: number;
  retired: boolean;
}

export interface CachedSession {
  session: InferenceSession;
  /** Whether the session was already open. */
  cached: boolean;
  /** Time spent opening it (0 when cached). */
  loadMs: number;
}

export class SessionCache {
  private readonly entries = new Map<string, Entry>(); // insertion order = least recently used first
  readonly stats = { hits: 0, misses: 0, evictions: 0 };

  constructor(readonly maxSessions = 4) {}

  get size(): number {
    return this.entries.size;
  }

  /** Runs `fn` with the model's session, opening it unless a valid one is cached. */
  async use<T>(file: string, options: SessionOptions, fn: (s: CachedSession) => Promise<T>): Promise<T> {
    let stat: fs.Stats;
    try {
      stat = fs.statSync(file);
    } catch {
      throw new UserError('file not found', file);
    }
    if (!stat.isFile()) throw new UserError('not a file', file);
    checkModelSize(stat.size, file);
    const key = `${stat.size}:${stat.mtimeMs}:${stat.ctimeMs}:${stat.ino}:${options.threads ?? 0}`;
    let entry = this.entries.get(file);
    let cached = true;
    let loadMs = 0;
    if (entry && entry.key === key) {
      this.stats.hits++;
      this.entries.delete(file); // re-insert as the most recently used
      this.entries.set(file, entry);
    } else {
      if (entry) this.retire(file, entry);
      this.stats.misses++;
      cached = false;
      const t0 = performance.now();
      entry = { key, session: createSession(file, options), busy: 0, retired: false };
      this.entries.set(file, entry);
      this.evictBeyondLimit();
      try {
        await entry.session;
      } catch (err) {
        if (this.entries.get(file) === entry) this.entries.delete(file);
        throw err;
      }
      loadMs = performance.now() - t0;
    }
    entry.busy++;
    try {
      return await fn({ session: await entry.session, cached, loadMs });
    } finally {
      entry.busy--;
      if (entry.retired && entry.busy === 0) void release(entry);
    }
  }

  /** Forgets a file's session (e.g. the file was deleted). */
  invalidate(file: string): void {
    const entry = this.entries.get(file);
    if (entry) this.retire(file, entry);
  }

  async dispose(): Promise<void> {
    for (const [file, entry] of [...this.entries]) this.retire(file, entry);
  }

  private evictBeyondLimit(): void {
    while (this.entries.size > this.maxSessions) {
      const [file, entry] = this.entries.entries().next().value as [string, Entry];
      this.retire(file, entry);
      this.stats.evictions++;
    }
  }

  private retire(file: string, entry: Entry): void {
    if (this.entries.get(file) === entry) this.entries.delete(file);
    entry.retired = true;
    if (entry.busy === 0) void release(entry);
  }
}

async function release(entry: Entry): Promise<void> {
  try {
    await (await entry.session).release();
  } catch {
    // A session that failed to open has nothing to release.
  }
}

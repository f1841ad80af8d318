import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { findNode, sha256Hex, type TreeNode } from './tree';

/** What the index remembers of a file: if size, mtime and inode are unchanged, so is the hash. */
export interface IndexEntry {
  size: number;
  mtimeMs: number;
  ino: number;
  hash: string;
}

/**
 * A file whose mtime is this close to (or after) the start of the scan that hashed it may have
 * been written again within the same timestamp tick, leaving size and mtime unchanged (git's
 * "racy clean" problem). Such entries are never trusted: the next scan re-hashes them.
 * 2 s covers the coarsest common file system clock (FAT).
 */
export const RACY_WINDOW_MS = 2000;

const FORMAT = 'mlw-merkle-index';
const VERSION = 1;

/** Where a scan looks up hashes of files it need not read again, and records new ones. */
export interface FileIndex {
  lookup(relPath: string, st: { size: number; mtimeMs: number; ino: number }): string | undefined;
  record(relPath: string, entry: IndexEntry): void;
  save(root: string, scanStartMs: number): void;
}

/** The incremental index of one folder on disk: (path, size, mtime, inode, hash) per file. */
export class IndexCache implements FileIndex {
  readonly next = new Map<string, IndexEntry>();
  private dirty = false;

  constructor(
    readonly file: string | undefined,
    private readonly previous: Map<string, IndexEntry>,
    private readonly previousScanStartMs: number,
  ) {}

  /** Loads the index kept for `root` in `cacheDir`; a missing or unreadable index is an empty one. */
  static load(root: string, cacheDir: string | undefined): IndexCache {
    if (!cacheDir) return new IndexCache(undefined, new Map(), 0);
    const file = path.join(cacheDir, `${sha256Hex(path.resolve(root)).slice(0, 32)}.json`);
    try {
      const data = JSON.parse(fs.readFileSync(file, 'utf8'));
      if (data.format !== FORMAT || data.version !== VERSION || data.root !== path.resolve(root) || !Array.isArray(data.entries)) {
        return new IndexCache(file, new Map(), 0);
      }
      const entries = new Map<string, IndexEntry>();
      for (const [p, size, mtimeMs, ino, hash] of data.entries) entries.set(p, { size, mtimeMs, ino, hash });
      return new IndexCache(file, entries, Number(data.scanStartMs) || 0);
    } catch {
      return new IndexCache(file, new Map(), 0); // only a cache: rebuild it
    }
  }

  /** The cached hash if the file is unchanged and was not racily clean when it was hashed. */
  lookup(relPath: string, st: { size: number; mtimeMs: number; ino: number }): string | undefined {
    const e = this.previous.get(relPath);
    if (!e || e.size !== st.size || e.mtimeMs !== st.mtimeMs || e.ino !== st.ino) return undefined;
    if (e.mtimeMs >= this.previousScanStartMs - RACY_WINDOW_MS) return undefined;
    this.next.set(relPath, e);
    return e.hash;
  }

  record(relPath: string, entry: IndexEntry): void {
    this.next.set(relPath, entry);
    this.dirty = true;
  }

  /** Writes the new index (atomically) if anything differs from the one loaded. */
  save(root: string, scanStartMs: number): void {
    if (!this.file) return;
    if (!this.dirty && this.next.size === this.previous.size) return;
    const entries = [...this.next].map(([p, e]) => [p, e.size, e.mtimeMs, e.ino, e.hash]);
    try {
      writeFileAtomic(this.file, JSON.stringify({ format: FORMAT, version: VERSION, root: path.resolve(root), scanStartMs, entries }));
    } catch {
      // Only a cache: a read-only or full cache folder must not fail the scan that was just made.
    }
  }
}

/**
 * An earlier tree of the same folder, held in memory, used as the index: a file with the size
 * and mtime its leaf recorded (and not racily clean then) keeps its hash. Nothing is written.
 */
export class TreeIndex implements FileIndex {
  constructor(private readonly tree: TreeNode, private readonly scanStartMs: number) {}

  lookup(relPath: string, st: { size: number; mtimeMs: number }): string | undefined {
    const n = findNode(this.tree, relPath);
    if (!n || n.kind !== 'file' || n.size !== st.size || n.mtimeMs !== st.mtimeMs) return undefined;
    return n.mtimeMs >= this.scanStartMs - RACY_WINDOW_MS ? undefined : n.hash;
  }

  record(): void {}

  save(): void {}
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'mlw', 'merkle-index');
}

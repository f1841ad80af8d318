import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError, throwIfAborted } from '../common/errors';
import type { HashResult } from './hashFile';
import { HashPool } from './hashPool';
import { IndexCache, TreeIndex, defaultCacheDir, type FileIndex } from './indexCache';
import { PathFilter, type FilterOptions } from './pathFilter';
import { countFiles, findNode, joinPath, makeDir, makeLeaf, sha256Hex, type TreeNode } from './tree';

export interface ScanOptions extends FilterOptions {
  /** Folder for incremental indexes; `false` disables them (default: ~/.cache/mlw/merkle-index). */
  cacheDir?: string | false;
  /** Shared hashing workers; a private pool is made (and closed) otherwise. */
  pool?: HashPool;
  signal?: AbortSignal;
  onProgress?: (p: ScanProgress) => void;
  /** An earlier tree of this folder and what is known unchanged since (see liveTrees.ts). */
  reuse?: ReusableTree;
}

export interface ReusableTree {
  tree: TreeNode;
  scanStartMs: number;
  /** True when nothing at or below this folder can have changed since `tree` was built. */
  isUnchanged(relDir: string): boolean;
}

export interface ScanProgress {
  filesSeen: number;
  filesHashed: number;
  bytesHashed: number;
}

/** A path that could not take part in the tree; reported, never fatal. */
export interface ScanProblem {
  path: string;
  reason: string;
}

export interface ScanStats extends ScanProgress {
  filesFromCache: number;
  dirs: number;
  links: number;
  durationMs: number;
}

export interface ScanResult {
  root: TreeNode;
  /** When the walk began: files changed after it may be newer than the tree. */
  scanStartMs: number;
  problems: ScanProblem[];
  stats: ScanStats;
}

const PROGRESS_INTERVAL_MS = 100;

/** Builds the Merkle tree of a folder, re-hashing only files the index cannot vouch for. */
export async function scanFolder(rootDir: string, options: ScanOptions = {}): Promise<ScanResult> {
  const root = path.resolve(rootDir);
  let rootStat: fs.Stats;
  try {
    rootStat = await fs.promises.stat(root);
  } catch (err) {
    throw new UserError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : `cannot read folder (${(err as Error).message})`, rootDir);
  }
  if (!rootStat.isDirectory()) throw new UserError('not a folder', rootDir);

  const scanStartMs = Date.now();
  const { signal, onProgress } = options;
  const filter = new PathFilter(root, options);
  const { reuse } = options;
  // With an earlier tree in memory, it is the index: nothing to read from disk or write back.
  const cache: FileIndex = reuse
    ? new TreeIndex(reuse.tree, reuse.scanStartMs)
    : IndexCache.load(root, options.cacheDir === false ? undefined : options.cacheDir ?? defaultCacheDir());
  const pool = options.pool ?? new HashPool();
  const problems: ScanProblem[] = [];
  const stats: ScanStats = { filesSeen: 0, filesHashed: 0, bytesHashed: 0, filesFromCache: 0, dirs: 0, links: 0, durationMs: 0 };

  // Discovery operations (readdir, lstat) still running. When none are left the walk has
  // found every file, so the last partial hashing batch can be sent.
  let discovering = 0;
  const doneDiscovering = () => { if (--discovering === 0) pool.flush(); };

  let lastProgress = 0;
  const progress = () => {
    const now = Date.now();
    if (onProgress && now - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = now;
      onProgress({ filesSeen: stats.filesSeen, filesHashed: stats.filesHashed, bytesHashed: stats.bytesHashed });
    }
  };

  /**
   * A file's leaf: at once when the index vouches for it, else a promise of its hash. The lstat is
   * synchronous on purpose: from the inode cache it costs a few µs, where fs.promises.lstat costs
   * ~25 µs of this thread (promise, thread-pool round trip, Stats with eager Dates, GC) per file.
   */
  function file(rel: string, name: string): TreeNode | null | Promise<TreeNode | null> {
    const abs = path.join(root, rel);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(abs);
    } catch (err) {
      problems.push({ path: rel, reason: describeFsError(err) });
      return null;
    }
    stats.filesSeen++;
    if (!st.isFile()) {
      problems.push({ path: rel, reason: 'changed kind while the folder was scanned' });
      return null;
    }
    const cached = cache.lookup(rel, st);
    if (cached) {
      stats.filesFromCache++;
      progress();
      return makeLeaf(name, 'file', cached, st.size, st.mtimeMs);
    }
    return hashed(rel, name, pool.hash(abs, st.size, signal));
  }

  async function hashed(rel: string, name: string, hashing: Promise<HashResult>): Promise<TreeNode | null> {
    const r = await hashing;
    throwIfAborted(signal);
    if ('error' in r) {
      problems.push({ path: rel, reason: r.error });
      return null;
    }
    stats.filesHashed++;
    stats.bytesHashed += r.size;
    progress();
    if (r.unstable) problems.push({ path: rel, reason: 'changed while being hashed (hash of the last read kept)' });
    else cache.record(rel, { size: r.size, mtimeMs: r.mtimeMs, ino: r.ino, hash: r.hash });
    return makeLeaf(name, 'file', r.hash, r.size, r.mtimeMs);
  }

  async function link(rel: string): Promise<TreeNode | null> {
    discovering++;
    try {
      // The target's bytes as stored: decoding them first would map every invalid UTF-8 byte to U+FFFD.
      const target = await fs.promises.readlink(path.join(root, rel), { encoding: 'buffer' });
      stats.links++;
      return makeLeaf(path.basename(rel), 'link', sha256Hex(target), target.length, 0);
    } catch (err) {
      problems.push({ path: rel, reason: describeFsError(err) });
      return null;
    } finally {
      doneDiscovering();
    }
  }

  async function dir(rel: string): Promise<TreeNode | null> {
    throwIfAborted(signal);
    const earlier = reuse?.isUnchanged(rel) ? findNode(reuse.tree, rel) : undefined;
    if (earlier?.kind === 'dir') {
      stats.filesFromCache += countFiles(earlier);
      return earlier;
    }
    discovering++;
    let dirents: fs.Dirent[];
    try {
      dirents = await fs.promises.readdir(path.join(root, rel), { withFileTypes: true });
    } catch (err) {
      doneDiscovering();
      if (rel === '') throw new UserError(`cannot read folder (${describeFsError(err)})`, rootDir);
      problems.push({ path: rel, reason: describeFsError(err) });
      return null;
    }
    throwIfAborted(signal);
    filter.enterDir(rel, dirents.some(d => d.name === '.gitignore' && d.isFile()));
    // Leaves known at once go straight into `children`; only hashing, links and folders wait.
    const children = new Map<string, TreeNode>();
    const pending: Promise<TreeNode | null>[] = [];
    for (const d of dirents) {
      const childRel = joinPath(rel, d.name);
      if (d.isDirectory()) {
        if (!filter.isExcluded(childRel, true)) pending.push(dir(childRel));
      } else if (d.isFile()) {
        if (!filter.isExcluded(childRel, false)) {
          // lstat errors (vanished, permission) are reported inside file(), as before.
          const leaf = file(childRel, d.name);
          if (leaf instanceof Promise) pending.push(leaf);
          else if (leaf) children.set(leaf.name, leaf);
        }
      } else if (d.isSymbolicLink()) {
        if (!filter.isExcluded(childRel, false)) pending.push(link(childRel));
      } else if (!filter.isExcluded(childRel, false)) {
        // FIFOs, sockets and devices have no content to hash, and opening a FIFO blocks.
        problems.push({ path: childRel, reason: `skipped: ${specialKind(d)}` });
      }
    }
    doneDiscovering();
    for (const child of await Promise.all(pending)) if (child) children.set(child.name, child);
    stats.dirs++;
    return makeDir(rel === '' ? '' : path.basename(rel), children);
  }

  try {
    const tree = (await dir(''))!;
    cache.save(root, scanStartMs);
    stats.durationMs = Date.now() - scanStartMs;
    onProgress?.({ filesSeen: stats.filesSeen, filesHashed: stats.filesHashed, bytesHashed: stats.bytesHashed });
    problems.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return { root: tree, scanStartMs, problems, stats };
  } finally {
    if (!options.pool) await pool.close();
  }
}

function specialKind(d: fs.Dirent): string {
  if (d.isFIFO()) return 'FIFO';
  if (d.isSocket()) return 'socket';
  if (d.isBlockDevice() || d.isCharacterDevice()) return 'device';
  return 'not a regular file';
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'vanished while the folder was scanned';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    default:
      return e.code ? `${e.code}: ${e.message}` : String(err);
  }
}

import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/errors';
import { diffTrees, type TreeDiff } from './diff';
import { HashPool } from './hashPool';
import type { LiveTrees } from './liveTrees';
import { scanFolder, type ScanOptions, type ScanProgress, type ScanStats } from './scan';
import { loadSnapshot, type SnapshotMeta } from './snapshot';
import type { TreeNode } from './tree';

export interface SourceTree {
  /** The folder or snapshot file as given. */
  path: string;
  kind: 'folder' | 'snapshot';
  tree: TreeNode;
  problems: { path: string; reason: string }[];
  stats?: ScanStats;
  snapshot?: SnapshotMeta;
}

/** A folder is scanned; a file is read as a snapshot. `live` keeps trees between calls (server). */
export async function loadSource(p: string, options: ScanOptions, live?: LiveTrees): Promise<SourceTree> {
  let st: fs.Stats;
  try {
    st = fs.statSync(p);
  } catch {
    throw new UserError('no such folder or snapshot file', p);
  }
  if (st.isDirectory()) {
    const r = live ? await live.scan(p, options) : await scanFolder(p, options);
    return { path: p, kind: 'folder', tree: r.root, problems: r.problems, stats: r.stats };
  }
  // Reading a FIFO (or a device) as a snapshot would block or never end.
  if (!st.isFile()) throw new UserError('not a folder or a snapshot file', p);
  const s = live ? live.loadSnapshot(p) : loadSnapshot(p);
  return { path: p, kind: 'snapshot', tree: s.tree, problems: [], snapshot: s.meta };
}

export interface CompareResult extends TreeDiff {
  a: Omit<SourceTree, 'tree'>;
  b: Omit<SourceTree, 'tree'>;
  /** Paths that could not be hashed on either side: left out of added/removed/modified. */
  problems: { side: 'A' | 'B'; path: string; reason: string }[];
}

export interface CompareOptions extends Omit<ScanOptions, 'onProgress'> {
  onProgress?: (side: 'A' | 'B', p: ScanProgress) => void;
  live?: LiveTrees;
}

/** Compares two folders or snapshots by their Merkle trees. */
export async function compare(a: string, b: string, options: CompareOptions = {}): Promise<CompareResult> {
  const pool = options.pool ?? new HashPool();
  try {
    const { live: _live, ...scanOptions } = options;
    const scan = (side: 'A' | 'B'): ScanOptions => ({ ...scanOptions, pool, onProgress: p => options.onProgress?.(side, p) });
    // One side at a time: both would share the same disk and cores anyway.
    const sa = await loadSource(a, scan('A'), options.live);
    const sb = await loadSource(b, scan('B'), options.live);
    const diff = diffTrees(sa.tree, sb.tree);
    const problems = [
      ...sa.problems.map(p => ({ side: 'A' as const, ...p })),
      ...sb.problems.map(p => ({ side: 'B' as const, ...p })),
    ];
    // A problem path may be a folder that could not be read: what lies below it is unknown too.
    const unknown = new Set(problems.map(p => p.path));
    const known = (p: string) => {
      for (let i = p.indexOf('/'); i >= 0; i = p.indexOf('/', i + 1)) if (unknown.has(p.slice(0, i))) return false;
      return !unknown.has(p);
    };
    const { tree: _ta, ...metaA } = sa;
    const { tree: _tb, ...metaB } = sb;
    return {
      ...diff,
      added: diff.added.filter(known),
      removed: diff.removed.filter(known),
      modified: diff.modified.filter(known),
      a: metaA,
      b: metaB,
      problems,
    };
  } finally {
    if (!options.pool) await pool.close();
  }
}

/** Where VS Code keeps a workspace folder's snapshots. */
export function snapshotFolder(workspace: string): string {
  return path.join(workspace, '.mlw', 'snapshots');
}

export function snapshotFileName(date = new Date()): string {
  return `${date.toISOString().replace(/[:.]/g, '-')}.json`;
}

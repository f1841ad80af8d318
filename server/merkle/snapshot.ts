import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import type { FilterOptions } from './pathFilter';
import { compareCodePoints, makeDir, makeLeaf, sha256Hex, walkTree, type EntryKind, type TreeNode } from './tree';

/**
 * A snapshot is the Merkle tree of a folder at one moment, as JSON:
 *   { format: "mlw-merkle-snapshot", version: 1, createdAt, source, root, options,
 *     contentLimit, entries: [[path, kind, hash, size, mtimeMs], ...] }
 * Entries list every file, link and folder (so empty folders survive). Loading recomputes
 * every folder hash from its entries and checks the root, so a damaged file is detected.
 * Contents of files up to `contentLimit` bytes are kept beside it in `objects/ab/cdef…`
 * (named by SHA-256, shared by all snapshots in the folder), for diff editors.
 */
export interface SnapshotMeta {
  file: string;
  createdAt: string;
  source: string;
  root: string;
  options: FilterOptions;
  contentLimit: number;
  entryCount: number;
}

export interface LoadedSnapshot {
  meta: SnapshotMeta;
  tree: TreeNode;
}

const FORMAT = 'mlw-merkle-snapshot';
const VERSION = 1;

export function objectPath(snapshotFile: string, hash: string): string {
  return path.join(path.dirname(snapshotFile), 'objects', hash.slice(0, 2), hash.slice(2));
}

export interface WriteSnapshotOptions {
  source: string;
  options: FilterOptions;
  /** Keep contents of files up to this many bytes (0: hashes only). */
  contentLimit?: number;
}

export function writeSnapshot(file: string, tree: TreeNode, opts: WriteSnapshotOptions): SnapshotMeta {
  const contentLimit = opts.contentLimit ?? 0;
  const entries: [string, EntryKind, string, number, number][] = [];
  for (const [p, n] of walkTree(tree)) {
    entries.push([p, n.kind, n.hash, n.size, n.mtimeMs]);
    if (n.kind === 'file' && contentLimit > 0 && n.size <= contentLimit) keepContent(file, path.join(opts.source, p), n.hash);
  }
  const meta: SnapshotMeta = {
    file,
    createdAt: new Date().toISOString(),
    source: path.resolve(opts.source),
    root: tree.hash,
    options: opts.options,
    contentLimit,
    entryCount: entries.length,
  };
  const { file: _f, entryCount: _n, ...header } = meta;
  writeFileAtomic(file, JSON.stringify({ format: FORMAT, version: VERSION, ...header, entries }));
  return meta;
}

/** Stores a file's content under its hash, unless it changed since it was hashed. */
function keepContent(snapshotFile: string, source: string, hash: string): void {
  const target = objectPath(snapshotFile, hash);
  if (fs.existsSync(target)) return;
  let content: Buffer;
  try {
    content = fs.readFileSync(source);
  } catch {
    return; // content is a convenience; the hash in the snapshot is what counts
  }
  if (sha256Hex(content) === hash) writeFileAtomic(target, content);
}

/** The kept content of a file, if the snapshot kept it and it is intact (hashes to its name). */
export function readSnapshotContent(snapshotFile: string, hash: string): Buffer | undefined {
  if (!HEX64.test(hash)) return undefined;
  try {
    const content = fs.readFileSync(objectPath(snapshotFile, hash));
    return sha256Hex(content) === hash ? content : undefined;
  } catch {
    return undefined;
  }
}

export function loadSnapshot(file: string): LoadedSnapshot {
  let data: any;
  try {
    data = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT') throw new UserError('no such snapshot file', file);
    if (e instanceof SyntaxError) throw new UserError(`corrupt snapshot: not valid JSON (${e.message})`, file);
    throw new UserError(`cannot read snapshot (${e.message})`, file);
  }
  if (data?.format !== FORMAT) throw new UserError(`not an ML Workbench snapshot (format is ${JSON.stringify(data?.format)}, expected "${FORMAT}")`, file);
  if (data.version !== VERSION) throw new UserError(`unsupported snapshot version ${data.version} (this version reads ${VERSION})`, file);
  if (!Array.isArray(data.entries) || typeof data.root !== 'string') throw new UserError('corrupt snapshot: "entries" or "root" missing', file);
  const tree = buildTree(file, data.entries);
  if (tree.hash !== data.root) {
    throw new UserError(`corrupt snapshot: entries hash to root ${tree.hash.slice(0, 12)}…, but the file records ${String(data.root).slice(0, 12)}…`, file);
  }
  return {
    meta: {
      file,
      createdAt: String(data.createdAt),
      source: String(data.source),
      root: data.root,
      options: data.options ?? {},
      contentLimit: Number(data.contentLimit) || 0,
      entryCount: data.entries.length,
    },
    tree,
  };
}

interface Building {
  node: TreeNode;
  children: Map<string, Building>;
  storedHash?: string;
  path: string;
}

function buildTree(file: string, entries: unknown[]): TreeNode {
  const root: Building = { node: makeDir('', new Map()), children: new Map(), path: '' };
  const dirs = new Map<string, Building>([['', root]]);
  const sorted = entries.map((e, i) => checkEntry(file, e, i)).sort((x, y) => compareCodePoints(x[0], y[0]));
  for (const [p, kind, hash, size, mtimeMs] of sorted) {
    const slash = p.lastIndexOf('/');
    const parent = dirs.get(slash < 0 ? '' : p.slice(0, slash));
    if (!parent) throw new UserError(`corrupt snapshot: "${p}" has no parent folder entry`, file);
    const name = p.slice(slash + 1);
    if (parent.children.has(name)) throw new UserError(`corrupt snapshot: "${p}" is listed twice`, file);
    if (kind === 'dir') {
      const b: Building = { node: makeDir(name, new Map()), children: new Map(), storedHash: hash, path: p };
      parent.children.set(name, b);
      dirs.set(p, b);
    } else {
      parent.children.set(name, { node: makeLeaf(name, kind, hash, size, mtimeMs), children: new Map(), path: p });
    }
  }
  const finish = (b: Building): TreeNode => {
    if (b.node.kind !== 'dir') return b.node;
    const children = new Map<string, TreeNode>();
    for (const [name, c] of b.children) children.set(name, finish(c));
    const node = makeDir(b.node.name, children);
    if (b.storedHash !== undefined && b.storedHash !== node.hash) {
      throw new UserError(`corrupt snapshot: folder "${b.path}" records hash ${b.storedHash.slice(0, 12)}…, its entries hash to ${node.hash.slice(0, 12)}…`, file);
    }
    return node;
  };
  return finish(root);
}

const HEX64 = /^[0-9a-f]{64}$/;

function checkEntry(file: string, e: unknown, i: number): [string, EntryKind, string, number, number] {
  const bad = (why: string) => new UserError(`corrupt snapshot: entry ${i + 1} ${why}`, file);
  if (!Array.isArray(e) || e.length < 5) throw bad('is not [path, kind, hash, size, mtimeMs]');
  const [p, kind, hash, size, mtimeMs] = e;
  if (typeof p !== 'string' || p === '' || p.startsWith('/') || p.split('/').some(s => s === '' || s === '.' || s === '..' || s.includes('\0'))) throw bad(`has an invalid path ${JSON.stringify(p)}`);
  if (kind !== 'file' && kind !== 'dir' && kind !== 'link') throw bad(`has an unknown kind ${JSON.stringify(kind)}`);
  if (typeof hash !== 'string' || !HEX64.test(hash)) throw bad('has an invalid hash');
  if (typeof size !== 'number' || typeof mtimeMs !== 'number') throw bad('has an invalid size or mtime');
  return [p, kind, hash, size, mtimeMs];
}

/** Lists the snapshots in a folder, newest first; unreadable files are skipped. */
export function listSnapshots(dir: string): SnapshotMeta[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir).filter(n => n.endsWith('.json'));
  } catch {
    return [];
  }
  const metas: SnapshotMeta[] = [];
  for (const n of names) {
    try {
      metas.push(loadSnapshot(path.join(dir, n)).meta);
    } catch { /* not a snapshot, or damaged: the compare command reports it when chosen */ }
  }
  return metas.sort((a, b) => (a.createdAt < b.createdAt ? 1 : -1));
}

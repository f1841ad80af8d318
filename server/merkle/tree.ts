import { createHash } from 'node:crypto';
import { compareCodePoints } from '../common/text';

export { compareCodePoints };

/**
 * The Merkle tree of a folder (the recipe is documented in README.md, "Merkle tree recipe"):
 *   file    SHA-256 of its content
 *   link    SHA-256 of its target string (UTF-8); links are never followed
 *   dir     SHA-256 of "<kind> <hex hash> <name>\0" for each entry, entries sorted by the
 *           bytes of their UTF-8 names; an empty folder hashes the empty string
 * Hashes are lowercase hex.
 */
export type EntryKind = 'file' | 'dir' | 'link';

export interface TreeNode {
  name: string;
  kind: EntryKind;
  hash: string;
  /** Bytes of content (files), target length (links), 0 for folders. */
  size: number;
  mtimeMs: number;
  /** Folders only: children by name. */
  children?: Map<string, TreeNode>;
  /** Nodes in this subtree, itself included. */
  count: number;
}

export interface DirEntryHash {
  name: string;
  kind: EntryKind;
  hash: string;
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

export function dirHash(entries: Iterable<DirEntryHash>): string {
  const sorted = [...entries].sort((a, b) => compareCodePoints(a.name, b.name));
  const h = createHash('sha256');
  for (const e of sorted) h.update(`${e.kind} ${e.hash} ${e.name}\0`);
  return h.digest('hex');
}

export function makeDir(name: string, children: Map<string, TreeNode>, mtimeMs = 0): TreeNode {
  let count = 1;
  for (const c of children.values()) count += c.count;
  return { name, kind: 'dir', hash: dirHash(children.values()), size: 0, mtimeMs, children, count };
}

export function makeLeaf(name: string, kind: 'file' | 'link', hash: string, size: number, mtimeMs: number): TreeNode {
  return { name, kind, hash, size, mtimeMs, count: 1 };
}

export function joinPath(parent: string, name: string): string {
  return parent ? `${parent}/${name}` : name;
}

/** Visits every node below `node` (depth first, children in recipe order) with its relative path. */
export function* walkTree(node: TreeNode, prefix = ''): Generator<[string, TreeNode]> {
  if (!node.children) return;
  const names = [...node.children.keys()].sort(compareCodePoints);
  for (const name of names) {
    const child = node.children.get(name)!;
    const p = joinPath(prefix, name);
    yield [p, child];
    yield* walkTree(child, p);
  }
}

/** Finds the node at a `/`-separated relative path ('' is the root). */
export function findNode(root: TreeNode, relPath: string): TreeNode | undefined {
  let node: TreeNode | undefined = root;
  for (const part of relPath.split('/').filter(Boolean)) {
    node = node?.children?.get(part);
    if (!node) return undefined;
  }
  return node;
}

const fileCounts = new WeakMap<TreeNode, number>();

/** Files and links in a subtree (memoised: trees are immutable once built). */
export function countFiles(n: TreeNode): number {
  if (!n.children) return 1;
  let c = fileCounts.get(n);
  if (c === undefined) {
    c = 0;
    for (const child of n.children.values()) c += countFiles(child);
    fileCounts.set(n, c);
  }
  return c;
}

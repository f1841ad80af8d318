import { compareCodePoints, countFiles, joinPath, type EntryKind, type TreeNode } from './tree';

export type DiffStatus = 'equal' | 'added' | 'removed' | 'modified';

/** One node of the diff tree shown to users: differing folders carry children, equal ones do not. */
export interface DiffNode {
  name: string;
  path: string;
  status: DiffStatus;
  kindA?: EntryKind;
  kindB?: EntryKind;
  hashA?: string;
  hashB?: string;
  sizeA?: number;
  sizeB?: number;
  /** Files and links below (folders), from the side that has the node (B where both do). */
  files?: number;
  children?: DiffNode[];
}

export interface KindChange {
  path: string;
  from: EntryKind;
  to: EntryKind;
}

export interface TreeDiff {
  rootA: string;
  rootB: string;
  /** Files and links only in B (an empty folder only in B is listed as "name/"). */
  added: string[];
  removed: string[];
  /** Paths in both whose content differs, and paths whose kind changed. */
  modified: string[];
  kindChanged: KindChange[];
  /** Hash comparisons made: one per pair of same-named nodes looked at. */
  comparisons: number;
  /** Distinct paths in the two trees together (roots included): what a full walk would compare. */
  nodes: number;
  tree: DiffNode;
}

/**
 * Compares two Merkle trees top-down: equal hashes end the descent, so only the branches that
 * differ are visited. Each differing folder's children are compared independently.
 */
export function diffTrees(a: TreeNode, b: TreeNode): TreeDiff {
  const out = { added: [] as string[], removed: [] as string[], modified: [] as string[], kindChanged: [] as KindChange[], comparisons: 0, nodes: 0 };

  function both(x: TreeNode, y: TreeNode, p: string, name: string): DiffNode {
    out.comparisons++;
    const node: DiffNode = { name, path: p, status: 'equal', kindA: x.kind, kindB: y.kind, hashA: x.hash, hashB: y.hash, sizeA: x.size, sizeB: y.size };
    if (x.kind !== y.kind) {
      node.status = 'modified';
      out.modified.push(p);
      out.kindChanged.push({ path: p, from: x.kind, to: y.kind });
      out.nodes++;
      // What lies below the folder side is added or removed with it.
      if (x.children) node.children = only(x, p, 'removed');
      if (y.children) node.children = only(y, p, 'added');
      node.files = countFiles(y.children ? y : x);
      return node;
    }
    if (x.hash === y.hash) {
      out.nodes += x.count;
      if (x.children) node.files = countFiles(x);
      return node;
    }
    node.status = 'modified';
    out.nodes++;
    if (!x.children || !y.children) {
      out.modified.push(p);
      return node;
    }
    const names = new Set([...x.children.keys(), ...y.children.keys()]);
    node.children = [...names].sort(compareCodePoints).map(n => {
      const cx = x.children!.get(n);
      const cy = y.children!.get(n);
      const cp = joinPath(p, n);
      if (cx && cy) return both(cx, cy, cp, n);
      return cx ? side(cx, cp, 'removed') : side(cy!, cp, 'added');
    });
    node.files = countFiles(y);
    return node;
  }

  function side(n: TreeNode, p: string, status: 'added' | 'removed'): DiffNode {
    out.nodes++;
    const node: DiffNode = { name: n.name, path: p, status };
    if (status === 'added') Object.assign(node, { kindB: n.kind, hashB: n.hash, sizeB: n.size });
    else Object.assign(node, { kindA: n.kind, hashA: n.hash, sizeA: n.size });
    const list = status === 'added' ? out.added : out.removed;
    if (n.children) {
      node.children = only(n, p, status);
      node.files = countFiles(n);
      if (n.children.size === 0) list.push(`${p}/`);
    } else {
      list.push(p);
    }
    return node;
  }

  function only(n: TreeNode, p: string, status: 'added' | 'removed'): DiffNode[] {
    return [...n.children!.keys()].sort(compareCodePoints).map(name => side(n.children!.get(name)!, joinPath(p, name), status));
  }

  const tree = both(a, b, '', '');
  const byPath = (s: string[]) => s.sort(compareCodePoints);
  return {
    rootA: a.hash,
    rootB: b.hash,
    added: byPath(out.added),
    removed: byPath(out.removed),
    modified: byPath(out.modified),
    kindChanged: out.kindChanged.sort((k1, k2) => compareCodePoints(k1.path, k2.path)),
    comparisons: out.comparisons,
    nodes: out.nodes,
    tree,
  };
}

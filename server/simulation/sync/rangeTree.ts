// A Merkle tree over one key range, as Dynamo keeps per range: a complete tree with `branching`
// children per node and `depth` levels below the root, stored level by level in one byte array
// (32-byte SHA-256 digests). Leaf j covers a contiguous slice of the range's keys; its digest is
// SHA-256 of the records "key (uint32 LE), version (uint32 LE)" of its keys in key order (an
// empty leaf hashes the empty string); an inner node's digest is SHA-256 of its children's
// digests concatenated in order.
import { hash } from 'node:crypto';

export const DIGEST_BYTES = 32;

export interface TreeShape {
  branching: number;
  depth: number;
  /** First key of the range and how many keys it holds. */
  lo: number;
  size: number;
}

/** Nodes in the whole tree, and the index where each level starts. */
export function levelStarts(branching: number, depth: number): number[] {
  const starts = [0];
  let width = 1;
  for (let l = 1; l <= depth + 1; l++) {
    starts.push(starts[l - 1] + width);
    width *= branching;
  }
  return starts; // starts[depth + 1] is the node count
}

export function leafCount(s: TreeShape): number {
  return s.branching ** s.depth;
}

/** The keys [from, to) leaf j covers. */
export function leafKeys(s: TreeShape, j: number): [number, number] {
  const leaves = leafCount(s);
  return [s.lo + Math.floor((j * s.size) / leaves), s.lo + Math.floor(((j + 1) * s.size) / leaves)];
}

/** The leaf that holds `key`. */
export function leafOf(s: TreeShape, key: number): number {
  const leaves = leafCount(s);
  // The inverse of leafKeys' floor((j·size)/leaves); corrected by one step at most.
  let j = Math.floor(((key - s.lo) * leaves) / s.size);
  while (j > 0 && leafKeys(s, j)[0] > key) j--;
  while (j < leaves - 1 && leafKeys(s, j + 1)[0] <= key) j++;
  return j;
}

const record = Buffer.alloc(8 * 4096);

function hashLeaf(s: TreeShape, versions: Uint32Array, j: number, out: Uint8Array, at: number): void {
  const [from, to] = leafKeys(s, j);
  let buf = record;
  const bytes = (to - from) * 8;
  if (bytes > buf.length) buf = Buffer.alloc(bytes);
  for (let k = from, o = 0; k < to; k++, o += 8) {
    buf.writeUInt32LE(k, o);
    buf.writeUInt32LE(versions[k], o + 4);
  }
  out.set(hash('sha256', buf.subarray(0, bytes), 'buffer'), at);
}

function hashInner(s: TreeShape, digests: Uint8Array, v: number): void {
  const first = v * s.branching + 1;
  const children = digests.subarray(first * DIGEST_BYTES, (first + s.branching) * DIGEST_BYTES);
  digests.set(hash('sha256', children, 'buffer'), v * DIGEST_BYTES);
}

/** Builds the whole tree of a range from the replica's versions. */
export function buildTree(s: TreeShape, versions: Uint32Array): Uint8Array {
  const starts = levelStarts(s.branching, s.depth);
  const nodes = starts[s.depth + 1];
  const digests = new Uint8Array(nodes * DIGEST_BYTES);
  const leafStart = starts[s.depth];
  for (let j = 0; j < nodes - leafStart; j++) hashLeaf(s, versions, j, digests, (leafStart + j) * DIGEST_BYTES);
  for (let v = leafStart - 1; v >= 0; v--) hashInner(s, digests, v);
  return digests;
}

/** Rehashes the given leaves and every node above them: O(changed leaves × depth). */
export function updateLeaves(s: TreeShape, digests: Uint8Array, versions: Uint32Array, leaves: Iterable<number>): void {
  const leafStart = levelStarts(s.branching, s.depth)[s.depth];
  let level = new Set<number>();
  for (const j of leaves) {
    hashLeaf(s, versions, j, digests, (leafStart + j) * DIGEST_BYTES);
    level.add(leafStart + j);
  }
  while (level.size && !level.has(0)) {
    const parents = new Set<number>();
    for (const v of level) parents.add(Math.floor((v - 1) / s.branching));
    for (const p of parents) hashInner(s, digests, p);
    level = parents;
  }
}

/** Whether node v has the same digest in both trees. */
export function sameNode(a: Uint8Array, b: Uint8Array, v: number): boolean {
  const at = v * DIGEST_BYTES;
  for (let k = 0; k < DIGEST_BYTES; k++) if (a[at + k] !== b[at + k]) return false;
  return true;
}

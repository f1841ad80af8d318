// Dynamo-style anti-entropy: R replicas of a key space of K keys, d of them diverged. Each
// replica keeps one Merkle tree per key range (rangeTree.ts). Two replicas synchronise by
// comparing their trees top-down: equal digests end the descent; below differing leaves they
// compare per-key hashes, and only the keys that differ are sent (the newer version wins, in
// either direction). The run reports what crossed the network against sending everything.
//
// Counting conventions (per pairwise exchange, A → B):
//   hashes   one per range root, then the children of every differing inner node, then one
//            per key of every differing leaf (its per-key hashes);
//   keys     records sent (key + value), `keyBytes + valueBytes` each; hashes are 32 bytes;
//   round trips  one per tree level compared (all ranges at once), one for the per-key hashes,
//            one for the records — only those that had something to do.
// Replicas exchange along a ring (0↔1, 1↔2, …, R−1↔0) in passes until all are identical.
// The alternative, "send everything", ships all K records per exchange in one round trip.
import { UserError, throwIfAborted } from '../../common/errors';
import { randomInt, sampleDistinct, seededRandom } from '../../common/random';
import { buildTree, DIGEST_BYTES, leafCount, leafKeys, leafOf, levelStarts, sameNode, updateLeaves, type TreeShape } from './rangeTree';
import { rebuildCost, type RebuildCost } from './rebuild';

export interface SyncOptions {
  replicas: number;
  keys: number;
  /** Keys whose newest version some replicas lack. */
  diverge: number;
  /** Children per tree node (default 16). */
  branching?: number;
  /** Levels below each range's root (default: leaves of at most `branching` keys). */
  depth?: number;
  /** Key ranges, one tree each (default 8, at most K). */
  ranges?: number;
  seed?: number;
  keyBytes?: number;
  valueBytes?: number;
  /** Cluster size for the cost of moving ranges (default max(8, R + 1)). */
  clusterNodes?: number;
}

export interface PairExchange {
  /** Replica indices, 0-based: `a` compares its trees against `b`'s. */
  a: number;
  b: number;
  hashes: number;
  keys: number;
  bytes: number;
  roundTrips: number;
}

/** One range's tree in the first exchange: what was compared and what differed, per level. */
export interface RangeTreeView {
  lo: number;
  size: number;
  /** Per level (0 = root): nodes compared, and the positions (within the level) that differed. */
  levels: { compared: number; differing: number[]; truncated: boolean }[];
}

export interface SyncResult {
  seed: number;
  replicas: number;
  keys: number;
  diverged: number;
  branching: number;
  depth: number;
  ranges: number;
  leavesPerRange: number;
  /** Totals over every exchange of the run. */
  hashesExchanged: number;
  keysTransferred: number;
  /** Records and hashes. */
  bytesTransferred: number;
  roundTrips: number;
  /** Passes over the replica ring until all were identical. */
  rounds: number;
  inSync: boolean;
  /** Sending all K records in each of the same exchanges. */
  full: { keysTransferred: number; bytesTransferred: number; roundTrips: number };
  exchanges: PairExchange[];
  /** The diverged keys, sorted (the first 10,000). */
  divergedKeys: number[];
  /** Distinct keys sent in any exchange, sorted (the first 10,000). */
  transferredKeys: number[];
  /** Trees of the first exchange (replica 0 against 1), for display. */
  trees: RangeTreeView[];
  rebuild: RebuildCost;
}

const LIST_LIMIT = 10_000;
const VIEW_LIMIT = 2_000;

interface Setup {
  replicas: number;
  keys: number;
  diverge: number;
  branching: number;
  depth: number;
  ranges: number;
  seed: number;
  keyBytes: number;
  valueBytes: number;
  clusterNodes: number;
}

function whole(name: string, v: number | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (v === undefined || !Number.isInteger(v) || v < min || v > max) {
    throw new UserError(`${name} must be a whole number from ${min.toLocaleString('en-US')} to ${max.toLocaleString('en-US')}, got ${v ?? 'none'}`);
  }
  return v;
}

export function checkSyncOptions(o: SyncOptions): Setup {
  const replicas = whole('--replicas', o.replicas, 2, 30);
  const keys = whole('--keys', o.keys, 1, 50_000_000);
  const diverge = whole('--diverge', o.diverge, 0, keys);
  const branching = whole('--branching', o.branching ?? 16, 2, 256);
  const ranges = whole('--ranges', o.ranges ?? Math.min(8, keys), 1, keys);
  const perRange = Math.ceil(keys / ranges);
  // Leaves of at most `branching` keys: branching^depth ≥ keys per range / branching.
  const auto = Math.max(0, Math.ceil(Math.log(perRange) / Math.log(branching) - 1e-9) - 1);
  const depth = whole('--depth', o.depth ?? auto, 0, 40);
  if (ranges * (branching ** (depth + 1) - 1) / (branching - 1) > 50_000_000) {
    throw new UserError(`--depth ${depth} with --branching ${branching} makes trees of more than 50,000,000 nodes; use a smaller depth`);
  }
  return {
    replicas, keys, diverge, branching, depth, ranges,
    seed: whole('--seed', o.seed ?? 1, 0, 2 ** 32 - 1),
    keyBytes: whole('--key-bytes', o.keyBytes ?? 16, 1, 1 << 20),
    valueBytes: whole('--value-bytes', o.valueBytes ?? 100, 0, 1 << 30),
    clusterNodes: whole('--cluster', o.clusterNodes ?? Math.max(8, replicas + 1), replicas, 10_000),
  };
}

function shapes(s: Setup): TreeShape[] {
  const out: TreeShape[] = [];
  for (let q = 0; q < s.ranges; q++) {
    const lo = Math.floor((q * s.keys) / s.ranges);
    const hi = Math.floor(((q + 1) * s.keys) / s.ranges);
    out.push({ branching: s.branching, depth: s.depth, lo, size: hi - lo });
  }
  return out;
}

function rangeOf(s: Setup, key: number): number {
  let q = Math.floor((key * s.ranges) / s.keys);
  while (q > 0 && Math.floor((q * s.keys) / s.ranges) > key) q--;
  while (q < s.ranges - 1 && Math.floor(((q + 1) * s.keys) / s.ranges) <= key) q++;
  return q;
}

interface Replica {
  versions: Uint32Array;
  trees: Uint8Array[];
}

export interface SyncRunOptions {
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

/** Builds the replicas and their trees, then synchronises them. */
export function simulateSync(options: SyncOptions, run: SyncRunOptions = {}): SyncResult {
  const steps = syncSteps(checkSyncOptions(options), run);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** The same, yielding to the event loop between steps (the language server stays responsive and cancellable). */
export async function simulateSyncAsync(options: SyncOptions, run: SyncRunOptions = {}): Promise<SyncResult> {
  const steps = syncSteps(checkSyncOptions(options), run);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
    await new Promise(resolve => setImmediate(resolve));
    throwIfAborted(run.signal);
  }
}

/** The run, as steps: it yields after each tree built and each exchange. */
function* syncSteps(s: Setup, run: SyncRunOptions): Generator<void, SyncResult> {
  const random = seededRandom(s.seed);
  const shape = shapes(s);

  // Every key at version 1; each diverged key at version 2 on a random non-empty proper subset.
  const base = new Uint32Array(s.keys).fill(1);
  const divergedKeys = sampleDistinct(random, s.keys, s.diverge).sort((a, b) => a - b);
  const replicas: Replica[] = [];
  for (let r = 0; r < s.replicas; r++) replicas.push({ versions: base.slice(), trees: [] });
  for (const key of divergedKeys) {
    let mask = 0;
    const all = 2 ** s.replicas - 1;
    while (mask === 0 || mask === all) mask = randomInt(random, all + 1);
    for (let r = 0; r < s.replicas; r++) if (mask & (1 << r)) replicas[r].versions[key] = 2;
  }

  run.onProgress?.(`building the trees of ${s.ranges} ranges`);
  const baseTrees: Uint8Array[] = [];
  for (const sh of shape) {
    baseTrees.push(buildTree(sh, base));
    throwIfAborted(run.signal);
    run.onProgress?.(`built ${baseTrees.length} of ${s.ranges} range trees`);
    yield;
  }
  for (const rep of replicas) {
    rep.trees = baseTrees.map(t => t.slice());
    const dirty = shape.map(() => new Set<number>());
    for (const key of divergedKeys) {
      if (rep.versions[key] !== base[key]) {
        const q = rangeOf(s, key);
        dirty[q].add(leafOf(shape[q], key));
      }
    }
    dirty.forEach((leaves, q) => updateLeaves(shape[q], rep.trees[q], rep.versions, leaves));
  }

  const starts = levelStarts(s.branching, s.depth);
  const exchanges: PairExchange[] = [];
  const transferred = new Set<number>();
  let trees: RangeTreeView[] = [];
  const pairs: [number, number][] = [];
  for (let r = 0; r + 1 < s.replicas; r++) pairs.push([r, r + 1]);
  if (s.replicas > 2) pairs.push([s.replicas - 1, 0]);
  const identical = () => replicas.every(rep => rep.trees.every((t, q) => sameNode(t, replicas[0].trees[q], 0)));

  // Replicas cannot know they agree without comparing: at least one exchange, then passes
  // along the ring until all are identical (each pass fixes every stale copy it reaches).
  let rounds = 0;
  let done = false;
  while (!done && rounds <= s.replicas) {
    rounds++;
    for (const [a, b] of pairs) {
      throwIfAborted(run.signal);
      run.onProgress?.(`pass ${rounds}: replica ${a + 1} ↔ ${b + 1}`);
      const view = exchanges.length === 0 ? [] as RangeTreeView[] : undefined;
      exchanges.push(exchange(s, shape, starts, replicas, a, b, transferred, view));
      if (view) trees = view;
      if ((done = identical())) break;
      yield;
    }
  }

  const sum = (f: (e: PairExchange) => number) => exchanges.reduce((t, e) => t + f(e), 0);
  const record = s.keyBytes + s.valueBytes;
  const sorted = [...transferred].sort((a, b) => a - b);
  return {
    seed: s.seed,
    replicas: s.replicas,
    keys: s.keys,
    diverged: s.diverge,
    branching: s.branching,
    depth: s.depth,
    ranges: s.ranges,
    leavesPerRange: s.branching ** s.depth,
    hashesExchanged: sum(e => e.hashes),
    keysTransferred: sum(e => e.keys),
    bytesTransferred: sum(e => e.bytes),
    roundTrips: sum(e => e.roundTrips),
    rounds,
    inSync: identical(),
    full: { keysTransferred: exchanges.length * s.keys, bytesTransferred: exchanges.length * s.keys * record, roundTrips: exchanges.length },
    exchanges,
    divergedKeys: divergedKeys.slice(0, LIST_LIMIT),
    transferredKeys: sorted.slice(0, LIST_LIMIT),
    trees,
    rebuild: rebuildCost(s.keys, s.replicas, s.clusterNodes, s.seed),
  };
}

/** One exchange: replica a compares its trees with b's, top-down, and they swap newer records. */
function exchange(
  s: Setup, shape: TreeShape[], starts: number[], replicas: Replica[], a: number, b: number, transferred: Set<number>, view?: RangeTreeView[],
): PairExchange {
  const A = replicas[a];
  const B = replicas[b];
  let hashes = 0;
  let roundTrips = 0;
  // Nodes to compare at the current level, per range (node indices in the tree).
  let frontier: number[][] = shape.map(() => [0]);
  const differingLeaves: number[][] = shape.map(() => []);
  const levelViews = view ? shape.map(sh => ({ lo: sh.lo, size: sh.size, levels: [] as RangeTreeView['levels'] })) : undefined;
  for (let level = 0; level <= s.depth; level++) {
    if (frontier.every(f => f.length === 0)) break;
    roundTrips++;
    const next: number[][] = shape.map(() => []);
    frontier.forEach((nodes, q) => {
      const differing: number[] = [];
      hashes += nodes.length;
      for (const v of nodes) {
        if (sameNode(A.trees[q], B.trees[q], v)) continue;
        differing.push(v);
        if (level === s.depth) differingLeaves[q].push(v - starts[s.depth]);
        else for (let c = 1; c <= s.branching; c++) next[q].push(v * s.branching + c);
      }
      if (levelViews && nodes.length) {
        levelViews[q].levels.push({
          compared: nodes.length,
          differing: differing.slice(0, VIEW_LIMIT).map(v => v - starts[level]),
          truncated: differing.length > VIEW_LIMIT,
        });
      }
    });
    frontier = next;
  }
  // Per-key hashes of the differing leaves, then the records that differ.
  let keys = 0;
  const dirtyA = shape.map(() => new Set<number>());
  const dirtyB = shape.map(() => new Set<number>());
  if (differingLeaves.some(l => l.length)) roundTrips++;
  differingLeaves.forEach((leaves, q) => {
    for (const j of leaves) {
      const [from, to] = leafKeys(shape[q], j);
      hashes += to - from;
      for (let k = from; k < to; k++) {
        const va = A.versions[k];
        const vb = B.versions[k];
        if (va === vb) continue;
        keys++;
        transferred.add(k);
        if (va > vb) {
          B.versions[k] = va;
          dirtyB[q].add(j);
        } else {
          A.versions[k] = vb;
          dirtyA[q].add(j);
        }
      }
    }
  });
  if (keys) roundTrips++;
  shape.forEach((sh, q) => {
    updateLeaves(sh, A.trees[q], A.versions, dirtyA[q]);
    updateLeaves(sh, B.trees[q], B.versions, dirtyB[q]);
  });
  if (levelViews) view!.push(...levelViews);
  return { a, b, hashes, keys, bytes: keys * (s.keyBytes + s.valueBytes) + hashes * DIGEST_BYTES, roundTrips };
}

export interface ScalingRow {
  keys: number;
  diverged: number;
  hashesExchanged: number;
  keysTransferred: number;
  bytesTransferred: number;
  fullBytes: number;
  /** hashes ÷ (d · log_branching K): flat when the cost grows as O(d · log K). */
  perLogK: number;
}

/** Two replicas over a grid of K and d: the O(d · log K) behaviour of the exchange. */
export function syncScaling(
  { keys = [1_000, 10_000, 100_000], diverged = [1, 10, 100], branching = 16, seed = 1 }: { keys?: number[]; diverged?: number[]; branching?: number; seed?: number } = {},
  run: SyncRunOptions = {},
): ScalingRow[] {
  const rows: ScalingRow[] = [];
  for (const K of keys) {
    for (const d of diverged) {
      if (d > K) continue;
      throwIfAborted(run.signal);
      run.onProgress?.(`scaling: ${K.toLocaleString('en-US')} keys, ${d.toLocaleString('en-US')} diverged`);
      const r = simulateSync({ replicas: 2, keys: K, diverge: d, branching, seed, ranges: 1 }, { signal: run.signal });
      rows.push({
        keys: K,
        diverged: d,
        hashesExchanged: r.hashesExchanged,
        keysTransferred: r.keysTransferred,
        bytesTransferred: r.bytesTransferred,
        fullBytes: r.full.bytesTransferred,
        perLogK: d > 0 ? r.hashesExchanged / (d * Math.max(1, Math.log(K) / Math.log(branching))) : 0,
      });
    }
  }
  return rows;
}

export { leafCount };

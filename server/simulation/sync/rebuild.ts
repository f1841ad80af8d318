// What moving key ranges costs in Merkle trees (Dynamo, §4.7 and §6.2): with one token per node,
// a node joining or leaving changes range boundaries, and every tree whose range changed must be
// rebuilt from its keys at every replica that holds it. Nodes sit on a ring at random tokens;
// the range (previous token, own token] belongs to its node and is also held by the next R−1
// nodes. The cost is counted as the keys rehashed to rebuild the changed trees.
import { sampleDistinct, seededRandom } from '../../common/random';

export interface MoveCost {
  /** Trees (range × node holding it) that must be built anew. */
  treesRebuilt: number;
  keysRehashed: number;
}

export interface RebuildCost {
  clusterNodes: number;
  join: MoveCost;
  leave: MoveCost;
  /** Keys hashed to build every tree of the cluster from scratch (K × R). */
  allTrees: number;
}

/** Each node's ranges ("lo:hi", ends exclusive/inclusive on the circle) for tokens sorted ascending. */
function holdings(tokens: number[], nodes: number[], replicas: number): Map<number, Set<string>> {
  const held = new Map<number, Set<string>>(nodes.map(n => [n, new Set<string>()]));
  const m = tokens.length;
  for (let i = 0; i < m; i++) {
    const range = `${tokens[(i - 1 + m) % m]}:${tokens[i]}`;
    for (let r = 0; r < Math.min(replicas, m); r++) held.get(nodes[(i + r) % m])!.add(range);
  }
  return held;
}

function sizeOf(range: string, keys: number): number {
  const [lo, hi] = range.split(':').map(Number);
  const size = (hi - lo + keys) % keys;
  return size === 0 ? keys : size;
}

function cost(before: Map<number, Set<string>>, after: Map<number, Set<string>>, keys: number): MoveCost {
  let treesRebuilt = 0;
  let keysRehashed = 0;
  for (const [node, ranges] of after) {
    const had = before.get(node);
    for (const range of ranges) {
      if (had?.has(range)) continue;
      treesRebuilt++;
      keysRehashed += sizeOf(range, keys);
    }
  }
  return { treesRebuilt, keysRehashed };
}

export function rebuildCost(keys: number, replicas: number, clusterNodes: number, seed: number): RebuildCost {
  const random = seededRandom(seed ^ 0x27d4eb2f);
  const m = Math.min(clusterNodes, keys);
  const tokens = sampleDistinct(random, keys, m + 1);
  const joinToken = tokens.pop()!;
  const ring = tokens.map((t, i) => ({ t, node: i })).sort((a, b) => a.t - b.t);
  const before = holdings(ring.map(x => x.t), ring.map(x => x.node), replicas);

  const joined = [...ring, { t: joinToken, node: m }].sort((a, b) => a.t - b.t);
  const afterJoin = holdings(joined.map(x => x.t), joined.map(x => x.node), replicas);

  const leaving = Math.floor(random() * m);
  const left = ring.filter(x => x.node !== leaving);
  const afterLeave = holdings(left.map(x => x.t), left.map(x => x.node), replicas);

  return {
    clusterNodes: m,
    join: cost(before, afterJoin, keys),
    leave: cost(before, afterLeave, keys),
    allTrees: keys * Math.min(replicas, m),
  };
}

// Leader election simulations against the textbook: closed-form message counts (hand-derived
// next to each test), every order of Chang–Roberts for small n against a direct count, split
// brain for Bully under a partition, and the highest live rank elected by every algorithm.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { simulateElection } from '../../server/simulation/election/run';
import { ALGORITHMS, type ElectionOptions } from '../../server/simulation/election/types';

const elect = (o: ElectionOptions) => simulateElection(o);

/** Every permutation of 1..n (Heap's algorithm). */
function permutations(n: number): number[][] {
  const a = Array.from({ length: n }, (_, i) => i + 1);
  const out: number[][] = [a.slice()];
  const c = new Array(n).fill(0);
  let i = 0;
  while (i < n) {
    if (c[i] < i) {
      const j = i % 2 === 0 ? 0 : c[i];
      [a[j], a[i]] = [a[i], a[j]];
      out.push(a.slice());
      c[i]++;
      i = 0;
    } else c[i++] = 0;
  }
  return out;
}

/**
 * Chang–Roberts election hops computed directly, without simulating: with every node starting,
 * the id at position p travels until the first larger id downstream (that hop counted); the
 * largest travels the whole ring (n hops).
 */
function changRobertsHops(ring: number[]): number {
  const n = ring.length;
  let hops = 0;
  for (let p = 0; p < n; p++) {
    let k = 1;
    while (k < n && ring[(p + k) % n] < ring[p]) k++;
    hops += k;
  }
  return hops;
}

test('Chang–Roberts: best case 2n−1 (ids ascending along the ring), worst n(n+1)/2 (descending), plus n ELECTED', () => {
  for (const n of [2, 3, 4, 5, 8, 13, 20, 50, 100]) {
    const best = elect({ algorithm: 'chang-roberts', nodes: n, order: 'ascending' });
    assert.deepEqual(best.messagesByType, { election: 2 * n - 1, elected: n }, `n=${n} ascending`);
    assert.equal(best.leader, n);
    const worst = elect({ algorithm: 'chang-roberts', nodes: n, order: 'descending' });
    assert.deepEqual(worst.messagesByType, { election: (n * (n + 1)) / 2, elected: n }, `n=${n} descending`);
    assert.equal(worst.messages, (n * (n + 1)) / 2 + n);
  }
  // The values the literature quotes for n = 8.
  assert.equal(elect({ algorithm: 'chang-roberts', nodes: 8, order: 'ascending' }).messagesByType.election, 15);
  assert.equal(elect({ algorithm: 'chang-roberts', nodes: 8, order: 'descending' }).messagesByType.election, 36);
});

test('Chang–Roberts over every id order for n ≤ 7: each run matches the direct count, the average is n·H_n', () => {
  for (let n = 2; n <= 7; n++) {
    let sum = 0;
    let count = 0;
    for (const ring of permutations(n)) {
      const r = elect({ algorithm: 'chang-roberts', ring });
      assert.equal(r.messagesByType.election, changRobertsHops(ring), `ring ${ring.join(',')}`);
      assert.equal(r.messagesByType.elected, n);
      assert.equal(r.leader, n);
      sum += r.messagesByType.election;
      count++;
    }
    // Average n·H_n, compared exactly: sum = n! · n · H_n = n · Σ_k n!/k.
    let factorial = 1;
    for (let k = 2; k <= n; k++) factorial *= k;
    let nFactorialH = 0;
    for (let k = 1; k <= n; k++) nFactorialH += factorial / k;
    assert.equal(count, factorial);
    assert.equal(sum, n * nFactorialH, `n=${n}`);
  }
  // n = 8 (40,320 orders would be slow here): the published average 761/35 = 8·H_8.
  let h8 = 0;
  for (let k = 1; k <= 8; k++) h8 += 1 / k;
  assert.ok(Math.abs(8 * h8 - 761 / 35) < 1e-12);
});

test('Ring (ids collected round the ring): one initiator costs n + (n−1) = 2n−1; everyone starting costs LeLann’s n²', () => {
  for (const n of [2, 3, 5, 8, 21, 64]) {
    const all = elect({ algorithm: 'ring', nodes: n, order: 'random', seed: n });
    assert.deepEqual(all.messagesByType, { election: n * n, coordinator: 0 }, `n=${n} all start`);
    assert.equal(all.leader, n);
    for (const initiator of [1, Math.ceil(n / 2), n]) {
      const one = elect({ algorithm: 'ring', nodes: n, initiators: [initiator], order: 'random', seed: n });
      assert.deepEqual(one.messagesByType, { election: n, coordinator: n - 1 }, `n=${n} initiator ${initiator}`);
      assert.equal(one.leader, n);
    }
  }
});

test('Bully with the leader dead: (n−k)(n−k+1)/2 ELECTION, (n−k−1)(n−k)/2 OK, n−2 COORDINATOR when node k starts', () => {
  for (let n = 3; n <= 12; n++) {
    for (let k = 1; k < n; k++) {
      const r = elect({ algorithm: 'bully', nodes: n, initiators: [k], crashes: [{ node: n, at: 0 }] });
      const expected = { election: ((n - k) * (n - k + 1)) / 2, ok: ((n - k - 1) * (n - k)) / 2, coordinator: n - 2 };
      assert.deepEqual(r.messagesByType, expected, `n=${n} k=${k}`);
      assert.equal(r.messages, (n - k) ** 2 + n - 2);
      assert.equal(r.leader, n - 1);
      assert.equal(r.splitBrain, false);
    }
  }
  // O(n²) from the lowest rank (n=10: 45 + 36 + 8 = 89), O(n) from the next-highest (1 + n−2).
  assert.equal(elect({ algorithm: 'bully', nodes: 10, crashes: [{ node: 10, at: 0 }] }).messages, 89);
  assert.equal(elect({ algorithm: 'bully', nodes: 10, initiators: [9], crashes: [{ node: 10, at: 0 }] }).messages, 9);
});

test('Bully in a healthy network: the top rank answers and announces itself once (n−1 COORDINATOR)', () => {
  for (const n of [2, 5, 9]) {
    for (const k of [1, n - 1, n]) {
      const r = elect({ algorithm: 'bully', nodes: n, initiators: [k] });
      const e = ((n - k) * (n - k + 1)) / 2;
      assert.deepEqual(r.messagesByType, { election: e, ok: e, coordinator: n - 1 }, `n=${n} k=${k}`);
      assert.equal(r.leader, n);
    }
  }
});

test('Bully under a partition elects a leader on each side: split brain, healed when the partition ends', () => {
  const r = elect({ algorithm: 'bully', nodes: 8, partitions: [{ groups: [[1, 2, 3, 4], [5, 6, 7, 8]], from: 20, to: 200 }], seed: 3 });
  assert.equal(r.splitBrain, true);
  assert.equal(r.maxSimultaneousLeaders, 2);
  const v = r.safetyViolations.find(x => x.partitioned);
  assert.ok(v, JSON.stringify(r.safetyViolations));
  assert.deepEqual(v.leaders, [4, 8]);
  assert.ok(v.from > 20 && v.from < 200 && v.to !== null && v.to >= 200 && v.to < 220, `violation ${JSON.stringify(v)}`);
  // After the heal, node 8's heartbeats win: one leader again.
  assert.equal(r.leader, 8);
  assert.equal(r.converged, true);
  // Node 4 led its side during the partition.
  assert.ok(r.leaders.some(c => c.node === 4 && c.leader === 4 && c.time > 20 && c.time < 200));
  // A partition that never heals leaves two leaders: no agreement at the end.
  const never = elect({ algorithm: 'bully', nodes: 6, partitions: [{ groups: [[1, 2, 3], [4, 5, 6]], from: 10 }] });
  assert.equal(never.splitBrain, true);
  assert.equal(never.leader, null);
  assert.equal(never.converged, false);
  assert.match(never.reason ?? '', /partition/);
});

test('Candidate/ordinary under the same partition: the side without candidates elects nobody (no split brain)', () => {
  const r = elect({ algorithm: 'candidate', nodes: 8, partitions: [{ groups: [[1, 2, 3, 4], [5, 6, 7, 8]], from: 20, to: 200 }] });
  assert.equal(r.splitBrain, false);
  assert.equal(r.maxSimultaneousLeaders, 1);
  assert.equal(r.leader, 8);
});

test('every algorithm elects the highest live rank in a healthy network, whatever the order, delays and seed', () => {
  for (const algorithm of ALGORITHMS) {
    for (const n of [2, 3, 5, 8, 13]) {
      for (const seed of [1, 2, 3]) {
        const base: ElectionOptions = { algorithm, nodes: n, order: 'random', seed, delay: { min: 0.5, max: 2 } };
        const healthy = elect(base);
        assert.equal(healthy.leader, n, `${algorithm} n=${n} seed=${seed}: ${healthy.reason ?? ''}`);
        assert.equal(healthy.converged, true);
        assert.equal(healthy.splitBrain, false);
        if (n < 3) continue;
        const dead = elect({ ...base, crashes: [{ node: n, at: 0 }] });
        assert.equal(dead.leader, n - 1, `${algorithm} n=${n} seed=${seed}, ${n} dead: ${dead.reason ?? ''}`);
        const later = elect({ ...base, crashes: [{ node: n, at: 40 }] });
        assert.equal(later.leader, n - 1, `${algorithm} n=${n} seed=${seed}, ${n} dies at 40: ${later.reason ?? ''}`);
        assert.ok(later.elections.length >= 2, `${algorithm}: the crash at 40 causes a second election`);
        assert.ok(later.elections[later.elections.length - 1].start >= 40);
      }
    }
  }
});

test('candidate/ordinary elects the highest live candidate, never an ordinary node', () => {
  const r = elect({ algorithm: 'candidate', nodes: 8, candidates: [2, 5, 6], crashes: [{ node: 6, at: 0 }] });
  assert.equal(r.leader, 5);
  const none = elect({ algorithm: 'candidate', nodes: 4, candidates: [4], crashes: [{ node: 4, at: 0 }] });
  assert.equal(none.leader, null);
  assert.equal(none.converged, false);
});

test('the leaders timeline starts from the initial leader and ends with every live node on the winner', () => {
  const r = elect({ algorithm: 'bully', nodes: 5, crashes: [{ node: 5, at: 0 }] });
  assert.deepEqual(r.leaders.slice(0, 5), [1, 2, 3, 4, 5].map(node => ({ time: 0, node, leader: 5 })));
  const last = new Map<number, number | null>();
  for (const c of r.leaders) last.set(c.node, c.leader);
  assert.deepEqual([...last].sort((a, b) => a[0] - b[0]), [[1, 4], [2, 4], [3, 4], [4, 4], [5, null]]);
  // Node 1 starts at 0; node 4 announces after its answer timeout (3 delays) at t=4; it arrives at 5.
  assert.equal(r.electionTime, 5);
});

test('the same seed gives the same run; another seed gives other delays', () => {
  const o: ElectionOptions = { algorithm: 'invitation', nodes: 9, order: 'random', delay: { min: 0.2, max: 3 }, crashes: [{ node: 9, at: 30 }], loss: 0.05, seed: 7 };
  assert.deepEqual(elect(o), elect(o));
  assert.notDeepEqual(elect(o).leaders, elect({ ...o, seed: 8 }).leaders);
});

test('a run that cannot settle stops at its bounds and says why', () => {
  const lossy = elect({ algorithm: 'chang-roberts', nodes: 6, loss: 0.9, maxElections: 50 });
  assert.equal(lossy.converged, false);
  assert.match(lossy.reason ?? '', /restart/);
  const small = elect({ algorithm: 'bully', nodes: 200, maxEvents: 1000 });
  assert.equal(small.converged, false);
  assert.match(small.reason ?? '', /event limit/);
  assert.equal(small.leader, null);
});

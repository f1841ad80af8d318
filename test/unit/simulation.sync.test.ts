// Merkle anti-entropy: exactly the diverged keys move, hash counts match a hand count, the
// tree digests follow the documented recipe (recomputed with sha256sum), and the cost grows
// with d and log K, not with K.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { simulateSync } from '../../server/simulation/sync/antiEntropy';
import { buildTree, DIGEST_BYTES } from '../../server/simulation/sync/rangeTree';
import { rebuildCost } from '../../server/simulation/sync/rebuild';
import { sha256sum } from './helpers';

test('two replicas: exactly the diverged keys are transferred, once each, and the replicas end identical', () => {
  for (const [keys, diverge, branching] of [[1000, 10, 16], [5000, 1, 2], [20000, 300, 4], [777, 777, 16], [100, 0, 8]]) {
    const r = simulateSync({ replicas: 2, keys, diverge, branching, seed: keys + diverge });
    assert.equal(r.inSync, true);
    assert.equal(r.keysTransferred, diverge, `K=${keys} d=${diverge} B=${branching}`);
    assert.equal(r.divergedKeys.length, diverge);
    assert.deepEqual(r.transferredKeys, r.divergedKeys);
    assert.equal(r.full.keysTransferred, keys * r.exchanges.length);
  }
});

test('more replicas: every diverged key and no other is transferred, and all replicas end identical', () => {
  for (const replicas of [3, 5]) {
    const r = simulateSync({ replicas, keys: 30000, diverge: 250, seed: replicas });
    assert.equal(r.inSync, true);
    assert.deepEqual(r.transferredKeys, r.divergedKeys);
    // A stale copy is fixed once: at most R−1 copies of each diverged key move.
    assert.ok(r.keysTransferred >= 250 && r.keysTransferred <= 250 * (replicas - 1), String(r.keysTransferred));
  }
});

test('hash count by hand: 16 keys, one range, binary tree of depth 3 (8 leaves of 2 keys), one key diverged', () => {
  const r = simulateSync({ replicas: 2, keys: 16, diverge: 1, branching: 2, ranges: 1, seed: 5 });
  assert.equal(r.depth, 3);
  // root 1; the two children of each differing node on levels 0, 1, 2: 2 + 2 + 2; the leaf's 2 keys.
  assert.equal(r.hashesExchanged, 1 + 6 + 2);
  // Roots, 3 levels below, the per-key hashes, the record: 6 round trips.
  assert.equal(r.roundTrips, 6);
  assert.equal(r.bytesTransferred, 1 * (16 + 100) + 9 * 32);
  assert.deepEqual(r.trees[0].levels.map(l => [l.compared, l.differing.length]), [[1, 1], [2, 1], [2, 1], [2, 1]]);
});

test('no divergence: one exchange of the range roots, nothing else', () => {
  const r = simulateSync({ replicas: 2, keys: 50000, diverge: 0, ranges: 8 });
  assert.equal(r.hashesExchanged, 8);
  assert.equal(r.keysTransferred, 0);
  assert.equal(r.roundTrips, 1);
});

test('the cost of one diverged key is Q roots + B per level + its leaf’s keys, whatever K', () => {
  for (const keys of [4096, 65536, 1 << 20]) {
    const r = simulateSync({ replicas: 2, keys, diverge: 1, branching: 16, ranges: 4, seed: 9 });
    const perRange = keys / 4;
    const leafKeys = perRange / 16 ** r.depth;
    assert.equal(r.hashesExchanged, 4 + 16 * r.depth + leafKeys, `K=${keys}`);
    assert.ok(r.hashesExchanged < 4 + 16 * (Math.log(keys) / Math.log(16) + 1), 'O(log K)');
  }
});

test('the hashes exchanged grow about linearly in d (at most B per level and leaf keys per diverged key)', () => {
  for (const d of [1, 10, 100, 1000]) {
    const r = simulateSync({ replicas: 2, keys: 200000, diverge: d, branching: 16, ranges: 1, seed: d });
    const leafMax = Math.ceil(200000 / 16 ** r.depth);
    assert.ok(r.hashesExchanged <= 1 + d * (16 * r.depth + leafMax), `d=${d}: ${r.hashesExchanged}`);
    assert.ok(r.hashesExchanged >= d, `d=${d}`);
  }
});

test('range tree digests follow the recipe: leaves over "key u32 LE, version u32 LE" records, inner nodes over child digests (sha256sum)', () => {
  const versions = Uint32Array.from([1, 1, 2, 1, 7, 1]);
  // 6 keys, branching 2, depth 1: leaves [0,3) and [3,6).
  const digests = buildTree({ branching: 2, depth: 1, lo: 0, size: 6 }, versions);
  const records = (from: number, to: number) => {
    const b = Buffer.alloc((to - from) * 8);
    for (let k = from; k < to; k++) {
      b.writeUInt32LE(k, (k - from) * 8);
      b.writeUInt32LE(versions[k], (k - from) * 8 + 4);
    }
    return b;
  };
  const left = sha256sum(records(0, 3));
  const right = sha256sum(records(3, 6));
  const root = sha256sum(Buffer.concat([Buffer.from(left, 'hex'), Buffer.from(right, 'hex')]));
  const hex = (v: number) => Buffer.from(digests.subarray(v * DIGEST_BYTES, (v + 1) * DIGEST_BYTES)).toString('hex');
  assert.equal(hex(1), left);
  assert.equal(hex(2), right);
  assert.equal(hex(0), root);
});

test('moving ranges: a join or leave rebuilds a few trees, never more keys than all trees hold', () => {
  for (const seed of [1, 2, 3]) {
    const c = rebuildCost(1_000_000, 3, 8, seed);
    assert.equal(c.allTrees, 3_000_000);
    // The joining node builds a tree for each of the R ranges it now holds (at least).
    assert.ok(c.join.treesRebuilt >= 3, JSON.stringify(c));
    assert.ok(c.leave.treesRebuilt >= 1, JSON.stringify(c));
    for (const m of [c.join, c.leave]) assert.ok(m.keysRehashed > 0 && m.keysRehashed < c.allTrees, JSON.stringify(c));
  }
  // Two nodes, one replica each: a third node splits one range; it builds (a, t] and its
  // successor rebuilds (t, b]: 2 trees covering that range's keys.
  const two = rebuildCost(1000, 1, 2, 4);
  assert.equal(two.join.treesRebuilt, 2);
});

test('bad sync input is rejected with the option named', () => {
  assert.throws(() => simulateSync({ replicas: 1, keys: 10, diverge: 1 }), /--replicas must be a whole number from 2/);
  assert.throws(() => simulateSync({ replicas: 2, keys: 10, diverge: 11 }), /--diverge must be a whole number from 0 to 10/);
  assert.throws(() => simulateSync({ replicas: 2, keys: 0, diverge: 0 }), /--keys/);
  assert.throws(() => simulateSync({ replicas: 2, keys: 10, diverge: 1, branching: 1 }), /--branching/);
});

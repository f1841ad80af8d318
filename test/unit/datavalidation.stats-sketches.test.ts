// The mergeable summaries behind the statistics, against exact answers: KLL quantiles within
// their stated rank error (alone, merged, and through the plain form threads exchange),
// Misra-Gries counts as lower bounds within their error, HyperLogLog near the true count.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { KllSketch, quantilesOf, rankErrorBound } from '../../server/datavalidation/kll';
import { ByteCounts, mergeValueCounts, topValues, uniqueCount } from '../../server/datavalidation/valueCounts';

function lcg(seed: number): () => number {
  return () => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32;
}

/** Worst distance, as a fraction of n, between each asked quantile and the true rank of the answer. */
function worstRankError(sketch: KllSketch, sorted: Float64Array): number {
  const { values, weights } = sketch.weightedItems();
  assert.equal(weights.reduce((a, w) => a + w, 0), sorted.length, 'weights add up to n');
  const qs = Array.from({ length: 99 }, (_, i) => (i + 1) / 100);
  let worst = 0;
  quantilesOf(values, weights, qs).forEach((x, i) => {
    let below = 0;
    let atMost = 0;
    for (const v of sorted) {
      if (v < x) below++;
      if (v <= x) atMost++;
    }
    const target = qs[i] * sorted.length;
    worst = Math.max(worst, (target < below ? below - target : target > atMost ? target - atMost : 0) / sorted.length);
  });
  return worst;
}

test('KLL: exact up to k values; quantiles of the exact case as by hand', () => {
  const s = new KllSketch(16);
  [5, 1, 4, 2, 3, 6].forEach(x => s.update(x));
  assert.ok(s.exact);
  const { values, weights } = s.weightedItems();
  assert.deepEqual([...values], [1, 2, 3, 4, 5, 6]);
  // Median of six: between the 3rd and 4th; the 1/6 quantile: between 1st and 2nd.
  assert.deepEqual(quantilesOf(values, weights, [0, 1 / 6, 0.5, 0.7, 1]), [1, 1.5, 3.5, 5, 6]);
  for (let i = 0; i < 10; i++) s.update(i);
  assert.ok(s.exact, '16 values in a sketch of k = 16');
  for (let i = 0; i < 10; i++) s.update(i);
  assert.ok(!s.exact);
});

test('KLL: rank error within the stated bound, alone and merged from plain-data parts', () => {
  const rnd = lcg(11);
  for (const n of [5_000, 400_000]) {
    const data = Float64Array.from({ length: n }, () => rnd() ** 3 * 1000 - 100);
    const sorted = data.slice().sort();
    const whole = new KllSketch();
    data.forEach(x => whole.update(x));
    const bound = rankErrorBound(whole.k);
    assert.ok(bound < 0.01);
    const alone = worstRankError(whole, sorted);
    assert.ok(alone <= bound, `n=${n}: ${alone} > ${bound}`);
    // Five unequal parts, each through toData/fromData (as between threads), merged in order.
    const cuts = [0, n / 10, n / 4, n / 2, (3 * n) / 4, n].map(Math.floor);
    const parts = cuts.slice(1).map((end, i) => {
      const part = new KllSketch();
      for (let j = cuts[i]; j < end; j++) part.update(data[j]);
      return KllSketch.fromData(structuredClone(part.toData()));
    });
    const merged = parts[0];
    parts.slice(1).forEach(p => merged.merge(p));
    assert.equal(merged.n, n);
    const mergedError = worstRankError(merged, sorted);
    assert.ok(mergedError <= bound, `merged n=${n}: ${mergedError} > ${bound}`);
  }
});

test('value counts: exact under the cap; past it, lower bounds within the error, unique near the truth', () => {
  const add = (bc: ByteCounts, s: string) => {
    const b = Buffer.from(s, 'latin1');
    bc.add(b, 0, b.length);
  };
  const exact = new ByteCounts(10, 1 << 20);
  for (const v of ['a', 'b', 'a', 'c', 'a', 'b']) add(exact, v);
  const e = exact.toValueCounts();
  assert.equal(uniqueCount(e), 3);
  assert.deepEqual(topValues(e, 2), [{ key: 'a', count: 3 }, { key: 'b', count: 2 }]);
  assert.equal(e.hll, null);

  // About 20 000 distinct values once each, with 1075 of "x" and 430 of "y" spread among them; cap 1000.
  const truth = new Map<string, number>();
  const make = () => new ByteCounts(1000, 1 << 20);
  const parts = [make(), make()];
  for (let i = 0; i < 21_500; i++) {
    const v = i % 20 === 0 ? 'x' : i % 50 === 1 ? 'y' : `v${i}`;
    truth.set(v, (truth.get(v) ?? 0) + 1);
    add(parts[i < 9000 ? 0 : 1], v);
  }
  const merged = parts[0].toValueCounts();
  mergeValueCounts(merged, parts[1].toValueCounts());
  assert.ok(merged.hll && merged.counts.size <= 1000);
  const unique = uniqueCount(merged);
  assert.ok(Math.abs(unique - truth.size) <= 0.03 * truth.size, `unique ${unique} vs ${truth.size}`);
  for (const { key, count } of topValues(merged, 2)) {
    const real = truth.get(key)!;
    assert.ok(count <= real && count >= real - merged.error, `${key}: ${count} vs ${real} (error ${merged.error})`);
  }
  assert.deepEqual(topValues(merged, 2).map(v => v.key), ['x', 'y']);
  // The error bound is at most n / (kept + 1).
  assert.ok(merged.error <= 21_500 / 501, `error ${merged.error}`);
});

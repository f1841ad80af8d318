// Sampling the next token: argmax, temperature (checked against the distribution it should give,
// by a chi-square test on seeded draws) and top-k (never outside the k most likely).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { argmax, chooseToken, createRng, sampleIndex, topKIndices, withTemperature } from '../../server/music/sampling';

/** Pearson's chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], expected: number[], n: number): number {
  return counts.reduce((sum, c, i) => sum + (c - n * expected[i]) ** 2 / (n * expected[i]), 0);
}

/** Chi-square critical values at p = 0.001 (tables), by degrees of freedom. */
const CRITICAL_0_001: Record<number, number> = { 2: 13.816, 3: 16.266, 4: 18.467 };

function draw(n: number, pick: () => number, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < n; i++) counts[pick()]++;
  return counts;
}

test('argmax: the largest probability, the first of ties', () => {
  assert.equal(argmax([0.1, 0.6, 0.3]), 1);
  assert.equal(argmax([0.4, 0.2, 0.4]), 0);
  assert.equal(chooseToken(Float32Array.from([0.05, 0.05, 0.9]), { strategy: 'argmax' }, createRng(1)), 2);
  assert.throws(() => argmax([]), /no probabilities/);
  assert.throws(() => argmax([0.5, NaN]), /probability 1 is NaN/);
  assert.throws(() => argmax([0, 0]), /sum to 0/);
});

test('the seeded generator: same seed, same numbers; uniform in [0, 1)', () => {
  const a = createRng(42);
  const b = createRng(42);
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs, Array.from({ length: 1000 }, () => b()));
  assert.notDeepEqual(xs.slice(0, 10), Array.from({ length: 10 }, createRng(43)));
  assert.ok(xs.every(x => x >= 0 && x < 1));
  // Ten equal bins of 20,000 draws: chi-square with 9 degrees of freedom below 27.877 (p = 0.001).
  const rng = createRng(7);
  const counts = draw(20_000, () => Math.floor(rng() * 10), 10);
  assert.ok(chiSquare(counts, new Array(10).fill(0.1), 20_000) < 27.877, JSON.stringify(counts));
});

test('temperature 1 samples the distribution itself', () => {
  const p = [0.5, 0.3, 0.2];
  const rng = createRng(2024);
  const n = 30_000;
  const counts = draw(n, () => chooseToken(p, { strategy: 'temperature', temperature: 1 }, rng), 3);
  assert.ok(chiSquare(counts, p, n) < CRITICAL_0_001[2], JSON.stringify(counts));
});

test('temperature T samples p^(1/T), normalised: flatter above 1, sharper below', () => {
  const p = [0.5, 0.3, 0.15, 0.05];
  for (const T of [2, 0.5]) {
    const expected = p.map(x => x ** (1 / T));
    const sum = expected.reduce((a, b) => a + b, 0);
    const q = expected.map(x => x / sum);
    const computed = withTemperature(p, T);
    q.forEach((x, i) => assert.ok(Math.abs(computed[i] - x) < 1e-12, `T=${T}: ${computed[i]} vs ${x}`));
    const rng = createRng(99);
    const n = 40_000;
    const counts = draw(n, () => chooseToken(p, { strategy: 'temperature', temperature: T }, rng), 4);
    assert.ok(chiSquare(counts, q, n) < CRITICAL_0_001[3], `T=${T}: ${JSON.stringify(counts)}`);
  }
  // T = 2 on [0.5, 0.3, 0.15, 0.05]: the most likely token's share drops from 50% (to about 37%).
  assert.ok(withTemperature(p, 2)[0] < 0.4);
  assert.throws(() => withTemperature(p, 0), /temperature must be a number > 0/);
});

test('top-k never picks outside the k most likely, and samples those in proportion', () => {
  const p = [0.02, 0.3, 0.05, 0.25, 0.2, 0.18];
  assert.deepEqual(topKIndices(p, 3), [1, 3, 4]);
  const rng = createRng(5);
  const n = 30_000;
  const counts = draw(n, () => chooseToken(p, { strategy: 'top-k', k: 3 }, rng), 6);
  assert.equal(counts[0] + counts[2] + counts[5], 0, JSON.stringify(counts));
  const kept = [0.3, 0.25, 0.2];
  const total = kept.reduce((a, b) => a + b, 0);
  assert.ok(chiSquare([counts[1], counts[3], counts[4]], kept.map(x => x / total), n) < CRITICAL_0_001[2], JSON.stringify(counts));
  // k = 1 is argmax; k beyond the size is plain sampling.
  assert.equal(chooseToken(p, { strategy: 'top-k', k: 1, temperature: 3 }, rng), 1);
  assert.equal(topKIndices(p, 10).length, 6);
  assert.throws(() => topKIndices(p, 0), /top-k needs k ≥ 1/);
});

test('sampleIndex: zero weights are never drawn; the same seed draws the same sequence', () => {
  const weights = [0, 3, 0, 1];
  const a = createRng(11);
  const b = createRng(11);
  const drawsA = Array.from({ length: 500 }, () => sampleIndex(weights, a));
  assert.ok(drawsA.every(i => i === 1 || i === 3));
  assert.deepEqual(drawsA, Array.from({ length: 500 }, () => sampleIndex(weights, b)));
});

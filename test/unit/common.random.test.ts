// The seeded PRNG every reproducible feature shares: checked against a second implementation of
// mulberry32 written from its definition in BigInt arithmetic, for uniformity (chi-square), and
// shuffles and distinct samples against a dense-array Fisher–Yates.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomInt, sampleDistinct, seededRandom, shuffle } from '../../server/common/random';

const MASK = (1n << 32n) - 1n;
/** The low 32 bits of a product, as Math.imul keeps them (here unsigned). */
const mul32 = (a: bigint, b: bigint) => (a * b) & MASK;

/** mulberry32 on unsigned 32-bit values held in BigInts: no Math.imul, no >>> coercions. */
function referenceMulberry32(seed: number): () => number {
  let state = BigInt(seed >>> 0);
  return () => {
    state = (state + 0x6d2b79f5n) & MASK;
    let t = mul32(state ^ (state >> 15n), state | 1n);
    t ^= (t + mul32(t ^ (t >> 7n), t | 61n)) & MASK;
    return Number(t ^ (t >> 14n)) / 2 ** 32;
  };
}

/** Pearson's chi-square statistic of counts against equal expected counts. */
function chiSquareUniform(counts: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  const expected = n / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

test('seededRandom is mulberry32: the same numbers as an independent BigInt implementation', () => {
  // Seeds are taken as unsigned 32-bit integers: -1 is 2^32 - 1, 2^32 + 5 is 5.
  for (const seed of [0, 1, 42, 0x7fffffff, 0xffffffff, -1, 2 ** 32 + 5]) {
    const ours = seededRandom(seed);
    const reference = referenceMulberry32(seed);
    for (let i = 0; i < 2000; i++) assert.equal(ours(), reference(), `seed ${seed}, draw ${i}`);
  }
  assert.deepEqual(Array.from({ length: 5 }, seededRandom(-1)), Array.from({ length: 5 }, seededRandom(0xffffffff)));
});

test('seededRandom: the same seed gives the same sequence, another seed another one', () => {
  const a = Array.from({ length: 100 }, seededRandom(7));
  assert.deepEqual(Array.from({ length: 100 }, seededRandom(7)), a);
  assert.notDeepEqual(Array.from({ length: 100 }, seededRandom(8)), a);
});

test('seededRandom: uniform in [0, 1) (chi-square over 20 bins, p = 0.001)', () => {
  const random = seededRandom(2024);
  const counts = new Array<number>(20).fill(0);
  for (let i = 0; i < 100_000; i++) {
    const x = random();
    assert.ok(x >= 0 && x < 1, `${x} is outside [0, 1)`);
    counts[Math.floor(x * 20)]++;
  }
  assert.ok(chiSquareUniform(counts) < 43.82, `chi-square ${chiSquareUniform(counts)} (critical value for 19 degrees of freedom: 43.82)`);
});

test('randomInt: integers in [0, n), each about equally often', () => {
  const random = seededRandom(3);
  const counts = new Array<number>(7).fill(0);
  for (let i = 0; i < 70_000; i++) {
    const k = randomInt(random, 7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7, String(k));
    counts[k]++;
  }
  assert.ok(chiSquareUniform(counts) < 22.46, `chi-square ${chiSquareUniform(counts)} (critical value for 6 degrees of freedom: 22.46)`);
});

test('shuffle: a permutation in place, reproducible, every order of 3 items about equally often', () => {
  const items = Array.from({ length: 50 }, (_, i) => i);
  const shuffled = shuffle(seededRandom(11), items);
  assert.equal(shuffled, items, 'shuffles in place and returns the array');
  assert.deepEqual([...shuffled].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(shuffle(seededRandom(11), Array.from({ length: 50 }, (_, i) => i)), shuffled);

  const random = seededRandom(5);
  const orders = new Map<string, number>();
  for (let i = 0; i < 60_000; i++) {
    const key = shuffle(random, ['a', 'b', 'c']).join('');
    orders.set(key, (orders.get(key) ?? 0) + 1);
  }
  assert.equal(orders.size, 6);
  const counts = [...orders.values()];
  assert.ok(chiSquareUniform(counts) < 20.52, `chi-square ${chiSquareUniform(counts)} (critical value for 5 degrees of freedom: 20.52)`);
});

test('sampleDistinct: the same draws as a Fisher–Yates over a whole array, stopped after `count`', () => {
  /** The forward Fisher–Yates on a dense array: position i takes a random one of positions i..n-1. */
  function denseSample(random: () => number, n: number, count: number): number[] {
    const a = Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(random() * (n - i));
      [a[i], a[j]] = [a[j], a[i]];
    }
    return a.slice(0, count);
  }
  for (const [n, count, seed] of [[10, 10, 1], [1000, 25, 2], [1, 1, 3], [5, 0, 4], [100_000, 300, 5]]) {
    const sample = sampleDistinct(seededRandom(seed), n, count);
    assert.deepEqual(sample, denseSample(seededRandom(seed), n, count), `n ${n}, count ${count}`);
    assert.equal(new Set(sample).size, count, 'distinct');
    assert.ok(sample.every(k => Number.isInteger(k) && k >= 0 && k < n), 'in [0, n)');
  }
});

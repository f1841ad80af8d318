// Seeded random numbers: the same seed gives the same sequence on every machine, so random
// inputs, weights, generations and simulations can be reproduced (and tests can rely on them).

/** Uniform numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator): one 32-bit state, a period of 2^32, small and
 * fast, and passes the usual statistical batteries well enough for sampling, shuffling and
 * picking values. Only integer arithmetic (Math.imul, shifts), so it is exact on every platform.
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A uniformly random integer in [0, n). */
export function randomInt(random: Random, n: number): number {
  return Math.floor(random() * n);
}

/** Shuffles `items` in place (Fisher–Yates) and returns it. */
export function shuffle<T>(random: Random, items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(random, i + 1);
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
  return items;
}

/** `count` distinct integers from [0, n), in the order drawn (partial Fisher–Yates over a sparse map). */
export function sampleDistinct(random: Random, n: number, count: number): number[] {
  const swapped = new Map<number, number>();
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const j = i + randomInt(random, n - i);
    const atJ = swapped.get(j) ?? j;
    swapped.set(j, swapped.get(i) ?? i);
    out.push(atJ);
  }
  return out;
}

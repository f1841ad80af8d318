// A KLL quantile sketch (Karnin, Lang, Liberty 2016): mergeable, bounded memory, and exact
// while it holds no more than `k` values. Level h holds items that each stand for 2^h values.
// New items go into an entry buffer of just over k items; when full it is sorted and every other item
// (random offset) moves up one level. Levels above are kept sorted, so their compactions need
// no sort, only linear merges. Level h holds up to max(8, k·(2/3)^(top-h)) items, as in the
// paper; the larger entry buffer only adds accuracy.
//
// Sorting is what costs, so once the sketch is more than LEVELS_KEPT levels tall it does what
// the paper's sampler does: each block of 2^s values gives one of them at random, of weight 2^s,
// and the entry buffer holds those. Only one value in 2^s is then ever sorted. The sampling
// adds a rank error of at most sqrt(n·2^s)/2 (one standard deviation), about n/(2·sqrt(k·2^6)),
// i.e. 0.2% of n for k = 1024; KLL's own error is about 2.3/k^0.97 of n with probability 99%
// (the DataSketches fit), 0.3% for k = 1024. rankErrorBound() adds them up (three deviations):
// 0.86% for k = 1024.

/**
 * The rank error (a fraction of n) a sketch of parameter k stays within with high
 * probability: KLL's at 99% plus three standard deviations of the sampling.
 */
export function rankErrorBound(k: number): number {
  return 2.296 / k ** 0.9723 + 3 / (2 * Math.sqrt(k * 2 ** LEVELS_KEPT));
}

/** The plain form of a sketch, for postMessage between threads. */
export interface KllData {
  k: number;
  n: number;
  /** Sampling exponent: entry items weigh 2^s. */
  s: number;
  entry: number[];
  /** Values of the block being sampled (weight 1 each). */
  block: number[];
  /** Sorted levels 1, 2, …: upper[h - 1] is level h. */
  upper: number[][];
  seed: number;
}

const MIN_LEVEL_CAPACITY = 8;
const DECAY = 2 / 3;
/** Levels below the top compacted in full before sampling starts. */
const LEVELS_KEPT = 6;
/** Largest sampling block (values held while a block fills). */
const MAX_SAMPLING_EXPONENT = 12;

export class KllSketch {
  private entry: Float64Array;
  private entrySize = 0;
  /** Entry items weigh 2^s; values arrive through a block of 2^s when s > 0. */
  private s = 0;
  private block = new Float64Array(0);
  private blockSize = 0;
  private upper: number[][] = [];
  /** Values added (the sum of all items' weights). */
  n = 0;
  // xorshift32: compaction offsets are random but reproducible, so a run repeats exactly.
  private seed: number;

  constructor(readonly k = 1024, seed = 0x2545f491) {
    // Even, and over k: k values fit before the first compaction.
    this.entry = new Float64Array(k + 2 - (k & 1));
    this.seed = seed | 0 || 1;
  }

  static fromData(d: KllData): KllSketch {
    const sk = new KllSketch(d.k, d.seed);
    sk.upper = d.upper.map(l => l.slice());
    sk.setSampling(d.s);
    sk.entry.set(d.entry);
    sk.entrySize = d.entry.length;
    sk.n = d.n - d.block.length;
    for (const x of d.block) sk.update(x);
    return sk;
  }

  toData(): KllData {
    return {
      k: this.k, n: this.n, s: this.s, entry: Array.from(this.entry.subarray(0, this.entrySize)),
      block: Array.from(this.block.subarray(0, this.blockSize)), upper: this.upper, seed: this.seed,
    };
  }

  /** True while no value has been thrown away: quantiles and histograms are exact. */
  get exact(): boolean {
    return this.upper.length === 0 && this.s === 0;
  }

  update(x: number): void {
    this.n++;
    if (this.s === 0) {
      this.entry[this.entrySize++] = x;
      if (this.entrySize === this.entry.length) this.compactEntry();
      return;
    }
    this.block[this.blockSize++] = x;
    if (this.blockSize === this.block.length) {
      this.blockSize = 0;
      this.entry[this.entrySize++] = this.block[this.random() & (this.block.length - 1)];
      if (this.entrySize === this.entry.length) this.compactEntry();
    }
  }

  merge(other: KllSketch): void {
    // Its sampled items go to the level of their weight; its block's values are plain values.
    if (other.s === 0) for (let i = 0; i < other.entrySize; i++) this.update(other.entry[i]);
    else {
      const items = other.entry.slice(0, other.entrySize);
      sortFloat64(items, 0, items.length);
      this.addToLevel(other.s, items, 0, 1);
    }
    for (let i = 0; i < other.blockSize; i++) this.update(other.block[i]);
    other.upper.forEach((level, i) => this.addToLevel(i + 1, level, 0, 1));
    this.n += other.n - other.blockSize - (other.s === 0 ? other.entrySize : 0);
    this.compactUpper();
  }

  /** Every retained item with its weight, sorted by value. */
  weightedItems(): { values: Float64Array; weights: Float64Array } {
    const items: { v: number; w: number }[] = [];
    const entryWeight = 2 ** this.s;
    for (let i = 0; i < this.entrySize; i++) items.push({ v: this.entry[i], w: entryWeight });
    for (let i = 0; i < this.blockSize; i++) items.push({ v: this.block[i], w: 1 });
    this.upper.forEach((level, i) => {
      const w = 2 ** (i + 1);
      for (const v of level) items.push({ v, w });
    });
    items.sort((a, b) => a.v - b.v);
    return { values: Float64Array.from(items, it => it.v), weights: Float64Array.from(items, it => it.w) };
  }

  private compactEntry(): void {
    sortFloat64(this.entry, 0, this.entrySize);
    this.addToLevel(this.s + 1, this.entry.subarray(0, this.entrySize), this.random() & 1, 2);
    this.entrySize = 0;
    this.compactUpper();
    // Sample once the sketch is tall; the entry buffer is empty now, as a switch needs.
    const s = Math.min(MAX_SAMPLING_EXPONENT, Math.max(0, this.upper.length - LEVELS_KEPT));
    if (s > this.s && this.blockSize === 0) this.setSampling(s);
  }

  private setSampling(s: number): void {
    this.s = s;
    this.block = new Float64Array(s === 0 ? 0 : 2 ** s);
    this.blockSize = 0;
  }

  /** Merges every `step`-th item of sorted `items` from `offset` into level h (h >= 1). */
  private addToLevel(h: number, items: ArrayLike<number>, offset: number, step: number): void {
    while (this.upper.length < h) this.upper.push([]);
    this.upper[h - 1] = mergeSorted(this.upper[h - 1], items, offset, step);
  }

  /** Compacts every level that is over its capacity, bottom up. */
  private compactUpper(): void {
    for (let i = 0; i < this.upper.length; i++) {
      const level = this.upper[i];
      if (level.length <= this.capacity(i + 1)) continue;
      // An odd item stays behind so weights add up exactly.
      const kept = level.length % 2 === 1 ? level.pop()! : undefined;
      this.addToLevel(i + 2, level, this.random() & 1, 2);
      this.upper[i] = kept === undefined ? [] : [kept];
    }
  }

  private capacity(h: number): number {
    const top = this.upper.length;
    return Math.max(MIN_LEVEL_CAPACITY, Math.ceil(this.k * DECAY ** (top - h)));
  }

  private random(): number {
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x;
    return x >>> 0;
  }
}

/** Sorted `a` merged with every `step`-th item of sorted `b` from `offset`. */
function mergeSorted(a: number[], b: ArrayLike<number>, offset: number, step: number): number[] {
  const out: number[] = [];
  let i = 0;
  let j = offset;
  while (i < a.length && j < b.length) {
    if (a[i] <= b[j]) out.push(a[i++]);
    else {
      out.push(b[j]);
      j += step;
    }
  }
  while (i < a.length) out.push(a[i++]);
  for (; j < b.length; j += step) out.push(b[j]);
  return out;
}

/** In-place ascending sort of a[lo, hi) (no NaN): quicksort, insertion sort for short runs. */
export function sortFloat64(a: Float64Array, lo: number, hi: number): void {
  while (hi - lo > 16) {
    const x = a[lo];
    const y = a[(lo + hi) >>> 1];
    const z = a[hi - 1];
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi - 1;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i];
        a[i++] = a[j];
        a[j--] = t;
      }
    }
    // Recurse into the smaller side, loop on the larger: stack depth stays logarithmic.
    if (j + 1 - lo < hi - i) {
      sortFloat64(a, lo, j + 1);
      lo = i;
    } else {
      sortFloat64(a, i, hi);
      hi = j + 1;
    }
  }
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i];
    let j = i - 1;
    while (j >= lo && a[j] > v) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = v;
  }
}

/**
 * Quantiles of weighted, sorted items. At a rank that falls exactly between two items the
 * midpoint is taken, so the exact median of 1, 2, 3, 4 is 2.5 (the "averaged inverse CDF").
 * q = 0 and q = 1 give the first and last items.
 */
export function quantilesOf(values: Float64Array, weights: Float64Array, qs: number[]): number[] {
  const total = weights.reduce((a, w) => a + w, 0);
  return qs.map(q => {
    if (values.length === 0) return NaN;
    if (q <= 0) return values[0];
    if (q >= 1) return values[values.length - 1];
    const target = q * total;
    let cumulative = 0;
    for (let i = 0; i < values.length; i++) {
      cumulative += weights[i];
      if (cumulative >= target) {
        const onBoundary = Math.abs(cumulative - target) <= 1e-9 * total && i + 1 < values.length;
        return onBoundary ? (values[i] + values[i + 1]) / 2 : values[i];
      }
    }
    return values[values.length - 1];
  });
}

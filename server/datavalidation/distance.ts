/**
 * Distances between two statistics of a feature, as TFDV's skew and drift comparators compute
 * them (tensorflow_data_validation/anomalies/metrics.cc):
 *
 * - L-infinity distance (`lInfinityDistance`): the largest absolute difference between the
 *   normalised value counts of the two statistics (each divided by its own total), with the value
 *   where it is reached. Values and counts come from the rank histogram, else the top values
 *   (`stringValuesWithCounts`), so a numeric feature without them has no values and distance 0, as
 *   in TFDV. Of equal differences the last value in code-point (byte) order wins, as in TFDV.
 * - Jensen–Shannon divergence, log base 2, capped at 1: JSD(P‖Q) = (KL(P‖M) + KL(Q‖M)) / 2 with
 *   M = (P + Q) / 2. For categorical features (`jensenShannonDivergenceCounts`) P and Q are the
 *   normalised value counts. For numeric features (`jensenShannonDivergenceHistograms`) they are
 *   the normalised sample counts of two histograms of the same type aligned as TFDV does:
 *   buckets with an infinite bound and zero-width (point) buckets are set aside; the remaining
 *   buckets of both histograms are split on the union of all their boundaries, a bucket's count
 *   shared out in proportion to width (uniform mass within a bucket); then one bucket per point
 *   value (of either histogram), the infinite mass of each histogram as a bucket of its own that
 *   the other histogram has empty, and, when either has NaNs, one bucket of NaN counts.
 *   (TFDV's tests count NaNs in one shared bucket; one TFDV release gave each histogram's NaNs a
 *   bucket of their own, which makes a histogram with NaNs differ from itself. The shared bucket
 *   is used here.)
 * - `jensenShannonDivergenceFeatures` picks as TFDV does: value counts when both statistics have
 *   them, else the histograms of the selected type (DEFAULT means STANDARD) when both have one.
 */
import type { Histogram, FeatureNameStatistics } from './statisticsProto';
import type { HistogramSelectionType } from './schema';
import { compareCodePoints } from '../common/text';

/** A number from proto3 JSON (a string for int64 and non-finite doubles; absent is 0). */
export function jsonNumber(v: number | string | undefined): number {
  if (v === undefined) return 0;
  return typeof v === 'number' ? v : Number(v);
}

// ---------------------------------------------------------------------------------------------
// Plain vectors.

/** The L-infinity norm of a vector: the largest absolute value of its elements (0 when empty). */
export function lInfinityNorm(v: readonly number[]): number {
  let best = 0;
  for (const x of v) best = Math.max(best, Math.abs(x));
  return best;
}

/** a − b element by element (the vectors must have the same length). */
export function vectorDifference(a: readonly number[], b: readonly number[]): number[] {
  if (a.length !== b.length) throw new RangeError(`vectors of different lengths: ${a.length} and ${b.length}`);
  return a.map((x, i) => x - b[i]);
}

// ---------------------------------------------------------------------------------------------
// Value counts (categorical features).

/**
 * A feature's values with their counts, as TFDV's GetStringValuesWithCounts reads them: the
 * rank histogram's buckets, else the top values (counts of a repeated label add up).
 */
export function stringValuesWithCounts(f: FeatureNameStatistics | undefined): Map<string, number> {
  const out = new Map<string, number>();
  const s = f?.stringStats;
  if (!s) return out;
  const buckets = s.rankHistogram?.buckets ?? [];
  if (buckets.length) {
    for (const b of buckets) out.set(b.label ?? '', (out.get(b.label ?? '') ?? 0) + jsonNumber(b.sampleCount));
  } else {
    for (const v of s.topValues ?? []) out.set(v.value ?? '', (out.get(v.value ?? '') ?? 0) + jsonNumber(v.frequency));
  }
  return out;
}

function normalize(counts: Map<string, number>): Map<string, number> {
  let total = 0;
  for (const c of counts.values()) total += c;
  if (total === 0) return new Map(counts);
  return new Map([...counts].map(([k, c]) => [k, c / total]));
}

export interface LInfinityResult {
  /** The value where the largest difference is reached ("" when there are no values). */
  value: string;
  distance: number;
}

/**
 * L-infinity distance between two sets of value counts, each normalised by its own total
 * (TFDV's MaxNormalizedDifference in kSeparateTotal mode).
 */
export function lInfinityDistanceCounts(a: Map<string, number>, b: Map<string, number>): LInfinityResult {
  const na = normalize(a);
  const nb = normalize(b);
  const keys = [...new Set([...na.keys(), ...nb.keys()])].sort(compareCodePoints);
  let best: LInfinityResult = { value: '', distance: 0 };
  for (const k of keys) {
    const d = Math.abs((na.get(k) ?? 0) - (nb.get(k) ?? 0));
    if (d >= best.distance) best = { value: k, distance: d };
  }
  return best;
}

/** L-infinity distance between two feature statistics (0 for numeric features without values). */
export function lInfinityDistance(a: FeatureNameStatistics, b: FeatureNameStatistics): LInfinityResult {
  return lInfinityDistanceCounts(stringValuesWithCounts(a), stringValuesWithCounts(b));
}

/** Why a divergence could not be computed (TFDV's InvalidArgument cases). */
export class DistanceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DistanceError';
  }
}

/** Jensen–Shannon divergence of two sets of value counts (log 2, capped at 1). */
export function jensenShannonDivergenceCounts(a: Map<string, number>, b: Map<string, number>): number {
  if (a.size === 0 || b.size === 0) throw new DistanceError('Input maps must not be empty.');
  const both = new Map<string, [number, number]>();
  let sumA = 0;
  let sumB = 0;
  for (const [k, c] of a) {
    if (!(c > 0)) throw new DistanceError('Sample count is a non-positive value.');
    both.set(k, [c, 0]);
    sumA += c;
  }
  for (const [k, c] of b) {
    if (!(c > 0)) throw new DistanceError('Sample count is a non-positive value.');
    const e = both.get(k);
    if (e) e[1] = c;
    else both.set(k, [0, c]);
    sumB += c;
  }
  let kl = 0;
  for (const [ca, cb] of both.values()) {
    const p = ca / sumA;
    const q = cb / sumB;
    const m = (p + q) / 2;
    if (ca !== 0) kl += p * Math.log2(p / m);
    if (cb !== 0) kl += q * Math.log2(q / m);
  }
  return Math.min(kl / 2, 1);
}

// ---------------------------------------------------------------------------------------------
// Histograms (numeric features).

export interface Bucket {
  low: number;
  high: number;
  count: number;
}

/** A histogram's buckets and NaN count as numbers. */
export function histogramBuckets(h: Histogram): { buckets: Bucket[]; numNan: number } {
  return {
    buckets: (h.buckets ?? []).map(b => ({ low: jsonNumber(b.lowValue), high: jsonNumber(b.highValue), count: jsonNumber(b.sampleCount) })),
    numNan: jsonNumber(h.numNan),
  };
}

/**
 * Splits the buckets onto `boundaries` (sorted, containing every boundary of the buckets),
 * sharing each bucket's count out in proportion to width; boundaries the buckets do not cover
 * get empty buckets (TFDV's RebucketHistogram).
 */
export function rebucket(buckets: readonly Bucket[], boundaries: readonly number[]): Bucket[] {
  const out: Bucket[] = [];
  const last = boundaries.length - 1;
  let i = 0;
  for (const b of buckets) {
    while (b.low > boundaries[i] && i < last) {
      out.push({ low: boundaries[i], high: boundaries[i + 1], count: 0 });
      i++;
    }
    if (b.low === b.high && b.low === boundaries[i] && i < last) {
      out.push({ low: boundaries[i], high: boundaries[i + 1], count: b.count });
      i++;
      continue;
    }
    const covered: number[] = [];
    while (i < last && b.high > boundaries[i]) covered.push(boundaries[i++]);
    covered.push(boundaries[i]);
    const width = b.high - b.low;
    for (let k = 0; k + 1 < covered.length; k++) {
      out.push({ low: covered[k], high: covered[k + 1], count: ((covered[k + 1] - covered[k]) / width) * b.count });
    }
  }
  for (; i < last; i++) out.push({ low: boundaries[i], high: boundaries[i + 1], count: 0 });
  return out;
}

function boundariesOf(buckets: readonly Bucket[]): number[] {
  const s = new Set<number>();
  for (const b of buckets) {
    s.add(b.low);
    s.add(b.high);
  }
  return [...s].sort((x, y) => x - y);
}

/**
 * Two histograms aligned on common buckets, as TFDV's AlignHistograms does (see the top of this
 * file): the two count vectors, of equal length.
 */
export function alignHistograms(h1: { buckets: Bucket[]; numNan: number }, h2: { buckets: Bucket[]; numNan: number }): [number[], number[]] {
  const strip = (buckets: Bucket[]) => {
    const finite: Bucket[] = [];
    const points = new Map<number, number>();
    let infinite = 0;
    for (const b of buckets) {
      if (!Number.isFinite(b.low) || !Number.isFinite(b.high)) infinite += b.count;
      else if (b.low === b.high) points.set(b.low, (points.get(b.low) ?? 0) + b.count);
      else finite.push(b);
    }
    return { finite, points, infinite };
  };
  const s1 = strip(h1.buckets);
  const s2 = strip(h2.buckets);
  let b1 = s1.finite;
  let b2 = s2.finite;
  const bounds1 = boundariesOf(b1);
  const bounds2 = boundariesOf(b2);
  const same = bounds1.length === bounds2.length && bounds1.every((x, i) => x === bounds2[i]);
  if (!same) {
    const union = boundariesOf([...b1, ...b2]);
    b1 = rebucket(b1, union);
    b2 = rebucket(b2, union);
  }
  const c1 = b1.map(b => b.count);
  const c2 = b2.map(b => b.count);
  const pointValues = [...new Set([...s1.points.keys(), ...s2.points.keys()])].sort((x, y) => x - y);
  for (const p of pointValues) {
    c1.push(s1.points.get(p) ?? 0);
    c2.push(s2.points.get(p) ?? 0);
  }
  if (s1.infinite !== 0) {
    c1.push(s1.infinite);
    c2.push(0);
  }
  if (s2.infinite !== 0) {
    c1.push(0);
    c2.push(s2.infinite);
  }
  if (h1.numNan > 0 || h2.numNan > 0) {
    c1.push(h1.numNan);
    c2.push(h2.numNan);
  }
  return [c1, c2];
}

function normalizeVector(v: number[]): number[] {
  const total = v.reduce((s, x) => s + x, 0);
  if (total === 0) throw new DistanceError('Unable to normalize an empty histogram');
  return v.map(x => x / total);
}

function klDivergence(p: number[], q: number[]): number {
  let r = 0;
  for (let i = 0; i < p.length; i++) if (p[i] > 0 && q[i] > 0) r += p[i] * Math.log2(p[i] / q[i]);
  return r;
}

/** Jensen–Shannon divergence of two probability vectors of equal length (log 2, capped at 1). */
export function jensenShannonDivergenceVectors(p: number[], q: number[]): number {
  if (p.length !== q.length) throw new RangeError('vectors of different lengths');
  const m = p.map((x, i) => (x + q[i]) / 2);
  return Math.min((klDivergence(p, m) + klDivergence(q, m)) / 2, 1);
}

/** Jensen–Shannon divergence of two histograms (log 2, capped at 1), aligned as TFDV does. */
export function jensenShannonDivergenceHistograms(h1: Histogram, h2: Histogram): number {
  if ((h1.type ?? 'STANDARD') !== (h2.type ?? 'STANDARD')) throw new DistanceError('Input histograms must have same type.');
  const [c1, c2] = alignHistograms(histogramBuckets(h1), histogramBuckets(h2));
  return jensenShannonDivergenceVectors(normalizeVector(c1), normalizeVector(c2));
}

/** The feature's numeric histogram of the selected type (DEFAULT: STANDARD), if it has one. */
export function selectHistogram(f: FeatureNameStatistics, source: HistogramSelectionType = 'DEFAULT'): Histogram | undefined {
  const want = source === 'QUANTILES' ? 'QUANTILES' : 'STANDARD';
  return f.numStats?.histograms?.find(h => (h.type ?? 'STANDARD') === want);
}

/**
 * Jensen–Shannon divergence between two feature statistics, as TFDV picks the data: value counts
 * when both have them, else histograms of the selected type. Throws DistanceError when neither
 * applies or the data is empty.
 */
export function jensenShannonDivergenceFeatures(a: FeatureNameStatistics, b: FeatureNameStatistics, source: HistogramSelectionType = 'DEFAULT'): number {
  const ca = stringValuesWithCounts(a);
  const cb = stringValuesWithCounts(b);
  if (ca.size && cb.size) return jensenShannonDivergenceCounts(ca, cb);
  const ha = selectHistogram(a, source);
  const hb = selectHistogram(b, source);
  if (ha && hb) return jensenShannonDivergenceHistograms(ha, hb);
  if (!ca.size !== !cb.size && !ha !== !hb) {
    throw new DistanceError('Input statistics must be either both numeric or both string in order to calculate the Jensen-Shannon divergence.');
  }
  throw new DistanceError('One or more feature missing data.');
}

/**
 * A double as absl::SixDigits prints it (printf "%.6g"): six significant digits, trailing zeros
 * dropped, exponent form below 1e-4 and from 1e6 ("1e-07", "1.5e+06").
 */
export function sixDigits(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  const [mant, expText] = x.toExponential(5).split('e');
  const exp = Number(expText);
  const trim = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
  if (exp < -4 || exp >= 6) return `${trim(mant)}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  return trim(x.toFixed(Math.max(0, 5 - exp)));
}

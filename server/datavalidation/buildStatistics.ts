// Turns merged partial statistics into FeatureNameStatistics, field by field as TFDV's
// basic and top-k generators fill them, with two deliberate differences:
// - values are kept as float64 (TFDV's CSV decoder makes FLOAT columns float32);
// - the standard histogram counts the sketch's items in each bucket (exact while the sketch
//   is), where TFDV interpolates it from 1000 quantiles.

import { quantilesOf, rankErrorBound } from './kll';
import type { ColumnPartial, NumericPartial, StringPartial } from './partialStats';
import {
  jsonDouble, type CommonStatistics, type CustomStatistic, type FeatureNameStatistics, type FeatureType, type Histogram,
  type NumericStatistics,
} from './statisticsProto';
import { ValueType } from './valueParse';
import { isApproximate, topValues, uniqueCount } from './valueCounts';

export interface BuildOptions {
  /** Most frequent values listed per string feature (TFDV: num_top_values, 20). */
  topValues: number;
  /** Buckets of the rank histogram (TFDV: num_rank_histogram_buckets, 1000). */
  rankHistogramBuckets: number;
  /** Buckets of the standard and quantiles histograms (TFDV: 10 each). */
  histogramBuckets: number;
}

export const DEFAULT_BUILD_OPTIONS: BuildOptions = { topValues: 20, rankHistogramBuckets: 1000, histogramBuckets: 10 };

const TYPE_NAMES: Record<ValueType, FeatureType> = {
  // TFDV has no "unknown": a feature without any value is called STRING.
  [ValueType.Unknown]: 'STRING',
  [ValueType.Int]: 'INT',
  [ValueType.Float]: 'FLOAT',
  [ValueType.String]: 'STRING',
  [ValueType.Bytes]: 'BYTES',
};

export function buildFeature(name: string, col: ColumnPartial, numExamples: number, opts: BuildOptions = DEFAULT_BUILD_OPTIONS): FeatureNameStatistics {
  const type = TYPE_NAMES[col.type];
  const commonStats = buildCommon(col.nonMissing, numExamples, opts.histogramBuckets);
  const feature: FeatureNameStatistics = { path: { step: [name] }, type };
  const notes: CustomStatistic[] = [];
  if (col.type === ValueType.Int || col.type === ValueType.Float) {
    feature.numStats = { commonStats, ...buildNumeric(col.numeric!, opts.histogramBuckets, notes) };
  } else if (col.type === ValueType.Bytes) {
    const st = col.strings!;
    feature.bytesStats = {
      commonStats,
      unique: String(uniqueCount(st.values)),
      avgNumBytes: jsonDouble(st.totalBytes / st.count),
      minNumBytes: st.minBytes,
      maxNumBytes: st.maxBytes,
    };
    noteApproximateCounts(st, notes);
  } else if (col.strings && col.strings.count > 0) {
    feature.stringStats = { commonStats, ...buildStrings(col.strings, opts, notes) };
  } else {
    feature.stringStats = { commonStats };
  }
  if (notes.length) feature.customStats = notes;
  return feature;
}

function buildCommon(nonMissing: number, numExamples: number, buckets: number): CommonStatistics {
  const common: CommonStatistics = { numNonMissing: String(nonMissing), numMissing: String(numExamples - nonMissing), totNumValues: String(nonMissing) };
  if (nonMissing > 0) {
    // A CSV cell holds one value: every present feature has exactly 1.
    Object.assign(common, {
      minNumValues: '1', maxNumValues: '1', avgNumValues: 1,
      numValuesHistogram: {
        buckets: Array.from({ length: buckets }, () => ({ lowValue: 1, highValue: 1, sampleCount: nonMissing / buckets })),
        type: 'QUANTILES',
      },
    });
  }
  return common;
}

function buildNumeric(n: NumericPartial, buckets: number, notes: CustomStatistic[]): NumericStatistics {
  const numNan = String(n.nan);
  if (n.count === 0) {
    // Only NaNs: TFDV then gives nothing but their count.
    return { histograms: [{ numNan, type: 'STANDARD' }, { numNan, type: 'QUANTILES' }] };
  }
  const { values, weights } = n.sketch.weightedItems();
  const qs = Array.from({ length: buckets + 1 }, (_, i) => i / buckets);
  const bounds = quantilesOf(values, weights, qs);
  // The sketch may have dropped the extremes; the exact ones are known.
  bounds[0] = n.min;
  bounds[buckets] = n.max;
  const [median] = quantilesOf(values, weights, [0.5]);
  if (!n.sketch.exact) {
    notes.push({
      name: 'mlw_quantiles_approximate',
      str: `median, quantiles and standard histogram counts come from a KLL sketch (k=${n.sketch.k}) of ${n.count} values; their ranks are within about ${(100 * rankErrorBound(n.sketch.k)).toFixed(1)}% of the count`,
    });
  }
  return {
    mean: jsonDouble(n.mean),
    stdDev: jsonDouble(Math.sqrt(n.m2 / n.count)),
    numZeros: String(n.zeros),
    min: jsonDouble(n.min),
    median: jsonDouble(median),
    max: jsonDouble(n.max),
    histograms: [
      { ...standardHistogram(n, values, weights, buckets), ...(n.nan ? { numNan } : {}) },
      {
        ...(n.nan ? { numNan } : {}),
        buckets: bounds.slice(0, buckets).map((low, i) => ({ lowValue: jsonDouble(low), highValue: jsonDouble(bounds[i + 1]), sampleCount: n.count / buckets })),
        type: 'QUANTILES',
      },
    ],
  };
}

/**
 * Equal-width buckets between the finite minimum and maximum; -Infinity values count in the
 * first bucket and +Infinity in the last, whose bounds then say so. All values equal: one bucket.
 */
function standardHistogram(n: NumericPartial, values: Float64Array, weights: Float64Array, buckets: number): Histogram {
  const hasFinite = n.finiteMin <= n.finiteMax;
  const lo = hasFinite ? n.finiteMin : n.min;
  const hi = hasFinite ? n.finiteMax : n.max;
  if (!hasFinite || !(lo < hi)) {
    return { buckets: [{ lowValue: jsonDouble(n.min), highValue: jsonDouble(n.max), sampleCount: n.count }], type: 'STANDARD' };
  }
  const width = (hi - lo) / buckets;
  const edges = Array.from({ length: buckets + 1 }, (_, i) => (i === buckets ? hi : lo + i * width));
  const counts = new Float64Array(buckets);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let b = v <= lo ? 0 : v >= hi ? buckets - 1 : Math.min(buckets - 1, Math.floor((v - lo) / width));
    // Rounding can put a value on an edge into the neighbouring bucket; the edges decide.
    while (b < buckets - 1 && v >= edges[b + 1]) b++;
    while (b > 0 && v < edges[b]) b--;
    counts[b] += weights[i];
  }
  return {
    buckets: Array.from({ length: buckets }, (_, i) => ({
      lowValue: jsonDouble(i === 0 ? Math.min(n.min, edges[0]) : edges[i]),
      highValue: jsonDouble(i === buckets - 1 ? Math.max(n.max, edges[buckets]) : edges[i + 1]),
      sampleCount: counts[i],
    })),
    type: 'STANDARD',
  };
}

function buildStrings(st: StringPartial, opts: BuildOptions, notes: CustomStatistic[]) {
  const ranked = topValues(st.values, Math.max(opts.topValues, opts.rankHistogramBuckets));
  noteApproximateCounts(st, notes);
  return {
    unique: String(uniqueCount(st.values)),
    topValues: ranked.slice(0, opts.topValues).map(v => ({ value: utf8(v.key), frequency: v.count })),
    avgLength: st.totalBytes / st.count,
    rankHistogram: {
      // As TFDV: one bucket per rank (0-based), low and high rank equal.
      buckets: ranked.slice(0, opts.rankHistogramBuckets).map((v, rank) => ({ lowRank: String(rank), highRank: String(rank), label: utf8(v.key), sampleCount: v.count })),
    },
  };
}

function noteApproximateCounts(st: StringPartial, notes: CustomStatistic[]): void {
  if (!isApproximate(st.values)) return;
  notes.push({
    name: 'mlw_counts_approximate',
    str: `more than ${st.values.distinctCap} distinct values (or ${st.values.keyBytesCap >> 20} MiB of them): unique is a HyperLogLog estimate (about 1% error) and value frequencies are lower bounds, each short by at most ${st.values.error}`,
  });
}

/** A value key (raw bytes as latin1) as text. */
function utf8(key: string): string {
  return Buffer.from(key, 'latin1').toString('utf8');
}

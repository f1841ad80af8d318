// The view's proto3-JSON statistics turned into plain numbers, one FeatureModel per feature name
// found in either dataset.

import type { AnomalyInfo } from '../../server/datavalidation/anomalies';
import type { DatasetFeatureStatistics, FeatureNameStatistics, FeatureType, JsonDouble, JsonInt64 } from '../../server/datavalidation/statisticsProto';
import type { DriftReportComparison, DriftReportView } from '../../shared/webviewProtocol';

export interface Bucket {
  low: number;
  high: number;
  count: number;
}

export interface NumericSide {
  mean: number;
  std: number;
  min: number;
  median: number;
  max: number;
  zeros: number;
  /** The STANDARD histogram's buckets (finite bounds only). */
  buckets: Bucket[];
  numNan: number;
}

export interface CategoricalSide {
  unique?: number;
  /** Most frequent values, most frequent first. */
  top: { value: string; count: number }[];
  avgLength?: number;
  /** What the top values' counts are shares of: all values (a feature may hold several per example). */
  totalValues: number;
}

export interface SideStats {
  type: FeatureType | undefined;
  numExamples: number;
  present: number;
  missing: number;
  /** missing / (present + missing), 0 when nothing was seen. */
  missingShare: number;
  numeric?: NumericSide;
  categorical?: CategoricalSide;
}

export interface FeatureModel {
  name: string;
  /** The current dataset's type, else the baseline's. */
  type: FeatureType | undefined;
  numeric: boolean;
  current?: SideStats;
  baseline?: SideStats;
  comparison?: DriftReportComparison;
  anomaly?: AnomalyInfo;
  /** Distance above its threshold. */
  drifted: boolean;
  /** The larger missing share of the two datasets, for sorting. */
  missingMax: number;
}

export interface ReportModel {
  features: FeatureModel[];
  currentExamples: number;
  baselineExamples?: number;
  anomalyCount: number;
  driftedCount: number;
}

const num = (x: JsonDouble | JsonInt64 | undefined): number => (x === undefined ? 0 : typeof x === 'number' ? x : Number(x));

export function featureName(f: FeatureNameStatistics): string {
  return f.path?.step?.length ? f.path.step.join('.') : f.name ?? '';
}

export function buildModel(view: DriftReportView): ReportModel {
  const current = view.current.statistics.datasets?.[0];
  const baseline = view.baseline?.statistics.datasets?.[0];
  const cur = byName(current);
  const base = byName(baseline);
  const names = [...cur.keys()];
  for (const n of base.keys()) if (!cur.has(n)) names.push(n);
  for (const n of Object.keys(view.anomalies)) if (!cur.has(n) && !base.has(n)) names.push(n);

  const features = names.map((name): FeatureModel => {
    const c = cur.get(name);
    const b = base.get(name);
    const currentSide = c && side(c, num(current?.numExamples));
    const baselineSide = b && side(b, num(baseline?.numExamples));
    const type = c?.type ?? b?.type;
    const comparison = view.comparisons[name];
    return {
      name,
      type,
      numeric: type === 'INT' || type === 'FLOAT',
      current: currentSide,
      baseline: baselineSide,
      comparison,
      anomaly: view.anomalies[name],
      drifted: comparison !== undefined && comparison.configured !== false && comparison.value > comparison.threshold,
      missingMax: Math.max(currentSide?.missingShare ?? 0, baselineSide?.missingShare ?? 0),
    };
  });
  return {
    features,
    currentExamples: num(current?.numExamples),
    baselineExamples: baseline ? num(baseline.numExamples) : undefined,
    anomalyCount: features.filter(f => f.anomaly).length,
    driftedCount: features.filter(f => f.drifted).length,
  };
}

function byName(d: DatasetFeatureStatistics | undefined): Map<string, FeatureNameStatistics> {
  const m = new Map<string, FeatureNameStatistics>();
  for (const f of d?.features ?? []) m.set(featureName(f), f);
  return m;
}

function side(f: FeatureNameStatistics, numExamples: number): SideStats {
  const common = f.numStats?.commonStats ?? f.stringStats?.commonStats ?? f.bytesStats?.commonStats;
  const present = num(common?.numNonMissing);
  const missing = num(common?.numMissing);
  const seen = present + missing || numExamples;
  const out: SideStats = { type: f.type, numExamples, present, missing, missingShare: seen > 0 ? missing / seen : 0 };
  const n = f.numStats;
  if (n) {
    const standard = n.histograms?.find(x => (x.type ?? 'STANDARD') === 'STANDARD');
    out.numeric = {
      mean: num(n.mean),
      std: num(n.stdDev),
      min: num(n.min),
      median: num(n.median),
      max: num(n.max),
      zeros: num(n.numZeros),
      buckets: (standard?.buckets ?? [])
        .map(b => ({ low: num(b.lowValue), high: num(b.highValue), count: num(b.sampleCount) }))
        .filter(b => Number.isFinite(b.low) && Number.isFinite(b.high) && b.count >= 0),
      numNan: num(standard?.numNan),
    };
  }
  const st = f.stringStats;
  if (st) {
    const fromTop = (st.topValues ?? []).map(v => ({ value: v.value ?? '', count: num(v.frequency) }));
    const top = fromTop.length ? fromTop : (st.rankHistogram?.buckets ?? []).map(b => ({ value: b.label ?? '', count: num(b.sampleCount) }));
    out.categorical = {
      unique: st.unique !== undefined ? num(st.unique) : undefined,
      top,
      avgLength: st.avgLength !== undefined ? num(st.avgLength) : undefined,
      totalValues: num(st.commonStats?.totNumValues) || present,
    };
  } else if (f.bytesStats) {
    out.categorical = { unique: f.bytesStats.unique !== undefined ? num(f.bytesStats.unique) : undefined, top: [], avgLength: num(f.bytesStats.avgNumBytes), totalValues: present };
  }
  return out;
}

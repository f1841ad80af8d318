/**
 * Schema inference from statistics, as TFDV's infer_schema does it (its C++ Schema::Update on an
 * empty schema, then Python's shape inference):
 *
 * - one feature per statistics feature, in their order; a feature whose path has several steps
 *   goes into its parent's struct_domain;
 * - type: INT → INT, FLOAT → FLOAT, STRING and BYTES → BYTES, STRUCT → STRUCT;
 * - presence: min_count 1 (0 if the feature is in no example); min_fraction 1.0 too when it is
 *   missing from no example and never empty;
 * - value_count (not for a feature in no example): min 1, and max 1 unless some example has
 *   several values; with `inferFeatureShape` (on by default, as in TFDV) a top-level feature that
 *   is always present with exactly one value gets `shape { dim { size: 1 } }` instead;
 * - domains, first that applies (none for BYTES statistics or strings that are not UTF-8):
 *   INT values all in [0, 1] with max 1 → `bool_domain {}`; STRING values that are one or two of
 *   true/false words ("true", "1", "", "set"... / "false", "0", "clear"...) → bool_domain with
 *   those values; STRING values that are all int64 numbers → `int_domain {}`; at most
 *   `maxStringDomainSize` (100) distinct STRING values → a schema-level string_domain named after
 *   the feature's path (suffixed 2, 3... if taken), its values sorted, referenced by `domain`;
 *   otherwise none. Numeric features get no range, as in TFDV.
 * - `inferRanges` (not TFDV): INT and FLOAT features without a domain get int_domain/float_domain
 *   with the observed min and max (a float bound rounded outwards to a 32-bit float), and the
 *   int_domain of numeric strings gets theirs.
 *
 * Values of a STRING feature come from its rank histogram (else its top values), as TFDV reads
 * them. TFDV takes them as the complete list (its histograms keep 1000 values); statistics may
 * keep fewer, so here a domain is inferred from values only when they are all there: as many as
 * `unique` says (or, without `unique`, counts that add up to all values; with neither, the values
 * are taken as complete, as TFDV does).
 */
import { UserError } from '../common/errors';
import { newMessage, type Feature, type Int64, type Schema } from './schema';
import { compareCodePoints } from '../common/text';

// ---------------------------------------------------------------------------------------------
// The statistics read: tensorflow_metadata's DatasetFeatureStatisticsList in protobuf's JSON
// form (camelCase names, int64 as strings, absent fields at their default: 0, "", type INT).

type JsonInt = string | number;
type JsonDouble = number | string;

export interface CommonStatistics {
  numNonMissing?: JsonInt;
  numMissing?: JsonInt;
  minNumValues?: JsonInt;
  maxNumValues?: JsonInt;
  avgNumValues?: JsonDouble;
  totNumValues?: JsonInt;
}
export interface WeightedCommonStatistics {
  numNonMissing?: JsonDouble;
  numMissing?: JsonDouble;
  avgNumValues?: JsonDouble;
  totNumValues?: JsonDouble;
}
export interface RankHistogram {
  buckets?: { lowRank?: JsonInt; highRank?: JsonInt; label?: string; sampleCount?: JsonDouble }[];
}
export interface NumericStatistics {
  commonStats?: CommonStatistics & { weightedCommonStats?: WeightedCommonStatistics };
  mean?: JsonDouble;
  stdDev?: JsonDouble;
  numZeros?: JsonInt;
  min?: JsonDouble;
  median?: JsonDouble;
  max?: JsonDouble;
}
export interface StringStatistics {
  commonStats?: CommonStatistics & { weightedCommonStats?: WeightedCommonStatistics };
  unique?: JsonInt;
  topValues?: { value?: string; frequency?: JsonDouble }[];
  avgLength?: JsonDouble;
  rankHistogram?: RankHistogram;
  weightedStringStats?: { rankHistogram?: RankHistogram };
  invalidUtf8Count?: JsonInt;
}
export interface FeatureNameStatistics {
  name?: string;
  path?: { step?: string[] };
  type?: 'INT' | 'FLOAT' | 'STRING' | 'BYTES' | 'STRUCT' | number;
  numStats?: NumericStatistics;
  stringStats?: StringStatistics;
  bytesStats?: { commonStats?: CommonStatistics & { weightedCommonStats?: WeightedCommonStatistics }; unique?: JsonInt };
  structStats?: { commonStats?: CommonStatistics & { weightedCommonStats?: WeightedCommonStatistics } };
}
export interface DatasetFeatureStatistics {
  name?: string;
  numExamples?: JsonInt;
  weightedNumExamples?: JsonDouble;
  features?: FeatureNameStatistics[];
}
export interface DatasetFeatureStatisticsList {
  datasets?: DatasetFeatureStatistics[];
}

export interface InferOptions {
  /** A STRING feature with at most this many distinct values gets a string domain (TFDV: 100). */
  maxStringDomainSize?: number;
  /** A top-level feature always present with one value gets shape [1] (TFDV: true). */
  inferFeatureShape?: boolean;
  /** Bound INT and FLOAT features by their observed min and max (TFDV does not). */
  inferRanges?: boolean;
}

const STATS_TYPES = ['INT', 'FLOAT', 'STRING', 'BYTES', 'STRUCT'] as const;
type StatsType = (typeof STATS_TYPES)[number];
/** The schema type of each statistics type (the schema has no STRING: strings are BYTES). */
export const SCHEMA_TYPE = { INT: 'INT', FLOAT: 'FLOAT', STRING: 'BYTES', BYTES: 'BYTES', STRUCT: 'STRUCT' } as const;

/** TFDV's name for the statistics of all examples when there are slices. */
const DEFAULT_SLICE = 'All Examples';
/** TFDV's stand-in for a value that is not UTF-8. */
const INVALID_UTF8 = '__BYTES_VALUE__';
const TRUE_VALUES = new Set(['TRUE', 'true', 'SET', 'set', '1', '']);
const FALSE_VALUES = new Set(['FALSE', 'false', 'CLEAR', 'clear', '0']);

/** A JSON number, or a number in a string (int64, "NaN", "Infinity"); absent is 0. */
function num(v: JsonInt | JsonDouble | undefined): number {
  if (v === undefined) return 0;
  const n = typeof v === 'number' ? v : Number(v);
  if (typeof v === 'string' && Number.isNaN(n) && v !== 'NaN') throw new UserError(`statistics: ${JSON.stringify(v)} is not a number`);
  return n;
}

function statsType(f: FeatureNameStatistics): StatsType {
  const t = f.type ?? 'INT';
  const name = typeof t === 'number' ? STATS_TYPES[t] : t;
  if (!STATS_TYPES.includes(name as StatsType)) throw new UserError(`statistics: unknown feature type ${JSON.stringify(t)} of ${featureLabel(f)}`);
  return name as StatsType;
}

function featureLabel(f: FeatureNameStatistics): string {
  return f.path?.step ? `feature ${JSON.stringify(f.path.step.join('.'))}` : `feature ${JSON.stringify(f.name)}`;
}

function commonStatsOf(f: FeatureNameStatistics) {
  return f.numStats?.commonStats ?? f.stringStats?.commonStats ?? f.bytesStats?.commonStats ?? f.structStats?.commonStats;
}

/** The statistics of all examples: the only dataset, or the "All Examples" slice. */
export function defaultDataset<D extends { name?: string }>(list: { datasets?: D[] }, what = 'statistics'): D {
  const datasets = list.datasets ?? [];
  if (datasets.length === 1) return datasets[0];
  if (datasets.length === 0) throw new UserError(`${what}: no dataset`);
  const all = datasets.find(d => d.name === DEFAULT_SLICE);
  if (!all) throw new UserError(`${what}: ${datasets.length} datasets and none named "${DEFAULT_SLICE}" (the statistics of all examples)`);
  return all;
}

/** A TFDV path as one string: steps joined by ".", quoted with ' when they contain . ( ) or '. */
export function serializePath(steps: string[]): string {
  return steps.map(s => (/^(\([^()]*\)|[^().']+)$/.test(s) ? s : `'${s.replace(/'/g, "''")}'`)).join('.');
}

/** int64 from an integral double: a number while safe, else a bigint (within int64). */
function toInt64(x: number): Int64 {
  if (Number.isSafeInteger(x)) return x;
  const v = BigInt(x);
  return v < -(2n ** 63n) ? -(2n ** 63n) : v >= 2n ** 63n ? 2n ** 63n - 1n : v;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The next 32-bit float after f (a float32 value) towards +∞ (up) or -∞. */
function nextFloat32(f: number, up: boolean): number {
  if (f === 0) return up ? 2 ** -149 : -(2 ** -149);
  f32[0] = f;
  u32[0] += (f > 0) === up ? 1 : -1;
  return f32[0];
}

/** The largest 32-bit float ≤ x, or the smallest ≥ x: a float bound that still contains x. */
function float32Outward(x: number, up: boolean): number {
  const f = Math.fround(x);
  if (up ? f >= x : f <= x) return f;
  return nextFloat32(f, up);
}

interface FeatureView {
  stats: FeatureNameStatistics;
  steps: string[];
  type: StatsType;
  numPresent: number;
  numMissing: number;
  minNumValues: number;
  maxNumValues: number;
  /** Distinct STRING values, sorted, when the statistics list them all. */
  values?: string[];
  invalidUtf8: boolean;
}

function viewOf(f: FeatureNameStatistics, byWeight: boolean): FeatureView | undefined {
  const common = commonStatsOf(f);
  // TFDV leaves out features without common statistics (those of sparse and weighted features).
  if (!common) return undefined;
  const steps = f.path?.step ?? (f.name !== undefined ? [f.name] : undefined);
  if (!steps?.length) throw new UserError('statistics: a feature has neither a path nor a name');
  const weighted = byWeight ? common.weightedCommonStats : undefined;
  const type = statsType(f);
  const view: FeatureView = {
    stats: f,
    steps,
    type,
    numPresent: num(weighted ? weighted.numNonMissing : common.numNonMissing),
    numMissing: num(weighted ? weighted.numMissing : common.numMissing),
    minNumValues: Math.max(0, num(common.minNumValues)),
    maxNumValues: num(common.maxNumValues),
    invalidUtf8: num(f.stringStats?.invalidUtf8Count) > 0,
  };
  const s = f.stringStats;
  if (s) {
    const histogram = byWeight ? s.weightedStringStats?.rankHistogram : s.rankHistogram;
    const listed = histogram?.buckets?.length
      ? histogram.buckets.map(b => ({ value: b.label ?? '', count: num(b.sampleCount) }))
      : (s.topValues ?? []).map(v => ({ value: v.value ?? '', count: num(v.frequency) }));
    const distinct = [...new Set(listed.map(v => v.value))].sort(compareCodePoints);
    if (distinct.includes(INVALID_UTF8)) view.invalidUtf8 = true;
    const unique = s.unique !== undefined ? num(s.unique) : undefined;
    const total = listed.reduce((sum, v) => sum + v.count, 0);
    const complete = unique !== undefined
      ? distinct.length >= unique
      : common.totNumValues === undefined || byWeight || total >= num(common.totNumValues);
    if (complete) view.values = distinct;
  }
  return view;
}

/** presence and value_count as TFDV's InitValueCountAndPresence sets them. */
function initPresenceAndValueCount(v: FeatureView, feature: Feature): void {
  feature.presence = { min_count: v.numPresent < 1 ? 0 : 1 };
  if (v.numPresent === 0) return;
  const required = v.numMissing === 0 && v.minNumValues > 0;
  if (required) feature.presence.min_fraction = 1.0;
  feature.value_count = v.maxNumValues > 1 ? { min: 1 } : { min: 1, max: 1 };
}

function isInt64Text(s: string): bigint | undefined {
  // absl::SimpleAtoi: optional surrounding whitespace and sign, decimal digits.
  const m = /^\s*([+-]?\d+)\s*$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[1]);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

function boolDomainValues(values: string[]): { true_value?: string; false_value?: string } | undefined {
  if (values.length === 0 || values.length > 2) return undefined;
  let trueValue: string | undefined;
  let falseValue: string | undefined;
  for (const v of values) {
    if (trueValue === undefined && TRUE_VALUES.has(v)) trueValue = v;
    else if (falseValue === undefined && FALSE_VALUES.has(v)) falseValue = v;
    else return undefined;
  }
  return { ...(trueValue !== undefined ? { true_value: trueValue } : {}), ...(falseValue !== undefined ? { false_value: falseValue } : {}) };
}

class Inference {
  readonly schema: Schema = newMessage('Schema');

  constructor(private readonly options: Required<InferOptions>) {}

  /** TFDV's Schema::GetNewStringDomain: the name, or the name with 2, 3... appended. */
  private newStringDomain(candidate: string, values: string[]): string {
    const taken = new Set(this.schema.string_domain.map(d => d.name));
    let name = candidate;
    for (let i = 2; taken.has(name); i++) name = `${candidate}${i}`;
    this.schema.string_domain.push(newMessage('StringDomain', { name, value: values }));
    return name;
  }

  addFeature(v: FeatureView, children: Map<string, FeatureView[]>, into: Feature[]): void {
    const feature = newMessage('Feature', { name: v.steps[v.steps.length - 1], type: SCHEMA_TYPE[v.type] });
    initPresenceAndValueCount(v, feature);
    this.inferDomain(v, feature);
    into.push(feature);
    const kids = children.get(JSON.stringify(v.steps)) ?? [];
    if (kids.length) {
      feature.struct_domain = newMessage('StructDomain');
      for (const kid of kids) this.addFeature(kid, children, feature.struct_domain.feature);
    }
  }

  private inferDomain(v: FeatureView, feature: Feature): void {
    const { inferRanges, maxStringDomainSize } = this.options;
    if (v.type === 'BYTES' || v.invalidUtf8) return;
    const numStats = v.stats.numStats;
    const hasValues = v.numPresent > 0 && numStats !== undefined;
    if (v.type === 'INT') {
      const min = num(numStats?.min);
      const max = num(numStats?.max);
      if (hasValues && min >= 0 && max === 1) feature.bool_domain = {};
      else if (inferRanges && hasValues) {
        feature.int_domain = {};
        if (Number.isFinite(min)) feature.int_domain.min = toInt64(Math.floor(min));
        if (Number.isFinite(max)) feature.int_domain.max = toInt64(Math.ceil(max));
      }
      return;
    }
    if (v.type === 'FLOAT') {
      if (!inferRanges || !hasValues) return;
      const min = num(numStats?.min);
      const max = num(numStats?.max);
      feature.float_domain = {};
      if (Number.isFinite(min)) feature.float_domain.min = float32Outward(min, false);
      if (Number.isFinite(max)) feature.float_domain.max = float32Outward(max, true);
      return;
    }
    if (v.type !== 'STRING' || !v.values?.length) return;
    const values = v.values;
    const bool = boolDomainValues(values);
    if (bool) {
      feature.bool_domain = bool;
      return;
    }
    const ints = values.map(isInt64Text);
    if (ints.every(i => i !== undefined)) {
      feature.int_domain = {};
      if (inferRanges) {
        const sorted = (ints as bigint[]).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
        feature.int_domain.min = toInt64Exact(sorted[0]);
        feature.int_domain.max = toInt64Exact(sorted[sorted.length - 1]);
      }
      return;
    }
    if (values.length <= maxStringDomainSize) feature.domain = this.newStringDomain(serializePath(v.steps), values);
  }
}

function toInt64Exact(v: bigint): Int64 {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Infers a schema from statistics (see the top of this file for the rules). */
export function inferSchema(statistics: DatasetFeatureStatisticsList, options: InferOptions = {}): Schema {
  const opts: Required<InferOptions> = {
    maxStringDomainSize: options.maxStringDomainSize ?? 100,
    inferFeatureShape: options.inferFeatureShape ?? true,
    inferRanges: options.inferRanges ?? false,
  };
  const dataset = defaultDataset(statistics);
  // As TFDV, weighted statistics are used when the dataset has weights.
  const byWeight = num(dataset.weightedNumExamples) > 0;
  const views = (dataset.features ?? []).map(f => viewOf(f, byWeight)).filter((v): v is FeatureView => v !== undefined);

  // Children by their parent's path; a feature whose parent has no statistics is left out, as in
  // TFDV, which walks the statistics from the top-level features down.
  const children = new Map<string, FeatureView[]>();
  const paths = new Set<string>();
  for (const v of views) {
    const key = JSON.stringify(v.steps);
    if (paths.has(key)) throw new UserError(`statistics: feature ${JSON.stringify(serializePath(v.steps))} appears twice`);
    paths.add(key);
    if (v.steps.length < 2) continue;
    const parent = JSON.stringify(v.steps.slice(0, -1));
    children.set(parent, [...(children.get(parent) ?? []), v]);
  }
  const inference = new Inference(opts);
  for (const v of views) if (v.steps.length === 1) inference.addFeature(v, children, inference.schema.feature);

  const schema = inference.schema;
  if (opts.inferFeatureShape) {
    // TFDV's Python _infer_shape: top-level features only.
    for (const f of schema.feature) {
      if (f.presence?.min_fraction === 1 && f.value_count && f.value_count.min === f.value_count.max) {
        f.shape = newMessage('FixedShape', { dim: [{ size: f.value_count.min }] });
        delete f.value_count;
      }
    }
  }
  return schema;
}

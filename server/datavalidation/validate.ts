/**
 * Validation of statistics against a schema: TFDV's validate_statistics
 * (tensorflow_data_validation/anomalies/schema.cc, feature_util.cc, *_domain_util.cc,
 * dataset_constraints_util.cc), giving the Anomalies of anomalies.ts.
 *
 * For each feature of the statistics (the only dataset, or the "All Examples" slice), in order:
 * - not in the schema: SCHEMA_NEW_COLUMN (once for a new feature and its children);
 * - deprecated in the schema (`deprecated`, or lifecycle PLANNED, ALPHA, DEPRECATED, DEBUG_ONLY,
 *   DISABLED): not checked, nor its children;
 * - without a type in the schema: UNKNOWN_TYPE; a `domain` naming no string_domain:
 *   INVALID_SCHEMA_SPECIFICATION;
 * - in no example: FEATURE_TYPE_NOT_PRESENT when required, and nothing else is checked;
 * - present but not in the environment: SCHEMA_NEW_COLUMN ("Column missing in environment");
 * - value_count / value_counts, presence, type, domain, unique_constraints; then the drift and
 *   the skew comparators (see distance.ts), each measurement going to driftSkewInfo.
 * Then every feature required in the environment that the statistics lack: SCHEMA_MISSING_COLUMN.
 * Then dataset_constraints: the drift comparator of num_examples (against `previous`) and
 * min/max_examples_count.
 *
 * Environments, as TFDV: with an environment, a feature is in it when listed in its
 * in_environment, else not when listed in its not_in_environment, else when the schema's
 * default_environment lists it. Without one, every feature is in the environment. TFDV refuses an
 * environment the schema's default_environment does not list, and so does this.
 *
 * Not as TFDV: weighted statistics and nested (presence_and_valency) statistics are not read;
 * the fraction present of a feature is taken against the dataset's num_examples at every depth.
 * SCHEMA_TRAINING_SERVING_SKEW and COMPARATOR_TREATMENT_DATA_MISSING, which TFDV never reports,
 * are given a meaning here (see ANOMALY_CATALOGUE).
 */
import { UserError } from '../common/errors';
import type { Feature, FeatureComparator, Int64, Schema, StringDomain } from './schema';
import { compareCodePoints } from '../common/text';
import { printTextMessage } from './schemaText';
import { defaultDataset, SCHEMA_TYPE, serializePath } from './schemaInfer';
import type { CommonStatistics, DatasetFeatureStatistics, DatasetFeatureStatisticsList, FeatureNameStatistics } from './statisticsProto';
import {
  anomalyInfo, DRIFT_CONTEXT, messages, SKEW_CONTEXT,
  type Anomalies, type AnomalyInfo, type AnomalyType, type ComparatorContext, type DriftSkewInfo, type Measurement, type Reason, type Severity,
} from './anomalies';
import { jensenShannonDivergenceFeatures, jsonNumber, lInfinityDistance, stringValuesWithCounts } from './distance';

export interface ValidateOptions {
  /** The environment the statistics come from (must be one of the schema's default_environment). */
  environment?: string;
  /** Statistics of the previous span: drift comparators and num_examples_drift_comparator. */
  previous?: DatasetFeatureStatisticsList;
  /** Statistics of serving data: skew comparators (the statistics validated are training's). */
  serving?: DatasetFeatureStatisticsList;
  /** Severity by anomaly type (TFDV's ValidationConfig.severity_overrides); ERROR otherwise. */
  severityOverrides?: Partial<Record<AnomalyType, Severity>>;
}

const schemaType = (statsType: string): string => (SCHEMA_TYPE as Record<string, string>)[statsType] ?? statsType;
const DEPRECATED_STAGES = new Set(['PLANNED', 'ALPHA', 'DEPRECATED', 'DEBUG_ONLY', 'DISABLED']);

function stepsOf(f: FeatureNameStatistics): string[] {
  const steps = f.path?.step ?? (f.name !== undefined ? [f.name] : undefined);
  if (!steps?.length) throw new UserError('statistics: a feature has neither a path nor a name');
  return steps;
}

function commonStats(f: FeatureNameStatistics) {
  return f.numStats?.commonStats ?? f.stringStats?.commonStats ?? f.bytesStats?.commonStats ??
    (f as { structStats?: { commonStats?: CommonStatistics } }).structStats?.commonStats ?? {};
}

function statsTypeName(f: FeatureNameStatistics): string {
  const t = (f.type ?? 'INT') as string | number;
  if (typeof t === 'number') return ['INT', 'FLOAT', 'STRING', 'BYTES', 'STRUCT'][t] ?? `unknown(${t})`;
  return t;
}

export function featureIsDeprecated(f: Feature): boolean {
  return f.deprecated === true || (f.lifecycle_stage !== undefined && DEPRECATED_STAGES.has(f.lifecycle_stage));
}

function num64(v: Int64 | undefined): number {
  return v === undefined ? 0 : Number(v);
}

/** Is the feature in the environment (TFDV's IsFeatureInEnvironment)? */
export function isFeatureInEnvironment(schema: Schema, f: Feature, environment: string | undefined): boolean {
  if (environment === undefined) return true;
  if (f.in_environment.includes(environment)) return true;
  if (f.not_in_environment.includes(environment)) return false;
  return schema.default_environment.includes(environment);
}

function isExistenceRequired(schema: Schema, f: Feature, environment: string | undefined): boolean {
  if (featureIsDeprecated(f)) return false;
  if (num64(f.presence?.min_count) <= 0 && (f.presence?.min_fraction ?? 0) <= 0) return false;
  return isFeatureInEnvironment(schema, f, environment);
}

/** Schema features by serialized path, struct children included. */
function indexFeatures(features: Feature[], prefix: string[], out: Map<string, { feature: Feature; steps: string[] }>): void {
  for (const f of features) {
    const steps = [...prefix, f.name ?? ''];
    out.set(serializePath(steps), { feature: f, steps });
    if (f.struct_domain) indexFeatures(f.struct_domain.feature, steps, out);
  }
}

/** The string domain a feature uses (its own, or the schema's named one). */
export function stringDomainOf(schema: Schema, f: Feature): StringDomain | undefined {
  if (f.string_domain) return f.string_domain;
  if (f.domain !== undefined) return schema.string_domain.find(d => d.name === f.domain);
  return undefined;
}

/** absl::SimpleAtoi: optional whitespace and sign around decimal digits, within int64. */
export function parseInt64(s: string): bigint | undefined {
  const m = /^\s*([+-]?\d+)\s*$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[1]);
  return v >= -(2n ** 63n) && v < 2n ** 63n ? v : undefined;
}

/** absl::SimpleAtof, as a 32-bit float: decimal or hex-free float text, "inf", "nan" (any case). */
export function parseFloat32(s: string): number | undefined {
  const t = s.trim();
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return undefined;
  return Math.fround(Number(t));
}

function toBigInt(v: Int64): bigint {
  return typeof v === 'bigint' ? v : BigInt(Math.trunc(v));
}

class Validator {
  readonly anomalies: Anomalies = { anomalyNameFormat: 'SERIALIZED_PATH', anomalyInfo: {}, driftSkewInfo: [] };
  private readonly features = new Map<string, { feature: Feature; steps: string[] }>();
  private readonly dataset: DatasetFeatureStatistics;
  private readonly previous?: Map<string, FeatureNameStatistics>;
  private readonly serving?: Map<string, FeatureNameStatistics>;
  private readonly previousDataset?: DatasetFeatureStatistics;

  constructor(stats: DatasetFeatureStatisticsList, private readonly schema: Schema, private readonly options: ValidateOptions) {
    indexFeatures(schema.feature, [], this.features);
    this.dataset = defaultDataset(stats, 'statistics');
    if (options.previous) {
      this.previousDataset = defaultDataset(options.previous, 'previous statistics');
      this.previous = byPath(this.previousDataset);
    }
    if (options.serving) this.serving = byPath(defaultDataset(options.serving, 'serving statistics'));
  }

  private severity = (type: AnomalyType): Severity => this.options.severityOverrides?.[type] ?? 'ERROR';

  private add(steps: string[], reasons: Reason[]): void {
    if (!reasons.length) return;
    const key = serializePath(steps);
    const existing = this.anomalies.anomalyInfo[key];
    this.anomalies.anomalyInfo[key] = anomalyInfo([...(existing?.reason ?? []), ...reasons], steps, this.severity);
  }

  run(): Anomalies {
    const env = this.options.environment;
    const statsFeatures = this.dataset.features ?? [];
    const present = new Set<string>();
    const skipped: string[][] = [];
    const isUnder = (steps: string[]) => skipped.some(p => p.length < steps.length && p.every((s, i) => s === steps[i]));
    for (const f of statsFeatures) {
      const steps = stepsOf(f);
      const key = serializePath(steps);
      present.add(key);
      if (isUnder(steps)) continue;
      const entry = this.features.get(key);
      if (!entry) {
        this.add(steps, [messages.newColumn()]);
        skipped.push(steps);
        continue;
      }
      if (featureIsDeprecated(entry.feature)) {
        skipped.push(steps);
        continue;
      }
      const { reasons, stop } = this.checkFeature(f, entry.feature, steps);
      this.add(steps, reasons);
      if (stop) skipped.push(steps);
    }
    // Features with a comparator that only the control statistics have.
    for (const [key, { feature, steps }] of this.features) {
      if (present.has(key) || featureIsDeprecated(feature)) continue;
      const reasons: Reason[] = [];
      if (this.previous?.has(key) && hasThreshold(feature.drift_comparator)) reasons.push(messages.treatmentDataMissing(DRIFT_CONTEXT));
      if (this.serving?.has(key) && hasThreshold(feature.skew_comparator)) reasons.push(messages.treatmentDataMissing(SKEW_CONTEXT));
      this.add(steps, reasons);
    }
    // Required features missing from the statistics.
    const walk = (features: Feature[], prefix: string[]) => {
      for (const f of features) {
        const steps = [...prefix, f.name ?? ''];
        if (isExistenceRequired(this.schema, f, env) && !present.has(serializePath(steps))) this.add(steps, [messages.missingColumn()]);
        if (!featureIsDeprecated(f) && f.struct_domain) walk(f.struct_domain.feature, steps);
      }
    };
    walk(this.schema.feature, []);
    this.checkDataset();
    return this.anomalies;
  }

  private checkFeature(f: FeatureNameStatistics, feature: Feature, steps: string[]): { reasons: Reason[]; stop: boolean } {
    const reasons: Reason[] = [];
    const env = this.options.environment;
    if (feature.type === undefined) return { reasons: [messages.missingType()], stop: true };
    if (feature.domain !== undefined && !this.schema.string_domain.some(d => d.name === feature.domain)) {
      reasons.push(messages.missingDomain(feature.domain));
    }
    const common = commonStats(f);
    const numPresent = jsonNumber(common.numNonMissing);
    const numMissing = jsonNumber(common.numMissing);
    if (numPresent === 0) {
      if (isExistenceRequired(this.schema, feature, env)) return { reasons: [...reasons, messages.notPresent()], stop: true };
      return { reasons, stop: false };
    }
    if (!isFeatureInEnvironment(this.schema, feature, env)) reasons.push(messages.newColumnInEnvironment(serializePath(steps), env ?? ''));

    // Value counts.
    const minValues = jsonNumber(common.minNumValues);
    const maxValues = jsonNumber(common.maxNumValues);
    if (feature.value_count) {
      if (feature.value_count.min !== undefined && minValues < num64(feature.value_count.min)) reasons.push(messages.lowNumberValues());
      if (feature.value_count.max !== undefined && maxValues > num64(feature.value_count.max)) reasons.push(messages.highNumberValues());
    } else if (feature.value_counts) {
      const levels = feature.value_counts.value_count;
      if (levels.length !== 1) reasons.push(messages.nestednessMismatch());
      else {
        if (levels[0].min !== undefined && minValues < num64(levels[0].min)) reasons.push(messages.lowNumberValuesAt(0));
        if (levels[0].max !== undefined && maxValues > num64(levels[0].max)) reasons.push(messages.highNumberValuesAt(0));
      }
    }

    // Presence.
    const presence = feature.presence;
    if (presence) {
      if (presence.min_count !== undefined && numPresent < num64(presence.min_count)) {
        reasons.push(messages.lowNumberPresent(presence.min_count, numPresent));
      }
      const numExamples = jsonNumber(this.dataset.numExamples);
      if (presence.min_fraction !== undefined && numExamples > 0) {
        let minFraction = presence.min_fraction;
        const fraction = numPresent / numExamples;
        if (fraction < minFraction) {
          reasons.push(messages.lowFractionPresent(minFraction, fraction));
          minFraction = fraction;
        }
        if (minFraction === 1 && numMissing !== 0) reasons.push(messages.expectedEverywhere(numMissing));
      }
    }

    // Type.
    const dataType = statsTypeName(f);
    let stop = false;
    if (schemaType(dataType) !== feature.type) {
      reasons.push(messages.unexpectedDataType(feature.type, dataType));
      stop = true;
    }

    // Domains.
    const hasDomain = feature.domain !== undefined || feature.int_domain || feature.float_domain || feature.string_domain ||
      feature.bool_domain || feature.struct_domain || feature.mid_domain || feature.time_domain || feature.time_of_day_domain;
    if (dataType === 'BYTES' && hasDomain) {
      reasons.push(messages.bytesWithDomain(printTextMessage(feature, 'Feature').trim()));
    } else {
      reasons.push(...this.checkDomain(f, feature, dataType));
    }

    // Unique values.
    if (feature.unique_constraints) {
      const unique = f.stringStats?.unique;
      if (f.stringStats && unique !== undefined) {
        const n = jsonNumber(unique);
        const uc = feature.unique_constraints;
        if (n < num64(uc.min)) reasons.push(messages.lowUnique(uc.min ?? 0, n));
        if (n > num64(uc.max)) reasons.push(messages.highUnique(uc.max ?? 0, n));
      } else reasons.push(messages.noUnique());
    }

    // Comparators: drift, then skew.
    const info: DriftSkewInfo = { path: { step: steps }, driftMeasurements: [], skewMeasurements: [] };
    const key = serializePath(steps);
    if (hasThreshold(feature.drift_comparator)) {
      reasons.push(...compare(f, this.previous, key, feature.drift_comparator!, DRIFT_CONTEXT, info.driftMeasurements));
    }
    if (hasThreshold(feature.skew_comparator)) {
      reasons.push(...compare(f, this.serving, key, feature.skew_comparator!, SKEW_CONTEXT, info.skewMeasurements));
    }
    if (info.driftMeasurements.length || info.skewMeasurements.length) this.anomalies.driftSkewInfo.push(info);

    // Type of the feature in serving data.
    const served = this.serving?.get(key);
    if (served) {
      const servingType = statsTypeName(served);
      if (schemaType(servingType) !== schemaType(dataType)) reasons.push(messages.trainingServingSkew(dataType, servingType));
    }
    return { reasons, stop };
  }

  private checkDomain(f: FeatureNameStatistics, feature: Feature, dataType: string): Reason[] {
    const reasons: Reason[] = [];
    const values = stringValuesWithCounts(f);
    const common = commonStats(f);
    const stringDomain = stringDomainOf(this.schema, feature);
    if (stringDomain) {
      const valid = new Set(stringDomain.value);
      const missing = [...values].filter(([v]) => !valid.has(v)).sort((a, b) => compareCodePoints(a[0], b[0]));
      const missingCount = missing.reduce((s, [, n]) => s + n, 0);
      const tot = jsonNumber(common.totNumValues);
      const total = tot !== 0 ? tot : jsonNumber(common.numNonMissing) * jsonNumber(common.avgNumValues);
      const minMass = feature.distribution_constraints?.min_domain_mass;
      const maxOffDomain = minMass !== undefined ? 1 - minMass : 0;
      if (missingCount / total > maxOffDomain || (maxOffDomain === 0 && missing.length > 0)) {
        reasons.push(messages.unexpectedStringValues(missing, total));
      }
    }
    if (feature.int_domain) {
      const d = feature.int_domain;
      let interval: [bigint, bigint] | undefined;
      let notInt: string | undefined;
      let notInt64 = false;
      if (dataType === 'INT' && values.size === 0) {
        const min = jsonNumber(f.numStats?.min);
        const max = jsonNumber(f.numStats?.max);
        if (min < -(2 ** 63)) [notInt, notInt64] = [String(min), true];
        else if (max > 2 ** 63) [notInt, notInt64] = [String(max), true];
        else if (Number.isFinite(min) && Number.isFinite(max)) interval = [BigInt(Math.trunc(min)), BigInt(Math.trunc(max))];
      } else if (dataType === 'INT' || dataType === 'STRING' || dataType === 'BYTES') {
        for (const v of [...values.keys()]) {
          const x = parseInt64(v);
          if (x === undefined) {
            notInt = v;
            notInt64 = dataType === 'INT';
            break;
          }
          interval = interval ? [x < interval[0] ? x : interval[0], x > interval[1] ? x : interval[1]] : [x, x];
        }
      }
      if (notInt !== undefined) {
        if (!notInt64) reasons.push(messages.notIntString(notInt));
        else if (d.min !== undefined || d.max !== undefined) reasons.push(messages.notInt64(notInt));
      } else if (interval) {
        if (d.min !== undefined && toBigInt(d.min) > interval[0]) reasons.push(messages.smallInt(interval[0]));
        if (d.max !== undefined && toBigInt(d.max) < interval[1]) reasons.push(messages.bigInt(interval[1]));
      }
    }
    if (feature.float_domain) {
      const d = feature.float_domain;
      let range: [number, number] | undefined;
      let notFloat: string | undefined;
      if (dataType === 'FLOAT') {
        range = [Math.fround(jsonNumber(f.numStats?.min)), Math.fround(jsonNumber(f.numStats?.max))];
        const numNan = Math.max(0, ...(f.numStats?.histograms ?? []).map(h => jsonNumber(h.numNan)));
        if (d.disallow_nan && numNan > 0) reasons.push(messages.hasNan());
        if (d.disallow_inf && range.some(x => x === Infinity || x === -Infinity)) reasons.push(messages.hasInf());
      } else if (dataType === 'STRING' || dataType === 'BYTES') {
        for (const v of values.keys()) {
          const x = parseFloat32(v);
          if (x === undefined) {
            notFloat = v;
            break;
          }
          range = range ? [Math.min(range[0], x), Math.max(range[1], x)] : [x, x];
        }
      }
      if (notFloat !== undefined) reasons.push(messages.notFloatString(notFloat));
      else if (range) {
        if (d.min !== undefined && range[0] < d.min) reasons.push(messages.smallFloat(range[0], d.min));
        if (d.max !== undefined && range[1] > d.max) reasons.push(messages.bigFloat(range[1], d.max));
      }
    }
    if (feature.bool_domain) {
      const d = feature.bool_domain;
      if (dataType === 'INT') {
        const min = jsonNumber(f.numStats?.min);
        const max = jsonNumber(f.numStats?.max);
        if (max > 1) reasons.push(messages.boolBigInt(max));
        if (min < 0) reasons.push(messages.boolSmallInt(min));
      } else if (dataType === 'STRING') {
        const allowed = new Set([d.true_value, d.false_value].filter((v): v is string => v !== undefined));
        const bad = [...values.keys()].sort(compareCodePoints).find(v => !allowed.has(v));
        if (bad !== undefined) reasons.push(messages.boolUnexpectedString(bad));
      }
    }
    return reasons;
  }

  private checkDataset(): void {
    const c = this.schema.dataset_constraints;
    if (!c) return;
    const reasons: Reason[] = [];
    const n = jsonNumber(this.dataset.numExamples);
    const cmp = c.num_examples_drift_comparator;
    if (cmp && (cmp.min_fraction_threshold !== undefined || cmp.max_fraction_threshold !== undefined) && n > 0 && this.previousDataset) {
      const prev = jsonNumber(this.previousDataset.numExamples);
      const ratio = n / prev;
      if (cmp.max_fraction_threshold !== undefined) {
        if (prev === 0) reasons.push(messages.highNumExamplesVsEmptyPrevious());
        else if (ratio > cmp.max_fraction_threshold) reasons.push(messages.highNumExamplesVsPrevious(ratio, cmp.max_fraction_threshold));
      }
      if (cmp.min_fraction_threshold !== undefined && prev !== 0 && ratio < cmp.min_fraction_threshold) {
        reasons.push(messages.lowNumExamplesVsPrevious(ratio, cmp.min_fraction_threshold));
      }
    }
    if (c.min_examples_count !== undefined && n < num64(c.min_examples_count)) reasons.push(messages.lowNumExamples(n));
    if (c.max_examples_count !== undefined && n > num64(c.max_examples_count)) reasons.push(messages.highNumExamples(n));
    if (reasons.length) this.anomalies.datasetAnomalyInfo = anomalyInfo(reasons, undefined, this.severity);
  }
}

function byPath(d: DatasetFeatureStatistics): Map<string, FeatureNameStatistics> {
  return new Map((d.features ?? []).map(f => [serializePath(stepsOf(f)), f]));
}

function hasThreshold(c: FeatureComparator | undefined): boolean {
  return c?.infinity_norm?.threshold !== undefined || c?.jensen_shannon_divergence?.threshold !== undefined;
}

/** TFDV's UpdateFeatureComparatorDirect: measurements and reasons of one comparator. */
function compare(
  f: FeatureNameStatistics, control: Map<string, FeatureNameStatistics> | undefined, key: string,
  comparator: FeatureComparator, ctx: ComparatorContext, measurements: Measurement[],
): Reason[] {
  if (!control) return [];
  const other = control.get(key);
  if (!other) return [messages.controlDataMissing(ctx)];
  const reasons: Reason[] = [];
  const linf = comparator.infinity_norm?.threshold;
  if (linf !== undefined) {
    const d = lInfinityDistance(f, other);
    measurements.push({ type: 'L_INFTY', value: d.distance, threshold: linf });
    if (d.distance > linf) reasons.push(messages.lInftyHigh(ctx, d.distance, linf, d.value));
  }
  const jsd = comparator.jensen_shannon_divergence;
  if (jsd?.threshold !== undefined) {
    let value: number | undefined;
    try {
      value = jensenShannonDivergenceFeatures(f, other, jsd.source?.type ?? 'DEFAULT');
    } catch {
      // As TFDV: no measurement when the divergence cannot be computed (no histograms or values).
    }
    if (value !== undefined) {
      measurements.push({ type: 'JENSEN_SHANNON_DIVERGENCE', value, threshold: jsd.threshold });
      if (value > jsd.threshold) reasons.push(messages.jsdHigh(ctx, value, jsd.threshold));
    }
  }
  return reasons;
}

/**
 * Validates statistics against a schema (TFDV's validate_statistics). `stats` are the current
 * (or training) statistics; `previous` enables drift detection and `serving` skew detection.
 */
export function validateStatistics(stats: DatasetFeatureStatisticsList, schema: Schema, options: ValidateOptions = {}): Anomalies {
  if (options.environment !== undefined && !schema.default_environment.includes(options.environment)) {
    throw new UserError(`Environment ${options.environment} not found in the schema.`);
  }
  return new Validator(stats, schema, options).run();
}

export type { AnomalyInfo };

// ---------------------------------------------------------------------------------------------
// One value at a time.

export interface ValueProblem {
  /** The anomaly the value contributes to when statistics of the data are validated. */
  type: AnomalyType;
  message: string;
}

/**
 * Checks one raw (CSV) value of a feature against the schema, for inline diagnostics. An empty
 * value is a missing value and is not checked. The problems and the anomaly type each maps to:
 * - INT feature, value not an int64 → UNEXPECTED_DATA_TYPE (the column's statistics would not be
 *   INT); FLOAT feature, value not a number → UNEXPECTED_DATA_TYPE;
 * - int_domain: below min → INT_TYPE_SMALL_INT, above max → INT_TYPE_BIG_INT; on a BYTES
 *   feature, a value that is not an int64 → INT_TYPE_NOT_INT_STRING;
 * - float_domain: below min → FLOAT_TYPE_SMALL_FLOAT, above max → FLOAT_TYPE_BIG_FLOAT, NaN with
 *   disallow_nan → FLOAT_TYPE_HAS_NAN, ±inf with disallow_inf → FLOAT_TYPE_HAS_INF; on a BYTES
 *   feature, a value that is not a float → FLOAT_TYPE_STRING_NOT_FLOAT;
 * - string domain (`domain` or `string_domain`): a value not in it → ENUM_TYPE_UNEXPECTED_STRING_VALUES
 *   (in the statistics this is an anomaly only when such values exceed 1 − min_domain_mass; a
 *   single value is reported regardless);
 * - bool_domain: an INT value other than 0 and 1 → BOOL_TYPE_BIG_INT / BOOL_TYPE_SMALL_INT, a
 *   BYTES value other than true_value and false_value → BOOL_TYPE_UNEXPECTED_STRING.
 */
export function checkValue(feature: Feature, schema: Schema, raw: string): ValueProblem | undefined {
  if (raw === '') return undefined;
  const type = feature.type;
  if (type === 'INT') {
    const v = parseInt64(raw.replace(/(?<=\d)_(?=\d)/g, ''));
    if (v === undefined) return { type: 'UNEXPECTED_DATA_TYPE', message: `Expected data of type: INT but got "${raw}"` };
    return checkInt(feature, v, raw);
  }
  if (type === 'FLOAT') {
    const x = parseFloat32(raw.replace(/(?<=\d)_(?=\d)/g, ''));
    if (x === undefined) return { type: 'UNEXPECTED_DATA_TYPE', message: `Expected data of type: FLOAT but got "${raw}"` };
    return checkFloat(feature, x, raw);
  }
  if (type === 'BYTES') {
    const sd = stringDomainOf(schema, feature);
    if (sd && !sd.value.includes(raw)) {
      return { type: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', message: `Value "${raw}" is not in the domain${sd.name ? ` ${sd.name}` : ''}.` };
    }
    if (feature.int_domain) {
      const v = parseInt64(raw);
      if (v === undefined) return { type: 'INT_TYPE_NOT_INT_STRING', message: `String value that is not an int: "${raw}".` };
      return checkInt(feature, v, raw);
    }
    if (feature.float_domain) {
      const x = parseFloat32(raw);
      if (x === undefined) return { type: 'FLOAT_TYPE_STRING_NOT_FLOAT', message: `String value that is not a float: "${raw}".` };
      return checkFloat(feature, x, raw);
    }
    if (feature.bool_domain) {
      const d = feature.bool_domain;
      if (raw !== d.true_value && raw !== d.false_value) return { type: 'BOOL_TYPE_UNEXPECTED_STRING', message: `Unexpected value "${raw}": not a true or false value.` };
    }
  }
  return undefined;
}

function checkInt(feature: Feature, v: bigint, raw: string): ValueProblem | undefined {
  const d = feature.int_domain;
  if (d?.min !== undefined && v < toBigInt(d.min)) return { type: 'INT_TYPE_SMALL_INT', message: `Value ${raw} is below the domain's min ${d.min}.` };
  if (d?.max !== undefined && v > toBigInt(d.max)) return { type: 'INT_TYPE_BIG_INT', message: `Value ${raw} is above the domain's max ${d.max}.` };
  if (feature.bool_domain && feature.type === 'INT') {
    if (v > 1n) return { type: 'BOOL_TYPE_BIG_INT', message: `Value ${raw} is not 0 or 1.` };
    if (v < 0n) return { type: 'BOOL_TYPE_SMALL_INT', message: `Value ${raw} is not 0 or 1.` };
  }
  return undefined;
}

function checkFloat(feature: Feature, x: number, raw: string): ValueProblem | undefined {
  const d = feature.float_domain;
  if (!d) return undefined;
  if (Number.isNaN(x)) return d.disallow_nan ? { type: 'FLOAT_TYPE_HAS_NAN', message: `Value ${raw} is NaN, which the domain disallows.` } : undefined;
  if (!Number.isFinite(x) && d.disallow_inf) return { type: 'FLOAT_TYPE_HAS_INF', message: `Value ${raw} is infinite, which the domain disallows.` };
  if (d.min !== undefined && x < d.min) return { type: 'FLOAT_TYPE_SMALL_FLOAT', message: `Value ${raw} is below the domain's min ${d.min}.` };
  if (d.max !== undefined && x > d.max) return { type: 'FLOAT_TYPE_BIG_FLOAT', message: `Value ${raw} is above the domain's max ${d.max}.` };
  return undefined;
}

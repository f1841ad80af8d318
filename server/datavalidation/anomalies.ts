/**
 * TFDV's anomalies: the result of validating statistics against a schema, as plain objects that
 * mirror tensorflow_metadata's `Anomalies` message (anomalies.proto) in a proto3-JSON-like form
 * (lowerCamelCase field names, enums by name):
 *
 *   Anomalies { anomalyNameFormat: 'SERIALIZED_PATH', anomalyInfo: { [serialized path]: AnomalyInfo },
 *               datasetAnomalyInfo?: AnomalyInfo, driftSkewInfo: DriftSkewInfo[] }
 *   AnomalyInfo { path, severity, description, shortDescription, reason: Reason[] }
 *
 * As in TFDV (schema_anomalies.cc), an AnomalyInfo gathers every reason found for one feature:
 * with one reason its description and short description are that reason's; with several, the
 * descriptions are joined with a space and the short description is "Multiple errors". Several
 * SCHEMA_NEW_COLUMN reasons count as one. Every anomaly is an ERROR unless severity overrides say
 * otherwise (TFDV's ValidationConfig.severity_overrides).
 *
 * The catalogue below lists the anomaly types detected here, with the short description TFDV
 * gives them (for some it names the datasets compared) and where the wording comes from. The
 * message builders return TFDV's exact wording (tensorflow_data_validation/anomalies/*.cc).
 */
import { sixDigits } from './distance';

export type Severity = 'UNKNOWN' | 'WARNING' | 'ERROR';

export type AnomalyType =
  | 'UNKNOWN_TYPE'
  | 'SCHEMA_MISSING_COLUMN'
  | 'SCHEMA_NEW_COLUMN'
  | 'SCHEMA_TRAINING_SERVING_SKEW'
  | 'FEATURE_TYPE_LOW_FRACTION_PRESENT'
  | 'FEATURE_TYPE_LOW_NUMBER_PRESENT'
  | 'FEATURE_TYPE_NOT_PRESENT'
  | 'FEATURE_TYPE_LOW_NUMBER_VALUES'
  | 'FEATURE_TYPE_HIGH_NUMBER_VALUES'
  | 'FEATURE_TYPE_LOW_UNIQUE'
  | 'FEATURE_TYPE_HIGH_UNIQUE'
  | 'FEATURE_TYPE_NO_UNIQUE'
  | 'VALUE_NESTEDNESS_MISMATCH'
  | 'UNEXPECTED_DATA_TYPE'
  | 'DOMAIN_INVALID_FOR_TYPE'
  | 'INVALID_SCHEMA_SPECIFICATION'
  | 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'
  | 'INT_TYPE_SMALL_INT'
  | 'INT_TYPE_BIG_INT'
  | 'INT_TYPE_NOT_INT_STRING'
  | 'FLOAT_TYPE_SMALL_FLOAT'
  | 'FLOAT_TYPE_BIG_FLOAT'
  | 'FLOAT_TYPE_STRING_NOT_FLOAT'
  | 'FLOAT_TYPE_HAS_NAN'
  | 'FLOAT_TYPE_HAS_INF'
  | 'BOOL_TYPE_BIG_INT'
  | 'BOOL_TYPE_SMALL_INT'
  | 'BOOL_TYPE_UNEXPECTED_STRING'
  | 'COMPARATOR_CONTROL_DATA_MISSING'
  | 'COMPARATOR_TREATMENT_DATA_MISSING'
  | 'COMPARATOR_L_INFTY_HIGH'
  | 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH'
  | 'COMPARATOR_LOW_NUM_EXAMPLES'
  | 'COMPARATOR_HIGH_NUM_EXAMPLES'
  | 'DATASET_LOW_NUM_EXAMPLES'
  | 'DATASET_HIGH_NUM_EXAMPLES';

export interface Reason {
  type: AnomalyType;
  shortDescription: string;
  description: string;
}

export interface AnomalyInfo {
  /** The feature's path; absent for the dataset anomaly. */
  path?: { step: string[] };
  severity: Severity;
  description: string;
  shortDescription: string;
  reason: Reason[];
}

export type MeasurementType = 'L_INFTY' | 'JENSEN_SHANNON_DIVERGENCE';

export interface Measurement {
  type: MeasurementType;
  value: number;
  threshold: number;
}

/** Every distance computed for one feature, whether or not above its threshold. */
export interface DriftSkewInfo {
  path: { step: string[] };
  driftMeasurements: Measurement[];
  skewMeasurements: Measurement[];
}

export interface Anomalies {
  anomalyNameFormat: 'SERIALIZED_PATH';
  /** By feature path serialized as TFDV does (steps joined by "."). */
  anomalyInfo: Record<string, AnomalyInfo>;
  datasetAnomalyInfo?: AnomalyInfo;
  driftSkewInfo: DriftSkewInfo[];
}

export interface CatalogueEntry {
  /** TFDV's short description ({control}/{treatment}: the datasets compared). */
  shortDescription: string;
  /** When it is reported here. */
  detection: string;
  /** The TFDV source of the wording. */
  source: string;
}

const FU = 'feature_util.cc';
const SC = 'schema.cc';

export const ANOMALY_CATALOGUE: Record<AnomalyType, CatalogueEntry> = {
  UNKNOWN_TYPE: { shortDescription: 'unspecified type: determine the type and set it, rather than deprecating.', detection: 'a schema feature has no type (older TFDV releases reported this as UNKNOWN_TYPE, newer as FEATURE_MISSING_TYPE)', source: `${SC} UpdateFeatureSelf` },
  SCHEMA_MISSING_COLUMN: { shortDescription: 'Column dropped', detection: 'a feature required in the environment (not deprecated, presence min_count or min_fraction > 0) is not in the statistics', source: 'schema_anomalies.cc ObserveMissing' },
  SCHEMA_NEW_COLUMN: { shortDescription: 'New column', detection: 'a feature of the statistics is not in the schema ("Column missing in environment" when it is, but not in the environment)', source: `${SC} UpdateFeature` },
  SCHEMA_TRAINING_SERVING_SKEW: { shortDescription: 'Training/Serving skew', detection: 'not detected by TFDV (it only names it); here: serving statistics give a feature another type than the training statistics', source: `${SC} kTrainingServingSkew` },
  FEATURE_TYPE_LOW_FRACTION_PRESENT: { shortDescription: 'Column dropped', detection: 'num_non_missing / num_examples < presence.min_fraction, or min_fraction 1 and num_missing ≠ 0', source: `${FU} UpdatePresence` },
  FEATURE_TYPE_LOW_NUMBER_PRESENT: { shortDescription: 'Column dropped', detection: 'num_non_missing < presence.min_count', source: `${FU} UpdatePresence` },
  FEATURE_TYPE_NOT_PRESENT: { shortDescription: 'Column dropped', detection: 'a required feature is in the statistics but in no example', source: `${SC} UpdateFeatureInternal` },
  FEATURE_TYPE_LOW_NUMBER_VALUES: { shortDescription: 'Missing values', detection: 'min_num_values < value_count.min', source: `${FU} UpdateValueCount` },
  FEATURE_TYPE_HIGH_NUMBER_VALUES: { shortDescription: 'Superfluous values', detection: 'max_num_values > value_count.max', source: `${FU} UpdateValueCount` },
  FEATURE_TYPE_LOW_UNIQUE: { shortDescription: 'Low number of unique values', detection: 'string_stats.unique < unique_constraints.min', source: `${FU} UpdateUniqueConstraints` },
  FEATURE_TYPE_HIGH_UNIQUE: { shortDescription: 'High number of unique values', detection: 'string_stats.unique > unique_constraints.max', source: `${FU} UpdateUniqueConstraints` },
  FEATURE_TYPE_NO_UNIQUE: { shortDescription: 'No unique values', detection: 'unique_constraints on a feature without string statistics', source: `${FU} UpdateUniqueConstraints` },
  VALUE_NESTEDNESS_MISMATCH: { shortDescription: 'Mismatched value nest level', detection: 'value_counts with more than one level (statistics here have one nest level)', source: `${FU} UpdateValueCounts` },
  UNEXPECTED_DATA_TYPE: { shortDescription: 'Unexpected data type', detection: 'the statistics type (STRING and BYTES as BYTES) differs from the schema type', source: `${SC} UpdateFeatureInternal` },
  DOMAIN_INVALID_FOR_TYPE: { shortDescription: 'Invalid domain type', detection: 'BYTES statistics for a feature with a domain other than natural language, image or URL; an int_domain with bounds on an INT feature whose values are not int64', source: `${SC}, int_domain_util.cc` },
  INVALID_SCHEMA_SPECIFICATION: { shortDescription: 'missing domain: {name}', detection: 'a feature names a string_domain the schema does not have', source: `${SC} UpdateFeatureSelf` },
  ENUM_TYPE_UNEXPECTED_STRING_VALUES: { shortDescription: 'Unexpected string values', detection: 'values outside the string domain have a share of all values above 1 − distribution_constraints.min_domain_mass (any such value when min_domain_mass is absent or 1)', source: 'string_domain_util.cc UpdateStringDomain' },
  INT_TYPE_SMALL_INT: { shortDescription: 'Out-of-range values', detection: 'the smallest value (num_stats.min, or of the string values) < int_domain.min', source: 'int_domain_util.cc' },
  INT_TYPE_BIG_INT: { shortDescription: 'Out-of-range values', detection: 'the largest value > int_domain.max', source: 'int_domain_util.cc' },
  INT_TYPE_NOT_INT_STRING: { shortDescription: 'Invalid values', detection: 'a STRING/BYTES value of a feature with int_domain is not an int64', source: 'int_domain_util.cc' },
  FLOAT_TYPE_SMALL_FLOAT: { shortDescription: 'Out-of-range values', detection: 'the smallest value (as a 32-bit float) < float_domain.min', source: 'float_domain_util.cc' },
  FLOAT_TYPE_BIG_FLOAT: { shortDescription: 'Out-of-range values', detection: 'the largest value (as a 32-bit float) > float_domain.max', source: 'float_domain_util.cc' },
  FLOAT_TYPE_STRING_NOT_FLOAT: { shortDescription: 'Invalid values', detection: 'a STRING/BYTES value of a feature with float_domain is not a float', source: 'float_domain_util.cc' },
  FLOAT_TYPE_HAS_NAN: { shortDescription: 'Invalid values', detection: 'float_domain.disallow_nan and a histogram counts NaNs', source: 'anomalies.md (wording here)' },
  FLOAT_TYPE_HAS_INF: { shortDescription: 'Invalid values', detection: 'float_domain.disallow_inf and num_stats.min or max is infinite', source: 'anomalies.md (wording here)' },
  BOOL_TYPE_BIG_INT: { shortDescription: 'Non-boolean values', detection: 'INT feature with bool_domain and num_stats.max > 1', source: 'anomalies.md (wording here)' },
  BOOL_TYPE_SMALL_INT: { shortDescription: 'Non-boolean values', detection: 'INT feature with bool_domain and num_stats.min < 0', source: 'anomalies.md (wording here)' },
  BOOL_TYPE_UNEXPECTED_STRING: { shortDescription: 'Non-boolean values', detection: 'STRING feature with bool_domain and a value that is neither true_value nor false_value', source: 'anomalies.md (wording here)' },
  COMPARATOR_CONTROL_DATA_MISSING: { shortDescription: '{control} data missing', detection: 'a comparator is set and the control statistics (serving for skew, previous for drift) are given but lack the feature', source: `${FU} UpdateFeatureComparatorDirect` },
  COMPARATOR_TREATMENT_DATA_MISSING: { shortDescription: '{treatment} data missing', detection: 'not detected by TFDV; here: a comparator is set and the control statistics have the feature but the statistics validated do not', source: 'wording after COMPARATOR_CONTROL_DATA_MISSING' },
  COMPARATOR_L_INFTY_HIGH: { shortDescription: 'High Linfty distance between {treatment} and {control}', detection: 'L-infinity distance of the normalised value counts > infinity_norm.threshold', source: `${FU} UpdateInfinityNormComparator` },
  COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH: { shortDescription: 'High approximate Jensen-Shannon divergence between {treatment} and {control}', detection: 'Jensen-Shannon divergence > jensen_shannon_divergence.threshold', source: `${FU} UpdateJensenShannonDivergenceComparator` },
  COMPARATOR_LOW_NUM_EXAMPLES: { shortDescription: 'Low num examples in current dataset versus the previous span.', detection: 'num_examples / previous num_examples < num_examples_drift_comparator.min_fraction_threshold', source: 'dataset_constraints_util.cc' },
  COMPARATOR_HIGH_NUM_EXAMPLES: { shortDescription: 'High num examples in current dataset versus the previous span.', detection: 'num_examples / previous num_examples > num_examples_drift_comparator.max_fraction_threshold', source: 'dataset_constraints_util.cc' },
  DATASET_LOW_NUM_EXAMPLES: { shortDescription: 'Low num examples in dataset.', detection: 'num_examples < dataset_constraints.min_examples_count', source: 'dataset_constraints_util.cc UpdateExamplesCount' },
  DATASET_HIGH_NUM_EXAMPLES: { shortDescription: 'High num examples in dataset.', detection: 'num_examples > dataset_constraints.max_examples_count', source: 'dataset_constraints_util.cc UpdateExamplesCount' },
};

// ---------------------------------------------------------------------------------------------
// Message builders: TFDV's wording.

const r = (type: AnomalyType, shortDescription: string, description: string): Reason => ({ type, shortDescription, description });

/** Which datasets a comparator compares. */
export interface ComparatorContext {
  control: string;
  treatment: string;
}
export const SKEW_CONTEXT: ComparatorContext = { control: 'serving', treatment: 'training' };
export const DRIFT_CONTEXT: ComparatorContext = { control: 'previous', treatment: 'current' };

/** A C printf "%f": six decimals. */
function fixed6(x: number): string {
  return Number.isFinite(x) ? x.toFixed(6) : Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
}

/** A count as absl::StrCat prints a double (six significant digits). */
const count = (x: number): string => sixDigits(x);

/** absl::Utf8SafeCEscape: C escapes for control characters, quotes and backslash. */
export function cEscape(s: string): string {
  return s.replace(/[\\'"\n\r\t\x00-\x1f\x7f]/g, c => {
    switch (c) {
      case '\\': return '\\\\';
      case "'": return "\\'";
      case '"': return '\\"';
      case '\n': return '\\n';
      case '\r': return '\\r';
      case '\t': return '\\t';
      default: return `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
    }
  });
}

/** TFDV's PercentageAsString: "?" without a total, "<1%" below one percent, else "~x%". */
export function percentage(n: number, total: number | undefined): string {
  if (total === undefined || total === 0) return '?';
  const p = (100 * n) / total;
  return p < 1 ? '<1%' : `~${Math.floor(p)}%`;
}

export const messages = {
  missingColumn: () => r('SCHEMA_MISSING_COLUMN', 'Column dropped', 'Column is completely missing'),
  newColumn: () => r('SCHEMA_NEW_COLUMN', 'New column', 'New column (column in data but not in schema)'),
  newColumnInEnvironment: (path: string, env: string) =>
    r('SCHEMA_NEW_COLUMN', 'Column missing in environment', `New column ${path} found in data but not in the environment ${env} in the schema.`),
  trainingServingSkew: (trainingType: string, servingType: string) =>
    r('SCHEMA_TRAINING_SERVING_SKEW', 'Training/Serving skew', `The feature has type ${trainingType} in training data but type ${servingType} in serving data.`),
  missingType: () => r('UNKNOWN_TYPE', 'unspecified type: determine the type and set it, rather than deprecating.', 'unspecified type: determine the type and set it, rather than deprecating.'),
  missingDomain: (name: string) => r('INVALID_SCHEMA_SPECIFICATION', `missing domain: ${name}`, `missing domain: ${name}`),
  notPresent: () => r('FEATURE_TYPE_NOT_PRESENT', 'Column dropped', 'The feature was not present in any examples.'),
  lowNumberPresent: (minCount: number | bigint, actual: number) =>
    r('FEATURE_TYPE_LOW_NUMBER_PRESENT', 'Column dropped', `The feature was present in fewer examples than expected: minimum count = ${minCount}, actual = ${Math.trunc(actual)}`),
  lowFractionPresent: (minFraction: number, actual: number) =>
    r('FEATURE_TYPE_LOW_FRACTION_PRESENT', 'Column dropped', `The feature was present in fewer examples than expected: minimum fraction = ${fixed6(Math.fround(minFraction))}, actual = ${fixed6(actual)}`),
  expectedEverywhere: (numMissing: number) =>
    r('FEATURE_TYPE_LOW_FRACTION_PRESENT', 'Column dropped', `The feature was expected everywhere, but was missing in ${count(numMissing)} examples.`),
  lowNumberValues: () => r('FEATURE_TYPE_LOW_NUMBER_VALUES', 'Missing values', 'Some examples have fewer values than expected.'),
  highNumberValues: () => r('FEATURE_TYPE_HIGH_NUMBER_VALUES', 'Superfluous values', 'Some examples have more values than expected.'),
  lowNumberValuesAt: (level: number) => r('FEATURE_TYPE_LOW_NUMBER_VALUES', 'Missing values', `Some examples have fewer values than expected at nestedness level ${level}.`),
  highNumberValuesAt: (level: number) => r('FEATURE_TYPE_HIGH_NUMBER_VALUES', 'Superfluous values', `Some examples have more values than expected at nestedness level ${level}.`),
  nestednessMismatch: () =>
    r('VALUE_NESTEDNESS_MISMATCH', 'Mismatched value nest level', 'The values have a different nest level than expected. Value counts will not be checked.'),
  lowUnique: (min: number | bigint, found: number) =>
    r('FEATURE_TYPE_LOW_UNIQUE', 'Low number of unique values', `Expected at least ${min} unique values but found only ${found}.`),
  highUnique: (max: number | bigint, found: number) =>
    r('FEATURE_TYPE_HIGH_UNIQUE', 'High number of unique values', `Expected no more than ${max} unique values but found ${found}.`),
  noUnique: () =>
    r('FEATURE_TYPE_NO_UNIQUE', 'No unique values', 'UniqueConstraints specified for the feature, but unique values were not counted (i.e., feature is not string or categorical).'),
  unexpectedDataType: (schemaType: string, dataType: string) =>
    r('UNEXPECTED_DATA_TYPE', 'Unexpected data type', `Expected data of type: ${schemaType} but got ${dataType}`),
  bytesWithDomain: (featureText: string) =>
    r('DOMAIN_INVALID_FOR_TYPE', 'Invalid domain type', `Data is marked as BYTES with incompatible domain_info: ${featureText}`),
  notInt64: (example: string) =>
    r('DOMAIN_INVALID_FOR_TYPE', 'Invalid values', `Integer had values that were not valid Int64, such as "${example}".`),
  unexpectedStringValues: (missing: [string, number][], total: number | undefined) =>
    r('ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'Unexpected string values',
      `Examples contain values missing from the schema: ${missing.map(([v, n]) => `${cEscape(v)} (${percentage(n, total)})`).join(', ')}. `),
  smallInt: (min: bigint | number) => r('INT_TYPE_SMALL_INT', 'Out-of-range values', `Unexpectedly small value: ${min}.`),
  bigInt: (max: bigint | number) => r('INT_TYPE_BIG_INT', 'Out-of-range values', `Unexpectedly large value: ${max}.`),
  notIntString: (example: string) => r('INT_TYPE_NOT_INT_STRING', 'Invalid values', `String values that were not ints were found, such as "${example}".`),
  smallFloat: (min: number, domainMin: number) =>
    r('FLOAT_TYPE_SMALL_FLOAT', 'Out-of-range values', `Unexpectedly low values: ${sixDigits(min)}<${sixDigits(domainMin)}(upto six significant digits)`),
  bigFloat: (max: number, domainMax: number) =>
    r('FLOAT_TYPE_BIG_FLOAT', 'Out-of-range values', `Unexpectedly high value: ${sixDigits(max)}>${sixDigits(domainMax)}(upto six significant digits)`),
  notFloatString: (example: string) => r('FLOAT_TYPE_STRING_NOT_FLOAT', 'Invalid values', `String values that were not floats were found, such as "${example}".`),
  hasNan: () => r('FLOAT_TYPE_HAS_NAN', 'Invalid values', 'Float feature has NaN values.'),
  hasInf: () => r('FLOAT_TYPE_HAS_INF', 'Invalid values', 'Float feature has Inf values.'),
  boolBigInt: (max: number) => r('BOOL_TYPE_BIG_INT', 'Non-boolean values', `Integers (such as ${sixDigits(max)}) not in {0, 1}: converting to an integer.`),
  boolSmallInt: (min: number) => r('BOOL_TYPE_SMALL_INT', 'Non-boolean values', `Integers (such as ${sixDigits(min)}) not in {0, 1}: converting to an integer.`),
  boolUnexpectedString: (value: string) => r('BOOL_TYPE_UNEXPECTED_STRING', 'Non-boolean values', `Saw unexpected value "${value}" instead of "true" or "false".`),
  controlDataMissing: (ctx: ComparatorContext) => r('COMPARATOR_CONTROL_DATA_MISSING', `${ctx.control} data missing`, `${ctx.control} data is missing.`),
  treatmentDataMissing: (ctx: ComparatorContext) => r('COMPARATOR_TREATMENT_DATA_MISSING', `${ctx.treatment} data missing`, `${ctx.treatment} data is missing.`),
  lInftyHigh: (ctx: ComparatorContext, distance: number, threshold: number, value: string) =>
    r('COMPARATOR_L_INFTY_HIGH', `High Linfty distance between ${ctx.treatment} and ${ctx.control}`,
      `The Linfty distance between ${ctx.treatment} and ${ctx.control} is ${sixDigits(distance)} (up to six significant digits), above the threshold ${sixDigits(threshold)}. The feature value with maximum difference is: ${value}`),
  jsdHigh: (ctx: ComparatorContext, divergence: number, threshold: number) =>
    r('COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH', `High approximate Jensen-Shannon divergence between ${ctx.treatment} and ${ctx.control}`,
      `The approximate Jensen-Shannon divergence between ${ctx.treatment} and ${ctx.control} is ${sixDigits(divergence)} (up to six significant digits), above the threshold ${sixDigits(threshold)}.`),
  lowNumExamplesVsPrevious: (ratio: number, threshold: number) =>
    r('COMPARATOR_LOW_NUM_EXAMPLES', 'Low num examples in current dataset versus the previous span.',
      `The ratio of num examples in the current dataset versus the previous span is ${sixDigits(ratio)} (up to six significant digits), which is below the threshold ${sixDigits(threshold)}.`),
  highNumExamplesVsPrevious: (ratio: number, threshold: number) =>
    r('COMPARATOR_HIGH_NUM_EXAMPLES', 'High num examples in current dataset versus the previous span.',
      `The ratio of num examples in the current dataset versus the previous span is ${sixDigits(ratio)} (up to six significant digits), which is above the threshold ${sixDigits(threshold)}.`),
  highNumExamplesVsEmptyPrevious: () =>
    r('COMPARATOR_HIGH_NUM_EXAMPLES', 'High num examples in current dataset versus the previous span, which has 0.',
      'The previous span has 0 examples, so there is a high number of examples in the current dataset versus the previous span.'),
  lowNumExamples: (n: number) => r('DATASET_LOW_NUM_EXAMPLES', 'Low num examples in dataset.', `The dataset has ${count(n)} examples, which is fewer than expected.`),
  highNumExamples: (n: number) => r('DATASET_HIGH_NUM_EXAMPLES', 'High num examples in dataset.', `The dataset has ${count(n)} examples, which is more than expected.`),
};

const SEVERITY_RANK: Record<Severity, number> = { UNKNOWN: 0, WARNING: 1, ERROR: 2 };

/** Reasons of one feature (or the dataset) gathered into an AnomalyInfo, as TFDV does. */
export function anomalyInfo(reasons: Reason[], path: string[] | undefined, severityOf: (type: AnomalyType) => Severity = () => 'ERROR'): AnomalyInfo {
  const filtered = reasons.length && reasons.every(x => x.type === 'SCHEMA_NEW_COLUMN') ? [reasons[0]] : reasons;
  let description = '';
  let shortDescription = '';
  for (const x of filtered) {
    if (!description) {
      description = x.description;
      shortDescription = x.shortDescription;
    } else if (x.description) {
      description = `${description} ${x.description}`;
      shortDescription = 'Multiple errors';
    }
  }
  let severity: Severity = 'UNKNOWN';
  for (const x of filtered) {
    const s = severityOf(x.type);
    if (SEVERITY_RANK[s] > SEVERITY_RANK[severity]) severity = s;
  }
  return { ...(path ? { path: { step: path } } : {}), severity, description, shortDescription, reason: filtered };
}

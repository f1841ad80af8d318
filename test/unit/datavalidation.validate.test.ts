// Validation of hand-built statistics against schemas written as schema.pbtxt: every anomaly type
// once triggered and once not, TFDV's message wording, environments, drift and skew.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { UserError } from '../../server/common/errors';
import { parseSchemaText } from '../../server/datavalidation/schemaText';
import { checkValue, validateStatistics, type ValidateOptions } from '../../server/datavalidation/validate';
import type { Anomalies, AnomalyType } from '../../server/datavalidation/anomalies';
import type { DatasetFeatureStatisticsList, FeatureNameStatistics, Histogram } from '../../server/datavalidation/statisticsProto';

interface Common { present?: number; missing?: number; min?: number; max?: number; avg?: number; tot?: number }
function common(c: Common) {
  return {
    ...(c.present !== undefined ? { numNonMissing: String(c.present) } : {}),
    ...(c.missing ? { numMissing: String(c.missing) } : {}),
    minNumValues: String(c.min ?? 1), maxNumValues: String(c.max ?? 1),
    ...(c.avg !== undefined ? { avgNumValues: c.avg } : {}),
    ...(c.tot !== undefined ? { totNumValues: String(c.tot) } : {}),
  };
}
function str(name: string, values: Record<string, number>, c: Common = {}, unique?: number): FeatureNameStatistics {
  const total = Object.values(values).reduce((s, n) => s + n, 0);
  return {
    path: { step: name.split('.') }, type: 'STRING',
    stringStats: {
      commonStats: common({ present: total, tot: total, ...c }),
      unique: String(unique ?? Object.keys(values).length),
      rankHistogram: { buckets: Object.entries(values).map(([label, sampleCount]) => ({ label, sampleCount })) },
    },
  };
}
function int(name: string, min: number, max: number, c: Common = {}, histograms: Histogram[] = [], type: 'INT' | 'FLOAT' = 'INT'): FeatureNameStatistics {
  return { path: { step: name.split('.') }, type, numStats: { commonStats: common({ present: 10, ...c }), min, max, histograms } };
}
const float = (name: string, min: number, max: number, c: Common = {}, histograms: Histogram[] = []) => int(name, min, max, c, histograms, 'FLOAT');
const stats = (features: FeatureNameStatistics[], numExamples = 10): DatasetFeatureStatisticsList => ({ datasets: [{ numExamples: String(numExamples), features }] });
const types = (a: Anomalies, key: string) => (a.anomalyInfo[key]?.reason ?? []).map(r => r.type);

function validate(schemaText: string, features: FeatureNameStatistics[], options: ValidateOptions = {}, numExamples = 10): Anomalies {
  return validateStatistics(stats(features, numExamples), parseSchemaText(schemaText), options);
}

/** Triggers `type` on feature `key` with `bad`, and not with `good`. */
function both(type: AnomalyType, key: string, run: (bad: boolean) => Anomalies): Anomalies {
  const bad = run(true);
  assert.ok(types(bad, key).includes(type), `${type} expected, got ${JSON.stringify(bad.anomalyInfo)}`);
  const good = run(false);
  assert.ok(!types(good, key).includes(type), `${type} not expected, got ${JSON.stringify(good.anomalyInfo)}`);
  return bad;
}

test('SCHEMA_MISSING_COLUMN: a required feature absent from the statistics', () => {
  const a = both('SCHEMA_MISSING_COLUMN', 'b', bad => validate(`
    feature { name: "a" type: INT }
    feature { name: "b" type: INT presence { min_count: 1 } }`, bad ? [int('a', 0, 1)] : [int('a', 0, 1), int('b', 0, 1)]));
  assert.deepEqual(a.anomalyInfo.b, {
    path: { step: ['b'] }, severity: 'ERROR', description: 'Column is completely missing', shortDescription: 'Column dropped',
    reason: [{ type: 'SCHEMA_MISSING_COLUMN', shortDescription: 'Column dropped', description: 'Column is completely missing' }],
  });
  // Not required (no presence, or deprecated): no anomaly.
  const b = validate(`feature { name: "b" type: INT }
    feature { name: "c" type: INT presence { min_count: 1 } lifecycle_stage: DEPRECATED }`, []);
  assert.deepEqual(b.anomalyInfo, {});
});

test('SCHEMA_NEW_COLUMN: a feature of the statistics not in the schema', () => {
  const a = both('SCHEMA_NEW_COLUMN', 'n', bad => validate('feature { name: "a" type: INT }', bad ? [int('a', 0, 1), int('n', 0, 1)] : [int('a', 0, 1)]));
  assert.equal(a.anomalyInfo.n.description, 'New column (column in data but not in schema)');
  assert.equal(a.anomalyInfo.n.shortDescription, 'New column');
  // Children of a new struct feature are part of the parent's anomaly.
  const s = validate('', [{ path: { step: ['s'] }, type: 'STRUCT' }, int('s.x', 0, 1)]);
  assert.deepEqual(Object.keys(s.anomalyInfo), ['s']);
});

test('FEATURE_TYPE_LOW_FRACTION_PRESENT: present in too small a fraction of examples', () => {
  const a = both('FEATURE_TYPE_LOW_FRACTION_PRESENT', 'a', bad =>
    validate('feature { name: "a" type: INT presence { min_fraction: 0.9 } }', [int('a', 0, 1, { present: bad ? 5 : 9, missing: bad ? 5 : 1 })]));
  assert.equal(a.anomalyInfo.a.description, 'The feature was present in fewer examples than expected: minimum fraction = 0.900000, actual = 0.500000');
  assert.equal(a.anomalyInfo.a.shortDescription, 'Column dropped');
  // min_fraction 1 and some missing.
  const b = validate('feature { name: "a" type: INT presence { min_fraction: 1 } }', [int('a', 0, 1, { present: 10, missing: 1 })], {}, 10);
  assert.equal(b.anomalyInfo.a.description, 'The feature was expected everywhere, but was missing in 1 examples.');
});

test('FEATURE_TYPE_LOW_NUMBER_PRESENT: present in fewer examples than min_count', () => {
  const a = both('FEATURE_TYPE_LOW_NUMBER_PRESENT', 'a', bad =>
    validate('feature { name: "a" type: INT presence { min_count: 5 } }', [int('a', 0, 1, { present: bad ? 2 : 5 })]));
  assert.equal(a.anomalyInfo.a.description, 'The feature was present in fewer examples than expected: minimum count = 5, actual = 2');
});

test('FEATURE_TYPE_NOT_PRESENT: a required feature in no example', () => {
  both('FEATURE_TYPE_NOT_PRESENT', 'a', bad =>
    validate(`feature { name: "a" type: INT ${bad ? 'presence { min_count: 1 }' : ''} }`, [int('a', 0, 0, { present: 0, missing: 10 })]));
});

test('UNEXPECTED_DATA_TYPE: statistics of another type than the schema', () => {
  const a = both('UNEXPECTED_DATA_TYPE', 'a', bad => validate('feature { name: "a" type: INT }', [bad ? float('a', 0, 1) : int('a', 0, 1)]));
  assert.equal(a.anomalyInfo.a.description, 'Expected data of type: INT but got FLOAT');
  assert.equal(a.anomalyInfo.a.shortDescription, 'Unexpected data type');
  // STRING statistics are BYTES in the schema.
  assert.deepEqual(validate('feature { name: "s" type: BYTES }', [str('s', { x: 1 })]).anomalyInfo, {});
});

test('UNKNOWN_TYPE: a schema feature without a type', () => {
  both('UNKNOWN_TYPE', 'a', bad => validate(`feature { name: "a" ${bad ? '' : 'type: INT'} }`, [int('a', 0, 1)]));
});

test('ENUM_TYPE_UNEXPECTED_STRING_VALUES: values outside the string domain', () => {
  const schema = (extra = '') => `feature { name: "s" type: BYTES domain: "s" ${extra} }
    string_domain { name: "s" value: "a" value: "b" }`;
  const a = both('ENUM_TYPE_UNEXPECTED_STRING_VALUES', 's', bad => validate(schema(), [str('s', bad ? { a: 90, c: 9, 'd\n': 1 } : { a: 90, b: 10 })]));
  assert.equal(a.anomalyInfo.s.description, 'Examples contain values missing from the schema: c (~9%), d\\n (~1%). ');
  assert.equal(a.anomalyInfo.s.shortDescription, 'Unexpected string values');
  // Feature-level string_domain.
  both('ENUM_TYPE_UNEXPECTED_STRING_VALUES', 's', bad =>
    validate('feature { name: "s" type: BYTES string_domain { value: "a" } }', [str('s', bad ? { a: 1, z: 1 } : { a: 2 })]));
});

test('ENUM_TYPE_UNEXPECTED_STRING_VALUES with min_domain_mass: only when off-domain mass exceeds 1 - min_domain_mass', () => {
  const schema = `feature { name: "s" type: BYTES domain: "s" distribution_constraints { min_domain_mass: 0.9 } }
    string_domain { name: "s" value: "a" }`;
  // 5% off domain: within 10%.
  assert.deepEqual(validate(schema, [str('s', { a: 95, z: 5 })]).anomalyInfo, {});
  // 20% off domain: above.
  assert.deepEqual(types(validate(schema, [str('s', { a: 80, z: 20 })]), 's'), ['ENUM_TYPE_UNEXPECTED_STRING_VALUES']);
  // Without tot_num_values nor avg_num_values the share is unknown: "?".
  const f = str('s', { a: 1, z: 1 }, { tot: 0 });
  assert.match(validate('feature { name: "s" type: BYTES string_domain { value: "a" } }', [f]).anomalyInfo.s.description, /z \(\?\)/);
});

test('INT_TYPE_SMALL_INT and INT_TYPE_BIG_INT: values outside int_domain', () => {
  const a = both('INT_TYPE_SMALL_INT', 'a', bad => validate('feature { name: "a" type: INT int_domain { min: 0 max: 10 } }', [int('a', bad ? -3 : 0, 5)]));
  assert.equal(a.anomalyInfo.a.description, 'Unexpectedly small value: -3.');
  assert.equal(a.anomalyInfo.a.shortDescription, 'Out-of-range values');
  const b = both('INT_TYPE_BIG_INT', 'a', bad => validate('feature { name: "a" type: INT int_domain { min: 0 max: 10 } }', [int('a', 0, bad ? 11 : 10)]));
  assert.equal(b.anomalyInfo.a.description, 'Unexpectedly large value: 11.');
  // Numeric strings with an int_domain, and int64 bounds beyond 2^53.
  both('INT_TYPE_BIG_INT', 's', bad => validate('feature { name: "s" type: BYTES int_domain { max: 9007199254740993 } }',
    [str('s', bad ? { '9007199254740994': 1 } : { '9007199254740993': 1, '-5': 1 })]));
  both('INT_TYPE_NOT_INT_STRING', 's', bad => validate('feature { name: "s" type: BYTES int_domain { } }', [str('s', bad ? { '1': 1, x: 1 } : { '1': 1 })]));
});

test('FLOAT_TYPE_SMALL_FLOAT, FLOAT_TYPE_BIG_FLOAT, FLOAT_TYPE_HAS_NAN, FLOAT_TYPE_HAS_INF, FLOAT_TYPE_STRING_NOT_FLOAT', () => {
  const schema = 'feature { name: "f" type: FLOAT float_domain { min: 0 max: 1 disallow_nan: true disallow_inf: true } }';
  const a = both('FLOAT_TYPE_SMALL_FLOAT', 'f', bad => validate(schema, [float('f', bad ? -0.5 : 0, 1)]));
  assert.equal(a.anomalyInfo.f.description, 'Unexpectedly low values: -0.5<0(upto six significant digits)');
  const b = both('FLOAT_TYPE_BIG_FLOAT', 'f', bad => validate(schema, [float('f', 0, bad ? 1.5 : 1)]));
  assert.equal(b.anomalyInfo.f.description, 'Unexpectedly high value: 1.5>1(upto six significant digits)');
  both('FLOAT_TYPE_HAS_NAN', 'f', bad => validate(schema, [float('f', 0, 1, {}, [{ numNan: bad ? '2' : '0', buckets: [{ lowValue: 0, highValue: 1, sampleCount: 8 }], type: 'STANDARD' }])]));
  assert.deepEqual(validate('feature { name: "f" type: FLOAT float_domain { } }', [float('f', 0, 1, {}, [{ numNan: '2', type: 'STANDARD' }])]).anomalyInfo, {});
  both('FLOAT_TYPE_HAS_INF', 'f', bad => validate('feature { name: "f" type: FLOAT float_domain { disallow_inf: true } }', [float('f', 0, bad ? Infinity : 1)]));
  both('FLOAT_TYPE_STRING_NOT_FLOAT', 's', bad => validate('feature { name: "s" type: BYTES float_domain { max: 2 } }', [str('s', bad ? { '1.5': 1, abc: 1 } : { '1.5': 1, '-inf': 1 })]));
});

test('FEATURE_TYPE_LOW_NUMBER_VALUES and FEATURE_TYPE_HIGH_NUMBER_VALUES: value counts', () => {
  const schema = 'feature { name: "a" type: INT value_count { min: 1 max: 2 } }';
  const a = both('FEATURE_TYPE_LOW_NUMBER_VALUES', 'a', bad => validate(schema, [int('a', 0, 1, { min: bad ? 0 : 1, max: 2 })]));
  assert.equal(a.anomalyInfo.a.description, 'Some examples have fewer values than expected.');
  assert.equal(a.anomalyInfo.a.shortDescription, 'Missing values');
  const b = both('FEATURE_TYPE_HIGH_NUMBER_VALUES', 'a', bad => validate(schema, [int('a', 0, 1, { min: 1, max: bad ? 3 : 2 })]));
  assert.equal(b.anomalyInfo.a.description, 'Some examples have more values than expected.');
  assert.equal(b.anomalyInfo.a.shortDescription, 'Superfluous values');
  both('FEATURE_TYPE_HIGH_NUMBER_VALUES', 'a', bad =>
    validate('feature { name: "a" type: INT value_counts { value_count { max: 2 } } }', [int('a', 0, 1, { max: bad ? 3 : 2 })]));
});

test('DATASET_LOW_NUM_EXAMPLES and DATASET_HIGH_NUM_EXAMPLES', () => {
  const schema = 'dataset_constraints { min_examples_count: 5 max_examples_count: 100 }';
  for (const [n, type] of [[4, 'DATASET_LOW_NUM_EXAMPLES'], [101, 'DATASET_HIGH_NUM_EXAMPLES']] as const) {
    const a = validate(schema, [], {}, n);
    assert.deepEqual(a.datasetAnomalyInfo?.reason.map(r => r.type), [type]);
  }
  assert.equal(validate(schema, [], {}, 4).datasetAnomalyInfo?.description, 'The dataset has 4 examples, which is fewer than expected.');
  assert.equal(validate(schema, [], {}, 101).datasetAnomalyInfo?.shortDescription, 'High num examples in dataset.');
  assert.equal(validate(schema, [], {}, 5).datasetAnomalyInfo, undefined);
  assert.equal(validate(schema, [], {}, 100).datasetAnomalyInfo, undefined);
});

test("COMPARATOR_L_INFTY_HIGH (drift): TFDV's wording, measurement in driftSkewInfo", () => {
  const schema = `feature { name: "e" type: BYTES drift_comparator { infinity_norm { threshold: 0.1 } } }`;
  const previous = stats([str('e', { a: 3, b: 1 })]);
  const a = validate(schema, [str('e', { a: 1, b: 1 })], { previous });
  assert.deepEqual(a.anomalyInfo.e.reason, [{
    type: 'COMPARATOR_L_INFTY_HIGH', shortDescription: 'High Linfty distance between current and previous',
    description: 'The Linfty distance between current and previous is 0.25 (up to six significant digits), above the threshold 0.1. The feature value with maximum difference is: b',
  }]);
  assert.deepEqual(a.driftSkewInfo, [{ path: { step: ['e'] }, driftMeasurements: [{ type: 'L_INFTY', value: 0.25, threshold: 0.1 }], skewMeasurements: [] }]);
  // TFDV's 0.2 (hello/world) against a threshold above it: measured, no anomaly.
  const ok = validate(`feature { name: "e" type: BYTES drift_comparator { infinity_norm { threshold: 0.3 } } }`,
    [str('e', { hello: 1, world: 9 })], { previous: stats([str('e', { hello: 3, world: 7 })]) });
  assert.deepEqual(ok.anomalyInfo, {});
  assert.ok(Math.abs(ok.driftSkewInfo[0].driftMeasurements[0].value - 0.2) < 1e-12);
  // The brief's example: 0.2 above 0.1, value with the largest difference "b".
  const c = validate(`feature { name: "e" type: BYTES drift_comparator { infinity_norm { threshold: 0.1 } } }`,
    [str('e', { a: 4, b: 6 })], { previous: stats([str('e', { a: 6, b: 4 })]) });
  assert.equal(c.anomalyInfo.e.description,
    'The Linfty distance between current and previous is 0.2 (up to six significant digits), above the threshold 0.1. The feature value with maximum difference is: b');
});

test('COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH: numeric (drift) and categorical (skew)', () => {
  const h = (b: [number, number, number][]): Histogram[] => [{ buckets: b.map(([lowValue, highValue, sampleCount]) => ({ lowValue, highValue, sampleCount })), type: 'STANDARD' }];
  const schema = (t: number) => `feature { name: "x" type: FLOAT drift_comparator { jensen_shannon_divergence { threshold: ${t} } } }`;
  const cur = float('x', 1, 3, {}, h([[1, 2, 2], [2, 3, 2]]));
  const previous = stats([float('x', 2, 6, {}, h([[2, 4, 2], [4, 6, 2]]))]);
  const a = validate(schema(0.5), [cur], { previous });
  assert.deepEqual(a.anomalyInfo.x.reason, [{
    type: 'COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH', shortDescription: 'High approximate Jensen-Shannon divergence between current and previous',
    description: 'The approximate Jensen-Shannon divergence between current and previous is 0.655639 (up to six significant digits), above the threshold 0.5.',
  }]);
  assert.ok(Math.abs(a.driftSkewInfo[0].driftMeasurements[0].value - 0.65563906222) < 1e-9);
  assert.deepEqual(validate(schema(0.7), [cur], { previous }).anomalyInfo, {});
  // Categorical, skew: training vs serving.
  const cat = (t: number) => `feature { name: "c" type: BYTES skew_comparator { jensen_shannon_divergence { threshold: ${t} } } }`;
  const serving = stats([str('c', { b: 1, c: 1 })]);
  const b = validate(cat(0.4), [str('c', { a: 1, b: 1 })], { serving });
  assert.equal(b.anomalyInfo.c.description, 'The approximate Jensen-Shannon divergence between training and serving is 0.5 (up to six significant digits), above the threshold 0.4.');
  assert.deepEqual(b.driftSkewInfo[0].skewMeasurements, [{ type: 'JENSEN_SHANNON_DIVERGENCE', value: 0.5, threshold: 0.4 }]);
  assert.deepEqual(validate(cat(0.5), [str('c', { a: 1, b: 1 })], { serving }).anomalyInfo, {});
});

test('L-infinity of a numeric feature is 0 (as TFDV): no anomaly, but measured', () => {
  const a = validate('feature { name: "x" type: INT skew_comparator { infinity_norm { threshold: 0.01 } } }', [int('x', 0, 5)], { serving: stats([int('x', 50, 100)]) });
  assert.deepEqual(a.anomalyInfo, {});
  assert.deepEqual(a.driftSkewInfo[0].skewMeasurements, [{ type: 'L_INFTY', value: 0, threshold: 0.01 }]);
});

test('COMPARATOR_CONTROL_DATA_MISSING and COMPARATOR_TREATMENT_DATA_MISSING', () => {
  const schema = `feature { name: "e" type: BYTES skew_comparator { infinity_norm { threshold: 0.1 } } drift_comparator { infinity_norm { threshold: 0.1 } } }
    feature { name: "o" type: INT }`;
  const a = both('COMPARATOR_CONTROL_DATA_MISSING', 'e', bad =>
    validate(schema, [str('e', { a: 1 })], { serving: stats(bad ? [int('o', 0, 1)] : [str('e', { a: 1 })]) }));
  assert.deepEqual(a.anomalyInfo.e.reason, [{ type: 'COMPARATOR_CONTROL_DATA_MISSING', shortDescription: 'serving data missing', description: 'serving data is missing.' }]);
  // No control statistics at all: nothing to compare, no anomaly.
  assert.deepEqual(validate(schema, [str('e', { a: 1 })]).anomalyInfo, {});
  const b = both('COMPARATOR_TREATMENT_DATA_MISSING', 'e', bad =>
    validate(schema, bad ? [int('o', 0, 1)] : [int('o', 0, 1), str('e', { a: 1 })], { previous: stats([str('e', { a: 1 })]) }));
  assert.deepEqual(b.anomalyInfo.e.reason, [{ type: 'COMPARATOR_TREATMENT_DATA_MISSING', shortDescription: 'current data missing', description: 'current data is missing.' }]);
});

test('SCHEMA_TRAINING_SERVING_SKEW: serving data of another type', () => {
  const a = both('SCHEMA_TRAINING_SERVING_SKEW', 'a', bad =>
    validate('feature { name: "a" type: INT }', [int('a', 0, 1)], { serving: stats([bad ? str('a', { x: 1 }) : int('a', 0, 1)]) }));
  assert.equal(a.anomalyInfo.a.shortDescription, 'Training/Serving skew');
});

test('several reasons: "Multiple errors", descriptions joined', () => {
  const a = validate('feature { name: "a" type: INT int_domain { min: 0 max: 1 } presence { min_count: 20 } }', [int('a', -1, 2)]);
  assert.deepEqual(types(a, 'a'), ['FEATURE_TYPE_LOW_NUMBER_PRESENT', 'INT_TYPE_SMALL_INT', 'INT_TYPE_BIG_INT']);
  assert.equal(a.anomalyInfo.a.shortDescription, 'Multiple errors');
  assert.equal(a.anomalyInfo.a.description,
    'The feature was present in fewer examples than expected: minimum count = 20, actual = 10 Unexpectedly small value: -1. Unexpectedly large value: 2.');
  // Severity overrides.
  const w = validate('feature { name: "a" type: INT }', [int('a', 0, 1), int('n', 0, 1)], { severityOverrides: { SCHEMA_NEW_COLUMN: 'WARNING' } });
  assert.equal(w.anomalyInfo.n.severity, 'WARNING');
});

test('environments: features not in the environment may be absent', () => {
  const schema = `default_environment: "TRAINING" default_environment: "SERVING"
    feature { name: "x" type: INT presence { min_count: 1 } }
    feature { name: "label" type: INT presence { min_count: 1 } not_in_environment: "SERVING" }
    feature { name: "debug" type: INT presence { min_count: 1 } in_environment: "DEBUG" not_in_environment: "TRAINING" not_in_environment: "SERVING" }`;
  const serving = [int('x', 0, 1)];
  // Without an environment every feature is in it, as in TFDV.
  assert.deepEqual(Object.keys(validate(schema, serving).anomalyInfo).sort(), ['debug', 'label']);
  assert.deepEqual(validate(schema, serving, { environment: 'SERVING' }).anomalyInfo, {});
  assert.deepEqual(Object.keys(validate(schema, serving, { environment: 'TRAINING' }).anomalyInfo), ['label']);
  // A feature present outside its environment.
  const a = validate(schema, [int('x', 0, 1), int('label', 0, 1)], { environment: 'SERVING' });
  assert.deepEqual(a.anomalyInfo.label.reason, [{
    type: 'SCHEMA_NEW_COLUMN', shortDescription: 'Column missing in environment',
    description: 'New column label found in data but not in the environment SERVING in the schema.',
  }]);
  assert.throws(() => validate(schema, serving, { environment: 'NOPE' }), (e: unknown) => e instanceof UserError && /Environment NOPE not found/.test(e.message));
});

test('unique constraints, bool domain, struct children', () => {
  both('FEATURE_TYPE_HIGH_UNIQUE', 's', bad => validate('feature { name: "s" type: BYTES unique_constraints { min: 1 max: 2 } }', [str('s', bad ? { a: 1, b: 1, c: 1 } : { a: 1, b: 1 })]));
  both('FEATURE_TYPE_LOW_UNIQUE', 's', bad => validate('feature { name: "s" type: BYTES unique_constraints { min: 2 max: 5 } }', [str('s', bad ? { a: 1 } : { a: 1, b: 1 })]));
  both('FEATURE_TYPE_NO_UNIQUE', 'a', bad => validate(`feature { name: "a" type: ${bad ? 'INT' : 'BYTES'} unique_constraints { min: 1 } }`, [bad ? int('a', 0, 1) : str('a', { x: 1 })]));
  both('BOOL_TYPE_BIG_INT', 'b', bad => validate('feature { name: "b" type: INT bool_domain { } }', [int('b', 0, bad ? 2 : 1)]));
  both('BOOL_TYPE_UNEXPECTED_STRING', 'b', bad => validate('feature { name: "b" type: BYTES bool_domain { true_value: "y" false_value: "n" } }', [str('b', bad ? { y: 1, maybe: 1 } : { y: 1, n: 1 })]));
  const s = validate('feature { name: "s" type: STRUCT struct_domain { feature { name: "x" type: INT int_domain { max: 3 } } } }',
    [{ path: { step: ['s'] }, type: 'STRUCT' } as FeatureNameStatistics, int('s.x', 0, 4)]);
  assert.deepEqual(types(s, 's.x'), ['INT_TYPE_BIG_INT']);
});

test('checkValue: per-value problems and the anomaly type they correspond to', () => {
  const schema = parseSchemaText(`
    feature { name: "i" type: INT int_domain { min: 0 max: 10 } }
    feature { name: "f" type: FLOAT float_domain { min: 0 max: 1 disallow_nan: true } }
    feature { name: "s" type: BYTES domain: "s" }
    feature { name: "n" type: BYTES int_domain { max: 5 } }
    string_domain { name: "s" value: "a" value: "b" }`);
  const [i, f, s, n] = schema.feature;
  assert.equal(checkValue(i, schema, '5'), undefined);
  assert.equal(checkValue(i, schema, ''), undefined);
  assert.equal(checkValue(i, schema, '-1')?.type, 'INT_TYPE_SMALL_INT');
  assert.equal(checkValue(i, schema, '11')?.type, 'INT_TYPE_BIG_INT');
  assert.equal(checkValue(i, schema, '1.5')?.type, 'UNEXPECTED_DATA_TYPE');
  assert.equal(checkValue(f, schema, '0.5'), undefined);
  assert.equal(checkValue(f, schema, '-0.1')?.type, 'FLOAT_TYPE_SMALL_FLOAT');
  assert.equal(checkValue(f, schema, '2')?.type, 'FLOAT_TYPE_BIG_FLOAT');
  assert.equal(checkValue(f, schema, 'nan')?.type, 'FLOAT_TYPE_HAS_NAN');
  assert.equal(checkValue(f, schema, 'abc')?.type, 'UNEXPECTED_DATA_TYPE');
  assert.equal(checkValue(s, schema, 'a'), undefined);
  assert.equal(checkValue(s, schema, 'z')?.type, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES');
  assert.equal(checkValue(n, schema, 'x')?.type, 'INT_TYPE_NOT_INT_STRING');
  assert.equal(checkValue(n, schema, '6')?.type, 'INT_TYPE_BIG_INT');
});

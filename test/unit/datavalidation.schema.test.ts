// TFDV schema text format: a schema as TFDV writes it loads field by field and is written back
// byte for byte; other spellings protobuf accepts read the same; strings, int64 and floats keep
// their exact values. Expected texts and float spellings were checked against Python's protobuf
// text_format (what TFDV's write_schema_text uses).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { int64JsonReplacer, newMessage, type Schema } from '../../server/datavalidation/schema';
import {
  formatDouble, formatFloat, loadSchema, parseSchemaText, parseTextMessage, printSchemaText, printTextMessage, writeSchema,
} from '../../server/datavalidation/schemaText';
import { tempDir } from './helpers';

/** A schema in the form TFDV writes: field-number order, 2-space indents, Python's floats. */
const CENSUS = String.raw`feature {
  name: "age"
  type: INT
  int_domain {
    name: "age"
    min: 17
    max: 90
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "workclass"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  domain: "workclass"
  presence {
    min_fraction: 0.9
    min_count: 1
  }
  distribution_constraints {
    min_domain_mass: 0.95
  }
  skew_comparator {
    infinity_norm {
      threshold: 0.01
    }
  }
  drift_comparator {
    jensen_shannon_divergence {
      threshold: 0.05
    }
  }
}
feature {
  name: "fnlwgt"
  type: FLOAT
  float_domain {
    min: 12285.0
    max: 1484705.0
    disallow_nan: true
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "hours_per_week"
  value_count {
    min: 1
  }
  type: FLOAT
  float_domain {
    min: 0.7421683
    max: 99.5
  }
  presence {
    min_count: 1
  }
}
feature {
  name: "native_country"
  value_count {
    min: 1
    max: 1
  }
  type: BYTES
  domain: "native_country"
  presence {
    min_count: 0
  }
  skew_comparator {
    normalized_abs_difference {
      threshold: 1e-05
    }
  }
}
feature {
  name: "is_married"
  type: INT
  bool_domain {
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  annotation {
    tag: "derived"
    comment: "1 when marital_status starts with \"Married\""
  }
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "user_id"
  type: INT
  int_domain {
    min: -9223372036854775808
    max: 9223372036854775807
    is_categorical: true
  }
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  lifecycle_stage: DEBUG_ONLY
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "signup_date"
  type: BYTES
  presence {
    min_fraction: 0.5
    min_count: 10
  }
  time_domain {
    string_format: "%Y-%m-%d"
  }
}
feature {
  name: "label"
  type: BYTES
  domain: "label"
  presence {
    min_fraction: 1.0
    min_count: 1
  }
  not_in_environment: "SERVING"
  shape {
    dim {
      size: 1
    }
  }
}
feature {
  name: "tips"
  value_count {
    min: 1
    max: 1
  }
  type: FLOAT
  presence {
    min_count: 1
  }
  in_environment: "TRAINING"
  in_environment: "EVAL"
  drift_comparator {
    infinity_norm {
      threshold: 0.1
    }
    jensen_shannon_divergence {
      threshold: 0.2
      source {
        type: QUANTILES
      }
    }
  }
  lifecycle_stage: PRODUCTION
}
feature {
  name: "purchase"
  type: STRUCT
  presence {
    min_count: 1
  }
  struct_domain {
    feature {
      name: "price"
      value_count {
        min: 1
        max: 4
      }
      type: FLOAT
      presence {
        min_count: 1
      }
    }
  }
}
string_domain {
  name: "workclass"
  value: "Federal-gov"
  value: "Local-gov"
  value: "Never-worked"
  value: "Private"
  value: "Self-emp-inc"
  value: "Self-emp-not-inc"
  value: "State-gov"
  value: "Without-pay"
}
string_domain {
  name: "native_country"
  value: "Cura\303\247ao"
  value: "C\303\264te d\'Ivoire"
  value: "Holand-Netherlands"
  value: "United-States"
  value: "tab\there"
  value: "back\\slash"
}
string_domain {
  name: "label"
  value: "<=50K"
  value: ">50K"
}
default_environment: "TRAINING"
default_environment: "SERVING"
default_environment: "EVAL"
annotation {
  tag: "census"
}
dataset_constraints {
  num_examples_drift_comparator {
    min_fraction_threshold: 0.8
    max_fraction_threshold: 1.25
  }
  min_examples_count: 1000
  max_examples_count: 10000000000
}
`;

test('a schema written by TFDV loads field by field', () => {
  const s = parseSchemaText(CENSUS, 'census.pbtxt');
  assert.equal(s.feature.length, 11);
  assert.deepEqual(s.feature.map(f => f.name), [
    'age', 'workclass', 'fnlwgt', 'hours_per_week', 'native_country', 'is_married', 'user_id', 'signup_date', 'label', 'tips', 'purchase',
  ]);

  const [age, workclass, fnlwgt, hours, country, married, userId, signup, label, tips, purchase] = s.feature;
  assert.equal(age.type, 'INT');
  assert.deepEqual(age.int_domain, { name: 'age', min: 17, max: 90 });
  assert.deepEqual(age.presence, { min_fraction: 1, min_count: 1 });
  assert.deepEqual(age.shape, { dim: [{ size: 1 }] });
  assert.equal(age.value_count, undefined);
  assert.deepEqual(age.in_environment, []);
  assert.deepEqual(age.not_in_environment, []);

  assert.equal(workclass.type, 'BYTES');
  assert.equal(workclass.domain, 'workclass');
  assert.deepEqual(workclass.value_count, { min: 1, max: 1 });
  assert.deepEqual(workclass.presence, { min_fraction: 0.9, min_count: 1 });
  assert.deepEqual(workclass.distribution_constraints, { min_domain_mass: 0.95 });
  assert.deepEqual(workclass.skew_comparator, { infinity_norm: { threshold: 0.01 } });
  assert.deepEqual(workclass.drift_comparator, { jensen_shannon_divergence: { threshold: 0.05 } });

  assert.deepEqual(fnlwgt.float_domain, { min: 12285, max: 1484705, disallow_nan: true });
  // A float field holds the nearest 32-bit float of what is written.
  assert.equal(hours.float_domain!.min, Math.fround(0.7421683));
  assert.notEqual(hours.float_domain!.min, 0.7421683);
  assert.equal(hours.float_domain!.max, 99.5);
  assert.deepEqual(hours.value_count, { min: 1 });
  assert.deepEqual(hours.presence, { min_count: 1 });

  assert.deepEqual(country.presence, { min_count: 0 }, 'min_count: 0 is kept: proto2 fields have presence');
  assert.deepEqual(country.skew_comparator, { normalized_abs_difference: { threshold: 0.00001 } });

  assert.deepEqual(married.bool_domain, {}, 'an empty message is present, not absent');
  assert.deepEqual(married.annotation, { tag: ['derived'], comment: ['1 when marital_status starts with "Married"'], extra_metadata: [] });

  assert.equal(userId.int_domain!.min, -(2n ** 63n));
  assert.equal(userId.int_domain!.max, 2n ** 63n - 1n);
  assert.equal(userId.int_domain!.is_categorical, true);
  assert.equal(userId.lifecycle_stage, 'DEBUG_ONLY');

  assert.deepEqual(signup.time_domain, { string_format: '%Y-%m-%d' });
  assert.deepEqual(signup.presence, { min_fraction: 0.5, min_count: 10 });

  assert.deepEqual(label.not_in_environment, ['SERVING']);
  assert.deepEqual(tips.in_environment, ['TRAINING', 'EVAL']);
  assert.deepEqual(tips.drift_comparator, {
    infinity_norm: { threshold: 0.1 },
    jensen_shannon_divergence: { threshold: 0.2, source: { type: 'QUANTILES' } },
  });
  assert.equal(tips.lifecycle_stage, 'PRODUCTION');

  assert.equal(purchase.type, 'STRUCT');
  const price = purchase.struct_domain!.feature[0];
  assert.equal(price.name, 'price');
  assert.deepEqual(price.value_count, { min: 1, max: 4 });
  assert.deepEqual(purchase.struct_domain!.sparse_feature, []);

  assert.deepEqual(s.string_domain.map(d => d.name), ['workclass', 'native_country', 'label']);
  assert.equal(s.string_domain[0].value.length, 8);
  assert.deepEqual(s.string_domain[1].value, ['Curaçao', "Côte d'Ivoire", 'Holand-Netherlands', 'United-States', 'tab\there', 'back\\slash']);
  assert.deepEqual(s.string_domain[2].value, ['<=50K', '>50K']);
  assert.deepEqual(s.default_environment, ['TRAINING', 'SERVING', 'EVAL']);
  assert.deepEqual(s.annotation, { tag: ['census'], comment: [], extra_metadata: [] });
  assert.deepEqual(s.dataset_constraints, {
    num_examples_drift_comparator: { min_fraction_threshold: 0.8, max_fraction_threshold: 1.25 },
    min_examples_count: 1000,
    max_examples_count: 10_000_000_000,
  });
  assert.deepEqual(s.sparse_feature, []);
  assert.deepEqual(s.tensor_representation_group, {});
  assert.equal(s.generate_legacy_feature_spec, undefined);
});

test('writing a schema TFDV wrote gives it back byte for byte; read → write → read is the same object', () => {
  const s = parseSchemaText(CENSUS);
  const text = printSchemaText(s);
  assert.equal(text, CENSUS);
  assert.deepEqual(parseSchemaText(text), s);
});

test('TFDV schemas of older releases load: value_count before type, legacy generate_legacy_feature_spec, comments', () => {
  // As TFX's chicago taxi example was written (infer_feature_shape off, legacy flag).
  const text = [
    'feature {',
    '  name: "company"',
    '  value_count {',
    '    min: 1',
    '    max: 1',
    '  }',
    '  type: BYTES',
    '  domain: "company"',
    '  presence {',
    '    min_count: 1',
    '  }',
    '}',
    'feature {',
    '  name: "pickup_census_tract"',
    '  type: BYTES',
    '  presence {',
    '    min_count: 0',
    '  }',
    '}',
    'string_domain {',
    '  name: "company"',
    '  value: "3201 - C&D Cab Co Inc"',
    '  value: "Chicago Elite Cab Corp. (Chicago Carriag"',
    '}',
    'generate_legacy_feature_spec: false',
    '',
  ].join('\n');
  const s = parseSchemaText(`${text}# generate_legacy_feature_spec: false\n`);
  assert.equal(s.generate_legacy_feature_spec, false);
  assert.deepEqual(s.feature[1], newMessage('Feature', { name: 'pickup_census_tract', type: 'BYTES', presence: { min_count: 0 } }));
  assert.equal(printSchemaText(s), text, 'the comment is not kept; the rest is');
});

/** Other spellings protobuf accepts, and what Python's text_format writes for them. */
const TRICKY = String.raw`# a comment
feature: {  # ":" before "{"
  name: 'single \'quoted\' "x"'
  type: INT
  int_domain < min: -0x10 max: 017 is_categorical: t >
  presence { min_fraction: .5e1f min_count: 0x7fffffffffffffff };
  value_count: { min: 1, max: 2 }
}
feature <
  name: "esc\a\b\f\v\x41\x4a\101\0" "concat" 'enated'
  type: 3
  float_domain { min: -inf max: INFINITY disallow_inf: True }
  skew_comparator { infinity_norm { threshold: 1E-3 } }
  in_environment: ["A", 'B']
  not_in_environment: []
>
feature { name: "n" type: FLOAT float_domain { min: nan max: -0 } presence { min_fraction: -0.0 } }
feature { name: "中文" annotation { tag: "é" comment: "raw	tab" } lifecycle_stage: 9 }
default_environment: [ "X" , "Y" ]
string_domain [ { name: "a" value: ["1", "2"] }, < name: "b" > ]
tensor_representation_group {
  key: "zz"
  value { tensor_representation { key: "b" value { dense_tensor { column_name: "c" default_value { bytes_value: "\377\000" } } } }
          tensor_representation { value { varlen_sparse_tensor { column_name: "v" } } key: "a" } }
}
tensor_representation_group { key: "" }
tensor_representation_group { key: "aa" value {} }
annotation { extra_metadata { type_url: "type.googleapis.com/x.Y" value: "\001\002" } }
feature { name: "d" validation_derived_source { deriver_name: "" description: "desc" declaratively_configured: false config { slice_sql { expression: "" feature_value_type: VALUE_TYPE_DEFAULT } } } }
dataset_constraints { max_examples_count: 9223372036854775807 }
`;

const TRICKY_WRITTEN = String.raw`feature {
  name: "single \'quoted\' \"x\""
  value_count {
    min: 1
    max: 2
  }
  type: INT
  int_domain {
    min: -16
    max: 15
    is_categorical: true
  }
  presence {
    min_fraction: 5.0
    min_count: 9223372036854775807
  }
}
feature {
  name: "esc\007\010\014\013AJA\000concatenated"
  type: FLOAT
  float_domain {
    min: -inf
    max: inf
    disallow_inf: true
  }
  skew_comparator {
    infinity_norm {
      threshold: 0.001
    }
  }
  in_environment: "A"
  in_environment: "B"
}
feature {
  name: "n"
  type: FLOAT
  float_domain {
    min: nan
    max: -0.0
  }
  presence {
    min_fraction: -0.0
  }
}
feature {
  name: "\344\270\255\346\226\207"
  annotation {
    tag: "\303\251"
    comment: "raw\ttab"
  }
  lifecycle_stage: VALIDATION_DERIVED
}
feature {
  name: "d"
  validation_derived_source {
    description: "desc"
    config {
      slice_sql {
      }
    }
  }
}
string_domain {
  name: "a"
  value: "1"
  value: "2"
}
string_domain {
  name: "b"
}
default_environment: "X"
default_environment: "Y"
annotation {
  extra_metadata {
    type_url: "type.googleapis.com/x.Y"
    value: "\001\002"
  }
}
dataset_constraints {
  max_examples_count: 9223372036854775807
}
tensor_representation_group {
  key: ""
  value {
  }
}
tensor_representation_group {
  key: "aa"
  value {
  }
}
tensor_representation_group {
  key: "zz"
  value {
    tensor_representation {
      key: "a"
      value {
        varlen_sparse_tensor {
          column_name: "v"
        }
      }
    }
    tensor_representation {
      key: "b"
      value {
        dense_tensor {
          column_name: "c"
          default_value {
            bytes_value: "\377\000"
          }
        }
      }
    }
  }
}
`;

test('every spelling protobuf accepts reads the same and is written canonically', () => {
  const s = parseSchemaText(TRICKY);
  assert.equal(printSchemaText(s), TRICKY_WRITTEN);
  assert.deepEqual(parseSchemaText(TRICKY_WRITTEN), s);

  const [quoted, escaped, special, unicode, derived] = s.feature;
  assert.equal(quoted.name, `single 'quoted' "x"`);
  assert.deepEqual(quoted.int_domain, { min: -16, max: 15, is_categorical: true });
  assert.deepEqual(quoted.presence, { min_fraction: 5, min_count: 2n ** 63n - 1n });
  assert.equal(escaped.name, 'esc\x07\b\f\vAJA\0concatenated');
  assert.equal(escaped.type, 'FLOAT', 'an enum given by number');
  assert.deepEqual(escaped.float_domain, { min: -Infinity, max: Infinity, disallow_inf: true });
  assert.deepEqual(escaped.in_environment, ['A', 'B']);
  assert.ok(Number.isNaN(special.float_domain!.min));
  assert.ok(Object.is(special.float_domain!.max, -0));
  assert.ok(Object.is(special.presence!.min_fraction, -0));
  assert.equal(unicode.name, '中文');
  assert.deepEqual(unicode.annotation!.comment, ['raw\ttab']);
  assert.equal(unicode.lifecycle_stage, 'VALIDATION_DERIVED');
  // proto3 fields (derived_feature.proto) have no presence: defaults read as absent.
  assert.deepEqual(derived.validation_derived_source, { description: 'desc', source_path: [], config: { slice_sql: {} } });
  assert.deepEqual(s.string_domain, [{ name: 'a', value: ['1', '2'] }, { name: 'b', value: [] }]);
  assert.deepEqual(Object.keys(s.tensor_representation_group).sort(), ['', 'aa', 'zz']);
  const zz = s.tensor_representation_group.zz.tensor_representation;
  assert.deepEqual(zz.a, { varlen_sparse_tensor: { column_name: 'v' } });
  assert.equal(zz.b.dense_tensor!.default_value!.bytes_value, Buffer.from([0xff, 0]).toString('base64'));
  assert.deepEqual(s.annotation!.extra_metadata, [{ type_url: 'type.googleapis.com/x.Y', value: Buffer.from([1, 2]).toString('base64') }]);
});

test('string escapes: every C escape reads as its byte; writing escapes what protobuf escapes', () => {
  const read = (literal: string) => parseTextMessage(`name: ${literal}`, 'Feature').name;
  assert.equal(read(String.raw`"\a\b\f\n\r\t\v\\\'\"\?"`), '\x07\b\f\n\r\t\v\\\'"?');
  assert.equal(read(String.raw`'it\'s "fine"'`), `it's "fine"`);
  assert.equal(read(String.raw`"\101\60\0\7"`), 'A0\0\x07', 'octal escapes of 1 to 3 digits');
  assert.equal(read(String.raw`"\1010"`), 'A0', 'an octal escape stops after 3 digits');
  assert.equal(read(String.raw`"\x41\x4A\x4a\x7"`), 'AJJ\x07', 'hex escapes of 1 or 2 digits');
  assert.equal(read(String.raw`"\x414"`), 'A4', 'a hex escape stops after 2 digits');
  assert.equal(read(String.raw`"caf\303\251"`), 'café', 'UTF-8 bytes in octal');
  assert.equal(read(String.raw`"caf\xc3\xa9"`), 'café', 'UTF-8 bytes in hex');
  assert.equal(read(String.raw`"caf\u00e9 \U0001F600 \ud83d\ude00"`), 'café 😀 😀', '\\u and \\U are code points, a surrogate pair one character');
  assert.equal(read('"café 😀"'), 'café 😀', 'UTF-8 text as is');
  assert.equal(read(`"a" 'b'  "c"`), 'abc', 'adjacent strings are joined');
  assert.equal(read('""'), '');

  const write = (name: string, asUtf8 = false) => printTextMessage(newMessage('Feature', { name }), 'Feature', { asUtf8 });
  assert.equal(write(`q"s'b\\n\nt\tr\r`), String.raw`name: "q\"s\'b\\n\nt\tr\r"` + '\n');
  assert.equal(write('\0\x01\x1f\x7f'), String.raw`name: "\000\001\037\177"` + '\n');
  assert.equal(write('café 😀'), String.raw`name: "caf\303\251 \360\237\230\200"` + '\n');
  assert.equal(write('café 😀\x01"', true), String.raw`name: "café 😀\001\""` + '\n');
  for (const s of ['', 'plain', 'café 😀', '\0\x7f\xff', `'"\\\n\t`, '\u2028 \uffff']) {
    assert.equal(parseTextMessage(write(s), 'Feature').name, s);
    assert.equal(parseTextMessage(write(s, true), 'Feature').name, s);
  }
});

test('int64: numbers while exact, bigints beyond; every integer spelling; uint64 up to 2^64-1', () => {
  const counts = (text: string) => parseTextMessage(text, 'ValueCount');
  assert.deepEqual(counts('min: 9007199254740991 max: -9007199254740991'), { min: 2 ** 53 - 1, max: -(2 ** 53 - 1) });
  assert.deepEqual(counts('min: 9007199254740992 max: -9007199254740993'), { min: 2n ** 53n, max: -(2n ** 53n) - 1n });
  assert.deepEqual(counts('min: 0x7FFFFFFFFFFFFFFF max: -0x8000000000000000'), { min: 2n ** 63n - 1n, max: -(2n ** 63n) });
  assert.deepEqual(counts('min: 0777 max: 0'), { min: 511, max: 0 });
  assert.deepEqual(counts('min: - 5'), { min: -5 }, 'a minus sign is its own token');
  const value = parseTextMessage('uint_value: 18446744073709551615', 'TensorRepresentation.DefaultValue');
  assert.equal(value.uint_value, 2n ** 64n - 1n);
  assert.equal(printTextMessage(value, 'TensorRepresentation.DefaultValue'), 'uint_value: 18446744073709551615\n');
  assert.equal(printTextMessage({ min: 2n ** 63n - 1n, max: -7 }, 'ValueCount'), 'min: 9223372036854775807\nmax: -7\n');
  assert.equal(printTextMessage({ min: -0 }, 'ValueCount'), 'min: 0\n');
  // JSON has no bigint: int64JsonReplacer writes them as protobuf's JSON does, in strings.
  assert.equal(JSON.stringify({ min: 2n ** 63n - 1n, max: 3 }, int64JsonReplacer), '{"min":"9223372036854775807","max":3}');
});

test('floats and doubles are written as Python writes them', () => {
  // double fields: Python's repr().
  const doubles: [number, string][] = [
    [1, '1.0'], [0.9999, '0.9999'], [1e16, '1e+16'], [1e15, '1000000000000000.0'], [1234567890123456, '1234567890123456.0'],
    [0.0001, '0.0001'], [0.00001, '1e-05'], [1.5e-7, '1.5e-07'], [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
    [-0, '-0.0'], [0, '0.0'], [0.1 + 0.2, '0.30000000000000004'], [100, '100.0'], [1e22, '1e+22'], [12345678901234567890, '1.2345678901234567e+19'],
    [-2.5, '-2.5'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
  ];
  for (const [x, want] of doubles) assert.equal(formatDouble(x), want, `double ${x}`);
  // float fields: rounded to 6 significant digits, or more until the 32-bit float reads back.
  const floats: [number, string][] = [
    [0.1, '0.1'], [2633.28125, '2633.2812'], [123456789, '123456790.0'], [3.14159265358979, '3.1415927'], [1e-5, '1e-05'],
    [3.4028234663852886e38, '3.4028235e+38'], [1.401298464324817e-45, '1.4013e-45'], [-2.9177291, '-2.9177291'], [100000.5, '100000.5'],
    [16777217, '16777216.0'], [0.7421683, '0.7421683'], [1e39, 'inf'],
  ];
  for (const [x, want] of floats) assert.equal(formatFloat(x), want, `float ${x}`);
  // Read back, each is the same float.
  for (const [x, text] of floats) {
    const d = parseTextMessage(`min: ${text}`, 'FloatDomain');
    assert.equal(d.min, Math.fround(x), text);
  }
});

test('map fields: written sorted by key, a later entry replaces an earlier one, any key is safe', () => {
  const s = parseSchemaText([
    'tensor_representation_group { key: "b" value { tensor_representation { key: "x" value { varlen_sparse_tensor { column_name: "old" } } } } }',
    'tensor_representation_group { key: "__proto__" value { } }',
    'tensor_representation_group { key: "é" value { } }',
    'tensor_representation_group { key: "z" value { } }',
    'tensor_representation_group { key: "b" value { tensor_representation { key: "x" value { varlen_sparse_tensor { column_name: "new" } } } } }',
  ].join('\n'));
  assert.deepEqual(Object.keys(s.tensor_representation_group), ['b', '__proto__', 'é', 'z']);
  assert.equal(Object.getPrototypeOf(s.tensor_representation_group), Object.prototype);
  assert.deepEqual(s.tensor_representation_group.b.tensor_representation.x, { varlen_sparse_tensor: { column_name: 'new' } });
  const keys = [...printSchemaText(s).matchAll(/^tensor_representation_group \{\n {2}key: "(.*)"$/gm)].map(m => m[1]);
  assert.deepEqual(keys, ['__proto__', 'b', 'z', String.raw`\303\251`]);
  assert.deepEqual(parseSchemaText(printSchemaText(s)), s);
});

test('an Any written expanded is kept as written and written back', () => {
  const text = String.raw`annotation {
  extra_metadata {
    [type.googleapis.com/my.pkg.Owner] {
      team: "data\'s"
      oncall {
        email: "a@b.c"
        level: -2
      }
      tag: "x"
      tag: "y"
    }
  }
}
`;
  const s = parseSchemaText(text);
  assert.deepEqual(s.annotation!.extra_metadata, [{
    type_url: 'type.googleapis.com/my.pkg.Owner',
    expanded: [
      { name: 'team', value: String.raw`"data\'s"` },
      { name: 'oncall', value: [{ name: 'email', value: '"a@b.c"' }, { name: 'level', value: '-2' }] },
      { name: 'tag', value: '"x"' },
      { name: 'tag', value: '"y"' },
    ],
  }]);
  assert.equal(printSchemaText(s), text);
  assert.deepEqual(parseSchemaText("annotation { extra_metadata { [type.googleapis.com/my.pkg.Owner]: < team: 'data\\'s' oncall { email: 'a@b.c' level: - 2 } tag: ['x', 'y'] > } }"), s);
});

test('writing refuses what the text format cannot hold', () => {
  const refuse = (schema: Schema, pattern: RegExp) => assert.throws(() => printSchemaText(schema), (e: unknown) => e instanceof UserError && pattern.test(e.message));
  refuse(newMessage('Schema', { feature: [newMessage('Feature', { name: 'x', int_domain: {}, domain: 'x' })] }),
    /feature\[0\]: "domain" and "int_domain" are both set, but they belong to oneof domain_info of Feature/);
  refuse(newMessage('Schema', { feature: [newMessage('Feature', { presence: { min_count: 1.5 } })] }),
    /cannot write feature\[0\]\.presence\.min_count: expected an integer/);
  refuse(newMessage('Schema', { feature: [newMessage('Feature', { value_count: { max: 2n ** 63n } })] }),
    /feature\[0\]\.value_count\.max: expected an integer from -9223372036854775808 to 9223372036854775807 \(int64\), found 9223372036854775808n/);
  refuse(newMessage('Schema', { feature: [newMessage('Feature', { type: 'INTEGER' as never })] }), /feature\[0\]\.type: expected a value of FeatureType, found "INTEGER"/);
  refuse(newMessage('Schema', { default_environment: ['\ud800'] }), /default_environment\[0\]: expected a string of Unicode text/);
});

test('loadSchema and writeSchema: files, atomic writes, and errors that name the file', t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'sub', 'schema.pbtxt');
  writeSchema(file, parseSchemaText(CENSUS));
  assert.equal(fs.readFileSync(file, 'utf8'), CENSUS);
  assert.deepEqual(loadSchema(file), parseSchemaText(CENSUS));
  assert.deepEqual(fs.readdirSync(path.dirname(file)), ['schema.pbtxt'], 'no temporary file left');

  const missing = path.join(dir, 'none.pbtxt');
  assert.throws(() => loadSchema(missing), (e: unknown) => e instanceof UserError && e.file === missing && /no such schema file/.test(e.message));
  assert.throws(() => loadSchema(dir), (e: unknown) => e instanceof UserError && e.file === dir && /folder/.test(e.message));

  const bad = path.join(dir, 'bad.pbtxt');
  fs.writeFileSync(bad, Buffer.concat([Buffer.from('feature {\n  name: "caf'), Buffer.from([0xe9]), Buffer.from('"\n}\n')]));
  assert.throws(() => loadSchema(bad), (e: unknown) => e instanceof UserError && e.file === bad && e.line === 2 && e.column === 13 && /not valid UTF-8/.test(e.message));

  const typo = path.join(dir, 'typo.pbtxt');
  fs.writeFileSync(typo, 'feature {\n  name: "a"\n  presense { min_count: 1 }\n}\n');
  assert.throws(() => loadSchema(typo), (e: unknown) => e instanceof UserError && e.describe().startsWith(`${typo}:3:3: unknown field "presense" in Feature`));
});

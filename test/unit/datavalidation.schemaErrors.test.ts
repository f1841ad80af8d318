// Schema text errors: every kind is a UserError with the file, the exact line and column
// (1-based) and what was expected; unknown fields name the field and the message they are not in.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { UserError } from '../../server/common/errors';
import { parseSchemaText } from '../../server/datavalidation/schemaText';

function expectError(text: string, line: number, column: number, message: RegExp): void {
  assert.throws(() => parseSchemaText(text, 'schema.pbtxt'), (e: unknown) => {
    assert.ok(e instanceof UserError, `not a UserError: ${e}`);
    assert.equal(e.file, 'schema.pbtxt');
    assert.deepEqual([e.line, e.column], [line, column], `${e.message} at ${e.line}:${e.column}`);
    assert.match(e.message, message);
    assert.equal(e.describe(), `schema.pbtxt:${line}:${column}: ${e.message}`);
    return true;
  });
}

test('unknown fields name the field, its message and where it is, with the closest known name', () => {
  expectError('featur {\n}\n', 1, 1, /^unknown field "featur" in Schema \(tensorflow\.metadata\.v0\.Schema\); did you mean "feature"\?$/);
  expectError('feature {\n  name: "a"\n  presence {\n    min_fracton: 1.0\n  }\n}\n', 4, 5,
    /^unknown field "min_fracton" in FeaturePresence \(tensorflow\.metadata\.v0\.FeaturePresence\) \(at feature\.presence\); did you mean "min_fraction"\?$/);
  expectError('feature { skew_comparator { l_infinity { threshold: 0.1 } } }', 1, 29,
    /^unknown field "l_infinity" in FeatureComparator .* \(at feature\.skew_comparator\); its fields are: infinity_norm, jensen_shannon_divergence, normalized_abs_difference$/);
  expectError('string_domain { name: "a" values: "x" }', 1, 27, /unknown field "values" in StringDomain .*did you mean "value"\?/);
  expectError('feature { name: "a" Type: INT }', 1, 21, /unknown field "Type" in Feature .*did you mean "type"\?/, );
  expectError('feature { [my.ext]: 1 }', 1, 11, /^extensions \("\[\.\.\.\]"\) are not part of Feature \(at feature\)$/);
});

test('syntax errors say what was expected, where', () => {
  // Missing ":" before a scalar, and a missing value.
  expectError('feature {\n  name "x"\n}', 2, 8, /^expected ":" after "name", found the string "x"$/);
  expectError('feature {\n  name: }', 2, 9, /^expected a quoted string for "name", found "}"$/);
  expectError('feature { name: x }', 1, 17, /^expected a quoted string for "name", found "x"$/);
  expectError('feature {\n  presence: 1\n}', 2, 13, /^expected "\{" or "<" to start "presence" \(a FeaturePresence message\), found "1"$/);
  // Unclosed and mismatched messages.
  expectError('feature {\n  name: "a"\n', 3, 1, /^expected "\}" to close Feature \(at feature\) opened at 1:9, found the end of the file$/);
  expectError('feature <\n  name: "a"\n}', 3, 1, /^expected ">" to close Feature \(at feature\) opened at 1:9, found "\}"$/);
  expectError('feature { }\n}', 2, 1, /^"\}" closes no message$/);
  // Fields must be names.
  expectError('feature { 12 }', 1, 11, /^expected a field name of Feature \(at feature\), found "12"$/);
  expectError('"x"', 1, 1, /^expected a field name of Schema, found the string "x"$/);
  // Lists.
  expectError('default_environment: ["A", ]', 1, 28, /^expected a quoted string for "default_environment", found "\]"$/);
  expectError('default_environment: ["A"; "B"]', 1, 26, /^expected "," or "\]" in the list of "default_environment", found ";"$/);
  expectError('feature { name: ["a"] }', 1, 17, /^"name" is not a repeated field: it takes one value, not a list$/);
  expectError('feature { presence [ { } ] }', 1, 20, /^"presence" is not a repeated field: it takes one message, not a list$/);
  // Characters that start no token.
  expectError('feature {\n\tname: "a" @\n}', 2, 12, /^unexpected character "@"$/);
  expectError('feature { name: "é" } %', 1, 23, /^unexpected character "%"$/);
  expectError('feature { name: "😀" } $', 1, 24, /^unexpected character "\$"$/, );
});

test('strings: unterminated, bad escapes, not UTF-8', () => {
  expectError('feature {\n  name: "abc\n}', 2, 9, /^unterminated string: missing closing " before the end of the line$/);
  expectError("feature { name: 'abc", 1, 17, /^unterminated string: missing closing ' before the end of the file$/);
  expectError('feature { name: "a\\', 1, 19, /^unterminated string: a backslash ends the line$/);
  expectError('feature { name: "ab\\qc" }', 1, 20, /^unknown escape sequence \\q$/);
  expectError('feature { name: "\\xZZ" }', 1, 18, /^\\x must be followed by one or two hex digits$/);
  expectError('feature { name: "ok\\400" }', 1, 20, /^octal escape \\400 is more than one byte \(\\377 at most\)$/);
  expectError('feature { name: "\\u12" }', 1, 18, /^\\u must be followed by 4 hex digits$/);
  expectError('feature { name: "\\U0001F60" }', 1, 18, /^\\U must be followed by 8 hex digits$/);
  expectError('feature { name: "\\ud800x" }', 1, 18, /^\\ud800 is the first half of a surrogate pair without its second half$/);
  expectError('feature { name: "\\udc00" }', 1, 18, /^\\udc00 is not a Unicode character$/);
  expectError('feature { name: "\\U00110000" }', 1, 18, /^\\U00110000 is not a Unicode character$/);
  expectError('feature { name: "ok" "\\377" }', 1, 17, /^the string for "name" is not valid UTF-8 \(a string field must be\)$/);
});

test('numbers, booleans and enums that do not fit their field', () => {
  expectError('feature { presence { min_count: 1.5 } }', 1, 33, /^expected an integer for "min_count" \(int64\), found "1\.5"$/);
  expectError('feature { presence { min_count: 1e3 } }', 1, 33, /^expected an integer for "min_count" \(int64\), found "1e3"$/);
  expectError('feature { presence { min_count: 12abc } }', 1, 33, /^expected an integer for "min_count" \(int64\), found "12abc"$/);
  expectError('feature { presence { min_count: 08 } }', 1, 33, /^expected an integer for "min_count" \(int64\), found "08"$/);
  expectError('feature { presence { min_count: "1" } }', 1, 33, /^expected an integer for "min_count" \(int64\), found the string "1"$/);
  expectError('feature { presence { min_count: - } }', 1, 35, /^expected an integer for "min_count" \(int64\), found "\}"$/);
  expectError('feature {\n  int_domain { min: 9223372036854775808 }\n}', 2, 21,
    /^9223372036854775808 is out of range for "min" \(int64: -9223372036854775808 to 9223372036854775807\)$/);
  expectError('feature { int_domain { max: -9223372036854775809 } }', 1, 29, /^-9223372036854775809 is out of range for "max" \(int64/);
  expectError('tensor_representation_group { value { tensor_representation { value { dense_tensor { default_value { uint_value: -1 } } } } } }', 1, 114,
    /^-1 is out of range for "uint_value" \(uint64: 0 to 18446744073709551615\)$/);
  expectError('feature { presence { min_fraction: 0x10 } }', 1, 36, /^expected a number for "min_fraction" \(double\), found "0x10"$/);
  expectError('feature { presence { min_fraction: 1.2.3 } }', 1, 36, /^expected a number for "min_fraction" \(double\), found "1\.2\.3"$/);
  expectError('feature { presence { min_fraction: infinite } }', 1, 36, /^expected a number for "min_fraction" \(double\), found "infinite"$/);
  expectError('feature { float_domain { min: 1e } }', 1, 31, /^expected a number for "min" \(float\), found "1e"$/);
  expectError('feature { deprecated: yes }', 1, 23, /^expected true or false for "deprecated", found "yes"$/);
  expectError('feature { deprecated: 2 }', 1, 23, /^expected true or false for "deprecated", found "2"$/);
  expectError('feature { type: INTEGER }', 1, 17, /^"INTEGER" is not a value of FeatureType for "type"; its values are: TYPE_UNKNOWN, BYTES, INT, FLOAT, STRUCT$/);
  expectError('feature { type: 7 }', 1, 17, /^7 is not a value of FeatureType for "type"; its values are: TYPE_UNKNOWN = 0, BYTES = 1, INT = 2, FLOAT = 3, STRUCT = 4$/);
  expectError('feature { lifecycle_stage: 8 }', 1, 28, /^8 is not a value of LifecycleStage/);
  expectError('feature { type: "INT" }', 1, 17, /^expected a value of FeatureType for "type" \(TYPE_UNKNOWN, BYTES, INT, FLOAT, STRUCT\), found the string "INT"$/);
});

test('a field given twice, and two members of a oneof, are errors as in protobuf', () => {
  expectError('feature {\n  name: "a"\n  type: INT\n  name: "b"\n}', 4, 3,
    /^"name" is given twice in Feature \(at feature\) \(first at 2:3\); it is not a repeated field$/);
  expectError('feature { presence { min_count: 1 } presence { } }', 1, 37, /^"presence" is given twice in Feature/);
  expectError('feature {\n  name: "a"\n  int_domain { min: 1 }\n  domain: "a"\n}', 4, 3,
    /^"domain" and "int_domain" \(at 3:3\) are both given in Feature \(at feature\), but they belong to oneof domain_info: one at most may be set$/);
  expectError('feature { shape { } value_count { } }', 1, 21, /^"value_count" and "shape" \(at 1:11\) are both given in Feature .*oneof shape_type/);
  expectError('feature { presence { } group_presence { } }', 1, 24, /oneof presence_constraints/);
  // Repeated fields may be given any number of times, in any spelling; adjacent strings are one.
  assert.deepEqual(parseSchemaText('default_environment: ["A" "B"]').default_environment, ['AB']);
  assert.deepEqual(parseSchemaText('default_environment: "A" default_environment: ["B", "C"] default_environment: "D"').default_environment, ['A', 'B', 'C', 'D']);
});

test('an Any expanded: a type URL, one message, nothing else', () => {
  expectError('annotation { extra_metadata { [my.Type] { } } }', 1, 31, /^expected a type URL such as \[type\.googleapis\.com\/package\.Message\], found \[my\.Type\]$/);
  expectError('annotation { extra_metadata { type_url: "x/y" [a.com/b.C] { } } }', 1, 47, /^an Any written as "\[type\] \{ \.\.\. \}" cannot also have "type_url"$/);
  expectError('annotation { extra_metadata { [a.com/b.C] { } value: "" } }', 1, 47, /^an Any written as "\[type\] \{ \.\.\. \}" cannot also have "value"$/);
  expectError('annotation { extra_metadata { [a.com/b.C] { x: 1 } [a.com/b.C] { } } }', 1, 52, /^an Any holds one message/);
  expectError('annotation { extra_metadata { [a.com/b.C] { x 1 } } }', 1, 47, /^expected ":" after "x", found "1"$/);
  expectError('annotation { extra_metadata { [a.com/b.C] { x: { } ', 1, 52, /^expected "\}" to close the message opened at 1:43 \(at annotation\.extra_metadata\), found the end of the file$/);
});

test('columns count UTF-16 code units; a byte order mark is not a column; CRLF lines count once', () => {
  expectError('\ufefffeature { nam: "a" }', 1, 11, /unknown field "nam"/);
  expectError('feature {\r\n  name: "a"\r\n  nam: "b"\r\n}\r\n', 3, 3, /unknown field "nam"/);
  expectError('feature { name: "😀😀" nam: "b" }', 1, 24, /unknown field "nam"/);
});

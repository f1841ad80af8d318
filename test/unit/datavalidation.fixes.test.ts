// Quick fixes of CSV diagnostics: each fix's edits, applied to the schema's text, give a text
// that reads as a schema in which the problem is gone (checkValue for a value, the CSV's
// diagnostics — validateStatistics — for a column), with the user's comments and layout kept.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { diagnoseCsvText, type CsvDiagnostic, type CsvDiagnosticsOptions } from '../../server/datavalidation/csvDiagnostics';
import {
  applyEdits, inferSchemaFromText, newSchemaText, relaxedMass, schemaFixesFor, type SchemaFix,
} from '../../server/datavalidation/schemaFixes';
import { outlineText, parseSchemaText } from '../../server/datavalidation/schemaText';
import { checkValue } from '../../server/datavalidation/validate';

async function diagnose(csv: string, schemaText: string, options: CsvDiagnosticsOptions = {}): Promise<CsvDiagnostic[]> {
  return (await diagnoseCsvText(csv, parseSchemaText(schemaText), options)).diagnostics;
}

/** The fixes of the first diagnostic with `code` on `line` of the CSV's diagnostics. */
async function fixesOf(csv: string, schemaText: string, code: string, line: number, options: CsvDiagnosticsOptions = {}): Promise<SchemaFix[]> {
  const d = (await diagnose(csv, schemaText, options)).find(x => x.code === code && x.range.start.line === line);
  assert.ok(d, `a ${code} diagnostic on line ${line}`);
  return schemaFixesFor(schemaText, d, { inferred: () => inferSchemaFromText(csv) });
}

function apply(schemaText: string, fix: SchemaFix): string {
  assert.ok(fix.edits, fix.title);
  return applyEdits(schemaText, fix.edits);
}

const feature = (schemaText: string, name: string) => {
  const schema = parseSchemaText(schemaText);
  return { schema, feature: schema.feature.find(f => f.name === name)! };
};

const COMMENTED = `# Schema of the colours table.
feature {
  name: "color"  # the paint
  type: BYTES
  domain: "colors"
}
feature {
  name: "age"
  type: INT
  int_domain {
    min: 0
    max: 120  # nobody is older
  }
}
feature {
  name: "score"
  type: FLOAT
  float_domain { min: 0.0 max: 1.0 }
}
string_domain {
  name: "colors"
  value: "red"
  value: "green"  # the last one
}
# The end.
`;

test('a value outside a schema-level string domain: one value line after the last, comments kept', async () => {
  const fixes = await fixesOf('color,age,score\nblue,30,0.5\n', COMMENTED, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 1);
  assert.deepEqual(fixes.map(f => f.title), [`Add 'blue' to the domain of color (string_domain "colors")`]);
  assert.equal(fixes[0].preferred, true);
  const after = apply(COMMENTED, fixes[0]);
  assert.equal(after, COMMENTED.replace('  value: "green"  # the last one\n', '  value: "green"  # the last one\n  value: "blue"\n'));
  const { schema, feature: color } = feature(after, 'color');
  assert.equal(checkValue(color, schema, 'blue'), undefined);
  assert.deepEqual(await diagnose('color,age,score\nblue,30,0.5\n', after), []);
});

test('an inline string_domain written on one line, and one written as a list', async () => {
  const oneLine = 'feature { name: "c" type: BYTES string_domain { value: "a" value: "b" } }\n';
  const [fix] = await fixesOf('c\na\nno "quote"\n', oneLine, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 2);
  assert.equal(fix.title, `Add 'no "quote"' to the domain of c`);
  const after = apply(oneLine, fix);
  assert.equal(after, 'feature { name: "c" type: BYTES string_domain { value: "a" value: "b" value: "no \\"quote\\"" } }\n');
  const { schema, feature: c } = feature(after, 'c');
  assert.equal(checkValue(c, schema, 'no "quote"'), undefined);

  const list = 'feature {\n  name: "c"\n  type: BYTES\n  string_domain {\n    value: ["a", "b"]\n  }\n}\n';
  const [fix2] = await fixesOf('c\nzé\n', list, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 1);
  const after2 = apply(list, fix2);
  assert.equal(after2, list.replace('["a", "b"]', '["a", "b", "z\\303\\251"]'));
  assert.deepEqual(parseSchemaText(after2).feature[0].string_domain!.value, ['a', 'b', 'zé']);

  // A domain with no value yet, written over lines: the value goes on a line of its own.
  const empty = 'feature {\n  name: "c"\n  type: BYTES\n  string_domain {\n    name: "d"\n  }\n}\n';
  const [fix3] = await fixesOf('c\nx\n', empty, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 1);
  assert.equal(apply(empty, fix3), empty.replace('    name: "d"\n', '    name: "d"\n    value: "x"\n'));
});

test('int and float domains are widened to the value: min or max replaced where written', async () => {
  const csv = 'color,age,score\nred,150,0.5\nred,-3,1.5\nred,30,-0.25\n';
  const big = await fixesOf(csv, COMMENTED, 'INT_TYPE_BIG_INT', 1);
  assert.deepEqual(big.map(f => f.title), ['Widen the int domain of age to include 150']);
  const afterBig = apply(COMMENTED, big[0]);
  assert.equal(afterBig, COMMENTED.replace('max: 120  # nobody', 'max: 150  # nobody'));
  assert.equal(checkValue(feature(afterBig, 'age').feature, parseSchemaText(afterBig), '150'), undefined);

  const small = await fixesOf(csv, COMMENTED, 'INT_TYPE_SMALL_INT', 2);
  assert.equal(apply(COMMENTED, small[0]), COMMENTED.replace('min: 0\n', 'min: -3\n'));

  const bigF = await fixesOf(csv, COMMENTED, 'FLOAT_TYPE_BIG_FLOAT', 2);
  assert.deepEqual(bigF.map(f => f.title), ['Widen the float domain of score to include 1.5']);
  assert.equal(apply(COMMENTED, bigF[0]), COMMENTED.replace('max: 1.0 }', 'max: 1.5 }'));
  const smallF = await fixesOf(csv, COMMENTED, 'FLOAT_TYPE_SMALL_FLOAT', 3);
  const afterSmallF = apply(COMMENTED, smallF[0]);
  assert.equal(afterSmallF, COMMENTED.replace('min: 0.0 max', 'min: -0.25 max'));
  assert.equal(checkValue(feature(afterSmallF, 'score').feature, parseSchemaText(afterSmallF), '-0.25'), undefined);

  // After all three, the file validates.
  let all = COMMENTED;
  for (const [code, line] of [['INT_TYPE_BIG_INT', 1], ['INT_TYPE_SMALL_INT', 2], ['FLOAT_TYPE_BIG_FLOAT', 2], ['FLOAT_TYPE_SMALL_FLOAT', 3]] as const) {
    all = apply(all, (await fixesOf(csv, all, code, line))[0]);
  }
  assert.deepEqual(await diagnose(csv, all), []);
});

test('a fix for a problem the schema no longer has is not offered', async () => {
  const d = (await diagnose('color\nblue\n', COMMENTED)).find(x => x.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && x.range.start.line === 1)!;
  const fixed = COMMENTED.replace('value: "red"', 'value: "red" value: "blue"');
  assert.deepEqual(await schemaFixesFor(fixed, d), []);
  // Nor for data that is not ours, nor for a schema that does not read.
  assert.deepEqual(await schemaFixesFor(COMMENTED, { code: 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', data: 'x' }), []);
  assert.deepEqual(await schemaFixesFor('feature {', d), []);
});

test('min_domain_mass of a column is relaxed to its observed in-domain mass, rounded down', async () => {
  const schemaText = 'feature {\n  name: "color"\n  type: BYTES\n  domain: "colors"\n  # how much must be in the domain\n  distribution_constraints {\n    min_domain_mass: 0.9\n  }\n}\nstring_domain {\n  name: "colors"\n  value: "red"\n}\n';
  const csv = 'color\nred\nred\nblue\n';
  const header = (await diagnose(csv, schemaText)).find(d => d.range.start.line === 0)!;
  assert.equal(header.code, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES');
  assert.ok(Math.abs(header.data!.inDomainMass! - 2 / 3) < 1e-12);
  const fixes = await fixesOf(csv, schemaText, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 0);
  assert.deepEqual(fixes.map(f => f.title), ['Relax min_domain_mass of color to 0.66']);
  const after = apply(schemaText, fixes[0]);
  assert.equal(after, schemaText.replace('0.9', '0.66'));
  // No column anomaly any more; the cell is a warning (within the tolerance).
  assert.deepEqual((await diagnose(csv, after)).map(d => [d.range.start.line, d.code, d.severity]), [[3, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'WARNING']]);

  // Without distribution_constraints: the block is added, after the feature's last field.
  const bare = 'feature { name: "color" type: BYTES domain: "colors" }\nstring_domain { name: "colors" value: "red" }\n';
  const [fix] = await fixesOf(csv, bare, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 0);
  const afterBare = apply(bare, fix);
  assert.equal(afterBare, bare.replace('domain: "colors" }', 'domain: "colors" distribution_constraints { min_domain_mass: 0.66 } }'));
  assert.ok(!(await diagnose(csv, afterBare)).some(d => d.range.start.line === 0));

  const multi = 'feature {\n  name: "color"\n  type: BYTES\n  domain: "colors"\n}\nstring_domain { name: "colors" value: "red" }\n';
  const [fix2] = await fixesOf('color\nred\nblue\n', multi, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 0);
  assert.equal(apply(multi, fix2), multi.replace('  domain: "colors"\n', '  domain: "colors"\n  distribution_constraints {\n    min_domain_mass: 0.5\n  }\n'));

  assert.equal(relaxedMass(0.57), 0.57);
  assert.equal(relaxedMass(2 / 3), 0.66);
  assert.equal(relaxedMass(0.999), 0.99);
  assert.equal(relaxedMass(0.004), 0);
});

test('a missing column, or a required value missing, in an environment: not_in_environment', async () => {
  const schemaText = `default_environment: "TRAINING"
default_environment: "SERVING"
feature {
  name: "id"
  type: INT
}
feature {
  name: "label"
  type: INT
  presence { min_fraction: 1.0 }  # always labelled
}
`;
  const csv = 'id\n1\n';
  const fixes = await fixesOf(csv, schemaText, 'SCHEMA_MISSING_COLUMN', 0, { environment: 'SERVING' });
  assert.deepEqual(fixes.map(f => f.title), ['Mark label as not in environment SERVING']);
  const after = apply(schemaText, fixes[0]);
  assert.equal(after, schemaText.replace('# always labelled\n', '# always labelled\n  not_in_environment: "SERVING"\n'));
  assert.deepEqual(await diagnose(csv, after, { environment: 'SERVING' }), []);
  // Without an environment, nothing to offer.
  assert.deepEqual(await fixesOf(csv, schemaText, 'SCHEMA_MISSING_COLUMN', 0), []);

  const cell = await fixesOf('id,label\n1,\n', schemaText, 'FEATURE_TYPE_LOW_FRACTION_PRESENT', 1, { environment: 'TRAINING' });
  assert.deepEqual(cell.map(f => f.title), ['Mark label as not in environment TRAINING']);
  // in_environment wins: not offered.
  const pinned = schemaText.replace('presence', 'in_environment: "SERVING" presence');
  assert.deepEqual(await fixesOf(csv, pinned, 'SCHEMA_MISSING_COLUMN', 0, { environment: 'SERVING' }), []);
});

test('a new column is added as inferred, with its string domain (renamed if the name is taken)', async () => {
  const schemaText = '# ids\nfeature {\n  name: "id"\n  type: INT\n}\nstring_domain {\n  name: "kind"\n  value: "x"\n}\n';
  const csv = 'id,kind,weight\n1,a,0.5\n2,b,1.5\n3,a,2\n';
  const fixes = await fixesOf(csv, schemaText, 'SCHEMA_NEW_COLUMN', 0);
  assert.deepEqual(fixes.map(f => f.title), ['Add column kind to the schema (inferred)']);
  const after = apply(schemaText, fixes[0]);
  assert.ok(after.startsWith('# ids\nfeature {\n  name: "id"\n  type: INT\n}\nfeature {\n  name: "kind"\n  type: BYTES\n  domain: "kind_2"\n'), after);
  assert.ok(after.endsWith('string_domain {\n  name: "kind"\n  value: "x"\n}\nstring_domain {\n  name: "kind_2"\n  value: "a"\n  value: "b"\n}\n'), after);
  const weight = await fixesOf(csv, after, 'SCHEMA_NEW_COLUMN', 0);
  assert.deepEqual(weight.map(f => f.title), ['Add column weight to the schema (inferred)']);
  const all = apply(after, weight[0]);
  assert.deepEqual(await diagnose(csv, all), []);
  assert.deepEqual(parseSchemaText(all).feature.map(f => [f.name, f.type]), [['id', 'INT'], ['kind', 'BYTES'], ['weight', 'FLOAT']]);
});

test('a schema inferred from a CSV text validates that text', async () => {
  const csv = 'id,color,score\n1,red,0.5\n2,green,\n3,red,1\n';
  const text = newSchemaText(await inferSchemaFromText(csv));
  assert.match(text, /^feature \{\n  name: "id"\n  type: INT\n/);
  assert.deepEqual(await diagnose(csv, text), []);
  const tsv = await inferSchemaFromText('a\tb\n1\tx\n', { delimiter: '\t' });
  assert.deepEqual(tsv.feature.map(f => [f.name, f.type]), [['a', 'INT'], ['b', 'BYTES']]);
});

test('outlineText: positions of fields, values, braces and lists (a byte order mark not counted)', () => {
  const nodes = outlineText('\ufeffa: "x" "y"  # c\nm < n: -1, l: [1, 2] >\n');
  assert.deepEqual(nodes.map(n => [n.name, n.value, n.start, n.end]), [
    ['a', 'xy', { line: 0, character: 0 }, { line: 0, character: 10 }],
    ['m', undefined, { line: 1, character: 0 }, { line: 1, character: 22 }],
  ]);
  const m = nodes[1];
  assert.deepEqual([m.open, m.close], [{ line: 1, character: 2 }, { line: 1, character: 21 }]);
  assert.deepEqual(m.fields!.map(f => [f.name, f.value, f.valueStart, f.valueEnd]), [
    ['n', '-1', { line: 1, character: 7 }, { line: 1, character: 9 }],
    ['l', undefined, undefined, undefined],
  ]);
  assert.deepEqual(m.fields![1].items!.map(i => i.value), ['1', '2']);
  assert.deepEqual(m.fields![1].listClose, { line: 1, character: 19 });
});

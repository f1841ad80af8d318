// Inline diagnostics of CSV text: the exact range (0-based line, UTF-16 columns) of each kind of
// per-value problem, header anomalies, the cap, and cancellation. Expected ranges are counted
// by hand from the test texts.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { CancelledError } from '../../server/common/errors';
import { diagnoseCsvText, type CsvDiagnostic, type CsvDiagnosticsOptions } from '../../server/datavalidation/csvDiagnostics';
import { parseSchemaText } from '../../server/datavalidation/schemaText';

const SCHEMA = parseSchemaText(`
  feature { name: "id" type: INT presence { min_fraction: 1.0 } }
  feature { name: "age" type: INT int_domain { min: 0 max: 120 } }
  feature { name: "score" type: FLOAT float_domain { min: 0.0 max: 1.0 } }
  feature { name: "color" type: BYTES domain: "colors" }
  string_domain { name: "colors" value: "red" value: "green" value: "blue" }
`);

/** [line, startChar, endChar] on one line, and the code. */
type Cell = [number, number, number, string];

async function diagnose(text: string, options: CsvDiagnosticsOptions = {}): Promise<CsvDiagnostic[]> {
  return (await diagnoseCsvText(text, SCHEMA, options)).diagnostics;
}

function cells(ds: CsvDiagnostic[]): Cell[] {
  return ds.filter(d => d.range.start.line > 0 || d.range.end.line > 0)
    .map(d => {
      assert.equal(d.range.start.line, d.range.end.line, `one-line range for ${d.message}`);
      return [d.range.start.line, d.range.start.character, d.range.end.character, d.code] as Cell;
    });
}

test('each kind of per-value problem on its exact cell', async () => {
  const text = [
    'id,age,score,color', //  header
    '1,30,0.5,red', //        fine
    '2,150,0.5,red', //       age above max: cols 2-5
    '3,abc,0.5,red', //       age not an INT: cols 2-5
    '4,30,1.5,red', //        score above max: cols 5-8
    '5,30,0.5,purple', //     color not in domain: cols 9-15
    ',30,0.5,red', //         id missing: empty cell at 0
    '7,30,0.5', //            ragged: whole row 0-8
    '',
  ].join('\n');
  const ds = await diagnose(text);
  assert.deepEqual(cells(ds), [
    [2, 2, 5, 'INT_TYPE_BIG_INT'],
    [3, 2, 5, 'UNEXPECTED_DATA_TYPE'],
    [4, 5, 8, 'FLOAT_TYPE_BIG_FLOAT'],
    [5, 9, 15, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'],
    [6, 0, 0, 'FEATURE_TYPE_LOW_FRACTION_PRESENT'],
    [7, 0, 8, 'RAGGED_ROW'],
  ]);
  const big = ds.find(d => d.code === 'INT_TYPE_BIG_INT')!;
  assert.match(big.message, /"age".*150.*max 120/);
  const color = ds.find(d => d.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && d.range.start.line === 5)!;
  assert.match(color.message, /"color".*"purple".*Allowed: "red", "green", "blue"/);
  assert.ok(ds.every(d => d.severity === 'ERROR'), JSON.stringify(ds.map(d => [d.code, d.severity])));
});

test('column anomalies go on the header cell, missing columns on the header line', async () => {
  const schema = parseSchemaText(`
    feature { name: "a" type: INT presence { min_fraction: 1.0 } }
    feature { name: "gone" type: INT presence { min_count: 1 } }
    feature { name: "c" type: BYTES domain: "abc" }
    string_domain { name: "abc" value: "x" }
  `);
  const text = 'a,new,c\n1,z,x\n,z,y\n';
  const ds = (await diagnoseCsvText(text, schema)).diagnostics;
  const header = ds.filter(d => d.range.start.line === 0).map(d => [d.range.start.character, d.range.end.character, d.code]);
  assert.deepEqual(header.sort(), [
    [0, 1, 'FEATURE_TYPE_LOW_FRACTION_PRESENT'],
    [0, 7, 'SCHEMA_MISSING_COLUMN'],
    [2, 5, 'SCHEMA_NEW_COLUMN'],
    [6, 7, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'],
  ].sort());
  assert.match(ds.find(d => d.code === 'SCHEMA_MISSING_COLUMN')!.message, /Column "gone"/);
  assert.deepEqual(cells(ds), [[2, 0, 0, 'FEATURE_TYPE_LOW_FRACTION_PRESENT'], [2, 3, 4, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES']]);
});

test('quoted fields with commas: the range covers the quotes', async () => {
  const text = 'id,age,score,color\n1,30,0.5,"red, or not"\n"2",30,0.5,"blue"\n';
  assert.deepEqual(cells(await diagnose(text)), [[1, 9, 22, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES']]);
});

test('CRLF line endings', async () => {
  const text = 'id,age,score,color\r\n1,30,0.5,red\r\n2,-1,0.5,red\r\n3,30\r\n';
  assert.deepEqual(cells(await diagnose(text)), [[2, 2, 4, 'INT_TYPE_SMALL_INT'], [3, 0, 4, 'RAGGED_ROW']]);
});

test('a multi-line quoted field moves the lines of later rows and cells', async () => {
  const text = 'id,color,age\n1,"line one\nline two",30\n2,red,999\n3,"a\r\nb",x\n';
  const schema = parseSchemaText('feature { name: "id" type: INT } feature { name: "color" type: BYTES } feature { name: "age" type: INT int_domain { max: 120 } }');
  const ds = (await diagnoseCsvText(text, schema)).diagnostics.filter(d => d.range.start.line > 0);
  const ranges = ds.map(d => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code]);
  assert.deepEqual(ranges, [
    [3, 6, 3, 9, 'INT_TYPE_BIG_INT'],
    [5, 3, 5, 4, 'UNEXPECTED_DATA_TYPE'],
  ]);
  // A multi-line cell itself: its range spans the lines.
  const multi = (await diagnoseCsvText('id,color\n1,"pur\nple"\n', SCHEMA)).diagnostics.filter(d => d.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && d.range.start.line > 0);
  assert.deepEqual(multi.map(d => d.range), [{ start: { line: 1, character: 2 }, end: { line: 2, character: 4 } }]);
});

test('non-ASCII text before the cell: columns in UTF-16 code units', async () => {
  // "é" is one UTF-16 unit (2 UTF-8 bytes), "😀" two units (4 bytes), "日本" two units (6 bytes).
  const schema = parseSchemaText('feature { name: "name" type: BYTES } feature { name: "age" type: INT int_domain { max: 120 } }');
  const text = 'name,age\nété,121\n😀,122\n"日本, x",123\n';
  const ds = (await diagnoseCsvText(text, schema)).diagnostics;
  assert.deepEqual(cells(ds), [[1, 4, 7, 'INT_TYPE_BIG_INT'], [2, 3, 6, 'INT_TYPE_BIG_INT'], [3, 8, 11, 'INT_TYPE_BIG_INT']]);
  assert.equal(text.split('\n')[3].slice(8, 11), '123');
});

test('a byte order mark is one column on the header line', async () => {
  const ds = await diagnose('\ufeffid,extra\n1,2\n');
  const extra = ds.find(d => d.code === 'SCHEMA_NEW_COLUMN')!;
  assert.deepEqual(extra.range, { start: { line: 0, character: 4 }, end: { line: 0, character: 9 } });
});

test('TSV with a tab delimiter', async () => {
  assert.deepEqual(cells(await diagnose('id\tage\tscore\tcolor\n1\t200\t0.5\tred\n', { delimiter: '\t' })), [[1, 2, 5, 'INT_TYPE_BIG_INT']]);
});

test('the cap: the first N cells and one summary on the header', async () => {
  const rows = Array.from({ length: 50 }, (_, i) => `${i},999,0.5,red`);
  const r = await diagnoseCsvText(['id,age,score,color', ...rows].join('\n'), SCHEMA, { maxProblems: 10, batchRows: 7 });
  assert.equal(r.cellProblems, 50);
  assert.equal(cells(r.diagnostics).length, 10);
  assert.deepEqual(cells(r.diagnostics)[9], [10, 2, 5, 'INT_TYPE_BIG_INT']);
  const summary = r.diagnostics.filter(d => d.code === 'TOO_MANY_PROBLEMS');
  assert.equal(summary.length, 1);
  assert.equal(summary[0].range.start.line, 0);
  assert.match(summary[0].message, /and 40 more problems/);
});

test('an unterminated quote is reported where it opens; rows before it are checked', async () => {
  const ds = await diagnose('id,age,score,color\n1,500,0.5,red\n2,30,0.5,"red\n3,30,0.5,red\n');
  assert.deepEqual(cells(ds), [[1, 2, 5, 'INT_TYPE_BIG_INT'], [2, 9, 10, 'UNTERMINATED_QUOTE']]);
});

test('a repeated column name is one header diagnostic', async () => {
  const ds = await diagnose('id,age,id\n1,2,3\n');
  assert.deepEqual(ds.map(d => [d.code, d.range.start.character]), [['INVALID_HEADER', 7]]);
});

test('environment: features not in it are not checked per value', async () => {
  const schema = parseSchemaText(`
    default_environment: "TRAINING" default_environment: "SERVING"
    feature { name: "x" type: INT }
    feature { name: "label" type: INT int_domain { max: 1 } not_in_environment: "SERVING" }`);
  const text = 'x,label\n1,5\n';
  assert.deepEqual(cells((await diagnoseCsvText(text, schema, { environment: 'TRAINING' })).diagnostics), [[1, 2, 3, 'INT_TYPE_BIG_INT']]);
  assert.deepEqual(cells((await diagnoseCsvText(text, schema, { environment: 'SERVING' })).diagnostics), []);
});

test('an aborted signal stops the scan between batches', async () => {
  const rows = Array.from({ length: 1000 }, (_, i) => `${i},30,0.5,red`);
  const abort = new AbortController();
  let pauses = 0;
  const run = diagnoseCsvText(['id,age,score,color', ...rows].join('\n'), SCHEMA, {
    batchRows: 100, signal: abort.signal,
    pause: async () => {
      if (++pauses === 2) abort.abort();
    },
  });
  await assert.rejects(run, CancelledError);
  assert.equal(pauses, 2);
});

test('values outside a string domain within min_domain_mass are warnings', async () => {
  const schema = parseSchemaText(`
    feature { name: "c" type: BYTES domain: "abc" distribution_constraints { min_domain_mass: 0.5 } }
    string_domain { name: "abc" value: "x" }`);
  const within = (await diagnoseCsvText('c\nx\nx\nx\ny\n', schema)).diagnostics;
  assert.deepEqual(within.map(d => [d.range.start.line, d.code, d.severity]), [[4, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'WARNING']]);
  const beyond = (await diagnoseCsvText('c\nx\ny\ny\n', schema)).diagnostics;
  assert.deepEqual(beyond.map(d => [d.range.start.line, d.code, d.severity]), [
    [0, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'ERROR'], [2, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'ERROR'], [3, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'ERROR'],
  ]);
});

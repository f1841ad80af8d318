// The streaming CSV reader: RFC 4180 (quoted delimiters and line breaks, doubled quotes, CRLF,
// a BOM, empty fields), custom delimiters, line and column of each field, and bad input
// reported with its position. Expected records are written out by hand.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { computeStatistics } from '../../server/datavalidation/computeStatistics';
import { readCsv, type CsvRecord, type ReadCsvOptions } from '../../server/datavalidation/csvReader';
import { CsvTokenizer, Stop } from '../../server/datavalidation/csvTokenizer';
import { isRoot, tempDir, write } from './helpers';

async function readAll(file: string, options?: ReadCsvOptions): Promise<CsvRecord[]> {
  const out: CsvRecord[] = [];
  for await (const r of readCsv(file, options)) out.push(r);
  return out;
}

/** [line, fields] of each record. */
const lineAndFields = (rs: CsvRecord[]) => rs.map(r => [r.line, r.fields]);

function isUserError(message: RegExp, line?: number, column?: number) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.match(e.message, message);
    if (line !== undefined) assert.equal(e.line, line, 'line');
    if (column !== undefined) assert.equal(e.column, column, 'column');
    return true;
  };
}

test('quoted delimiters, quoted line breaks, doubled quotes and empty fields', async t => {
  const file = write(tempDir(t), 'a.csv', 'name,note,n\n"Smith, J","said ""hi""",1\nplain,"two\nlines",\n,"",3\n');
  const rs = await readAll(file);
  assert.deepEqual(lineAndFields(rs), [
    [1, ['name', 'note', 'n']],
    [2, ['Smith, J', 'said "hi"', '1']],
    [3, ['plain', 'two\nlines', '']],
    [5, ['', '', '3']],
  ]);
  assert.deepEqual(rs.map(r => r.index), [0, 1, 2, 3]);
  // The third field of the multi-line record starts on line 4, after `lines",`.
  assert.deepEqual(rs[2].fieldLines, [3, 3, 4]);
  assert.deepEqual(rs[2].fieldColumns, [1, 7, 8]);
  assert.deepEqual(rs[1].fieldColumns, [1, 12, 26]);
  assert.deepEqual(rs[3].offset, Buffer.byteLength('name,note,n\n"Smith, J","said ""hi""",1\nplain,"two\nlines",\n'));
  assert.ok(rs.every(r => r.problems.length === 0));
});

test('CRLF and lone CR line ends, a BOM, no final line break', async t => {
  const dir = tempDir(t);
  const crlf = await readAll(write(dir, 'crlf.csv', '\uFEFFa,b\r\n1,"x\r\ny"\r\n3,4'));
  assert.deepEqual(lineAndFields(crlf), [[1, ['a', 'b']], [2, ['1', 'x\r\ny']], [4, ['3', '4']]]);
  // The BOM is not part of the first name, nor a column.
  assert.deepEqual(crlf[0].fieldColumns, [1, 3]);
  assert.equal(crlf[1].offset, 3 + 5);
  const cr = await readAll(write(dir, 'cr.csv', 'a,b\r1,2\r3,4\r'));
  assert.deepEqual(lineAndFields(cr), [[1, ['a', 'b']], [2, ['1', '2']], [3, ['3', '4']]]);
  const trailing = await readAll(write(dir, 'trailing.csv', 'a,b\n1,\n'));
  assert.deepEqual(lineAndFields(trailing), [[1, ['a', 'b']], [2, ['1', '']]]);
});

test('custom delimiters: tab and semicolon; a comma is then plain text', async t => {
  const dir = tempDir(t);
  const tsv = await readAll(write(dir, 'a.tsv', 'a\tb\n1,5\t"x\ty"\n'), { delimiter: '\t' });
  assert.deepEqual(lineAndFields(tsv), [[1, ['a', 'b']], [2, ['1,5', 'x\ty']]]);
  const semi = await readAll(write(dir, 'a.csv', 'a;b\n"1;2";3\n'), { delimiter: ';' });
  assert.deepEqual(lineAndFields(semi), [[1, ['a', 'b']], [2, ['1;2', '3']]]);
  for (const bad of ['', ';;', '"', '\n', 'é']) {
    await assert.rejects(readAll(path.join(dir, 'a.csv'), { delimiter: bad }), isUserError(/delimiter/));
  }
});

test('blank lines are skipped, and still counted in line numbers', async t => {
  const rs = await readAll(write(tempDir(t), 'a.csv', '\na\n\n1\n\r\n\n2\n\n'));
  assert.deepEqual(lineAndFields(rs), [[2, ['a']], [4, ['1']], [7, ['2']]]);
});

test('columns count UTF-16 code units, as editors do', async t => {
  const rs = await readAll(write(tempDir(t), 'a.csv', 'a,b,c\nété,😀,x\n'));
  assert.deepEqual(rs[1].fields, ['été', '😀', 'x']);
  assert.deepEqual(rs[1].fieldColumns, [1, 5, 8]);
});

test('the tokenizer gives the same records wherever the input is cut between two reads', () => {
  const input = Buffer.from('h1,h2,h3\r\n"a""b",,"c\r\nd"\r"x"y,"",z\n\n"q"\r\n1,2,"3"', 'utf8');
  const run = (cut: number) => {
    const tok = new CsvTokenizer(0x2c, 1);
    const out: [number, string[]][] = [];
    const onRecord = () => out.push([tok.recordLine, Array.from({ length: tok.fieldCount }, (_, i) => tok.fieldText(i))]);
    let carry = Buffer.alloc(0);
    for (const [piece, isLast] of [[input.subarray(0, cut), false], [input.subarray(cut), true]] as const) {
      const data = Buffer.concat([carry, piece]);
      const consumed = tok.parse(data, 0, data.length, isLast, Infinity, onRecord);
      if (isLast) assert.equal(tok.stop, Stop.End, `cut at ${cut}`);
      carry = data.subarray(consumed);
    }
    return out;
  };
  const whole = run(input.length);
  assert.deepEqual(whole, [
    [1, ['h1', 'h2', 'h3']],
    [2, ['a"b', '', 'c\r\nd']],
    [4, ['xy', '', 'z']],
    [6, ['q']],
    [7, ['1', '2', '3']],
  ]);
  for (let cut = 0; cut <= input.length; cut++) assert.deepEqual(run(cut), whole, `cut at ${cut}`);
});

test('text after a closing quote is kept and reported', async t => {
  const rs = await readAll(write(tempDir(t), 'a.csv', 'a,b\n1,"x"y z\n'));
  assert.deepEqual(rs[1].fields, ['1', 'xy z']);
  assert.deepEqual(rs[1].problems, [{ kind: 'textAfterQuote', line: 2, column: 3, feature: 'b', message: 'text after the closing quote is kept as part of the value' }]);
});

test('ragged rows: flagged by readCsv; left out of the statistics and reported by line, capped', async t => {
  const file = write(tempDir(t), 'a.csv', 'a,b\n1,2\n3\n4,5\n6,7,8\n9,10\n,,\n1,2,3,4\n5\n');
  const rs = await readAll(file);
  assert.deepEqual(rs.map(r => r.problems.map(p => p.kind)), [[], [], ['raggedRow'], [], ['raggedRow'], [], ['raggedRow'], ['raggedRow'], ['raggedRow']]);
  assert.match(rs[2].problems[0].message, /expected 2 fields as in the header, found 1/);

  const { statistics, problems } = await computeStatistics(file, { limits: { maxProblems: 3 } });
  assert.equal(statistics.datasets[0].numExamples, '3');
  assert.deepEqual(problems.map(p => [p.kind, p.line]), [['raggedRow', 3], ['raggedRow', 5], ['raggedRow', 7], ['moreProblems', 8]]);
  assert.match(problems[3].message, /^2 more row problems not listed$/);
  assert.match(problems[1].message, /expected 2 fields as in the header, found 3: row left out/);
});

test('an unterminated quote is a UserError at the line and column where it opened', async t => {
  const dir = tempDir(t);
  const file = write(dir, 'a.csv', 'a,b\n1,2\n3,"open\n4,5\n6,7\n');
  await assert.rejects(readAll(file), isUserError(/unterminated quoted field/, 3, 3));
  await assert.rejects(computeStatistics(file), isUserError(/unterminated quoted field/, 3, 3));
  // In the header too.
  await assert.rejects(computeStatistics(write(dir, 'h.csv', 'a,"b\n1,2\n')), isUserError(/unterminated quoted field/, 1, 3));
});

test('invalid UTF-8 makes the feature BYTES, reported with its line and column', async t => {
  const bytes = Buffer.concat([Buffer.from('a,b\nok,1\n'), Buffer.from([0x78, 0xff, 0xfe]), Buffer.from(',2\n"'), Buffer.from([0xc3]), Buffer.from('",3\nfine,4\n')]);
  const file = write(tempDir(t), 'a.csv', bytes);
  const rs = await readAll(file);
  assert.equal(rs[2].fields[0], 'x\uFFFD\uFFFD');
  assert.deepEqual(rs[2].problems, [{ kind: 'invalidUtf8', line: 3, column: 1, feature: 'a', message: 'value is not valid UTF-8' }]);
  assert.deepEqual(rs[3].problems.map(p => [p.kind, p.line, p.column]), [['invalidUtf8', 4, 1]]);

  const { statistics, problems } = await computeStatistics(file);
  const [a, b] = statistics.datasets[0].features!;
  assert.equal(a.type, 'BYTES');
  assert.deepEqual(a.bytesStats, {
    commonStats: a.bytesStats!.commonStats,
    unique: '4',
    avgNumBytes: (2 + 3 + 1 + 4) / 4,
    minNumBytes: 1,
    maxNumBytes: 4,
  });
  assert.equal(b.type, 'INT');
  assert.deepEqual(problems.map(p => [p.kind, p.line, p.column, p.feature]), [['invalidUtf8', 3, 1, 'a']]);
  assert.match(problems[0].message, /feature "a" is BYTES \(2 such values; the first is here\)/);
});

test('an empty file, or one of blank lines, is a UserError; a header alone is zero examples', async t => {
  const dir = tempDir(t);
  for (const [name, content] of [['empty.csv', ''], ['blank.csv', '\n\r\n\n'], ['bom.csv', '\uFEFF']]) {
    await assert.rejects(computeStatistics(write(dir, name, content)), isUserError(/empty file/, 1), name);
    await assert.rejects(readAll(path.join(dir, name)), isUserError(/empty file/, 1), name);
  }
  for (const content of ['a,b\n', 'a,b', 'a,b\n\n\n']) {
    const { statistics, problems } = await computeStatistics(write(dir, 'h.csv', content));
    assert.deepEqual(problems, []);
    assert.deepEqual(statistics, {
      datasets: [{
        name: 'h.csv', numExamples: '0',
        features: ['a', 'b'].map(n => ({ path: { step: [n] }, type: 'STRING', stringStats: { commonStats: { numNonMissing: '0', numMissing: '0', totNumValues: '0' } } })),
      }],
    });
  }
});

test('duplicate or empty column names are UserErrors naming the column, on line 1', async t => {
  const dir = tempDir(t);
  await assert.rejects(computeStatistics(write(dir, 'dup.csv', 'id,x,"id"\n1,2,3\n')), isUserError(/duplicate column name "id" \(columns 1 and 3\)/, 1, 6));
  await assert.rejects(computeStatistics(write(dir, 'empty.csv', 'a,,b\n1,2,3\n')), isUserError(/column 2 of the header has an empty name/, 1, 3));
  await assert.rejects(readAll(write(dir, 'empty2.csv', 'a,""\n1,2\n')), isUserError(/column 2 of the header has an empty name/, 1, 3));
});

test('a missing file, a folder or a FIFO are UserErrors, never a hang', async t => {
  const dir = tempDir(t);
  await assert.rejects(computeStatistics(path.join(dir, 'nope.csv')), isUserError(/no such file/));
  await assert.rejects(computeStatistics(dir), isUserError(/not a regular file/));
  const fifo = path.join(dir, 'fifo.csv');
  execFileSync('mkfifo', [fifo]);
  await assert.rejects(computeStatistics(fifo), isUserError(/not a regular file/));
  await assert.rejects(readAll(fifo), isUserError(/not a regular file/));
  assert.ok(fs.existsSync(fifo));
});

test('an unreadable file is a UserError naming it', async t => {
  if (isRoot) return t.skip('running as root: chmod 000 does not stop root from reading');
  const file = write(tempDir(t), 'secret.csv', 'a\n1\n');
  fs.chmodSync(file, 0o000);
  await assert.rejects(computeStatistics(file), (e: unknown) => isUserError(/permission denied/)(e) && (e as UserError).file === file);
  await assert.rejects(readAll(file), isUserError(/permission denied/));
});

test('cancellation stops reading with a CancelledError', async t => {
  const file = write(tempDir(t), 'a.csv', 'a\n' + '1\n'.repeat(1000));
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(computeStatistics(file, { signal: controller.signal }), { name: 'CancelledError' });
  await assert.rejects(readAll(file, { signal: controller.signal }), { name: 'CancelledError' });
});

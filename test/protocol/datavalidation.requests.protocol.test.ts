// The data validation requests of the built server over LSP (statistics, inferSchema, validate,
// schemaInfo): progress with bytes read, results on small CSVs counted by hand, cancellation, and
// bad input as user errors naming the file and line.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationTokenSource, LSPErrorCodes, ResponseError, WorkDoneProgress, type ProtocolConnection, type WorkDoneProgressBegin,
  type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import {
  dataValidationInferSchemaRequest, dataValidationSchemaInfoRequest, dataValidationStatisticsRequest, dataValidationValidateRequest,
  serverInfoRequest, USER_ERROR_CODE, type UserErrorData,
} from '../../shared/protocol';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-dv-requests-'));
let server: TestServer;
let conn: ProtocolConnection;

function write(rel: string, content: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
function watchProgress(token: string): Progress[] {
  const seen: Progress[] = [];
  conn.onProgress(WorkDoneProgress.type, token, v => seen.push(v));
  return seen;
}

// previous: color red ½, green ½. current: red ¼, blue ½, green ¼ → L∞ = ½ (at "blue").
const PREVIOUS = 'id,age,color\n1,30,red\n2,40,red\n3,50,green\n4,60,green\n';
const CURRENT = 'id,age,color\n1,31,red\n2,41,blue\n3,51,blue\n4,61,green\n';
const SCHEMA = `
default_environment: "TRAINING"
default_environment: "SERVING"
feature { name: "id" type: INT presence { min_fraction: 1.0 } }
feature { name: "age" type: INT int_domain { min: -9223372036854775808 max: 9223372036854775807 } }
feature {
  name: "color" type: BYTES domain: "colors"
  drift_comparator { infinity_norm { threshold: 0.1 } }
  skew_comparator { infinity_norm { threshold: 0.6 } }
}
feature { name: "label" type: INT presence { min_count: 1 } not_in_environment: "SERVING" }
string_domain { name: "colors" value: "red" value: "green" }
`;
const SCHEMA_NO_COMPARATORS = `
feature { name: "id" type: INT }
feature { name: "age" type: INT }
feature { name: "color" type: BYTES }
`;

let previous: string;
let current: string;
let schema: string;

before(async () => {
  previous = write('data/previous.csv', PREVIOUS);
  current = write('data/current.csv', CURRENT);
  schema = write('data/schema.pbtxt', SCHEMA);
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } });
  conn = server.conn;
});

after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const featureOf = (stats: { datasets?: { features?: { path?: { step: string[] } }[] }[] }, name: string) =>
  stats.datasets?.[0]?.features?.find(f => f.path?.step.join('.') === name) as Record<string, any> | undefined;

test('statistics reports bytes read and returns the statistics', async () => {
  const token = randomUUID();
  const progress = watchProgress(token);
  const r = await conn.sendRequest(dataValidationStatisticsRequest, { file: current, workDoneToken: token });
  const ds = r.statistics.datasets![0];
  assert.equal(Number(ds.numExamples), 4);
  assert.deepEqual(ds.features!.map(f => f.path!.step.join('.')), ['id', 'age', 'color']);
  const color = featureOf(r.statistics, 'color')!;
  assert.equal(color.type, 'STRING');
  assert.equal(Number(color.stringStats.unique), 3);
  const age = featureOf(r.statistics, 'age')!;
  assert.equal(age.numStats.mean, (31 + 41 + 51 + 61) / 4);
  assert.deepEqual(r.problems, []);
  await new Promise(resolve => setImmediate(resolve));
  assert.equal(progress[0]?.kind, 'begin');
  assert.equal((progress[0] as WorkDoneProgressBegin).cancellable, true);
  assert.equal(progress.at(-1)?.kind, 'end');
  const size = Buffer.byteLength(CURRENT);
  assert.ok(progress.some(p => p.kind === 'report' && p.message === `current.csv: ${size} B of ${size} B` && p.percentage === 100), JSON.stringify(progress));
});

test('statistics reports ragged rows with their line', async () => {
  const file = write('data/ragged.csv', 'a,b\n1,2\n3\n4,5\n');
  const r = await conn.sendRequest(dataValidationStatisticsRequest, { file });
  assert.equal(Number(r.statistics.datasets![0].numExamples), 2);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].kind, 'raggedRow');
  assert.equal(r.problems[0].line, 3);
});

test('inferSchema returns the schema as text, and whether the output exists', async () => {
  const r = await conn.sendRequest(dataValidationInferSchemaRequest, { file: previous });
  assert.equal(r.output, path.join(tmp, 'data', 'schema.pbtxt'));
  assert.equal(r.exists, true);
  assert.match(r.schemaText, /feature \{\n {2}name: "color"\n {2}type: BYTES\n {2}domain: "color"/);
  assert.match(r.schemaText, /string_domain \{\n {2}name: "color"\n {2}value: "green"\n {2}value: "red"\n\}/);
  assert.match(r.schemaText, /name: "age"\n {2}type: INT/);
  // The server never writes: the schema beside the file is unchanged.
  assert.equal(fs.readFileSync(schema, 'utf8'), SCHEMA);
  const other = await conn.sendRequest(dataValidationInferSchemaRequest, { file: previous, output: path.join(tmp, 'out', 'new.pbtxt') });
  assert.equal(other.exists, false);
  assert.equal(fs.existsSync(path.join(tmp, 'out')), false);
});

test('validate: domain and drift anomalies, drift distance against the configured threshold', async () => {
  const token = randomUUID();
  const progress = watchProgress(token);
  const r = await conn.sendRequest(dataValidationValidateRequest, { file: current, schema, previous, workDoneToken: token });
  assert.deepEqual(Object.keys(r.anomalies.anomalyInfo).sort(), ['color', 'label']);
  const color = r.anomalies.anomalyInfo.color;
  assert.deepEqual(color.reason.map(x => x.type).sort(), ['COMPARATOR_L_INFTY_HIGH', 'ENUM_TYPE_UNEXPECTED_STRING_VALUES']);
  assert.match(color.description, /blue/);
  assert.deepEqual(r.anomalies.anomalyInfo.label.reason.map(x => x.type), ['SCHEMA_MISSING_COLUMN']);
  assert.deepEqual(r.comparisons.drift, { color: { kind: 'L_INFTY', value: 0.5, threshold: 0.1, configured: true } });
  assert.deepEqual(r.comparisons.skew, {});
  assert.equal(Number(r.statistics.datasets![0].numExamples), 4);
  assert.equal(featureOf(r.previousStatistics!, 'age')!.numStats.mean, 45);
  assert.equal(r.servingStatistics, undefined);
  assert.deepEqual(r.environments, ['TRAINING', 'SERVING']);
  assert.deepEqual(r.problems.map(p => [path.basename(p.file), p.problems.length]), [['current.csv', 0], ['previous.csv', 0]]);
  await new Promise(resolve => setImmediate(resolve));
  const messages = progress.filter(p => p.kind === 'report').map(p => (p as WorkDoneProgressReport).message);
  assert.ok(messages.some(m => /^current\.csv: \d+ B of \d+ B$/.test(m ?? '')), JSON.stringify(messages));
  assert.ok(messages.some(m => /^previous previous\.csv: \d+ B of \d+ B$/.test(m ?? '')), JSON.stringify(messages));
  assert.equal(progress.at(-1)?.kind, 'end');
});

test('validate: skew below its threshold, environment leaves out a feature', async () => {
  const r = await conn.sendRequest(dataValidationValidateRequest, { file: previous, schema, serving: current, environment: 'SERVING' });
  // label is not in SERVING: not missing. L∞ ½ ≤ 0.6: no skew anomaly. previous.csv is in the domain.
  assert.deepEqual(r.anomalies.anomalyInfo, {});
  assert.deepEqual(r.comparisons.skew, { color: { kind: 'L_INFTY', value: 0.5, threshold: 0.6, configured: true } });
  assert.deepEqual(r.comparisons.drift, {});
  assert.equal(Number(r.servingStatistics!.datasets![0].numExamples), 4);
});

test('validate: without comparators, default distances with no threshold', async () => {
  const plain = write('plain/schema.pbtxt', SCHEMA_NO_COMPARATORS);
  const r = await conn.sendRequest(dataValidationValidateRequest, { file: current, schema: plain, serving: previous });
  assert.deepEqual(r.anomalies.driftSkewInfo, []);
  assert.deepEqual(r.comparisons.skew.color, { kind: 'L_INFTY', value: 0.5, threshold: 1, configured: false });
  assert.equal(r.comparisons.skew.id.kind, 'JENSEN_SHANNON_DIVERGENCE');
  assert.equal(r.comparisons.skew.id.value, 0, 'same ids, same histogram');
  assert.equal(r.comparisons.skew.age.kind, 'JENSEN_SHANNON_DIVERGENCE');
  assert.ok(r.comparisons.skew.age.value > 0 && r.comparisons.skew.age.value <= 1);
  assert.equal(r.comparisons.skew.age.configured, false);
});

test('schemaInfo gives environments and comparator counts', async () => {
  const info = await conn.sendRequest(dataValidationSchemaInfoRequest, { schema });
  assert.deepEqual(info, { environments: ['TRAINING', 'SERVING'], driftComparators: 1, skewComparators: 1 });
});

function userError(file: string, line?: number, message?: RegExp) {
  return (err: ResponseError<UserErrorData>) => {
    assert.equal(err.code, USER_ERROR_CODE, err.message);
    assert.equal(err.data?.file, file);
    if (line !== undefined) assert.equal(err.data?.line, line);
    if (message) assert.match(err.message, message);
    return true;
  };
}

test('bad input: a schema error names the file and line', async () => {
  const bad = write('bad/schema.pbtxt', 'feature {\n  name: "x"\n  typo: INT\n}\n');
  await assert.rejects(conn.sendRequest(dataValidationValidateRequest, { file: current, schema: bad }), userError(bad, 3, /typo/));
  await assert.rejects(conn.sendRequest(dataValidationSchemaInfoRequest, { schema: bad }), userError(bad, 3));
});

test('bad input: missing files, relative paths and unknown environments', async () => {
  const missing = path.join(tmp, 'nope.csv');
  await assert.rejects(conn.sendRequest(dataValidationStatisticsRequest, { file: missing }), userError(missing));
  await assert.rejects(conn.sendRequest(dataValidationInferSchemaRequest, { file: missing }), userError(missing));
  await assert.rejects(conn.sendRequest(dataValidationValidateRequest, { file: current, schema, previous: missing }), userError(missing));
  await assert.rejects(conn.sendRequest(dataValidationValidateRequest, { file: current, schema: path.join(tmp, 'none.pbtxt') }), userError(path.join(tmp, 'none.pbtxt'), undefined, /no such schema/));
  await assert.rejects(conn.sendRequest(dataValidationStatisticsRequest, { file: 'data/current.csv' }), userError('data/current.csv', undefined, /absolute/));
  await assert.rejects(conn.sendRequest(dataValidationValidateRequest, { file: current, schema, environment: 'STAGING' }), userError(schema, undefined, /STAGING/));
  // An unterminated quote at the end of the file: the error names its line.
  const quote = write('data/quote.csv', 'a,b\n1,2\n3,"oops\n');
  await assert.rejects(conn.sendRequest(dataValidationStatisticsRequest, { file: quote }), (err: ResponseError<UserErrorData>) => {
    assert.equal(err.code, USER_ERROR_CODE, err.message);
    assert.equal(err.data?.file, quote);
    assert.equal(err.data?.line, 3);
    return true;
  });
});

test('cancelling a long validation stops it and the server stays responsive', async () => {
  // ~40 MB: reading outlasts the first byte-count report (100 ms apart).
  const big = path.join(tmp, 'big', 'big.csv');
  fs.mkdirSync(path.dirname(big), { recursive: true });
  const rows: string[] = ['id,age,color'];
  for (let i = 0; i < 100_000; i++) rows.push(`${i},${i % 97},${i % 3 ? 'red' : 'green'}`);
  const block = rows.slice(1).join('\n') + '\n';
  const fd = fs.openSync(big, 'w');
  fs.writeSync(fd, rows[0] + '\n');
  for (let k = 0; k < 20; k++) fs.writeSync(fd, block);
  fs.closeSync(fd);
  const token = randomUUID();
  const source = new CancellationTokenSource();
  conn.onProgress(WorkDoneProgress.type, token, v => { if (v.kind === 'report' && / of /.test(v.message ?? '')) source.cancel(); });
  const started = Date.now();
  await assert.rejects(
    conn.sendRequest(dataValidationValidateRequest, { file: big, schema, previous: big, workDoneToken: token }, source.token),
    (err: ResponseError<unknown>) => err.code === LSPErrorCodes.RequestCancelled,
  );
  assert.ok(source.token.isCancellationRequested, 'cancelled after a progress report');
  console.log(`# cancelled after ${Date.now() - started} ms`);
  const info = await conn.sendRequest(serverInfoRequest);
  assert.equal(info.pid, server.child.pid);
});

test('validate with tracking: the validation is a run in the mlruns folder (params, metrics, tags, artifacts)', async () => {
  const r = await conn.sendRequest(dataValidationValidateRequest, { file: current, schema, previous, tracking: { trackingUri: 'mlruns', baseFolder: tmp } });
  assert.ok(r.runId);
  // Read MLflow's file layout directly: mlruns/<experiment id>/<run id>/...
  const root = path.join(tmp, 'mlruns');
  const experiment = fs.readdirSync(root).find(d => fs.existsSync(path.join(root, d, r.runId!)));
  assert.ok(experiment, 'the run folder exists');
  assert.match(fs.readFileSync(path.join(root, experiment, 'meta.yaml'), 'utf8'), /^name: data-validation$/m);
  const run = path.join(root, experiment, r.runId!);
  const read = (rel: string) => fs.readFileSync(path.join(run, rel), 'utf8');
  assert.match(read('meta.yaml'), /^status: 3$/m, 'FINISHED');
  assert.equal(read('params/file'), current);
  assert.equal(read('params/previous'), previous);
  assert.equal(read('tags/mlw.job'), 'validation');
  // Two anomalous features (color, label), 4 examples, color's drift L∞ 0.5: "<ms> <value> <step>".
  assert.match(read('metrics/anomalies'), /^\d+ 2\.0 0\n$/);
  assert.match(read('metrics/num_examples'), /^\d+ 4\.0 0\n$/);
  assert.match(read('metrics/drift.color'), /^\d+ 0\.5 0\n$/);
  assert.deepEqual(Object.keys(JSON.parse(read('artifacts/anomalies.json')).anomalyInfo).sort(), ['color', 'label']);
  assert.equal(JSON.parse(read('artifacts/statistics.json')).datasets[0].numExamples, '4');
});

test('validate with tracking: a failing validation is a FAILED run', async () => {
  const missing = path.join(tmp, 'data', 'nope.csv');
  await assert.rejects(conn.sendRequest(dataValidationValidateRequest, { file: missing, schema, tracking: { trackingUri: 'mlruns-failed', baseFolder: tmp } }));
  const root = path.join(tmp, 'mlruns-failed');
  const metas = fs.readdirSync(root).filter(d => /^\d+$/.test(d)).flatMap(e => fs.readdirSync(path.join(root, e))
    .filter(r => fs.existsSync(path.join(root, e, r, 'meta.yaml'))).map(r => fs.readFileSync(path.join(root, e, r, 'meta.yaml'), 'utf8')));
  assert.equal(metas.length, 1);
  assert.match(metas[0], /^status: 4$/m, 'FAILED');
});

// The tracking requests of the built server over LSP, on an mlruns/ folder written through the
// file store: experiments, runs with their latest metrics, histories (NaN carried as a string),
// a two-run comparison, artifacts, and bad input as user errors.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError, type ProtocolConnection } from 'vscode-languageserver-protocol/node';
import {
  serverInfoRequest, trackingArtifactFileRequest, trackingArtifactsRequest, trackingCompareRequest, trackingExperimentsRequest,
  trackingMetricHistoryRequest, trackingRunRequest, trackingRunsRequest, USER_ERROR_CODE,
} from '../../shared/protocol';
import { FileStore } from '../../server/tracking/fileStore';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-tracking-protocol-'));
let server: TestServer;
let conn: ProtocolConnection;
let runA = '';
let runB = '';
let expId = '';
/** The setting left empty: `mlruns` in the workspace folder. */
const where = { trackingUri: '', baseFolder: tmp };

before(async () => {
  const store = new FileStore(path.join(tmp, 'mlruns'));
  expId = await store.experimentId('iris');
  const a = await store.startRun(expId, { runName: 'lr-0.1', startTime: 1000 });
  await a.logParams({ lr: 0.1, layers: 2 });
  await a.logMetrics([
    { key: 'loss', value: 1.0, step: 0, timestamp: 1100 },
    { key: 'loss', value: 0.5, step: 1, timestamp: 1200 },
    { key: 'loss', value: NaN, step: 2, timestamp: 1300 },
  ]);
  const report = path.join(tmp, 'report.txt');
  fs.writeFileSync(report, 'accuracy 0.9\n');
  await a.logArtifact(report, 'eval');
  await a.end('FINISHED', 2000);
  const b = await store.startRun(expId, { runName: 'lr-0.01', startTime: 3000 });
  await b.logParams({ lr: 0.01, layers: 2, dropout: 0.2 });
  await b.logMetrics([{ key: 'loss', value: 0.8, step: 0, timestamp: 3100 }, { key: 'acc', value: 0.7, step: 0, timestamp: 3100 }]);
  runA = a.runId;
  runB = b.runId;
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } }, [tmp]);
  conn = server.conn;
});

after(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the server lists tracking among its capabilities', async () => {
  assert.ok((await conn.sendRequest(serverInfoRequest)).capabilities.includes('tracking'));
});

test('experiments of the default store, mlruns in the workspace folder', async () => {
  const r = await conn.sendRequest(trackingExperimentsRequest, where);
  assert.equal(r.uri, path.join(tmp, 'mlruns'));
  assert.equal(r.kind, 'file');
  assert.equal(r.exists, true);
  assert.deepEqual(r.experiments.map(e => e.name).sort(), ['Default', 'iris']);
});

test('runs, newest first, with params, latest metrics (NaN as a string) and status', async () => {
  const runs = await conn.sendRequest(trackingRunsRequest, { ...where, experimentIds: [expId] });
  assert.deepEqual(runs.map(r => r.info.runName), ['lr-0.01', 'lr-0.1']);
  const a = runs[1];
  assert.equal(a.info.status, 'FINISHED');
  assert.equal(a.info.endTime, 2000);
  assert.deepEqual(a.params, { layers: '2', lr: '0.1' });
  assert.deepEqual(a.metrics.loss, { key: 'loss', value: 'NaN', step: 2, timestamp: 1300 });
  assert.equal(runs[0].info.status, 'RUNNING');
  assert.equal((await conn.sendRequest(trackingRunRequest, { ...where, runId: runB })).metrics.acc.value, 0.7);
});

test('metric history in logging order', async () => {
  const h = await conn.sendRequest(trackingMetricHistoryRequest, { ...where, runId: runA, key: 'loss' });
  assert.deepEqual(h.map(m => [m.step, m.value]), [[0, 1], [1, 0.5], [2, 'NaN']]);
});

test('comparison of two runs: params side by side with differences marked, metric series per run', async () => {
  const c = await conn.sendRequest(trackingCompareRequest, { ...where, runIds: [runA, runB] });
  assert.deepEqual(c.runs.map(r => r.info.runName), ['lr-0.1', 'lr-0.01']);
  assert.equal(c.experimentNames[expId], 'iris');
  assert.deepEqual(c.params, [
    { key: 'dropout', values: [null, '0.2'], differs: true },
    { key: 'layers', values: ['2', '2'], differs: false },
    { key: 'lr', values: ['0.1', '0.01'], differs: true },
  ]);
  assert.deepEqual(c.metrics.map(m => m.key), ['acc', 'loss']);
  assert.deepEqual(c.metrics[0].series, [null, { steps: [0], values: [0.7], timestamps: [3100] }]);
  assert.deepEqual(c.metrics[1].series[0], { steps: [0, 1, 2], values: [1, 0.5, null], timestamps: [1100, 1200, 1300] });
});

test('artifacts: listing and the local file', async () => {
  assert.deepEqual(await conn.sendRequest(trackingArtifactsRequest, { ...where, runId: runA }), [{ path: 'eval', isDir: true }]);
  assert.deepEqual(await conn.sendRequest(trackingArtifactsRequest, { ...where, runId: runA, path: 'eval' }), [{ path: 'eval/report.txt', isDir: false, fileSize: 13 }]);
  const { file } = await conn.sendRequest(trackingArtifactFileRequest, { ...where, runId: runA, path: 'eval/report.txt' });
  assert.equal(fs.readFileSync(file, 'utf8'), 'accuracy 0.9\n');
});

test('bad input comes back as user errors naming what is wrong', async () => {
  const userError = (re: RegExp) => (err: unknown) => err instanceof ResponseError && err.code === USER_ERROR_CODE && re.test(err.message);
  await assert.rejects(conn.sendRequest(trackingRunRequest, { ...where, runId: '0123456789abcdef' }), userError(/no run with id 0123456789abcdef/));
  await assert.rejects(conn.sendRequest(trackingRunRequest, { ...where, runId: '../etc' }), userError(/Invalid run ID/));
  await assert.rejects(conn.sendRequest(trackingMetricHistoryRequest, { ...where, runId: runA, key: '../../meta.yaml' }), userError(/Invalid metric name/));
  await assert.rejects(conn.sendRequest(trackingArtifactFileRequest, { ...where, runId: runA, path: '../meta.yaml' }), userError(/Invalid artifact path/));
  await assert.rejects(conn.sendRequest(trackingExperimentsRequest, { trackingUri: 'databricks://x' }), userError(/not supported/));
  // A store that does not exist yet is empty, not an error, and is not created by reading.
  const empty = await conn.sendRequest(trackingExperimentsRequest, { trackingUri: 'elsewhere', baseFolder: tmp });
  assert.deepEqual([empty.exists, empty.experiments], [false, []]);
  assert.equal(fs.existsSync(path.join(tmp, 'elsewhere')), false);
});

// The MLflow REST client against a local HTTP server that records every request: endpoints,
// JSON bodies, log-batch chunking at MLflow's limits, retries on 429/5xx, errors on 4xx naming
// the endpoint and MLflow's error_code, authentication, pagination and artifact transfer.
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { RestStore } from '../../server/tracking/restStore';
import { build, tempDir } from './helpers';

interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  json?: any;
}

type Reply = { status?: number; json?: unknown; body?: Buffer | string; headers?: Record<string, string> };
type Handler = (req: Recorded) => Reply | undefined;

/** An HTTP server answering with `handler` (404 when it returns nothing), recording requests. */
async function fakeServer(t: TestContext, handler: Handler): Promise<{ url: string; requests: Recorded[] }> {
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const body = Buffer.concat(chunks);
      const rec: Recorded = { method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: req.headers, body };
      if ((req.headers['content-type'] ?? '').includes('json') && body.length) rec.json = JSON.parse(body.toString('utf8'));
      requests.push(rec);
      const reply = handler(rec) ?? { status: 404, json: { error_code: 'ENDPOINT_NOT_FOUND', message: `no ${rec.path}` } };
      const payload = reply.json !== undefined ? JSON.stringify(reply.json) : reply.body ?? '';
      res.writeHead(reply.status ?? 200, { 'Content-Type': reply.json !== undefined ? 'application/json' : 'application/octet-stream', ...reply.headers });
      res.end(payload);
    });
  });
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  t.after(() => new Promise<void>(r => server.close(() => r())));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests };
}

const RUN_ID = 'a1b2c3d4e5f6a7b8c9d0e1f2a3b4c5d6';
const runInfo = (extra: Record<string, unknown> = {}) => ({
  run_id: RUN_ID, run_uuid: RUN_ID, experiment_id: '7', run_name: 'baseline', user_id: 'me', status: 'RUNNING',
  start_time: '1700000000000', artifact_uri: `mlflow-artifacts:/7/${RUN_ID}/artifacts`, lifecycle_stage: 'active', ...extra,
});

/** A server that knows one experiment (once created) and one run, and accepts batches. */
function mlflowLike(state: { created?: boolean } = {}): Handler {
  return req => {
    switch (`${req.method} ${req.path}`) {
      case 'GET /api/2.0/mlflow/experiments/get-by-name':
        return state.created
          ? { json: { experiment: { experiment_id: '7', name: req.query.experiment_name, artifact_location: 'mlflow-artifacts:/7', lifecycle_stage: 'active', creation_time: '1', last_update_time: '2', tags: [{ key: 'k', value: 'v' }] } } }
          : { status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: `Could not find experiment with name '${req.query.experiment_name}'` } };
      case 'POST /api/2.0/mlflow/experiments/create':
        state.created = true;
        return { json: { experiment_id: '7' } };
      case 'POST /api/2.0/mlflow/runs/create':
        return { json: { run: { info: runInfo({ run_name: req.json.run_name }), data: {} } } };
      case 'POST /api/2.0/mlflow/runs/log-batch':
      case 'POST /api/2.0/mlflow/runs/update':
        return { json: {} };
      case 'GET /api/2.0/mlflow/runs/get':
        return { json: { run: { info: runInfo(), data: { metrics: [{ key: 'loss', value: 0.25, timestamp: '1700000000500', step: '3' }], params: [{ key: 'lr', value: '0.1' }], tags: [{ key: 'mlflow.runName', value: 'baseline' }] } } } };
      default:
        return undefined;
    }
  };
}

const apiCalls = (requests: Recorded[], endpoint: string) => requests.filter(r => `${r.method} ${r.path}` === endpoint);

test('experiment by name, created when missing; a run created with its name, user and tags', async t => {
  const srv = await fakeServer(t, mlflowLike());
  const store = new RestStore(srv.url, { env: {}, backoffMs: 1 });
  assert.equal(await store.experimentId('mnist'), '7');
  assert.deepEqual(srv.requests.map(r => `${r.method} ${r.path}`), ['GET /api/2.0/mlflow/experiments/get-by-name', 'POST /api/2.0/mlflow/experiments/create']);
  assert.deepEqual(srv.requests[0].query, { experiment_name: 'mnist' });
  assert.deepEqual(srv.requests[1].json, { name: 'mnist' });
  assert.equal(await store.experimentId('mnist'), '7', 'found the second time, not created again');
  assert.equal(apiCalls(srv.requests, 'POST /api/2.0/mlflow/experiments/create').length, 1);

  const run = await store.startRun('7', { runName: 'baseline', startTime: 1700000000000, tags: { team: 'vision' } });
  assert.equal(run.runId, RUN_ID);
  assert.equal(run.experimentId, '7');
  const create = apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/create')[0].json;
  assert.equal(create.experiment_id, '7');
  assert.equal(create.run_name, 'baseline');
  assert.equal(create.start_time, 1700000000000);
  assert.equal(typeof create.user_id, 'string');
  const tags = Object.fromEntries(create.tags.map((x: { key: string; value: string }) => [x.key, x.value]));
  assert.equal(tags['mlflow.runName'], 'baseline');
  assert.equal(tags['mlflow.source.type'], 'LOCAL');
  assert.equal(tags.team, 'vision');
});

test('log-batch chunks: 1000 metrics, 100 params, 100 tags per request, in order', async t => {
  const srv = await fakeServer(t, mlflowLike());
  const store = new RestStore(srv.url, { env: {}, backoffMs: 1 });
  const run = await store.openRun(RUN_ID);
  const metrics = Array.from({ length: 2500 }, (_, i) => ({ key: i % 2 ? 'loss' : 'acc', value: i / 10, step: i, timestamp: 1700000000000 + i }));
  metrics[5].value = NaN;
  metrics[6].value = -Infinity;
  await run.logMetrics(metrics);
  await run.logParams(Object.fromEntries(Array.from({ length: 150 }, (_, i) => [`p${i}`, i % 3 === 0 ? true : i])));
  await run.setTags(Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`t${i}`, `v${i}`])));
  await run.logMetric('single', 2, 9, 1700000009999);

  const batches = apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/log-batch').map(r => r.json);
  assert.deepEqual(batches.map(b => [b.metrics?.length ?? 0, b.params?.length ?? 0, b.tags?.length ?? 0]), [
    [1000, 0, 0], [1000, 0, 0], [500, 0, 0], [0, 100, 0], [0, 50, 0], [0, 0, 100], [0, 0, 100], [0, 0, 50], [1, 0, 0],
  ]);
  for (const b of batches) assert.equal(b.run_id, RUN_ID);
  const sent = batches.slice(0, 3).flatMap(b => b.metrics);
  assert.deepEqual(sent.map((m: { step: number }) => m.step), metrics.map(m => m.step), 'every metric once, in order');
  assert.deepEqual(sent[4], { key: 'acc', value: 0.4, timestamp: 1700000000004, step: 4 });
  assert.equal(sent[5].value, 'NaN', "protobuf JSON's spelling of NaN");
  assert.equal(sent[6].value, '-Infinity');
  assert.deepEqual(batches[3].params[0], { key: 'p0', value: 'True' });
  assert.deepEqual(batches[3].params[1], { key: 'p1', value: '1' });
  assert.deepEqual(batches[8].metrics, [{ key: 'single', value: 2, timestamp: 1700000009999, step: 9 }]);
  // Bad keys never reach the server.
  const before = srv.requests.length;
  await assert.rejects(run.logMetric('../x', 1), /Invalid metric name/);
  assert.equal(srv.requests.length, before);

  await run.end('KILLED', 1700000010000);
  assert.deepEqual(apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/update')[0].json, { run_id: RUN_ID, status: 'KILLED', end_time: 1700000010000 });
});

test('retries on 503 and 429 with backoff, then succeeds', async t => {
  let failures = 0;
  const base = mlflowLike();
  const srv = await fakeServer(t, req => {
    if (req.path.endsWith('/runs/log-batch') && failures < 3) {
      failures++;
      return failures === 2 ? { status: 429, json: { error_code: 'REQUEST_LIMIT_EXCEEDED', message: 'slow down' }, headers: { 'Retry-After': '0' } } : { status: 503, body: 'Service Unavailable' };
    }
    return base(req);
  });
  const store = new RestStore(srv.url, { env: {}, backoffMs: 5 });
  const run = await store.openRun(RUN_ID);
  const started = Date.now();
  await run.logMetric('loss', 1, 0, 1);
  const elapsed = Date.now() - started;
  const calls = apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/log-batch');
  assert.equal(calls.length, 4, '3 failures then the success');
  for (const c of calls) assert.deepEqual(c.json, calls[0].json, 'the same body each time');
  // Waits of 5, 10 and 20 ms (doubling); a lower bound only, with slack for timer rounding.
  assert.ok(elapsed >= 30, `backed off about 5 + 10 + 20 ms, took ${elapsed} ms`);
});

test('a 4xx is not retried; the error names the endpoint, the status and MLflow\'s error_code', async t => {
  const srv = await fakeServer(t, req => (req.path.endsWith('/runs/log-batch')
    ? { status: 400, json: { error_code: 'INVALID_PARAMETER_VALUE', message: "Changing param values is not allowed. Param with key='lr' was already logged" } }
    : mlflowLike()(req)));
  const store = new RestStore(srv.url, { env: {}, backoffMs: 1 });
  const run = await store.openRun(RUN_ID);
  await assert.rejects(run.logParams({ lr: 0.2 }), (err: unknown) => {
    assert.ok(err instanceof UserError);
    assert.equal(err.message, "MLflow server: POST /api/2.0/mlflow/runs/log-batch failed (HTTP 400 INVALID_PARAMETER_VALUE): Changing param values is not allowed. Param with key='lr' was already logged");
    return true;
  });
  assert.equal(apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/log-batch').length, 1);
});

test('5xx until the retries run out: the last error is reported', async t => {
  const srv = await fakeServer(t, () => ({ status: 502, body: 'Bad Gateway' }));
  const store = new RestStore(srv.url, { env: {}, backoffMs: 1, maxRetries: 2 });
  await assert.rejects(store.getRun(RUN_ID), /MLflow server: GET \/api\/2\.0\/mlflow\/runs\/get failed \(HTTP 502\): Bad Gateway/);
  assert.equal(srv.requests.length, 3, 'first attempt and 2 retries');
});

test('an unreachable server is an error naming it, after the retries', async () => {
  // A port that was just free: connections to it are refused.
  const server = http.createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await new Promise<void>(r => server.close(() => r()));
  const store = new RestStore(url, { env: {}, backoffMs: 1, maxRetries: 1 });
  await assert.rejects(store.listExperiments(), new RegExp(`MLflow server: POST /api/2\\.0/mlflow/experiments/search failed: cannot reach ${url.replace(/\./g, '\\.')} \\(ECONNREFUSED\\)`));
});

test('credentials: MLFLOW_TRACKING_TOKEN as bearer, username/password or URL credentials as basic', async t => {
  const srv = await fakeServer(t, mlflowLike({ created: true }));
  await new RestStore(srv.url, { env: { MLFLOW_TRACKING_TOKEN: 'tok123' } }).findExperiment('e');
  await new RestStore(srv.url, { env: { MLFLOW_TRACKING_USERNAME: 'ann', MLFLOW_TRACKING_PASSWORD: 'pw' } }).findExperiment('e');
  const withCreds = srv.url.replace('http://', 'http://bob:s%3Acret@');
  const store = new RestStore(withCreds, { env: {} });
  assert.equal(store.uri, srv.url, 'credentials are not part of the shown URI');
  await store.findExperiment('e');
  await new RestStore(srv.url, { env: {} }).findExperiment('e');
  assert.deepEqual(srv.requests.map(r => r.headers.authorization), [
    'Bearer tok123',
    `Basic ${Buffer.from('ann:pw').toString('base64')}`,
    `Basic ${Buffer.from('bob:s:cret').toString('base64')}`,
    undefined,
  ]);
});

test('reading: experiments and runs over pages, run data with int64 strings, metric history pages', async t => {
  const srv = await fakeServer(t, req => {
    const route = `${req.method} ${req.path}`;
    if (route === 'POST /api/2.0/mlflow/experiments/search') {
      return req.json.page_token
        ? { json: { experiments: [{ experiment_id: '2', name: 'b', lifecycle_stage: 'active' }] } }
        : { json: { experiments: [{ experiment_id: '1', name: 'a', lifecycle_stage: 'active' }], next_page_token: 'p2' } };
    }
    if (route === 'POST /api/2.0/mlflow/runs/search') {
      const run = (id: string) => ({ info: runInfo({ run_id: id, run_uuid: id, status: 'FINISHED', end_time: '1700000001000' }), data: { metrics: [{ key: 'acc', value: 'NaN', timestamp: '5', step: '1' }] } });
      return req.json.page_token ? { json: { runs: [run('r2')] } } : { json: { runs: [run('r1')], next_page_token: 'next' } };
    }
    if (route === 'GET /api/2.0/mlflow/metrics/get-history') {
      return req.query.page_token
        ? { json: { metrics: [{ key: 'loss', value: 0.5, timestamp: 3, step: 2 }] } }
        : { json: { metrics: [{ key: 'loss', value: 1, timestamp: '1', step: '0' }, { key: 'loss', value: 'Infinity', timestamp: 2, step: 1 }], next_page_token: 'h2' } };
    }
    if (route === 'GET /api/2.0/mlflow/artifacts/list') {
      return { json: { root_uri: 'mlflow-artifacts:/7/r/artifacts', files: [{ path: 'model', is_dir: true }, { path: 'eval.json', is_dir: false, file_size: '1234' }] } };
    }
    return mlflowLike()(req);
  });
  const store = new RestStore(srv.url, { env: {} });
  assert.deepEqual((await store.listExperiments()).map(e => e.name), ['a', 'b']);
  const runs = await store.searchRuns();
  assert.deepEqual(runs.map(r => r.info.runId), ['r1', 'r2']);
  const search = apiCalls(srv.requests, 'POST /api/2.0/mlflow/runs/search');
  assert.deepEqual(search[0].json, { experiment_ids: ['1', '2'], max_results: 1000, run_view_type: 'ACTIVE_ONLY', order_by: ['attributes.start_time DESC'] });
  assert.equal(search[1].json.page_token, 'next');
  assert.equal(runs[0].info.status, 'FINISHED');
  assert.equal(runs[0].info.endTime, 1700000001000);
  assert.ok(Number.isNaN(runs[0].metrics.acc.value));

  const got = await store.getRun(RUN_ID);
  assert.deepEqual(got.metrics.loss, { key: 'loss', value: 0.25, timestamp: 1700000000500, step: 3 });
  assert.deepEqual(got.params, { lr: '0.1' });
  assert.equal(got.info.startTime, 1700000000000);
  assert.equal(got.info.runName, 'baseline');

  const history = await store.metricHistory(RUN_ID, 'loss');
  assert.deepEqual(history.map(m => [m.step, m.value, m.timestamp]), [[0, 1, 1], [1, Infinity, 2], [2, 0.5, 3]]);
  const pages = apiCalls(srv.requests, 'GET /api/2.0/mlflow/metrics/get-history');
  assert.deepEqual(pages[0].query, { run_id: RUN_ID, metric_key: 'loss', max_results: '25000' });
  assert.equal(pages[1].query.page_token, 'h2');

  assert.deepEqual(await store.listArtifacts(RUN_ID, 'sub'), [{ path: 'eval.json', isDir: false, fileSize: 1234 }, { path: 'model', isDir: true }]);
  assert.deepEqual(apiCalls(srv.requests, 'GET /api/2.0/mlflow/artifacts/list')[0].query, { run_id: RUN_ID, path: 'sub' });
});

test('artifacts: PUT through the mlflow-artifacts proxy, file and folder; download by GET', async t => {
  const stored = new Map<string, Buffer>();
  const prefix = '/api/2.0/mlflow-artifacts/artifacts/';
  const srv = await fakeServer(t, req => {
    if (req.path.startsWith(prefix) && req.method === 'PUT') {
      stored.set(decodeURIComponent(req.path.slice(prefix.length)), req.body);
      return { json: {} };
    }
    if (req.path.startsWith(prefix) && req.method === 'GET') {
      const body = stored.get(decodeURIComponent(req.path.slice(prefix.length)));
      return body ? { body } : { status: 404, json: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'no file' } };
    }
    return mlflowLike()(req);
  });
  const store = new RestStore(srv.url, { env: {} });
  const run = await store.openRun(RUN_ID);
  const dir = tempDir(t);
  const model = path.join(dir, 'model v1.onnx');
  const bytes = Buffer.from(Array.from({ length: 70_000 }, (_, i) => i % 251));
  fs.writeFileSync(model, bytes);
  await run.logArtifact(model, 'model');
  const outputs = build(path.join(dir, 'outputs'), { 'pred.csv': 'y\n1\n', 'plots/roc.png': 'png' });
  await run.logArtifact(outputs, 'eval');
  // Written into the staging folder: uploaded to the same relative place.
  fs.mkdirSync(path.join(run.localArtifactDir, 'ckpt'), { recursive: true });
  fs.writeFileSync(path.join(run.localArtifactDir, 'ckpt', 'e1.bin'), 'w');
  await run.logArtifact(path.join(run.localArtifactDir, 'ckpt', 'e1.bin'));
  t.after(() => fs.rmSync(run.localArtifactDir, { recursive: true, force: true }));

  const base = `7/${RUN_ID}/artifacts`;
  assert.deepEqual([...stored.keys()].sort(), [`${base}/ckpt/e1.bin`, `${base}/eval/plots/roc.png`, `${base}/eval/pred.csv`, `${base}/model/model v1.onnx`]);
  assert.ok(stored.get(`${base}/model/model v1.onnx`)!.equals(bytes), 'the file bytes, unchanged');
  const put = srv.requests.find(r => r.method === 'PUT' && r.path.includes('model'))!;
  assert.equal(put.path, `${prefix}${base}/model/model%20v1.onnx`);
  assert.equal(put.headers['content-type'], 'application/octet-stream');

  const local = await store.artifactFile(RUN_ID, 'model/model v1.onnx', path.join(dir, 'downloads'));
  assert.equal(local, path.join(dir, 'downloads', RUN_ID, 'model', 'model v1.onnx'));
  assert.ok(fs.readFileSync(local).equals(bytes));
  await assert.rejects(store.artifactFile(RUN_ID, 'missing.txt', dir), /HTTP 404 RESOURCE_DOES_NOT_EXIST/);
});

test('a run whose artifacts are in a store this client cannot reach says how to fix it', async t => {
  const srv = await fakeServer(t, req => (req.path.endsWith('/runs/get')
    ? { json: { run: { info: runInfo({ artifact_uri: 's3://bucket/7/run/artifacts' }), data: {} } } }
    : undefined));
  const run = await new RestStore(srv.url, { env: {} }).openRun(RUN_ID);
  const file = path.join(tempDir(t), 'x.txt');
  fs.writeFileSync(file, 'x');
  await assert.rejects(run.logArtifact(file), /s3:\/\/bucket\/7\/run\/artifacts.*--serve-artifacts/);
  fs.rmSync(run.localArtifactDir, { recursive: true, force: true });
});

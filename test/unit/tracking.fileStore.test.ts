// The local tracking store: MLflow's FileStore layout file by file (expected contents written by
// hand from MLflow's format), reading back, stores written by MLflow itself, bad keys, and
// concurrent writers.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { UserError } from '../../server/common/errors';
import { FileStore } from '../../server/tracking/fileStore';
import { openTracker, resolveTrackingUri } from '../../server/tracking/tracker';
import { pythonFloat } from '../../server/tracking/validation';
import { build, repoRoot, tempDir } from './helpers';

const user = os.userInfo().username;
const read = (...p: string[]) => fs.readFileSync(path.join(...p), 'utf8');

/** Files under a folder, relative and sorted; folders with a trailing '/'. */
function listing(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[])
    .map(p => (fs.statSync(path.join(dir, p)).isDirectory() ? `${p.split(path.sep).join('/')}/` : p.split(path.sep).join('/')))
    .sort();
}

test('a new store has the Default experiment 0 and .trash, laid out as MLflow writes them', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const before = Date.now();
  const id = await store.experimentId('Default');
  const after = Date.now();
  assert.equal(id, '0');
  assert.deepEqual(listing(root), ['.trash/', '0/', '0/meta.yaml']);
  const text = read(root, '0', 'meta.yaml');
  const created = Number(/^creation_time: (\d+)$/m.exec(text)?.[1]);
  assert.ok(created >= before && created <= after, `creation_time ${created} within the call`);
  assert.equal(text, [
    `artifact_location: ${pathToFileURL(path.join(root, '0')).href}`,
    `creation_time: ${created}`,
    "experiment_id: '0'",
    `last_update_time: ${created}`,
    'lifecycle_stage: active',
    'name: Default',
    '',
  ].join('\n'));
});

test('a run: meta.yaml, params, metric lines, tags and artifacts, file by file', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const expId = await store.experimentId('mnist training');
  assert.match(expId, /^[1-9]\d*$/, 'experiment ids are integers, as MLflow makes them');
  assert.equal(await store.experimentId('mnist training'), expId, 'the same name gives the same experiment');
  const run = await store.startRun(expId, { runName: 'baseline', startTime: 1700000000000, tags: { team: 'vision' } });
  assert.match(run.runId, /^[0-9a-f]{32}$/, 'run ids are uuid4 hex, as MLflow makes them');
  const runDir = path.join(root, expId, run.runId);
  assert.equal(run.localArtifactDir, path.join(runDir, 'artifacts'));

  await run.logParams({ lr: 0.001, epochs: 3, shuffle: true, optimizer: 'adam' });
  await run.logMetric('loss', 0.5, 0, 1700000001000);
  await run.logMetric('loss', 0.25, 1, 1700000002000);
  await run.logMetrics([
    { key: 'accuracy', value: 1, step: 1, timestamp: 1700000002000 },
    { key: 'val/loss', value: 0.00001, step: 1, timestamp: 1700000002000 },
    { key: 'loss', value: NaN, step: 2, timestamp: 1700000003000 },
  ]);
  await run.setTags({ note: 'first try' });
  const model = path.join(tempDir(t), 'model.onnx');
  fs.writeFileSync(model, 'onnx bytes');
  await run.logArtifact(model, 'model');
  await run.end('FINISHED', 1700000004000);

  const artifactUri = pathToFileURL(path.join(root, expId, run.runId, 'artifacts')).href;
  assert.equal(read(runDir, 'meta.yaml'), [
    `artifact_uri: ${artifactUri}`,
    'deleted_time: null',
    'end_time: 1700000004000',
    "entry_point_name: ''",
    `experiment_id: '${expId}'`,
    'lifecycle_stage: active',
    `run_id: ${run.runId}`,
    'run_name: baseline',
    `run_uuid: ${run.runId}`,
    "source_name: ''",
    'source_type: 4',
    "source_version: ''",
    'start_time: 1700000000000',
    'status: 3',
    'tags: []',
    `user_id: ${user}`,
    '',
  ].join('\n'));
  assert.deepEqual(listing(runDir), [
    'artifacts/', 'artifacts/model/', 'artifacts/model/model.onnx', 'meta.yaml',
    'metrics/', 'metrics/accuracy', 'metrics/loss', 'metrics/val/', 'metrics/val/loss',
    'params/', 'params/epochs', 'params/lr', 'params/optimizer', 'params/shuffle',
    'tags/', 'tags/mlflow.runName', 'tags/mlflow.source.name', 'tags/mlflow.source.type', 'tags/mlflow.user', 'tags/note', 'tags/team',
  ]);
  // Params and tags: the value, no newline. Numbers as Python's str(), booleans as True/False.
  assert.equal(read(runDir, 'params', 'lr'), '0.001');
  assert.equal(read(runDir, 'params', 'epochs'), '3');
  assert.equal(read(runDir, 'params', 'shuffle'), 'True');
  assert.equal(read(runDir, 'params', 'optimizer'), 'adam');
  assert.equal(read(runDir, 'tags', 'mlflow.runName'), 'baseline');
  assert.equal(read(runDir, 'tags', 'mlflow.user'), user);
  assert.equal(read(runDir, 'tags', 'mlflow.source.type'), 'LOCAL');
  assert.equal(read(runDir, 'tags', 'note'), 'first try');
  // Metrics: "<timestamp> <value> <step>" per line, values as Python's repr of a float.
  assert.equal(read(runDir, 'metrics', 'loss'), '1700000001000 0.5 0\n1700000002000 0.25 1\n1700000003000 nan 2\n');
  assert.equal(read(runDir, 'metrics', 'accuracy'), '1700000002000 1.0 1\n');
  assert.equal(read(runDir, 'metrics', 'val', 'loss'), '1700000002000 1e-05 1\n');
  assert.equal(read(runDir, 'artifacts', 'model', 'model.onnx'), 'onnx bytes');
  // The experiment's own meta.yaml names it.
  assert.match(read(root, expId, 'meta.yaml'), /^name: mnist training$/m);
});

test('PyYAML reads our meta.yaml files as the same mappings (when python3 with yaml is here)', async t => {
  const probe = spawnSync('python3', ['-c', 'import yaml'], { encoding: 'utf8' });
  if (probe.status !== 0) return t.skip('python3 with PyYAML not available');
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const expId = await store.experimentId("name: with 'quotes' and # hash");
  const run = await store.startRun(expId, { runName: '123', startTime: 5 });
  await run.end('FAILED', 6);
  const files = [path.join(root, expId, 'meta.yaml'), path.join(root, expId, run.runId, 'meta.yaml')];
  const py = spawnSync('python3', ['-c', 'import sys, yaml, json; print(json.dumps([yaml.safe_load(open(f)) for f in sys.argv[1:]]))', ...files], { encoding: 'utf8' });
  assert.equal(py.status, 0, py.stderr);
  const [exp, meta] = JSON.parse(py.stdout);
  assert.equal(exp.name, "name: with 'quotes' and # hash");
  assert.equal(exp.experiment_id, expId, 'a string, not a number');
  assert.equal(meta.run_name, '123', 'a string, not a number');
  assert.equal(meta.status, 4);
  assert.equal(meta.end_time, 6);
  assert.equal(meta.deleted_time, null);
  assert.deepEqual(meta.tags, []);
});

test('reading back: runs with params, latest metrics, tags, status, times; histories; artifacts', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const expId = await store.experimentId('exp');
  const a = await store.startRun(expId, { runName: 'a', startTime: 1000 });
  await a.logParams({ depth: 4 });
  // The run's metric is the value of the largest step, then timestamp: not the last line.
  await a.logMetrics([
    { key: 'loss', value: 0.9, step: 0, timestamp: 10 },
    { key: 'loss', value: 0.3, step: 2, timestamp: 20 },
    { key: 'loss', value: 0.5, step: 1, timestamp: 30 },
  ]);
  const outputs = build(path.join(tempDir(t), 'outputs'), { 'pred.csv': 'y\n1\n', 'plots/roc.png': 'png' });
  await a.logArtifact(outputs);
  await a.end('FAILED', 5000);
  const b = await store.startRun(expId, { runName: 'b', startTime: 2000 });

  const runs = await store.searchRuns({ experimentIds: [expId] });
  assert.deepEqual(runs.map(r => r.info.runName), ['b', 'a'], 'newest first');
  const ra = runs[1];
  assert.equal(ra.info.status, 'FAILED');
  assert.equal(ra.info.startTime, 1000);
  assert.equal(ra.info.endTime, 5000);
  assert.equal(ra.info.userId, user);
  assert.deepEqual(ra.params, { depth: '4' });
  assert.deepEqual(ra.metrics.loss, { key: 'loss', value: 0.3, step: 2, timestamp: 20 });
  assert.equal(ra.tags['mlflow.runName'], 'a');
  assert.equal(runs[0].info.status, 'RUNNING');
  assert.equal(runs[0].info.endTime, undefined);
  assert.equal((await store.getRun(b.runId)).info.runName, 'b');

  assert.deepEqual((await store.metricHistory(a.runId, 'loss')).map(m => [m.step, m.value]), [[0, 0.9], [2, 0.3], [1, 0.5]], 'in logging order');
  assert.deepEqual(await store.metricHistory(a.runId, 'never-logged'), []);

  assert.deepEqual(await store.listArtifacts(a.runId), [
    { path: 'plots', isDir: true },
    { path: 'pred.csv', isDir: false, fileSize: 4 },
  ], "a folder's contents go to the artifact root (MLflow's log_artifacts)");
  assert.deepEqual(await store.listArtifacts(a.runId, 'plots'), [{ path: 'plots/roc.png', isDir: false, fileSize: 3 }]);
  assert.equal(read(await store.artifactFile(a.runId, 'plots/roc.png', '/unused')), 'png');
  await assert.rejects(store.artifactFile(a.runId, '../meta.yaml', '/unused'), /Invalid artifact path/);

  const exps = await store.listExperiments();
  assert.deepEqual(exps.map(e => e.name).sort(), ['Default', 'exp']);
});

test('files written into localArtifactDir are logged where they are, without copying', async t => {
  const store = new FileStore(path.join(tempDir(t), 'mlruns'));
  const run = await store.startRun(await store.experimentId('e'));
  const ckpt = path.join(run.localArtifactDir, 'checkpoints', 'epoch-1.bin');
  fs.mkdirSync(path.dirname(ckpt), { recursive: true });
  fs.writeFileSync(ckpt, 'weights');
  await run.logArtifact(ckpt);
  await run.logArtifact(path.join(run.localArtifactDir, 'checkpoints'));
  assert.deepEqual(await store.listArtifacts(run.runId), [{ path: 'checkpoints', isDir: true }]);
  assert.deepEqual(await store.listArtifacts(run.runId, 'checkpoints'), [{ path: 'checkpoints/epoch-1.bin', isDir: false, fileSize: 7 }]);
});

test('reads a store as MLflow wrote it, old and new fields alike', async t => {
  const root = build(path.join(tempDir(t), 'mlruns'), {
    '0/meta.yaml': 'artifact_location: ./mlruns/0\nexperiment_id: 0\nlifecycle_stage: active\nname: Default\n',
    '0/4f1d/meta.yaml': [
      'artifact_uri: ./mlruns/0/4f1d/artifacts', 'end_time: 1600000009000', "entry_point_name: ''", 'experiment_id: 0',
      'lifecycle_stage: active', 'name: \'\'', 'run_id: 4f1d', 'run_uuid: 4f1d', "source_name: ''", 'source_type: 4',
      "source_version: ''", 'start_time: 1600000000000', 'status: 3', 'tags: []', 'user_id: alice', '',
    ].join('\n'),
    // MLflow before 1.x wrote no step: two fields mean step 0.
    '0/4f1d/metrics/rmse': '1600000001000 0.78\n1600000002000 0.71\n',
    '0/4f1d/metrics/r2': '1600000001000 -inf 0\n1600000002000 1e-05 3\n',
    '0/4f1d/params/alpha': '0.5',
    '0/4f1d/tags/mlflow.runName': 'legacy-run',
    '0/4f1d/tags/mlflow.source.git.commit': 'abc123',
    '0/4f1d/artifacts/model/MLmodel': 'flavors: {}\n',
    '0/tags/mlflow.note.content': 'the default',
    '.trash': null,
    'models': null,
  });
  const store = new FileStore(root);
  const exps = await store.listExperiments();
  assert.deepEqual(exps.map(e => [e.experimentId, e.name, e.tags]), [['0', 'Default', { 'mlflow.note.content': 'the default' }]]);
  const runs = await store.searchRuns();
  assert.equal(runs.length, 1);
  const r = runs[0];
  assert.equal(r.info.runName, 'legacy-run', 'the run name from the tag when meta.yaml has none');
  assert.equal(r.info.experimentId, '0');
  assert.equal(r.info.status, 'FINISHED');
  assert.equal(r.info.endTime, 1600000009000);
  assert.deepEqual(r.metrics.rmse, { key: 'rmse', value: 0.71, step: 0, timestamp: 1600000002000 });
  assert.deepEqual(r.metrics.r2, { key: 'r2', value: 1e-5, step: 3, timestamp: 1600000002000 });
  assert.deepEqual((await store.metricHistory('4f1d', 'r2')).map(m => m.value), [-Infinity, 1e-5]);
  assert.deepEqual(r.params, { alpha: '0.5' });
  assert.deepEqual(await store.listArtifacts('4f1d', 'model'), [{ path: 'model/MLmodel', isDir: false, fileSize: 12 }]);
});

test('a store moved to another folder still finds its artifacts', async t => {
  const base = tempDir(t);
  const store = new FileStore(path.join(base, 'old'));
  const run = await store.startRun(await store.experimentId('e'));
  fs.writeFileSync(path.join(run.localArtifactDir, 'a.txt'), 'a');
  fs.renameSync(path.join(base, 'old'), path.join(base, 'new'));
  const moved = new FileStore(path.join(base, 'new'));
  assert.deepEqual(await moved.listArtifacts(run.runId), [{ path: 'a.txt', isDir: false, fileSize: 1 }]);
  assert.equal((await moved.openRun(run.runId)).localArtifactDir, path.join(base, 'new', run.experimentId, run.runId, 'artifacts'));
});

test('bad keys are refused with MLflow\'s reasons, and nothing is written outside the run', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const run = await store.startRun(await store.experimentId('e'));
  const before = listing(root);
  const cases: [string, RegExp][] = [
    ['../escape', /Invalid metric name: '\.\.\/escape'.*resolve to '\.\.\/escape'/],
    ['a/../../b', /Invalid metric name: 'a\/\.\.\/\.\.\/b'.*resolve to '\.\.\/b'/],
    ['/abs', /Invalid metric name: '\/abs'/],
    ['a//b', /would resolve to 'a\/b'/],
    ['dir/', /would resolve to 'dir'/],
    ['.', /would resolve to '\.'/],
    ['', /would resolve to '\.'/],
    ['what?', /Names may only contain alphanumerics/],
    ['tab\there', /Names may only contain alphanumerics/],
    ['x'.repeat(251), /more than the limit of 250/],
  ];
  for (const [key, message] of cases) {
    await assert.rejects(run.logMetric(key, 1), (err: unknown) => err instanceof UserError && message.test(err.message), `metric ${JSON.stringify(key)}`);
    await assert.rejects(run.logParams({ [key]: 1 }), UserError, `param ${JSON.stringify(key)}`);
    await assert.rejects(run.setTags({ [key]: 'v' }), UserError, `tag ${JSON.stringify(key)}`);
  }
  // Allowed: slashes make folders, spaces, dashes, dots, Unicode letters.
  await run.logMetric('val/top-5 acc.é', 0.9, 0, 1);
  await assert.rejects(run.logMetric('loss', Number('x') as never, 0, -1), /invalid timestamp -1/);
  await assert.rejects(run.logMetric('loss', 1, 0.5), /invalid step 0.5/);
  await assert.rejects(run.logMetric('loss', '1' as never), /must be a number/);
  await assert.rejects(run.logArtifact('/definitely/not/here'), /no such file or folder/);
  await assert.rejects(store.getRun('../0'), /Invalid run ID/);
  await assert.rejects(store.startRun('../x'), /Invalid experiment ID/);
  const after = listing(root);
  assert.ok(after.filter(p => !before.includes(p)).every(p => p.includes('/metrics/val/')), `only the valid metric was written: ${after.filter(p => !before.includes(p))}`);
});

test('params are immutable: the same value again is fine, a new one is refused', async t => {
  const store = new FileStore(path.join(tempDir(t), 'mlruns'));
  const run = await store.startRun(await store.experimentId('e'));
  await run.logParams({ lr: 0.1 });
  await run.logParams({ lr: 0.1 });
  await assert.rejects(run.logParams({ lr: 0.2 }), /Changing param values is not allowed. Param with key='lr' was already logged with value='0.1'/);
});

test('a malformed metric line is an error naming the file and line; a missing run names the store', async t => {
  const store = new FileStore(path.join(tempDir(t), 'mlruns'));
  const run = await store.startRun(await store.experimentId('e'));
  const file = path.join(run.localArtifactDir, '..', 'metrics', 'loss');
  fs.writeFileSync(file, '1 0.5 0\n2 oops 1\n');
  await assert.rejects(store.metricHistory(run.runId, 'loss'), (err: unknown) =>
    err instanceof UserError && err.file === file && err.line === 2 && /malformed/.test(err.message));
  await assert.rejects(store.getRun('0123456789abcdef'), (err: unknown) => err instanceof UserError && /no run with id 0123456789abcdef/.test(err.message));
  fs.writeFileSync(path.join(run.localArtifactDir, '..', 'meta.yaml'), 'run_id: [unclosed\n');
  await assert.rejects(store.getRun(run.runId), (err: unknown) => err instanceof UserError && /not valid YAML/.test(err.message) && err.line !== undefined);
  assert.deepEqual(await store.searchRuns(), [], 'a malformed run is left out of listings');
});

test('reading a store that does not exist yet lists nothing and creates nothing', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  assert.deepEqual(await store.listExperiments(), []);
  assert.deepEqual(await store.searchRuns(), []);
  assert.equal(fs.existsSync(root), false);
});

test('Python float repr for metric values', () => {
  const cases: [number, string][] = [
    [0.5, '0.5'], [1, '1.0'], [100, '100.0'], [-2.5, '-2.5'], [0, '0.0'], [0.1 + 0.2, '0.30000000000000004'],
    [1 / 3, '0.3333333333333333'], [0.0001, '0.0001'], [0.00001, '1e-05'], [1.2345e-7, '1.2345e-07'],
    [1e15, '1000000000000000.0'], [1e16, '1e+16'], [1.5e16, '1.5e+16'], [123456789012345.6, '123456789012345.6'],
    [12345678901234567890, '1.2345678901234567e+19'], [2.5e-300, '2.5e-300'], [5e-324, '5e-324'],
    [NaN, 'nan'], [Infinity, 'inf'], [-Infinity, '-inf'],
  ];
  for (const [x, want] of cases) assert.equal(pythonFloat(x), want, String(x));
});

test('openTracker and resolveTrackingUri: folders, file: URIs, http(s) URLs', t => {
  const dir = tempDir(t);
  assert.equal(openTracker(dir).kind, 'file');
  assert.equal((openTracker(pathToFileURL(dir).href) as FileStore).root, dir);
  assert.equal(openTracker('http://localhost:5000').kind, 'rest');
  assert.equal(openTracker('https://mlflow.example.com/').uri, 'https://mlflow.example.com');
  assert.throws(() => openTracker('databricks://profile'), /scheme "databricks:" are not supported/);
  assert.throws(() => openTracker(''), /no tracking URI/);
  assert.equal(resolveTrackingUri('', '/work', {}), path.resolve('/work/mlruns'));
  assert.equal(resolveTrackingUri('runs/here', '/work', {}), path.resolve('/work/runs/here'));
  assert.equal(resolveTrackingUri('', '/work', { MLFLOW_TRACKING_URI: 'http://srv:5000' }), 'http://srv:5000');
  assert.equal(resolveTrackingUri('http://a:1', '/work', { MLFLOW_TRACKING_URI: 'http://srv:5000' }), 'http://a:1');
});

// ---- concurrency ------------------------------------------------------------------------------

/** Runs a script in a separate Node process with the built store; resolves with its exit code. */
function nodeProcess(script: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script, ...args], { stdio: ['ignore', 'ignore', 'inherit'], cwd: repoRoot });
    child.on('error', reject);
    child.on('exit', code => resolve(code ?? -1));
  });
}

const STORE_MODULE = JSON.stringify(path.join(repoRoot, 'out', 'server', 'tracking', 'fileStore.js'));

test('concurrent metric appends from 4 processes: every line whole, none lost', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const run = await store.startRun(await store.experimentId('e'));
  const perWriter = 400;
  const script = `
    const { FileStore } = require(${STORE_MODULE});
    const [root, runId, writer, n] = process.argv.slice(1);
    (async () => {
      const run = await new FileStore(root).openRun(runId);
      // A long key and value make each line long, so torn writes would show.
      for (let i = 0; i < Number(n); i++) await run.logMetric('shared', Number(writer) * 1e6 + i + 0.123456789, Number(writer) * 1e6 + i, 1700000000000 + i);
    })().catch(e => { console.error(e); process.exit(1); });`;
  const codes = await Promise.all([1, 2, 3, 4].map(w => nodeProcess(script, [root, run.runId, String(w), String(perWriter)])));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  // In this process too, at the same time as nothing else: a batch is one write.
  const history = await store.metricHistory(run.runId, 'shared');
  assert.equal(history.length, 4 * perWriter);
  const steps = new Set(history.map(m => m.step));
  for (const w of [1, 2, 3, 4]) for (let i = 0; i < perWriter; i++) assert.ok(steps.has(w * 1e6 + i), `writer ${w} value ${i}`);
  for (const m of history) assert.equal(m.value, m.step + 0.123456789);
});

test('meta.yaml is replaced atomically: a reader never sees it torn while another process rewrites it', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const store = new FileStore(root);
  const run = await store.startRun(await store.experimentId('e'), { runName: 'start' });
  const meta = path.join(root, run.experimentId, run.runId, 'meta.yaml');
  const script = `
    const { FileStore } = require(${STORE_MODULE});
    const [root, runId] = process.argv.slice(1);
    (async () => {
      const run = await new FileStore(root).openRun(runId);
      for (let i = 0; i < 300; i++) await run.setTags({ 'mlflow.runName': 'name-' + i + '-' + 'x'.repeat(i % 50) });
    })().catch(e => { console.error(e); process.exit(1); });`;
  const writer = nodeProcess(script, [root, run.runId]);
  let reads = 0;
  let done = false;
  void writer.then(() => { done = true; });
  while (!done) {
    const text = fs.readFileSync(meta, 'utf8');
    assert.match(text, /^artifact_uri: .*\n(.*\n)*user_id: .*\n$/, `read ${reads}: whole file`);
    assert.match(text, /^run_name: (start|name-\d+-x*)$/m);
    reads++;
    await new Promise(r => setImmediate(r));
  }
  assert.equal(await writer, 0);
  assert.ok(reads > 10, `read ${reads} times while it was rewritten`);
  assert.equal((await store.getRun(run.runId)).info.runName, `name-299-${'x'.repeat(299 % 50)}`);
  assert.deepEqual(fs.readdirSync(path.dirname(meta)).filter(f => f.endsWith('.tmp')), [], 'no temporary files left');
});

test('two processes asking for the same new experiment get one experiment', async t => {
  const root = path.join(tempDir(t), 'mlruns');
  const out = tempDir(t);
  const script = `
    const fs = require('fs');
    const { FileStore } = require(${STORE_MODULE});
    const [root, file] = process.argv.slice(1);
    new FileStore(root).experimentId('shared experiment').then(id => fs.writeFileSync(file, id), e => { console.error(e); process.exit(1); });`;
  const files = [0, 1, 2, 3].map(i => path.join(out, `id${i}`));
  const codes = await Promise.all(files.map(f => nodeProcess(script, [root, f])));
  assert.deepEqual(codes, [0, 0, 0, 0]);
  const ids = new Set(files.map(f => fs.readFileSync(f, 'utf8')));
  assert.equal(ids.size, 1, `one id, got ${[...ids]}`);
  const exps = await new FileStore(root).listExperiments();
  assert.equal(exps.filter(e => e.name === 'shared experiment').length, 1);
});

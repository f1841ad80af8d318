// `mlw runs list` and `mlw runs show` on an mlruns folder written by the file store: the table,
// the JSON, the default store (./mlruns) and errors (exit 2, naming what is wrong).
import { test, type TestContext } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FileStore } from '../../server/tracking/fileStore';
import { mlw, tempDir } from './helpers';

async function store(t: TestContext) {
  const base = tempDir(t, 'mlw-cli-runs-');
  const root = path.join(base, 'mlruns');
  const s = new FileStore(root);
  const exp = await s.experimentId('iris');
  const a = await s.startRun(exp, { runName: 'first', startTime: Date.UTC(2026, 0, 2, 3, 4, 5) });
  await a.logParams({ lr: 0.1 });
  await a.logMetrics([{ key: 'loss', value: 0.5, step: 0, timestamp: 1 }, { key: 'loss', value: Infinity, step: 1, timestamp: 2 }, { key: 'acc', value: 0.875, step: 1, timestamp: 2 }]);
  const file = path.join(base, 'notes.txt');
  fs.writeFileSync(file, 'hello');
  await a.logArtifact(file, 'docs');
  await a.end('FINISHED', Date.UTC(2026, 0, 2, 3, 6, 10));
  const other = await s.experimentId('other');
  const b = await s.startRun(other, { runName: 'second', startTime: Date.UTC(2026, 0, 3) });
  return { base, root, a: a.runId, b: b.runId };
}

test('runs list: a table of every run, newest first; --experiment narrows it', async t => {
  const { base, root, a, b } = await store(t);
  const r = mlw(base, 'runs', 'list', '--tracking-uri', root);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.match(lines[0], /^RUN ID +EXPERIMENT +NAME +STATUS +STARTED +DURATION$/);
  assert.equal(lines.length, 3);
  assert.match(lines[1], new RegExp(`^${b} +other +second +RUNNING +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +running$`));
  assert.match(lines[2], new RegExp(`^${a} +iris +first +FINISHED +.* +2m 05s$`));
  const only = mlw(base, 'runs', 'list', '--experiment', 'iris', '--tracking-uri', root);
  assert.equal(only.stdout.trimEnd().split('\n').length, 2);
  assert.ok(only.stdout.includes(a) && !only.stdout.includes(b));
});

test('runs list --json: params, latest metrics (non-finite as strings), tags', async t => {
  const { base, root, a } = await store(t);
  const r = mlw(base, 'runs', 'list', '--json', '--experiment', 'iris', '--tracking-uri', `file://${root}`);
  assert.equal(r.status, 0, r.stderr);
  const [run] = JSON.parse(r.stdout);
  assert.equal(run.runId, a);
  assert.equal(run.experimentName, 'iris');
  assert.equal(run.status, 'FINISHED');
  assert.equal(run.startTime, Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(run.endTime, Date.UTC(2026, 0, 2, 3, 6, 10));
  assert.deepEqual(run.params, { lr: '0.1' });
  assert.deepEqual(run.metrics, { acc: { value: 0.875, step: 1, timestamp: 2 }, loss: { value: 'Infinity', step: 1, timestamp: 2 } });
  assert.equal(run.tags['mlflow.runName'], 'first');
});

test('runs show: the run in text and JSON, artifacts included', async t => {
  const { base, root, a } = await store(t);
  const r = mlw(base, 'runs', 'show', a, '--tracking-uri', root);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^run ${a}  first\n`));
  assert.match(r.stdout, /^experiment  iris \(\d+\)$/m);
  assert.match(r.stdout, /^status      FINISHED$/m);
  assert.match(r.stdout, /^params:\n  lr  0\.1$/m);
  assert.match(r.stdout, /^metrics:\n  acc   0\.875  \(step 1\)\n  loss  Infinity  \(step 1\)$/m);
  assert.match(r.stdout, /^artifact files:\n  docs\/notes\.txt  5 B$/m);
  const j = JSON.parse(mlw(base, 'runs', 'show', a, '--json', '--tracking-uri', root).stdout);
  assert.deepEqual(j.artifacts, [{ path: 'docs', isDir: true }, { path: 'docs/notes.txt', isDir: false, fileSize: 5 }]);
});

test('the default store is ./mlruns', async t => {
  if (process.env.MLFLOW_TRACKING_URI) return t.skip('MLFLOW_TRACKING_URI is set here');
  const { base, a } = await store(t);
  const r = mlw(base, 'runs', 'list');
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes(a));
});

test('errors: exit 2 and a message naming the problem', async t => {
  const { base, root } = await store(t);
  const cases: [string[], RegExp][] = [
    [['runs', 'show', 'ffffffffffffffff', '--tracking-uri', root], /^mlw: .*mlruns: no run with id ffffffffffffffff\n$/],
    [['runs', 'show', '--tracking-uri', root], /expected RUN_ID, got 0 argument/],
    [['runs', 'list', '--experiment', 'nope', '--tracking-uri', root], /no experiment named "nope" in .* \(there are: /],
    [['runs', 'list', '--tracking-uri', 's3://bucket/x'], /scheme "s3:" are not supported/],
    [['runs', 'list', '--bogus'], /Unknown option '--bogus'/],
  ];
  for (const [args, message] of cases) {
    const r = mlw(base, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stdout}`);
    assert.match(r.stderr, message, args.join(' '));
  }
});

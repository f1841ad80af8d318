// The data validation commands: `mlw stats`, `mlw schema infer`, `mlw validate` (exit 1 on anomalies).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlw, tempDir } from './helpers';

const TRAIN = 'age,city\n30,Paris\n40,Oslo\n50,Paris\n,Oslo\n';

test('mlw stats --json: statistics of a CSV in the proto3 JSON form', t => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.csv'), TRAIN);
  const r = mlw(dir, 'stats', 'train.csv', '--json');
  assert.equal(r.status, 0, r.stderr);
  const s = JSON.parse(r.stdout);
  assert.equal(s.datasets.length, 1);
  assert.equal(s.datasets[0].numExamples, '4'); // int64 as a string (proto3 JSON)
  const [age, city] = s.datasets[0].features;
  assert.deepEqual(age.path.step, ['age']);
  assert.equal(age.type, 'INT');
  assert.equal(age.numStats.commonStats.numMissing, '1');
  assert.equal(age.numStats.mean, 40); // (30 + 40 + 50) / 3
  assert.equal(city.type, 'STRING');
  assert.deepEqual(city.stringStats.topValues.map((v: { value: string }) => v.value).sort(), ['Oslo', 'Paris']);
});

test('mlw schema infer, then validate: clean data passes, an unknown category fails with exit 1', t => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.csv'), TRAIN);
  fs.writeFileSync(path.join(dir, 'serving.csv'), 'age,city\n35,Paris\n45,Lima\n');
  assert.equal(mlw(dir, 'schema', 'infer', 'train.csv', '-o', 'schema.pbtxt').status, 0);
  const schema = fs.readFileSync(path.join(dir, 'schema.pbtxt'), 'utf8');
  assert.match(schema, /string_domain \{\n  name: "city"\n  value: "Oslo"\n  value: "Paris"\n\}/);

  const clean = mlw(dir, 'validate', 'train.csv', '--schema', 'schema.pbtxt');
  assert.equal(clean.status, 0, clean.stdout + clean.stderr);
  const bad = mlw(dir, 'validate', 'serving.csv', '--schema', 'schema.pbtxt', '--json');
  assert.equal(bad.status, 1);
  const anomalies = JSON.parse(bad.stdout);
  assert.deepEqual(anomalies.anomalyInfo.city.reason.map((r: { type: string }) => r.type), ['ENUM_TYPE_UNEXPECTED_STRING_VALUES']);
  assert.match(anomalies.anomalyInfo.city.description, /Lima/);

  // An existing schema is not replaced unasked.
  const again = mlw(dir, 'schema', 'infer', 'train.csv', '-o', 'schema.pbtxt');
  assert.equal(again.status, 2);
  assert.match(again.stderr, /schema\.pbtxt: exists; pass --force/);
});

test('bad input: a schema with a syntax error and a CSV with an unterminated quote exit 2 naming line and column', t => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.csv'), TRAIN);
  fs.writeFileSync(path.join(dir, 'broken.pbtxt'), 'feature {\n  name: "age"\n  type: INT\n');
  const r = mlw(dir, 'validate', 'train.csv', '--schema', 'broken.pbtxt');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /broken\.pbtxt:\d+:\d+: /);
  fs.writeFileSync(path.join(dir, 'quote.csv'), 'a,b\n1,"open\n2,3\n');
  const q = mlw(dir, 'stats', 'quote.csv');
  assert.equal(q.status, 2);
  assert.match(q.stderr, /quote\.csv:2:\d+: .*quote/i);
});

test('mlw validate --tracking-uri records the validation as a run, drift distances included', t => {
  const dir = tempDir(t);
  fs.writeFileSync(path.join(dir, 'train.csv'), TRAIN);
  fs.writeFileSync(path.join(dir, 'today.csv'), 'age,city\n35,Paris\n45,Paris\n55,Paris\n65,Oslo\n');
  // L∞ drift comparator on city: Paris 2/4 → 3/4 is a difference of 0.25.
  fs.writeFileSync(path.join(dir, 'schema.pbtxt'), 'feature { name: "age" type: INT }\nfeature { name: "city" type: BYTES drift_comparator { infinity_norm { threshold: 0.1 } } }\n');
  const r = mlw(dir, 'validate', 'today.csv', '--schema', 'schema.pbtxt', '--previous', 'train.csv', '--tracking-uri', 'runs');
  assert.equal(r.status, 1, r.stderr);
  const runId = /recorded as run ([0-9a-f]{32})/.exec(r.stderr)?.[1];
  assert.ok(runId, r.stderr);
  const root = path.join(dir, 'runs');
  const experiment = fs.readdirSync(root).find(d => fs.existsSync(path.join(root, d, runId)))!;
  const run = path.join(root, experiment, runId);
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 3$/m);
  assert.equal(fs.readFileSync(path.join(run, 'params', 'previous'), 'utf8'), path.join(dir, 'train.csv'));
  assert.match(fs.readFileSync(path.join(run, 'metrics', 'drift.city'), 'utf8'), /^\d+ 0\.25 0\n$/);
  assert.match(fs.readFileSync(path.join(run, 'metrics', 'anomalies'), 'utf8'), /^\d+ 1\.0 0\n$/);
  assert.ok(JSON.parse(fs.readFileSync(path.join(run, 'artifacts', 'anomalies.json'), 'utf8')).anomalyInfo.city);
});

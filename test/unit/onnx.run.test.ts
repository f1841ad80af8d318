// Running ONNX models with ONNX Runtime: JSON inputs against hand-computed outputs, random inputs,
// summaries, bad inputs, the session cache, and models that cannot be loaded.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawnSync } from 'node:child_process';
import { onnx } from 'onnx-proto';
import { UserError } from '../../server/common/errors';
import { runModel } from '../../server/onnx/run';
import { SessionCache } from '../../server/onnx/runtime';
import { mlw, repoRoot, tempDir } from './helpers';
import { addModel, FLOAT, INT64, modelBytes, node, valueInfo } from './onnx.testModels';

const a = [[1, 2, 3], [4, 5, 6]];
const b = [[0.5, -1, 2], [10, 20, 30]];

function write(dir: string, name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

test('run with nested-array and {dims, data} inputs: outputs as computed by hand', async t => {
  const file = write(tempDir(t), 'add.onnx', addModel());
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const r = await runModel(cache, file, { inputs: { a, b } });
  assert.deepEqual(r.outputs, [{ name: 'y', type: 'float32', dims: [2, 3], values: [[1.5, 1, 5], [14, 25, 36]] }]);
  assert.deepEqual(r.inputs, [
    { name: 'a', type: 'float32', dims: [2, 3], random: false },
    { name: 'b', type: 'float32', dims: [2, 3], random: false },
  ]);
  assert.ok(r.latencyMs > 0 && r.loadMs > 0 && !r.cached);
  const flat = await runModel(cache, file, { inputs: { a: { dims: [1, 3], data: [1, 2, 3] }, b: { dims: [1, 3], data: [0.25, 0.25, 0.25] } } });
  assert.deepEqual(flat.outputs[0].values, [[1.25, 2.25, 3.25]]);
});

test('int64 inputs keep their exact values (decimal strings beyond 2^53)', async t => {
  const file = write(tempDir(t), 'add64.onnx', modelBytes({
    nodes: [node('Add', ['a', 'b'], ['y'])],
    inputs: [valueInfo('a', INT64, [2]), valueInfo('b', INT64, [2])],
    outputs: [valueInfo('y', INT64, [2])],
  }));
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const r = await runModel(cache, file, { inputs: { a: ['9007199254740993', 5], b: [1, -7] } });
  assert.deepEqual(r.outputs[0].values, ['9007199254740994', -2]);
});

test('bool outputs are booleans and float16 outputs numbers', async t => {
  const file = write(tempDir(t), 'types.onnx', modelBytes({
    nodes: [
      node('Greater', ['a', 'b'], ['gt']),
      node('Cast', ['a'], ['half'], 'cast', { attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: onnx.TensorProto.DataType.FLOAT16 }] }),
    ],
    inputs: [valueInfo('a', FLOAT, [3]), valueInfo('b', FLOAT, [3])],
    outputs: [valueInfo('gt', onnx.TensorProto.DataType.BOOL, [3]), valueInfo('half', onnx.TensorProto.DataType.FLOAT16, [3])],
  }));
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const r = await runModel(cache, file, { inputs: { a: [0.5, -2, 65504], b: [1, -3, 0] } });
  assert.deepEqual(r.outputs.map(o => [o.name, o.type, o.values]), [['gt', 'bool', [false, true, true]], ['half', 'float16', [0.5, -2, 65504]]]);
});

test('bad inputs are errors naming the input and what is wrong', async t => {
  const file = write(tempDir(t), 'add.onnx', addModel());
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const fails = (inputs: unknown, pattern: RegExp) =>
    assert.rejects(runModel(cache, file, { inputs: inputs as never, inputsSource: 'in.json' }), (e: UserError) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, pattern);
      return true;
    });
  await fails({ a, b, c: a }, /^in\.json: the model has no input "c" \(its inputs: a, b\)$/);
  await fails({ a }, /^in\.json: no value for input "b" \(its inputs: a, b\)$/);
  await fails({ a: [[1, 2, 3], [4, 5]], b }, /^in\.json: "a"\[1\]: expected a list of 3 \(ragged array/);
  await fails({ a: [[1, 2, 3, 4]], b: [[1, 2, 3, 4]] }, /^in\.json: "a": shape \[1, 4\] does not match the model's \[batch, 3\] \(dimension 1\)$/);
  await fails({ a: [1, 2, 3], b }, /^in\.json: "a": shape \[3\] has rank 1, the model expects \[batch, 3\]$/);
  await fails({ a: [[1, 'x', 3]], b: [[1, 2, 3]] }, /^in\.json: "a"\[1\] \(flat index\): expected a number, got "x"$/);
  await fails({ a: { dims: [2, 3], data: [1, 2] }, b }, /^in\.json: "a": dims \[2, 3\] hold 6 values but data has 2$/);
  await fails([1, 2], /^in\.json: expected an object mapping input names to tensors$/);
});

test('random inputs: symbolic dims are 1, the same seed gives the same values', async t => {
  const file = write(tempDir(t), 'add.onnx', addModel());
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const one = await runModel(cache, file, { seed: 5 });
  const again = await runModel(cache, file, { seed: 5 });
  const other = await runModel(cache, file, { seed: 6 });
  assert.deepEqual(one.inputs.map(i => [i.name, i.dims, i.random]), [['a', [1, 3], true], ['b', [1, 3], true]]);
  assert.deepEqual(one.outputs, again.outputs);
  assert.notDeepEqual(one.outputs, other.outputs);
  // Sums of two values in [0, 1).
  for (const v of (one.outputs[0].values as number[][])[0]) assert.ok(v >= 0 && v < 2);
});

test('large outputs are summarised: count, min, max, mean and the first values', async t => {
  const file = write(tempDir(t), 'big.onnx', modelBytes({
    nodes: [node('Identity', ['x'], ['y'])],
    inputs: [valueInfo('x', FLOAT, [2, 1500])],
    outputs: [valueInfo('y', FLOAT, [2, 1500])],
  }));
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const data = Array.from({ length: 3000 }, (_, i) => i / 10);
  const r = await runModel(cache, file, { inputs: { x: { dims: [2, 1500], data } } });
  const y = r.outputs[0];
  assert.equal(y.values, undefined);
  assert.equal(y.summary!.count, 3000);
  assert.equal(y.summary!.min, 0);
  assert.ok(Math.abs(y.summary!.max! - 299.9) < 1e-4);
  assert.ok(Math.abs(y.summary!.mean! - 149.95) < 1e-3);
  assert.deepEqual(y.summary!.first, data.slice(0, 16).map(Math.fround));
  const all = await runModel(cache, file, { inputs: { x: { dims: [2, 1500], data } }, maxValues: 3000 });
  assert.equal((all.outputs[0].values as number[][])[1].length, 1500);
});

test('sessions are cached per file version: reused, replaced when the file changes, evicted beyond the bound', async t => {
  const dir = tempDir(t);
  const file = write(dir, 'op.onnx', addModel('Add'));
  const cache = new SessionCache(2);
  t.after(() => cache.dispose());
  const first = await runModel(cache, file, { inputs: { a, b } });
  const second = await runModel(cache, file, { inputs: { a, b } });
  assert.equal(first.cached, false);
  assert.equal(second.cached, true);
  assert.equal(second.loadMs, 0);
  assert.deepEqual(cache.stats, { hits: 1, misses: 1, evictions: 0 });

  // Rewritten in place with a model of the same size: a - b now.
  const sub = addModel('Sub');
  assert.equal(sub.length, addModel('Add').length);
  fs.writeFileSync(file, sub);
  const changed = await runModel(cache, file, { inputs: { a, b } });
  assert.equal(changed.cached, false);
  assert.deepEqual(changed.outputs[0].values, [[0.5, 3, 1], [-6, -15, -24]]);
  // Replaced by a rename (another inode): a · b.
  const tmp = write(dir, 'op.onnx.tmp', addModel('Mul'));
  fs.renameSync(tmp, file);
  const renamed = await runModel(cache, file, { inputs: { a, b } });
  assert.equal(renamed.cached, false);
  assert.deepEqual(renamed.outputs[0].values, [[0.5, -2, 6], [40, 100, 180]]);
  assert.equal(cache.size, 1);

  const other1 = write(dir, 'o1.onnx', addModel());
  const other2 = write(dir, 'o2.onnx', addModel());
  await runModel(cache, other1, { inputs: { a, b } });
  await runModel(cache, other2, { inputs: { a, b } });
  assert.equal(cache.size, 2);
  assert.equal(cache.stats.evictions, 1);
  assert.equal((await runModel(cache, file, { inputs: { a, b } })).cached, false, 'the least recently used one was evicted');
  assert.equal((await runModel(cache, other2, { inputs: { a, b } })).cached, true);
});

test('models ONNX Runtime cannot load: truncated, unknown operator, external data missing or present', async t => {
  const dir = tempDir(t);
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const bytes = addModel();
  const truncated = write(dir, 'truncated.onnx', bytes.subarray(0, bytes.length - 7));
  await assert.rejects(runModel(cache, truncated), (e: UserError) => e.file === truncated && /truncated or not an ONNX model/.test(e.message));

  const unknown = write(dir, 'unknown.onnx', modelBytes({
    nodes: [node('Frobnicate', ['x'], ['y'], 'frob')], inputs: [valueInfo('x', FLOAT, [3])], outputs: [valueInfo('y', FLOAT, [3])],
  }));
  await assert.rejects(runModel(cache, unknown), (e: UserError) => e.file === unknown && /^ONNX Runtime cannot load the model: .*Frobnicate/s.test(e.message));

  const external: onnx.ITensorProto = {
    name: 'w', dims: [3], dataType: FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '4' }, { key: 'length', value: '12' }],
  };
  const ext = write(dir, 'ext.onnx', modelBytes({
    nodes: [node('Add', ['x', 'w'], ['y'])], inputs: [valueInfo('x', FLOAT, [3])], outputs: [valueInfo('y', FLOAT, [3])], initializers: [external],
  }));
  await assert.rejects(runModel(cache, ext, { inputs: { x: [1, 1, 1] } }), (e: UserError) => e.file === ext && /external data file "w\.bin" of tensor "w" not found/.test(e.message));
  // The data file, resolved relative to the model, with 4 bytes before the tensor's.
  fs.writeFileSync(path.join(dir, 'w.bin'), Buffer.from(new Float32Array([99, 10, 20, 30]).buffer));
  const r = await runModel(cache, ext, { inputs: { x: [1, 2, 3] } });
  assert.deepEqual(r.outputs[0].values, [11, 22, 33]);
});

test('a model above protobuf\'s 2 GB limit is refused before it is read', async t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'huge.onnx');
  fs.writeFileSync(file, '');
  fs.truncateSync(file, 2 ** 31 + 16); // sparse: takes no space
  const cache = new SessionCache();
  t.after(() => cache.dispose());
  const t0 = performance.now();
  await assert.rejects(runModel(cache, file), (e: UserError) => e.file === file && /above protobuf's 2 GB limit/.test(e.message));
  assert.ok(performance.now() - t0 < 2000);
  for (const command of ['inspect', 'check']) {
    const r = mlw(dir, 'onnx', command, 'huge.onnx');
    assert.equal(r.status, 2);
    assert.match(r.stderr, /huge\.onnx: the model is 2\.00 GiB, above protobuf's 2 GB limit/);
  }
});

test('mlw onnx run: --input JSON, --json, random inputs, exit codes', t => {
  const dir = tempDir(t);
  write(dir, 'add.onnx', addModel());
  fs.writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ a, b }));
  const json = mlw(dir, 'onnx', 'run', 'add.onnx', '--input', 'in.json', '--json', '--threads', '1', '--repeat', '3');
  assert.equal(json.status, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.deepEqual(r.outputs, [{ name: 'y', type: 'float32', dims: [2, 3], values: [[1.5, 1, 5], [14, 25, 36]] }]);
  assert.equal(r.latenciesMs.length, 3);
  assert.equal(r.threads, 1);

  const text = mlw(dir, 'onnx', 'run', 'add.onnx', '--input', 'in.json');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^add\.onnx: ran in \d+\.\d{3} ms; session opened in \d+\.\d ms\ninput {2}a {2}float32 \[2, 3\]\ninput {2}b {2}float32 \[2, 3\]\noutput y {2}float32 \[2, 3\]: \[\[1\.5,1,5\],\[14,25,36\]\]\n$/);

  const random = mlw(dir, 'onnx', 'run', 'add.onnx', '--seed', '3');
  assert.equal(random.status, 0, random.stderr);
  assert.match(random.stdout, /input {2}a {2}float32 \[1, 3\] \(random, seed 3\)/);

  fs.writeFileSync(path.join(dir, 'bad.json'), '{"a": [[1, 2, 3]]');
  const bad = mlw(dir, 'onnx', 'run', 'add.onnx', '--input', 'bad.json');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^mlw: bad\.json: cannot read the inputs: /);
  const missing = mlw(dir, 'onnx', 'run', 'nowhere.onnx');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /^mlw: .*nowhere\.onnx: file not found/);
});

test('mlw onnx run --tracking-uri records the inference as a run; a failing one as FAILED', t => {
  const dir = tempDir(t);
  write(dir, 'add.onnx', addModel());
  fs.writeFileSync(path.join(dir, 'in.json'), JSON.stringify({ a, b }));
  const ok = mlw(dir, 'onnx', 'run', 'add.onnx', '--input', 'in.json', '--tracking-uri', 'runs');
  assert.equal(ok.status, 0, ok.stderr);
  const runId = /recorded as run ([0-9a-f]{32})/.exec(ok.stderr)?.[1];
  assert.ok(runId, ok.stderr);
  const root = path.join(dir, 'runs');
  const experiment = fs.readdirSync(root).find(d => fs.existsSync(path.join(root, d, runId)))!;
  const run = path.join(root, experiment, runId);
  assert.equal(fs.readFileSync(path.join(run, 'params', 'model'), 'utf8'), path.join(dir, 'add.onnx'));
  assert.equal(fs.readFileSync(path.join(run, 'params', 'inputs'), 'utf8'), path.join(dir, 'in.json'));
  assert.match(fs.readFileSync(path.join(run, 'metrics', 'latency_ms'), 'utf8'), /^\d+ \d+(\.\d+)?(e-?\d+)? 0\n$/);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(run, 'artifacts', 'outputs.json'), 'utf8'))[0].values, [[1.5, 1, 5], [14, 25, 36]]);

  fs.writeFileSync(path.join(dir, 'wrong.json'), JSON.stringify({ a }));
  const failed = mlw(dir, 'onnx', 'run', 'add.onnx', '--input', 'wrong.json', '--tracking-uri', 'runs');
  assert.equal(failed.status, 2);
  const statuses = fs.readdirSync(path.join(root, experiment)).filter(d => fs.existsSync(path.join(root, experiment, d, 'meta.yaml')))
    .map(d => /^status: (\d)$/m.exec(fs.readFileSync(path.join(root, experiment, d, 'meta.yaml'), 'utf8'))?.[1]).sort();
  assert.deepEqual(statuses, ['3', '4'], 'one FINISHED, one FAILED');
});

test('without onnxruntime-node, run says so clearly and inspect still works', t => {
  // The CLI bundle alone, where no node_modules can be found.
  const dir = tempDir(t);
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.copyFileSync(path.join(repoRoot, 'dist', 'cli.js'), path.join(dir, 'dist', 'cli.js'));
  write(dir, 'add.onnx', addModel());
  const cli = (...args: string[]) => spawnSync(process.execPath, [path.join(dir, 'dist', 'cli.js'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, NODE_PATH: '' } });
  const run = cli('onnx', 'run', 'add.onnx');
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /^mlw: ONNX Runtime \(onnxruntime-node\) cannot be loaded on this machine \(linux-x64\): Cannot find module 'onnxruntime-node'.*Inspecting and checking ONNX models works without it/s);
  const inspect = cli('onnx', 'inspect', 'add.onnx', '--json');
  assert.equal(inspect.status, 0, inspect.stderr);
  assert.equal(JSON.parse(inspect.stdout).nodeCount, 1);
});

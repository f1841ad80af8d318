// Model folders (model.json + weight shards) read with stock tf.loadLayersModel, written back,
// and exported by `mlw onnx export`; bad folders are errors naming the file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { UserError } from '../../server/common/errors';
import { exportModelFolder } from '../../server/onnx/exportFolder';
import { defineGruResetAfter } from '../../server/onnx/gruResetAfter';
import { loadLayersModel, readModelFolder, saveModelFolder } from '../../server/onnx/modelFolder';
import { mlw, tempDir } from './helpers';
import { maxAbsDiff, ort, predict, runOnnx, sequential, tf, uniform } from './onnx.testModels';

const L = () => tf.layers;
const GruResetAfter = defineGruResetAfter(tf);

/** The seed model of the benchmark, scaled down: LSTM → Dropout → LSTM → Flatten → Dense → Dropout → Dense(softmax). */
function seedLikeModel() {
  return sequential([
    L().lstm({ units: 6, inputShape: [5, 1], returnSequences: true }),
    L().dropout({ rate: 0.2 }),
    L().lstm({ units: 6, returnSequences: true }),
    L().flatten(),
    L().dense({ units: 8 }),
    L().dropout({ rate: 0.3 }),
    L().dense({ units: 4, activation: 'softmax' }),
  ]);
}

test('a saved folder loads back with stock tfjs and predicts the same', async t => {
  const dir = tempDir(t, 'mlw-onnx-folder-');
  const model = seedLikeModel();
  const file = await saveModelFolder(model, dir);
  assert.equal(file, path.join(dir, 'model.json'));
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  assert.equal(json.format, 'layers-model');
  assert.deepEqual(json.weightsManifest[0].paths, ['weights.bin']);
  const loaded = await loadLayersModel(await readModelFolder(dir));
  const x = uniform(2 * 5, 1);
  assert.deepEqual(predict(loaded, x, [2, 5, 1]).values, predict(model, x, [2, 5, 1]).values);
});

test('a GRU with reset_after=True is saved as a standard Keras GRU and loaded back as one', async t => {
  const dir = tempDir(t, 'mlw-onnx-folder-');
  const model = sequential([new GruResetAfter({ units: 3, inputShape: [4, 2], name: 'gru' })]);
  await saveModelFolder(model, dir);
  const layer = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8')).modelTopology.config.layers[0];
  assert.equal(layer.class_name, 'GRU');
  assert.equal(layer.config.reset_after, true);
  const loaded = await loadLayersModel(await readModelFolder(path.join(dir, 'model.json')));
  const x = uniform(4 * 2, 2);
  assert.deepEqual(predict(loaded, x, [1, 4, 2]).values, predict(model, x, [1, 4, 2]).values);
});

test('weights written by Keras under layer/cell/name (TF 2.2+) load too', async t => {
  const dir = tempDir(t, 'mlw-onnx-folder-');
  const model = sequential([new GruResetAfter({ units: 2, inputShape: [3, 1], name: 'gru' })]);
  await saveModelFolder(model, dir);
  const file = path.join(dir, 'model.json');
  const json = JSON.parse(fs.readFileSync(file, 'utf8'));
  for (const w of json.weightsManifest[0].weights) w.name = w.name.replace('gru/', 'gru/gru_cell/');
  fs.writeFileSync(file, JSON.stringify(json));
  const loaded = await loadLayersModel(await readModelFolder(dir));
  const x = uniform(3, 3);
  assert.deepEqual(predict(loaded, x, [1, 3, 1]).values, predict(model, x, [1, 3, 1]).values);
});

test('bad folders: errors name the file and say what is wrong', async t => {
  const dir = tempDir(t, 'mlw-onnx-folder-');
  const fails = (target: string, file: string, pattern: RegExp) => assert.rejects(readModelFolder(target), (e: UserError) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.file, file);
    assert.match(e.message, pattern);
    return true;
  });
  await fails(path.join(dir, 'nothing'), path.join(dir, 'nothing'), /^no such file or folder$/);
  await fails(dir, dir, /^no model\.json in this folder$/);
  const file = path.join(dir, 'model.json');
  fs.writeFileSync(file, '{"modelTopology": ');
  await fails(dir, file, /not valid JSON/);
  fs.writeFileSync(file, '{"format": "graph-model", "modelTopology": {"node": []}}');
  await fails(dir, file, /this is a TensorFlow\.js graph model/);

  await saveModelFolder(sequential([L().dense({ units: 3, inputShape: [2] })]), dir);
  const shard = path.join(dir, 'weights.bin');
  const bytes = fs.readFileSync(shard);
  fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 4));
  await fails(dir, file, /^the weights take 36 bytes but the weight files hold 32$/);
  fs.rmSync(shard);
  await fails(dir, file, /weights file "weights\.bin"/);
});

test('exportModelFolder writes the .onnx file and reports parity ≤ 1e-5', async t => {
  const dir = tempDir(t, 'mlw-onnx-folder-');
  const model = seedLikeModel();
  await saveModelFolder(model, path.join(dir, 'seed'));
  const output = path.join(dir, 'out', 'seed.onnx');
  const steps: string[] = [];
  const r = await exportModelFolder(path.join(dir, 'seed'), output, { onProgress: m => steps.push(m) });
  assert.deepEqual(steps, ['reading the model', 'loading it in TensorFlow.js', 'converting to ONNX', 'checking parity with ONNX Runtime']);
  assert.equal(r.file, output);
  assert.equal(r.bytes, fs.statSync(output).size);
  assert.ok('maxAbsDiff' in r.parity && r.parity.ok && r.parity.maxAbsDiff <= 1e-5, JSON.stringify(r.parity));
  const proto = onnx.ModelProto.decode(fs.readFileSync(output));
  assert.equal(proto.metadataProps.find(p => p.key === 'source_model')!.value, path.join('..', 'seed', 'model.json'));
  // The file on disk runs in ONNX Runtime like the model.
  const x = uniform(5, 4);
  const out = await runOnnx(fs.readFileSync(output), { [r.input.name]: new ort.Tensor('float32', x, [1, 5, 1]) });
  assert.ok(maxAbsDiff(out[r.output.name].data as Float32Array, predict(model, x, [1, 5, 1]).values) <= 1e-5);
});

test('mlw onnx export: parity printed, --json, --opset, exit codes', async t => {
  const dir = tempDir(t, 'mlw-onnx-cli-');
  await saveModelFolder(seedLikeModel(), path.join(dir, 'm'));
  const text = mlw(dir, 'onnx', 'export', 'm', '-o', 'm.onnx');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /wrote m\.onnx \(.*, opset 17\): 7 layers → \d+ ONNX nodes/);
  assert.match(text.stdout, /lstm_LSTM\d+ \(LSTM\) +Transpose, LSTM, Squeeze, Transpose/);
  assert.match(text.stdout, /parity with TensorFlow\.js: max abs diff \d\.\d\de-\d+ over 8 values .*: ok/);

  const json = mlw(dir, 'onnx', 'export', 'm', '-o', 'm13.onnx', '--opset', '13', '--json');
  assert.equal(json.status, 0, json.stderr);
  const r = JSON.parse(json.stdout);
  assert.equal(r.opset, 13);
  assert.ok(r.parity.maxAbsDiff <= 1e-5);
  assert.deepEqual(r.input.shape, ['batch', 5, 1]);

  const badOpset = mlw(dir, 'onnx', 'export', 'm', '-o', 'x.onnx', '--opset', '11');
  assert.equal(badOpset.status, 2);
  assert.match(badOpset.stderr, /opset 11 is not supported: choose 13 to 21/);
  const missing = mlw(dir, 'onnx', 'export', 'nowhere', '-o', 'x.onnx');
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nowhere: no such file or folder/);
  assert.ok(!fs.existsSync(path.join(dir, 'x.onnx')));

  // Tolerance 0: float32 sums taken in another order differ in the last bits (this model's
  // difference is about 1e-8), so the difference is reported, exit 1, and the file is still written.
  const strict = mlw(dir, 'onnx', 'export', 'm', '-o', 'strict.onnx', '--tolerance', '0');
  assert.equal(strict.status, 1, strict.stdout + strict.stderr);
  assert.match(strict.stdout, /ABOVE TOLERANCE/);
  assert.match(strict.stderr, /differs from TensorFlow\.js by/);
  assert.ok(fs.existsSync(path.join(dir, 'strict.onnx')));
});

test('mlw onnx export of unsupported layers lists them all and writes nothing', async t => {
  const dir = tempDir(t, 'mlw-onnx-cli-');
  await saveModelFolder(tf.sequential({
    layers: [L().conv1d({ filters: 2, kernelSize: 2, inputShape: [6, 3], name: 'conv' }), L().flatten(), L().batchNormalization({ name: 'norm' })],
  }), path.join(dir, 'm'));
  const r = mlw(dir, 'onnx', 'export', 'm', '-o', 'm.onnx');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /m\/model\.json: cannot export to ONNX: 2 unsupported layers: conv \(Conv1D\): .*; norm \(BatchNormalization\)/);
  assert.ok(!fs.existsSync(path.join(dir, 'm.onnx')));
});

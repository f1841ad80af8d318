// Models saved by our runtime (fused LSTM/GRU, file IOHandler) are standard TensorFlow.js layers
// models: stock tf.loadLayersModel loads them with the stock layer classes and Keras weight
// names and shapes, and predicts what the saved model predicted.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../server/ml/backend';
import { buildModel } from '../../server/ml/buildModel';
import type { ModelSpec } from '../../server/ml/config';
import { FusedGRU, FusedLSTM } from '../../server/ml/layers';
import { fileIO, loadModel } from '../../server/ml/modelIO';
import { tempDir } from './helpers';

before(async () => {
  await selectBackend(tf, { backend: 'wasm' });
});

const SPEC: ModelSpec = {
  layers: [
    { type: 'Embedding', inputDim: 20, outputDim: 8 },
    { type: 'LSTM', units: 6, returnSequences: true },
    { type: 'GRU', units: 5 },
    { type: 'Dense', units: 3, activation: 'softmax' },
  ],
};
const ids = () => tf.tensor2d([[1, 4, 9, 0, 19], [3, 3, 2, 18, 7]], [2, 5]);

function maxDiff(a: tf.Tensor, b: tf.Tensor): number {
  return tf.max(tf.abs(tf.sub(a, b))).dataSync()[0];
}

test('a saved model is a standard layers model: Keras class names, weight names and shapes, sigmoid gates', async t => {
  const dir = tempDir(t);
  const model = buildModel(SPEC, [5], 1);
  await model.save(fileIO(dir));
  assert.deepEqual(fs.readdirSync(dir).sort(), ['model.json', 'weights.bin']);
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.equal(json.format, 'layers-model');
  const layers = json.modelTopology.config.layers;
  assert.deepEqual(layers.map((l: { class_name: string }) => l.class_name), ['Embedding', 'LSTM', 'GRU', 'Dense']);
  assert.equal(layers[1].config.recurrent_activation, 'sigmoid');
  assert.equal(layers[2].config.reset_after, false);
  const weights = json.weightsManifest[0].weights.map((w: { name: string; shape: number[] }) => [w.name, w.shape]);
  assert.deepEqual(weights, [
    ['embedding/embeddings', [20, 8]],
    ['lstm/kernel', [8, 24]], ['lstm/recurrent_kernel', [6, 24]], ['lstm/bias', [24]],
    ['gru/kernel', [6, 15]], ['gru/recurrent_kernel', [5, 15]], ['gru/bias', [15]],
    ['dense/kernel', [5, 3]], ['dense/bias', [3]],
  ]);
  const bytes = (weights as [string, number[]][]).reduce((s, [, shape]) => s + 4 * shape.reduce((a, b) => a * b, 1), 0);
  assert.equal(fs.statSync(path.join(dir, 'weights.bin')).size, bytes);
});

test('stock tf.loadLayersModel loads it with the stock LSTM/GRU classes and predicts the same; our loader uses the fused ones', async t => {
  const dir = tempDir(t);
  const model = buildModel(SPEC, [5], 2);
  const expected = model.predict(ids()) as tf.Tensor;
  await model.save(fileIO(dir));

  const stock = await tf.loadLayersModel(fileIO(dir));
  assert.equal(stock.layers[1].constructor, tf.layers.lstm({ units: 1 }).constructor);
  assert.ok(!(stock.layers[1] instanceof FusedLSTM));
  assert.equal(stock.layers[2].getClassName(), 'GRU');
  assert.ok(maxDiff(stock.predict(ids()) as tf.Tensor, expected) < 1e-6);

  const ours = await loadModel(dir);
  assert.ok(ours.layers[1] instanceof FusedLSTM);
  assert.ok(ours.layers[2] instanceof FusedGRU);
  assert.ok(maxDiff(ours.predict(ids()) as tf.Tensor, expected) < 1e-6);
  // Saving what was loaded gives the same files.
  const again = tempDir(t);
  await ours.save(fileIO(again));
  assert.deepEqual(fs.readFileSync(path.join(again, 'weights.bin')), fs.readFileSync(path.join(dir, 'weights.bin')));
});

test('a GRU with reset_after=True saves as Keras does (bias [2, 3U]); stock tfjs refuses it, our loader reproduces it', async t => {
  const dir = tempDir(t);
  const model = buildModel({ layers: [{ type: 'GRU', units: 4, resetAfter: true }, { type: 'Dense', units: 1 }] }, [6, 3], 3);
  const x = tf.randomUniform([2, 6, 3], -1, 1, 'float32', 4);
  const expected = model.predict(x) as tf.Tensor;
  await model.save(fileIO(dir));
  const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
  assert.equal(json.modelTopology.config.layers[0].config.reset_after, true);
  assert.deepEqual(json.weightsManifest[0].weights[2], { name: 'gru/bias', shape: [2, 12], dtype: 'float32' });
  await assert.rejects(tf.loadLayersModel(fileIO(dir)), /reset_after/);
  const ours = await loadModel(dir);
  assert.ok(maxDiff(ours.predict(x) as tf.Tensor, expected) < 1e-6);
});

test('bad model folders are errors naming the file', async t => {
  const dir = tempDir(t);
  await assert.rejects(loadModel(dir), (e: Error & { file?: string }) => e.name === 'UserError' && e.file === path.join(dir, 'model.json') && /cannot read the model \(ENOENT\)/.test(e.message));
  const model = buildModel({ layers: [{ type: 'Dense', units: 2 }] }, [3]);
  await model.save(fileIO(dir));
  fs.rmSync(path.join(dir, 'weights.bin'));
  await assert.rejects(loadModel(dir), /cannot read the weights file "weights.bin" \(ENOENT\)/);
  fs.writeFileSync(path.join(dir, 'model.json'), '{ nope');
  await assert.rejects(loadModel(dir), /not valid JSON/);
});

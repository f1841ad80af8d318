// An Embedding layer trains on the wasm backend (its gradient needs UnsortedSegmentSum, which
// stock tfjs-backend-wasm lacks; server/ml/wasmKernels.ts adds it), with the same gradient as
// on the cpu backend and as counted by hand.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../server/ml/backend';
import { datasetFromArrays } from '../../server/ml/data';
import { trainModel } from '../../server/ml/train';
import { prng } from '../../bench/common/measure';
import { tempDir } from './helpers';

before(async () => {
  await selectBackend(tf, { backend: 'wasm' });
});

const IDS = [[1, 3, 3, 5], [6, 0, 1, 3]];
const VOCAB = 7;
const DIM = 4;
const random = prng(3);
const TABLE = Array.from({ length: VOCAB * DIM }, () => random() - 0.5);
const W = Array.from({ length: 2 * 4 * DIM }, () => random() - 0.5);

/** d/dE of Σ embedding(ids) ⊙ W on `backend`. */
async function embeddingGradient(backend: string): Promise<number[]> {
  await tf.setBackend(backend);
  const layer = tf.layers.embedding({ inputDim: VOCAB, outputDim: DIM });
  const ids = tf.tensor2d(IDS, [2, 4], 'int32');
  layer.apply(ids);
  layer.setWeights([tf.tensor2d(TABLE, [VOCAB, DIM])]);
  const table = layer.trainableWeights[0].read() as tf.Variable;
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(ids) as tf.Tensor, tf.tensor3d(W, [2, 4, DIM]))) as tf.Scalar, [table]);
  return Array.from(grads[table.name].dataSync());
}

test('the gradient of an Embedding layer on wasm equals the cpu backend\'s and the hand count', async () => {
  const wasm = await embeddingGradient('wasm');
  const cpu = await embeddingGradient('cpu');
  wasm.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]) < 1e-6, `element ${i}: ${v} vs ${cpu[i]}`));
  // Row r of the gradient is the sum of W over the positions whose id is r.
  const expected = new Array(VOCAB * DIM).fill(0);
  IDS.flat().forEach((id, pos) => { for (let k = 0; k < DIM; k++) expected[id * DIM + k] += W[pos * DIM + k]; });
  wasm.forEach((v, i) => assert.ok(Math.abs(v - expected[i]) < 1e-6, `element ${i}: ${v} vs ${expected[i]}`));
  assert.deepEqual(wasm.slice(2 * DIM, 3 * DIM), [0, 0, 0, 0]); // id 2 never occurs
});

test('a model with an Embedding layer trains on wasm: the loss falls and it learns the task', async t => {
  await tf.setBackend('wasm');
  // Sequences of 3 token ids; the class is whether the first token is below 5.
  const r = prng(9);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 200; i++) {
    const seq = [0, 1, 2].map(() => Math.floor(r() * 10));
    x.push(seq);
    y.push(seq[0] < 5 ? [1, 0] : [0, 1]);
  }
  const result = await trainModel(
    { layers: [{ type: 'Embedding', inputDim: 10, outputDim: 4 }, { type: 'Flatten' }, { type: 'Dense', units: 2, activation: 'softmax' }] },
    datasetFromArrays(x, y),
    { epochs: 15, batchSize: 20, validationSplit: 0, shuffle: true, optimizer: { type: 'adam', learningRate: 0.05 }, loss: 'categoricalCrossentropy', metrics: ['accuracy'], seed: 5, outputDir: tempDir(t) },
  );
  const first = result.history[0].loss;
  assert.ok(result.final.loss < first / 4, `loss ${first} → ${result.final.loss}`);
  assert.ok(result.final.accuracy >= 0.95, `accuracy ${result.final.accuracy}`);
});

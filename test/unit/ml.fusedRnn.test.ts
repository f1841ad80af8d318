// The fused LSTM/GRU (server/ml/fusedRnn.ts, layers.ts) against tfjs-layers' own per-step LSTM
// and GRU with the same random weights: forward outputs and the gradients with respect to the
// input and every weight, on the cpu and wasm backends. GRU with reset_after=True, which tfjs
// does not implement, is checked against a per-step implementation of Keras' equations written
// here with plain ops and differentiated by tfjs' autodiff.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../server/ml/backend';
import { FusedGRU, FusedLSTM } from '../../server/ml/layers';
import { prng } from '../../bench/common/measure';

before(async () => {
  await selectBackend(tf, { backend: 'wasm' }); // registers wasm with its kernel fixes
});

const random = prng(7);
const normal = (shape: number[], scale = 1) => tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (random() * 2 - 1) * scale), shape);

/** Largest |a − b| relative to max(1, |b|), over all elements. */
function maxRelDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.dataSync(), y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]) / Math.max(1, Math.abs(y[i])));
  return worst;
}

/** The layer, built by applying it once (Layer.apply builds and marks it built). */
function built(layer: tf.layers.Layer, x: tf.Tensor): void {
  tf.dispose(layer.apply(x) as tf.Tensor);
}

interface Result { output: tf.Tensor; grads: tf.Tensor[] }

/**
 * Output of `layer` on x, and the gradients of Σ output ⊙ w (w fixed random) with respect to x
 * and the layer's weights, in the layer's weight order.
 */
function run(layer: tf.layers.Layer, x: tf.Tensor, w: tf.Tensor): Result {
  const xVar = tf.variable(x);
  const weights = layer.trainableWeights.map(v => v.read() as tf.Variable);
  const output = layer.apply(xVar) as tf.Tensor;
  const { grads } = tf.variableGrads(() => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, w)) as tf.Scalar, [xVar, ...weights]);
  const result = { output, grads: [grads[xVar.name], ...weights.map(v => grads[v.name])] };
  xVar.dispose();
  return result;
}

function compare(label: string, ours: Result, reference: Result, tolerance = 1e-5): void {
  const d = maxRelDiff(ours.output, reference.output);
  assert.ok(d <= tolerance, `${label}: outputs differ by ${d}`);
  const names = ['input', 'kernel', 'recurrent_kernel', 'bias'];
  ours.grads.forEach((g, i) => {
    const dg = maxRelDiff(g, reference.grads[i]);
    assert.ok(dg <= tolerance, `${label}: gradient of ${names[i]} differs by ${dg}`);
  });
  // The comparison must mean something: outputs and gradients are not all zero.
  assert.ok(tf.max(tf.abs(reference.output)).dataSync()[0] > 0.05, `${label}: reference output is ~0`);
  reference.grads.forEach((g, i) => assert.ok(tf.max(tf.abs(g)).dataSync()[0] > 1e-3, `${label}: reference gradient of ${names[i]} is ~0`));
}

const [B, T, D, U] = [3, 7, 4, 5];

for (const backend of ['cpu', 'wasm']) {
  for (const returnSequences of [true, false]) {
    for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
      test(`LSTM on ${backend}, returnSequences=${returnSequences}, ${recurrentActivation}: outputs and gradients equal tfjs-layers' LSTM`, async () => {
        await tf.setBackend(backend);
        const args = { units: U, returnSequences, recurrentActivation, inputShape: [T, D] };
        const stock = tf.layers.lstm(args);
        const ours = new FusedLSTM(args);
        const x = normal([B, T, D], 1.5);
        built(stock, x);
        built(ours, x);
        const weights = [normal([D, 4 * U], 0.8), normal([U, 4 * U], 0.8), normal([4 * U], 0.5)];
        stock.setWeights(weights);
        ours.setWeights(weights);
        const w = normal(returnSequences ? [B, T, U] : [B, U]);
        compare('LSTM', run(ours, x, w), run(stock, x, w));
      });
    }
    test(`GRU (reset_after=false) on ${backend}, returnSequences=${returnSequences}: outputs and gradients equal tfjs-layers' GRU`, async () => {
      await tf.setBackend(backend);
      for (const recurrentActivation of ['sigmoid', 'hardSigmoid'] as const) {
        const args = { units: U, returnSequences, recurrentActivation, inputShape: [T, D] };
        const stock = tf.layers.gru(args);
        const ours = new FusedGRU(args);
        const x = normal([B, T, D], 1.5);
        built(stock, x);
        built(ours, x);
        const weights = [normal([D, 3 * U], 0.8), normal([U, 3 * U], 0.8), normal([3 * U], 0.5)];
        stock.setWeights(weights);
        ours.setWeights(weights);
        const w = normal(returnSequences ? [B, T, U] : [B, U]);
        compare(`GRU ${recurrentActivation}`, run(ours, x, w), run(stock, x, w));
      }
    });
    test(`GRU (reset_after=true) on ${backend}, returnSequences=${returnSequences}: outputs and gradients equal Keras' equations step by step`, async () => {
      await tf.setBackend(backend);
      const ours = new FusedGRU({ units: U, returnSequences, recurrentActivation: 'sigmoid', resetAfter: true, inputShape: [T, D] });
      const x = normal([B, T, D], 1.5);
      built(ours, x);
      const [kernel, recurrent, bias] = [normal([D, 3 * U], 0.8), normal([U, 3 * U], 0.8), normal([2, 3 * U], 0.5)];
      ours.setWeights([kernel, recurrent, bias]);
      const w = normal(returnSequences ? [B, T, U] : [B, U]);
      // Keras GRUCell (reset_after=True):
      //   x_z, x_r, x_h = x·W + b_in;  h_z, h_r, h_h = h·U + b_rec
      //   z = σ(x_z + h_z); r = σ(x_r + h_r); ĥ = tanh(x_h + r ⊙ h_h); h' = z ⊙ h + (1 − z) ⊙ ĥ
      const reference = (xs: tf.Tensor, k: tf.Tensor, rk: tf.Tensor, b: tf.Tensor) => {
        const [bIn, bRec] = tf.unstack(b);
        let h: tf.Tensor = tf.zeros([B, U]);
        const outs: tf.Tensor[] = [];
        for (let t = 0; t < T; t++) {
          const xt = tf.squeeze(tf.slice(xs, [0, t, 0], [B, 1, D]), [1]);
          const [xz, xr, xh] = tf.split(tf.add(tf.matMul(xt, k), bIn), 3, 1);
          const [hz, hr, hh] = tf.split(tf.add(tf.matMul(h, rk), bRec), 3, 1);
          const z = tf.sigmoid(tf.add(xz, hz));
          const r = tf.sigmoid(tf.add(xr, hr));
          const cand = tf.tanh(tf.add(xh, tf.mul(r, hh)));
          h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), cand));
          outs.push(h);
        }
        return returnSequences ? tf.stack(outs, 1) : h;
      };
      const f = (xs: tf.Tensor, k: tf.Tensor, rk: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(reference(xs, k, rk, b), w));
      const grads = tf.grads(f)([x, kernel, recurrent, bias]);
      compare('GRU reset_after', run(ours, x, w), { output: reference(x, kernel, recurrent, bias), grads });
    });
  }
}

test('a fused layer falls back to the stock per-step code for what the kernels do not cover (a mask), with the same result', async () => {
  await tf.setBackend('cpu');
  const stock = tf.layers.lstm({ units: U, returnSequences: true, inputShape: [T, D] });
  const ours = new FusedLSTM({ units: U, returnSequences: true, inputShape: [T, D] });
  const x = normal([B, T, D]);
  built(stock, x);
  built(ours, x);
  ours.setWeights(stock.getWeights());
  const mask = tf.tensor2d([[1, 1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 1, 1], [1, 0, 0, 0, 0, 0, 0]], [B, T], 'bool');
  const a = ours.apply(x, { mask }) as tf.Tensor;
  const b = stock.apply(x, { mask }) as tf.Tensor;
  assert.ok(maxRelDiff(a, b) <= 1e-6);
  // With the mask, steps after the end repeat the last output: the fused kernel (no mask) differs.
  const unmasked = ours.apply(x) as tf.Tensor;
  assert.ok(maxRelDiff(unmasked, a) > 1e-3);
});

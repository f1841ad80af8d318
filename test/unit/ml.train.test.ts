// The training loop (server/ml/train.ts) on small problems with known answers: a regression
// that must reach the least-squares optimum (computed independently here), Keras' EarlyStopping
// on scripted metric sequences (hand-worked) and in a run that must stop and restore, and a
// cancelled run that, resumed, ends exactly where an uninterrupted one does.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CancelledError } from '../../server/common/errors';
import { selectBackend } from '../../server/ml/backend';
import type { EarlyStoppingSpec, TrainOptions } from '../../server/ml/config';
import { datasetFromArrays, loadCsvDataset } from '../../server/ml/data';
import { EarlyStopping } from '../../server/ml/earlyStopping';
import { fileIO } from '../../server/ml/modelIO';
import { trainModel, type TrainProgress } from '../../server/ml/train';
import { prng } from '../../bench/common/measure';
import { tempDir } from './helpers';

before(async () => {
  await selectBackend(tf, { backend: 'wasm' });
});

/** Box–Muller normal samples from a seeded uniform source. */
function gaussian(random: () => number): () => number {
  return () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** Solves the normal equations (XᵀX) β = Xᵀy by Gaussian elimination: the least-squares fit. */
function leastSquares(rows: number[][], y: number[]): number[] {
  const p = rows[0].length;
  const a = Array.from({ length: p }, (_, i) => [...Array.from({ length: p }, (_, j) => rows.reduce((s, r) => s + r[i] * r[j], 0)), rows.reduce((s, r, k) => s + r[i] * y[k], 0)]);
  for (let c = 0; c < p; c++) {
    const pivot = a.slice(c).reduce((best, r, i) => (Math.abs(r[c]) > Math.abs(a[best][c]) ? c + i : best), c);
    [a[c], a[pivot]] = [a[pivot], a[c]];
    for (let r = 0; r < p; r++) {
      if (r === c) continue;
      const f = a[r][c] / a[c][c];
      for (let k = c; k <= p; k++) a[r][k] -= f * a[c][k];
    }
  }
  return a.map((r, i) => r[p] / r[i]);
}

const ADAM = (learningRate: number): TrainOptions['optimizer'] => ({ type: 'adam', learningRate });
const base = (o: Partial<TrainOptions>): TrainOptions => ({
  epochs: 10, batchSize: 16, validationSplit: 0, shuffle: true, optimizer: ADAM(0.01), loss: 'meanSquaredError', metrics: [], ...o,
});

test('linear regression from a CSV reaches the least-squares optimum: its loss ends within 2% of the OLS residual variance', async t => {
  const dir = tempDir(t);
  const random = prng(21);
  const noise = gaussian(random);
  const sigma = 0.1;
  const rows: number[][] = [];
  const y: number[] = [];
  let csv = 'x1,x2,x3,y\n';
  for (let i = 0; i < 400; i++) {
    const x = [random() * 2 - 1, random() * 2 - 1, random() * 2 - 1];
    const target = 1.5 * x[0] - 2 * x[1] + 0.25 * x[2] + 0.5 + sigma * noise();
    // The CSV holds what the model reads: 6 decimals.
    const xs = x.map(v => Number(v.toFixed(6)));
    const ys = Number(target.toFixed(6));
    csv += `${xs.join(',')},${ys}\n`;
    rows.push([...xs, 1]);
    y.push(ys);
  }
  fs.writeFileSync(path.join(dir, 'train.csv'), csv);
  const data = await loadCsvDataset({ csv: path.join(dir, 'train.csv'), target: 'y' }, 'value');
  assert.deepEqual(data.x.shape, [400, 3]);
  assert.deepEqual(data.features, ['x1', 'x2', 'x3']);
  // The best any linear model can do on this sample: OLS' mean squared residual (≈ σ² = 0.01).
  const beta = leastSquares(rows, y);
  const olsMse = rows.reduce((s, r, k) => s + (r.reduce((a, v, i) => a + v * beta[i], 0) - y[k]) ** 2, 0) / rows.length;
  assert.ok(Math.abs(olsMse - sigma ** 2) < 0.3 * sigma ** 2, `OLS residual variance ${olsMse} should be near σ² = ${sigma ** 2}`);

  const result = await trainModel({ layers: [{ type: 'Dense', units: 1 }] }, data,
    { ...base({ epochs: 60, batchSize: 32, optimizer: ADAM(0.05), shuffle: false, seed: 1 }), outputDir: path.join(dir, 'out') });
  // The last epoch's training loss is the mean over its batches while the weights still move a
  // little; evaluate the final model on all the data for the exact figure.
  const model = await tf.loadLayersModel(fileIO(result.modelDir));
  const pred = model.predict(tf.tensor2d(data.x.values, [400, 3])) as tf.Tensor;
  const mse = tf.mean(tf.square(tf.sub(pred, tf.tensor2d(y, [400, 1])))).dataSync()[0];
  assert.ok(result.history[0].loss > 20 * olsMse, `the first epoch's loss ${result.history[0].loss} is far above the optimum`);
  assert.ok(mse >= olsMse * (1 - 1e-4), `no linear model beats OLS on its own data: ${mse} < ${olsMse}`);
  assert.ok(mse <= olsMse * 1.02, `final MSE ${mse} should be within 2% of OLS' ${olsMse}`);
  const [kernel, bias] = model.getWeights().map(w => Array.from(w.dataSync()));
  [...kernel, ...bias].forEach((w, i) => assert.ok(Math.abs(w - beta[i]) < 0.02, `weight ${i}: ${w} vs OLS ${beta[i]}`));
});

const spec = (o: Partial<EarlyStoppingSpec>): EarlyStoppingSpec => ({ monitor: 'val_loss', patience: 0, minDelta: 0, mode: 'auto', restoreBestWeights: false, startFromEpoch: 0, ...o });
/** Feeds `values` of the monitor epoch by epoch until it says stop; returns what happened. */
function script(es: EarlyStopping, values: number[]): { stoppedAt?: number; recorded: number[]; actions: string[] } {
  const recorded: number[] = [];
  const actions: string[] = [];
  for (let epoch = 0; epoch < values.length; epoch++) {
    const a = es.onEpochEnd(epoch, { [es.spec.monitor]: values[epoch] }, () => recorded.push(epoch));
    actions.push(a);
    if (a === 'stop') return { stoppedAt: epoch, recorded, actions };
  }
  return { recorded, actions };
}

test('EarlyStopping follows Keras on scripted sequences: patience, min_delta, mode, baseline, start_from_epoch', () => {
  // patience 2: improvements at epochs 0, 1, 3; epochs 4 and 5 do not improve → stop at 5.
  let es = new EarlyStopping(spec({ patience: 2 }));
  let r = script(es, [1.0, 0.8, 0.85, 0.79, 0.9, 0.95, 0.96]);
  assert.equal(r.stoppedAt, 5);
  assert.equal(es.state.best, 0.79);
  assert.equal(es.state.bestEpoch, 3);
  assert.equal(es.state.stoppedEpoch, 5);

  // min_delta 0.05 (minimising: an improvement must be 0.05 below the best): 0.96 is not one,
  // 0.93 is, 0.90 and 0.89 are not → stop at epoch 4 with best 0.93 from epoch 2.
  es = new EarlyStopping(spec({ patience: 2, minDelta: 0.05 }));
  r = script(es, [1.0, 0.96, 0.93, 0.90, 0.89]);
  assert.deepEqual(r.actions, ['improved', 'none', 'improved', 'none', 'stop']);
  assert.equal(es.state.bestEpoch, 2);

  // Accuracy is maximised in mode auto; an equal value is not an improvement.
  es = new EarlyStopping(spec({ monitor: 'val_accuracy', patience: 1 }));
  r = script(es, [0.5, 0.6, 0.6, 0.7]);
  assert.equal(r.stoppedAt, 2);
  assert.equal(es.state.best, 0.6);

  // mode max on a loss-like name, patience 0: the first non-improvement after epoch 0 stops.
  es = new EarlyStopping(spec({ monitor: 'loss', mode: 'max' }));
  assert.equal(script(es, [1, 2, 1.5]).stoppedAt, 2);
  es = new EarlyStopping(spec({}));
  assert.equal(script(es, [1, 2]).stoppedAt, 1);

  // baseline 0.5: improving values that do not beat it never reset the wait, but an improving
  // epoch never stops; the first epoch that does not improve stops (wait is then ≥ patience).
  es = new EarlyStopping(spec({ patience: 2, baseline: 0.5 }));
  r = script(es, [1.0, 0.9, 0.8, 0.85]);
  assert.deepEqual(r.actions, ['improved', 'improved', 'improved', 'stop']);
  es = new EarlyStopping(spec({ patience: 2, baseline: 0.5 }));
  assert.deepEqual(script(es, [1.0, 0.4, 0.45, 0.46, 0.47]).actions, ['improved', 'improved', 'none', 'stop']);

  // start_from_epoch 2: the first two epochs are not monitored (a rising loss there is ignored).
  es = new EarlyStopping(spec({ startFromEpoch: 2 }));
  r = script(es, [1.0, 5.0, 0.9, 0.8, 0.85]);
  assert.deepEqual(r.actions, ['none', 'none', 'improved', 'improved', 'stop']);

  // restore_best_weights: weights recorded at the first monitored epoch and at each improvement.
  es = new EarlyStopping(spec({ patience: 1, restoreBestWeights: true }));
  r = script(es, [1.0, 0.7, 0.8, 0.9]);
  assert.deepEqual(r.recorded, [0, 0, 1]); // epoch 0 twice: Keras' "never set" rule, then the improvement
  assert.equal(r.stoppedAt, 2);
  assert.ok(es.shouldRestoreAtEnd());
});

test('in training, early stopping stops patience epochs after the best one and restores its weights (= the best checkpoint)', async t => {
  const dir = tempDir(t);
  // Training targets y = 2x, validation targets y = −2x: from zero weights every step towards
  // the training optimum moves away from the validation one, so val_loss is best after epoch 1.
  const random = prng(5);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 100; i++) {
    const v = random() * 2 - 1;
    x.push([v]);
    y.push([i < 80 ? 2 * v : -2 * v]);
  }
  const progress: TrainProgress[] = [];
  const result = await trainModel({ layers: [{ type: 'Dense', units: 1, kernelInitializer: 'zeros' }] }, datasetFromArrays(x, y),
    { ...base({ epochs: 20, validationSplit: 0.2, optimizer: ADAM(0.05), seed: 2, earlyStopping: spec({ monitor: 'val_loss', patience: 3, restoreBestWeights: true }) }), outputDir: dir },
    { onProgress: p => progress.push(p) });
  const val = result.history.map(h => h.val_loss);
  assert.ok(val.every((v, i) => i === 0 || v > val[i - 1]), `val_loss rises every epoch: ${val}`);
  assert.equal(result.epochs, 4); // best at epoch 1, then 3 epochs of patience
  assert.ok(result.stoppedEarly);
  assert.ok(result.restoredBestWeights);
  assert.deepEqual(result.best, { monitor: 'val_loss', value: val[0], epoch: 1 });
  assert.match(progress[progress.length - 1].message, /^early stopping at epoch 4: val_loss did not improve for 3 epochs \(best .* at epoch 1\)$/);
  const weights = async (d: string) => (await tf.loadLayersModel(fileIO(d))).getWeights().map(w => Array.from(w.dataSync()));
  const final = await weights(result.modelDir);
  assert.deepEqual(final, await weights(path.join(result.checkpointDir, 'best')));
  assert.notDeepEqual(final, await weights(path.join(result.checkpointDir, 'epoch-0004')));
});

test('a cancelled run resumed from its checkpoint continues at the next epoch and ends exactly as an uninterrupted run', async t => {
  const random = prng(8);
  const noise = gaussian(random);
  const x: number[][] = [];
  const y: number[][] = [];
  for (let i = 0; i < 120; i++) {
    const a = random() * 2 - 1, b = random() * 2 - 1;
    x.push([a, b]);
    y.push([Math.sin(2 * a) + b * b + 0.05 * noise()]);
  }
  const data = datasetFromArrays(x, y);
  const model = { layers: [{ type: 'Dense' as const, units: 8, activation: 'tanh' }, { type: 'Dense' as const, units: 1 }] };
  const options = base({ epochs: 6, validationSplit: 0.25, optimizer: ADAM(0.02), seed: 3, earlyStopping: spec({ monitor: 'val_loss', patience: 10, restoreBestWeights: true }) });

  const whole = await trainModel(model, data, { ...options, outputDir: tempDir(t) });

  const dir = tempDir(t);
  const abort = new AbortController();
  await assert.rejects(
    trainModel(model, data, { ...options, outputDir: dir }, { signal: abort.signal, onEpochEnd: epoch => { if (epoch === 3) abort.abort(); } }),
    CancelledError,
  );
  assert.equal(JSON.parse(fs.readFileSync(path.join(dir, 'checkpoints', 'resume.json'), 'utf8')).epoch, 3);
  assert.ok(!fs.existsSync(path.join(dir, 'model')), 'a cancelled run saves no final model');

  const epochs: number[] = [];
  const resumed = await trainModel(model, data, { ...options, outputDir: dir, resume: true }, { onProgress: p => epochs.push(p.epoch) });
  assert.equal(resumed.resumedFrom, 3);
  assert.equal(epochs[0], 4, 'the first epoch after resuming is epoch 4');
  assert.equal(resumed.history.length, 6);
  resumed.history.forEach((h, i) => {
    for (const k of Object.keys(whole.history[i])) assert.ok(Math.abs(h[k] - whole.history[i][k]) <= 1e-5 * Math.max(1, Math.abs(h[k])), `epoch ${i + 1} ${k}: ${h[k]} vs ${whole.history[i][k]}`);
  });
  const weights = async (d: string) => (await tf.loadLayersModel(fileIO(d))).getWeights().flatMap(w => Array.from(w.dataSync()));
  const a = await weights(whole.modelDir);
  const b = await weights(resumed.modelDir);
  a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < 1e-5, `weight ${i}: ${v} vs ${b[i]}`));
  assert.equal(resumed.best?.epoch, whole.best?.epoch);
  // Adam's resumed bias correction is β^t by pow() instead of t products: equal to ~1e-7.
  assert.ok(Math.abs(resumed.best!.value - whole.best!.value) < 1e-6);

  // Resuming a finished run trains no more epochs.
  const again = await trainModel(model, data, { ...options, outputDir: dir, resume: true });
  assert.equal(again.resumedFrom, 6);
  assert.equal(again.epochs, 6);
});

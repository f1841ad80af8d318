// Inference benchmark: the seed LSTM model exported to ONNX and run by ONNX Runtime
// (onnxruntime-node) against the same model in TensorFlow.js (wasm backend, stock layers,
// model.predict), batch-1 forward steps, measured in the same run.
//
//   npm run bench:ml-inference                  build, then run
//   node out/bench/ml/inference.js [options]    run without rebuilding
//     --runs=N      timed repetitions per figure (default 3; the median is reported)
//     --steps=N     forward steps per repetition (default 1000)
//
// The model: input [50, 1] → LSTM(128, return_sequences) → Dropout(0.2) → LSTM(128,
// return_sequences) → Flatten → Dense(256) → Dropout(0.3) → Dense(92, softmax), seeded random
// weights. No assertions on speed; the outputs of both are compared first (a wrong export stops
// the run instead of printing a fast figure). See bench/README.md.
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { fmtMs, fmtRuns, measure, printSummary, prng, reportOthers, timeRow, wall, type Sample } from '../common/measure';
import { exportLayersModel } from '../../server/onnx/export';
import { sessionOptions } from '../../server/onnx/runtime';
import { tfjs } from '../../server/onnx/tfjs';

const args = process.argv.slice(2);
const RUNS = Number(args.find(a => a.startsWith('--runs='))?.slice(7) ?? 3);
const STEPS = Number(args.find(a => a.startsWith('--steps='))?.slice(8) ?? 1000);
const TARGET = 20; // ONNX Runtime at least 20× faster than tfjs-wasm
const SEED = 0x6d6c77;
const TIMESTEPS = 50;
const INPUTS = 16; // distinct inputs cycled through, so no run sees one input only

function seedModel(tf: typeof TF): TF.LayersModel {
  // The initial weights are replaced below: a cheap initializer instead of the default orthogonal one (slow at this size).
  const init = { recurrentInitializer: 'glorotUniform' } as const;
  const model = tf.sequential({
    layers: [
      tf.layers.lstm({ units: 128, inputShape: [TIMESTEPS, 1], returnSequences: true, ...init }),
      tf.layers.dropout({ rate: 0.2 }),
      tf.layers.lstm({ units: 128, returnSequences: true, ...init }),
      tf.layers.flatten(),
      tf.layers.dense({ units: 256 }),
      tf.layers.dropout({ rate: 0.3 }),
      tf.layers.dense({ units: 92, activation: 'softmax' }),
    ],
  });
  const random = prng(SEED);
  // Glorot-like scale, so activations stay in their useful ranges as a trained model's do.
  model.setWeights(model.getWeights().map(w => {
    const fanIn = w.shape.length > 1 ? w.shape[0] : 1;
    const scale = 1 / Math.sqrt(fanIn);
    return tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * scale), w.shape);
  }));
  return model;
}

async function main(): Promise<void> {
  const started = Date.now();
  const tf = tfjs();
  // The stock wasm backend (XNNPACK, SIMD), binaries from the package.
  const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  wasm.setWasmPaths(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist') + path.sep);
  if (!(await tf.setBackend('wasm'))) throw new Error('the tfjs wasm backend failed to initialise');
  await tf.ready();

  const model = seedModel(tf);
  const exported = exportLayersModel(model);
  const random = prng(SEED + 1);
  const inputs = Array.from({ length: INPUTS }, () => Float32Array.from({ length: TIMESTEPS }, () => random() * 2 - 1));
  // The sessions the server opens (runtime.ts): threads 0 is the `mlw.onnx.threads` default.
  const sessions = {
    default: await ort.InferenceSession.create(exported.bytes, sessionOptions({ threads: 0 })),
    one: await ort.InferenceSession.create(exported.bytes, sessionOptions({ threads: 1 })),
    spinning: await ort.InferenceSession.create(exported.bytes, { graphOptimizationLevel: 'all', executionMode: 'sequential' }),
  };
  const feeds = inputs.map(x => ({ [exported.input.name]: new ort.Tensor('float32', x, [1, TIMESTEPS, 1]) }));
  const tfInputs = inputs.map(x => tf.tensor3d(x, [1, TIMESTEPS, 1]));

  const ortStep = async (session: ort.InferenceSession, i: number) => (await session.run(feeds[i % INPUTS]))[exported.output.name].data as Float32Array;
  const tfStep = (i: number) => tf.tidy(() => (model.predict(tfInputs[i % INPUTS]) as TF.Tensor).dataSync() as Float32Array);

  // Same answers first (also the warm-up: first runs allocate and compile).
  let worst = 0;
  for (let i = 0; i < INPUTS; i++) {
    const a = await ortStep(sessions.default, i);
    const b = await ortStep(sessions.one, i);
    const c = tfStep(i);
    for (let k = 0; k < c.length; k++) worst = Math.max(worst, Math.abs(a[k] - c[k]), Math.abs(b[k] - c[k]));
  }
  if (!(worst <= 1e-4)) throw new Error(`ONNX Runtime and tfjs disagree: max abs difference ${worst}`);
  console.log(`# Inference: seed LSTM (50×1 → LSTM 128 → LSTM 128 → Dense 256 → Dense 92), batch 1, ${STEPS} steps per run, ${RUNS} runs`);
  console.log(`tfjs ${tf.version.tfjs} (backend ${tf.getBackend()}), onnxruntime-node ${require('onnxruntime-node/package.json').version}, Node ${process.version}; ` +
    `outputs agree within ${worst.toExponential(1)} (max abs difference over ${INPUTS} inputs)`);

  const ortDefault: Sample[] = [];
  const ortOne: Sample[] = [];
  const ortSpinning: Sample[] = [];
  const tfWasm: Sample[] = [];
  const steps = (session: ort.InferenceSession) => async () => { for (let i = 0; i < STEPS; i++) await ortStep(session, i); };
  for (let r = 0; r < RUNS; r++) {
    ortDefault.push(await measure('ours', steps(sessions.default)));
    ortOne.push(await measure('ours', steps(sessions.one)));
    ortSpinning.push(await measure('ours', steps(sessions.spinning)));
    tfWasm.push(await measure('ours', () => { for (let i = 0; i < STEPS; i++) tfStep(i); }));
  }
  const perStep = (xs: Sample[]) => `${(wall(xs) / STEPS).toFixed(3)} ms/step`;
  console.log(`ours  ONNX Runtime, default threads:           ${fmtRuns(ortDefault)} → ${perStep(ortDefault)}`);
  console.log(`ours  ONNX Runtime, 1 thread:                  ${fmtRuns(ortOne)} → ${perStep(ortOne)}`);
  console.log(`info  ONNX Runtime's own defaults (spinning):  ${fmtRuns(ortSpinning)} → ${perStep(ortSpinning)}`);
  console.log(`peer  tfjs wasm, model.predict:                ${fmtRuns(tfWasm)} → ${perStep(tfWasm)}`);
  console.log(`      speed-up: ${(wall(tfWasm) / wall(ortDefault)).toFixed(1)}× (default threads), ${(wall(tfWasm) / wall(ortOne)).toFixed(1)}× (1 thread); ` +
    reportOthers([...ortDefault, ...ortOne, ...ortSpinning, ...tfWasm]));

  timeRow(`${STEPS} batch-1 steps of the seed LSTM: ONNX Runtime (default threads) vs tfjs wasm`, ortDefault, tfWasm, 'tfjs wasm', 1 / TARGET, `≤ 0.05× (≥ ${TARGET}× faster)`);
  timeRow('(info) same, ONNX Runtime on 1 thread (as the wasm backend)', ortOne, tfWasm, 'tfjs wasm');
  timeRow('(info) same, ONNX Runtime with its own defaults (threads spin between runs)', ortSpinning, tfWasm, 'tfjs wasm');
  printSummary(`Times are wall time of ${STEPS} sequential session.run / model.predict + dataSync calls (${fmtMs(wall(ortDefault) / STEPS)} vs ${fmtMs(wall(tfWasm) / STEPS)} per step).`, started);

  for (const s of Object.values(sessions)) await s.release();
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});

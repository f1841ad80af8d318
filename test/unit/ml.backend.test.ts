// Backend selection (server/ml/backend.ts). tfjs keeps one engine per thread and the wasm
// backend cannot be initialised twice, so each case runs in a fresh worker thread.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { tempDir } from './helpers';

const BACKEND = path.resolve(__dirname, '..', '..', 'server', 'ml', 'backend.js');

interface Outcome { choice?: { name: string; description: string; skipped: { name: string; reason: string }[] }; error?: string; active?: string; matMul?: number[] }

/** Runs selectBackend(tf, options) in a fresh thread; `nodeThrows` makes loading tfjs-node fail with that error. */
function select(options: { backend?: string; wasmFolders?: string[]; nodeThrows?: string }): Promise<Outcome> {
  const code = `
    const { parentPort, workerData } = require('node:worker_threads');
    const tf = require('@tensorflow/tfjs');
    const { selectBackend } = require(workerData.module);
    const { nodeThrows, ...options } = workerData.options;
    if (nodeThrows) options.loadNode = () => { throw new Error(nodeThrows); };
    selectBackend(tf, options).then(
      choice => {
        // The chosen backend computes: a 2×2 product.
        const matMul = Array.from(tf.matMul(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[5, 6], [7, 8]])).dataSync());
        parentPort.postMessage({ choice, active: tf.getBackend(), matMul });
      },
      err => parentPort.postMessage({ error: err.message }),
    );`;
  return new Promise((resolve, reject) => {
    const w = new Worker(code, { eval: true, workerData: { module: BACKEND, options }, stderr: true, stdout: true });
    w.once('message', m => { resolve(m); void w.terminate(); });
    w.once('error', reject);
  });
}

test('without tfjs-node the wasm backend is chosen, and the reason tfjs-node was skipped is given', async () => {
  const r = await select({});
  assert.equal(r.error, undefined);
  assert.equal(r.choice!.name, 'wasm');
  assert.equal(r.active, 'wasm');
  assert.deepEqual(r.choice!.skipped, [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }]);
  assert.match(r.choice!.description, /^TensorFlow\.js backend: wasm \(tensorflow: @tensorflow\/tfjs-node is not installed\)$/);
  assert.deepEqual(r.matMul, [19, 22, 43, 50]);
});

test('when the wasm backend fails to initialise (a corrupt binary), training falls back to the cpu backend', async t => {
  const dir = tempDir(t);
  // Not WebAssembly: compiling it fails inside tfjs' initialisation.
  for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) fs.writeFileSync(path.join(dir, f), 'not a wasm module');
  const r = await select({ wasmFolders: [dir] });
  assert.equal(r.error, undefined);
  assert.equal(r.choice!.name, 'cpu');
  assert.equal(r.active, 'cpu');
  assert.equal(r.choice!.skipped.length, 2);
  assert.equal(r.choice!.skipped[1].name, 'wasm');
  assert.match(r.choice!.skipped[1].reason, /failed to initialise/);
  assert.deepEqual(r.matMul, [19, 22, 43, 50]);
});

test('missing wasm binaries are reported as such, and a tfjs-node that fails to load is reported with its error', async t => {
  const empty = tempDir(t);
  const r = await select({ wasmFolders: [empty], nodeThrows: 'libtensorflow.so: cannot open shared object file' });
  assert.equal(r.choice!.name, 'cpu');
  assert.deepEqual(r.choice!.skipped.map(s => s.name), ['tensorflow', 'wasm']);
  assert.equal(r.choice!.skipped[0].reason, '@tensorflow/tfjs-node failed to load: libtensorflow.so: cannot open shared object file');
  assert.match(r.choice!.skipped[1].reason, /were not found in/);
});

test('a backend asked for by name is used, or is an error when it is not available', async () => {
  const cpu = await select({ backend: 'cpu' });
  assert.equal(cpu.choice!.name, 'cpu');
  assert.deepEqual(cpu.choice!.skipped, []);
  const tensorflow = await select({ backend: 'tensorflow' });
  assert.equal(tensorflow.error, 'backend tensorflow is not available: @tensorflow/tfjs-node is not installed');
  const unknown = await select({ backend: 'gpu' });
  assert.match(unknown.error!, /unknown backend "gpu"/);
});

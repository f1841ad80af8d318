// The wasm kernels server/ml/wasmKernels.ts replaces or adds (Slice, BatchMatMul and
// _FusedMatMul with transposed operands, UnsortedSegmentSum) give what the cpu backend gives.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../../server/ml/backend';
import { prng } from '../../bench/common/measure';

before(async () => {
  await selectBackend(tf, { backend: 'wasm' });
});

const random = prng(11);
const values = (n: number) => Array.from({ length: n }, () => Math.round((random() * 2 - 1) * 1000) / 100);

/** f's result on the cpu and on the wasm backend, as plain arrays with shapes. */
async function onBoth(f: () => tf.Tensor | tf.Tensor[]): Promise<{ cpu: { shape: number[]; data: number[] }[]; wasm: { shape: number[]; data: number[] }[] }> {
  const run = async (backend: string) => {
    await tf.setBackend(backend);
    const out = f();
    const list = Array.isArray(out) ? out : [out];
    const r = list.map(t => ({ shape: t.shape, data: Array.from(t.dataSync()) }));
    tf.dispose(list);
    return r;
  };
  return { cpu: await run('cpu'), wasm: await run('wasm') };
}

function assertClose(a: { shape: number[]; data: number[] }[], b: { shape: number[]; data: number[] }[], tolerance: number, label: string): void {
  assert.equal(a.length, b.length);
  a.forEach((x, i) => {
    assert.deepEqual(x.shape, b[i].shape, `${label}: shape`);
    x.data.forEach((v, j) => assert.ok(Math.abs(v - b[i].data[j]) <= tolerance * Math.max(1, Math.abs(b[i].data[j])), `${label}: element ${j}: ${v} vs ${b[i].data[j]}`));
  });
}

test('Slice on wasm equals the cpu backend for 1- to 5-d tensors, whole and partial axes, -1 sizes', async () => {
  const cases: [number[], number[], number[]][] = [
    [[10], [3], [4]],
    [[6, 7], [2, 0], [3, 7]], // whole rows: one contiguous run
    [[6, 7], [1, 2], [4, 3]],
    [[5, 4, 3], [1, 0, 0], [1, 4, 3]], // one timestep of [T, …]
    [[5, 4, 3], [0, 1, 1], [5, 2, -1]],
    [[3, 4, 5, 2], [1, 1, 2, 0], [2, 2, 3, 2]],
    [[2, 3, 4, 2, 3], [1, 0, 1, 1, 0], [1, 3, 2, 1, 2]],
    [[4, 4], [0, 0], [0, 4]], // empty
  ];
  for (const [shape, begin, size] of cases) {
    const data = values(shape.reduce((a, b) => a * b, 1));
    const r = await onBoth(() => tf.slice(tf.tensor(data, shape), begin, size));
    assert.deepEqual(r.wasm, r.cpu, `slice of [${shape}] at [${begin}] size [${size}]`);
  }
  const ints = await onBoth(() => tf.slice(tf.tensor2d([[1, 2, 3], [4, 5, 6]], [2, 3], 'int32'), [0, 1], [2, 2]));
  assert.deepEqual(ints.wasm, ints.cpu);
  assert.deepEqual(ints.wasm[0].data, [2, 3, 5, 6]);
});

test('BatchMatMul on wasm with transposeA and/or transposeB equals the cpu backend (2-d, batched, broadcast)', async () => {
  const cases: [number[], number[], boolean, boolean][] = [
    [[5, 3], [5, 4], true, false],
    [[3, 5], [4, 5], false, true],
    [[5, 3], [4, 5], true, true],
    [[2, 6, 3], [2, 6, 4], true, false],
    [[2, 3, 6], [4, 6], false, true],
    [[5, 3], [2, 5, 4], true, false],
  ];
  for (const [sa, sb, ta, tb] of cases) {
    const a = values(sa.reduce((x, y) => x * y, 1));
    const b = values(sb.reduce((x, y) => x * y, 1));
    const r = await onBoth(() => tf.matMul(tf.tensor(a, sa), tf.tensor(b, sb), ta, tb));
    assertClose(r.wasm, r.cpu, 1e-5, `matMul [${sa}]${ta ? 'ᵀ' : ''} · [${sb}]${tb ? 'ᵀ' : ''}`);
  }
});

test('_FusedMatMul (bias, relu) on wasm with transposed operands equals the cpu backend', async () => {
  const a = values(15), b = values(20), bias = values(4);
  const r = await onBoth(() => tf.fused.matMul({ a: tf.tensor2d(a, [5, 3]), b: tf.tensor2d(b, [4, 5]), transposeA: true, transposeB: true, bias: tf.tensor1d(bias), activation: 'relu' }));
  assertClose(r.wasm, r.cpu, 1e-5, 'fused matMul');
  assert.ok(r.cpu[0].data.some(v => v === 0) && r.cpu[0].data.some(v => v > 0), 'relu both clips and passes');
});

test('UnsortedSegmentSum exists on wasm and equals the cpu backend (repeated ids, empty segments)', async () => {
  const x = values(6 * 3);
  const r = await onBoth(() => tf.unsortedSegmentSum(tf.tensor2d(x, [6, 3]), tf.tensor1d([2, 0, 2, 4, 0, 2], 'int32'), 5));
  assertClose(r.wasm, r.cpu, 1e-6, 'segment sum');
  // Hand-computed: segment 2 is rows 0, 2 and 5.
  for (let k = 0; k < 3; k++) assert.ok(Math.abs(r.wasm[0].data[2 * 3 + k] - (x[k] + x[6 + k] + x[15 + k])) < 1e-5);
  assert.deepEqual(r.wasm[0].data.slice(3, 6), [0, 0, 0]); // segment 1: no row
  const x3 = values(4 * 2 * 3);
  const rows3d = await onBoth(() => tf.unsortedSegmentSum(tf.tensor3d(x3, [4, 2, 3]), tf.tensor1d([1, 0, 1, 1], 'int32'), 2));
  assertClose(rows3d.wasm, rows3d.cpu, 1e-6, 'segment sum of [4, 2, 3] rows');
});

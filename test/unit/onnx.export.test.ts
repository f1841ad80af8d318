// Export of tfjs layers models to ONNX: every supported layer type (and its variants) gives the
// same outputs in ONNX Runtime as in TensorFlow.js (max abs difference ≤ 1e-5); the LSTM and GRU
// gate layouts are checked against single steps computed by hand from Keras' equations.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type * as TF from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { UserError } from '../../server/common/errors';
import { checkTopology, exportLayersModel, SUPPORTED_ACTIVATIONS, type ExportResult } from '../../server/onnx/export';
import { defineGruResetAfter } from '../../server/onnx/gruResetAfter';
import { checkParity } from '../../server/onnx/parity';
import { maxAbsDiff, ort, predict, prng, runOnnx, sequential, tf, uniform } from './onnx.testModels';

const TOLERANCE = 1e-5;
const GruResetAfter = defineGruResetAfter(tf);

/** Exports the model, runs tfjs and ONNX Runtime on the same inputs (batch 1 and 3), returns the largest difference. */
async function parity(model: TF.LayersModel, options: { ints?: number; opset?: number; otherDim?: number } = {}): Promise<{ diff: number; exported: ExportResult }> {
  const exported = exportLayersModel(model, { opset: options.opset });
  let worst = 0;
  for (const [batch, seed] of [[1, 11], [3, 12]]) {
    const shape = model.inputs[0].shape.map((d, i) => d ?? (i === 0 ? batch : options.otherDim ?? 4));
    const n = shape.reduce((a, b) => a * b, 1);
    const intInput = model.inputs[0].dtype === 'int32';
    const random = prng(seed);
    const values = options.ints !== undefined ? Array.from({ length: n }, () => Math.floor(random() * options.ints!)) : Array.from(uniform(n, seed));
    const data = intInput ? Int32Array.from(values) : Float32Array.from(values);
    const expected = predict(model, data, shape);
    const out = await runOnnx(exported.bytes, { [exported.input.name]: new ort.Tensor(intInput ? 'int32' : 'float32', data, shape) });
    const actual = out[exported.output.name];
    assert.deepEqual([...actual.dims], expected.shape, 'output shape');
    worst = Math.max(worst, maxAbsDiff(actual.data as Float32Array, expected.values));
  }
  return { diff: worst, exported };
}

async function assertParity(model: TF.LayersModel, ops: string[][] | undefined, options: Parameters<typeof parity>[1] = {}) {
  const { diff, exported } = await parity(model, options);
  assert.ok(diff <= TOLERANCE, `max abs diff ${diff} > ${TOLERANCE}`);
  if (ops) assert.deepEqual(exported.layers.map(l => l.ops), ops);
  return exported;
}

const L = () => tf.layers;

test('Dense on 2-D inputs is a Gemm, with and without bias; on 3-D inputs MatMul + Add', async () => {
  await assertParity(sequential([L().dense({ units: 4, inputShape: [3] }), L().dense({ units: 2, useBias: false })]), [['Gemm'], ['Gemm']]);
  await assertParity(sequential([L().dense({ units: 4, inputShape: [5, 3] }), L().dense({ units: 2, useBias: false })]), [['MatMul', 'Add'], ['MatMul']]);
});

for (const activation of SUPPORTED_ACTIVATIONS) {
  const tfjsName = activation === 'hardsigmoid' ? 'hardSigmoid' : activation === 'logsoftmax' ? 'logSoftmax' : activation === 'gelunew' ? 'gelu_new' : activation;
  test(`activation ${tfjsName} in Dense and as an Activation layer`, async () => {
    // Inputs spread over [-3, 3) so every piece of piecewise activations (relu6, hard sigmoid) is reached.
    const model = sequential([
      L().dense({ units: 6, inputShape: [4], activation: tfjsName as never }),
      L().dense({ units: 5 }),
      L().activation({ activation: tfjsName as never }),
    ], 3);
    randomWeightsScaled(model, 2);
    await assertParity(model, undefined);
  });
}

/** Larger weights, so pre-activations spread well beyond [-1, 1]. */
function randomWeightsScaled(model: TF.LayersModel, scale: number) {
  const random = prng(99);
  model.setWeights(model.getWeights().map(w => tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * scale), w.shape)));
}

test('Dropout is the identity at inference; Flatten and Reshape (with and without -1)', async () => {
  await assertParity(sequential([
    L().dense({ units: 6, inputShape: [2, 3] }),
    L().dropout({ rate: 0.5 }),
    L().flatten(),
    L().reshape({ targetShape: [3, 4] }),
    L().reshape({ targetShape: [-1, 2] }),
    L().dense({ units: 2, activation: 'softmax' }),
  ]), [['MatMul', 'Add'], [], ['Flatten'], ['Reshape'], ['Reshape'], ['MatMul', 'Add', 'Softmax']]);
});

test('a model ending in Dropout, or made of Dropout alone, still has its output', async () => {
  await assertParity(sequential([L().dense({ units: 3, inputShape: [2] }), L().dropout({ rate: 0.3 })]), [['Gemm'], []]);
  const { exported } = await parity(sequential([L().dropout({ rate: 0.3, inputShape: [2] })]));
  assert.deepEqual(onnx.ModelProto.decode(exported.bytes).graph!.node!.map(n => n.opType), ['Identity']);
});

test('Embedding is a Gather (float indices cast to int64; int32 indices used as they are)', async () => {
  await assertParity(sequential([L().embedding({ inputDim: 10, outputDim: 4, inputLength: 5 }), L().flatten(), L().dense({ units: 3 })]),
    [['Cast', 'Gather'], ['Flatten'], ['Gemm']], { ints: 10 });
  const ints = tf.sequential();
  ints.add(L().inputLayer({ inputShape: [5], dtype: 'int32' }));
  ints.add(L().embedding({ inputDim: 7, outputDim: 3 }));
  ints.add(L().lstm({ units: 2 }));
  await assertParity(ints, [['Gather'], ['Transpose', 'LSTM', 'Squeeze']], { ints: 7 });
});

test('LSTM: return_sequences both ways, without bias, sigmoid and hard sigmoid gates, relu and linear activations, stacked', async () => {
  await assertParity(sequential([L().lstm({ units: 4, inputShape: [6, 3], returnSequences: true })]), [['Transpose', 'LSTM', 'Squeeze', 'Transpose']]);
  await assertParity(sequential([L().lstm({ units: 4, inputShape: [6, 3] })]), [['Transpose', 'LSTM', 'Squeeze']]);
  await assertParity(sequential([L().lstm({ units: 3, inputShape: [5, 2], useBias: false, recurrentActivation: 'sigmoid' })]), undefined);
  await assertParity(sequential([L().lstm({ units: 3, inputShape: [5, 2], activation: 'relu', recurrentActivation: 'hardSigmoid' })]), undefined);
  await assertParity(sequential([L().lstm({ units: 3, inputShape: [5, 2], activation: 'linear', recurrentActivation: 'sigmoid' })]), undefined);
  await assertParity(sequential([
    L().lstm({ units: 5, inputShape: [7, 3], returnSequences: true }),
    L().dropout({ rate: 0.2 }),
    L().lstm({ units: 4, returnSequences: true }),
    L().flatten(),
    L().dense({ units: 3, activation: 'softmax' }),
  ]), undefined);
});

test('LSTM with an unknown number of timesteps', async () => {
  const exported = await assertParity(sequential([L().lstm({ units: 3, inputShape: [null as unknown as number, 2], returnSequences: true })]), undefined, { otherDim: 5 });
  assert.deepEqual(exported.input.shape, ['batch', null, 2]);
});

test('GRU (reset_after=false, linear_before_reset=0): return_sequences both ways, without bias, other activations', async () => {
  await assertParity(sequential([L().gru({ units: 4, inputShape: [6, 3], returnSequences: true })]), [['Transpose', 'GRU', 'Squeeze', 'Transpose']]);
  await assertParity(sequential([L().gru({ units: 4, inputShape: [6, 3] })]), [['Transpose', 'GRU', 'Squeeze']]);
  await assertParity(sequential([L().gru({ units: 3, inputShape: [5, 2], useBias: false, recurrentActivation: 'sigmoid' })]), undefined);
  await assertParity(sequential([L().gru({ units: 3, inputShape: [5, 2], activation: 'softsign', recurrentActivation: 'sigmoid' })]), undefined);
});

test('GRU (reset_after=true, linear_before_reset=1 with its own recurrent bias): return_sequences both ways, without bias', async () => {
  const a = await assertParity(sequential([new GruResetAfter({ units: 4, inputShape: [6, 3], returnSequences: true })]), [['Transpose', 'GRU', 'Squeeze', 'Transpose']]);
  const gru = onnx.ModelProto.decode(a.bytes).graph!.node!.find(n => n.opType === 'GRU')!;
  assert.equal(Number(gru.attribute!.find(x => x.name === 'linear_before_reset')!.i), 1);
  await assertParity(sequential([new GruResetAfter({ units: 4, inputShape: [6, 3] }), L().dense({ units: 2 })]), undefined);
  await assertParity(sequential([new GruResetAfter({ units: 3, inputShape: [5, 2], useBias: false, recurrentActivation: 'hard_sigmoid' })]), undefined);
});

test('models of the training runtime (fused LSTM/GRU, reset_after GRU) export with the same outputs', async () => {
  // Their own implementation of the Keras equations: a second, independent reference.
  const { fusedGru, fusedLstm } = await import('../../server/ml/layers');
  const model = sequential([
    fusedLstm({ units: 4, inputShape: [6, 3], returnSequences: true, recurrentActivation: 'sigmoid' }),
    fusedGru({ units: 3, resetAfter: true, recurrentActivation: 'sigmoid', returnSequences: true } as never),
    fusedGru({ units: 2 }),
  ]);
  await assertParity(model, undefined);
  // The same weights in our reset_after layer give the same outputs.
  const ours = sequential([
    L().lstm({ units: 4, inputShape: [6, 3], returnSequences: true, recurrentActivation: 'sigmoid' }),
    new GruResetAfter({ units: 3, recurrentActivation: 'sigmoid', returnSequences: true }),
    L().gru({ units: 2 }),
  ]);
  ours.setWeights(model.getWeights());
  const x = uniform(2 * 6 * 3, 5);
  assert.ok(maxAbsDiff(predict(ours, x, [2, 6, 3]).values, predict(model, x, [2, 6, 3]).values) <= TOLERANCE);
});

test('functional models whose layers form a chain export as Sequential ones do', async () => {
  const input = tf.input({ shape: [4], name: 'features' });
  const hidden = L().dense({ units: 3, activation: 'tanh', name: 'hidden' }).apply(input) as TF.SymbolicTensor;
  const out = L().dense({ units: 2, name: 'scores' }).apply(hidden) as TF.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: out });
  const exported = await assertParity(model, [['Gemm', 'Tanh'], ['Gemm']]);
  assert.equal(exported.input.name, 'features');
  assert.equal(exported.output.name, 'scores');
});

test('models that are not a chain are refused with a clear message', () => {
  const input = tf.input({ shape: [4] });
  const a = L().dense({ units: 3 }).apply(input) as TF.SymbolicTensor;
  const b = L().dense({ units: 3 }).apply(input) as TF.SymbolicTensor;
  const model = tf.model({ inputs: input, outputs: [a, b] });
  assert.throws(() => exportLayersModel(model), /one input and one output/);
});

test('opsets 13 to 21 export and run; others are refused', async () => {
  const model = sequential([L().lstm({ units: 2, inputShape: [3, 2] }), L().dense({ units: 2, activation: 'softmax' })]);
  for (const opset of [13, 14, 15, 17, 18, 19, 21]) {
    const { diff, exported } = await parity(model, { opset });
    assert.ok(diff <= TOLERANCE, `opset ${opset}: ${diff}`);
    const proto = onnx.ModelProto.decode(exported.bytes);
    assert.equal(Number(proto.opsetImport[0].version), opset);
    assert.equal(Number(proto.irVersion), opset <= 14 ? 7 : opset <= 18 ? 8 : opset <= 20 ? 9 : 10);
  }
  assert.throws(() => exportLayersModel(model, { opset: 12 }), /opset 12 is not supported: choose 13 to 21/);
  assert.throws(() => exportLayersModel(model, { opset: 22 }), /opset 22 is not supported/);
});

test('the graph: symbolic batch dimension, producer, doc string and metadata', () => {
  const model = sequential([L().embedding({ inputDim: 10, outputDim: 4, inputLength: 5, name: 'emb' }), L().gru({ units: 3, name: 'rnn' }), L().dense({ units: 2, name: 'out' })]);
  const r = exportLayersModel(model, { source: 'models/m/model.json', producerVersion: '9.9.9' });
  const proto = onnx.ModelProto.decode(r.bytes);
  assert.equal(proto.producerName, 'ML Workbench');
  assert.equal(proto.producerVersion, '9.9.9');
  assert.match(proto.docString, /Sequential model .* \(3 layers: Embedding, GRU, Dense\) exported from TensorFlow\.js/);
  const meta = Object.fromEntries(proto.metadataProps.map(p => [p.key, p.value]));
  assert.equal(meta.source_model, 'models/m/model.json');
  assert.equal(meta.keras_class_names, 'Embedding,GRU,Dense');
  assert.equal(meta.keras_layer_names, 'emb,rnn,out');
  const input = proto.graph!.input![0];
  assert.equal(input.type!.tensorType!.shape!.dim![0].dimParam, 'batch');
  assert.equal(Number(input.type!.tensorType!.shape!.dim![1].dimValue), 5);
  assert.equal(proto.graph!.output![0].name, 'out');
  assert.equal(proto.graph!.output![0].type!.tensorType!.shape!.dim![0].dimParam, 'batch');
});

test('checkParity reports the difference it measures, with the input shape it used', async () => {
  const model = sequential([L().lstm({ units: 3, inputShape: [4, 2] }), L().dense({ units: 2 })]);
  const exported = exportLayersModel(model);
  const report = await checkParity(model, exported, { batch: 2 });
  assert.deepEqual(report.inputShape, [2, 4, 2]);
  assert.deepEqual(report.outputShape, [2, 2]);
  assert.equal(report.compared, 4);
  assert.ok(report.maxAbsDiff <= TOLERANCE && report.maxAbsValue > 0);
});

// ---- gate layouts by hand ------------------------------------------------------------------

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function initializer(bytes: Uint8Array, suffix: string): number[] {
  const t = onnx.ModelProto.decode(bytes).graph!.initializer!.find(i => i.name!.endsWith(suffix))!;
  return Array.from(new Float32Array(Uint8Array.from(t.rawData!).buffer));
}

test('LSTM gates: a 1-unit cell over two steps, computed by hand from the Keras equations', async () => {
  // Keras order along the kernel's columns: i, f, c, o.
  const k = [0.5, -0.3, 0.8, 0.2];
  const r = [0.1, 0.4, -0.6, 0.3];
  const b = [0.05, 1.0, -0.1, 0.2];
  const xs = [0.7, -1.2];
  const model = tf.sequential({ layers: [L().lstm({ units: 1, inputShape: [2, 1], recurrentActivation: 'sigmoid', name: 'cell' })] });
  model.setWeights([tf.tensor2d([k], [1, 4]), tf.tensor2d([r], [1, 4]), tf.tensor1d(b)]);

  const step = (order: number[]) => {
    let h = 0;
    let c = 0;
    for (const x of xs) {
      const pre = (g: number) => x * k[order[g]] + h * r[order[g]] + b[order[g]];
      const i = sigmoid(pre(0));
      const f = sigmoid(pre(1));
      const cand = Math.tanh(pre(2));
      const o = sigmoid(pre(3));
      c = f * c + i * cand;
      h = o * Math.tanh(c);
    }
    return h;
  };
  const hand = step([0, 1, 2, 3]);
  // Reading Keras' blocks in ONNX's order (i, o, f, c) would give another answer: the test can tell.
  assert.ok(Math.abs(hand - step([0, 3, 1, 2])) > 0.01);

  const exported = exportLayersModel(model);
  // W rows in ONNX gate order i, o, f, c.
  assert.deepEqual(initializer(exported.bytes, 'cell/W'), [k[0], k[3], k[1], k[2]].map(Math.fround));
  assert.deepEqual(initializer(exported.bytes, 'cell/R'), [r[0], r[3], r[1], r[2]].map(Math.fround));
  assert.deepEqual(initializer(exported.bytes, 'cell/B'), [b[0], b[3], b[1], b[2], 0, 0, 0, 0].map(Math.fround));
  const out = await runOnnx(exported.bytes, { [exported.input.name]: new ort.Tensor('float32', Float32Array.from(xs), [1, 2, 1]) });
  const onnxH = (out[exported.output.name].data as Float32Array)[0];
  assert.ok(Math.abs(onnxH - hand) < 1e-6, `ONNX ${onnxH} vs hand ${hand}`);
  assert.ok(Math.abs(predict(model, Float32Array.from(xs), [1, 2, 1]).values[0] - hand) < 1e-6);
});

function gruByHand(resetAfter: boolean, k: number[], r: number[], bIn: number[], bRec: number[], xs: number[]): number {
  // Keras gate order z, r, h.
  let h = 0;
  for (const x of xs) {
    const z = sigmoid(x * k[0] + bIn[0] + h * r[0] + bRec[0]);
    const rr = sigmoid(x * k[1] + bIn[1] + h * r[1] + bRec[1]);
    const cand = resetAfter
      ? Math.tanh(x * k[2] + bIn[2] + rr * (h * r[2] + bRec[2]))
      : Math.tanh(x * k[2] + bIn[2] + (rr * h) * r[2]);
    h = z * h + (1 - z) * cand;
  }
  return h;
}

test('GRU gates, reset_after=false and true: a 1-unit cell over three steps by hand', async () => {
  const k = [0.6, -0.4, 0.9];
  const r = [0.3, 0.8, -0.7];
  const bIn = [0.1, -0.2, 0.3];
  const bRec = [-0.15, 0.25, 0.4];
  const xs = [0.5, -1.1, 0.8];
  const input = new ort.Tensor('float32', Float32Array.from(xs), [1, 3, 1]);

  const before = tf.sequential({ layers: [L().gru({ units: 1, inputShape: [3, 1], recurrentActivation: 'sigmoid' })] });
  before.setWeights([tf.tensor2d([k], [1, 3]), tf.tensor2d([r], [1, 3]), tf.tensor1d(bIn)]);
  const handBefore = gruByHand(false, k, r, bIn, [0, 0, 0], xs);

  const after = tf.sequential({ layers: [new GruResetAfter({ units: 1, inputShape: [3, 1], recurrentActivation: 'sigmoid' })] });
  after.setWeights([tf.tensor2d([k], [1, 3]), tf.tensor2d([r], [1, 3]), tf.tensor2d([bIn, bRec], [2, 3])]);
  const handAfter = gruByHand(true, k, r, bIn, bRec, xs);
  // The two variants differ on these weights, so each check below can fail.
  assert.ok(Math.abs(handAfter - gruByHand(false, k, r, bIn, bRec, xs)) > 0.01);

  for (const [model, hand] of [[before, handBefore], [after, handAfter]] as const) {
    const exported = exportLayersModel(model);
    const out = await runOnnx(exported.bytes, { [exported.input.name]: input });
    const onnxH = (out[exported.output.name].data as Float32Array)[0];
    assert.ok(Math.abs(onnxH - hand) < 1e-6, `ONNX ${onnxH} vs hand ${hand}`);
    assert.ok(Math.abs(predict(model, Float32Array.from(xs), [1, 3, 1]).values[0] - hand) < 1e-6, 'tfjs');
  }
});

// ---- unsupported layers ----------------------------------------------------------------------

test('unsupported layers: one error listing every one of them, with the reason', () => {
  const model = tf.sequential({
    layers: [
      L().conv1d({ filters: 2, kernelSize: 2, inputShape: [6, 3], name: 'conv' }),
      L().batchNormalization({ name: 'bn' }),
      L().lstm({ units: 2, goBackwards: true, name: 'backwards' }),
      L().dense({ units: 2, activation: 'elu', name: 'ok' }),
    ],
  });
  let error: UserError | undefined;
  try {
    exportLayersModel(model);
  } catch (err) {
    error = err as UserError;
  }
  assert.ok(error instanceof UserError);
  assert.match(error.message, /3 unsupported layers/);
  assert.match(error.message, /conv \(Conv1D\): Conv1D layers are not supported/);
  assert.match(error.message, /bn \(BatchNormalization\)/);
  assert.match(error.message, /backwards \(LSTM\): go_backwards=true is not supported/);
  assert.doesNotMatch(error.message, /ok \(Dense\)/);
});

test('model.json topologies are checked before TensorFlow.js builds them (it does not know every Keras layer)', () => {
  const topology = {
    class_name: 'Sequential',
    config: {
      name: 's',
      layers: [
        { class_name: 'Dense', config: { name: 'd1', units: 2, activation: 'relu' } },
        { class_name: 'MultiHeadAttention', config: { name: 'attention' } },
        { class_name: 'Dense', config: { name: 'd2', units: 2, activation: 'exponential' } },
        { class_name: 'GRU', config: { name: 'g', units: 2, reset_after: true, stateful: true } },
        { class_name: 'Embedding', config: { name: 'e', input_dim: 3, output_dim: 2, mask_zero: true } },
        { class_name: 'LSTM', config: { name: 'after_mask', units: 2, recurrent_activation: 'softmax' } },
      ],
    },
  };
  assert.throws(() => checkTopology(topology, '/m/model.json'), (err: UserError) => {
    assert.equal(err.file, '/m/model.json');
    assert.match(err.message, /5 unsupported layers/);
    assert.match(err.message, /attention \(MultiHeadAttention\): MultiHeadAttention layers are not supported/);
    assert.match(err.message, /d2 \(Dense\): activation exponential is not supported/);
    assert.match(err.message, /g \(GRU\): stateful=true is not supported/);
    assert.match(err.message, /e \(Embedding\): mask_zero=true/);
    assert.match(err.message, /after_mask \(LSTM\): recurrent_activation softmax is not supported in LSTM/);
    return true;
  });
  assert.doesNotThrow(() => checkTopology({ class_name: 'Sequential', config: { name: 's', layers: [{ class_name: 'Dense', config: { name: 'd', units: 1 } }] } }));
});

// Shared by the ONNX export/check/run tests: tiny tfjs models with seeded random weights, running
// a model in TensorFlow.js and in ONNX Runtime, and hand-built ONNX models (onnx-proto).
import type * as TF from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { onnx } from 'onnx-proto';
import { seededRandom } from '../../server/common/random';
import { tfjs } from '../../server/onnx/tfjs';

export const tf = tfjs();

/** The seeded PRNG the bench uses too: the same weights on every machine. */
export const prng = seededRandom;

/** Sets every weight of the model to seeded uniform values in [-scale, scale). */
export function randomizeWeights(model: TF.LayersModel, seed: number, scale = 0.5): TF.LayersModel {
  const random = prng(seed);
  model.setWeights(model.getWeights().map(w => tf.tensor(Float32Array.from({ length: w.size }, () => (random() * 2 - 1) * scale), w.shape)));
  return model;
}

export function sequential(layers: TF.layers.Layer[], seed = 7): TF.LayersModel {
  return randomizeWeights(tf.sequential({ layers }), seed);
}

export function uniform(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  const random = prng(seed);
  return Float32Array.from({ length: n }, () => lo + (hi - lo) * random());
}

export function predict(model: TF.LayersModel, data: Float32Array | Int32Array, shape: number[]): { values: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const y = model.predict(tf.tensor(data, shape, data instanceof Int32Array ? 'int32' : 'float32')) as TF.Tensor;
    return { values: y.dataSync() as Float32Array, shape: y.shape };
  });
}

export async function runOnnx(bytes: Uint8Array, feeds: Record<string, ort.Tensor>): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes);
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`lengths differ: ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    if (Number.isNaN(d)) return Infinity;
    m = Math.max(m, d);
  }
  return m;
}

export { ort };

// ---- hand-built ONNX models ----------------------------------------------------------------

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;

export function valueInfo(name: string, elemType: number, shape?: (number | string | null)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: shape && { dim: shape.map(d => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) } } },
  };
}

export function node(opType: string, input: string[], output: string[], name = '', extra: Partial<onnx.INodeProto> = {}): onnx.INodeProto {
  return { opType, input, output, name, ...extra };
}

export function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, rawData: new Uint8Array(new Float32Array(values).buffer) };
}

export interface ModelSpec {
  nodes: onnx.INodeProto[];
  inputs: onnx.IValueInfoProto[];
  outputs: onnx.IValueInfoProto[];
  initializers?: onnx.ITensorProto[];
  irVersion?: number;
  opsets?: { domain: string; version: number }[];
  producerName?: string;
}

export function modelBytes(spec: ModelSpec): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create({
    irVersion: spec.irVersion ?? 8,
    opsetImport: spec.opsets ?? [{ domain: '', version: 17 }],
    producerName: spec.producerName ?? 'hand',
    graph: { name: 'g', node: spec.nodes, input: spec.inputs, output: spec.outputs, initializer: spec.initializers ?? [] },
  })).finish();
}

/** y = a + b over [batch, 3] floats. */
export function addModel(op = 'Add'): Uint8Array {
  return modelBytes({
    nodes: [node(op, ['a', 'b'], ['y'], 'sum')],
    inputs: [valueInfo('a', FLOAT, ['batch', 3]), valueInfo('b', FLOAT, ['batch', 3])],
    outputs: [valueInfo('y', FLOAT, ['batch', 3])],
  });
}

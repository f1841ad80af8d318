// The parity check after an export: the same random inputs through the tfjs model and through
// ONNX Runtime on the exported bytes; the largest absolute difference between their outputs.
import type * as TF from '@tensorflow/tfjs';
import { UserError } from '../common/errors';
import { seededRandom } from '../common/random';
import type { ExportResult } from './export';
import { onnxRuntime, sessionOptions } from './runtime';
import { tfjs } from './tfjs';

export interface ParityOptions {
  /** Batch size of the random inputs (default 2: checks that the batch dimension is really dynamic). */
  batch?: number;
  /** Size given to other unknown dimensions (default 3). */
  otherDims?: number;
  seed?: number;
  threads?: number;
}

export interface ParityReport {
  maxAbsDiff: number;
  /** Largest |tfjs| output value, to judge the difference against. */
  maxAbsValue: number;
  inputShape: number[];
  outputShape: number[];
  /** Values compared. */
  compared: number;
  tfjsMs: number;
  onnxMs: number;
}

/** Random inputs for the model: integer indices below input_dim when it starts with an Embedding, else uniform in [-1, 1). */
function randomInput(model: TF.LayersModel, shape: number[], random: () => number): Float32Array | Int32Array {
  const n = shape.reduce((a, b) => a * b, 1);
  const first = model.layers.find(l => l.getClassName() !== 'InputLayer');
  const vocabulary = first?.getClassName() === 'Embedding' ? (first.getConfig().inputDim as number) : undefined;
  const out = model.inputs[0].dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = vocabulary ? Math.floor(random() * vocabulary) : random() * 2 - 1;
  return out;
}

export async function checkParity(model: TF.LayersModel, exported: ExportResult, options: ParityOptions = {}): Promise<ParityReport> {
  const tf = tfjs();
  const ort = onnxRuntime();
  const batch = options.batch ?? 2;
  const shape = model.inputs[0].shape.map((d, i) => (d ?? (i === 0 ? batch : options.otherDims ?? 3)));
  const data = randomInput(model, shape, seededRandom(options.seed ?? 1));

  const t0 = performance.now();
  const expected = tf.tidy(() => {
    const y = model.predict(tf.tensor(data, shape, model.inputs[0].dtype)) as TF.Tensor;
    return { values: y.dataSync().slice(), shape: y.shape };
  });
  const tfjsMs = performance.now() - t0;

  let session;
  try {
    session = await ort.InferenceSession.create(exported.bytes, sessionOptions({ threads: options.threads }));
  } catch (err) {
    throw new UserError(`ONNX Runtime refuses the exported model: ${(err as Error).message}`);
  }
  try {
    const type = data instanceof Int32Array ? 'int32' : 'float32';
    const t1 = performance.now();
    const out = await session.run({ [exported.input.name]: new ort.Tensor(type, data, shape) });
    const onnxMs = performance.now() - t1;
    const actual = out[exported.output.name];
    const got = actual.data as Float32Array;
    const gotShape = [...actual.dims];
    if (gotShape.join() !== expected.shape.join()) {
      throw new UserError(`the exported model's output has shape [${gotShape}] where TensorFlow.js gives [${expected.shape}]`);
    }
    let maxAbsDiff = 0;
    let maxAbsValue = 0;
    for (let i = 0; i < got.length; i++) {
      const diff = Math.abs(got[i] - expected.values[i]);
      // NaN on either side is a mismatch, not a 0 difference.
      maxAbsDiff = Number.isNaN(diff) ? Infinity : Math.max(maxAbsDiff, diff);
      maxAbsValue = Math.max(maxAbsValue, Math.abs(expected.values[i]));
    }
    return { maxAbsDiff, maxAbsValue, inputShape: shape, outputShape: gotShape, compared: got.length, tfjsMs, onnxMs };
  } finally {
    await session.release();
  }
}

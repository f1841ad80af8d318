// What runs the model during generation: ONNX Runtime on the exported model (the default: a
// batch-1 step of the seed's network takes about half a millisecond), or TensorFlow.js on the
// model folder (the fallback when there is no ONNX file or no ONNX Runtime). Both take one
// encoded window and return the next token's probabilities.
import type * as Ort from 'onnxruntime-node';
import { UserError } from '../common/errors';
import { createSession, onnxRuntime } from '../onnx/runtime';

export type EngineName = 'onnx' | 'tfjs';

export interface NextTokenModel {
  readonly engine: EngineName;
  /** The probabilities of the next token for one encoded window (the model's input for batch 1). */
  predict(input: Float32Array): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * An ONNX Runtime session on `file` taking inputs of `sampleShape` (one sample, without the
 * batch). `threads`: intraOpNumThreads (0: ONNX Runtime's choice).
 */
export async function openOnnxModel(file: string, sampleShape: number[], threads = 1): Promise<NextTokenModel> {
  const ort = onnxRuntime();
  const session = await createSession(file, { threads });
  const inputName = session.inputNames[0];
  const outputName = session.outputNames[0];
  const dims = [1, ...sampleShape];
  return {
    engine: 'onnx',
    async predict(input) {
      let out: Ort.InferenceSession.ReturnType;
      try {
        out = await session.run({ [inputName]: new ort.Tensor('float32', input, dims) });
      } catch (err) {
        throw new UserError(`ONNX Runtime failed to run the model: ${(err as Error).message}`, file);
      }
      return out[outputName].data as Float32Array;
    },
    dispose: () => session.release(),
  };
}

/** TensorFlow.js on a model folder (loaded on first use: TensorFlow.js takes a while to load). */
export async function openTfjsModel(modelDir: string, sampleShape: number[]): Promise<NextTokenModel> {
  const { openTfjsModelNow } = await import('./generateTfjs');
  return openTfjsModelNow(modelDir, sampleShape);
}

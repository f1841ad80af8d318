// The TensorFlow.js generation engine (generateEngines.ts loads this module on first use): the
// model folder loaded with the runtime's fused LSTM layers, on the backend the ML runtime picks
// (tfjs-node, else wasm, else cpu).
import * as tf from '@tensorflow/tfjs';
import { selectBackend } from '../ml/backend';
import { loadModel } from '../ml/modelIO';
import type { NextTokenModel } from './generateEngines';

export async function openTfjsModelNow(modelDir: string, sampleShape: number[]): Promise<NextTokenModel> {
  await selectBackend(tf);
  const model = await loadModel(modelDir);
  const dims = [1, ...sampleShape];
  let steps = 0;
  return {
    engine: 'tfjs',
    async predict(input) {
      // predict() is synchronous: give the event loop a turn now and then (cancellation, other requests).
      if (++steps % 8 === 0) await new Promise(resolve => setImmediate(resolve));
      return tf.tidy(() => (model.predict(tf.tensor(input, dims)) as tf.Tensor).dataSync() as Float32Array);
    },
    async dispose() {
      model.dispose();
    },
  };
}

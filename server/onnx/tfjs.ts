// TensorFlow.js, loaded on first use (it takes a noticeable moment to load, and most requests of
// the server never need it), with the one layer class ML Workbench adds: Keras' GRU with
// reset_after=True, which stock tfjs refuses to build (gruResetAfter.ts).
import type * as TF from '@tensorflow/tfjs';
import { defineGruResetAfter } from './gruResetAfter';

export type Tf = typeof TF;

let loaded: Tf | undefined;

export function tfjs(): Tf {
  if (!loaded) {
    const tf = require('@tensorflow/tfjs') as Tf;
    // Production mode: no per-op debug checks and no console banners (stdout may be a protocol).
    tf.enableProdMode();
    defineGruResetAfter(tf);
    loaded = tf;
  }
  return loaded;
}

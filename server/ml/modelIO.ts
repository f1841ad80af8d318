// Models on disk in TensorFlow.js' layers format: a folder with model.json (Keras topology and a
// weights manifest) and weights.bin. tfjs-node's file:// handler is not available on the wasm
// and cpu backends, so this is a small file IOHandler of our own. Stock tf.loadLayersModel
// loads what it writes (give it fileIO(dir)), and so does the ONNX exporter.
//
// Writes are atomic per file (temporary file, fsync, rename), weights first and model.json last:
// a reader sees the old model, or the new weights with a model.json naming the same weights
// (only the values change between two saves of one model), never a torn file.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import { withFusedLayers } from './layers';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

function readJson(file: string): tf.io.ModelJSON {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the model (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  let json: tf.io.ModelJSON;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON (${(err as Error).message})`, file);
  }
  if (typeof json !== 'object' || json === null || !json.modelTopology) throw new UserError('not a TensorFlow.js model: no modelTopology', file);
  return json;
}

/** The weight files a model.json names, concatenated in manifest order. */
function readWeights(dir: string, manifest: tf.io.WeightsManifestConfig, jsonFile: string): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const buffers: Buffer[] = [];
  for (const group of manifest) {
    specs.push(...group.weights);
    for (const p of group.paths) {
      const file = path.resolve(dir, p);
      if (path.relative(dir, file).startsWith('..')) throw new UserError(`weights path "${p}" points outside the model folder`, jsonFile);
      try {
        buffers.push(fs.readFileSync(file));
      } catch (err) {
        throw new UserError(`cannot read the weights file "${p}" (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, jsonFile);
      }
    }
  }
  const all = Buffer.concat(buffers);
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer];
}

/** A tfjs IOHandler for a model folder: `model.save(fileIO(dir))`, `tf.loadLayersModel(fileIO(dir))`. */
export function fileIO(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      if (artifacts.modelTopology instanceof ArrayBuffer) throw new Error('binary model topologies (graph models) are not supported');
      const weights = artifacts.weightData === undefined ? new ArrayBuffer(0) : tf.io.CompositeArrayBuffer.join(artifacts.weightData);
      writeFileAtomic(path.join(dir, WEIGHTS_BIN), new Uint8Array(weights));
      const json: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology ?? {},
        format: artifacts.format,
        generatedBy: artifacts.generatedBy,
        convertedBy: artifacts.convertedBy,
        weightsManifest: [{ paths: [WEIGHTS_BIN], weights: artifacts.weightSpecs ?? [] }],
        ...(artifacts.trainingConfig ? { trainingConfig: artifacts.trainingConfig } : {}),
        ...(artifacts.userDefinedMetadata ? { userDefinedMetadata: artifacts.userDefinedMetadata } : {}),
      };
      writeFileAtomic(path.join(dir, MODEL_JSON), JSON.stringify(json));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON({ ...artifacts, weightData: weights }) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const file = path.join(dir, MODEL_JSON);
      const json = readJson(file);
      return tf.io.getModelArtifactsForJSON(json, async manifest => readWeights(dir, manifest, file));
    },
  };
}

/**
 * Loads a model folder for our runtime: LSTM and GRU layers become the fused ones (same
 * weights), and GRU with reset_after=True loads too. Weights are matched by name.
 */
export async function loadModel(dir: string): Promise<tf.LayersModel> {
  const file = path.join(dir, MODEL_JSON);
  const json = readJson(file);
  let model: tf.LayersModel;
  try {
    model = await withFusedLayers(() => tf.models.modelFromJSON({ modelTopology: json.modelTopology } as never));
  } catch (err) {
    throw new UserError(`cannot build the model: ${(err as Error).message.split('\n')[0]}`, file);
  }
  const [specs, data] = readWeights(dir, json.weightsManifest ?? [], file);
  const named = tf.io.decodeWeights(data, specs);
  try {
    model.loadWeights(named);
  } catch (err) {
    throw new UserError(`the weights do not fit the model: ${(err as Error).message.split('\n')[0]}`, file);
  } finally {
    tf.dispose(Object.values(named));
  }
  return model;
}

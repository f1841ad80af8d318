// TensorFlow.js layers models on disk for the exporter: a folder with model.json (the Keras
// topology and a weights manifest) and the weight files it names, read and written by the
// training runtime's file IOHandler (ml/modelIO.ts) and loaded with stock tf.loadLayersModel.
//
// Before tfjs builds anything, the topology is returned as it is on disk (for checkTopology,
// which lists every unsupported layer, including those tfjs does not know) and the weight files
// are checked to hold the bytes the manifest describes. Keras' GRU with reset_after=True, which
// stock tfjs cannot build, is loaded as our own layer class (gruResetAfter.ts) and saved back as
// a standard Keras GRU.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { UserError } from '../common/errors';
import { GRU_RESET_AFTER_CLASS } from './gruResetAfter';
import { tfjs } from './tfjs';

export const MODEL_JSON = 'model.json';

/** ml/modelIO.ts, loaded with tfjs on first use (it imports tfjs, which most commands never need). */
const modelIO = () => require('../ml/modelIO') as typeof import('../ml/modelIO');

/** A Keras layer as model.json holds it. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown> & { name?: string; layers?: unknown };
  name?: string;
  inbound_nodes?: unknown;
}

export interface ModelFolder {
  /** The model.json file. */
  file: string;
  /** The Keras model topology: `{class_name, config}` (unwrapped from `model_config` if need be). */
  topology: KerasLayerJson;
  /** What stock tf.loadLayersModel gets (reset_after GRUs renamed to our class). */
  artifacts: TF.io.ModelArtifacts;
}

const BYTES_PER_ELEMENT: Record<string, number> = { float32: 4, int32: 4, bool: 1, complex64: 8, uint8: 1, uint16: 2, float16: 2 };

/** The bytes one weight takes in the files (quantized weights take their quantized size). */
function weightBytes(spec: TF.io.WeightsManifestEntry, file: string): number {
  const dtype = spec.quantization?.dtype ?? spec.dtype;
  const per = BYTES_PER_ELEMENT[dtype];
  if (per === undefined) throw new UserError(`weight ${spec.name}: dtype ${dtype} is not supported`, file);
  if (!Array.isArray(spec.shape) || spec.shape.some(d => !Number.isInteger(d) || d < 0)) {
    throw new UserError(`weight ${spec.name}: shape ${JSON.stringify(spec.shape)} is not a list of sizes`, file);
  }
  return spec.shape.reduce((a, b) => a * b, 1) * per;
}

/** The Keras layers of a topology (Sequential or functional), or undefined for another shape. */
export function topologyLayers(topology: KerasLayerJson): KerasLayerJson[] | undefined {
  const c = topology.config as unknown;
  if (Array.isArray(c)) return c as KerasLayerJson[]; // Keras 1 and early 2 Sequential: config is the list
  const layers = (c as { layers?: unknown })?.layers;
  return Array.isArray(layers) ? (layers as KerasLayerJson[]) : undefined;
}

/** A copy of the topology with every GRU(reset_after=True) renamed to our class (or back). */
function renameGruResetAfter(topology: KerasLayerJson, toOurs: boolean): KerasLayerJson {
  const copy = structuredClone(topology);
  const visit = (layer: KerasLayerJson) => {
    if (toOurs && layer.class_name === 'GRU' && layer.config?.reset_after === true) layer.class_name = GRU_RESET_AFTER_CLASS;
    else if (!toOurs && layer.class_name === GRU_RESET_AFTER_CLASS) layer.class_name = 'GRU';
    for (const inner of topologyLayers(layer) ?? []) visit(inner);
  };
  visit(copy);
  return copy;
}

/** Reads model.json and its weight files (a folder holding model.json, or the file itself). */
export async function readModelFolder(dirOrFile: string): Promise<ModelFolder> {
  let file = dirOrFile;
  try {
    if (fs.statSync(file).isDirectory()) {
      file = path.join(dirOrFile, MODEL_JSON);
      fs.statSync(file);
    }
  } catch {
    throw new UserError(dirOrFile === file ? 'no such file or folder' : `no ${MODEL_JSON} in this folder`, dirOrFile);
  }
  if (path.basename(file) !== MODEL_JSON) throw new UserError(`expected a folder holding ${MODEL_JSON}, or ${MODEL_JSON} itself`, file);
  tfjs(); // the IOHandler's tfjs, with our layer class registered
  const artifacts = await modelIO().fileIO(path.dirname(file)).load!();

  let topology = artifacts.modelTopology as Record<string, unknown>;
  if (artifacts.format === 'graph-model') throw new UserError('this is a TensorFlow.js graph model; only layers models (Keras) can be read', file);
  if (topology?.model_config) topology = topology.model_config as Record<string, unknown>;
  if (typeof topology?.class_name !== 'string') throw new UserError('modelTopology has no class_name: this is not a TensorFlow.js layers model', file);

  const expected = (artifacts.weightSpecs ?? []).reduce((sum, w) => sum + weightBytes(w, file), 0);
  const got = artifacts.weightData instanceof ArrayBuffer ? artifacts.weightData.byteLength : 0;
  if (got !== expected) throw new UserError(`the weights take ${expected} bytes but the weight files hold ${got}`, file);

  return {
    file,
    topology: topology as unknown as KerasLayerJson,
    artifacts: { ...artifacts, modelTopology: renameGruResetAfter(topology as unknown as KerasLayerJson, true) },
  };
}

/** Builds the tfjs model of a folder read by readModelFolder (stock tf.loadLayersModel). */
export async function loadLayersModel(folder: ModelFolder): Promise<TF.LayersModel> {
  const tf = tfjs();
  try {
    return await tf.loadLayersModel(tf.io.fromMemory(folder.artifacts));
  } catch (err) {
    throw new UserError(`TensorFlow.js cannot load this model: ${(err as Error).message}`, folder.file);
  }
}

/** Writes a layers model as model.json + weights.bin into `dir` (ml/modelIO's IOHandler: atomic files). */
export async function saveModelFolder(model: TF.LayersModel, dir: string): Promise<string> {
  const tf = tfjs();
  const io = modelIO().fileIO(dir);
  await model.save(tf.io.withSaveHandler(artifacts => io.save!({
    ...artifacts,
    modelTopology: renameGruResetAfter(artifacts.modelTopology as KerasLayerJson, false),
  })));
  return path.join(dir, MODEL_JSON);
}

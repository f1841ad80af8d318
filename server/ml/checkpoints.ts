// What a training run keeps on disk besides its final model, under <output>/checkpoints/:
//
//   best/            the weights of the best epoch so far (Keras' ModelCheckpoint with
//                    save_best_only): a model folder, rewritten after each improvement.
//   epoch-0007/      everything needed to continue after epoch 7: the model (model.json +
//                    weights.bin), the optimizer's state (optimizer.bin), and the early-stopping
//                    best weights when they are to be restored (es-best.bin).
//   resume.json      the commit point: which epoch folder is current, the epoch counter, the
//                    early-stopping state, the history. Replaced atomically after the epoch
//                    folder is complete, so a crash at any moment leaves a consistent checkpoint.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import type { EarlyStoppingState } from './earlyStopping';
import { fileIO, MODEL_JSON, WEIGHTS_BIN } from './modelIO';

export const CHECKPOINTS = 'checkpoints';
export const BEST = 'best';
const RESUME = 'resume.json';
const FORMAT = 'mlw-training-checkpoint';

interface WeightsFile {
  file: string;
  specs: tf.io.WeightsManifestEntry[];
}

export interface ResumeState {
  format: typeof FORMAT;
  version: 1;
  /** Epochs completed. */
  epoch: number;
  /** The epoch folder (relative to checkpoints/). */
  folder: string;
  /** The shuffling seed, so the resumed epochs shuffle as an uninterrupted run would have. */
  seed: number;
  history: Record<string, number>[];
  earlyStopping?: EarlyStoppingState;
  /** ModelCheckpoint's best value so far (null: none yet). */
  bestCheckpoint?: { monitor: string; value: number | null; epoch: number };
  optimizer: WeightsFile;
  earlyStoppingWeights?: WeightsFile;
}

export interface Snapshot {
  epoch: number;
  seed: number;
  history: Record<string, number>[];
  earlyStopping?: EarlyStoppingState;
  bestCheckpoint?: ResumeState['bestCheckpoint'];
  /** Early stopping's best weights (restoreBestWeights), in model.getWeights() order. */
  earlyStoppingWeights?: tf.Tensor[];
}

/** Named weights to bytes + specs, in the given order (names must be unique). */
async function encode(named: { name: string; tensor: tf.Tensor }[]): Promise<{ data: Uint8Array; specs: tf.io.WeightsManifestEntry[] }> {
  const { data, specs } = await tf.io.encodeWeights(named);
  return { data: new Uint8Array(tf.io.CompositeArrayBuffer.join(data)), specs };
}

function readWeightsFile(dir: string, w: WeightsFile, file: string): tf.NamedTensorMap {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(path.join(dir, w.file));
  } catch (err) {
    throw new UserError(`checkpoint file ${w.file} is missing (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  return tf.io.decodeWeights(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer, w.specs);
}

export class Checkpoints {
  readonly dir: string;
  constructor(outputDir: string) {
    this.dir = path.join(outputDir, CHECKPOINTS);
  }

  get bestDir(): string {
    return path.join(this.dir, BEST);
  }

  get resumeFile(): string {
    return path.join(this.dir, RESUME);
  }

  /** Saves the current weights as the best so far. */
  async saveBest(model: tf.LayersModel): Promise<void> {
    await model.save(fileIO(this.bestDir));
  }

  /** Writes the checkpoint after `snapshot.epoch` epochs, then makes it the current one. */
  async save(model: tf.LayersModel, snapshot: Snapshot): Promise<void> {
    const folder = `epoch-${String(snapshot.epoch).padStart(4, '0')}`;
    const dir = path.join(this.dir, folder);
    fs.rmSync(dir, { recursive: true, force: true }); // a half-written one from a crash
    await model.save(fileIO(dir));
    const optimizerWeights = await model.optimizer.getWeights();
    const opt = await encode(optimizerWeights);
    // getWeights() makes a fresh scalar for the iteration count; the rest are the optimizer's own variables.
    tf.dispose(optimizerWeights.map(w => w.tensor).filter(t => !(t instanceof tf.Variable)));
    writeFileAtomic(path.join(dir, 'optimizer.bin'), opt.data);
    let earlyStoppingWeights: WeightsFile | undefined;
    if (snapshot.earlyStoppingWeights) {
      const names = model.weights.map(w => w.originalName);
      const es = await encode(snapshot.earlyStoppingWeights.map((tensor, i) => ({ name: names[i], tensor })));
      writeFileAtomic(path.join(dir, 'es-best.bin'), es.data);
      earlyStoppingWeights = { file: 'es-best.bin', specs: es.specs };
    }
    const state: ResumeState = {
      format: FORMAT, version: 1, epoch: snapshot.epoch, folder, seed: snapshot.seed, history: snapshot.history,
      earlyStopping: snapshot.earlyStopping, bestCheckpoint: snapshot.bestCheckpoint,
      optimizer: { file: 'optimizer.bin', specs: opt.specs }, earlyStoppingWeights,
    };
    writeFileAtomic(this.resumeFile, JSON.stringify(state, null, 1));
    // Older epoch folders are no longer referenced.
    for (const name of fs.readdirSync(this.dir)) {
      if (/^epoch-\d+$/.test(name) && name !== folder) fs.rmSync(path.join(this.dir, name), { recursive: true, force: true });
    }
  }

  /** The current checkpoint's state, or undefined when there is none. */
  readState(): ResumeState | undefined {
    let text: string;
    try {
      text = fs.readFileSync(this.resumeFile, 'utf8');
    } catch {
      return undefined;
    }
    let state: ResumeState;
    try {
      state = JSON.parse(text);
    } catch (err) {
      throw new UserError(`not valid JSON (${(err as Error).message})`, this.resumeFile);
    }
    if (state?.format !== FORMAT || state.version !== 1 || !Number.isInteger(state.epoch) || typeof state.folder !== 'string') {
      throw new UserError('not a training checkpoint of this version', this.resumeFile);
    }
    return state;
  }

  /**
   * Puts the checkpoint's weights and optimizer state into a model built and compiled from the
   * same specification; returns what the trainer continues from.
   */
  async restore(model: tf.LayersModel, state: ResumeState): Promise<Snapshot> {
    const dir = path.join(this.dir, state.folder);
    const file = path.join(dir, MODEL_JSON);
    const json = JSON.parse(fs.readFileSync(file, 'utf8')) as tf.io.ModelJSON;
    const named = readWeightsFile(dir, { file: WEIGHTS_BIN, specs: json.weightsManifest.flatMap(g => g.weights) }, file);
    try {
      model.loadWeights(named);
    } catch (err) {
      throw new UserError(`the checkpoint does not fit the model (was the model changed?): ${(err as Error).message.split('\n')[0]}`, file);
    } finally {
      tf.dispose(Object.values(named));
    }
    const opt = readWeightsFile(dir, state.optimizer, this.resumeFile);
    await model.optimizer.setWeights(state.optimizer.specs.map(s => ({ name: s.name, tensor: opt[s.name] })));
    tf.dispose(Object.values(opt)); // the optimizer made its own variables of them
    let earlyStoppingWeights: tf.Tensor[] | undefined;
    if (state.earlyStoppingWeights) {
      const es = readWeightsFile(dir, state.earlyStoppingWeights, this.resumeFile);
      earlyStoppingWeights = model.weights.map(w => {
        const t = es[w.originalName];
        if (!t) throw new UserError(`the checkpoint's early-stopping weights lack ${w.originalName}`, this.resumeFile);
        return t;
      });
    }
    return {
      epoch: state.epoch, seed: state.seed, history: state.history, earlyStopping: state.earlyStopping,
      bestCheckpoint: state.bestCheckpoint, earlyStoppingWeights,
    };
  }
}

// The training loop: a model built from a layer list, trained on a dataset epoch by epoch with
// progress (loss, metrics, ETA), cancellation at the end of a batch, Keras' EarlyStopping and
// ModelCheckpoint(save_best_only), a resumable checkpoint after every epoch, and the final model
// saved in the tfjs layers format. It runs wherever it is called; the server and the CLI call it
// in a worker thread (trainWorker.ts).
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, UserError } from '../common/errors';
import { seededRandom } from '../common/random';
import { buildModel, compileModel } from './buildModel';
import { Checkpoints } from './checkpoints';
import type { ModelSpec, TrainOptions } from './config';
import type { Dataset } from './data';
import { BestCheckpoint, EarlyStopping } from './earlyStopping';
import { formatDuration, formatLogs } from './format';
import { fileIO } from './modelIO';

export const MODEL_FOLDER = 'model';

export interface TrainProgress {
  /** 1-based: the epoch running, or just finished when `logs` is given. */
  epoch: number;
  epochs: number;
  batch?: number;
  batches?: number;
  /** The epoch's logs (loss, metrics, val_…), at its end. */
  logs?: Record<string, number>;
  etaSeconds?: number;
  /** Of the whole training, 0..1. */
  fraction: number;
  message: string;
}

export interface TrainHooks {
  signal?: AbortSignal;
  onProgress?: (progress: TrainProgress) => void;
  /** After each epoch, once its checkpoint is written (tracking logs here). 1-based epoch. */
  onEpochEnd?: (epoch: number, logs: Record<string, number>, info: { bestSaved: boolean }) => Promise<void> | void;
}

export interface RuntimeOptions extends TrainOptions {
  /** model/ and checkpoints/ go here. */
  outputDir: string;
  /** Continue from the checkpoint in outputDir (a fresh start when there is none). */
  resume?: boolean;
}

export interface TrainResult {
  /** Epochs completed in all, resumed ones included. */
  epochs: number;
  /** Epochs completed before this call (resume). */
  resumedFrom: number;
  history: Record<string, number>[];
  /** The last epoch's logs. */
  final: Record<string, number>;
  stoppedEarly: boolean;
  restoredBestWeights: boolean;
  /** Of the best checkpoint: monitor, value, 1-based epoch. */
  best?: { monitor: string; value: number; epoch: number };
  modelDir: string;
  checkpointDir: string;
  samples: { train: number; validation: number };
}

/** The training order of `n` samples in `epoch` (0-based): a Fisher–Yates shuffle seeded by both. */
export function epochOrder(n: number, seed: number, epoch: number, shuffle: boolean): Int32Array {
  const order = Int32Array.from({ length: n }, (_, i) => i);
  if (!shuffle) return order;
  const random = seededRandom((seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order;
}

/** Checks that the data fits the model's input and output, with messages a user can act on. */
function checkShapes(model: tf.LayersModel, data: Dataset, loss: string): void {
  const fits = (modelShape: (number | null)[], sample: number[]) => modelShape.length === sample.length && modelShape.every((d, i) => d === null || d === sample[i]);
  const input = model.inputs[0].shape.slice(1);
  const x = data.x.shape.slice(1);
  if (!fits(input, x)) {
    throw new UserError(`model.layers[0]: the model takes inputs of shape [${input.map(d => d ?? '?')}] per sample, the data has [${x}]${data.features ? ` (${data.features.length} feature columns)` : ''}; fix inputShape or add a Reshape layer`);
  }
  const output = model.outputs[0].shape.slice(1);
  const y = data.y.shape.slice(1);
  if (loss === 'sparseCategoricalCrossentropy') {
    if (!(y.length === 0 || (y.length === 1 && y[0] === 1))) throw new UserError(`sparseCategoricalCrossentropy needs one class index per sample, the targets have shape [${y}]`);
    if (data.classes && output[output.length - 1] !== null && (output[output.length - 1] as number) < data.classes.length) {
      throw new UserError(`the last layer has ${output[output.length - 1]} units but the target has ${data.classes.length} classes (${data.classes.slice(0, 10).join(', ')}${data.classes.length > 10 ? ', …' : ''})`);
    }
    return;
  }
  if (!fits(output, y)) {
    const classes = data.classes ? ` (the target has ${data.classes.length} classes)` : '';
    throw new UserError(`the model's output has shape [${output.map(d => d ?? '?')}] per sample but the targets have [${y}]${classes}; fix the last layer's units`);
  }
}

/**
 * Trains the model a layer list describes on `data`, writing checkpoints and the final model
 * under `options.outputDir`. Throws CancelledError when `hooks.signal` fires (after the current
 * batch; the last epoch's checkpoint stays, and `resume: true` continues from it).
 */
export async function trainModel(spec: ModelSpec, data: Dataset, options: RuntimeOptions, hooks: TrainHooks = {}): Promise<TrainResult> {
  const n = data.x.shape[0];
  const trainCount = options.validationSplit > 0 ? Math.ceil(n * (1 - options.validationSplit)) : n; // Keras keeps the last part
  const valCount = n - trainCount;
  if (options.validationSplit > 0 && valCount === 0) throw new UserError(`validationSplit ${options.validationSplit} of ${n} samples leaves no validation sample`);
  if (trainCount === 0) throw new UserError('no training samples');

  const checkpoints = new Checkpoints(options.outputDir);
  const resumeState = options.resume ? checkpoints.readState() : undefined;
  const seed = resumeState?.seed ?? options.seed ?? Math.floor(Math.random() * 2 ** 31);
  const model = buildModel(spec, data.x.shape.slice(1), options.seed);
  try {
    compileModel(model, options);
    return await fit(model, data, options, hooks, { checkpoints, resumeState, seed, trainCount, valCount });
  } finally {
    const optimizer = model.optimizer as tf.Optimizer | undefined;
    model.dispose();
    optimizer?.dispose(); // passed in, so not owned (nor disposed) by the model
  }
}

interface FitPlan {
  checkpoints: Checkpoints;
  resumeState: ReturnType<Checkpoints['readState']>;
  seed: number;
  trainCount: number;
  valCount: number;
}

/** The epoch loop on a built and compiled model (trainModel disposes the model). */
async function fit(model: tf.LayersModel, data: Dataset, options: RuntimeOptions, hooks: TrainHooks, plan: FitPlan): Promise<TrainResult> {
  const { checkpoints, resumeState, seed, trainCount, valCount } = plan;
  checkShapes(model, data, options.loss);
  // What a user of the model needs to feed it and read its output (model.json's userDefinedMetadata).
  const metadata = { features: data.features, target: data.target, classes: data.classes };
  model.setUserDefinedMetadata({ mlw: JSON.parse(JSON.stringify(metadata)) });

  const es = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : undefined;
  const monitor = options.earlyStopping?.monitor ?? (valCount > 0 ? 'val_loss' : 'loss');
  const bestCk = new BestCheckpoint(monitor, options.earlyStopping?.mode ?? 'auto');
  let bestEpoch = -1;
  let history: Record<string, number>[] = [];
  let esWeights: tf.Tensor[] | undefined;
  let start = 0;
  if (resumeState) {
    const restored = await checkpoints.restore(model, resumeState);
    start = restored.epoch;
    history = restored.history;
    if (es && restored.earlyStopping) es.state = new EarlyStopping(es.spec, restored.earlyStopping).state;
    esWeights = restored.earlyStoppingWeights?.map(t => tf.keep(t));
    if (restored.bestCheckpoint?.monitor === monitor) {
      bestCk.best = restored.bestCheckpoint.value ?? bestCk.best;
      bestEpoch = restored.bestCheckpoint.epoch;
    }
  }

  const xAll = tf.tensor(data.x.values, data.x.shape);
  const yAll = tf.tensor(data.y.values, data.y.shape);
  const xVal = valCount ? tf.slice(xAll, trainCount, valCount) : undefined;
  const yVal = valCount ? tf.slice(yAll, trainCount, valCount) : undefined;
  const names = ['loss', ...options.metrics];
  const batches = Math.ceil(trainCount / options.batchSize);
  const epochs = options.epochs;
  const epochSeconds: number[] = [];
  let lastReport = 0;
  let stoppedEarly = false;
  const report = (p: Omit<TrainProgress, 'epochs' | 'fraction' | 'message'> & { message?: string }) => {
    const done = (p.epoch - 1 + (p.logs ? 1 : (p.batch ?? 0) / batches) - start) / Math.max(1, epochs - start);
    const eta = p.etaSeconds !== undefined ? ` · ETA ${formatDuration(p.etaSeconds)}` : '';
    const message = p.message ?? (p.logs
      ? `epoch ${p.epoch}/${epochs} · ${formatLogs(p.logs)}${eta}`
      : `epoch ${p.epoch}/${epochs} · batch ${p.batch}/${batches}${eta}`);
    hooks.onProgress?.({ ...p, epochs, fraction: Math.min(1, Math.max(0, done)), message });
  };
  const keepBest = () => {
    tf.dispose(esWeights);
    esWeights = model.getWeights().map(w => tf.keep(w.clone()));
  };

  try {
    if (start >= epochs) report({ epoch: start, message: `already trained for ${start} epochs (epochs: ${epochs})` });
    for (let epoch = start; epoch < epochs && !stoppedEarly; epoch++) {
      const t0 = Date.now();
      const order = epochOrder(trainCount, seed, epoch, options.shuffle);
      const sums = new Array<number>(names.length).fill(0);
      for (let b = 0; b < batches; b++) {
        // trainOnBatch only awaits microtasks: let the event loop run, or a worker would never
        // see its cancel message.
        await new Promise(resolve => setImmediate(resolve));
        if (hooks.signal?.aborted) throw new CancelledError();
        const idx = order.subarray(b * options.batchSize, Math.min(trainCount, (b + 1) * options.batchSize));
        const indices = tf.tensor1d(idx, 'int32');
        const xb = tf.gather(xAll, indices);
        const yb = tf.gather(yAll, indices);
        let values: number | number[];
        try {
          values = await model.trainOnBatch(xb, yb);
        } finally {
          tf.dispose([indices, xb, yb]);
        }
        const list = Array.isArray(values) ? values : [values];
        list.forEach((v, i) => { sums[i] += v * idx.length; });
        const now = Date.now();
        if (now - lastReport > 250 || b === batches - 1) {
          lastReport = now;
          const perBatch = (now - t0) / 1000 / (b + 1);
          const perEpoch = epochSeconds.length ? epochSeconds.reduce((a, c) => a + c, 0) / epochSeconds.length : perBatch * batches;
          // The first batches include warm-up (kernel setup, allocation): no estimate from them alone.
          const settled = epochSeconds.length > 0 || now - t0 >= 2000;
          report({ epoch: epoch + 1, batch: b + 1, batches, etaSeconds: settled ? perBatch * (batches - b - 1) + perEpoch * (epochs - epoch - 1) : undefined });
        }
      }
      const logs: Record<string, number> = Object.fromEntries(names.map((k, i) => [k, sums[i] / trainCount]));
      if (xVal && yVal) {
        const evaluated = model.evaluate(xVal, yVal, { batchSize: options.batchSize });
        const scalars = Array.isArray(evaluated) ? evaluated : [evaluated];
        scalars.forEach((s, i) => { logs[`val_${names[i]}`] = s.dataSync()[0]; });
        tf.dispose(scalars);
      }
      history.push(logs);
      const action = es?.onEpochEnd(epoch, logs, keepBest) ?? 'none';
      if (action === 'stop') stoppedEarly = true;
      const bestSaved = bestCk.improves(logs);
      if (bestSaved) {
        bestEpoch = epoch + 1;
        await checkpoints.saveBest(model);
      }
      await checkpoints.save(model, {
        epoch: epoch + 1, seed, history, earlyStopping: es?.state,
        bestCheckpoint: bestEpoch > 0 ? { monitor, value: Number.isFinite(bestCk.best) ? bestCk.best : null, epoch: bestEpoch } : undefined,
        earlyStoppingWeights: options.earlyStopping?.restoreBestWeights ? esWeights : undefined,
      });
      epochSeconds.push((Date.now() - t0) / 1000);
      await hooks.onEpochEnd?.(epoch + 1, logs, { bestSaved });
      const mean = epochSeconds.reduce((a, c) => a + c, 0) / epochSeconds.length;
      report({ epoch: epoch + 1, logs, etaSeconds: stoppedEarly ? 0 : mean * (epochs - epoch - 1) });
      if (stoppedEarly) report({ epoch: epoch + 1, logs, message: `early stopping at epoch ${epoch + 1}: ${monitor} did not improve for ${es!.spec.patience} epochs (best ${es!.state.best.toPrecision(5)} at epoch ${es!.state.bestEpoch + 1})` });
    }
    const restoredBestWeights = Boolean(es?.shouldRestoreAtEnd() && esWeights);
    if (restoredBestWeights) model.setWeights(esWeights!);
    const modelDir = path.join(options.outputDir, MODEL_FOLDER);
    await model.save(fileIO(modelDir));
    return {
      epochs: Math.max(start, history.length),
      resumedFrom: start,
      history,
      final: history[history.length - 1] ?? {},
      stoppedEarly,
      restoredBestWeights,
      best: bestEpoch > 0 ? { monitor, value: bestCk.best, epoch: bestEpoch } : undefined,
      modelDir,
      checkpointDir: checkpoints.dir,
      samples: { train: trainCount, validation: valCount },
    };
  } finally {
    tf.dispose([xAll, yAll, ...(xVal ? [xVal, yVal!] : []), ...(esWeights ?? [])]);
  }
}

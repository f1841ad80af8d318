// A training as a tracked run (MLflow's model, server/tracking/types.ts): params, per-epoch
// metrics, tags (run name, backend), the model folder and checkpoints as artifacts, and the
// status: FINISHED, KILLED when cancelled, FAILED on an error. Checkpoints and the final model
// are written straight into the run's artifact folder (a file store's real folder, or a remote
// store's staging folder that logArtifact uploads).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CancelledError, describeError } from '../common/errors';
import type { Run, Tracker, TrackingStore } from '../tracking/types';
import type { BackendChoice } from './backend';
import { BEST, CHECKPOINTS } from './checkpoints';
import type { TrainConfig } from './config';
import { loadCsvDataset, targetEncoding, type Dataset } from './data';
import { MODEL_FOLDER, trainModel, type TrainHooks, type TrainResult } from './train';

export interface TrainRunRequest {
  config: TrainConfig;
  /** Continue this run from its last checkpoint. */
  resumeRunId?: string;
  /** Data given in memory instead of config.data (tools that build their own datasets). */
  dataset?: Dataset;
}

export interface RunInfoMessage {
  runId: string;
  experimentId: string;
  runName: string;
  /** Where model/ and checkpoints/ are written. */
  artifactDir: string;
  trackingUri: string;
  resumed: boolean;
}

export interface TrainRunResult extends Omit<TrainResult, 'history'>, RunInfoMessage {
  backend: string;
  status: 'FINISHED';
}

/** The tags that mark a run as a training of a configuration file (to find it again). */
export const TAG_CONFIG = 'mlw.trainConfig';
export const TAG_BACKEND = 'backend';

/** camelCase → snake_case: MLflow's Keras autologging names params as Keras does (batch_size, learning_rate). */
const snake = (s: string) => s.replace(/[A-Z]/g, c => `_${c.toLowerCase()}`);

function params(config: TrainConfig, data: Dataset): Record<string, string | number | boolean> {
  const p: Record<string, string | number | boolean> = {
    epochs: config.epochs,
    batch_size: config.batchSize,
    validation_split: config.validationSplit,
    shuffle: config.shuffle,
    optimizer: config.optimizer.type,
    loss: config.loss,
    metrics: config.metrics.join(',') || '(none)',
    layers: config.model.layers.map(l => l.type).join(','),
    samples: data.x.shape[0],
  };
  for (const [k, v] of Object.entries(config.optimizer)) if (k !== 'type') p[`optimizer.${snake(k)}`] = v as number | boolean;
  if (config.seed !== undefined) p.seed = config.seed;
  if (config.earlyStopping) for (const [k, v] of Object.entries(config.earlyStopping)) if (v !== undefined) p[`early_stopping.${snake(k)}`] = v as string | number | boolean;
  if (!config.data.autoencoder || data.features) {
    if (data.features) p['data.features'] = data.features.join(',').slice(0, 5000);
    if (data.target) p['data.target'] = data.target;
  }
  if (config.data.autoencoder) p['data.autoencoder'] = true;
  return p;
}

/** Copies a remote run's checkpoint into its staging folder, when it is not there already. */
async function fetchCheckpoint(tracker: Tracker, run: Run): Promise<void> {
  const store = tracker as Partial<TrackingStore>;
  const local = path.join(run.localArtifactDir, CHECKPOINTS, 'resume.json');
  if (fs.existsSync(local) || !store.listArtifacts || !store.artifactFile) return;
  const copy = async (rel: string) => {
    const file = await store.artifactFile!(run.runId, rel, run.localArtifactDir);
    const dest = path.join(run.localArtifactDir, ...rel.split('/'));
    if (path.resolve(file) !== path.resolve(dest)) {
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      fs.copyFileSync(file, dest);
    }
  };
  const entries = await store.listArtifacts(run.runId, CHECKPOINTS).catch(() => []);
  if (!entries.some(e => e.path === `${CHECKPOINTS}/resume.json`)) return;
  await copy(`${CHECKPOINTS}/resume.json`);
  const state = JSON.parse(fs.readFileSync(local, 'utf8')) as { folder: string };
  for (const folder of [state.folder, BEST]) {
    for (const e of await store.listArtifacts(run.runId, `${CHECKPOINTS}/${folder}`).catch(() => [])) if (!e.isDir) await copy(e.path);
  }
}

/**
 * Loads the data, opens or resumes the run, trains, and logs everything to the run. Errors end
 * the run FAILED, cancellation KILLED; both are rethrown.
 */
export async function runTraining(
  request: TrainRunRequest, tracker: Tracker, backend: BackendChoice,
  hooks: TrainHooks & { onStarted?: (info: RunInfoMessage) => void; onLog?: (message: string) => void } = {},
): Promise<TrainRunResult> {
  const { config } = request;
  const data = request.dataset ?? await loadCsvDataset(config.data, targetEncoding(config.loss), hooks.signal);
  let run: Run;
  if (request.resumeRunId) {
    run = await tracker.openRun(request.resumeRunId);
    await fetchCheckpoint(tracker, run);
  } else {
    const experimentId = await tracker.experimentId(config.experiment);
    run = await tracker.startRun(experimentId, { runName: config.name, tags: { [TAG_CONFIG]: config.file, [TAG_BACKEND]: backend.name } });
  }
  const info: RunInfoMessage = {
    runId: run.runId, experimentId: run.experimentId, runName: config.name, artifactDir: run.localArtifactDir,
    trackingUri: tracker.uri, resumed: Boolean(request.resumeRunId),
  };
  hooks.onStarted?.(info);
  const outputDir = run.localArtifactDir;
  try {
    if (request.resumeRunId) await run.setTags({ [TAG_BACKEND]: backend.name });
    else await run.logParams(params(config, data));
    const result = await trainModel(config.model, data, { ...config, outputDir, resume: Boolean(request.resumeRunId) }, {
      ...hooks,
      onEpochEnd: async (epoch, logs, { bestSaved }) => {
        const timestamp = Date.now();
        // MLflow's Keras autologging logs epoch e (0-based) as step e.
        await run.logMetrics(Object.entries(logs).map(([key, value]) => ({ key, value, step: epoch - 1, timestamp })));
        const checkpoints = path.join(outputDir, CHECKPOINTS);
        const state = JSON.parse(fs.readFileSync(path.join(checkpoints, 'resume.json'), 'utf8')) as { folder: string };
        await run.logArtifact(path.join(checkpoints, state.folder), `${CHECKPOINTS}/${state.folder}`);
        await run.logArtifact(path.join(checkpoints, 'resume.json'), CHECKPOINTS);
        if (bestSaved) await run.logArtifact(path.join(checkpoints, BEST), `${CHECKPOINTS}/${BEST}`);
        await hooks.onEpochEnd?.(epoch, logs, { bestSaved });
      },
    });
    await run.logArtifact(result.modelDir, MODEL_FOLDER);
    const summary: Record<string, string> = { 'mlw.epochs': String(result.epochs) };
    if (result.stoppedEarly) summary['mlw.stoppedEarly'] = 'true';
    if (result.best) summary['mlw.bestEpoch'] = String(result.best.epoch);
    await run.setTags(summary);
    await run.end('FINISHED');
    const { history: _history, ...rest } = result;
    return { ...rest, ...info, backend: backend.name, status: 'FINISHED' };
  } catch (err) {
    const cancelled = err instanceof CancelledError;
    try {
      await run.end(cancelled ? 'KILLED' : 'FAILED');
    } catch (endErr) {
      hooks.onLog?.(`could not mark run ${run.runId} ${cancelled ? 'KILLED' : 'FAILED'}: ${describeError(endErr)}`);
    }
    throw err;
  }
}

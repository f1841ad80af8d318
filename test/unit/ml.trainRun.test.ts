// A training as a tracked run (server/ml/trainRun.ts), against a small recording Tracker written
// here: what is logged (params, one metric line per epoch and key, tags, artifacts) and how the
// run ends — FINISHED, KILLED when cancelled, FAILED on an error. Then the worker side
// (trainJob.ts): a worker that does not stop in time is terminated and its run marked KILLED.
import { test, before } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { CancelledError, UserError } from '../../server/common/errors';
import { selectBackend, type BackendChoice } from '../../server/ml/backend';
import { parseTrainConfig } from '../../server/ml/config';
import { runTraining } from '../../server/ml/trainRun';
import { runTrainingJob } from '../../server/ml/trainJob';
import { FileStore } from '../../server/tracking/fileStore';
import type { Metric, Run, RunStatus, Tracker } from '../../server/tracking/types';
import { tempDir } from './helpers';

let backend: BackendChoice;
before(async () => {
  backend = await selectBackend(tf, { backend: 'wasm' });
});

/** Records what a job logs; artifacts are copied into <root>/artifacts/<run>/ as a file store would. */
class RecordingTracker implements Tracker {
  readonly uri = 'test:';
  readonly runs: RecordingRun[] = [];
  constructor(private readonly root: string) {}
  async experimentId(name: string) { return name === 'Default' ? '0' : '1'; }
  async startRun(experimentId: string, options: { runName?: string; tags?: Record<string, string> } = {}) {
    const run = new RecordingRun(`run${this.runs.length}`, experimentId, path.join(this.root, `run${this.runs.length}`));
    run.tags = { 'mlflow.runName': options.runName ?? '', ...options.tags };
    this.runs.push(run);
    return run;
  }
  async openRun(runId: string) { return this.runs.find(r => r.runId === runId)!; }
}
class RecordingRun implements Run {
  params: Record<string, string | number | boolean> = {};
  metrics: Metric[] = [];
  tags: Record<string, string> = {};
  artifacts: string[] = [];
  status: RunStatus = 'RUNNING';
  constructor(readonly runId: string, readonly experimentId: string, readonly localArtifactDir: string) {}
  async logParams(p: Record<string, string | number | boolean>) { Object.assign(this.params, p); }
  async logMetric(key: string, value: number, step = 0, timestamp = Date.now()) { this.metrics.push({ key, value, step, timestamp }); }
  async logMetrics(m: Metric[]) { this.metrics.push(...m); }
  async setTags(t: Record<string, string>) { Object.assign(this.tags, t); }
  async logArtifact(localPath: string, artifactPath?: string) {
    assert.ok(fs.existsSync(localPath), `artifact ${localPath} exists when logged`);
    this.artifacts.push(`${artifactPath ?? ''}:${path.relative(this.localArtifactDir, localPath)}`);
  }
  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>) { this.status = status; }
}

function project(dir: string, extra: Record<string, unknown> = {}, rows = 60): string {
  let csv = 'a,b,y\n';
  for (let i = 0; i < rows; i++) csv += `${(i % 7) / 7},${(i % 5) / 5},${((i % 7) / 7 - (i % 5) / 5).toFixed(4)}\n`;
  fs.writeFileSync(path.join(dir, 'data.csv'), csv);
  const file = path.join(dir, 'small.train.json');
  fs.writeFileSync(file, JSON.stringify({
    model: { layers: [{ type: 'Dense', units: 1 }] }, data: { csv: 'data.csv', target: 'y' }, epochs: 3, batchSize: 10,
    validationSplit: 0.2, loss: 'mse', metrics: ['mae'], seed: 1, optimizer: { type: 'adam', learning_rate: 0.01 },
    earlyStopping: { patience: 5 }, ...extra,
  }));
  return file;
}

test('a finished training logs its params, each epoch\'s metrics, the backend tag and its artifacts, and ends FINISHED', async t => {
  const dir = tempDir(t);
  const file = project(dir);
  const tracker = new RecordingTracker(path.join(dir, 'store'));
  const config = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
  const result = await runTraining({ config }, tracker, backend);
  const [run] = tracker.runs;
  assert.equal(run.status, 'FINISHED');
  assert.equal(result.runId, 'run0');
  assert.equal(result.backend, 'wasm');
  assert.deepEqual(run.tags, { 'mlflow.runName': 'small', 'mlw.trainConfig': file, backend: 'wasm', 'mlw.epochs': '3', 'mlw.bestEpoch': String(result.best!.epoch) });
  assert.deepEqual(run.params, {
    epochs: 3, batch_size: 10, validation_split: 0.2, shuffle: true, optimizer: 'adam', 'optimizer.learning_rate': 0.01, loss: 'meanSquaredError',
    metrics: 'mae', layers: 'Dense', samples: 60, seed: 1, 'data.features': 'a,b', 'data.target': 'y',
    'early_stopping.monitor': 'val_loss', 'early_stopping.patience': 5, 'early_stopping.min_delta': 0, 'early_stopping.mode': 'auto',
    'early_stopping.restore_best_weights': false, 'early_stopping.start_from_epoch': 0,
  });
  // One value per key and epoch, steps 0, 1, 2.
  for (const key of ['loss', 'mae', 'val_loss', 'val_mae']) {
    assert.deepEqual(run.metrics.filter(m => m.key === key).map(m => m.step), [0, 1, 2], key);
  }
  assert.equal(run.metrics.find(m => m.key === 'val_loss' && m.step === 2)!.value, result.final.val_loss);
  assert.ok(run.artifacts.includes('checkpoints/epoch-0003:checkpoints/epoch-0003'));
  assert.ok(run.artifacts.includes('checkpoints:checkpoints/resume.json'));
  assert.ok(run.artifacts.includes('checkpoints/best:checkpoints/best'));
  assert.equal(run.artifacts.at(-1), 'model:model');
  assert.ok(fs.existsSync(path.join(run.localArtifactDir, 'model', 'model.json')));
});

test('a cancelled training ends KILLED and an error inside it FAILED; both are rethrown; bad data creates no run', async t => {
  const dir = tempDir(t);
  const tracker = new RecordingTracker(path.join(dir, 'store'));
  const file = project(dir, { epochs: 50 });
  const config = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
  const abort = new AbortController();
  await assert.rejects(runTraining({ config }, tracker, backend, { signal: abort.signal, onEpochEnd: e => { if (e === 2) abort.abort(); } }), CancelledError);
  assert.equal(tracker.runs[0].status, 'KILLED');
  assert.deepEqual([...new Set(tracker.runs[0].metrics.map(m => m.step))], [0, 1]);

  // The model's output (3 units) does not fit the target (1 value): the run fails with the reason.
  const bad = parseTrainConfig(JSON.stringify({ ...JSON.parse(fs.readFileSync(file, 'utf8')), model: { layers: [{ type: 'Dense', units: 3 }] } }), file);
  await assert.rejects(runTraining({ config: bad }, tracker, backend), (e: UserError) => /the model's output has shape \[3\] per sample but the targets have \[1\]/.test(e.message));
  assert.equal(tracker.runs[1].status, 'FAILED');

  fs.writeFileSync(path.join(dir, 'data.csv'), 'a,b,y\n1,x,2\n');
  await assert.rejects(runTraining({ config }, tracker, backend), /"x" is not a number/);
  assert.equal(tracker.runs.length, 2);
});

test('a worker that does not stop at a batch end in time is terminated, and its run marked KILLED from the main thread', async t => {
  const dir = tempDir(t);
  const file = project(dir, { epochs: 500, batchSize: 2 }, 400);
  const config = parseTrainConfig(fs.readFileSync(file, 'utf8'), file);
  const store = path.join(dir, 'mlruns');
  const abort = new AbortController();
  let runId: string | undefined;
  const logs: string[] = [];
  await assert.rejects(runTrainingJob({ config }, store, {
    onLog: (_level, message) => logs.push(message),
    signal: abort.signal,
    cancelGraceMs: 0, // no time to reach the end of the batch
    onStarted: info => { runId = info.runId; },
    onProgress: p => { if (p.epoch >= 2) abort.abort(); },
  }), CancelledError);
  assert.ok(runId);
  assert.ok(logs.includes('training did not stop at the end of its batch in time: terminating the worker'), logs.join('\n'));
  const run = await new FileStore(store).getRun(runId!);
  assert.equal(run.info.status, 'KILLED');
});

// `mlw train` (the built CLI, dist/cli.js, training in its worker thread): a tracked run in an
// mlruns folder, errors with the configuration's line and column, and Ctrl-C then --resume.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { mlw, repoRoot, tempDir } from './helpers';
import { prng } from '../../bench/common/measure';

/** y = 2a − b + noise: a CSV of `rows` rows. */
function writeData(dir: string, rows: number): void {
  const random = prng(17);
  let csv = 'a,b,y\n';
  for (let i = 0; i < rows; i++) {
    const a = random() * 2 - 1, b = random() * 2 - 1;
    csv += `${a.toFixed(5)},${b.toFixed(5)},${(2 * a - b + 0.05 * (random() - 0.5)).toFixed(5)}\n`;
  }
  fs.writeFileSync(path.join(dir, 'data.csv'), csv);
}

function writeConfig(dir: string, extra: Record<string, unknown> = {}): string {
  const config = {
    model: { layers: [{ type: 'Dense', units: 4, activation: 'tanh' }, { type: 'Dense', units: 1 }] },
    data: { csv: 'data.csv', target: 'y' },
    epochs: 4, batchSize: 16, validationSplit: 0.25, optimizer: { type: 'adam', learningRate: 0.01 },
    loss: 'mse', metrics: ['mae'], seed: 1, ...extra,
  };
  fs.writeFileSync(path.join(dir, 'fit.train.json'), JSON.stringify(config, null, 2));
  return 'fit.train.json';
}

/** The one run of the store at <dir>/mlruns (experiment 0, "Default"). */
function onlyRun(dir: string): string {
  const exp = path.join(dir, 'mlruns', '0');
  const runs = fs.readdirSync(exp).filter(f => fs.statSync(path.join(exp, f)).isDirectory());
  assert.equal(runs.length, 1);
  return path.join(exp, runs[0]);
}

test('mlw train --json: a FINISHED run with params, per-epoch metrics, the backend tag and the model as an artifact', t => {
  const dir = tempDir(t);
  writeData(dir, 200);
  const r = mlw(dir, 'train', writeConfig(dir), '--json');
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout);
  assert.equal(result.status, 'FINISHED');
  assert.equal(result.backend, 'wasm');
  assert.equal(result.epochs, 4);
  assert.deepEqual(Object.keys(result.final), ['loss', 'mae', 'val_loss', 'val_mae']);
  assert.match(r.stderr, /^mlw: TensorFlow\.js backend: wasm \(tensorflow: @tensorflow\/tfjs-node is not installed\)$/m);
  assert.match(r.stderr, /^epoch 4\/4 · loss \d/m);

  const run = onlyRun(dir);
  assert.equal(path.basename(run), result.runId);
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 3$/m); // FINISHED
  assert.equal(fs.readFileSync(path.join(run, 'tags', 'backend'), 'utf8'), 'wasm');
  assert.equal(fs.readFileSync(path.join(run, 'tags', 'mlflow.runName'), 'utf8'), 'fit');
  assert.equal(fs.readFileSync(path.join(run, 'params', 'batch_size'), 'utf8'), '16');
  assert.equal(fs.readFileSync(path.join(run, 'params', 'optimizer.learning_rate'), 'utf8'), '0.01');
  const loss = fs.readFileSync(path.join(run, 'metrics', 'val_loss'), 'utf8').trim().split('\n').map(l => l.split(' '));
  assert.deepEqual(loss.map(l => l[2]), ['0', '1', '2', '3']); // steps: epochs from 0, as Keras autologging
  assert.equal(Number(loss[3][1]), result.final.val_loss);
  for (const f of ['model/model.json', 'model/weights.bin', 'checkpoints/resume.json', 'checkpoints/epoch-0004/optimizer.bin', 'checkpoints/best/model.json']) {
    assert.ok(fs.existsSync(path.join(run, 'artifacts', f)), `artifact ${f}`);
  }
});

test('mlw train with a bad configuration exits 2 naming the file, line, column and field; no run is created', t => {
  const dir = tempDir(t);
  writeData(dir, 10);
  const file = writeConfig(dir, { epochs: 'many' });
  const r = mlw(dir, 'train', file);
  assert.equal(r.status, 2);
  const line = fs.readFileSync(path.join(dir, file), 'utf8').split('\n').findIndex(l => l.includes('"many"')) + 1;
  assert.equal(r.stderr, `mlw: ${path.join(dir, file)}:${line}:3: epochs: expected a positive integer, got "many"\n`);
  assert.ok(!fs.existsSync(path.join(dir, 'mlruns')));
  fs.writeFileSync(path.join(dir, 'data.csv'), 'a,b,y\n1,2,3\n4,oops,6\n');
  const d = mlw(dir, 'train', writeConfig(dir));
  assert.equal(d.status, 2);
  assert.match(d.stderr, new RegExp(`^mlw: ${path.join(dir, 'data.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3:3: column "b": "oops" is not a number`, 'm'));
});

test('Ctrl-C stops mlw train after a batch, marks the run KILLED, and --resume finishes it from the last epoch', async t => {
  const dir = tempDir(t);
  writeData(dir, 4000);
  const file = writeConfig(dir, { epochs: 40, batchSize: 8 });
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'mlw.js'), 'train', file], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  const exited = new Promise<number | null>(resolve => child.on('exit', code => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no second epoch in time: ${stderr}`)), 60_000);
    child.stderr.on('data', d => {
      stderr += d;
      if (/^epoch 2\/40 ·/m.test(stderr)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGINT');
  assert.equal(await exited, 2);
  const run = onlyRun(dir);
  const runId = path.basename(run);
  assert.match(stderr, new RegExp(`cancelled; run ${runId} is KILLED and keeps its last completed epoch's checkpoint\\. Resume with: mlw train fit\\.train\\.json --resume ${runId}`));
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 5$/m); // KILLED
  const done = JSON.parse(fs.readFileSync(path.join(run, 'artifacts', 'checkpoints', 'resume.json'), 'utf8')).epoch;
  assert.ok(done >= 2 && done < 40, `checkpoint after epoch ${done}`);

  fs.writeFileSync(path.join(dir, 'fit.train.json'), JSON.stringify({ ...JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')), epochs: done + 2 }));
  const resumed = mlw(dir, 'train', file, '--resume', runId, '--json');
  assert.equal(resumed.status, 0, resumed.stderr);
  const result = JSON.parse(resumed.stdout);
  assert.equal(result.runId, runId);
  assert.equal(result.resumedFrom, done);
  assert.equal(result.epochs, done + 2);
  assert.match(resumed.stderr, new RegExp(`^mlw: resuming run ${runId}`, 'm'));
  assert.match(resumed.stderr, new RegExp(`^epoch ${done + 1}/${done + 2} ·`, 'm'));
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 3$/m);
  const steps = fs.readFileSync(path.join(run, 'metrics', 'loss'), 'utf8').trim().split('\n').map(l => Number(l.split(' ')[2]));
  assert.deepEqual(steps, Array.from({ length: done + 2 }, (_, i) => i)); // each epoch logged once, in order
});

// Training over LSP with the built server (dist/server.js, training in dist/trainWorker.js):
// $/progress per epoch with loss and ETA, the run in the tracking store, the server answering
// other requests while it trains, cancellation (run KILLED, checkpoint kept, resumable), the
// backend request, and bad configurations as user errors with file and line.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationTokenSource, LSPErrorCodes, ResponseError, WorkDoneProgress, type ProtocolConnection, type WorkDoneProgressBegin,
  type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { mlBackendRequest, mlTrainRequest, serverInfoRequest, USER_ERROR_CODE, type UserErrorData } from '../../shared/protocol';
import { serverForTests } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-ml-protocol-'));
let conn: ProtocolConnection;

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
function watchProgress(token: string, onReport?: (p: WorkDoneProgressReport) => void): Progress[] {
  const seen: Progress[] = [];
  conn.onProgress(WorkDoneProgress.type, token, v => {
    seen.push(v);
    if (v.kind === 'report') onReport?.(v);
  });
  return seen;
}

function writeProject(name: string, rows: number, extra: Record<string, unknown>): string {
  const dir = path.join(tmp, name);
  fs.mkdirSync(dir, { recursive: true });
  let csv = 'a,b,y\n';
  for (let i = 0; i < rows; i++) {
    const a = ((i * 37) % 101) / 50 - 1, b = ((i * 53) % 97) / 48 - 1;
    csv += `${a},${b},${(a - 2 * b).toFixed(5)}\n`;
  }
  fs.writeFileSync(path.join(dir, 'data.csv'), csv);
  const config = {
    model: { layers: [{ type: 'Dense', units: 1 }] }, data: { csv: 'data.csv', target: 'y' },
    epochs: 3, batchSize: 10, validationSplit: 0.2, loss: 'mse', seed: 4, ...extra,
  };
  const file = path.join(dir, `${name}.train.json`);
  fs.writeFileSync(file, JSON.stringify(config, null, 2));
  return file;
}

const runDir = (base: string, runId: string) => path.join(base, 'mlruns', '0', runId);

serverForTests(tmp, s => { conn = s.conn; });

test('mlw/ml/backend: wasm, with the reason tfjs-node is not used', async () => {
  const info = await conn.sendRequest(mlBackendRequest);
  assert.equal(info.name, 'wasm');
  assert.deepEqual(info.skipped, [{ name: 'tensorflow', reason: '@tensorflow/tfjs-node is not installed' }]);
});

test('mlw/ml/train reports each epoch with its loss and ETA, and returns the FINISHED run', async () => {
  const config = writeProject('fit', 100, {});
  const token = randomUUID();
  const progress = watchProgress(token);
  const base = path.dirname(config);
  const r = await conn.sendRequest(mlTrainRequest, { config, trackingUri: '', baseFolder: base, workDoneToken: token });
  assert.equal(r.status, 'FINISHED');
  assert.equal(r.backend, 'wasm');
  assert.equal(r.epochs, 3);
  assert.equal(r.modelDir, path.join(runDir(base, r.runId), 'artifacts', 'model'));
  assert.ok(fs.existsSync(path.join(r.modelDir, 'model.json')));
  assert.match(fs.readFileSync(path.join(runDir(base, r.runId), 'meta.yaml'), 'utf8'), /^status: 3$/m);
  await new Promise(resolve => setImmediate(resolve));
  assert.equal(progress[0].kind, 'begin');
  assert.equal((progress[0] as WorkDoneProgressBegin).cancellable, true);
  const reports = progress.filter((p): p is WorkDoneProgressReport => p.kind === 'report').map(p => p.message ?? '');
  for (let e = 1; e <= 3; e++) {
    assert.ok(reports.some(m => new RegExp(`^epoch ${e}/3 · loss [0-9.e-]+ · val_loss [0-9.e-]+ · ETA \\d+s$`).test(m)), `epoch ${e} in ${JSON.stringify(reports)}`);
  }
  assert.equal(progress.at(-1)?.kind, 'end');
});

test('while it trains the server answers other requests; cancelling stops it, marks the run KILLED and keeps its checkpoint', async () => {
  const config = writeProject('long', 3000, { epochs: 200, batchSize: 4 });
  const base = path.dirname(config);
  const token = randomUUID();
  const source = new CancellationTokenSource();
  let answeredDuringTraining = false;
  let trainingDone = false;
  const epochTwo = new Promise<void>(resolve => watchProgress(token, p => { if (/^epoch 2\/200 · loss/.test(p.message ?? '')) resolve(); }));
  const training = conn.sendRequest(mlTrainRequest, { config, trackingUri: '', baseFolder: base, workDoneToken: token }, source.token)
    .finally(() => { trainingDone = true; });
  const info = await conn.sendRequest(serverInfoRequest);
  answeredDuringTraining = !trainingDone;
  assert.ok(info.capabilities.includes('ml'));
  assert.ok(answeredDuringTraining, 'serverInfo was answered while the training ran');
  await epochTwo;
  source.cancel();
  await assert.rejects(training, (e: ResponseError<unknown>) => e instanceof ResponseError && e.code === LSPErrorCodes.RequestCancelled);
  const runs = fs.readdirSync(path.join(base, 'mlruns', '0')).filter(f => !f.endsWith('.yaml'));
  assert.equal(runs.length, 1);
  const run = runDir(base, runs[0]);
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 5$/m); // KILLED
  const epoch = JSON.parse(fs.readFileSync(path.join(run, 'artifacts', 'checkpoints', 'resume.json'), 'utf8')).epoch;
  assert.ok(epoch >= 2 && epoch < 200, `checkpoint after epoch ${epoch}`);

  // The run resumes from there (with fewer epochs to go, to keep the test short).
  fs.writeFileSync(config, JSON.stringify({ ...JSON.parse(fs.readFileSync(config, 'utf8')), epochs: epoch + 1 }));
  const r = await conn.sendRequest(mlTrainRequest, { config, resumeRunId: runs[0], trackingUri: '', baseFolder: base });
  assert.equal(r.runId, runs[0]);
  assert.equal(r.resumedFrom, epoch);
  assert.equal(r.epochs, epoch + 1);
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 3$/m);
});

test('a bad configuration is a user error naming the file and line; a relative path is refused', async () => {
  const config = writeProject('bad', 10, { epochs: -1 });
  const lines = fs.readFileSync(config, 'utf8').split('\n');
  await assert.rejects(conn.sendRequest(mlTrainRequest, { config }), (e: ResponseError<UserErrorData>) => {
    assert.equal(e.code, USER_ERROR_CODE);
    assert.equal(e.data?.file, config);
    assert.equal(e.data?.line, lines.findIndex(l => l.includes('"epochs"')) + 1);
    assert.match(e.message, /epochs: expected a positive integer, got -1$/);
    return true;
  });
  await assert.rejects(conn.sendRequest(mlTrainRequest, { config: 'x.train.json' }), (e: ResponseError<UserErrorData>) => e.code === USER_ERROR_CODE && /must be an absolute path/.test(e.message));
});

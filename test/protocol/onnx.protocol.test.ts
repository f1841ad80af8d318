// The ONNX requests of the built server over LSP: inspect, check, run (cached sessions), export
// with progress and parity, bad input, and a server that cannot load onnxruntime-node.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { fork } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  createProtocolConnection, InitializeRequest, IPCMessageReader, IPCMessageWriter, ResponseError, WorkDoneProgress,
  type ProtocolConnection, type WorkDoneProgressBegin, type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import {
  onnxCheckRequest, onnxExportRequest, onnxInspectRequest, onnxRunRequest, serverInfoRequest, USER_ERROR_CODE, type UserErrorData,
} from '../../shared/protocol';
import { saveModelFolder } from '../../server/onnx/modelFolder';
import { addModel, FLOAT, modelBytes, node, sequential, tf, valueInfo } from '../unit/onnx.testModels';
import { serverForTests } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-onnx-protocol-'));
let conn: ProtocolConnection;

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;
function watchProgress(token: string): Progress[] {
  const seen: Progress[] = [];
  conn.onProgress(WorkDoneProgress.type, token, v => seen.push(v));
  return seen;
}

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function userError(promise: Promise<unknown>): Promise<ResponseError<UserErrorData>> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof ResponseError);
    assert.equal(err.code, USER_ERROR_CODE, err.message);
    return err as ResponseError<UserErrorData>;
  }
  throw new Error('expected an error');
}

serverForTests(tmp, s => { conn = s.conn; });

test('serverInfo lists the onnx capability', async () => {
  assert.ok((await conn.sendRequest(serverInfoRequest)).capabilities.includes('onnx'));
});

test('inspect and check', async () => {
  const file = write('add.onnx', addModel());
  const info = await conn.sendRequest(onnxInspectRequest, { file });
  assert.deepEqual(info.inputs, [{ name: 'a', elemType: 1, shape: ['batch', 3] }, { name: 'b', elemType: 1, shape: ['batch', 3] }]);
  assert.deepEqual(info.opTypes, { Add: 1 });
  assert.deepEqual(await conn.sendRequest(onnxCheckRequest, { file }), { problems: [], nodeCount: 1 });
  const broken = write('broken.onnx', modelBytes({ nodes: [node('Add', ['x', 'ghost'], ['y'], 'add')], inputs: [valueInfo('x', FLOAT, [3])], outputs: [valueInfo('y', FLOAT, [3])] }));
  const r = await conn.sendRequest(onnxCheckRequest, { file: broken });
  assert.deepEqual(r.problems, [{ where: 'node 0 "add" (Add)', message: 'input "ghost" is not defined by a graph input, an initializer or an earlier node' }]);
});

test('run: outputs by hand, progress, and the session reused by the next run', async () => {
  const file = write('run.onnx', addModel());
  const progress = watchProgress('run-1');
  const inputs = { a: [[1, 2, 3]], b: [[10, 20, 30]] };
  const first = await conn.sendRequest(onnxRunRequest, { file, inputs, workDoneToken: 'run-1' });
  assert.deepEqual(first.outputs[0].values, [[11, 22, 33]]);
  assert.equal(first.cached, false);
  assert.equal(progress[0].kind, 'begin');
  assert.equal(progress[progress.length - 1].kind, 'end');
  const second = await conn.sendRequest(onnxRunRequest, { file, inputs, threads: 0 });
  assert.equal(second.cached, true);
  const random = await conn.sendRequest(onnxRunRequest, { file, seed: 1 });
  assert.deepEqual(random.inputs.map(i => i.dims), [[1, 3], [1, 3]]);
});

test('run with tracking: the inference is a run with its latency and outputs', async () => {
  const file = write('tracked.onnx', addModel());
  const r = await conn.sendRequest(onnxRunRequest, { file, inputs: { a: [[1, 2, 3]], b: [[4, 5, 6]] }, tracking: { trackingUri: 'mlruns', baseFolder: tmp } });
  assert.ok(r.runId);
  // MLflow's file layout read directly: mlruns/<experiment>/<run>/...
  const root = path.join(tmp, 'mlruns');
  const experiment = fs.readdirSync(root).find(d => fs.existsSync(path.join(root, d, r.runId!)))!;
  assert.match(fs.readFileSync(path.join(root, experiment, 'meta.yaml'), 'utf8'), /^name: inference$/m);
  const run = path.join(root, experiment, r.runId!);
  assert.match(fs.readFileSync(path.join(run, 'meta.yaml'), 'utf8'), /^status: 3$/m);
  assert.equal(fs.readFileSync(path.join(run, 'params', 'model'), 'utf8'), file);
  const latency = fs.readFileSync(path.join(run, 'metrics', 'latency_ms'), 'utf8').trim().split(' ');
  assert.equal(Number(latency[1]), r.latencyMs);
  assert.deepEqual(JSON.parse(fs.readFileSync(path.join(run, 'artifacts', 'outputs.json'), 'utf8'))[0].values, [[5, 7, 9]]);
});

test('export: progress steps, the file written, parity within 1e-5', async () => {
  const folder = path.join(tmp, 'model');
  await saveModelFolder(sequential([
    tf.layers.lstm({ units: 4, inputShape: [5, 2], returnSequences: true }),
    tf.layers.flatten(),
    tf.layers.dense({ units: 3, activation: 'softmax' }),
  ]), folder);
  const progress = watchProgress('export-1');
  const r = await conn.sendRequest(onnxExportRequest, { model: folder, workDoneToken: 'export-1' });
  assert.equal(r.file, path.join(folder, 'model.onnx'));
  assert.ok(fs.statSync(r.file).size === r.bytes);
  assert.ok('maxAbsDiff' in r.parity && r.parity.maxAbsDiff <= 1e-5 && r.parity.ok, JSON.stringify(r.parity));
  const messages = progress.filter((p): p is WorkDoneProgressReport => p.kind === 'report').map(p => p.message);
  assert.deepEqual(messages, ['reading the model', 'loading it in TensorFlow.js', 'converting to ONNX', 'checking parity with ONNX Runtime']);
  // The exported file runs through the run request too.
  const run = await conn.sendRequest(onnxRunRequest, { file: r.file, seed: 2 });
  assert.deepEqual(run.outputs[0].dims, [1, 3]);
});

test('bad input comes back as USER_ERROR_CODE naming the file', async () => {
  const relative = await userError(conn.sendRequest(onnxInspectRequest, { file: 'relative.onnx' }));
  assert.match(relative.message, /the path must be absolute/);
  const missing = path.join(tmp, 'missing.onnx');
  const e = await userError(conn.sendRequest(onnxRunRequest, { file: missing }));
  assert.equal(e.data?.file, missing);
  const truncated = write('truncated.onnx', addModel().subarray(0, 20));
  const t = await userError(conn.sendRequest(onnxRunRequest, { file: truncated }));
  assert.match(t.message, /truncated or not an ONNX model/);
  const unsupported = path.join(tmp, 'conv');
  await saveModelFolder(tf.sequential({ layers: [tf.layers.conv1d({ filters: 1, kernelSize: 2, inputShape: [4, 1], name: 'conv' })] }), unsupported);
  const u = await userError(conn.sendRequest(onnxExportRequest, { model: unsupported }));
  assert.match(u.message, /cannot export to ONNX: 1 unsupported layer: conv \(Conv1D\)/);
  assert.equal(u.data?.file, path.join(unsupported, 'model.json'));
});

test('a server that cannot load onnxruntime-node answers run with a clear error and keeps serving', async () => {
  // The server bundle alone, away from node_modules.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-onnx-noruntime-'));
  fs.mkdirSync(path.join(dir, 'dist'));
  fs.copyFileSync(path.join(__dirname, '..', '..', '..', 'dist', 'server.js'), path.join(dir, 'dist', 'server.js'));
  const child = fork(path.join(dir, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: { ...process.env, NODE_PATH: '' } });
  const c = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  c.listen();
  try {
    await c.sendRequest(InitializeRequest.type, {
      processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: [],
      initializationOptions: { cacheDir: path.join(dir, 'cache'), fileWatcher: { enabled: false, exclude: [] } },
    });
    const file = write('alone.onnx', addModel());
    const e = await userError(c.sendRequest(onnxRunRequest, { file }));
    assert.match(e.message, /ONNX Runtime \(onnxruntime-node\) cannot be loaded on this machine/);
    assert.equal((await c.sendRequest(onnxInspectRequest, { file })).nodeCount, 1);
    assert.ok((await c.sendRequest(serverInfoRequest)).pid === child.pid);
  } finally {
    c.dispose();
    child.kill();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

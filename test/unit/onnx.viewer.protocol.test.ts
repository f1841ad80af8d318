// mlw/onnx/graph on the built server (dist/server.js) over LSP: a model's graph laid out, its
// subgraphs by id, progress reported, bad files as user errors naming the file.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError, WorkDoneProgress } from 'vscode-languageserver-protocol/node';
import { onnxGraphRequest, USER_ERROR_CODE, type UserErrorData } from '../../shared/protocol';
import { startServer, type TestServer } from '../protocol/server';
import { encode, ifModel, mlpModel } from './onnx.viewer.models';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-onnx-viewer-'));
let server: TestServer;

before(async () => {
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } });
});
after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

function write(name: string, bytes: Uint8Array): string {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, bytes);
  return file;
}

async function userError(p: Promise<unknown>): Promise<{ message: string; data: UserErrorData }> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof ResponseError, String(err));
    assert.equal(err.code, USER_ERROR_CODE, err.message);
    return { message: err.message, data: err.data as UserErrorData };
  }
  throw new Error('expected a user error');
}

test('the MLP comes back laid out, with progress; the second request reuses the layout', async () => {
  const file = write('mlp.onnx', encode(mlpModel()));
  const token = randomUUID();
  const progress: string[] = [];
  server.conn.onProgress(WorkDoneProgress.type, token, v => { if (v.kind === 'report' && v.message) progress.push(v.message); });
  const r = await server.conn.sendRequest(onnxGraphRequest, { file, workDoneToken: token });
  assert.equal(r.graph.id, 'main');
  assert.equal(r.graph.nodes.length, 4);
  assert.equal(r.model.format, 'ONNX v8');
  assert.deepEqual(Object.keys(r.layout.boxes).sort(), ['i0', 'n0', 'n1', 'n2', 'n3', 'o0']);
  assert.ok(r.timings.layoutMs > 0);
  assert.ok(progress.includes('reading the model') && progress.includes('laying out 4 nodes'), progress.join(' | '));

  const again = await server.conn.sendRequest(onnxGraphRequest, { file });
  assert.deepEqual(again.layout, r.layout);
  assert.deepEqual(again.timings, { loadMs: 0, buildMs: 0, layoutMs: 0 });
});

test('subgraphs by id; an unknown id is a user error', async () => {
  const file = write('if.onnx', encode(ifModel()));
  const main = await server.conn.sendRequest(onnxGraphRequest, { file });
  const thenId = main.graph.nodes[0].subgraphs[0].graphId;
  const sub = await server.conn.sendRequest(onnxGraphRequest, { file, graphId: thenId });
  assert.equal(sub.graph.id, 'main/0.then_branch');
  assert.deepEqual(sub.graph.nodes.map(n => n.opType), ['Add']);
  assert.ok(sub.layout.boxes.x0, 'the outer value X is drawn');
  const e = await userError(server.conn.sendRequest(onnxGraphRequest, { file, graphId: 'main/9.nope' }));
  assert.match(e.message, /the model has no graph "main\/9\.nope"/);
  assert.equal(e.data.file, file);
});

test('a truncated file, a missing file and a relative path are user errors naming the file', async () => {
  const bytes = encode(mlpModel());
  const cut = write('cut.onnx', bytes.subarray(0, bytes.length >> 1));
  const e = await userError(server.conn.sendRequest(onnxGraphRequest, { file: cut }));
  assert.equal(e.data.file, cut);
  assert.match(e.message, new RegExp(`^${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: truncated or not an ONNX model: `));

  const missing = path.join(tmp, 'missing.onnx');
  assert.equal((await userError(server.conn.sendRequest(onnxGraphRequest, { file: missing }))).data.file, missing);
  assert.match((await userError(server.conn.sendRequest(onnxGraphRequest, { file: 'rel.onnx' }))).message, /must be absolute/);
});

test('a model rewritten on disk is read again', async () => {
  const file = write('changing.onnx', encode(mlpModel()));
  const first = await server.conn.sendRequest(onnxGraphRequest, { file });
  assert.equal(first.graph.nodes.length, 4);
  fs.writeFileSync(file, encode(ifModel()));
  const later = new Date(Date.now() + 5000);
  fs.utimesSync(file, later, later);
  const second = await server.conn.sendRequest(onnxGraphRequest, { file });
  assert.deepEqual(second.graph.nodes.map(n => n.opType), ['If']);
});

// Drives the merkle requests of the built server over LSP: progress, results, cancellation and
// bad input.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  CancellationTokenSource, LSPErrorCodes, ResponseError, WorkDoneProgress, type ProtocolConnection, type WorkDoneProgressBegin,
  type WorkDoneProgressEnd, type WorkDoneProgressReport,
} from 'vscode-languageserver-protocol/node';
import { merkleCompareRequest, merkleListSnapshotsRequest, merkleSnapshotRequest, serverInfoRequest, snapshotContentRequest, USER_ERROR_CODE } from '../../shared/protocol';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-protocol-'));
let server: TestServer;
let child: ChildProcess;
let conn: ProtocolConnection;

function write(rel: string, content: string | Buffer): void {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
}

type Progress = WorkDoneProgressBegin | WorkDoneProgressReport | WorkDoneProgressEnd;

/** Collects the `$/progress` values the server sends for one token. */
function watchProgress(token: string): Progress[] {
  const seen: Progress[] = [];
  conn.onProgress(WorkDoneProgress.type, token, v => seen.push(v));
  return seen;
}

before(async () => {
  write('left/a.txt', 'alpha\n');
  write('left/data/train.csv', 'x,y\n1,2\n');
  write('left/old.txt', 'old\n');
  write('right/a.txt', 'alpha\n');
  write('right/data/train.csv', 'x,y\n1,3\n');
  write('right/notes/new.md', '# new\n');
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } });
  ({ child, conn } = server);
  assert.equal(server.init.serverInfo?.name, 'ML Workbench');
});

after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('serverInfo names the merkle capability', async () => {
  const info = await conn.sendRequest(serverInfoRequest);
  assert.equal(info.pid, child.pid);
  assert.ok(info.capabilities.includes('merkle'));
});

test('compare reports progress and returns the differences', async () => {
  const token = randomUUID();
  const progress = watchProgress(token);
  const r = await conn.sendRequest(merkleCompareRequest, { a: path.join(tmp, 'left'), b: path.join(tmp, 'right'), workDoneToken: token });
  assert.deepEqual(r.added, ['notes/new.md']);
  assert.deepEqual(r.removed, ['old.txt']);
  assert.deepEqual(r.modified, ['data/train.csv']);
  // Root A by the documented recipe, computed here without the server's code.
  const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');
  const data = sha(`file ${sha('x,y\n1,2\n')} train.csv\0`);
  const rootA = sha(`file ${sha('alpha\n')} a.txt\0dir ${data} data\0file ${sha('old\n')} old.txt\0`);
  assert.equal(r.rootA, rootA);
  // root, a.txt, data, data/train.csv compared; old.txt and notes exist on one side only.
  assert.equal(r.comparisons, 4);
  await new Promise(resolve => setImmediate(resolve)); // let the last $/progress arrive
  assert.equal(progress[0]?.kind, 'begin');
  assert.equal((progress[0] as WorkDoneProgressBegin).cancellable, true);
  assert.equal(progress.at(-1)?.kind, 'end');
  assert.ok(progress.some(p => p.kind === 'report' && /files scanned/.test(p.message ?? '')), 'reports file counts');
});

test('a missing folder is a user error naming it', async () => {
  const missing = path.join(tmp, 'nope');
  await assert.rejects(conn.sendRequest(merkleCompareRequest, { a: missing, b: path.join(tmp, 'right') }), (err: ResponseError<{ file?: string }>) => {
    assert.equal(err.code, USER_ERROR_CODE);
    assert.equal(err.data?.file, missing);
    assert.match(err.message, /no such folder/);
    return true;
  });
});

test('snapshot, list, compare with it and read its contents back', async () => {
  const folder = path.join(tmp, 'left');
  const s = await conn.sendRequest(merkleSnapshotRequest, { folder, contentLimit: 1024 });
  assert.ok(s.snapshot.file.startsWith(path.join(folder, '.mlw', 'snapshots')));
  const list = await conn.sendRequest(merkleListSnapshotsRequest, { folder });
  assert.deepEqual(list.map(m => m.file), [s.snapshot.file]);
  fs.writeFileSync(path.join(folder, 'a.txt'), 'changed\n');
  const r = await conn.sendRequest(merkleCompareRequest, { a: s.snapshot.file, b: folder });
  assert.deepEqual([r.added, r.removed, r.modified], [[], [], ['a.txt']]);
  const old = await conn.sendRequest(snapshotContentRequest, { snapshot: s.snapshot.file, path: 'a.txt' });
  assert.equal(old.content, 'alpha\n');
  fs.writeFileSync(path.join(folder, 'a.txt'), 'alpha\n');
});

test('cancelling a long compare stops it and the server stays responsive', async () => {
  // Enough content that hashing outlasts the first progress report (100 ms apart).
  const big = path.join(tmp, 'big');
  const chunk = Buffer.alloc(64 * 1024, 7);
  for (let d = 0; d < 40; d++) for (let f = 0; f < 50; f++) write(`big/d${d}/f${f}.bin`, Buffer.concat([chunk, Buffer.from(`${d}/${f}`)]));
  const token = randomUUID();
  const source = new CancellationTokenSource();
  conn.onProgress(WorkDoneProgress.type, token, v => { if (v.kind === 'report') source.cancel(); });
  const started = Date.now();
  await assert.rejects(
    conn.sendRequest(merkleCompareRequest, { a: big, b: path.join(tmp, 'right'), workDoneToken: token }, source.token),
    (err: ResponseError<unknown>) => err.code === LSPErrorCodes.RequestCancelled,
  );
  assert.ok(source.token.isCancellationRequested, 'cancelled after a progress report');
  console.log(`# cancelled after ${Date.now() - started} ms`);
  const info = await conn.sendRequest(serverInfoRequest);
  assert.equal(info.pid, child.pid);
});

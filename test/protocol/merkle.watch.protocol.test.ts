// The server keeps workspace folders' trees between requests and re-walks only what
// `workspace/didChangeWatchedFiles` reports (plus what the watcher does not watch).
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { DidChangeWatchedFilesNotification, FileChangeType } from 'vscode-languageserver-protocol/node';
import { merkleCompareRequest } from '../../shared/protocol';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-watch-'));
const ws = path.join(tmp, 'ws');
const other = path.join(tmp, 'other');
let server: TestServer;

function write(root: string, rel: string, content: string): void {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  const old = Date.now() / 1000 - 3600; // out of the index's racy window
  fs.utimesSync(p, old, old);
}

before(async () => {
  for (const root of [ws, other]) {
    for (let d = 0; d < 4; d++) for (let f = 0; f < 5; f++) write(root, `d${d}/f${f}.txt`, `${d}/${f}\n`);
  }
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: true, exclude: [] } }, [ws]);
});

after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

const compare = () => server.conn.sendRequest(merkleCompareRequest, { a: other, b: ws });

test('a reported change re-walks only its folder; the result matches the disk', async () => {
  const first = await compare();
  assert.equal(first.rootA, first.rootB);
  assert.equal(first.b.stats?.filesSeen, 20);

  write(ws, 'd2/f3.txt', 'changed\n');
  await server.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: pathToFileURL(path.join(ws, 'd2/f3.txt')).href, type: FileChangeType.Changed }],
  });
  const second = await compare();
  assert.deepEqual(second.modified, ['d2/f3.txt']);
  assert.equal(second.b.stats?.filesSeen, 5, 'only d2 is walked in the watched folder');
  assert.equal(second.a.stats?.filesSeen, 20, 'a folder outside the workspace is walked in full');

  // A created folder reported by itself is walked in full.
  write(ws, 'new/deep/x.txt', 'x\n');
  await server.conn.sendNotification(DidChangeWatchedFilesNotification.type, {
    changes: [{ uri: pathToFileURL(path.join(ws, 'new')).href, type: FileChangeType.Created }],
  });
  const third = await compare();
  assert.deepEqual(third.added, ['new/deep/x.txt']);
  assert.deepEqual(third.modified, ['d2/f3.txt']);
});

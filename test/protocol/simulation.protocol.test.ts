// Drives the simulation requests of the built server over LSP: results with the diagram's
// messages, `$/progress` during a long run, cancellation, and bad scenarios as user errors.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  CancellationTokenSource, LSPErrorCodes, ResponseError, WorkDoneProgress, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { serverInfoRequest, simulationElectRequest, simulationSyncRequest, USER_ERROR_CODE } from '../../shared/protocol';
import { serverForTests } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-protocol-sim-'));
let conn: ProtocolConnection;

serverForTests(tmp, s => { conn = s.conn; });

test('serverInfo names the simulation capability', async () => {
  assert.ok((await conn.sendRequest(serverInfoRequest)).capabilities.includes('simulation'));
});

test('an election comes back with its counts and every message for the diagram', async () => {
  const r = await conn.sendRequest(simulationElectRequest, { algorithm: 'bully', nodes: 6, crashes: ['6@0'], seed: 2 });
  assert.equal(r.leader, 5);
  // (6−1)² + 6 − 2
  assert.equal(r.messages, 29);
  assert.ok(r.trace);
  assert.equal(r.trace.from.length, 29);
  assert.equal(r.trace.truncated, false);
  // The ELECTION messages to the dead node 6 are marked as not delivered.
  const toSix = r.trace.to.map((to, k) => [to, r.trace!.fate[k]]).filter(([to]) => to === 6);
  assert.equal(toSix.length, 5);
  assert.ok(toSix.every(([, fate]) => fate === 2));
});

test('a long election reports progress; cancelling it stops it', async () => {
  const token = randomUUID();
  const seen: string[] = [];
  conn.onProgress(WorkDoneProgress.type, token, v => { if (v.kind === 'report' && v.message) seen.push(v.message); });
  const source = new CancellationTokenSource();
  const pending = conn.sendRequest(simulationElectRequest, { algorithm: 'bully', nodes: 3000, workDoneToken: token, traceLimit: 0 }, source.token);
  const started = Date.now();
  while (seen.length === 0 && Date.now() - started < 20_000) await new Promise(r => setTimeout(r, 20));
  assert.ok(seen.length > 0, 'no progress reported');
  assert.match(seen[0], /events, t = /);
  source.cancel();
  await assert.rejects(pending, (err: unknown) => err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled);
});

test('bad scenarios are user errors naming the option', async () => {
  const bad: [object, RegExp][] = [
    [{ algorithm: 'bully', nodes: 1 }, /at least 2 nodes/],
    [{ algorithm: 'bully', nodes: 4, crashes: ['7@0'] }, /names node 7/],
    [{ algorithm: 'bully', nodes: 4, partitions: ['1|2,3@5-9'] }, /missing node 4/],
    [{ algorithm: 'raft', nodes: 4 }, /--algorithm "raft"/],
  ];
  for (const [params, message] of bad) {
    await assert.rejects(conn.sendRequest(simulationElectRequest, params as never), (err: unknown) =>
      err instanceof ResponseError && err.code === USER_ERROR_CODE && message.test(err.message), JSON.stringify(params));
  }
});

test('a replica sync comes back with its costs and, when asked, the scaling table', async () => {
  const r = await conn.sendRequest(simulationSyncRequest, { replicas: 2, keys: 5000, diverge: 12, seed: 4, scaling: true });
  assert.equal(r.result.keysTransferred, 12);
  assert.deepEqual(r.result.transferredKeys, r.result.divergedKeys);
  assert.ok(r.scaling && r.scaling.length > 0);
  await assert.rejects(conn.sendRequest(simulationSyncRequest, { replicas: 2, keys: 10, diverge: 20 }), (err: unknown) =>
    err instanceof ResponseError && err.code === USER_ERROR_CODE && /--diverge/.test(err.message));
});

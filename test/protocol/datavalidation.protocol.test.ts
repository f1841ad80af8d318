// Inline diagnostics of CSV documents through the built server: open, edit, schema errors and
// changes, the settings' schema mapping, the cap, and a large document that must not stop the
// server from answering.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification, FileChangeType, PublishDiagnosticsNotification, type Diagnostic, type ProtocolConnection,
  type PublishDiagnosticsParams,
} from 'vscode-languageserver-protocol/node';
import { serverInfoRequest } from '../../shared/protocol';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-dv-protocol-'));
let server: TestServer;
let conn: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];
const waiters: (() => void)[] = [];

const SCHEMA = `
feature { name: "id" type: INT presence { min_fraction: 1.0 } }
feature { name: "age" type: INT int_domain { min: 0 max: 120 } }
feature { name: "color" type: BYTES domain: "colors" }
string_domain { name: "colors" value: "red" value: "green" }
`;

function write(rel: string, content: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

const uriOf = (rel: string) => pathToFileURL(path.join(tmp, rel)).href;

/** The next diagnostics published for `uri` (after `since` notifications) that satisfy `accept`. */
async function diagnosticsFor(uri: string, accept: (p: PublishDiagnosticsParams) => boolean = () => true, timeoutMs = 20_000): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + timeoutMs;
  for (let seen = 0; ; ) {
    for (; seen < published.length; seen++) {
      const p = published[seen];
      if (p.uri === uri && accept(p)) return p;
    }
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}; got ${JSON.stringify(published.filter(p => p.uri === uri).map(p => p.version))}`);
    await new Promise<void>(resolve => {
      const timer = setTimeout(resolve, 200);
      waiters.push(() => { clearTimeout(timer); resolve(); });
    });
  }
}

async function open(rel: string, text: string, version = 1): Promise<string> {
  const uri = uriOf(rel);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'plaintext', version, text } });
  return uri;
}

async function change(uri: string, version: number, text: string): Promise<void> {
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
}

const summary = (ds: Diagnostic[]) => ds.map(d => [d.range.start.line, d.range.start.character, d.range.end.line, d.range.end.character, d.code]);

before(async () => {
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } }, [tmp]);
  conn = server.conn;
  conn.onNotification(PublishDiagnosticsNotification.type, p => {
    published.push(p);
    waiters.splice(0).forEach(w => w());
  });
  assert.deepEqual(server.init.capabilities.textDocumentSync, { openClose: true, change: 1 });
});

after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('opening a CSV beside a schema.pbtxt publishes diagnostics on the exact cells', async () => {
  write('a/schema.pbtxt', SCHEMA);
  const uri = await open('a/data.csv', 'id,age,color\n1,30,red\n2,150,red\n,30,blue\n4,30\n');
  const p = await diagnosticsFor(uri);
  assert.equal(p.version, 1);
  assert.deepEqual(summary(p.diagnostics), [
    [0, 0, 0, 2, 'FEATURE_TYPE_LOW_FRACTION_PRESENT'],
    [0, 3, 0, 6, 'INT_TYPE_BIG_INT'],
    [0, 7, 0, 12, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'],
    [2, 2, 2, 5, 'INT_TYPE_BIG_INT'],
    [3, 0, 3, 0, 'FEATURE_TYPE_LOW_FRACTION_PRESENT'],
    [3, 4, 3, 8, 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'],
    [4, 0, 4, 4, 'RAGGED_ROW'],
  ]);
  assert.ok(p.diagnostics.every(d => d.source === 'ML Workbench' && d.severity === 1));
  assert.match(p.diagnostics[3].message, /"age".*150.*max 120/);

  // An edit (full text) replaces them.
  await change(uri, 2, 'id,age,color\n1,30,red\n2,-5,green\n');
  const q = await diagnosticsFor(uri, d => d.version === 2);
  assert.deepEqual(summary(q.diagnostics), [[0, 3, 0, 6, 'INT_TYPE_SMALL_INT'], [2, 2, 2, 4, 'INT_TYPE_SMALL_INT']]);

  // A valid document: an empty list clears them; closing clears them too.
  await change(uri, 3, 'id,age,color\n1,30,red\n');
  assert.deepEqual((await diagnosticsFor(uri, d => d.version === 3)).diagnostics, []);
});

test('typing quickly: only the last version is validated (debounced)', async () => {
  write('b/schema.pbtxt', SCHEMA);
  const uri = await open('b/data.csv', 'id,age,color\n1,30,red\n');
  await diagnosticsFor(uri, d => d.version === 1);
  const before = published.length;
  for (let v = 2; v <= 6; v++) await change(uri, v, `id,age,color\n1,${200 + v},red\n`);
  const p = await diagnosticsFor(uri, d => d.version === 6);
  assert.deepEqual(published.slice(before).filter(d => d.uri === uri).map(d => d.version), [6]);
  assert.match(p.diagnostics.find(d => d.range.start.line === 1)!.message, /206/);
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  assert.deepEqual((await diagnosticsFor(uri, d => d.diagnostics.length === 0 && d.version === undefined)).diagnostics, []);
});

test('a schema with a syntax error: one diagnostic on the first line naming it; fixing it re-validates', async () => {
  const schemaFile = write('c/schema.pbtxt', 'feature { name: "id" type: INT\n  int_domain { max: }\n}\n');
  const uri = await open('c/data.csv', 'id,other\n500,x\n');
  const p = await diagnosticsFor(uri);
  assert.equal(p.diagnostics.length, 1);
  const d = p.diagnostics[0];
  assert.deepEqual([d.range.start, d.range.end, d.code], [{ line: 0, character: 0 }, { line: 0, character: 8 }, 'SCHEMA_ERROR']);
  assert.ok(d.message.includes(`${schemaFile}:2:`), d.message);
  assert.equal(fs.readFileSync(schemaFile, 'utf8'), 'feature { name: "id" type: INT\n  int_domain { max: }\n}\n', 'not rewritten');

  fs.writeFileSync(schemaFile, 'feature { name: "id" type: INT int_domain { max: 100 } }\n');
  const before = published.length;
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(schemaFile).href, type: FileChangeType.Changed }] });
  const q = await diagnosticsFor(uri, x => published.indexOf(x) >= before);
  assert.deepEqual(summary(q.diagnostics), [
    [0, 0, 0, 2, 'INT_TYPE_BIG_INT'], [0, 3, 0, 8, 'SCHEMA_NEW_COLUMN'], [1, 0, 1, 3, 'INT_TYPE_BIG_INT'],
  ]);
});

test('a schema open in the editor counts with its unsaved edits; closing it unsaved goes back to the file', async () => {
  write('u/schema.pbtxt', SCHEMA);
  const uri = await open('u/data.csv', 'id,age,color\n1,30,blue\n');
  const p = await diagnosticsFor(uri);
  assert.deepEqual(summary(p.diagnostics).map(d => d[4]), ['ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'ENUM_TYPE_UNEXPECTED_STRING_VALUES']);

  // Opened and edited, not saved: "blue" joins the domain, and the CSV is checked again at once.
  const schemaUri = await open('u/schema.pbtxt', SCHEMA);
  const before = published.length;
  await change(schemaUri, 2, SCHEMA.replace('value: "green"', 'value: "green" value: "blue"'));
  const fixed = await diagnosticsFor(uri, d => published.indexOf(d) >= before && d.diagnostics.length === 0);
  assert.deepEqual(fixed.diagnostics, []);

  // Closed without saving: the file on disk is the schema again.
  const closedAt = published.length;
  await conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri: schemaUri } });
  const back = await diagnosticsFor(uri, d => published.indexOf(d) >= closedAt && d.diagnostics.length > 0);
  assert.equal(back.diagnostics.length, 2);
});

test('settings map a glob to a schema, and give the environment', async () => {
  write('schemas/train.pbtxt', `default_environment: "TRAINING" default_environment: "SERVING"\n${SCHEMA}feature { name: "label" type: INT int_domain { max: 1 } not_in_environment: "SERVING" }\n`);
  const uri = await open('d/raw/part1.csv', 'id,age,color,label\n1,30,red,7\n');
  // No schema beside it and no mapping yet: nothing.
  assert.deepEqual((await diagnosticsFor(uri)).diagnostics, []);
  let before = published.length;
  await conn.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { mlw: { dataValidation: { schemas: { 'd/**/*.csv': 'schemas/train.pbtxt' }, environment: 'TRAINING' } } },
  });
  const p = await diagnosticsFor(uri, x => published.indexOf(x) >= before);
  assert.deepEqual(summary(p.diagnostics), [[0, 13, 0, 18, 'INT_TYPE_BIG_INT'], [1, 9, 1, 10, 'INT_TYPE_BIG_INT']]);
  before = published.length;
  await conn.sendNotification(DidChangeConfigurationNotification.type, {
    settings: { mlw: { dataValidation: { schemas: { 'd/**/*.csv': 'schemas/train.pbtxt' }, environment: 'SERVING' } } },
  });
  const q = await diagnosticsFor(uri, x => published.indexOf(x) >= before);
  // As TFDV: a column present but not in the environment is SCHEMA_NEW_COLUMN (and still
  // validated as a column); its values are not checked one by one.
  const codes = summary(q.diagnostics);
  assert.ok(codes.some(c => c[4] === 'SCHEMA_NEW_COLUMN' && c[1] === 13), JSON.stringify(codes));
  assert.deepEqual(codes.filter(c => Number(c[0]) > 0), []);
});

test('an environment the schema does not list is named on the first line', async () => {
  write('g/schema.pbtxt', SCHEMA);
  const uri = await open('g/data.csv', 'id,age,color\n1,2,red\n');
  const p = await diagnosticsFor(uri);
  assert.equal(p.diagnostics.length, 1);
  assert.equal(p.diagnostics[0].code, 'SCHEMA_ERROR');
  assert.match(p.diagnostics[0].message, /Environment SERVING not found/);
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { mlw: { dataValidation: {} } } });
  const q = await diagnosticsFor(uri, x => x.diagnostics.length === 0);
  assert.deepEqual(q.diagnostics, []);
});

test('the cap: 1000 cell diagnostics and one summary on the header', async () => {
  write('e/schema.pbtxt', SCHEMA);
  const rows = Array.from({ length: 2500 }, (_, i) => `${i},999,red`);
  const uri = await open('e/big.csv', ['id,age,color', ...rows, ''].join('\n'));
  const p = await diagnosticsFor(uri);
  const cells = p.diagnostics.filter(d => d.range.start.line > 0);
  assert.equal(cells.length, 1000);
  assert.deepEqual(summary([cells[999]]), [[1000, 4, 1000, 7, 'INT_TYPE_BIG_INT']]);
  const more = p.diagnostics.filter(d => d.code === 'TOO_MANY_PROBLEMS');
  assert.equal(more.length, 1);
  assert.equal(more[0].range.start.line, 0);
  assert.match(more[0].message, /and 1,500 more problems/);
});

test('a large document is validated in the background: the server keeps answering, and an edit cancels the old run', async () => {
  write('f/schema.pbtxt', SCHEMA);
  const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 100},${i % 2 ? 'red' : 'green'}`);
  rows[199_990] = '199990,121,red';
  const text = ['id,age,color', ...rows, ''].join('\n');
  const uri = await open('f/huge.csv', text);
  // An edit while the run of version 1 goes on (or before it starts): it is abandoned.
  await new Promise(resolve => setTimeout(resolve, 50));
  await change(uri, 2, text.replace('199990,121,red', '199990,122,red'));
  // After the debounce, while version 2 is validated, other requests are answered.
  await new Promise(resolve => setTimeout(resolve, 320));
  let slowest = 0;
  let answered = 0;
  for (let i = 0; i < 5; i++) {
    const t = Date.now();
    await conn.sendRequest(serverInfoRequest);
    slowest = Math.max(slowest, Date.now() - t);
    answered++;
  }
  const during = !published.some(d => d.uri === uri && d.version === 2);
  console.log(`# slowest serverInfo: ${slowest} ms (${during ? 'while validating' : 'validation had ended'})`);
  assert.ok(slowest < 1000, `serverInfo took ${slowest} ms`);
  const p = await diagnosticsFor(uri, d => d.version === 2, 60_000);
  assert.equal(answered, 5);
  assert.deepEqual(summary(p.diagnostics.filter(d => d.range.start.line > 0)), [[199_991, 7, 199_991, 10, 'INT_TYPE_BIG_INT']]);
  assert.match(p.diagnostics.find(d => d.range.start.line > 0)!.message, /122/);
  assert.ok(!published.some(d => d.uri === uri && d.version === 1), 'the run of version 1 was cancelled');
});

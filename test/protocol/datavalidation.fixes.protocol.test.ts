// Quick fixes of CSV diagnostics through the built server: textDocument/codeAction returns
// WorkspaceEdits of the schema (the server writes nothing); the test applies them to the file
// as the client would, tells the server (didChangeWatchedFiles), and the diagnostic is gone.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeActionRequest, DidChangeConfigurationNotification, DidChangeTextDocumentNotification, DidChangeWatchedFilesNotification, DidOpenTextDocumentNotification, FileChangeType,
  PublishDiagnosticsNotification, type CodeAction, type Diagnostic, type ProtocolConnection, type PublishDiagnosticsParams, type Range,
  type TextEdit,
} from 'vscode-languageserver-protocol/node';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-dv-fixes-'));
let server: TestServer;
let conn: ProtocolConnection;
const published: PublishDiagnosticsParams[] = [];

const SCHEMA = `# Colours we sell.
feature {
  name: "id"
  type: INT
}
feature {
  name: "color"
  type: BYTES
  domain: "colors"  # see below
}
string_domain {
  name: "colors"
  value: "red"
  value: "green"
}
`;

function write(rel: string, content: string): string {
  const p = path.join(tmp, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

const uriOf = (rel: string) => pathToFileURL(path.join(tmp, rel)).href;

/** The first diagnostics published for `uri`, from the `since`-th notification on, that `accept` takes. */
async function diagnosticsFor(uri: string, since: number, accept: (p: PublishDiagnosticsParams) => boolean = () => true): Promise<PublishDiagnosticsParams> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const p = published.slice(since).find(x => x.uri === uri && accept(x));
    if (p) return p;
    if (Date.now() > deadline) throw new Error(`no diagnostics for ${uri}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

async function open(rel: string, text: string): Promise<string> {
  const uri = uriOf(rel);
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'csv', version: 1, text } });
  return uri;
}

function codeActions(uri: string, range: Range, diagnostics: Diagnostic[]): Promise<CodeAction[]> {
  return conn.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics } }) as Promise<CodeAction[]>;
}

/** Applies LSP text edits to a text, as a client does. */
function applyTextEdits(text: string, edits: TextEdit[]): string {
  const starts = [0];
  for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  const at = (p: { line: number; character: number }) => starts[p.line] + p.character;
  for (const e of [...edits].sort((a, b) => at(b.range.start) - at(a.range.start))) {
    text = text.slice(0, at(e.range.start)) + e.newText + text.slice(at(e.range.end));
  }
  return text;
}

async function schemaChanged(file: string, type: FileChangeType = FileChangeType.Changed): Promise<void> {
  await conn.sendNotification(DidChangeWatchedFilesNotification.type, { changes: [{ uri: pathToFileURL(file).href, type }] });
}

before(async () => {
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } }, [tmp]);
  conn = server.conn;
  conn.onNotification(PublishDiagnosticsNotification.type, p => published.push(p));
  assert.deepEqual(server.init.capabilities.codeActionProvider, { codeActionKinds: ['quickfix'] });
});

after(async () => {
  await server.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('a value outside the domain: the fix adds it to schema.pbtxt; applied, the diagnostic goes', async () => {
  const schemaFile = write('a/schema.pbtxt', SCHEMA);
  const uri = await open('a/data.csv', 'id,color\n1,red\n2,blue\n');
  const p = await diagnosticsFor(uri, 0);
  const d = p.diagnostics.find(x => x.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && x.range.start.line === 2)!;
  assert.ok(d, JSON.stringify(p.diagnostics));
  assert.deepEqual(d.data, { feature: 'color', value: 'blue' });

  const actions = await codeActions(uri, d.range, [d]);
  const schemaUri = pathToFileURL(schemaFile).href;
  const fix = actions.find(a => a.title.startsWith("Add 'blue'"));
  assert.deepEqual(fix, {
    title: `Add 'blue' to the domain of color (string_domain "colors")`,
    kind: 'quickfix',
    diagnostics: [d],
    isPreferred: true,
    edit: { changes: { [schemaUri]: [{ range: { start: { line: 14, character: 0 }, end: { line: 14, character: 0 } }, newText: '  value: "blue"\n' }] } },
  });
  assert.equal(fs.readFileSync(schemaFile, 'utf8'), SCHEMA, 'the server does not write the schema');

  fs.writeFileSync(schemaFile, applyTextEdits(SCHEMA, fix!.edit!.changes![schemaUri]));
  assert.match(fs.readFileSync(schemaFile, 'utf8'), /# Colours we sell\.\n[^]*# see below\n[^]*value: "green"\n  value: "blue"\n\}\n$/);
  const since = published.length;
  await schemaChanged(schemaFile);
  const q = await diagnosticsFor(uri, since);
  assert.deepEqual(q.diagnostics, []);
});

test('a CSV without a schema: "Infer a schema from this file" on its first line creates schema.pbtxt', async () => {
  write('b/data.csv', 'id,color\n1,red\n2,green\n');
  const uri = await open('b/data.csv', 'id,color\n1,red\n2,green\n');
  assert.deepEqual((await diagnosticsFor(uri, 0)).diagnostics, []);
  const schemaFile = path.join(tmp, 'b', 'schema.pbtxt');
  const schemaUri = pathToFileURL(schemaFile).href;

  assert.deepEqual(await codeActions(uri, { start: { line: 1, character: 0 }, end: { line: 1, character: 0 } }, []), [], 'first line only');
  const actions = await codeActions(uri, { start: { line: 0, character: 2 }, end: { line: 0, character: 2 } }, []);
  assert.equal(actions.length, 1);
  const [infer] = actions;
  assert.equal(infer.title, 'Infer a schema from this file');
  assert.equal(infer.kind, 'quickfix');
  const changes = infer.edit!.documentChanges!;
  assert.equal(changes.length, 2);
  assert.deepEqual(changes[0], { kind: 'create', uri: schemaUri });
  const edit = changes[1] as { textDocument: { uri: string; version: null }; edits: TextEdit[] };
  assert.deepEqual(edit.textDocument, { uri: schemaUri, version: null });
  assert.equal(edit.edits.length, 1);
  assert.deepEqual(edit.edits[0].range, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } });
  assert.match(edit.edits[0].newText, /^feature \{\n  name: "id"\n  type: INT\n[^]*string_domain \{\n  name: "color"\n  value: "green"\n  value: "red"\n\}\n$/);
  assert.ok(!fs.existsSync(schemaFile), 'the server does not write the schema');

  // Applied as a client does: create the file, then insert the text.
  fs.writeFileSync(schemaFile, applyTextEdits('', edit.edits));
  let since = published.length;
  await schemaChanged(schemaFile, FileChangeType.Created);
  assert.deepEqual((await diagnosticsFor(uri, since)).diagnostics, []);
  // The schema is used: a new colour is a problem now. And no more "Infer".
  since = published.length;
  await conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2 }, contentChanges: [{ text: 'id,color\n1,red\n2,blue\n' }] });
  const p = await diagnosticsFor(uri, since, x => x.version === 2);
  assert.ok(p.diagnostics.some(x => x.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && x.range.start.line === 2), JSON.stringify(p.diagnostics));
  assert.ok(!(await codeActions(uri, { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, [])).some(a => a.title.startsWith('Infer')));
});

test('a new column: "Add column … (inferred)" inserts its feature and domain; applied, SCHEMA_NEW_COLUMN goes', async () => {
  const schemaFile = write('c/schema.pbtxt', SCHEMA);
  const uri = await open('c/data.csv', 'id,color,size\n1,red,S\n2,green,M\n');
  const p = await diagnosticsFor(uri, 0);
  const d = p.diagnostics.find(x => x.code === 'SCHEMA_NEW_COLUMN')!;
  assert.deepEqual([d.range, d.data], [{ start: { line: 0, character: 9 }, end: { line: 0, character: 13 } }, { feature: 'size' }]);
  const actions = await codeActions(uri, d.range, [d]);
  assert.deepEqual(actions.map(a => a.title), ['Add column size to the schema (inferred)']);
  const edits = actions[0].edit!.changes![pathToFileURL(schemaFile).href];
  const text = applyTextEdits(SCHEMA, edits);
  assert.ok(text.startsWith(SCHEMA.slice(0, SCHEMA.indexOf('string_domain'))), text);
  assert.match(text, /\}\nfeature \{\n  name: "size"\n  type: BYTES\n  domain: "size"\n[^]*\}\nstring_domain \{\n  name: "size"\n  value: "M"\n  value: "S"\n\}\n$/);
  fs.writeFileSync(schemaFile, text);
  const since = published.length;
  await schemaChanged(schemaFile);
  assert.deepEqual((await diagnosticsFor(uri, since)).diagnostics, []);
});

test('a column missing in the configured environment: "Mark … as not in environment …"', async () => {
  const schemaText = 'default_environment: "TRAINING"\ndefault_environment: "SERVING"\nfeature { name: "id" type: INT }\nfeature { name: "label" type: INT presence { min_fraction: 1.0 } }\n';
  const schemaFile = write('d/schema.pbtxt', schemaText);
  let since = published.length;
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { mlw: { dataValidation: { environment: 'SERVING' } } } });
  const uri = await open('d/data.csv', 'id\n1\n');
  const p = await diagnosticsFor(uri, since, x => x.diagnostics.length > 0);
  const d = p.diagnostics.find(x => x.code === 'SCHEMA_MISSING_COLUMN')!;
  assert.deepEqual(d.data, { feature: 'label', environment: 'SERVING' });
  const actions = await codeActions(uri, d.range, [d]);
  assert.deepEqual(actions.map(a => a.title), ['Mark label as not in environment SERVING']);
  const text = applyTextEdits(schemaText, actions[0].edit!.changes![pathToFileURL(schemaFile).href]);
  assert.equal(text, schemaText.replace('min_fraction: 1.0 } }', 'min_fraction: 1.0 } not_in_environment: "SERVING" }'));
  fs.writeFileSync(schemaFile, text);
  since = published.length;
  await schemaChanged(schemaFile);
  assert.deepEqual((await diagnosticsFor(uri, since)).diagnostics, []);
  await conn.sendNotification(DidChangeConfigurationNotification.type, { settings: { mlw: { dataValidation: {} } } });
});

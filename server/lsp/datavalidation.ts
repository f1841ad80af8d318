// Inline diagnostics of open CSV/TSV documents against their schema (a schema.pbtxt beside the
// file, or one mapped in the setting mlw.dataValidation.schemas). Each document is validated in
// the background after a pause in typing; a new edit aborts the run of the previous version.
// Schemas open in the editor are read from their document, unsaved edits included, so editing
// the schema re-checks the CSV files that use it at once.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import picomatch from 'picomatch';
import {
  CodeActionKind, CreateFile, DiagnosticSeverity, TextDocumentEdit, TextEdit,
  type CodeAction, type CodeActionParams, type Connection, type Diagnostic, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { CancelledError, UserError, describeError } from '../common/errors';
import { diagnoseCsvText, schemaProblem, type CsvDiagnostic } from '../datavalidation/csvDiagnostics';
import type { Schema } from '../datavalidation/schema';
import { inferSchemaFromText, newSchemaText, schemaFixesFor } from '../datavalidation/schemaFixes';
import { parseSchemaText } from '../datavalidation/schemaText';

export const SCHEMA_FILE_NAME = 'schema.pbtxt';
const DEBOUNCE_MS = 300;
const SOURCE = 'ML Workbench';

/** The setting `mlw.dataValidation`. */
export interface DataValidationSettings {
  /** Glob (relative to the workspace folder) → schema path (relative to the workspace folder). */
  schemas?: Record<string, string>;
  environment?: string;
}

interface OpenDocument {
  uri: string;
  languageId: string;
  version: number;
  text: string;
  timer?: NodeJS.Timeout;
  run?: AbortController;
  /** The schema inferred from this version's text (for the code actions that need one). */
  inferred?: { version: number; schema: Promise<Schema | undefined> };
}

export interface DataValidationHooks {
  /** Tell it about file events (workspace/didChangeWatchedFiles), which main.ts receives. */
  filesChanged(uris: string[]): void;
}

const SEVERITY: Record<CsvDiagnostic['severity'], DiagnosticSeverity> = {
  ERROR: DiagnosticSeverity.Error, WARNING: DiagnosticSeverity.Warning, INFO: DiagnosticSeverity.Information,
};

/** Registers document sync and configuration handlers; the server declares textDocumentSync Full. */
export function registerDataValidation(connection: Connection, workspaceFolders: () => string[]): DataValidationHooks {
  const documents = new Map<string, OpenDocument>();
  /** Open schema documents (the client syncs *.pbtxt too): file path → current text. */
  const openSchemas = new Map<string, string>();
  let settings: DataValidationSettings = {};
  let schemaTimer: NodeJS.Timeout | undefined;
  const readSchema: SchemaReader = file => Promise.resolve(openSchemas.get(file) ?? fs.promises.readFile(file, 'utf8'));
  const isSchema = (uri: string) => uri.startsWith('file:') && /\.pbtxt$/i.test(uri);

  /** A schema's text changed (opened with other text, edited, closed unsaved): re-check the CSVs. */
  function schemaChanged(uri: string, text: string | undefined): void {
    const file = fileURLToPath(uri);
    if (text === undefined) openSchemas.delete(file);
    else openSchemas.set(file, text);
    clearTimeout(schemaTimer);
    schemaTimer = setTimeout(revalidateAll, DEBOUNCE_MS);
  }

  const isCsv = (uri: string, languageId: string) =>
    uri.startsWith('file:') && (/\.(csv|tsv)$/i.test(uri) || languageId === 'csv' || languageId === 'tsv');

  function schedule(doc: OpenDocument, delay: number): void {
    clearTimeout(doc.timer);
    doc.run?.abort();
    doc.timer = setTimeout(() => void validate(doc), delay);
  }

  async function validate(doc: OpenDocument): Promise<void> {
    const run = (doc.run = new AbortController());
    const version = doc.version;
    try {
      const diagnostics = await diagnose(doc, settings, workspaceFolders(), readSchema, run.signal);
      // An edit or close since this run began has made its result stale.
      if (run.signal.aborted || documents.get(doc.uri) !== doc) return;
      await connection.sendDiagnostics({ uri: doc.uri, version, diagnostics: diagnostics.map(toDiagnostic) });
    } catch (err) {
      if (!(err instanceof CancelledError)) connection.console.error(`validating ${doc.uri}: ${(err as Error)?.stack ?? err}`);
    }
  }

  function revalidateAll(): void {
    for (const doc of documents.values()) schedule(doc, 0);
  }

  connection.onDidOpenTextDocument(({ textDocument: t }) => {
    if (isSchema(t.uri)) return schemaChanged(t.uri, t.text);
    if (!isCsv(t.uri, t.languageId)) return;
    const doc: OpenDocument = { uri: t.uri, languageId: t.languageId, version: t.version, text: t.text };
    documents.set(t.uri, doc);
    schedule(doc, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    if (isSchema(textDocument.uri)) return schemaChanged(textDocument.uri, applyFullChanges(openSchemas.get(fileURLToPath(textDocument.uri)) ?? '', contentChanges));
    const doc = documents.get(textDocument.uri);
    if (!doc) return;
    doc.version = textDocument.version;
    doc.text = applyFullChanges(doc.text, contentChanges);
    schedule(doc, DEBOUNCE_MS);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
    if (isSchema(textDocument.uri)) return schemaChanged(textDocument.uri, undefined);
    const doc = documents.get(textDocument.uri);
    if (!doc) return;
    clearTimeout(doc.timer);
    doc.run?.abort();
    documents.delete(textDocument.uri);
    void connection.sendDiagnostics({ uri: textDocument.uri, diagnostics: [] });
  });

  // The client pushes the section mlw.dataValidation (synchronize.configurationSection).
  connection.onDidChangeConfiguration(({ settings: all }) => {
    settings = (all as { mlw?: { dataValidation?: DataValidationSettings } } | undefined)?.mlw?.dataValidation ?? {};
    revalidateAll();
  });

  // Quick fixes: edits of the schema (schemaFixes.ts) as WorkspaceEdits the client applies, so
  // that the user sees them and can undo them; the server never writes the schema itself. They
  // are computed on the schema's open document when it is open, so they apply to what is there.
  connection.onCodeAction(async (params, token) => {
    const doc = documents.get(params.textDocument.uri);
    const only = params.context.only;
    if (!doc || (only && !only.some(k => k === '' || CodeActionKind.QuickFix === k || CodeActionKind.QuickFix.startsWith(`${k}.`)))) return [];
    const run = new AbortController();
    token.onCancellationRequested(() => run.abort());
    try {
      return await codeActions(doc, params, settings, workspaceFolders(), readSchema, run.signal, () => inferredSchema(doc, run.signal));
    } catch (err) {
      if (!(err instanceof CancelledError) && !run.signal.aborted) connection.console.error(`code actions of ${doc.uri}: ${(err as Error)?.stack ?? err}`);
      return [];
    }
  });

  /** Inferred once per version of a document (a code action request comes with every cursor move). */
  function inferredSchema(doc: OpenDocument, signal: AbortSignal): Promise<Schema | undefined> {
    if (doc.inferred?.version !== doc.version) {
      const schema = inferSchemaFromText(doc.text, { delimiter: delimiterOf(doc) }).catch(() => undefined);
      doc.inferred = { version: doc.version, schema };
    }
    const schema = doc.inferred.schema;
    return new Promise((resolve, reject) => {
      if (signal.aborted) return reject(new CancelledError());
      signal.addEventListener('abort', () => reject(new CancelledError()), { once: true });
      void schema.then(resolve);
    });
  }

  return {
    filesChanged(uris) {
      const mapped = new Set(Object.values(settings.schemas ?? {}).map(p => path.basename(p)));
      const touchesSchema = uris.some(u => u.startsWith('file:') && (path.basename(fileURLToPath(u)) === SCHEMA_FILE_NAME || mapped.has(path.basename(fileURLToPath(u)))));
      if (touchesSchema) revalidateAll();
    },
  };
}

/** The text of a schema file: its open document's when it is open in the editor, else the file's. */
type SchemaReader = (file: string) => Promise<string>;

function delimiterOf(doc: OpenDocument): string {
  return /\.tsv$/i.test(doc.uri) || doc.languageId === 'tsv' ? '\t' : ',';
}

/**
 * The code actions of a range of a CSV document: the fixes of the diagnostics of ours in it; on
 * the first line of a CSV without a schema, one creating a schema inferred from it.
 */
async function codeActions(
  doc: OpenDocument, params: CodeActionParams, settings: DataValidationSettings, folders: string[], readSchema: SchemaReader,
  signal: AbortSignal, inferred: () => Promise<Schema | undefined>,
): Promise<CodeAction[]> {
  const file = fileURLToPath(doc.uri);
  const schemaFile = findSchema(file, settings, folders) ?? path.join(path.dirname(file), SCHEMA_FILE_NAME);
  const schemaUri = pathToFileURL(schemaFile).href;
  let text: string;
  try {
    text = await readSchema(schemaFile);
  } catch (err) {
    // No schema yet (beside the file, or where the settings map it): offer one inferred from the file.
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || params.range.start.line > 0) return [];
    const schema = await inferred();
    if (!schema || signal.aborted) return [];
    return [{
      title: 'Infer a schema from this file',
      kind: CodeActionKind.QuickFix,
      diagnostics: params.context.diagnostics.filter(d => d.source === SOURCE && d.code === 'SCHEMA_ERROR'),
      edit: {
        documentChanges: [
          // Without overwrite or ignoreIfExists: if a schema appeared meanwhile, the edit fails.
          CreateFile.create(schemaUri),
          TextDocumentEdit.create({ uri: schemaUri, version: null }, [TextEdit.insert({ line: 0, character: 0 }, newSchemaText(schema))]),
        ],
      },
    }];
  }
  const actions: CodeAction[] = [];
  for (const diagnostic of params.context.diagnostics) {
    if (diagnostic.source !== SOURCE || diagnostic.data === undefined) continue;
    const fixes = await schemaFixesFor(text, { code: diagnostic.code, data: diagnostic.data }, { inferred });
    if (signal.aborted) return [];
    for (const fix of fixes) {
      if (!fix.edits) continue;
      actions.push({
        title: fix.title,
        kind: CodeActionKind.QuickFix,
        diagnostics: [diagnostic],
        ...(fix.preferred ? { isPreferred: true } : {}),
        edit: { changes: { [schemaUri]: fix.edits.map(e => TextEdit.replace(e.range, e.newText)) } },
      });
    }
  }
  return actions;
}

/** The server declares full sync, so the last change holds the whole text. */
function applyFullChanges(text: string, changes: TextDocumentContentChangeEvent[]): string {
  for (const change of changes) if (!('range' in change)) text = change.text;
  return text;
}

/** Diagnostics of one document: none without a schema; one on line 1 for a schema that cannot be used. */
async function diagnose(
  doc: OpenDocument, settings: DataValidationSettings, folders: string[], readSchema: SchemaReader, signal: AbortSignal,
): Promise<CsvDiagnostic[]> {
  const file = fileURLToPath(doc.uri);
  const schemaFile = findSchema(file, settings, folders);
  if (!schemaFile) return [];
  const firstLine = doc.text.slice(0, 4096);
  let schema: Schema;
  try {
    schema = parseSchemaText(await readSchema(schemaFile), schemaFile);
  } catch (err) {
    return [schemaProblem(firstLine, `Cannot read the schema: ${err instanceof UserError && !err.file ? `${schemaFile}: ${err.message}` : describeError(err)}`)];
  }
  const delimiter = delimiterOf(doc);
  try {
    const r = await diagnoseCsvText(doc.text, schema, { environment: settings.environment || undefined, delimiter, signal });
    return r.diagnostics;
  } catch (err) {
    // A bad environment (not in the schema's default_environment) and the like.
    if (err instanceof UserError) return [schemaProblem(firstLine, `${path.basename(schemaFile)}: ${err.describe()}`)];
    throw err;
  }
}

/**
 * The schema of a CSV: the first mapping in settings whose glob matches its path relative to a
 * workspace folder, else a schema.pbtxt in its folder (if there is one).
 */
export function findSchema(file: string, settings: DataValidationSettings, folders: string[]): string | undefined {
  for (const folder of folders) {
    const rel = path.relative(folder, file);
    if (rel.startsWith('..') || path.isAbsolute(rel)) continue;
    const posix = rel.split(path.sep).join('/');
    for (const [glob, schema] of Object.entries(settings.schemas ?? {})) {
      if (picomatch(glob, { dot: true, basename: !glob.includes('/') })(posix)) return path.resolve(folder, schema);
    }
  }
  const beside = path.join(path.dirname(file), SCHEMA_FILE_NAME);
  return fs.existsSync(beside) ? beside : undefined;
}

function toDiagnostic(d: CsvDiagnostic): Diagnostic {
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: SOURCE, message: d.message, ...(d.data ? { data: d.data } : {}) };
}

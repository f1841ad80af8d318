// Inline diagnostics of open CSV/TSV documents against their schema (a schema.pbtxt beside the
// file, or one mapped in the setting mlw.dataValidation.schemas). Each document is validated in
// the background after a pause in typing; a new edit aborts the run of the previous version.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import picomatch from 'picomatch';
import {
  DiagnosticSeverity, type Connection, type Diagnostic, type TextDocumentContentChangeEvent,
} from 'vscode-languageserver/node';
import { CancelledError, UserError, describeError } from '../common/errors';
import { diagnoseCsvText, schemaProblem, type CsvDiagnostic } from '../datavalidation/csvDiagnostics';
import type { Schema } from '../datavalidation/schema';
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
  let settings: DataValidationSettings = {};

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
      const diagnostics = await diagnose(doc, settings, workspaceFolders(), run.signal);
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
    if (!isCsv(t.uri, t.languageId)) return;
    const doc: OpenDocument = { uri: t.uri, languageId: t.languageId, version: t.version, text: t.text };
    documents.set(t.uri, doc);
    schedule(doc, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument, contentChanges }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return;
    doc.version = textDocument.version;
    doc.text = applyFullChanges(doc.text, contentChanges);
    schedule(doc, DEBOUNCE_MS);
  });

  connection.onDidCloseTextDocument(({ textDocument }) => {
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

  return {
    filesChanged(uris) {
      const mapped = new Set(Object.values(settings.schemas ?? {}).map(p => path.basename(p)));
      const touchesSchema = uris.some(u => u.startsWith('file:') && (path.basename(fileURLToPath(u)) === SCHEMA_FILE_NAME || mapped.has(path.basename(fileURLToPath(u)))));
      if (touchesSchema) revalidateAll();
    },
  };
}

/** The server declares full sync, so the last change holds the whole text. */
function applyFullChanges(text: string, changes: TextDocumentContentChangeEvent[]): string {
  for (const change of changes) if (!('range' in change)) text = change.text;
  return text;
}

/** Diagnostics of one document: none without a schema; one on line 1 for a schema that cannot be used. */
async function diagnose(doc: OpenDocument, settings: DataValidationSettings, folders: string[], signal: AbortSignal): Promise<CsvDiagnostic[]> {
  const file = fileURLToPath(doc.uri);
  const schemaFile = findSchema(file, settings, folders);
  if (!schemaFile) return [];
  const firstLine = doc.text.slice(0, 4096);
  let schema: Schema;
  try {
    schema = parseSchemaText(await fs.promises.readFile(schemaFile, 'utf8'), schemaFile);
  } catch (err) {
    return [schemaProblem(firstLine, `Cannot read the schema: ${err instanceof UserError && !err.file ? `${schemaFile}: ${err.message}` : describeError(err)}`)];
  }
  const delimiter = /\.tsv$/i.test(file) || doc.languageId === 'tsv' ? '\t' : ',';
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
  return { range: d.range, severity: SEVERITY[d.severity], code: d.code, source: SOURCE, message: d.message };
}

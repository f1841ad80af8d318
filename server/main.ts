// The ML Workbench server: a language server over IPC (or stdio) whose custom requests expose
// each capability folder. Capability code knows nothing of LSP; lsp/ adapts it.
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createConnection, ProposedFeatures, TextDocumentSyncKind } from 'vscode-languageserver/node';
import { serverInfoRequest, type InitializationOptions } from '../shared/protocol';
import { registerDataValidation } from './lsp/datavalidation';
import { registerDataValidationRequests } from './lsp/datavalidationRequests';
import { registerMerkle } from './lsp/merkle';
import { registerMl } from './lsp/ml';
import { registerMusic } from './lsp/music';
import { registerMusicModel } from './lsp/musicModel';
import { registerOnnx } from './lsp/onnx';
import { registerOnnxViewer } from './lsp/onnxViewer';
import { registerSimulation } from './lsp/simulation';
import { registerTracking } from './lsp/tracking';
import { LiveTrees } from './merkle/liveTrees';

const connection = createConnection(ProposedFeatures.all);
let options: InitializationOptions | undefined;

const live = new LiveTrees();
let workspaceFolders: string[] = [];

function watchWorkspace(): void {
  const watcher = options?.fileWatcher;
  live.setWatched(watcher?.enabled ? workspaceFolders : [], watcher?.exclude);
}

connection.onInitialize(params => {
  options = params.initializationOptions as InitializationOptions | undefined;
  workspaceFolders = (params.workspaceFolders ?? []).filter(f => f.uri.startsWith('file:')).map(f => fileURLToPath(f.uri));
  watchWorkspace();
  return {
    capabilities: {
      workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      // Open CSV/TSV documents, for their inline diagnostics (lsp/datavalidation.ts).
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Full },
      // Quick fixes of those diagnostics: edits of the schema (lsp/datavalidation.ts).
      codeActionProvider: { codeActionKinds: ['quickfix'] },
    },
    serverInfo: { name: 'ML Workbench', version: require('../package.json').version },
  };
});

connection.onRequest(serverInfoRequest, () => ({
  version: require('../package.json').version,
  pid: process.pid,
  node: process.version,
  capabilities: ['merkle', 'dataValidation', 'tracking', 'onnx', 'music', 'simulation', 'ml'],
}));

connection.onInitialized(() => {
  connection.workspace.onDidChangeWorkspaceFolders(e => {
    const removed = new Set(e.removed.map(f => f.uri));
    workspaceFolders = [
      ...workspaceFolders.filter(f => !removed.has(pathToFileURL(f).href)),
      ...e.added.filter(f => f.uri.startsWith('file:')).map(f => fileURLToPath(f.uri)),
    ];
    watchWorkspace();
  });
});
connection.onDidChangeWatchedFiles(e => {
  for (const change of e.changes) if (change.uri.startsWith('file:')) live.changed(fileURLToPath(change.uri));
  dataValidation.filesChanged(e.changes.map(c => c.uri));
});

const dataValidation = registerDataValidation(connection, () => workspaceFolders);
registerDataValidationRequests(connection);
registerMerkle(connection, live, () => (options?.cacheDir ? path.join(options.cacheDir, 'merkle-index') : undefined));
registerOnnxViewer(connection);
registerMusic(connection);
registerMusicModel(connection, () => (options?.cacheDir ? path.join(options.cacheDir, 'artifact-downloads') : undefined));
registerOnnx(connection);
registerSimulation(connection);
registerMl(connection);
registerTracking(connection, () => (options?.cacheDir ? path.join(options.cacheDir, 'artifact-downloads') : undefined));

// A crash in one request must not take the server down silently: log it; the client restarts
// the server if the process dies anyway.
process.on('uncaughtException', err => connection.console.error(`uncaught: ${err.stack ?? err}`));
process.on('unhandledRejection', err => connection.console.error(`unhandled rejection: ${(err as Error)?.stack ?? err}`));

connection.listen();

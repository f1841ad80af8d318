// The ML Workbench server: a language server over IPC (or stdio) whose custom requests expose
// each capability folder. Capability code knows nothing of LSP; lsp/ adapts it.
import * as path from 'node:path';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { serverInfoRequest, type InitializationOptions } from '../shared/protocol';
import { registerMerkle } from './lsp/merkle';

const connection = createConnection(ProposedFeatures.all);
let options: InitializationOptions | undefined;

connection.onInitialize(params => {
  options = params.initializationOptions as InitializationOptions | undefined;
  return {
    capabilities: {},
    serverInfo: { name: 'ML Workbench', version: require('../package.json').version },
  };
});

connection.onRequest(serverInfoRequest, () => ({
  version: require('../package.json').version,
  pid: process.pid,
  node: process.version,
  capabilities: ['merkle'],
}));

registerMerkle(connection, () => (options?.cacheDir ? path.join(options.cacheDir, 'merkle-index') : undefined));

// A crash in one request must not take the server down silently: log it; the client restarts
// the server if the process dies anyway.
process.on('uncaughtException', err => connection.console.error(`uncaught: ${err.stack ?? err}`));
process.on('unhandledRejection', err => connection.console.error(`unhandled rejection: ${(err as Error)?.stack ?? err}`));

connection.listen();

// Starts the built server (dist/server.js) as VS Code does: a child process speaking LSP over
// Node IPC.
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, ExitNotification, InitializedNotification, InitializeRequest, IPCMessageReader, IPCMessageWriter,
  ShutdownRequest, type InitializeResult, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import type { InitializationOptions } from '../../shared/protocol';

const repo = path.resolve(__dirname, '..', '..', '..');

export interface TestServer {
  child: ChildProcess;
  conn: ProtocolConnection;
  init: InitializeResult;
  stop(): Promise<void>;
}

export async function startServer(options: InitializationOptions, workspaceFolders: string[] = []): Promise<TestServer> {
  const child = fork(path.join(repo, 'dist', 'server.js'), ['--node-ipc'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const conn = createProtocolConnection(new IPCMessageReader(child), new IPCMessageWriter(child));
  conn.listen();
  const init = await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { window: { workDoneProgress: true }, workspace: { workspaceFolders: true } },
    workspaceFolders: workspaceFolders.map(f => ({ uri: pathToFileURL(f).href, name: path.basename(f) })),
    initializationOptions: options,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return {
    child,
    conn,
    init,
    async stop() {
      try {
        await conn.sendRequest(ShutdownRequest.type);
        await conn.sendNotification(ExitNotification.type);
      } finally {
        conn.dispose();
        child.kill();
      }
    },
  };
}

// Starts the built server (dist/server.js) as VS Code does: a child process speaking LSP over
// Node IPC.
import { fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  createProtocolConnection, ExitNotification, InitializedNotification, InitializeRequest, IPCMessageReader, IPCMessageWriter,
  ShutdownRequest, type InitializeResult, type ProtocolConnection,
} from 'vscode-languageserver-protocol/node';
import { after, before } from 'node:test';
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

/**
 * The usual set-up of a test file: the server started before its tests (cache in `tmp`, no file
 * watcher), then stopped and `tmp` removed after them. `started` receives the running server.
 */
export function serverForTests(tmp: string, started: (server: TestServer) => void): void {
  let server: TestServer | undefined;
  before(async () => {
    server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } });
    started(server);
  });
  after(async () => {
    await server?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });
}

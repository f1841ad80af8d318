import { randomUUID } from 'node:crypto';
import * as vscode from 'vscode';
import {
  LanguageClient, LSPErrorCodes, ResponseError, State, TransportKind, WorkDoneProgress,
  type LanguageClientOptions, type ProtocolRequestType, type ServerOptions, type WorkDoneProgressParams,
} from 'vscode-languageclient/node';
import { serverInfoRequest, USER_ERROR_CODE, type InitializationOptions, type UserErrorData } from '../shared/protocol';

/** The language client, its status-bar item and the helpers commands use to call the server. */
export class ServerClient implements vscode.Disposable {
  readonly client: LanguageClient;
  private readonly status: vscode.StatusBarItem;

  constructor(context: vscode.ExtensionContext, readonly output: vscode.LogOutputChannel) {
    const module = context.asAbsolutePath('dist/server.js');
    const serverOptions: ServerOptions = {
      run: { module, transport: TransportKind.ipc },
      debug: { module, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
    };
    const watcherExclude = vscode.workspace.getConfiguration('files').get<Record<string, boolean>>('watcherExclude', {});
    const initializationOptions: InitializationOptions = {
      cacheDir: context.globalStorageUri.fsPath,
      fileWatcher: {
        enabled: vscode.workspace.getConfiguration('mlw.merkle').get<boolean>('useFileWatcher', true),
        exclude: Object.keys(watcherExclude).filter(glob => watcherExclude[glob]),
      },
    };
    const clientOptions: LanguageClientOptions = {
      outputChannel: output,
      initializationOptions,
      // CSV files, for inline diagnostics against their schema. VS Code has no built-in CSV
      // language, hence the pattern; `csv`/`tsv` for users of a CSV extension.
      // CSV/TSV for their diagnostics; schemas so that unsaved edits of one count at once.
      documentSelector: [
        { scheme: 'file', pattern: '**/*.{csv,tsv,pbtxt}' }, { scheme: 'file', language: 'csv' }, { scheme: 'file', language: 'tsv' },
      ],
      synchronize: {
        // Every change in the workspace, so the server can re-walk only what changed.
        fileEvents: vscode.workspace.createFileSystemWatcher('**/*'),
        // Schemas by glob and the environment, for the CSV diagnostics.
        configurationSection: 'mlw.dataValidation',
      },
      // The default error handler restarts a crashed server (up to 4 times in 3 minutes).
    };
    this.client = new LanguageClient('mlw', 'ML Workbench', serverOptions, clientOptions);

    this.status = vscode.window.createStatusBarItem('mlw.server', vscode.StatusBarAlignment.Left, 0);
    this.status.name = 'ML Workbench Server';
    this.status.command = 'mlw.showOutput';
    this.showState('starting');
    this.status.show();
    this.client.onDidChangeState(e => {
      if (e.newState === State.Running) void this.describeRunning();
      else this.showState(e.newState === State.Starting ? 'starting' : 'stopped');
    });
  }

  async start(): Promise<void> {
    try {
      await this.client.start();
    } catch (err) {
      this.output.error(`server failed to start: ${err}`);
      this.showState('stopped');
    }
  }

  async restart(): Promise<void> {
    this.showState('starting');
    await this.client.restart();
  }

  private async describeRunning(): Promise<void> {
    this.showState('running');
    try {
      const info = await this.client.sendRequest(serverInfoRequest);
      this.status.tooltip = `ML Workbench server ${info.version} running (pid ${info.pid}, Node ${info.node}). Click for its output.`;
      this.output.info(`server running: pid ${info.pid}, capabilities ${info.capabilities.join(', ')}`);
    } catch { /* the state change already shows what matters */ }
  }

  private showState(state: 'starting' | 'running' | 'stopped'): void {
    const icon = { starting: '$(sync~spin)', running: '$(beaker)', stopped: '$(error)' }[state];
    this.status.text = `${icon} ML Workbench`;
    this.status.tooltip = { starting: 'ML Workbench server starting…', running: 'ML Workbench server running', stopped: 'ML Workbench server stopped. Click for its output; run "ML Workbench: Restart Server" to start it again.' }[state];
    this.status.backgroundColor = state === 'stopped' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    void vscode.commands.executeCommand('setContext', 'mlw.serverState', state);
  }

  /**
   * Sends a long request with a cancellable progress notification fed by the server's
   * `$/progress`. Resolves undefined when the user cancels; bad input is shown as an error
   * message with a button to open the file it names.
   */
  async withProgress<P extends WorkDoneProgressParams, R>(
    title: string, type: ProtocolRequestType<P, R, never, void, void>, params: Omit<P, 'workDoneToken'>,
  ): Promise<R | undefined> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, cancel) => {
      const token = randomUUID();
      const sub = this.client.onProgress(WorkDoneProgress.type, token, value => {
        if (value.kind !== 'end' && value.message) progress.report({ message: value.message });
      });
      try {
        return await this.client.sendRequest(type, { ...params, workDoneToken: token } as P, cancel);
      } catch (err) {
        if (cancel.isCancellationRequested || (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled)) {
          this.output.info(`${title}: cancelled`);
          return undefined;
        }
        await this.showError(title, err);
        return undefined;
      } finally {
        sub.dispose();
      }
    });
  }

  async showError(title: string, err: unknown): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    this.output.error(`${title}: ${message}`);
    const file = err instanceof ResponseError && err.code === USER_ERROR_CODE ? (err.data as UserErrorData | undefined)?.file : undefined;
    const choice = await vscode.window.showErrorMessage(`${title}: ${message}`, ...(file ? ['Open File'] : []), 'Show Output');
    if (choice === 'Open File' && file) await vscode.window.showTextDocument(vscode.Uri.file(file));
    if (choice === 'Show Output') this.output.show();
  }

  dispose(): void {
    this.status.dispose();
    void this.client.stop();
  }
}

// The ONNX viewer: a read-only custom editor for *.onnx files. The server parses the model and
// lays out its graph (mlw/onnx/graph); the webview draws it. This host relays graph requests
// (the main graph, subgraphs), saves exports where the user chooses and runs the model.
import { randomUUID } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LSPErrorCodes, ResponseError, WorkDoneProgress } from 'vscode-languageclient/node';
import { onnxGraphRequest, onnxRunRequest, type OnnxJsonTensor, type OnnxRunParams } from '../shared/protocol';
import { trackingParams } from './runsView';
import type { OnnxViewerFromWebview, OnnxViewerToWebview } from '../shared/webviewProtocol';
import { writeFileAtomic } from '../server/common/atomicWrite';
import type { ServerClient } from './serverClient';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const ONNX_VIEWER_TYPE = 'mlw.onnxViewer';

class OnnxDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void { /* nothing held */ }
}

export class OnnxViewerProvider implements vscode.CustomReadonlyEditorProvider<OnnxDocument> {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  static register(context: vscode.ExtensionContext, server: ServerClient): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(ONNX_VIEWER_TYPE, new OnnxViewerProvider(context, server), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): OnnxDocument {
    return new OnnxDocument(uri);
  }

  resolveCustomEditor(document: OnnxDocument, panel: vscode.WebviewPanel): void {
    new OnnxViewerSession(this.context, this.server, document.uri, panel);
  }
}

/** One open viewer: its webview, the graph shown, the request in flight. */
class OnnxViewerSession {
  private ready = false;
  private readonly pending: OnnxViewerToWebview[] = [];
  private graphId = 'main';
  private inFlight: vscode.CancellationTokenSource | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly fileName: string;

  constructor(
    context: vscode.ExtensionContext,
    private readonly server: ServerClient,
    private readonly uri: vscode.Uri,
    private readonly panel: vscode.WebviewPanel,
  ) {
    this.fileName = path.basename(uri.path);
    const { enableScripts, localResourceRoots } = webviewOptions(context.extensionUri);
    panel.webview.options = { enableScripts, localResourceRoots };
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'onnxViewer', this.fileName);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: OnnxViewerFromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    if (uri.scheme === 'file') {
      // Re-read the model when it changes on disk (e.g. re-exported by a training script).
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(path.dirname(uri.fsPath)), path.basename(uri.fsPath)));
      let timer: NodeJS.Timeout | undefined;
      const changed = () => {
        clearTimeout(timer);
        timer = setTimeout(() => void this.load(this.graphId, true), 300);
      };
      this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), { dispose: () => clearTimeout(timer) });
    }
  }

  private post(message: OnnxViewerToWebview): void {
    if (this.ready) void this.panel.webview.postMessage(message);
    else this.pending.push(message);
  }

  private async onMessage(m: OnnxViewerFromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          for (const p of this.pending.splice(0)) void this.panel.webview.postMessage(p);
          this.post({ type: 'runAvailable', available: this.uri.scheme === 'file' });
          await this.load(this.graphId, false);
          break;
        case 'openGraph':
          await this.load(m.graphId, false);
          break;
        case 'reload':
          await this.load(this.graphId, true);
          break;
        case 'export':
          await this.export(m.format, m.data);
          break;
        case 'runModel':
          await this.runModel();
          break;
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`ONNX viewer: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  /** Asks the server for a graph, relaying its progress to the page. */
  private async load(graphId: string, keepView: boolean): Promise<void> {
    if (this.uri.scheme !== 'file') {
      this.post({ type: 'error', message: `${this.uri.toString()}: only models on disk can be opened (this one is on "${this.uri.scheme}:")` });
      return;
    }
    this.inFlight?.cancel();
    const cancel = (this.inFlight = new vscode.CancellationTokenSource());
    const token = randomUUID();
    this.post({ type: 'busy', message: 'Opening the model…' });
    const progress = this.server.client.onProgress(WorkDoneProgress.type, token, value => {
      if (value.kind !== 'end' && value.message) this.post({ type: 'busy', message: `${capitalise(value.message)}…` });
    });
    try {
      const data = await this.server.client.sendRequest(onnxGraphRequest, { file: this.uri.fsPath, graphId, workDoneToken: token }, cancel.token);
      if (cancel.token.isCancellationRequested) return;
      this.graphId = graphId;
      this.post({ type: 'graph', fileName: this.fileName, data, keepView });
    } catch (err) {
      if (cancel.token.isCancellationRequested || (err instanceof ResponseError && err.code === LSPErrorCodes.RequestCancelled)) return;
      const message = err instanceof Error ? err.message : String(err);
      this.server.output.error(`ONNX viewer: ${message}`);
      this.post({ type: 'error', message });
    } finally {
      progress.dispose();
      if (this.inFlight === cancel) this.inFlight = undefined;
      cancel.dispose();
    }
  }

  private async export(format: 'svg' | 'png', data: string): Promise<void> {
    const base = this.fileName.replace(/\.onnx$/i, '');
    const suffix = this.graphId === 'main' ? '' : `.${this.graphId.replace(/^main\//, '').replace(/[^\w.-]+/g, '_')}`;
    const folder = this.uri.scheme === 'file' ? path.dirname(this.uri.fsPath) : undefined;
    const target = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.file(path.join(folder, `${base}${suffix}.${format}`)) : undefined,
      filters: format === 'svg' ? { 'SVG image': ['svg'] } : { 'PNG image': ['png'] },
      title: `Export graph as ${format.toUpperCase()}`,
    });
    if (!target) {
      this.post({ type: 'exported' });
      return;
    }
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64');
    if (target.scheme === 'file') writeFileAtomic(target.fsPath, bytes);
    else await vscode.workspace.fs.writeFile(target, bytes);
    this.post({ type: 'exported', path: target.fsPath });
    void vscode.window.showInformationMessage(`Graph exported to ${vscode.workspace.asRelativePath(target)}`);
  }

  /** "Run Model…": random inputs or a JSON file of them; the result goes to the page's panel. */
  private async runModel(): Promise<void> {
    const random = { label: 'Random inputs', description: 'seeded: floats in [0, 1), integers 0 or 1, symbolic dimensions 1' };
    const fromJson = { label: 'Inputs from a JSON file…', description: '{ "input name": nested array or { "dims": [...], "data": [...] } }' };
    const choice = await vscode.window.showQuickPick([random, fromJson], { title: `Run ${this.fileName}`, placeHolder: 'Which inputs?' });
    if (!choice) return;
    const params: OnnxRunParams = { file: this.uri.fsPath, threads: vscode.workspace.getConfiguration('mlw.onnx').get<number>('threads', 0) };
    if (choice === fromJson) {
      const picked = await vscode.window.showOpenDialog({
        title: `Inputs for ${this.fileName}`, canSelectMany: false, filters: { JSON: ['json'] },
        defaultUri: vscode.Uri.file(path.dirname(this.uri.fsPath)),
      });
      if (!picked?.[0]) return;
      const text = new TextDecoder().decode(await vscode.workspace.fs.readFile(picked[0]));
      try {
        params.inputs = JSON.parse(text) as Record<string, OnnxJsonTensor>;
      } catch (err) {
        this.post({ type: 'runError', message: `${picked[0].fsPath}: not valid JSON: ${err instanceof Error ? err.message : String(err)}` });
        return;
      }
    }
    const token = randomUUID();
    this.post({ type: 'runStarted', message: `Running ${this.fileName}…` });
    const progress = this.server.client.onProgress(WorkDoneProgress.type, token, value => {
      if (value.kind !== 'end' && value.message) this.post({ type: 'runStarted', message: `${capitalise(value.message)}…` });
    });
    const cancel = new vscode.CancellationTokenSource();
    this.disposables.push({ dispose: () => cancel.cancel() });
    try {
      const run = await this.server.client.sendRequest(onnxRunRequest, { ...params, tracking: trackingParams(), workDoneToken: token }, cancel.token);
      this.post({ type: 'runResult', run });
    } catch (err) {
      if (cancel.token.isCancellationRequested) return;
      const message = err instanceof Error ? err.message : String(err);
      this.server.output.error(`Run ${this.fileName}: ${message}`);
      this.post({ type: 'runError', message });
    } finally {
      progress.dispose();
    }
  }

  private dispose(): void {
    this.inFlight?.cancel();
    // Cancels a run in flight too.
    for (const d of this.disposables) d.dispose();
  }

}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

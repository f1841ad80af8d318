// The piano roll: a read-only custom editor for *.mid / *.midi. The server parses the file
// (mlw/music/pianoRoll); the webview draws the notes and plays them. A file that cannot be read
// shows its error in the panel. The roll follows the file: rewritten on disk (e.g. by a
// generation run), it is read again.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { musicPianoRollRequest } from '../shared/protocol';
import type { PianoRollFromWebview, PianoRollToWebview } from '../shared/webviewProtocol';
import type { ServerClient } from './serverClient';
import { webviewHtml, webviewOptions } from './webviewHtml';

export const PIANO_ROLL_VIEW_TYPE = 'mlw.pianoRoll';

class MidiDocument implements vscode.CustomDocument {
  constructor(readonly uri: vscode.Uri) {}
  dispose(): void { /* nothing held */ }
}

export class PianoRollProvider implements vscode.CustomReadonlyEditorProvider<MidiDocument> {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  static register(context: vscode.ExtensionContext, server: ServerClient): vscode.Disposable {
    return vscode.window.registerCustomEditorProvider(PIANO_ROLL_VIEW_TYPE, new PianoRollProvider(context, server), {
      webviewOptions: { retainContextWhenHidden: true },
      supportsMultipleEditorsPerDocument: true,
    });
  }

  openCustomDocument(uri: vscode.Uri): MidiDocument {
    return new MidiDocument(uri);
  }

  resolveCustomEditor(document: MidiDocument, panel: vscode.WebviewPanel): void {
    new PianoRollSession(this.context, this.server, document.uri, panel);
  }
}

/** One open piano roll: its webview, and the file watcher that reloads it. */
class PianoRollSession {
  private ready = false;
  private last: PianoRollToWebview | undefined;
  private loading = 0;
  private readonly disposables: vscode.Disposable[] = [];
  private readonly fileName: string;

  constructor(context: vscode.ExtensionContext, private readonly server: ServerClient, private readonly uri: vscode.Uri, private readonly panel: vscode.WebviewPanel) {
    this.fileName = path.basename(uri.path);
    const { enableScripts, localResourceRoots } = webviewOptions(context.extensionUri);
    panel.webview.options = { enableScripts, localResourceRoots };
    panel.webview.html = webviewHtml(panel.webview, context.extensionUri, 'pianoRoll', this.fileName);
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: PianoRollFromWebview) => void this.onMessage(m)),
      panel.onDidDispose(() => this.dispose()),
    );
    const folder = vscode.Uri.joinPath(uri, '..');
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, this.fileName));
    let timer: NodeJS.Timeout | undefined;
    const changed = () => {
      clearTimeout(timer);
      timer = setTimeout(() => void this.load(), 300);
    };
    this.disposables.push(watcher, watcher.onDidChange(changed), watcher.onDidCreate(changed), { dispose: () => clearTimeout(timer) });
    void this.load();
  }

  private post(message: PianoRollToWebview): void {
    // Only the latest state matters: a page that (re)loads gets it when it says it is ready.
    this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: PianoRollFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) void this.panel.webview.postMessage(this.last);
        break;
      case 'reload':
        await this.load();
        break;
      case 'audioError':
        this.server.output.warn(`Piano roll: ${m.message}`);
        void vscode.window.showWarningMessage(`Piano roll: cannot play ${this.fileName}: ${m.message}`);
        break;
    }
  }

  private async load(): Promise<void> {
    const attempt = ++this.loading;
    const file = this.uri.scheme === 'file' ? this.uri.fsPath : this.uri.toString();
    this.post({ type: 'busy', message: `Reading ${this.fileName}…` });
    try {
      // Files not on the local disk (remote or virtual file systems) travel as bytes.
      const data = this.uri.scheme === 'file' ? undefined : Buffer.from(await vscode.workspace.fs.readFile(this.uri)).toString('base64');
      const result = await this.server.client.sendRequest(musicPianoRollRequest, { file, data });
      if (attempt === this.loading) this.post({ type: 'show', data: { ...result, name: this.fileName } });
    } catch (err) {
      if (attempt !== this.loading) return;
      let message = err instanceof Error ? err.message : String(err);
      // The server names the file first ("/path/song.mid: truncated …"); the panel shows it apart.
      if (message.startsWith(`${file}: `)) message = message.slice(file.length + 2);
      this.server.output.error(`Piano roll: ${file}: ${message}`);
      this.post({ type: 'error', file: this.fileName, message });
    }
  }

  private dispose(): void {
    this.loading++;
    for (const d of this.disposables) d.dispose();
  }
}

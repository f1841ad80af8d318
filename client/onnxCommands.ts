// ONNX commands: "Export Model to ONNX…" turns a TensorFlow.js layers model (a folder with
// model.json) into an .onnx file and reports the parity check against TensorFlow.js.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { onnxExportRequest, type OnnxExportResult } from '../shared/protocol';
import type { ServerClient } from './serverClient';

const MODEL_JSON = 'model.json';

interface ModelItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
  browse?: boolean;
}

const rel = (p: string | vscode.Uri) => vscode.workspace.asRelativePath(p, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The `mlw.onnx.threads` setting (ONNX Runtime's intraOpNumThreads; 0 = its default). */
export function onnxThreads(): number {
  const n = vscode.workspace.getConfiguration('mlw.onnx').get<number>('threads', 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}

export class OnnxCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    this.context.subscriptions.push(vscode.commands.registerCommand('mlw.onnx.exportModel', (uri?: vscode.Uri) => this.exportModel(uri)));
  }

  /** model.json: the one clicked (or the one in the folder clicked), else picked from the workspace or browsed to. */
  private async pickModel(uri: unknown): Promise<vscode.Uri | undefined> {
    if (uri instanceof vscode.Uri && uri.scheme === 'file') {
      if (path.basename(uri.fsPath) === MODEL_JSON) return uri;
      const inside = vscode.Uri.joinPath(uri, MODEL_JSON);
      if (await exists(inside)) return inside;
      void vscode.window.showErrorMessage(`Export Model to ONNX: ${rel(uri)} holds no ${MODEL_JSON}.`);
      return undefined;
    }
    const found = await vscode.workspace.findFiles(`**/${MODEL_JSON}`, '**/node_modules/**', 200);
    found.sort((a, b) => a.fsPath.localeCompare(b.fsPath));
    const items: ModelItem[] = [
      ...found.map(u => ({ label: path.basename(path.dirname(u.fsPath)), description: rel(path.dirname(u.fsPath)), uri: u, iconPath: new vscode.ThemeIcon('symbol-class') })),
      { label: 'Browse…', description: 'a folder holding model.json', browse: true, iconPath: new vscode.ThemeIcon('folder-opened'), alwaysShow: true },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Export Model to ONNX', placeHolder: 'Pick a TensorFlow.js layers model (a folder with model.json + weights)', matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const folders = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: false, canSelectMany: false, title: 'Folder holding model.json', openLabel: 'Export' });
    return folders?.[0] && this.pickModel(folders[0]);
  }

  /** model.onnx beside model.json; when it exists, replace it or choose another file. */
  private async pickOutput(modelJson: vscode.Uri): Promise<vscode.Uri | undefined> {
    const target = vscode.Uri.file(path.join(path.dirname(modelJson.fsPath), 'model.onnx'));
    if (!(await exists(target))) return target;
    const choice = await vscode.window.showWarningMessage(`${rel(target)} exists already. Replace it?`, { modal: true }, 'Replace', 'Save As…');
    if (choice === 'Replace') return target;
    if (choice !== 'Save As…') return undefined;
    return vscode.window.showSaveDialog({ defaultUri: target, filters: { 'ONNX models': ['onnx'] }, title: 'Export Model to ONNX' });
  }

  async exportModel(uri?: vscode.Uri): Promise<void> {
    const modelJson = await this.pickModel(uri);
    if (!modelJson) return;
    const output = await this.pickOutput(modelJson);
    if (!output) return;
    const name = path.basename(path.dirname(modelJson.fsPath));
    const r = await this.server.withProgress(`Exporting ${name} to ONNX`, onnxExportRequest, { model: modelJson.fsPath, output: output.fsPath, threads: onnxThreads() });
    if (r) await this.report(r);
  }

  private async report(r: OnnxExportResult): Promise<void> {
    const log = this.server.output;
    log.info(`exported ${r.source} to ${r.file} (${r.bytes} bytes, opset ${r.opset})`);
    for (const l of r.layers) log.info(`  ${l.name} (${l.className}) → ${l.ops.join(', ') || 'identity'}`);
    const file = vscode.Uri.file(r.file);
    const head = `Exported ${rel(file)} (opset ${r.opset}, ${r.layers.length} layers).`;
    const buttons = ['Open', 'Reveal in Explorer', 'Show Details'];
    let choice: string | undefined;
    if ('maxAbsDiff' in r.parity) {
      const p = r.parity;
      const diff = `max abs difference ${p.maxAbsDiff.toExponential(1)} on ${p.compared.toLocaleString()} values (tolerance ${p.tolerance})`;
      log.info(`  parity with TensorFlow.js: ${diff}; input [${p.inputShape.join(', ')}]`);
      choice = p.ok
        ? await vscode.window.showInformationMessage(`${head} Same outputs as TensorFlow.js: ${diff}.`, ...buttons)
        : await vscode.window.showWarningMessage(`${head} Its outputs differ from TensorFlow.js: ${diff}.`, ...buttons);
    } else if ('error' in r.parity) {
      log.warn(`  parity not checked: ${r.parity.error}`);
      choice = await vscode.window.showWarningMessage(`${head} Parity with TensorFlow.js was not checked: ${r.parity.error}`, ...buttons);
    } else {
      choice = await vscode.window.showInformationMessage(head, ...buttons);
    }
    if (choice === 'Open') await vscode.commands.executeCommand('vscode.open', file);
    if (choice === 'Reveal in Explorer') await vscode.commands.executeCommand('revealInExplorer', file);
    if (choice === 'Show Details') log.show();
  }
}

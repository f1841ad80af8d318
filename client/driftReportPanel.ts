import * as path from 'node:path';
import * as vscode from 'vscode';
import type { DriftReportFromWebview, DriftReportToWebview, DriftReportView } from '../shared/webviewProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

/** Where the report's data came from, for its actions. */
export interface DriftReportSources {
  /** The CSV of the current dataset (statistics mode: the only one; skew: serving). */
  current: string;
  /** The CSV of the baseline: previous span (drift) or training data (skew). */
  baseline?: string;
  schema?: string;
}

/** What "Export JSON" writes, besides the view. */
export interface DriftReportExport {
  [key: string]: unknown;
}

/**
 * The drift report webview: statistics of one dataset, or two compared (drift: previous →
 * current; skew: training vs serving), with anomalies. Opens the schema, exports JSON and
 * reveals a feature's column in its CSV.
 */
export class DriftReportPanel {
  private static readonly viewType = 'mlw.driftReport';
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  /** Sent again whenever the webview (re)loads and says it is ready. */
  private last: DriftReportToWebview | undefined;
  private view: DriftReportView | undefined;
  private exportData: DriftReportExport | undefined;

  constructor(extensionUri: vscode.Uri, title: string, private readonly sources: DriftReportSources) {
    this.panel = vscode.window.createWebviewPanel(DriftReportPanel.viewType, title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'driftReport', title);
    this.panel.webview.onDidReceiveMessage((m: DriftReportFromWebview) => void this.onMessage(m));
  }

  /** Title of a report: "Drift Report: a → b", "Skew Report: a vs b", "Statistics: a". */
  static title(mode: DriftReportView['mode'], current: string, baseline?: string): string {
    const c = path.basename(current);
    if (mode === 'drift' && baseline) return `Drift Report: ${path.basename(baseline)} → ${c}`;
    if (mode === 'skew' && baseline) return `Skew Report: ${path.basename(baseline)} vs ${c}`;
    return `Statistics: ${c}`;
  }

  show(view: DriftReportView, exportData?: DriftReportExport): void {
    this.view = view;
    this.exportData = exportData;
    this.post({ type: 'show', view });
  }

  busy(message: string): void {
    this.post({ type: 'busy', message });
  }

  error(message: string): void {
    this.post({ type: 'error', message });
  }

  get disposed(): Promise<void> {
    return new Promise(resolve => this.panel.onDidDispose(() => resolve()));
  }

  private post(message: DriftReportToWebview): void {
    this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: DriftReportFromWebview): Promise<void> {
    try {
      switch (m.type) {
        case 'ready':
          this.ready = true;
          if (this.last) void this.panel.webview.postMessage(this.last);
          break;
        case 'openSchema':
          if (this.sources.schema) await vscode.window.showTextDocument(vscode.Uri.file(this.sources.schema), { viewColumn: vscode.ViewColumn.Beside });
          else void vscode.window.showInformationMessage('This report was made without a schema.');
          break;
        case 'exportJson':
          await this.exportJson();
          break;
        case 'reveal':
          await this.reveal(m.feature);
          break;
      }
    } catch (err) {
      void vscode.window.showErrorMessage(`Drift report: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async exportJson(): Promise<void> {
    if (!this.view) return;
    const base = path.basename(this.sources.current).replace(/\.[^.]+$/, '');
    const suffix = this.view.mode === 'statistics' ? 'statistics' : this.view.mode;
    const target = await vscode.window.showSaveDialog({
      defaultUri: vscode.Uri.file(path.join(path.dirname(this.sources.current), `${base}.${suffix}.json`)),
      filters: { JSON: ['json'] },
      title: 'Export report as JSON',
    });
    if (!target) return;
    const data = {
      mode: this.view.mode,
      current: { file: this.sources.current, label: this.view.current.label, statistics: this.view.current.statistics },
      ...(this.view.baseline ? { baseline: { file: this.sources.baseline, label: this.view.baseline.label, statistics: this.view.baseline.statistics } } : {}),
      schema: this.sources.schema,
      comparisons: this.view.comparisons,
      anomalies: this.view.anomalies,
      ...(this.view.datasetAnomaly ? { datasetAnomaly: this.view.datasetAnomaly } : {}),
      ...this.exportData,
    };
    await vscode.workspace.fs.writeFile(target, new TextEncoder().encode(JSON.stringify(data, null, 2) + '\n'));
    void vscode.window.showInformationMessage(`Report exported to ${vscode.workspace.asRelativePath(target)}`);
  }

  /** Opens the CSV holding the feature (the current one first) with the cursor on its header cell. */
  private async reveal(feature: string): Promise<void> {
    const files = [this.sources.current, this.sources.baseline].filter((f): f is string => Boolean(f));
    for (const file of files) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const cell = findHeaderCell(doc, feature, /\.tsv$/i.test(file) ? '\t' : ',');
      if (!cell) continue;
      const editor = await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, preview: true });
      editor.selection = new vscode.Selection(cell.start, cell.end);
      editor.revealRange(cell, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
      return;
    }
    void vscode.window.showInformationMessage(`No column named "${feature}" in the header of ${files.map(f => path.basename(f)).join(' or ')}.`);
  }
}

/** The range of the header cell naming `feature` (its text, inside any quotes), if any. */
export function findHeaderCell(doc: vscode.TextDocument, feature: string, delimiter: string): vscode.Range | undefined {
  const text = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 200), 0));
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (i <= text.length) {
    // One field from i.
    let value = '';
    let start = i;
    let end: number;
    if (text[i] === '"') {
      start = i + 1;
      let j = i + 1;
      for (;;) {
        if (j >= text.length) break;
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            value += '"';
            j += 2;
            continue;
          }
          break;
        }
        value += text[j++];
      }
      end = j;
      i = j + 1;
      while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
    } else {
      let j = i;
      while (j < text.length && text[j] !== delimiter && text[j] !== '\n' && text[j] !== '\r') j++;
      value = text.slice(i, j);
      end = j;
      i = j;
    }
    if (value === feature) return new vscode.Range(doc.positionAt(start), doc.positionAt(end));
    if (i >= text.length || text[i] !== delimiter) return undefined;
    i++;
  }
  return undefined;
}

// The run webview: one run's metric charts, parameters and tags, or several runs compared. One
// panel per set of runs; opening the same set again brings its panel forward.
import * as vscode from 'vscode';
import { trackingCompareRequest, type TrackingParams } from '../shared/protocol';
import type { RunsFromWebview, RunsToWebview, RunsView } from '../shared/webviewProtocol';
import type { ServerClient } from './serverClient';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface RunRef {
  runId: string;
  runName: string;
}

export class RunPanel {
  private static readonly viewType = 'mlw.runs';
  private static readonly open = new Map<string, RunPanel>();
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  private last: RunsToWebview | undefined;
  /** Whether a shown run was still running: such panels follow the store's changes. */
  private live = true;

  /** Opens (or brings forward) the panel of these runs, scrolled to `focus` when given. */
  static show(extensionUri: vscode.Uri, server: ServerClient, where: () => TrackingParams | undefined, store: string, runs: RunRef[], focus?: string): RunPanel {
    const key = runs.map(r => r.runId).join(',');
    const existing = RunPanel.open.get(key);
    if (existing) {
      existing.panel.reveal();
      void existing.load(focus);
      return existing;
    }
    const panel = new RunPanel(extensionUri, server, where, store, runs);
    RunPanel.open.set(key, panel);
    panel.panel.onDidDispose(() => RunPanel.open.delete(key));
    void panel.load(focus);
    return panel;
  }

  /** Reads the runs again in every panel still showing a running run (the store changed). */
  static refreshLive(): void {
    for (const p of RunPanel.open.values()) if (p.live) void p.load();
  }

  static title(runs: RunRef[]): string {
    const name = (r: RunRef) => r.runName || r.runId.slice(0, 8);
    if (runs.length === 1) return `Run: ${name(runs[0])}`;
    if (runs.length === 2) return `Compare: ${name(runs[0])} ↔ ${name(runs[1])}`;
    return `Compare: ${runs.length} runs`;
  }

  private constructor(
    extensionUri: vscode.Uri, private readonly server: ServerClient, private readonly where: () => TrackingParams | undefined,
    private readonly store: string, private readonly runs: RunRef[],
  ) {
    const title = RunPanel.title(runs);
    this.panel = vscode.window.createWebviewPanel(RunPanel.viewType, title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'mlw-activity.svg');
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'runs', title);
    this.panel.webview.onDidReceiveMessage((m: RunsFromWebview) => void this.onMessage(m));
  }

  private async load(focus?: string): Promise<void> {
    const where = this.where();
    if (!where) {
      this.post({ type: 'error', message: 'Open a folder, or set mlw.tracking.uri, to read runs.' });
      return;
    }
    if (!this.last) this.post({ type: 'busy', message: 'Loading runs…' });
    try {
      const comparison = await this.server.client.sendRequest(trackingCompareRequest, { ...where, runIds: this.runs.map(r => r.runId) });
      this.live = comparison.runs.some(r => r.info.status === 'RUNNING');
      const view: RunsView = { comparison, store: this.store, focus };
      this.post({ type: 'show', view });
    } catch (err) {
      this.post({ type: 'error', message: err instanceof Error ? err.message : String(err) });
    }
  }

  private post(message: RunsToWebview): void {
    this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: RunsFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) void this.panel.webview.postMessage(this.last);
        break;
      case 'refresh':
        await this.load();
        break;
      case 'copy':
        await vscode.env.clipboard.writeText(m.text);
        vscode.window.setStatusBarMessage(`Copied ${m.text}`, 3000);
        break;
    }
  }
}

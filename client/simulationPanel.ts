// The simulation webview's host: shows an election's space-time diagram or a sync's trees, and
// runs the scenario again with another seed when the view asks.
import * as vscode from 'vscode';
import type { SimulationFromWebview, SimulationToWebview, SimulationView } from '../shared/webviewProtocol';
import { webviewHtml, webviewOptions } from './webviewHtml';

export class SimulationPanel {
  private static readonly viewType = 'mlw.simulation';
  private readonly panel: vscode.WebviewPanel;
  private ready = false;
  /** Sent again whenever the webview (re)loads and says it is ready. */
  private last: SimulationToWebview | undefined;

  constructor(extensionUri: vscode.Uri, title: string, private readonly rerun: (seed: number) => Promise<SimulationView | undefined>) {
    this.panel = vscode.window.createWebviewPanel(SimulationPanel.viewType, title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'simulation', title);
    this.panel.webview.onDidReceiveMessage((m: SimulationFromWebview) => this.onMessage(m));
  }

  show(view: SimulationView): void {
    this.panel.title = view.title;
    this.post({ type: 'show', view });
  }

  private post(message: SimulationToWebview): void {
    if (message.type === 'show') this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: SimulationFromWebview): Promise<void> {
    if (m.type === 'ready') {
      this.ready = true;
      if (this.last) void this.panel.webview.postMessage(this.last);
    } else if (m.type === 'rerun') {
      this.post({ type: 'busy', message: `Running again with seed ${m.seed}…` });
      const view = await this.rerun(m.seed);
      if (view) this.show(view);
      else if (this.last) void this.panel.webview.postMessage(this.last);
    }
  }
}

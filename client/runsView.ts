// The "Runs" view of the ML Workbench activity bar container: experiments → runs → parameters,
// metrics, tags and artifacts of the tracking store `mlw.tracking.uri` names (default: mlruns/
// in the first workspace folder). Opens run charts, compares runs and opens artifacts. A local
// store is watched, so runs being logged show up (and their open charts update) as they go.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  trackingArtifactFileRequest, trackingArtifactsRequest, trackingExperimentsRequest, trackingRunRequest, trackingRunsRequest,
  type TrackingArtifact, type TrackingExperiment, type TrackingMetric, type TrackingParams, type TrackingRun,
} from '../shared/protocol';
import { RunPanel, type RunRef } from './runPanel';
import type { ServerClient } from './serverClient';

type Group = 'params' | 'metrics' | 'tags' | 'artifacts';

type Node =
  | { kind: 'experiment'; experiment: TrackingExperiment; runs: TrackingRun[] }
  | { kind: 'run'; run: TrackingRun }
  | { kind: 'group'; run: TrackingRun; group: Group }
  | { kind: 'param'; run: TrackingRun; key: string; value: string }
  | { kind: 'metric'; run: TrackingRun; metric: TrackingMetric }
  | { kind: 'tag'; run: TrackingRun; key: string; value: string }
  | { kind: 'artifact'; run: TrackingRun; entry: TrackingArtifact };

/** The tracking store the settings name, for requests; undefined without a folder to resolve it from. */
export function trackingParams(): TrackingParams | undefined {
  const trackingUri = vscode.workspace.getConfiguration('mlw.tracking').get<string>('uri', '').trim();
  const baseFolder = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file')?.uri.fsPath;
  const absolute = trackingUri && (/^[a-z][a-z0-9+.-]+:/i.test(trackingUri) || path.isAbsolute(trackingUri));
  if (!baseFolder && !absolute) return undefined;
  return { trackingUri, ...(baseFolder ? { baseFolder } : {}) };
}

/** Opens a run's webview (after a training, say) in the store the settings name. */
export async function showRun(server: ServerClient, runId: string): Promise<void> {
  const where = trackingParams();
  try {
    const run = where && await server.client.sendRequest(trackingRunRequest, { ...where, runId });
    if (run) await vscode.commands.executeCommand('mlw.tracking.openRun', { kind: 'run', run });
  } catch (err) {
    await server.showError('Show Run', err);
  }
}

function formatValue(v: TrackingMetric['value']): string {
  if (typeof v === 'string') return v === 'Infinity' ? '∞' : v === '-Infinity' ? '−∞' : v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a >= 1e9 || a < 1e-4) ? v.toExponential(3) : String(Number(v.toPrecision(6)));
}

function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
}

const formatDate = (ms: number) => new Date(ms).toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let v = n / 1000;
  let i = 0;
  while (v >= 1000 && i < units.length - 1) { v /= 1000; i++; }
  return `${v < 10 ? v.toFixed(1) : v.toFixed(0)} ${units[i]}`;
}

const STATUS_ICONS: Record<string, [string, string | undefined]> = {
  FINISHED: ['pass', 'testing.iconPassed'],
  FAILED: ['error', 'testing.iconFailed'],
  RUNNING: ['sync~spin', 'charts.blue'],
  KILLED: ['circle-slash', 'disabledForeground'],
  SCHEDULED: ['clock', undefined],
};

const runRef = (r: TrackingRun): RunRef => ({ runId: r.info.runId, runName: r.info.runName });

export class RunsView implements vscode.TreeDataProvider<Node>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<Node | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private readonly tree: vscode.TreeView<Node>;
  private readonly disposables: vscode.Disposable[] = [];
  private watcher: vscode.FileSystemWatcher | undefined;
  private watchedRoot: string | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;
  /** Experiments and their runs of the last read, for pickers. */
  private experiments: { experiment: TrackingExperiment; runs: TrackingRun[] }[] = [];
  /** The store of the last read, as shown: a folder or a server URL. */
  private storeLabel = 'mlruns';

  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {
    this.tree = vscode.window.createTreeView('mlw.runs', { treeDataProvider: this, canSelectMany: true, showCollapseAll: true });
    this.disposables.push(this.tree, this.changed);
  }

  register(): void {
    const reg = (id: string, fn: (...args: any[]) => unknown) => this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('mlw.tracking.refresh', () => this.refresh());
    reg('mlw.tracking.openRun', (node?: Node, focus?: string) => this.openRun(node, focus));
    reg('mlw.tracking.compareRuns', (node?: Node, selected?: Node[]) => this.compareRuns(node, selected));
    reg('mlw.tracking.openArtifact', (node?: Node) => this.openArtifact(node));
    reg('mlw.tracking.copyRunId', (node?: Node) => node && 'run' in node && vscode.env.clipboard.writeText(node.run.info.runId));
    this.context.subscriptions.push(
      this,
      vscode.workspace.onDidChangeConfiguration(e => {
        if (e.affectsConfiguration('mlw.tracking.uri')) this.refresh();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.refresh()),
    );
  }

  refresh(): void {
    this.changed.fire(undefined);
    RunPanel.refreshLive();
  }

  /**
   * Refreshes at most every 2 s while files change: a training loop appends a metric line per
   * step, and the view should follow it without redrawing on every line.
   */
  private refreshSoon(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, 2000);
  }

  private where = (): TrackingParams | undefined => trackingParams();

  // ---- tree ---------------------------------------------------------------------------------

  async getChildren(node?: Node): Promise<Node[]> {
    if (!node) return this.roots();
    switch (node.kind) {
      case 'experiment':
        return node.runs.map(run => ({ kind: 'run', run }));
      case 'run': {
        const groups: Group[] = ['params', 'metrics', 'tags', 'artifacts'];
        return groups.map(group => ({ kind: 'group', run: node.run, group }));
      }
      case 'group':
        return this.groupChildren(node.run, node.group);
      case 'artifact':
        return node.entry.isDir ? this.artifacts(node.run, node.entry.path) : [];
      default:
        return [];
    }
  }

  private async roots(): Promise<Node[]> {
    const where = this.where();
    if (!where) {
      this.tree.message = 'Open a folder to see the runs logged in its mlruns/ folder, or set mlw.tracking.uri.';
      this.experiments = [];
      return [];
    }
    try {
      const store = await this.server.client.sendRequest(trackingExperimentsRequest, where);
      this.storeLabel = store.uri;
      this.tree.description = store.kind === 'file' ? vscode.workspace.asRelativePath(store.uri) : store.uri;
      this.watch(store.kind === 'file' ? store.uri : undefined);
      const runs = store.experiments.length ? await this.server.client.sendRequest(trackingRunsRequest, { ...where, experimentIds: store.experiments.map(e => e.experimentId) }) : [];
      this.experiments = store.experiments.map(experiment => ({ experiment, runs: runs.filter(r => r.info.experimentId === experiment.experimentId) }));
      if (runs.length === 0) {
        this.tree.message = store.exists || store.kind === 'rest'
          ? `No runs in ${this.tree.description} yet.`
          : `No runs yet: training, evaluation and inference jobs log them to ${this.tree.description}.`;
      } else this.tree.message = undefined;
      // Experiments without runs (an empty Default) only add noise.
      return this.experiments.filter(e => e.runs.length > 0).map(e => ({ kind: 'experiment', ...e }));
    } catch (err) {
      this.experiments = [];
      this.tree.message = `Cannot read runs: ${err instanceof Error ? err.message : String(err)}`;
      return [];
    }
  }

  private groupChildren(run: TrackingRun, group: Group): Node[] | Promise<Node[]> {
    const byKey = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    switch (group) {
      case 'params':
        return Object.keys(run.params).sort(byKey).map(key => ({ kind: 'param', run, key, value: run.params[key] }));
      case 'metrics':
        return Object.keys(run.metrics).sort(byKey).map(key => ({ kind: 'metric', run, metric: run.metrics[key] }));
      case 'tags':
        return Object.keys(run.tags).sort((a, b) => Number(a.startsWith('mlflow.')) - Number(b.startsWith('mlflow.')) || byKey(a, b))
          .map(key => ({ kind: 'tag', run, key, value: run.tags[key] }));
      case 'artifacts':
        return this.artifacts(run);
    }
  }

  private async artifacts(run: TrackingRun, dir?: string): Promise<Node[]> {
    const where = this.where();
    if (!where) return [];
    try {
      const entries = await this.server.client.sendRequest(trackingArtifactsRequest, { ...where, runId: run.info.runId, ...(dir ? { path: dir } : {}) });
      // Folders first, as the Explorer lists them.
      return entries.sort((a, b) => Number(b.isDir) - Number(a.isDir)).map(entry => ({ kind: 'artifact', run, entry }));
    } catch (err) {
      void this.server.showError('Artifacts', err);
      return [];
    }
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'experiment': {
        const item = new vscode.TreeItem(node.experiment.name, vscode.TreeItemCollapsibleState.Expanded);
        item.id = `exp:${node.experiment.experimentId}`;
        item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}`;
        item.iconPath = new vscode.ThemeIcon('beaker');
        item.contextValue = 'mlw.experiment';
        item.tooltip = new vscode.MarkdownString(`**${node.experiment.name}**\n\nExperiment ${node.experiment.experimentId}\n\nArtifacts: \`${node.experiment.artifactLocation}\``);
        return item;
      }
      case 'run': {
        const { info } = node.run;
        const item = new vscode.TreeItem(info.runName || info.runId, vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${info.runId}`;
        const took = info.endTime ? formatDuration(info.endTime - info.startTime) : info.status === 'RUNNING' ? 'running' : '';
        item.description = [formatDate(info.startTime), took].filter(Boolean).join(' · ');
        const [icon, colour] = STATUS_ICONS[info.status] ?? ['circle-outline', undefined];
        item.iconPath = new vscode.ThemeIcon(icon, colour ? new vscode.ThemeColor(colour) : undefined);
        item.contextValue = 'mlw.run';
        item.accessibilityInformation = { label: `Run ${info.runName}, ${info.status.toLowerCase()}, ${item.description}` };
        const md = new vscode.MarkdownString();
        md.appendMarkdown(`**${info.runName}** — ${info.status}\n\n`);
        md.appendMarkdown(`Run ID: \`${info.runId}\`\n\nStarted: ${new Date(info.startTime).toLocaleString()}\n\n`);
        if (info.endTime) md.appendMarkdown(`Ended: ${new Date(info.endTime).toLocaleString()} (${formatDuration(info.endTime - info.startTime)})\n\n`);
        if (info.userId) md.appendMarkdown(`User: ${info.userId}`);
        item.tooltip = md;
        return item;
      }
      case 'group': {
        const { run, group } = node;
        const count = group === 'params' ? Object.keys(run.params).length : group === 'metrics' ? Object.keys(run.metrics).length : group === 'tags' ? Object.keys(run.tags).length : undefined;
        const label = { params: 'Parameters', metrics: 'Metrics', tags: 'Tags', artifacts: 'Artifacts' }[group];
        const empty = count === 0;
        const item = new vscode.TreeItem(label, empty ? vscode.TreeItemCollapsibleState.None : group === 'metrics' || group === 'params' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.id = `run:${run.info.runId}/${group}`;
        item.description = count === undefined ? undefined : String(count);
        item.iconPath = new vscode.ThemeIcon({ params: 'symbol-parameter', metrics: 'graph-line', tags: 'tag', artifacts: 'package' }[group]);
        item.contextValue = `mlw.group.${group}`;
        return item;
      }
      case 'param': {
        const item = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = `${node.key} = ${node.value}`;
        item.contextValue = 'mlw.param';
        return item;
      }
      case 'metric': {
        const m = node.metric;
        const item = new vscode.TreeItem(m.key, vscode.TreeItemCollapsibleState.None);
        item.id = `run:${node.run.info.runId}/metrics/${m.key}`;
        item.description = `${formatValue(m.value)} · step ${m.step}`;
        item.tooltip = `${m.key} = ${m.value} at step ${m.step} (${new Date(m.timestamp).toLocaleString()}). Click to chart it.`;
        item.contextValue = 'mlw.metric';
        item.command = { command: 'mlw.tracking.openRun', title: 'Show Run Charts', arguments: [{ kind: 'run', run: node.run }, m.key] };
        return item;
      }
      case 'tag': {
        const item = new vscode.TreeItem(node.key, vscode.TreeItemCollapsibleState.None);
        item.description = node.value;
        item.tooltip = `${node.key} = ${node.value}`;
        return item;
      }
      case 'artifact': {
        const { entry } = node;
        const name = entry.path.split('/').pop() ?? entry.path;
        const item = new vscode.TreeItem(name, entry.isDir ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
        item.id = `run:${node.run.info.runId}/artifacts/${entry.path}`;
        // A resource URI gives files the icon theme's icon for their kind.
        item.resourceUri = vscode.Uri.from({ scheme: 'mlw-artifact', path: `/${entry.path}` });
        item.iconPath = entry.isDir ? vscode.ThemeIcon.Folder : vscode.ThemeIcon.File;
        item.description = entry.isDir || entry.fileSize === undefined ? undefined : formatBytes(entry.fileSize);
        item.contextValue = entry.isDir ? 'mlw.artifactFolder' : 'mlw.artifactFile';
        if (!entry.isDir) item.command = { command: 'mlw.tracking.openArtifact', title: 'Open Artifact', arguments: [node] };
        return item;
      }
    }
  }

  // ---- watching a local store -----------------------------------------------------------------

  private watch(root: string | undefined): void {
    if (root === this.watchedRoot) return;
    this.watcher?.dispose();
    this.watcher = undefined;
    this.watchedRoot = root;
    if (!root) return;
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(root), '**/*'));
    const onChange = () => this.refreshSoon();
    this.watcher.onDidCreate(onChange);
    this.watcher.onDidChange(onChange);
    this.watcher.onDidDelete(onChange);
  }

  // ---- commands -------------------------------------------------------------------------------

  private async pickRun(title: string, except?: string): Promise<TrackingRun | undefined> {
    if (this.experiments.length === 0) await this.roots();
    const items = this.experiments.flatMap(e => e.runs.filter(r => r.info.runId !== except).map(run => ({
      label: run.info.runName || run.info.runId,
      description: `${e.experiment.name} · ${formatDate(run.info.startTime)}`,
      detail: `${run.info.status.toLowerCase()} · ${run.info.runId}`,
      run,
    })));
    if (items.length === 0) {
      void vscode.window.showInformationMessage(`No ${except ? 'other ' : ''}runs in ${this.storeLabel}.`);
      return undefined;
    }
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Run name, experiment or run ID', matchOnDescription: true, matchOnDetail: true });
    return picked?.run;
  }

  private async openRun(node?: Node, focus?: string): Promise<void> {
    const run = node && 'run' in node ? node.run : await this.pickRun('Show Run Charts');
    if (!run) return;
    RunPanel.show(this.context.extensionUri, this.server, this.where, this.storeLabel, [runRef(run)], typeof focus === 'string' ? focus : undefined);
  }

  /** With two or more runs selected in the view, compares them; else asks for the runs. */
  private async compareRuns(node?: Node, selected?: Node[]): Promise<void> {
    const fromSelection = (selected ?? this.tree.selection).filter((n): n is Extract<Node, { kind: 'run' }> => n.kind === 'run');
    let runs: TrackingRun[];
    if (fromSelection.length >= 2) runs = fromSelection.map(n => n.run);
    else {
      const first = node?.kind === 'run' ? node.run : await this.pickRun('Compare Runs (1/2): the first run');
      if (!first) return;
      const second = await this.pickRun(`Compare Runs (2/2): compare ${first.info.runName} with`, first.info.runId);
      if (!second) return;
      runs = [first, second];
    }
    RunPanel.show(this.context.extensionUri, this.server, this.where, this.storeLabel, runs.slice(0, 10).map(runRef));
  }

  private async openArtifact(node?: Node): Promise<void> {
    const where = this.where();
    if (!node || node.kind !== 'artifact' || node.entry.isDir || !where) return;
    try {
      const { file } = await this.server.client.sendRequest(trackingArtifactFileRequest, { ...where, runId: node.run.info.runId, path: node.entry.path });
      await vscode.commands.executeCommand('vscode.open', vscode.Uri.file(file), { preview: true });
    } catch (err) {
      await this.server.showError(`Open artifact ${node.entry.path}`, err);
    }
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    this.watcher?.dispose();
    for (const d of this.disposables) d.dispose();
  }
}

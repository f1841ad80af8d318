// "ML Workbench: Train Model…": pick a training configuration (*.train.json) of the workspace,
// optionally resume a cancelled or failed run of it, and train with a cancellable progress
// notification (epoch, loss, ETA). The run lands in the tracking store the Runs view shows.
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  mlTrainRequest, trackingRunsRequest, type MlTrainResult, type TrackingRun,
} from '../shared/protocol';
import { showRun, trackingParams } from './runsView';
import type { ServerClient } from './serverClient';

const CONFIG_GLOB = '**/*.train.json';
/** The run tag that names the configuration a run trained (server/ml/trainRun.ts). */
const TAG_CONFIG = 'mlw.trainConfig';

interface ConfigItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
  browse?: boolean;
}
interface ResumeItem extends vscode.QuickPickItem {
  runId?: string;
}

const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);

function formatNumber(v: TrackingRun['metrics'][string]['value']): string {
  return typeof v === 'number' ? String(Number(v.toPrecision(4))) : v;
}

export class MlCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    this.context.subscriptions.push(vscode.commands.registerCommand('mlw.ml.train', (uri?: vscode.Uri) => this.train(uri)));
  }

  /** The configuration: the one clicked, the active editor's, or one picked from the workspace. */
  private async pickConfig(uri?: vscode.Uri): Promise<vscode.Uri | undefined> {
    if (uri instanceof vscode.Uri && uri.scheme === 'file') return uri;
    const active = vscode.window.activeTextEditor?.document.uri;
    const found = await vscode.workspace.findFiles(CONFIG_GLOB, '**/node_modules/**', 500);
    found.sort((a, b) => Number(b.fsPath === active?.fsPath) - Number(a.fsPath === active?.fsPath) || a.fsPath.localeCompare(b.fsPath));
    const items: ConfigItem[] = [
      ...found.map(u => ({ label: path.basename(u.fsPath).replace(/\.train\.json$/i, ''), description: rel(u), uri: u, iconPath: new vscode.ThemeIcon('beaker') })),
      { label: 'Browse…', description: 'any training configuration (.json)', browse: true, iconPath: new vscode.ThemeIcon('folder-opened'), alwaysShow: true },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Train Model: pick a training configuration',
      placeHolder: found.length ? 'A *.train.json file: model layers, data, epochs, optimizer, loss…' : 'No *.train.json in the workspace: browse to one',
      matchOnDescription: true,
    });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const uris = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, filters: { 'Training configurations': ['json'] }, title: 'Train Model: training configuration' });
    return uris?.[0];
  }

  /** Runs of this configuration that were cancelled or failed; the user picks one to resume, or a new run. */
  private async pickResume(config: vscode.Uri): Promise<{ runId?: string } | undefined> {
    const where = trackingParams();
    let runs: TrackingRun[] = [];
    if (where) {
      try {
        runs = (await this.server.client.sendRequest(trackingRunsRequest, { ...where, maxResults: 200 }))
          .filter(r => r.tags[TAG_CONFIG] === config.fsPath && (r.info.status === 'KILLED' || r.info.status === 'FAILED'));
      } catch (err) {
        this.server.output.warn(`Train Model: could not list runs to resume: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
    if (runs.length === 0) return {};
    const items: ResumeItem[] = [
      { label: 'Start a new run', iconPath: new vscode.ThemeIcon('play') },
      ...runs.slice(0, 10).map(r => {
        const loss = r.metrics.loss;
        const epochs = loss ? loss.step + 1 : 0;
        return {
          label: `Resume ${r.info.runName}`,
          description: `${r.info.status.toLowerCase()} after ${epochs} epoch${epochs === 1 ? '' : 's'}${loss ? ` · loss ${formatNumber(loss.value)}` : ''}`,
          detail: `run ${r.info.runId} · started ${new Date(r.info.startTime).toLocaleString()}`,
          runId: r.info.runId,
          iconPath: new vscode.ThemeIcon('debug-continue'),
        };
      }),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Train ${path.basename(config.fsPath)}`, placeHolder: 'Resume from the last completed epoch of an earlier run, or start anew' });
    return picked && { runId: picked.runId };
  }

  async train(uri?: vscode.Uri): Promise<void> {
    const config = await this.pickConfig(uri);
    if (!config) return;
    const resume = await this.pickResume(config);
    if (!resume) return;
    const name = path.basename(config.fsPath).replace(/(\.train)?\.json$/i, '');
    const where = trackingParams();
    const result = await this.server.withProgress(`${resume.runId ? 'Resuming' : 'Training'} ${name}`, mlTrainRequest, {
      config: config.fsPath, resumeRunId: resume.runId, trackingUri: where?.trackingUri, baseFolder: where?.baseFolder,
    });
    if (!result) return; // cancelled (the server logged the run to resume) or failed (shown)
    await this.report(name, result);
  }

  private async report(name: string, r: MlTrainResult): Promise<void> {
    const monitor = r.best ? `${r.best.monitor} ${Number(r.best.value.toPrecision(4))} at epoch ${r.best.epoch}${r.restoredBestWeights ? ', weights restored' : ''}` : '';
    const loss = r.final.loss !== undefined ? `loss ${Number(r.final.loss.toPrecision(4))}` : '';
    const summary = [loss, monitor].filter(Boolean).join('; ');
    this.server.output.info(`trained ${name}: run ${r.runId}, ${r.epochs} epochs on ${r.backend}${r.stoppedEarly ? ' (stopped early)' : ''}; ${summary}; model in ${r.modelDir}`);
    const choice = await vscode.window.showInformationMessage(
      `Trained ${name}: ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}${r.stoppedEarly ? ' (stopped early)' : ''} on ${r.backend}${summary ? ` — ${summary}` : ''}.`,
      'Show Run', 'Show Output',
    );
    if (choice === 'Show Output') this.server.output.show();
    if (choice === 'Show Run') await showRun(this.server, r.runId);
  }
}

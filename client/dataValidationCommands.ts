import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  dataValidationInferSchemaRequest, dataValidationSchemaInfoRequest, dataValidationStatisticsRequest, dataValidationValidateRequest,
  type DataValidationProblem, type DataValidationSchemaInfoResult, type DataValidationValidateResult,
} from '../shared/protocol';
import type { DriftReportView } from '../shared/webviewProtocol';
import { DriftReportPanel } from './driftReportPanel';
import { trackingParams } from './runsView';
import type { ServerClient } from './serverClient';

const SCHEMA_FILE_NAME = 'schema.pbtxt';
const CSV = /\.(csv|tsv)$/i;

interface FileItem extends vscode.QuickPickItem {
  uri?: vscode.Uri;
  browse?: boolean;
}

const rel = (p: string | vscode.Uri) => vscode.workspace.asRelativePath(p, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

async function exists(uri: vscode.Uri): Promise<boolean> {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return false;
  }
}

/** The CSV of the active editor (or active tab), if it is one. */
function activeCsv(): vscode.Uri | undefined {
  const doc = vscode.window.activeTextEditor?.document.uri;
  if (doc?.scheme === 'file' && CSV.test(doc.fsPath)) return doc;
  const input = vscode.window.tabGroups.activeTabGroup.activeTab?.input;
  if (input instanceof vscode.TabInputText && input.uri.scheme === 'file' && CSV.test(input.uri.fsPath)) return input.uri;
  return undefined;
}

/** Quick pick of the workspace's CSV files (siblings of `near` first), or any file browsed to. */
async function pickCsv(title: string, placeHolder: string, except?: vscode.Uri): Promise<vscode.Uri | undefined> {
  const found = await vscode.workspace.findFiles('**/*.csv', '**/node_modules/**', 200);
  const files = found.filter(u => u.fsPath !== except?.fsPath);
  const dir = except && path.dirname(except.fsPath);
  files.sort((a, b) => Number(path.dirname(b.fsPath) === dir) - Number(path.dirname(a.fsPath) === dir) || a.fsPath.localeCompare(b.fsPath));
  const items: FileItem[] = [
    ...files.map(uri => ({ label: path.basename(uri.fsPath), description: path.dirname(rel(uri)) === '.' ? '' : path.dirname(rel(uri)), uri, iconPath: vscode.ThemeIcon.File })),
    { label: 'Browse…', description: 'any CSV file', browse: true, iconPath: new vscode.ThemeIcon('folder-opened'), alwaysShow: true },
  ];
  const picked = await vscode.window.showQuickPick(items, { title, placeHolder, matchOnDescription: true });
  if (!picked) return undefined;
  if (picked.uri) return picked.uri;
  const uris = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, filters: { 'CSV files': ['csv', 'tsv'], 'All files': ['*'] }, title });
  return uris?.[0];
}

/** Problems of reading the CSV files go to the output channel; a warning tells how many. */
function reportProblems(server: ServerClient, sets: { file: string; problems: DataValidationProblem[] }[]): void {
  let total = 0;
  for (const { file, problems } of sets) {
    for (const p of problems) server.output.warn(`${file}:${p.line}${p.column ? `:${p.column}` : ''}: ${p.message}`);
    total += problems.length;
  }
  if (total) {
    void vscode.window.showWarningMessage(`${plural(total, 'row problem')} while reading ${sets.filter(s => s.problems.length).map(s => path.basename(s.file)).join(', ')} (see output).`, 'Show Output')
      .then(c => c && server.output.show());
  }
}

export class DataValidationCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    const reg = (id: string, fn: (...args: any[]) => unknown) => this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('mlw.dataValidation.generateStatistics', (uri?: vscode.Uri) => this.generateStatistics(uri));
    reg('mlw.dataValidation.inferSchema', (uri?: vscode.Uri) => this.inferSchema(uri));
    reg('mlw.dataValidation.validate', (uri?: vscode.Uri) => this.validate(uri));
    reg('mlw.dataValidation.compareDatasets', (uri?: vscode.Uri) => this.compareDatasets(uri));
  }

  /** The file a command is about: the one clicked, the active CSV, or one picked. */
  private async target(uri: unknown, title: string): Promise<vscode.Uri | undefined> {
    if (uri instanceof vscode.Uri && uri.scheme === 'file') return uri;
    return activeCsv() ?? pickCsv(title, 'Pick a CSV file of the workspace');
  }

  async generateStatistics(uri?: vscode.Uri): Promise<void> {
    const file = await this.target(uri, 'Generate Statistics: pick a CSV file');
    if (!file) return;
    const r = await this.server.withProgress(`Statistics of ${path.basename(file.fsPath)}`, dataValidationStatisticsRequest, { file: file.fsPath });
    if (!r) return;
    reportProblems(this.server, [{ file: file.fsPath, problems: r.problems }]);
    const view: DriftReportView = {
      title: DriftReportPanel.title('statistics', file.fsPath),
      mode: 'statistics',
      current: { label: path.basename(file.fsPath), statistics: r.statistics },
      comparisons: {},
      anomalies: {},
    };
    new DriftReportPanel(this.context.extensionUri, view.title, { current: file.fsPath }).show(view, { problems: r.problems });
  }

  async inferSchema(uri?: vscode.Uri): Promise<void> {
    const file = await this.target(uri, 'Infer Schema: pick a CSV file');
    if (!file) return;
    const output = path.join(path.dirname(file.fsPath), SCHEMA_FILE_NAME);
    const r = await this.server.withProgress(`Inferring a schema from ${path.basename(file.fsPath)}`, dataValidationInferSchemaRequest, { file: file.fsPath, output });
    if (!r) return;
    reportProblems(this.server, [{ file: file.fsPath, problems: r.problems }]);
    const target = vscode.Uri.file(r.output);
    if (await exists(target)) {
      const choice = await vscode.window.showWarningMessage(
        `${rel(target)} exists already. Replace it with the schema inferred from ${path.basename(file.fsPath)}?`,
        { modal: true, detail: 'Replacing can be undone in the editor (Undo) until it is closed.' },
        'Replace', 'Open existing',
      );
      if (choice === 'Open existing') await vscode.window.showTextDocument(target);
      if (choice !== 'Replace') return;
      // An edit of the document, so that Undo brings the old schema back; then saved.
      const doc = await vscode.workspace.openTextDocument(target);
      const edit = new vscode.WorkspaceEdit();
      edit.replace(target, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), r.schemaText);
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not write ${target.fsPath}`);
      await doc.save();
    } else {
      const edit = new vscode.WorkspaceEdit();
      edit.createFile(target, { contents: new TextEncoder().encode(r.schemaText) });
      if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`could not create ${target.fsPath}`);
    }
    await vscode.window.showTextDocument(target);
    this.server.output.info(`schema inferred from ${file.fsPath} written to ${target.fsPath}`);
  }

  /** Quick pick of a schema: the one beside the CSV first, then the workspace's, or browsed to. */
  private async pickSchema(csv: vscode.Uri, title: string): Promise<vscode.Uri | undefined> {
    const beside = vscode.Uri.file(path.join(path.dirname(csv.fsPath), SCHEMA_FILE_NAME));
    const besideExists = await exists(beside);
    const others = (await vscode.workspace.findFiles('**/*.pbtxt', '**/node_modules/**', 100)).filter(u => u.fsPath !== beside.fsPath);
    const items: FileItem[] = [
      ...(besideExists ? [{ label: SCHEMA_FILE_NAME, description: `beside ${path.basename(csv.fsPath)}`, uri: beside, iconPath: vscode.ThemeIcon.File }] : []),
      ...others.map(uri => ({ label: path.basename(uri.fsPath), description: path.dirname(rel(uri)), uri, iconPath: vscode.ThemeIcon.File })),
      { label: 'Browse…', description: 'any schema file', browse: true, iconPath: new vscode.ThemeIcon('folder-opened'), alwaysShow: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: besideExists ? `Enter for the ${SCHEMA_FILE_NAME} beside the data` : 'No schema.pbtxt beside the data: pick one', matchOnDescription: true });
    if (!picked) return undefined;
    if (picked.uri) return picked.uri;
    const uris = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectMany: false, filters: { Schema: ['pbtxt', 'txt'], 'All files': ['*'] }, title });
    return uris?.[0];
  }

  private async schemaInfo(schema: vscode.Uri): Promise<DataValidationSchemaInfoResult | undefined> {
    try {
      return await this.server.client.sendRequest(dataValidationSchemaInfoRequest, { schema: schema.fsPath });
    } catch (err) {
      await this.server.showError('Reading the schema', err);
      return undefined;
    }
  }

  async validate(uri?: vscode.Uri): Promise<void> {
    const file = await this.target(uri, 'Validate Against Schema: pick a CSV file');
    if (!file) return;
    const name = path.basename(file.fsPath);
    const schema = await this.pickSchema(file, `Validate ${name}: pick the schema`);
    if (!schema) return;
    const info = await this.schemaInfo(schema);
    if (!info) return;
    let environment: string | undefined;
    if (info.environments.length) {
      const configured = vscode.workspace.getConfiguration('mlw.dataValidation').get<string>('environment', '');
      const items = [
        { label: '(no environment)', description: 'every feature of the schema', env: undefined as string | undefined },
        ...info.environments.map(env => ({ label: env, description: env === configured ? 'mlw.dataValidation.environment' : undefined, env })),
      ];
      if (configured && info.environments.includes(configured)) items.unshift(...items.splice(items.findIndex(i => i.env === configured), 1));
      const picked = await vscode.window.showQuickPick(items, { title: `Validate ${name}: environment of the data`, placeHolder: 'The schema lists these environments (default_environment)' });
      if (!picked) return;
      environment = picked.env;
    }
    const r = await this.server.withProgress(`Validating ${name}`, dataValidationValidateRequest, { file: file.fsPath, schema: schema.fsPath, environment, tracking: trackingParams() });
    if (!r) return;
    reportProblems(this.server, r.problems);
    const view: DriftReportView = {
      title: `Validation: ${name} against ${rel(schema)}${environment ? ` (${environment})` : ''}`,
      mode: 'statistics',
      current: { label: name, statistics: r.statistics },
      comparisons: {},
      anomalies: r.anomalies.anomalyInfo,
      datasetAnomaly: r.anomalies.datasetAnomalyInfo,
    };
    new DriftReportPanel(this.context.extensionUri, `Validation: ${name}`, { current: file.fsPath, schema: schema.fsPath }).show(view, { environment });
    const count = countAnomalies(r);
    this.server.output.info(`validated ${file.fsPath} against ${schema.fsPath}: ${plural(count, 'anomaly', 'anomalies')}`);
    void vscode.window.showInformationMessage(count ? `${plural(count, 'anomaly', 'anomalies')} in ${name}` : `No anomalies in ${name}`);
  }

  /**
   * Drift (previous span → current) or skew (training vs serving) of two CSV files, with the
   * comparators of a schema. A schema without comparators of that kind still gets distances,
   * computed with the defaults (L∞ categorical, JSD numeric) and no threshold.
   */
  async compareDatasets(uri?: vscode.Uri): Promise<void> {
    const first = uri instanceof vscode.Uri && uri.scheme === 'file' ? uri : activeCsv() ?? (await pickCsv('Compare Datasets: pick the current (or training) CSV (1/4)', 'The data to check'));
    if (!first) return;
    const name = path.basename(first.fsPath);
    const mode = await vscode.window.showQuickPick(
      [
        { label: 'Drift', description: `previous span → ${name}`, detail: 'Compare with an earlier span of the same data (drift_comparator)', mode: 'drift' as const },
        { label: 'Skew', description: `training (${name}) vs serving`, detail: 'Compare training data with serving data (skew_comparator)', mode: 'skew' as const },
      ],
      { title: `Compare Datasets: ${name} (2/4)`, placeHolder: 'Drift or skew?' },
    );
    if (!mode) return;
    const other = await pickCsv(
      mode.mode === 'drift' ? `Compare Datasets: pick the previous span to compare ${name} with (3/4)` : `Compare Datasets: pick the serving data to compare training data ${name} with (3/4)`,
      mode.mode === 'drift' ? 'The previous span (baseline)' : 'The serving data',
      first,
    );
    if (!other) return;
    const schema = await this.pickSchema(first, `Compare Datasets: pick the schema with the ${mode.mode}_comparator thresholds (4/4)`);
    if (!schema) return;
    const otherName = path.basename(other.fsPath);
    const params = mode.mode === 'drift'
      ? { file: first.fsPath, schema: schema.fsPath, previous: other.fsPath, tracking: trackingParams() }
      : { file: first.fsPath, schema: schema.fsPath, serving: other.fsPath, tracking: trackingParams() };
    const r = await this.server.withProgress(mode.mode === 'drift' ? `Drift ${otherName} → ${name}` : `Skew ${name} vs ${otherName}`, dataValidationValidateRequest, params);
    if (!r) return;
    reportProblems(this.server, r.problems);
    const comparisons = mode.mode === 'drift' ? r.comparisons.drift : r.comparisons.skew;
    const configured = Object.values(comparisons).some(c => c.configured);
    if (!configured && Object.keys(comparisons).length) {
      this.server.output.info(`${rel(schema)} has no ${mode.mode}_comparator: distances computed with default comparators (L∞ categorical, JSD numeric), no threshold`);
    }
    // Drift: previous (baseline) → current. Skew: training (baseline) vs serving (current).
    const view: DriftReportView = mode.mode === 'drift'
      ? {
        title: DriftReportPanel.title('drift', first.fsPath, other.fsPath),
        mode: 'drift',
        current: { label: name, statistics: r.statistics },
        baseline: { label: otherName, statistics: r.previousStatistics! },
        comparisons,
        anomalies: r.anomalies.anomalyInfo,
        datasetAnomaly: r.anomalies.datasetAnomalyInfo,
      }
      : {
        title: DriftReportPanel.title('skew', other.fsPath, first.fsPath),
        mode: 'skew',
        current: { label: otherName, statistics: r.servingStatistics! },
        baseline: { label: name, statistics: r.statistics },
        comparisons,
        anomalies: r.anomalies.anomalyInfo,
        datasetAnomaly: r.anomalies.datasetAnomalyInfo,
      };
    const sources = mode.mode === 'drift'
      ? { current: first.fsPath, baseline: other.fsPath, schema: schema.fsPath }
      : { current: other.fsPath, baseline: first.fsPath, schema: schema.fsPath };
    new DriftReportPanel(this.context.extensionUri, view.title, sources).show(view, { comparatorsConfigured: configured, driftSkewInfo: r.anomalies.driftSkewInfo });
    const count = countAnomalies(r);
    void vscode.window.showInformationMessage(
      `${count ? plural(count, 'anomaly', 'anomalies') : 'No anomalies'} in ${name}${configured ? '' : ` (no ${mode.mode}_comparator in ${path.basename(schema.fsPath)}: distances shown without threshold)`}`,
    );
  }
}

function countAnomalies(r: DataValidationValidateResult): number {
  return Object.keys(r.anomalies.anomalyInfo).length + (r.anomalies.datasetAnomalyInfo ? 1 : 0);
}

// "Train Music Model on MIDI…": pick MIDI files or folders (or resume a stopped training), the
// track to learn and the epochs, then train with a cancellable notification (epoch, loss, ETA).
// "Generate MIDI…": pick a trained music model, the number of notes, argmax or a temperature,
// and a seed; the file is written under generated/ in the workspace and opens in the piano roll.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import {
  musicGenerateRequest, musicTracksRequest, musicTrainRequest, trackingRunsRequest,
  type MusicGenerateResult, type MusicTrainResult, type MusicTracksResult, type TrackingRun,
} from '../shared/protocol';
import { PIANO_ROLL_VIEW_TYPE } from './pianoRollProvider';
import { showRun, trackingParams } from './runsView';
import type { ServerClient } from './serverClient';

/** The run tags of music runs (server/music/modelArtifacts.ts). */
const TAG_TASK = 'mlw.music.task';
const MIDI_GLOB = '**/*.{mid,midi,MID,MIDI}';
const DEFAULT_EPOCHS = 50;
const DEFAULT_NOTES = 1000;

/** Arguments that skip the questions (for keybindings and scripts). */
export interface TrainArgs { inputs?: string[]; track?: string; epochs?: number }
export interface GenerateArgs { runId?: string; notes?: number; temperature?: number; seed?: number; output?: string }

interface InputItem extends vscode.QuickPickItem { paths?: string[]; browse?: boolean }
interface RunItem extends vscode.QuickPickItem { run?: TrackingRun; resume?: boolean }
interface TrackItem extends vscode.QuickPickItem { track?: string }

const rel = (uri: vscode.Uri) => vscode.workspace.asRelativePath(uri, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function metricText(run: TrackingRun, key: string): string | undefined {
  const v = run.metrics[key]?.value;
  return typeof v === 'number' ? `${key} ${Number(v.toPrecision(3))}` : undefined;
}

function positiveInteger(text: string): string | undefined {
  return /^\s*[1-9]\d*\s*$/.test(text) ? undefined : 'A whole number above 0';
}

export class MusicModelCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    this.context.subscriptions.push(
      vscode.commands.registerCommand('mlw.music.trainModel', (uri?: vscode.Uri | TrainArgs, uris?: vscode.Uri[]) => this.train(uri, uris)),
      vscode.commands.registerCommand('mlw.music.generate', (args?: GenerateArgs) => this.generate(args)),
    );
  }

  private async musicRuns(filter: (r: TrackingRun) => boolean): Promise<TrackingRun[]> {
    const where = trackingParams();
    if (!where) return [];
    try {
      const runs = await this.server.client.sendRequest(trackingRunsRequest, { ...where, maxResults: 500 });
      return runs.filter(r => r.tags[TAG_TASK] === 'train' && filter(r));
    } catch (err) {
      this.server.output.warn(`music models: could not list runs: ${err instanceof Error ? err.message : String(err)}`);
      return [];
    }
  }

  // ---- training ------------------------------------------------------------------------------

  /** MIDI files and folders: those clicked in the Explorer, else picked from the workspace or a dialog. */
  private async pickInputs(): Promise<string[] | undefined> {
    const files = (await vscode.workspace.findFiles(MIDI_GLOB, '**/node_modules/**', 2000)).filter(u => u.scheme === 'file');
    const browse = async () => (await vscode.window.showOpenDialog({
      canSelectFiles: true, canSelectFolders: true, canSelectMany: true, filters: { 'MIDI files': ['mid', 'midi'] }, title: 'Train Music Model: MIDI files or folders',
    }))?.map(u => u.fsPath);
    if (files.length === 0) return browse();
    const byFolder = new Map<string, vscode.Uri[]>();
    for (const f of files) byFolder.set(path.dirname(f.fsPath), [...(byFolder.get(path.dirname(f.fsPath)) ?? []), f]);
    const items: InputItem[] = [
      ...[...byFolder].sort(([a], [b]) => a.localeCompare(b)).filter(([, list]) => list.length > 1).map(([folder, list]) => ({
        label: `$(folder) ${path.basename(folder)}/`, description: `${plural(list.length, 'MIDI file')} · ${rel(vscode.Uri.file(folder))}`, paths: list.map(u => u.fsPath),
      })),
      ...files.sort((a, b) => a.fsPath.localeCompare(b.fsPath)).map(u => ({ label: `$(file-media) ${path.basename(u.fsPath)}`, description: rel(u), paths: [u.fsPath] })),
      { label: '$(folder-opened) Browse…', description: 'MIDI files or folders anywhere', browse: true, alwaysShow: true },
    ];
    const picked = await vscode.window.showQuickPick(items, {
      title: 'Train Music Model: the corpus', placeHolder: 'Pick MIDI files and folders to learn from (several form one corpus)', canPickMany: true, matchOnDescription: true,
    });
    if (!picked || picked.length === 0) return undefined;
    if (picked.some(p => p.browse)) return browse();
    return [...new Set(picked.flatMap(p => p.paths ?? []))];
  }

  /** The track: each file's default, or a track name / instrument found in the files. */
  private async pickTrack(inputs: string[]): Promise<string | null | undefined> {
    let listing: MusicTracksResult;
    try {
      listing = await this.server.client.sendRequest(musicTracksRequest, { inputs });
    } catch (err) {
      await this.server.showError('Train Music Model', err);
      return undefined;
    }
    const usable = listing.files.filter(f => f.defaultTrack !== undefined);
    for (const f of listing.files.filter(x => x.error)) this.server.output.warn(`Train Music Model: ${f.file}: ${f.error}`);
    if (usable.length === 0) {
      const reasons = listing.files.slice(0, 3).map(f => `${path.basename(f.file)}: ${f.error}`).join('; ');
      void vscode.window.showErrorMessage(`Train Music Model: none of the ${plural(listing.files.length, 'file')} has a melodic track to learn (${reasons})`);
      return undefined;
    }
    // Tracks by name (or instrument when unnamed), with how many files have one.
    const counts = new Map<string, { files: number; notes: number; instrument: string }>();
    for (const f of listing.files) {
      for (const key of new Set(f.tracks.filter(t => t.noteCount > 0).map(t => t.name || t.instrument))) {
        const t = f.tracks.find(x => (x.name || x.instrument) === key)!;
        const c = counts.get(key) ?? { files: 0, notes: 0, instrument: t.instrument };
        counts.set(key, { ...c, files: c.files + 1, notes: c.notes + f.tracks.filter(x => (x.name || x.instrument) === key).reduce((s, x) => s + x.noteCount, 0) });
      }
    }
    const defaults = new Map<string, number>();
    for (const f of usable) {
      const t = f.tracks[f.defaultTrack!];
      const key = t.name ? `${t.name} (${t.instrument})` : t.instrument;
      defaults.set(key, (defaults.get(key) ?? 0) + 1);
    }
    const defaultText = [...defaults].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([k, n]) => `${k} in ${plural(n, 'file')}`).join(', ');
    const items: TrackItem[] = [
      { label: 'Each file\'s melodic track with the most notes', description: defaultText, iconPath: new vscode.ThemeIcon('sparkle') },
      ...[...counts].sort((a, b) => b[1].files - a[1].files || b[1].notes - a[1].notes).map(([key, c]) => ({
        label: key, description: `${c.instrument !== key ? `${c.instrument} · ` : ''}in ${plural(c.files, 'file')} of ${listing.files.length} · ${c.notes.toLocaleString()} notes`, track: key,
        iconPath: new vscode.ThemeIcon('symbol-event'),
      })),
    ];
    const picked = await vscode.window.showQuickPick(items, { title: `Train Music Model: the track to learn (${plural(listing.files.length, 'file')})`, placeHolder: 'Drums (channel 10) are left out of the default choice' });
    return picked ? picked.track ?? null : undefined;
  }

  async train(arg?: vscode.Uri | TrainArgs, uris?: vscode.Uri[]): Promise<void> {
    const given = arg instanceof vscode.Uri ? undefined : arg;
    let inputs: string[] | undefined = arg instanceof vscode.Uri ? (uris?.length ? uris : [arg]).filter(u => u.scheme === 'file').map(u => u.fsPath) : given?.inputs;
    let resume: TrackingRun | undefined;
    if (!inputs) {
      const stopped = await this.musicRuns(r => r.info.status === 'KILLED' || r.info.status === 'FAILED');
      if (stopped.length) {
        const items: RunItem[] = [
          { label: 'Train a new model', iconPath: new vscode.ThemeIcon('play') },
          ...stopped.slice(0, 10).map(r => ({
            label: `Resume ${r.info.runName}`, run: r, resume: true, iconPath: new vscode.ThemeIcon('debug-continue'),
            description: [`${r.info.status.toLowerCase()} after ${plural(r.metrics.loss ? r.metrics.loss.step + 1 : 0, 'epoch')}`, metricText(r, 'loss')].filter(Boolean).join(' · '),
            detail: `run ${r.info.runId} · ${r.params['music.files'] ?? ''}`,
          })),
        ];
        const picked = await vscode.window.showQuickPick(items, { title: 'Train Music Model on MIDI', placeHolder: 'Start a new training, or resume a stopped one from its last completed epoch' });
        if (!picked) return;
        resume = picked.run;
      }
    }
    let track: string | null | undefined = given?.track ?? null;
    if (!resume) {
      inputs ??= await this.pickInputs();
      if (!inputs?.length) return;
      if (given?.track === undefined) {
        track = await this.pickTrack(inputs);
        if (track === undefined) return;
      }
    }
    let epochs = given?.epochs;
    if (epochs === undefined) {
      const text = await vscode.window.showInputBox({
        title: resume ? `Resume ${resume.info.runName}: epochs in all` : 'Train Music Model: epochs',
        prompt: 'Passes over the corpus at most; training stops early when the loss stops improving for 3 epochs',
        value: String(resume?.params.epochs ?? DEFAULT_EPOCHS), validateInput: positiveInteger,
      });
      if (text === undefined) return;
      epochs = Number(text);
    }
    const where = trackingParams();
    const title = resume ? `Resuming ${resume.info.runName}` : `Training a music model on ${inputs!.length === 1 ? path.basename(inputs![0]) : plural(inputs!.length, 'file')}`;
    const result = await this.server.withProgress(title, musicTrainRequest, {
      inputs: inputs ?? [], track: track ?? undefined, epochs, resumeRunId: resume?.info.runId, trackingUri: where?.trackingUri, baseFolder: where?.baseFolder,
    });
    if (result) await this.reportTraining(result);
  }

  private async reportTraining(r: MusicTrainResult): Promise<void> {
    const loss = r.final.loss !== undefined ? `loss ${Number(r.final.loss.toPrecision(3))}` : '';
    const accuracy = r.final.accuracy !== undefined ? `accuracy ${Number(r.final.accuracy.toPrecision(3))}` : '';
    this.server.output.info(`music model ${r.runName}: run ${r.runId}, ${r.epochs} epochs on ${r.backend}, ${r.files.length} files, ` +
      `${r.vocabularySize} tokens, ${r.windows} windows; ${[loss, accuracy].filter(Boolean).join(', ')}; ${'file' in r.onnx ? `ONNX ${r.onnx.file}` : `no ONNX export: ${r.onnx.error}`}`);
    for (const p of r.problems) this.server.output.warn(`  skipped ${p.file}: ${p.message}`);
    const choice = await vscode.window.showInformationMessage(
      `Trained ${r.runName}: ${plural(r.epochs, 'epoch')}${r.stoppedEarly ? ' (stopped early)' : ''}, ${[loss, accuracy].filter(Boolean).join(', ')}` +
      `${r.problems.length ? ` — ${plural(r.problems.length, 'file')} skipped (see the output)` : ''}.`,
      'Generate MIDI…', 'Show Run',
    );
    if (choice === 'Generate MIDI…') await this.generate({ runId: r.runId });
    if (choice === 'Show Run') await showRun(this.server, r.runId);
  }

  // ---- generation ----------------------------------------------------------------------------

  private async pickModel(): Promise<TrackingRun | undefined> {
    const runs = await this.musicRuns(r => r.info.status === 'FINISHED');
    if (runs.length === 0) {
      const choice = await vscode.window.showInformationMessage('Generate MIDI: no trained music model in the tracking store yet.', 'Train Music Model on MIDI…');
      if (choice) await vscode.commands.executeCommand('mlw.music.trainModel');
      return undefined;
    }
    const items: RunItem[] = runs.map(r => ({
      label: r.info.runName,
      description: [metricText(r, 'loss'), r.params['music.vocabulary_size'] && `${r.params['music.vocabulary_size']} tokens`, r.params['music.file_count'] && plural(Number(r.params['music.file_count']), 'file')].filter(Boolean).join(' · '),
      detail: `run ${r.info.runId} · ${new Date(r.info.startTime).toLocaleString()} · ${r.params['music.files'] ?? ''}`,
      run: r,
      iconPath: new vscode.ThemeIcon('symbol-event'),
    }));
    return (await vscode.window.showQuickPick(items, { title: 'Generate MIDI: the model', placeHolder: 'A trained music model (newest first)', matchOnDetail: true }))?.run;
  }

  private async pickTemperature(): Promise<number | undefined> {
    const items: (vscode.QuickPickItem & { value?: number })[] = [
      { label: 'Argmax', description: 'always the most likely next token, as the seed did (the seed only picks the start)', value: 0 },
      { label: 'Temperature 0.5', description: 'close to the model\'s favourites', value: 0.5 },
      { label: 'Temperature 1.0', description: 'the model\'s own probabilities', value: 1 },
      { label: 'Temperature 1.5', description: 'more surprising', value: 1.5 },
      { label: 'Other temperature…' },
    ];
    const picked = await vscode.window.showQuickPick(items, { title: 'Generate MIDI: how to choose each next token' });
    if (!picked) return undefined;
    if (picked.value !== undefined) return picked.value;
    const text = await vscode.window.showInputBox({
      title: 'Generate MIDI: temperature', prompt: 'Above 0; below 1 sharpens the probabilities, above 1 flattens them (0: argmax)', value: '0.8',
      validateInput: t => (Number.isFinite(Number(t)) && Number(t) >= 0 && t.trim() !== '' ? undefined : 'A number ≥ 0'),
    });
    return text === undefined ? undefined : Number(text);
  }

  /** generated/<model>-<seed>.mid in the first workspace folder (or beside the home folder), never replacing a file. */
  private outputFor(runName: string, seed: number): string {
    const base = vscode.workspace.workspaceFolders?.find(f => f.uri.scheme === 'file')?.uri.fsPath ?? this.context.globalStorageUri.fsPath;
    const stem = path.join(base, 'generated', `${runName.replace(/[^\w.-]+/g, '_')}-${seed}`);
    let file = `${stem}.mid`;
    for (let i = 2; fs.existsSync(file); i++) file = `${stem}-${i}.mid`;
    return file;
  }

  async generate(args: GenerateArgs = {}): Promise<void> {
    let runId = args.runId;
    let runName = runId;
    if (!runId) {
      const run = await this.pickModel();
      if (!run) return;
      runId = run.info.runId;
      runName = run.info.runName;
    } else {
      runName = (await this.musicRuns(r => r.info.runId === runId))[0]?.info.runName ?? runId;
    }
    let notes = args.notes;
    if (notes === undefined) {
      const text = await vscode.window.showInputBox({ title: 'Generate MIDI: notes', prompt: 'How many notes to generate (a chord counts each of its notes)', value: String(DEFAULT_NOTES), validateInput: positiveInteger });
      if (text === undefined) return;
      notes = Number(text);
    }
    const temperature = args.temperature ?? await this.pickTemperature();
    if (temperature === undefined) return;
    let seed = args.seed;
    if (seed === undefined) {
      const text = await vscode.window.showInputBox({
        title: 'Generate MIDI: seed', prompt: 'Picks the start window from the corpus (and the samples): the same seed gives the same file',
        value: String(Math.floor(Math.random() * 100_000)), validateInput: t => (/^\s*\d+\s*$/.test(t) ? undefined : 'A whole number ≥ 0'),
      });
      if (text === undefined) return;
      seed = Number(text);
    }
    const output = args.output ?? this.outputFor(runName!, seed);
    const where = trackingParams();
    const result = await this.server.withProgress(`Generating ${plural(notes, 'note')} with ${runName}`, musicGenerateRequest, {
      runId, output, notes, temperature, seed, trackingUri: where?.trackingUri, baseFolder: where?.baseFolder,
    });
    if (result) await this.reportGeneration(result);
  }

  private async reportGeneration(r: MusicGenerateResult): Promise<void> {
    this.server.output.info(`generated ${r.output}: ${r.notes} notes, ${r.tokens} tokens in ${r.seconds.toFixed(2)} s (${r.engine}, ${r.msPerStep.toFixed(2)} ms a step), ` +
      `${r.sampling.strategy}, seed ${r.seed}, start ${r.start}; run ${r.runId}`);
    for (const w of r.warnings) this.server.output.warn(`  ${w}`);
    await vscode.commands.executeCommand('vscode.openWith', vscode.Uri.file(r.output), PIANO_ROLL_VIEW_TYPE);
    void vscode.window.setStatusBarMessage(`$(symbol-event) ${path.basename(r.output)}: ${r.notes} notes generated in ${r.seconds.toFixed(1)} s`, 8000);
  }
}

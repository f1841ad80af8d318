// Training the music model on MIDI files through the ML runtime: the corpus is tokenised here,
// cut into windows (inputs) and next tokens (one-hot targets), and handed to the training worker
// as an in-memory dataset; the run is the runtime's tracked run (progress, cancellation,
// checkpoints, resume) with the music settings, vocabulary and corpus saved beside the model as
// it starts, and the trained model exported to ONNX when it ends.
//
// The dataset's arrays live in SharedArrayBuffers: the worker receives its job by structured
// clone, which copies ordinary typed arrays (the one-hot targets of a large corpus are hundreds
// of MB) but shares these.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeError, UserError } from '../common/errors';
import type { BackendName, TrainConfig } from '../ml/config';
import type { Dataset } from '../ml/data';
import { runTrainingJob } from '../ml/trainJob';
import type { RunInfoMessage, TrainRunResult } from '../ml/trainRun';
import { exportModelFolder, type ExportFolderResult } from '../onnx/exportFolder';
import { openTracker } from '../tracking/tracker';
import type { TrackingStore } from '../tracking/types';
import { encodeCorpus, type CorpusProblem, type EncodedCorpus } from './corpus';
import { windows as cutWindows } from './dataset';
import { encodeWindow, modelOptions, musicModelSpec, sampleShape, type MusicModelOptions } from './model';
import {
  loadMusicSettings, MODEL_FOLDER, MUSIC_FOLDER, ONNX_FILE, saveMusicArtifacts, TAG_TASK, VOCABULARY_FILE,
  type MusicSettings, type TrainingSettings,
} from './modelArtifacts';
import { readMidiFile } from './midiFile';
import { parseGrid } from './tokens';
import { chooseTrack, listTracks, type TrackInfo } from './tracks';
import { loadVocabulary, type Vocabulary } from './vocabulary';

export const DEFAULT_TRAINING: Omit<TrainingSettings, 'seed'> = { epochs: 50, batchSize: 32, learningRate: 0.001, patience: 3 };
/** One-hot targets above this many bytes are refused before anything is allocated. */
const MAX_TARGET_BYTES = 2 ** 31;
const MIDI_FILE = /\.midi?$/i;

export interface MusicTrainOptions {
  /** MIDI files, and folders searched (recursively) for *.mid / *.midi. Ignored when resuming. */
  inputs: string[];
  /** A track index or name in every file; default: each file's melodic track with the most notes. */
  track?: string;
  includeDrums?: boolean;
  /** "1/16" by default. */
  grid?: string;
  maxSteps?: number;
  /** Transpose every file to this key first ("C", "A minor"). */
  transposeTo?: string;
  model?: Partial<MusicModelOptions>;
  epochs?: number;
  batchSize?: number;
  learningRate?: number;
  /** Early stopping patience on the loss (0: none); 3 by default. */
  patience?: number;
  /** Seeds weights, shuffling and dropout; a random one (logged) when absent. */
  seed?: number;
  /** Run name (default "music-<first file>") and experiment ("Music"). */
  name?: string;
  experiment?: string;
  backend?: BackendName | 'auto';
  /** Continue this music run from its last checkpoint, with its own corpus and settings (epochs may grow). */
  resumeRunId?: string;
  /** ONNX Runtime threads for the export's parity check. */
  threads?: number;
}

export interface MusicTrainHooks {
  signal?: AbortSignal;
  /** `fraction` of the whole job, 0..1, when known. */
  onProgress?: (message: string, fraction?: number) => void;
  onStarted?: (info: RunInfoMessage) => void;
  onLog?: (level: 'info' | 'warn', message: string) => void;
  cancelGraceMs?: number;
}

export interface MusicTrainResult extends TrainRunResult {
  vocabularySize: number;
  /** Training samples: windows and their next tokens. */
  windows: number;
  files: { file: string; track: string; notes: number; tokens: number }[];
  /** Files of the corpus that could not be used, and why. */
  problems: CorpusProblem[];
  /** The ONNX export (model/model.onnx in the run), or why there is none. */
  onnx: { file: string; maxAbsDiff?: number; parity?: string } | { error: string };
}

/** The MIDI files of some paths: files as given, folders searched recursively (sorted). */
export function expandMidiInputs(inputs: readonly string[]): string[] {
  if (inputs.length === 0) throw new UserError('no MIDI files or folders given');
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && MIDI_FILE.test(e.name)) out.push(p);
    }
  };
  for (const input of inputs) {
    const abs = path.resolve(input);
    const stat = fs.statSync(abs, { throwIfNoEntry: false });
    if (!stat) throw new UserError('no such file or folder', abs);
    if (stat.isDirectory()) {
      const before = out.length;
      walk(abs);
      if (out.length === before) throw new UserError('no .mid or .midi files in this folder', abs);
    } else out.push(abs);
  }
  return [...new Set(out)];
}

export interface FileTracks {
  file: string;
  tracks: TrackInfo[];
  /** The track training reads by default, absent when the file cannot be used. */
  defaultTrack?: number;
  error?: string;
}

/** Each MIDI file's tracks and default track (what the track choice offers); unreadable files say why. */
export function corpusTracks(inputs: readonly string[]): FileTracks[] {
  return expandMidiInputs(inputs).map(file => {
    try {
      const loaded = readMidiFile(file);
      const tracks = listTracks(loaded);
      try {
        return { file, tracks, defaultTrack: chooseTrack(loaded).index };
      } catch (err) {
        return { file, tracks, error: (err as Error).message };
      }
    } catch (err) {
      return { file, tracks: [], error: err instanceof UserError ? err.message : describeError(err) };
    }
  });
}

function positive(name: string, value: number | undefined, fallback: number, integer = true): number {
  const v = value ?? fallback;
  if (!(integer ? Number.isInteger(v) : Number.isFinite(v)) || v <= 0) throw new UserError(`${name} must be a ${integer ? 'whole ' : ''}number above 0, not ${value}`);
  return v;
}

/** Inputs and one-hot targets of every window, in SharedArrayBuffers (see the top of this file). */
export function windowDataset(encoded: EncodedCorpus, model: MusicModelOptions): Dataset {
  const vocabularySize = encoded.vocabulary.size;
  const w = cutWindows(encoded.sequences, model.window);
  if (w.count * vocabularySize * 4 > MAX_TARGET_BYTES) {
    throw new UserError(`${w.count} windows × ${vocabularySize} tokens of one-hot targets need ${(w.count * vocabularySize * 4 / 2 ** 30).toFixed(1)} GB: train on fewer files, a coarser grid or one track`);
  }
  const x = new Float32Array(new SharedArrayBuffer(w.count * w.length * 4));
  for (let i = 0; i < w.count; i++) encodeWindow(w.inputs.subarray(i * w.length, (i + 1) * w.length), vocabularySize, model.input, x, i * w.length);
  const y = new Float32Array(new SharedArrayBuffer(w.count * vocabularySize * 4));
  for (let i = 0; i < w.count; i++) y[i * vocabularySize + w.targets[i]] = 1;
  return {
    x: { values: x, shape: [w.count, ...sampleShape(model)] },
    y: { values: y, shape: [w.count, vocabularySize] },
    // Saved in model.json's metadata: the token of each output.
    classes: [...encoded.vocabulary.tokens],
  };
}

/** The most common value (ties: the first seen). */
function mostCommon<T>(values: T[]): T | undefined {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  let best: T | undefined;
  for (const [v, n] of counts) if (best === undefined || n > counts.get(best)!) best = v;
  return best;
}

const short = (text: string, max: number) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The run's parameters beside the runtime's own (epochs, batch_size, optimizer…). */
function musicParams(settings: Omit<MusicSettings, 'format' | 'version'>, encoded: EncodedCorpus, samples: number): Record<string, string | number | boolean> {
  const c = settings.corpus;
  const m = settings.model;
  return {
    'music.files': short(c.files.map(f => path.basename(f)).join(', '), 6000),
    'music.file_count': encoded.corpus.files.length,
    'music.track': c.track ?? 'default',
    'music.grid': c.grid,
    'music.max_steps': c.maxSteps,
    'music.transpose_to': c.transposeTo ?? 'none',
    'music.window': m.window,
    'music.units': m.units,
    'music.dense_units': m.denseUnits,
    'music.input': m.input,
    ...(m.input === 'embedding' ? { 'music.embedding_dim': m.embeddingDim } : {}),
    'music.vocabulary_size': settings.vocabularySize,
    'music.tokens': encoded.sequences.reduce((s, q) => s + q.length, 0),
    'music.notes': encoded.corpus.files.reduce((s, f) => s + f.notes.length, 0),
    'music.windows': samples,
  };
}

/** What a resumed run was started with; its corpus must still give the same vocabulary. */
async function resumeSettings(store: TrackingStore, runId: string): Promise<MusicSettings> {
  const { settings } = await loadMusicSettings(store, runId, path.join(os.tmpdir(), 'mlw-artifact-downloads'));
  return settings;
}

async function checkSameVocabulary(store: TrackingStore, runId: string, vocabulary: Vocabulary): Promise<void> {
  const saved = loadVocabulary(await store.artifactFile(runId, `${MUSIC_FOLDER}/${VOCABULARY_FILE}`, path.join(os.tmpdir(), 'mlw-artifact-downloads')));
  if (saved.tokens.length !== vocabulary.tokens.length || saved.tokens.some((t, i) => t !== vocabulary.tokens[i])) {
    throw new UserError(`the MIDI files of run ${runId} no longer give the vocabulary it was trained with (${saved.size} tokens then, ${vocabulary.size} now): start a new run`);
  }
}

/**
 * Trains the music model as a tracked run in the store `trackingUri` names (the training itself
 * runs in a worker thread). Cancellation stops after the current batch (CancelledError; the run
 * is KILLED and keeps its checkpoint for `resumeRunId`).
 */
export async function trainMusicModel(options: MusicTrainOptions, trackingUri: string, hooks: MusicTrainHooks = {}): Promise<MusicTrainResult> {
  const store = openTracker(trackingUri);
  const progress = hooks.onProgress ?? (() => {});
  const resumed = options.resumeRunId ? await resumeSettings(store, options.resumeRunId) : undefined;

  const corpusSettings = resumed ? resumed.corpus : {
    files: expandMidiInputs(options.inputs),
    track: options.track === undefined || options.track === '' ? undefined : String(options.track),
    includeDrums: options.includeDrums ?? false,
    transposeTo: options.transposeTo || undefined,
    grid: parseGrid(options.grid ?? '1/16').label,
    maxSteps: options.maxSteps ?? 0, // 0: the grid's default, filled in below
  };
  const model = resumed ? resumed.model : modelOptions(options.model);
  const training: TrainingSettings = resumed
    ? { ...resumed.training, epochs: positive('epochs', options.epochs, resumed.training.epochs) }
    : {
      epochs: positive('epochs', options.epochs, DEFAULT_TRAINING.epochs),
      batchSize: positive('batch size', options.batchSize, DEFAULT_TRAINING.batchSize),
      learningRate: positive('learning rate', options.learningRate, DEFAULT_TRAINING.learningRate, false),
      patience: options.patience ?? DEFAULT_TRAINING.patience,
      seed: options.seed ?? Math.floor(Math.random() * 2 ** 31),
    };
  if (!Number.isInteger(training.patience) || training.patience < 0) throw new UserError(`patience must be a whole number ≥ 0, not ${training.patience}`);
  if (!Number.isInteger(training.seed) || training.seed < 0) throw new UserError(`seed must be a whole number ≥ 0, not ${training.seed}`);

  progress(`reading ${corpusSettings.files.length} MIDI file${corpusSettings.files.length === 1 ? '' : 's'}`, 0);
  const encoded = encodeCorpus(corpusSettings.files, {
    track: corpusSettings.track,
    includeDrums: corpusSettings.includeDrums,
    grid: corpusSettings.grid,
    maxSteps: corpusSettings.maxSteps || undefined,
    transposeTo: corpusSettings.transposeTo,
    signal: hooks.signal,
    onProgress: (done, total, file) => { if (file) progress(`reading ${path.basename(file)} (${done + 1}/${total})`, 0); },
  });
  for (const p of encoded.corpus.problems) hooks.onLog?.('warn', `skipped ${p.file}: ${p.message}`);
  for (const f of encoded.corpus.files) for (const w of f.warnings) hooks.onLog?.('warn', `${f.file}: ${w}`);
  if (resumed) await checkSameVocabulary(store, options.resumeRunId!, encoded.vocabulary);
  const dataset = windowDataset(encoded, model);
  const samples = dataset.x.shape[0];

  const settings: Omit<MusicSettings, 'format' | 'version'> = {
    model,
    vocabularySize: encoded.vocabulary.size,
    corpus: { ...corpusSettings, maxSteps: encoded.corpus.maxSteps },
    training,
    bpm: encoded.corpus.files[0].bpm,
    program: mostCommon(encoded.corpus.files.filter(f => !f.track.drums).map(f => f.track.program)) ?? 0,
  };
  const config: TrainConfig = {
    file: corpusSettings.files[0],
    name: options.name || `music-${path.basename(corpusSettings.files[0]).replace(MIDI_FILE, '')}`,
    experiment: options.experiment || 'Music',
    backend: options.backend ?? 'auto',
    model: musicModelSpec(encoded.vocabulary.size, model),
    // The data comes in memory (request.dataset); this only fills the configuration's shape.
    data: { csv: '', autoencoder: false },
    epochs: training.epochs,
    batchSize: training.batchSize,
    validationSplit: 0,
    shuffle: true,
    optimizer: { type: 'adam', learningRate: training.learningRate },
    loss: 'categoricalCrossentropy',
    metrics: ['accuracy'],
    // The seed kept the weights of the lowest loss (ModelCheckpoint save_best_only): so do we.
    earlyStopping: training.patience > 0
      ? { monitor: 'loss', patience: training.patience, minDelta: 0, mode: 'auto', restoreBestWeights: true, startFromEpoch: 0 }
      : undefined,
    seed: training.seed,
  };

  // As soon as the worker has opened the run: settings, vocabulary, corpus, params and tags.
  let saving: Promise<void> = Promise.resolve();
  const saveStart = async (info: RunInfoMessage) => {
    if (info.resumed) return;
    const run = await store.openRun(info.runId);
    const folder = saveMusicArtifacts(run.localArtifactDir, settings, encoded.vocabulary, { files: encoded.corpus.files.map(f => f.file), sequences: encoded.sequences });
    await run.logArtifact(folder, MUSIC_FOLDER);
    await run.logParams(musicParams(settings, encoded, samples));
    await run.setTags({ [TAG_TASK]: 'train' });
  };
  let result: TrainRunResult;
  try {
    result = await runTrainingJob({ config, dataset, resumeRunId: options.resumeRunId }, trackingUri, {
      signal: hooks.signal,
      cancelGraceMs: hooks.cancelGraceMs,
      onBackend: c => hooks.onLog?.('info', c.description),
      onStarted: info => {
        saving = saveStart(info);
        saving.catch(() => undefined); // awaited below
        hooks.onStarted?.(info);
      },
      onProgress: p => progress(p.message, p.fraction * 0.97),
      onLog: (level, message) => hooks.onLog?.(level, message),
    });
  } catch (err) {
    await saving.catch(e => hooks.onLog?.('warn', `could not save the music settings of the run: ${describeError(e)}`));
    throw err;
  }
  try {
    await saving;
  } catch (err) {
    await (await store.openRun(result.runId)).end('FAILED').catch(() => undefined);
    throw new UserError(`the model trained, but its vocabulary and settings could not be saved with run ${result.runId}: ${describeError(err)}`);
  }

  progress('exporting the model to ONNX', 0.98);
  const onnxFile = path.join(result.modelDir, ONNX_FILE);
  let onnx: MusicTrainResult['onnx'];
  try {
    const exported: ExportFolderResult = await exportModelFolder(result.modelDir, onnxFile, { threads: options.threads });
    const run = await store.openRun(result.runId);
    await run.logArtifact(onnxFile, MODEL_FOLDER);
    const p = exported.parity;
    onnx = 'maxAbsDiff' in p ? { file: onnxFile, maxAbsDiff: p.maxAbsDiff, parity: p.ok ? 'ok' : `above the tolerance ${p.tolerance}` } : { file: onnxFile, parity: 'error' in p ? p.error : 'skipped' };
    await run.setTags({ 'mlw.music.onnxParity': 'maxAbsDiff' in p ? String(p.maxAbsDiff) : onnx.parity! });
    if ('maxAbsDiff' in p && !p.ok) hooks.onLog?.('warn', `the ONNX export differs from the TensorFlow.js model by up to ${p.maxAbsDiff} (tolerance ${p.tolerance}); generation can use --engine tfjs`);
  } catch (err) {
    onnx = { error: describeError(err) };
    hooks.onLog?.('warn', `the model could not be exported to ONNX (generation will use TensorFlow.js): ${onnx.error}`);
  }
  progress(`trained: run ${result.runId}`, 1);
  return {
    ...result,
    vocabularySize: encoded.vocabulary.size,
    windows: samples,
    files: encoded.corpus.files.map(f => ({ file: f.file, track: `${f.track.index}: ${f.track.name || f.track.instrument}`, notes: f.notes.length, tokens: f.tokens.length })),
    problems: encoded.corpus.problems,
    onnx,
  };
}

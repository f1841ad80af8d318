// What a music training run keeps beside its model (artifacts under music/), so that generation
// needs nothing but the run: the settings (model options, tokenisation, defaults for generated
// files), the vocabulary, and the corpus as token ids (random start windows come from it). All
// written atomically; read back with every field checked.
//
//   model/model.json, model/weights.bin   the trained model (TensorFlow.js layers format)
//   model/model.onnx                      its ONNX export (what generation runs by default)
//   music/settings.json                   MusicSettings
//   music/vocabulary.json                 the vocabulary (vocabulary.ts)
//   music/corpus.json                     the training files' token ids
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import type { RunData, TrackingStore } from '../tracking/types';
import { INPUT_ENCODINGS, type MusicModelOptions } from './model';
import { loadVocabulary, saveVocabulary, type Vocabulary } from './vocabulary';

export const MUSIC_FOLDER = 'music';
export const SETTINGS_FILE = 'settings.json';
export const VOCABULARY_FILE = 'vocabulary.json';
export const CORPUS_FILE = 'corpus.json';
/** The trained model's folder in the run (server/ml/train.ts' MODEL_FOLDER) and its ONNX export inside it. */
export const MODEL_FOLDER = 'model';
export const ONNX_FILE = 'model.onnx';

/** Run tags: what a run is ("train" or "generate"), and for a generation the training run it used. */
export const TAG_TASK = 'mlw.music.task';
export const TAG_TRAINING_RUN = 'mlw.music.trainingRun';

const SETTINGS_FORMAT = 'mlw-music-model';
const CORPUS_FORMAT = 'mlw-music-corpus';
const VERSION = 1;

export interface CorpusSettings {
  /** The MIDI files the corpus was read from, as given (absolute paths). */
  files: string[];
  /** The track asked for (index or name); absent: each file's default track. */
  track?: string;
  includeDrums: boolean;
  /** Every file was transposed from its key to this one. */
  transposeTo?: string;
  /** "1/16" */
  grid: string;
  maxSteps: number;
}

/** How the model was trained (what resuming a run must use again). */
export interface TrainingSettings {
  epochs: number;
  batchSize: number;
  learningRate: number;
  /** Early stopping on the loss after this many epochs without improvement; 0: no early stopping. */
  patience: number;
  seed: number;
}

export interface MusicSettings {
  format: typeof SETTINGS_FORMAT;
  version: number;
  model: MusicModelOptions;
  vocabularySize: number;
  corpus: CorpusSettings;
  training: TrainingSettings;
  /** Defaults for generated files: the corpus's tempo (quarter notes per minute) and GM program. */
  bpm: number;
  program: number;
}

export interface CorpusIds {
  files: string[];
  sequences: Int32Array[];
}

/** Writes settings, vocabulary and corpus under `<dir>/music/`, each file atomically. Returns the folder. */
export function saveMusicArtifacts(dir: string, settings: Omit<MusicSettings, 'format' | 'version'>, vocabulary: Vocabulary, corpus: CorpusIds): string {
  const folder = path.join(dir, MUSIC_FOLDER);
  saveVocabulary(path.join(folder, VOCABULARY_FILE), vocabulary);
  const corpusJson = { format: CORPUS_FORMAT, version: VERSION, files: corpus.files, sequences: corpus.sequences.map(s => Array.from(s)) };
  writeFileAtomic(path.join(folder, CORPUS_FILE), JSON.stringify(corpusJson) + '\n');
  // Settings last: their presence says the other two are complete.
  writeFileAtomic(path.join(folder, SETTINGS_FILE), JSON.stringify({ format: SETTINGS_FORMAT, version: VERSION, ...settings }, null, 1) + '\n');
  return folder;
}

export function readJson(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, file);
  }
}

/** Field checks that name the field and the file. */
class Fields {
  constructor(private readonly file: string) {}
  fail(field: string, message: string): never {
    throw new UserError(`field "${field}" ${message}`, this.file);
  }
  object(value: unknown, field: string): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(field, 'must be an object');
    return value as Record<string, unknown>;
  }
  int(o: Record<string, unknown>, key: string, field: string, min = 1, max = Number.MAX_SAFE_INTEGER): number {
    const v = o[key];
    if (!Number.isInteger(v) || (v as number) < min || (v as number) > max) this.fail(field, `must be a whole number from ${min} to ${max}, not ${JSON.stringify(v)}`);
    return v as number;
  }
  string(o: Record<string, unknown>, key: string, field: string, optional = false): string | undefined {
    const v = o[key];
    if (v === undefined && optional) return undefined;
    if (typeof v !== 'string') this.fail(field, `must be a string, not ${JSON.stringify(v)}`);
    return v as string;
  }
}

export function parseSettings(json: unknown, file: string): MusicSettings {
  const f = new Fields(file);
  const o = f.object(json, '(top level)');
  if (o.format !== SETTINGS_FORMAT) f.fail('format', `must be "${SETTINGS_FORMAT}", not ${JSON.stringify(o.format)}`);
  if (o.version !== VERSION) f.fail('version', `must be ${VERSION}, not ${JSON.stringify(o.version)}`);
  const m = f.object(o.model, 'model');
  if (!INPUT_ENCODINGS.includes(m.input as never)) f.fail('model.input', `must be ${INPUT_ENCODINGS.join(' or ')}, not ${JSON.stringify(m.input)}`);
  const c = f.object(o.corpus, 'corpus');
  if (!Array.isArray(c.files) || c.files.some(x => typeof x !== 'string')) f.fail('corpus.files', 'must be a list of file names');
  if (typeof c.includeDrums !== 'boolean') f.fail('corpus.includeDrums', 'must be true or false');
  if (typeof o.bpm !== 'number' || !(o.bpm > 0)) f.fail('bpm', `must be a number above 0, not ${JSON.stringify(o.bpm)}`);
  const t = f.object(o.training, 'training');
  if (typeof t.learningRate !== 'number' || !(t.learningRate > 0)) f.fail('training.learningRate', `must be a number above 0, not ${JSON.stringify(t.learningRate)}`);
  return {
    format: SETTINGS_FORMAT,
    version: VERSION,
    model: {
      window: f.int(m, 'window', 'model.window'),
      units: f.int(m, 'units', 'model.units'),
      denseUnits: f.int(m, 'denseUnits', 'model.denseUnits'),
      input: m.input as MusicModelOptions['input'],
      embeddingDim: f.int(m, 'embeddingDim', 'model.embeddingDim'),
    },
    vocabularySize: f.int(o, 'vocabularySize', 'vocabularySize'),
    corpus: {
      files: c.files as string[],
      track: f.string(c, 'track', 'corpus.track', true),
      includeDrums: c.includeDrums as boolean,
      transposeTo: f.string(c, 'transposeTo', 'corpus.transposeTo', true),
      grid: f.string(c, 'grid', 'corpus.grid')!,
      maxSteps: f.int(c, 'maxSteps', 'corpus.maxSteps'),
    },
    training: {
      epochs: f.int(t, 'epochs', 'training.epochs'),
      batchSize: f.int(t, 'batchSize', 'training.batchSize'),
      learningRate: t.learningRate as number,
      patience: f.int(t, 'patience', 'training.patience', 0),
      seed: f.int(t, 'seed', 'training.seed', 0),
    },
    bpm: o.bpm as number,
    program: f.int(o, 'program', 'program', 0, 127),
  };
}

export function parseCorpus(json: unknown, file: string, vocabularySize: number): CorpusIds {
  const f = new Fields(file);
  const o = f.object(json, '(top level)');
  if (o.format !== CORPUS_FORMAT) f.fail('format', `must be "${CORPUS_FORMAT}", not ${JSON.stringify(o.format)}`);
  if (!Array.isArray(o.files) || o.files.some(x => typeof x !== 'string')) f.fail('files', 'must be a list of file names');
  if (!Array.isArray(o.sequences) || o.sequences.length !== (o.files as string[]).length) f.fail('sequences', 'must be a list with one token-id list per file');
  const sequences = (o.sequences as unknown[]).map((s, i) => {
    if (!Array.isArray(s)) f.fail(`sequences[${i}]`, 'must be a list of token ids');
    const ids = Int32Array.from(s as number[]);
    (s as unknown[]).forEach((id, j) => {
      if (!Number.isInteger(id) || (id as number) < 0 || (id as number) >= vocabularySize) f.fail(`sequences[${i}][${j}]`, `must be a token id from 0 to ${vocabularySize - 1}, not ${JSON.stringify(id)}`);
    });
    return ids;
  });
  return { files: o.files as string[], sequences };
}

/** A trained music model as its run holds it. */
export interface MusicModelRun {
  run: RunData;
  settings: MusicSettings;
  vocabulary: Vocabulary;
  corpus: CorpusIds;
  /** The ONNX export, when the run has one (else why not). */
  onnx: { file: string } | { missing: string };
  /** The folder of the TensorFlow.js model (downloaded first from a server). */
  tfjsModelDir(): Promise<string>;
}

/** A run and its music settings; a run without them is a UserError saying it is no music model. */
export async function loadMusicSettings(store: TrackingStore, runId: string, downloadDir: string): Promise<{ run: RunData; settings: MusicSettings; settingsFile: string }> {
  const run = await store.getRun(runId);
  let settingsFile: string;
  try {
    settingsFile = await store.artifactFile(runId, `${MUSIC_FOLDER}/${SETTINGS_FILE}`, downloadDir);
  } catch {
    throw new UserError(`run ${runId} (${run.info.runName}) is not a music model: it has no ${MUSIC_FOLDER}/${SETTINGS_FILE} (train one with "mlw music train" or "Train Music Model on MIDI…")`);
  }
  return { run, settings: parseSettings(readJson(settingsFile), settingsFile), settingsFile };
}

/** Reads the music model of a training run; a run that is not one, or not finished, is a UserError saying so. */
export async function loadMusicModelRun(store: TrackingStore, runId: string, downloadDir: string): Promise<MusicModelRun> {
  const { run, settings, settingsFile } = await loadMusicSettings(store, runId, downloadDir);
  const name = `run ${runId} (${run.info.runName})`;
  const artifact = (rel: string) => store.artifactFile(runId, rel, downloadDir);
  const vocabulary = loadVocabulary(await artifact(`${MUSIC_FOLDER}/${VOCABULARY_FILE}`));
  if (vocabulary.size !== settings.vocabularySize) {
    throw new UserError(`the vocabulary has ${vocabulary.size} tokens but the settings say ${settings.vocabularySize}`, settingsFile);
  }
  const corpusFile = await artifact(`${MUSIC_FOLDER}/${CORPUS_FILE}`);
  const corpus = parseCorpus(readJson(corpusFile), corpusFile, vocabulary.size);
  const artifacts = await store.listArtifacts(runId, MODEL_FOLDER).catch(() => []);
  const has = (file: string) => artifacts.some(a => a.path === `${MODEL_FOLDER}/${file}` && !a.isDir);
  if (!has('model.json')) {
    throw new UserError(`${name} has no trained model yet (status ${run.info.status}): its training ${run.info.status === 'RUNNING' ? 'is still running' : 'did not finish; resume it first'}`);
  }
  const onnx = has(ONNX_FILE)
    ? { file: await artifact(`${MODEL_FOLDER}/${ONNX_FILE}`) }
    : { missing: `${name} has no ${MODEL_FOLDER}/${ONNX_FILE} (its export failed or was not made)` };
  return {
    run, settings, vocabulary, corpus, onnx,
    async tfjsModelDir() {
      const json = await artifact(`${MODEL_FOLDER}/model.json`);
      const manifest = (readJson(json) as { weightsManifest?: { paths: string[] }[] }).weightsManifest ?? [];
      for (const p of manifest.flatMap(g => g.paths)) await artifact(`${MODEL_FOLDER}/${p}`);
      return path.dirname(json);
    },
  };
}

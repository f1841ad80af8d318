// Generating music with a trained model (the seed's loop): start from a window of tokens — a
// random window of the training corpus (seeded) or one given — ask the model for the next
// token's probabilities, choose one (argmax as the seed did, or temperature / top-k sampling
// with a seed), slide the window, and repeat until the requested number of notes is there. The
// tokens become a MIDI file (tempo, GM program, optional transposition to a key), written
// beside the workspace and kept as an artifact of the generation's own tracked run, which a tag
// links to the training run.
//
// "N notes" counts notes of the file: a chord token counts each of its pitches, shift and
// duration tokens count nothing. The start window itself is not part of the output.
import * as os from 'node:os';
import * as path from 'node:path';
import { describeError, throwIfAborted, UserError } from '../common/errors';
import { logJsonArtifact, runTracked } from '../tracking/trackedJob';
import type { TrackingStore } from '../tracking/types';
import { loadCorpusFile } from './corpus';
import { openOnnxModel, openTfjsModel, type EngineName, type NextTokenModel } from './generateEngines';
import { parseKey } from './key';
import { encodeWindow, sampleShape, type InputEncoding } from './model';
import { loadMusicModelRun, TAG_TASK, TAG_TRAINING_RUN, type MusicModelRun } from './modelArtifacts';
import { chooseToken, createRng, type Rng, type SamplingOptions } from './sampling';
import { parseGrid, parseToken, pitchesToken, type Token } from './tokens';
import type { Vocabulary } from './vocabulary';
import { decodeTokens, resolveProgram, writeMidiFile } from './writeMidi';

export const DEFAULT_NOTES = 1000;

export interface SampleOptions {
  vocabularySize: number;
  input: InputEncoding;
  sampling: SamplingOptions;
  rng: Rng;
  /** Tokens to generate at most. */
  maxTokens: number;
  /** Called with each new token id; true stops the loop (the token is kept). */
  stop?: (id: number) => boolean;
  signal?: AbortSignal;
  onToken?: (id: number, count: number) => void;
}

/**
 * The autoregressive loop: `start` (W token ids, W the model's window) → generated ids. One
 * batch-1 model step per token.
 */
export async function sampleTokens(model: NextTokenModel, start: ArrayLike<number>, options: SampleOptions): Promise<Int32Array> {
  const w = start.length;
  const window = Int32Array.from(start);
  const input = new Float32Array(w);
  const out: number[] = [];
  while (out.length < options.maxTokens) {
    throwIfAborted(options.signal);
    encodeWindow(window, options.vocabularySize, options.input, input);
    const probabilities = await model.predict(input);
    const id = chooseToken(probabilities, options.sampling, options.rng);
    out.push(id);
    window.copyWithin(0, 1);
    window[w - 1] = id;
    options.onToken?.(id, out.length);
    if (options.stop?.(id)) break;
  }
  return Int32Array.from(out);
}

/** Counts the notes tokens make as tokensToNotes() decodes them: one per distinct (onset, pitch). */
export class NoteCounter {
  private time = 0;
  private readonly seen = new Set<number>();

  get count(): number {
    return this.seen.size;
  }

  /** Whether this pitch already has a note at the current onset (a second one merges with it). */
  sounding(pitch: number): boolean {
    return this.seen.has(this.time * 128 + pitch);
  }

  add(token: Token): void {
    if (token.kind === 'shift') this.time += token.steps;
    if (token.kind === 'pitches') for (const p of token.pitches) this.seen.add(this.time * 128 + p);
  }
}

export interface GeneratedNotes {
  /** The ids the model produced and the output keeps (the start window not included). */
  ids: Int32Array;
  /** Model steps taken: the ids, and the one that ended the loop when it was dropped. */
  steps: number;
  /** The tokens that make exactly `notes` notes (a chord that crosses the count is cut to the pitches that fit). */
  tokens: string[];
  notes: number;
}

/**
 * Generates until `notes` notes are there, then lets the model finish the last note's duration
 * (the duration tokens that follow; the first other token ends the loop and is dropped). Gives up
 * after `maxTokens` tokens (by default 20 a note) with what it has.
 */
export async function generateNotes(
  model: NextTokenModel, start: ArrayLike<number>, vocabulary: Vocabulary,
  options: Omit<SampleOptions, 'vocabularySize' | 'stop' | 'maxTokens'> & { notes: number; maxTokens?: number; onNotes?: (notes: number) => void },
): Promise<GeneratedNotes> {
  if (!Number.isInteger(options.notes) || options.notes < 1) throw new UserError(`the number of notes must be a whole number above 0, not ${options.notes}`);
  const parsed = vocabulary.tokens.map(t => parseToken(t)!);
  const counter = new NoteCounter();
  let reached = false;
  let dropLast = false;
  const ids = await sampleTokens(model, start, {
    ...options,
    vocabularySize: vocabulary.size,
    maxTokens: options.maxTokens ?? Math.max(1000, options.notes * 20),
    stop: id => {
      const token = parsed[id];
      if (reached) {
        dropLast = token.kind !== 'duration';
        return dropLast;
      }
      counter.add(token);
      options.onNotes?.(counter.count);
      reached = counter.count >= options.notes;
      return false;
    },
  });
  const kept = dropLast ? ids.subarray(0, ids.length - 1) : ids;
  // The tokens again; the chord that crosses the count keeps its pitches that fit (and those
  // that merge with a note already sounding at its onset).
  const exact = new NoteCounter();
  const tokens: string[] = [];
  for (const id of kept) {
    const token = parsed[id];
    let text = vocabulary.tokens[id];
    if (token.kind === 'pitches') {
      let room = options.notes - exact.count;
      const fits = token.pitches.filter(p => exact.sounding(p) || room-- > 0);
      if (fits.length < token.pitches.length) text = pitchesToken(fits);
      exact.add({ kind: 'pitches', pitches: fits });
    } else exact.add(token);
    tokens.push(text);
  }
  return { ids: Int32Array.from(kept), steps: ids.length, tokens, notes: exact.count };
}

// ---- the start window --------------------------------------------------------------------------

export type StartSpec = { tokens: string[] } | { midiFile: string };

export interface StartWindow {
  ids: Int32Array;
  /** Where it came from, for the run's params and the result. */
  description: string;
}

/** A window of the corpus chosen uniformly among all of them (every file's every start). */
export function randomCorpusWindow(sequences: readonly ArrayLike<number>[], files: readonly string[], window: number, rng: Rng): StartWindow {
  const starts = sequences.map(s => Math.max(0, s.length - window + 1));
  const total = starts.reduce((a, b) => a + b, 0);
  if (total === 0) throw new UserError(`no file of the corpus has the ${window} tokens a start window needs`);
  let pick = Math.floor(rng() * total);
  let fileIndex = 0;
  while (pick >= starts[fileIndex]) pick -= starts[fileIndex++];
  const ids = Int32Array.from(Array.prototype.slice.call(sequences[fileIndex], pick, pick + window) as number[]);
  return { ids, description: `${path.basename(files[fileIndex] ?? `file ${fileIndex}`)}, tokens ${pick}–${pick + window - 1}` };
}

/** The last `window` tokens of some given tokens, which must all be in the vocabulary. */
function givenWindow(tokens: readonly string[], vocabulary: Vocabulary, window: number, source: string, file?: string): StartWindow {
  const unknown = [...new Set(tokens.filter(t => !vocabulary.has(t)))];
  if (unknown.length) {
    const shown = unknown.slice(0, 8).map(t => `"${t}"`).join(', ');
    throw new UserError(`${unknown.length} distinct token(s) of the start are not in the model's vocabulary: ${shown}${unknown.length > 8 ? ', …' : ''} (the model knows ${vocabulary.size} tokens of its training corpus)`, file);
  }
  if (tokens.length < window) throw new UserError(`the start has ${tokens.length} token(s); the model needs a window of ${window}`, file);
  return { ids: vocabulary.encode(tokens.slice(tokens.length - window)), description: `${source}, its last ${window} tokens` };
}

function startWindow(spec: StartSpec | undefined, model: MusicModelRun, rng: Rng): StartWindow {
  const { window } = model.settings.model;
  if (!spec) return randomCorpusWindow(model.corpus.sequences, model.corpus.files, window, rng);
  if ('tokens' in spec) return givenWindow(spec.tokens, model.vocabulary, window, 'given tokens');
  const c = model.settings.corpus;
  // The file is read as the corpus was: same track choice, grid and transposition.
  const f = loadCorpusFile(path.resolve(spec.midiFile), { track: c.track, includeDrums: c.includeDrums, grid: c.grid, maxSteps: c.maxSteps, transposeTo: c.transposeTo });
  return givenWindow(f.tokens, model.vocabulary, window, path.basename(f.file), f.file);
}

// ---- a generation run -----------------------------------------------------------------------

export interface GenerateMidiOptions {
  /** The training run of a music model. */
  runId: string;
  /** The .mid file to write (replaced if it exists). */
  output: string;
  notes?: number;
  /** Sampling temperature; absent or 0: argmax (the seed). */
  temperature?: number;
  /** Sample among the k most likely tokens only. */
  topK?: number;
  /** Seeds the start window's choice and the sampling; a random one (logged) when absent. */
  seed?: number;
  /** Start from these tokens or this MIDI file's last window instead of a random window of the corpus. */
  start?: StartSpec;
  /** Transpose the result to this key ("C", "A minor"). */
  transposeTo?: string;
  /** Tempo of the file; default the corpus's. */
  bpm?: number;
  /** GM program (0–127 or a name); default the corpus's. */
  program?: number | string;
  /** "auto" (default): ONNX Runtime when the run has an ONNX export and the runtime loads, else TensorFlow.js. */
  engine?: 'auto' | EngineName;
  /** ONNX Runtime's intraOpNumThreads (1 by default: fastest for batch-1 steps, bench/README.md). */
  threads?: number;
  /** Where artifacts of a remote store are downloaded. */
  downloadDir?: string;
  runName?: string;
  signal?: AbortSignal;
  onProgress?: (message: string, fraction: number) => void;
  onLog?: (level: 'info' | 'warn', message: string) => void;
}

export interface GenerateMidiResult {
  /** The generation's run. */
  runId: string;
  trainingRunId: string;
  output: string;
  notes: number;
  tokens: number;
  /** Model steps taken (tokens generated, the dropped last one included). */
  steps: number;
  engine: EngineName;
  /** Why the preferred engine was not used, when it was not. */
  engineNote?: string;
  seconds: number;
  msPerStep: number;
  start: string;
  seed: number;
  sampling: SamplingOptions;
  key?: string;
  transposedBy: number;
  bpm: number;
  program: number;
  instrument: string;
  /** Tokens out of place in what the model produced (skipped or completed when decoding). */
  issues: number;
  warnings: string[];
}

export function samplingOf(temperature: number | undefined, topK: number | undefined): SamplingOptions {
  if (temperature !== undefined && (!Number.isFinite(temperature) || temperature < 0)) throw new UserError(`temperature must be a number ≥ 0 (0: argmax), not ${temperature}`);
  if (topK !== undefined) {
    if (!Number.isInteger(topK) || topK < 1) throw new UserError(`top-k must be a whole number ≥ 1, not ${topK}`);
    return { strategy: 'top-k', k: topK, temperature: temperature || 1 };
  }
  return temperature ? { strategy: 'temperature', temperature } : { strategy: 'argmax' };
}

async function openModel(model: MusicModelRun, options: GenerateMidiOptions): Promise<{ engine: NextTokenModel; note?: string }> {
  const shape = sampleShape(model.settings.model);
  const want = options.engine ?? 'auto';
  if (want !== 'auto' && want !== 'onnx' && want !== 'tfjs') throw new UserError(`engine must be auto, onnx or tfjs, not "${want}"`);
  if (want !== 'tfjs') {
    if ('file' in model.onnx) {
      try {
        return { engine: await openOnnxModel(model.onnx.file, shape, options.threads ?? 1) };
      } catch (err) {
        if (want === 'onnx' || !(err instanceof UserError)) throw err;
        const note = `ONNX Runtime not used: ${describeError(err)}`;
        return { engine: await openTfjsModel(await model.tfjsModelDir(), shape), note };
      }
    }
    if (want === 'onnx') throw new UserError(model.onnx.missing);
    return { engine: await openTfjsModel(await model.tfjsModelDir(), shape), note: model.onnx.missing };
  }
  return { engine: await openTfjsModel(await model.tfjsModelDir(), shape) };
}

/** Generates a MIDI file with a trained music model, as a tracked run in `store`. */
export async function generateMidi(store: TrackingStore, options: GenerateMidiOptions): Promise<GenerateMidiResult> {
  const notes = options.notes ?? DEFAULT_NOTES;
  if (!Number.isInteger(notes) || notes < 1) throw new UserError(`the number of notes must be a whole number above 0, not ${notes}`);
  const sampling = samplingOf(options.temperature, options.topK);
  const seed = options.seed ?? Math.floor(Math.random() * 2 ** 31);
  if (!Number.isInteger(seed) || seed < 0) throw new UserError(`seed must be a whole number ≥ 0, not ${seed}`);
  if (options.bpm !== undefined && !(options.bpm > 0 && options.bpm <= 1000)) throw new UserError(`tempo must be between 0 and 1000 bpm, not ${options.bpm}`);
  if (options.transposeTo) parseKey(options.transposeTo); // a bad key fails before any run starts
  const output = path.resolve(options.output);
  if (!/\.midi?$/i.test(output)) throw new UserError('the output must be a .mid or .midi file', output);
  const progress = options.onProgress ?? (() => {});

  progress(`loading the model of run ${options.runId}`, 0);
  const model = await loadMusicModelRun(store, options.runId, options.downloadDir ?? path.join(os.tmpdir(), 'mlw-artifact-downloads'));
  const program = options.program === undefined ? model.settings.program : resolveProgram(options.program);
  const bpm = options.bpm ?? model.settings.bpm;
  const rng = createRng(seed);
  const start = startWindow(options.start, model, rng);
  const grid = parseGrid(model.settings.corpus.grid);
  const experiment = (await store.listExperiments()).find(e => e.experimentId === model.run.info.experimentId)?.name ?? 'Music';
  const { engine, note } = await openModel(model, options);
  if (note) options.onLog?.('info', note);

  try {
    const params = {
      training_run: options.runId,
      notes,
      sampling: sampling.strategy,
      ...(sampling.strategy !== 'argmax' ? { temperature: sampling.temperature ?? 1 } : {}),
      ...(sampling.strategy === 'top-k' ? { top_k: sampling.k } : {}),
      seed,
      start: start.description,
      engine: engine.engine,
      bpm,
      program,
      transpose_to: options.transposeTo ?? 'none',
    };
    return await runTracked(store, {
      experiment,
      runName: options.runName ?? `generate-${model.run.info.runName}`,
      params,
      tags: { [TAG_TASK]: 'generate', [TAG_TRAINING_RUN]: options.runId },
    }, async run => {
      const t0 = performance.now();
      let lastReport = 0;
      const generated = await generateNotes(engine, start.ids, model.vocabulary, {
        notes, input: model.settings.model.input, sampling, rng, signal: options.signal,
        onNotes: n => {
          const now = performance.now();
          if (now - lastReport < 200) return;
          lastReport = now;
          progress(`${n} of ${notes} notes (${engine.engine === 'onnx' ? 'ONNX Runtime' : 'TensorFlow.js'})`, n / notes);
        },
      });
      const seconds = (performance.now() - t0) / 1000;
      const warnings: string[] = [];
      if (note) warnings.push(note);
      if (generated.notes < notes) warnings.push(`the model made only ${generated.notes} notes in ${generated.ids.length} tokens (it kept producing time shifts and durations); the file has those`);
      const decoded = decodeTokens(generated.tokens, grid, { bpm, program, transposeTo: options.transposeTo, name: path.basename(output).replace(/\.midi?$/i, '') });
      writeMidiFile(output, decoded.midi);
      await run.logArtifact(output);
      await logJsonArtifact(run, 'tokens.json', { start: model.vocabulary.decode(start.ids), generated: generated.tokens });
      const steps = generated.steps;
      await run.logMetrics([
        { key: 'generated_notes', value: decoded.notes.length, step: 0, timestamp: Date.now() },
        { key: 'generated_tokens', value: generated.tokens.length, step: 0, timestamp: Date.now() },
        { key: 'seconds', value: seconds, step: 0, timestamp: Date.now() },
        { key: 'ms_per_step', value: (seconds * 1000) / steps, step: 0, timestamp: Date.now() },
      ]);
      if (decoded.issues.length) warnings.push(`${decoded.issues.length} token(s) out of place were skipped or completed (e.g. ${decoded.issues[0].message})`);
      progress(`${decoded.notes.length} notes written to ${path.basename(output)}`, 1);
      return {
        runId: run.runId,
        trainingRunId: options.runId,
        output,
        notes: decoded.notes.length,
        tokens: generated.tokens.length,
        steps,
        engine: engine.engine,
        engineNote: note,
        seconds,
        msPerStep: (seconds * 1000) / steps,
        start: start.description,
        seed,
        sampling,
        key: decoded.key?.name,
        transposedBy: decoded.transposedBy,
        bpm,
        program,
        instrument: decoded.instrument,
        issues: decoded.issues.length,
        warnings,
      };
    });
  } finally {
    await engine.dispose().catch(() => undefined);
  }
}

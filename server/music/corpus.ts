// A corpus of MIDI files turned into token sequences: one track per file (the default choice or
// the one asked for), optionally transposed to a common key, quantised to the grid and
// tokenised. A file that cannot be used (corrupt, no notes, only drums…) is reported and the
// others still load; only a corpus of which no file loads is an error.
import * as path from 'node:path';
import { UserError, describeError, throwIfAborted } from '../common/errors';
import { detectKey, keyName, parseKey, rankKeys, pitchClassWeights, transposePitches, transpositionTo, type KeyEstimate } from './key';
import { readMidiFile } from './midiFile';
import { defaultMaxSteps, notesToTokens, parseGrid, quantize, type Grid, type GridNote } from './tokens';
import { chooseTrack, trackNotes, type TrackChoice, type TrackInfo } from './tracks';
import { Vocabulary } from './vocabulary';

export interface CorpusOptions extends TrackChoice {
  /** "1/16" by default. */
  grid?: string | Grid;
  /** Longest single shift/duration token in steps; two whole notes by default. */
  maxSteps?: number;
  /** Transpose every file from its detected key to this one ("C", "A minor"…). */
  transposeTo?: string;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, file: string) => void;
}

export interface CorpusFile {
  file: string;
  track: TrackInfo;
  ticksPerBeat: number;
  /** The first tempo of the file, in quarter notes per minute (120 when it sets none). */
  bpm: number;
  /** The key detected before any transposition. */
  key: KeyEstimate;
  /** Semitones applied (0 without transposeTo). */
  transposedBy: number;
  notes: GridNote[];
  tokens: string[];
  /** Warnings of the file's reading (invalid meta events…) and of the transposition. */
  warnings: string[];
}

export interface CorpusProblem {
  file: string;
  message: string;
}

export interface Corpus {
  grid: Grid;
  maxSteps: number;
  files: CorpusFile[];
  problems: CorpusProblem[];
}

/** One file of a corpus; throws a UserError naming the file when it cannot be used. */
export function loadCorpusFile(file: string, options: CorpusOptions = {}): CorpusFile {
  const grid = typeof options.grid === 'object' ? options.grid : parseGrid(options.grid ?? '1/16');
  const maxSteps = options.maxSteps ?? defaultMaxSteps(grid);
  const loaded = readMidiFile(file);
  const track = chooseTrack(loaded, options);
  let notes = quantize(trackNotes(loaded, track.index), loaded.ticksPerBeat, grid);
  const warnings = loaded.warnings.map(w => w.message);
  const key = detectKey(notes);
  let transposedBy = 0;
  if (options.transposeTo && !track.drums) {
    transposedBy = transpositionTo(key, parseKey(options.transposeTo));
    const moved = transposePitches(notes, transposedBy);
    notes = moved.notes;
    if (moved.folded) warnings.push(`${moved.folded} note(s) moved by an octave to stay within MIDI's range after transposing ${keyName(key)} by ${transposedBy}`);
  }
  return {
    file,
    track,
    ticksPerBeat: loaded.ticksPerBeat,
    bpm: loaded.midi.header.tempos[0]?.bpm ?? 120,
    key,
    transposedBy,
    notes,
    tokens: notesToTokens(notes, maxSteps),
    warnings,
  };
}

export function loadCorpus(files: readonly string[], options: CorpusOptions = {}): Corpus {
  const grid = typeof options.grid === 'object' ? options.grid : parseGrid(options.grid ?? '1/16');
  const maxSteps = options.maxSteps ?? defaultMaxSteps(grid);
  if (options.transposeTo) parseKey(options.transposeTo); // a bad key fails before any file is read
  const out: Corpus = { grid, maxSteps, files: [], problems: [] };
  files.forEach((file, i) => {
    throwIfAborted(options.signal);
    options.onProgress?.(i, files.length, file);
    try {
      out.files.push(loadCorpusFile(file, { ...options, grid, maxSteps }));
    } catch (err) {
      if (!(err instanceof UserError)) throw err;
      out.problems.push({ file, message: err.file ? err.message : describeError(err) });
    }
  });
  options.onProgress?.(files.length, files.length, '');
  return out;
}

/** The key of the whole corpus (as loaded, so after any transposition): all its notes' pitch classes together. */
export function corpusKey(corpus: Corpus): KeyEstimate {
  const weights = new Array<number>(12).fill(0);
  for (const f of corpus.files) pitchClassWeights(f.notes).forEach((w, pc) => { weights[pc] += w; });
  if (weights.every(w => w === 0)) throw new UserError('no notes to find a key in');
  return rankKeys(weights)[0];
}

export interface EncodedCorpus {
  corpus: Corpus;
  vocabulary: Vocabulary;
  /** Token ids of each loaded file, in the order of corpus.files. */
  sequences: Int32Array[];
}

/** The corpus, its vocabulary and each file's token ids. Throws when no file could be used. */
export function encodeCorpus(files: readonly string[], options: CorpusOptions = {}): EncodedCorpus {
  if (files.length === 0) throw new UserError('no MIDI files given');
  const corpus = loadCorpus(files, options);
  if (corpus.files.length === 0) {
    const reasons = corpus.problems.map(p => `${path.basename(p.file)}: ${p.message}`).join('; ');
    throw new UserError(`none of the ${files.length} MIDI file(s) could be used (${reasons})`);
  }
  const vocabulary = Vocabulary.fromSequences(corpus.files.map(f => f.tokens), corpus.grid, corpus.maxSteps);
  return { corpus, vocabulary, sequences: corpus.files.map(f => vocabulary.encode(f.tokens)) };
}

// The music model end to end on a corpus small enough to learn in seconds (music.modelPhrase.ts:
// a two-bar phrase repeated, written as MIDI bytes by hand). A tiny version of the seed's
// network, trained through the ML runtime in its worker, must learn the phrase well enough that
// argmax generation continues it note for note; the generated files parse back (@tonejs/midi)
// with exactly the notes asked for; ONNX Runtime and TensorFlow.js choose the same tokens; the
// same seed gives the same file; runs, artifacts and links are where they should be.
import { before, test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Midi } from '@tonejs/midi';
import { CancelledError, UserError } from '../../server/common/errors';
import { encodeCorpus } from '../../server/music/corpus';
import { generateMidi, randomCorpusWindow, type GenerateMidiOptions } from '../../server/music/generate';
import { createRng } from '../../server/music/sampling';
import { trainMusicModel, windowDataset, type MusicTrainResult } from '../../server/music/train';
import { openTracker } from '../../server/tracking/tracker';
import type { TrackingStore } from '../../server/tracking/types';
import { tempDir, write } from './helpers';
import { conductorTrack, notesTrack, smf } from './music.midiBytes';
import { BPM, notesOf, PHRASE, PHRASE_TOKENS, PHRASE_VOCABULARY, phraseFile, phraseStart, PROGRAM } from './music.modelPhrase';

const TINY = { window: 8, units: 16, denseUnits: 32 };
const FAST = { model: TINY, epochs: 60, batchSize: 16, learningRate: 0.01, patience: 5, seed: 7 };

// One trained model for the generation tests (training takes a few seconds).
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-music-model-'));
process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
const tracking = path.join(root, 'mlruns');
const corpus = path.join(root, 'corpus');
let store: TrackingStore;
let trained: MusicTrainResult;

before(async () => {
  phraseFile(corpus, 'a.mid', 16);
  phraseFile(corpus, 'b.mid', 12);
  store = openTracker(tracking);
  trained = await trainMusicModel({ inputs: [corpus], ...FAST }, tracking);
});

const generate = (name: string, options: Omit<GenerateMidiOptions, 'runId' | 'output'>) =>
  generateMidi(store, { runId: trained.runId, output: path.join(root, 'out', name), ...options });

test('training: a tracked run with the music settings, vocabulary, corpus and an ONNX export beside the model', async () => {
  assert.equal(trained.status, 'FINISHED');
  assert.deepEqual(trained.files.map(f => path.basename(f.file)), ['a.mid', 'b.mid']);
  assert.equal(trained.vocabularySize, PHRASE_VOCABULARY);
  // Tokens: 24 a cycle less the shift after the last one; windows: tokens − window.
  assert.equal(trained.windows, (16 * 24 - 1 - 8) + (12 * 24 - 1 - 8));
  // Far below chance (ln 15 ≈ 2.7); dropout keeps the training loss itself noisy.
  assert.ok(trained.best && trained.best.value < 0.5, `best loss ${JSON.stringify(trained.best)}`);
  assert.ok('file' in trained.onnx && trained.onnx.parity === 'ok', JSON.stringify(trained.onnx));

  const run = await store.getRun(trained.runId);
  assert.equal(run.tags['mlw.music.task'], 'train');
  assert.equal(run.params['music.vocabulary_size'], String(PHRASE_VOCABULARY));
  assert.equal(run.params['music.window'], '8');
  assert.equal(run.params['music.files'], 'a.mid, b.mid');
  assert.equal(run.params.loss, 'categoricalCrossentropy');
  assert.equal(run.params.layers, 'LSTM,Dropout,LSTM,Flatten,Dense,Dropout,Dense');
  const files = (await store.listArtifacts(trained.runId, 'music')).map(a => a.path).sort();
  assert.deepEqual(files, ['music/corpus.json', 'music/settings.json', 'music/vocabulary.json']);
  const model = (await store.listArtifacts(trained.runId, 'model')).map(a => a.path).sort();
  assert.deepEqual(model, ['model/model.json', 'model/model.onnx', 'model/weights.bin']);
  const vocabulary = JSON.parse(fs.readFileSync(await store.artifactFile(trained.runId, 'music/vocabulary.json', root), 'utf8'));
  assert.deepEqual([...vocabulary.tokens].sort(), [...new Set(PHRASE_TOKENS)].sort());
  const settings = JSON.parse(fs.readFileSync(await store.artifactFile(trained.runId, 'music/settings.json', root), 'utf8'));
  assert.deepEqual({ bpm: settings.bpm, program: settings.program, grid: settings.corpus.grid, input: settings.model.input }, { bpm: BPM, program: PROGRAM, grid: '1/16', input: 'normalized' });
});

test('argmax generation continues the phrase note for note, with exactly the notes asked for, through ONNX Runtime and TensorFlow.js alike', async () => {
  const tokens: string[][] = [];
  for (const engine of ['onnx', 'tfjs'] as const) {
    const g = await generate(`argmax-${engine}.mid`, { notes: 25, seed: 3, engine });
    assert.equal(g.engine, engine);
    assert.equal(g.sampling.strategy, 'argmax');
    const notes = notesOf(g.output);
    assert.equal(notes.length, 25);
    assert.equal(g.notes, 25);
    const s = phraseStart(notes);
    assert.notEqual(s.from, undefined, s.mismatch);
    tokens.push(JSON.parse(fs.readFileSync(await store.artifactFile(g.runId, 'tokens.json', root), 'utf8')).generated);
  }
  assert.deepEqual(tokens[0], tokens[1], 'ONNX Runtime and TensorFlow.js chose the same tokens');
});

test('the generated file: the corpus\'s tempo and instrument by default, or the ones asked for, and a transposition to a key', async () => {
  const plain = await generate('defaults.mid', { notes: 12, seed: 1 });
  const midi = new Midi(fs.readFileSync(plain.output));
  assert.equal(Math.round(midi.header.tempos[0].bpm), BPM);
  assert.equal(midi.tracks[0].instrument.number, PROGRAM);
  assert.equal(plain.key, 'C major');

  const moved = await generate('options.mid', { notes: 12, seed: 1, bpm: 90, program: 'acoustic grand piano', transposeTo: 'D' });
  const m = new Midi(fs.readFileSync(moved.output));
  assert.equal(Math.round(m.header.tempos[0].bpm), 90);
  assert.equal(m.tracks[0].instrument.number, 0);
  assert.equal(moved.transposedBy, 2);
  // The same notes as without options (same seed), two semitones up.
  assert.deepEqual(notesOf(moved.output), notesOf(plain.output).map(([p, s, d]) => [p + 2, s, d]));
  assert.equal(phraseStart(notesOf(moved.output), 2).from, phraseStart(notesOf(plain.output)).from);
});

test('the same seed gives the same file; another seed another start and other samples', async () => {
  const a = await generate('a/seed.mid', { notes: 40, seed: 11, temperature: 2 });
  const b = await generate('b/seed.mid', { notes: 40, seed: 11, temperature: 2 });
  const c = await generate('c/seed.mid', { notes: 40, seed: 12, temperature: 2 });
  assert.deepEqual(fs.readFileSync(a.output), fs.readFileSync(b.output));
  assert.equal(a.start, b.start);
  assert.notDeepEqual(notesOf(a.output), notesOf(c.output));
  assert.equal(a.sampling.strategy, 'temperature');
});

test('a given start: tokens, or a MIDI file\'s last window; a chord that crosses the note count is cut to the notes that fit', async () => {
  // C4 E4 G4 given: the phrase goes on with C5 (its note 3).
  const fromTokens = await generate('start-tokens.mid', { notes: 14, start: { tokens: PHRASE_TOKENS.slice(0, 8) } });
  assert.equal(phraseStart(notesOf(fromTokens.output)).from, 3);
  // a.mid ends on the phrase's last note: it starts again from C4.
  const fromFile = await generate('start-file.mid', { notes: 14, start: { midiFile: path.join(corpus, 'a.mid') } });
  assert.equal(phraseStart(notesOf(fromFile.output)).from, 0);
  // After G4: C5, then the F major chord, of which only the lowest note fits in 2 notes.
  const cut = await generate('cut.mid', { notes: 2, start: { tokens: PHRASE_TOKENS.slice(0, 8) } });
  const notes = notesOf(cut.output);
  assert.deepEqual(notes.map(([p, , d]) => [p, d]), [[72, 4], [53, 8]]);
  assert.equal(notes[1][1] - notes[0][1], PHRASE[4][1] - PHRASE[3][1]);
});

test('generation runs are tracked and linked to their training run; the file is an artifact too', async () => {
  const g = await generate('tracked.mid', { notes: 10, seed: 5, temperature: 0.5, topK: 3 });
  const run = await store.getRun(g.runId);
  assert.equal(run.info.status, 'FINISHED');
  assert.equal(run.info.experimentId, (await store.getRun(trained.runId)).info.experimentId);
  assert.equal(run.tags['mlw.music.trainingRun'], trained.runId);
  assert.equal(run.tags['mlw.music.task'], 'generate');
  assert.deepEqual({ notes: run.params.notes, seed: run.params.seed, sampling: run.params.sampling, top_k: run.params.top_k, temperature: run.params.temperature, engine: run.params.engine },
    { notes: '10', seed: '5', sampling: 'top-k', top_k: '3', temperature: '0.5', engine: 'onnx' });
  assert.equal(run.metrics.generated_notes.value, 10);
  assert.deepEqual(fs.readFileSync(await store.artifactFile(g.runId, 'tracked.mid', root)), fs.readFileSync(g.output));
});

test('bad input to generation: clear errors, no crash', async () => {
  const other = await generate('any.mid', { notes: 3, seed: 1 });
  const runsBefore = (await store.searchRuns()).length;
  const fails = (options: Partial<GenerateMidiOptions>, pattern: RegExp) =>
    assert.rejects(generateMidi(store, { runId: trained.runId, output: path.join(root, 'out', 'bad.mid'), ...options }), (err: Error) => err instanceof UserError && pattern.test(err.message));
  await fails({ runId: other.runId }, /is not a music model: it has no music\/settings\.json/);
  await fails({ start: { tokens: [...PHRASE_TOKENS.slice(0, 7), 'C#9'] } }, /1 distinct token\(s\) of the start are not in the model's vocabulary: "C#9"/);
  await fails({ start: { tokens: PHRASE_TOKENS.slice(0, 5) } }, /the start has 5 token\(s\); the model needs a window of 8/);
  await fails({ notes: 0 }, /number of notes must be a whole number above 0/);
  await fails({ temperature: -1 }, /temperature must be a number ≥ 0/);
  await fails({ topK: 0 }, /top-k must be a whole number ≥ 1/);
  await fails({ output: path.join(root, 'out', 'bad.txt') }, /must be a \.mid or \.midi file/);
  await fails({ program: 'kazoo orchestra' }, /not a General MIDI instrument name/);
  await fails({ transposeTo: 'H minor' }, /"H minor" is not a key/);
  await assert.rejects(generateMidi(store, { runId: '0123456789abcdef0123456789abcdef', output: path.join(root, 'out', 'bad.mid') }), UserError);
  assert.ok(!fs.existsSync(path.join(root, 'out', 'bad.mid')));
  assert.equal((await store.searchRuns()).length, runsBefore, 'bad input starts no run');
});

test('without its ONNX export a model generates with TensorFlow.js (and says so); asked for ONNX, it is an error', async () => {
  const onnx = await store.artifactFile(trained.runId, 'model/model.onnx', root);
  const saved = fs.readFileSync(onnx);
  fs.rmSync(onnx);
  try {
    const g = await generate('fallback.mid', { notes: 8, seed: 2 });
    assert.equal(g.engine, 'tfjs');
    assert.match(g.engineNote ?? '', /has no model\/model\.onnx/);
    await assert.rejects(generate('onnx.mid', { notes: 8, engine: 'onnx' }), /has no model\/model\.onnx/);
  } finally {
    fs.writeFileSync(onnx, saved);
  }
});

test('windows: inputs are token ids ÷ vocabulary size (the seed\'s input), targets one-hot, in shared memory for the worker', t => {
  const dir = tempDir(t);
  // C4 a quarter note, then E4 a quarter note: "C4 d:4 t:4 E4 d:4"; vocabulary t:4, d:4, C4, E4.
  const file = write(dir, 'two.mid', smf(1, 480, [conductorTrack(120), notesTrack([{ pitch: 60, tick: 0, duration: 480 }, { pitch: 64, tick: 480, duration: 480 }])]));
  const encoded = encodeCorpus([file]);
  assert.deepEqual(encoded.vocabulary.tokens, ['t:4', 'd:4', 'C4', 'E4']);
  const data = windowDataset(encoded, { window: 2, units: 1, denseUnits: 1, input: 'normalized', embeddingDim: 1 });
  assert.deepEqual(data.x.shape, [3, 2, 1]);
  assert.deepEqual(Array.from(data.x.values), [2 / 4, 1 / 4, 1 / 4, 0, 0, 3 / 4].map(v => Math.fround(v)));
  assert.deepEqual(data.y.shape, [3, 4]);
  assert.deepEqual(Array.from(data.y.values), [1, 0, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0]);
  assert.ok(data.x.values.buffer instanceof SharedArrayBuffer && data.y.values.buffer instanceof SharedArrayBuffer);
  const embedded = windowDataset(encoded, { window: 2, units: 1, denseUnits: 1, input: 'embedding', embeddingDim: 1 });
  assert.deepEqual(embedded.x.shape, [3, 2]);
  assert.deepEqual(Array.from(embedded.x.values), [2, 1, 1, 0, 0, 3]);
});

test('the embedding input learns the phrase too, and its ONNX export chooses the tokens TensorFlow.js does', async t => {
  const dir = tempDir(t);
  const runs = path.join(dir, 'mlruns');
  const r = await trainMusicModel({ inputs: [corpus], ...FAST, model: { ...TINY, input: 'embedding', embeddingDim: 8 } }, runs);
  assert.equal((await openTracker(runs).getRun(r.runId)).params.layers, 'Embedding,LSTM,Dropout,LSTM,Flatten,Dense,Dropout,Dense');
  assert.ok('file' in r.onnx && r.onnx.parity === 'ok', JSON.stringify(r.onnx));
  const out: string[][] = [];
  for (const engine of ['onnx', 'tfjs'] as const) {
    const g = await generateMidi(openTracker(runs), { runId: r.runId, output: path.join(dir, `${engine}.mid`), notes: 20, seed: 4, engine });
    assert.notEqual(phraseStart(notesOf(g.output)).from, undefined, phraseStart(notesOf(g.output)).mismatch);
    out.push(notesOf(g.output).map(n => n.join(',')));
  }
  assert.deepEqual(out[0], out[1]);
});

test('a cancelled training is KILLED with its checkpoint, and resumes with its own corpus and settings', async t => {
  const dir = tempDir(t);
  const runs = path.join(dir, 'mlruns');
  const abort = new AbortController();
  let runId = '';
  await assert.rejects(trainMusicModel({ inputs: [corpus], ...FAST, epochs: 8, patience: 0 }, runs, {
    signal: abort.signal,
    onStarted: info => { runId = info.runId; },
    onProgress: message => { if (/^epoch 2\/8 · loss/.test(message)) abort.abort(); },
  }), CancelledError);
  const store2 = openTracker(runs);
  assert.equal((await store2.getRun(runId)).info.status, 'KILLED');
  await assert.rejects(generateMidi(store2, { runId, output: path.join(dir, 'x.mid') }), /has no trained model yet \(status KILLED\)/);
  const resumed = await trainMusicModel({ inputs: [], resumeRunId: runId, epochs: 4 }, runs);
  assert.equal(resumed.runId, runId);
  assert.equal(resumed.resumedFrom, 2);
  assert.equal(resumed.epochs, 4);
  assert.equal((await store2.getRun(runId)).info.status, 'FINISHED');
  const g = await generateMidi(store2, { runId, output: path.join(dir, 'after.mid'), notes: 5, seed: 1 });
  assert.equal(notesOf(g.output).length, 5);
});

test('bad input to training: missing files, folders without MIDI, a corpus of drums only, windows longer than the corpus', async t => {
  const dir = tempDir(t);
  const runs = path.join(dir, 'mlruns');
  const fails = (inputs: string[], extra: object, pattern: RegExp) =>
    assert.rejects(trainMusicModel({ inputs, ...FAST, ...extra }, runs), (err: Error) => err instanceof UserError && pattern.test(err.describe()));
  await fails([path.join(dir, 'nope.mid')], {}, /nope\.mid: no such file or folder/);
  fs.mkdirSync(path.join(dir, 'empty'));
  await fails([path.join(dir, 'empty')], {}, /empty: no \.mid or \.midi files in this folder/);
  const drums = write(dir, 'drums.mid', smf(1, 480, [conductorTrack(120), notesTrack([{ pitch: 36, tick: 0, duration: 240 }], { channel: 9 })]));
  await fails([drums], {}, /none of the 1 MIDI file\(s\) could be used \(drums\.mid: only drum tracks/);
  await fails([path.join(corpus, 'a.mid')], { model: { ...TINY, window: 500 } }, /no window of 500 tokens: the longest sequence has 383 token/);
  await fails([path.join(corpus, 'a.mid')], { model: { ...TINY, input: 'words' } }, /input must be normalized or embedding/);
  await fails([path.join(corpus, 'a.mid')], { grid: '1/5' }, /grid "1\/5" is not one of/);
  assert.ok(!fs.existsSync(runs), 'no run was started for bad input');
});

test('a random start window is any window of any file, each as likely, never past a file\'s end', () => {
  // Files of 3, 10 and 6 tokens, window 4: no start in the first, 7 in the second, 3 in the third.
  const sequences = [[1, 2, 3], [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], [10, 11, 12, 13, 14, 15]].map(s => Int32Array.from(s));
  const counts = new Map<string, number>();
  const rng = createRng(5);
  const draws = 10_000;
  for (let i = 0; i < draws; i++) {
    const w = randomCorpusWindow(sequences, ['a.mid', 'b.mid', 'c.mid'], 4, rng);
    assert.equal(w.ids.length, 4);
    counts.set(Array.from(w.ids).join(','), (counts.get(Array.from(w.ids).join(',')) ?? 0) + 1);
  }
  const expected = [...Array.from({ length: 7 }, (_, s) => [s, s + 1, s + 2, s + 3]), ...Array.from({ length: 3 }, (_, s) => [10 + s, 11 + s, 12 + s, 13 + s])].map(w => w.join(','));
  assert.deepEqual([...counts.keys()].sort(), expected.sort());
  // 10 windows, 1,000 draws each expected: all within ±15% (more than 4 standard deviations).
  for (const [w, n] of counts) assert.ok(Math.abs(n - draws / 10) < 150, `${w}: ${n}`);
  assert.throws(() => randomCorpusWindow([Int32Array.from([1, 2])], ['a.mid'], 4, rng), /no file of the corpus has the 4 tokens a start window needs/);
});

// The token scheme: notes, chords, durations and rests on the grid come back exactly; what is
// off the grid moves to it; long values split and add up; sequences out of grammar decode with
// issues; the vocabulary saves and loads; windows cut sequences as the seed did.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { corpusKey, encodeCorpus, loadCorpusFile } from '../../server/music/corpus';
import { windows } from '../../server/music/dataset';
import { parsePitch, pitchName } from '../../server/music/pitch';
import { notesToTokens, parseGrid, parseToken, quantize, tokensToNotes, type GridNote } from '../../server/music/tokens';
import { loadVocabulary, saveVocabulary, Vocabulary } from '../../server/music/vocabulary';
import { decodeTokens, writeMidiFile } from '../../server/music/writeMidi';
import { UserError } from '../../server/common/errors';
import { tempDir } from './helpers';
import { conductorTrack, notesTrack, smf } from './music.midiBytes';

const sixteenth = parseGrid('1/16');
const byStart = (notes: GridNote[]) => [...notes].sort((a, b) => a.start - b.start || a.pitch - b.pitch);

test('pitch names: MIDI 60 is C4, sharps when writing, flats accepted when reading', () => {
  assert.equal(pitchName(60), 'C4');
  assert.equal(pitchName(69), 'A4');
  assert.equal(pitchName(80), 'G#5');
  assert.equal(pitchName(0), 'C-1');
  assert.equal(pitchName(127), 'G9');
  assert.equal(parsePitch('G#5'), 80);
  assert.equal(parsePitch('Ab5'), 80);
  assert.equal(parsePitch('C-1'), 0);
  assert.equal(parsePitch('G#9'), undefined, 'above 127');
  assert.equal(parsePitch('H2'), undefined);
});

test('the documented example: a quarter note, a quarter rest, an eighth-note chord', () => {
  const notes: GridNote[] = [
    { pitch: 60, start: 0, duration: 4 },
    { pitch: 64, start: 8, duration: 2 },
    { pitch: 67, start: 8, duration: 2 },
  ];
  assert.deepEqual(notesToTokens(notes, 32), ['C4', 'd:4', 't:8', 'E4.G4', 'd:2']);
  assert.deepEqual(tokensToNotes(['C4', 'd:4', 't:8', 'E4.G4', 'd:2'], sixteenth), { notes, issues: [] });
});

test('notes, chords, durations and rests round-trip exactly', () => {
  const notes: GridNote[] = [
    // A leading rest of one bar, then a held chord under a melody.
    { pitch: 48, start: 16, duration: 16 },
    { pitch: 55, start: 16, duration: 16 },
    { pitch: 72, start: 16, duration: 1 },
    { pitch: 74, start: 17, duration: 3 },
    { pitch: 76, start: 20, duration: 6 }, // dotted quarter
    // A rest of 5 steps, then notes of three durations at one onset.
    { pitch: 60, start: 31, duration: 2 },
    { pitch: 64, start: 31, duration: 8 },
    { pitch: 67, start: 31, duration: 8 },
    { pitch: 71, start: 31, duration: 1 },
    // Overlapping notes of one pitch at different onsets stay two notes.
    { pitch: 60, start: 40, duration: 8 },
    { pitch: 60, start: 44, duration: 2 },
  ];
  const tokens = notesToTokens(notes, 32);
  assert.deepEqual(tokens, [
    't:16', 'C3.G3', 'd:16', 'C5', 'd:1',
    't:1', 'D5', 'd:3',
    't:3', 'E5', 'd:6',
    't:11', 'E4.G4', 'd:8', 'C4', 'd:2', 'B4', 'd:1',
    't:9', 'C4', 'd:8',
    't:4', 'C4', 'd:2',
  ]);
  const back = tokensToNotes(tokens, sixteenth);
  assert.deepEqual(back.issues, []);
  assert.deepEqual(byStart(back.notes), byStart(notes));
});

test('shifts and durations longer than maxSteps are several tokens that add up', () => {
  const notes: GridNote[] = [{ pitch: 62, start: 70, duration: 40 }, { pitch: 64, start: 200, duration: 32 }];
  const tokens = notesToTokens(notes, 32);
  // 70 = 32 + 32 + 6; 40 = 32 + 8; 130 = 32 × 4 + 2.
  assert.deepEqual(tokens, ['t:32', 't:32', 't:6', 'D4', 'd:32', 'd:8', 't:32', 't:32', 't:32', 't:32', 't:2', 'E4', 'd:32']);
  assert.deepEqual(tokensToNotes(tokens, sixteenth).notes, notes);
});

test('quantising: notes move to the nearest grid line, last at least a step, duplicates merge', () => {
  // 480 ticks per quarter: a sixteenth is 120 ticks.
  const notes = quantize([
    { pitch: 60, ticks: 0, durationTicks: 480, velocity: 100 }, // on the grid
    { pitch: 62, ticks: 130, durationTicks: 230, velocity: 100 }, // 1.08 → 1, end 3.0 → 3
    { pitch: 64, ticks: 470, durationTicks: 10, velocity: 100 }, // start 3.9 → 4, end 4.0 → 4: one step
    { pitch: 64, ticks: 480, durationTicks: 240, velocity: 100 }, // same pitch and onset: the longer wins
  ], 480, sixteenth);
  assert.deepEqual(notes, [
    { pitch: 60, start: 0, duration: 4 },
    { pitch: 62, start: 1, duration: 2 },
    { pitch: 64, start: 4, duration: 2 },
  ]);
});

test('a triplet grid keeps triplets that a sixteenth grid cannot', () => {
  // Eighth-note triplets at 480 ticks per quarter: 160 ticks each.
  const triplets = [0, 1, 2].map(i => ({ pitch: 67 + i, ticks: i * 160, durationTicks: 160, velocity: 90 }));
  const grid12 = parseGrid('1/12');
  assert.deepEqual(quantize(triplets, 480, grid12).map(n => [n.start, n.duration]), [[0, 1], [1, 1], [2, 1]]);
  // On sixteenths the middle one lands on 1.33 → 1 and the last on 2.67 → 3.
  assert.deepEqual(quantize(triplets, 480, sixteenth).map(n => [n.start, n.duration]), [[0, 1], [1, 2], [3, 1]]);
  assert.deepEqual(parseGrid('12'), { division: 12, label: '1/12' });
  assert.throws(() => parseGrid('1/10'), (e: unknown) => e instanceof UserError && /grid "1\/10" is not one of/.test(e.message));
});

test('decoding what a model may generate: stray durations and missing ones are issues, not failures', () => {
  const r = tokensToNotes(['d:4', 'C4', 'E4', 'd:2', 't:2', 'G4', 'x:9', 'd:3', 'A4'], sixteenth);
  assert.deepEqual(r.notes, [
    // C4 had no duration: the first default is a quarter note (4 steps of 1/16).
    { pitch: 60, start: 0, duration: 4 },
    { pitch: 64, start: 0, duration: 2 },
    { pitch: 67, start: 2, duration: 3 },
    // A4 has no duration either: it lasts as long as the note before it.
    { pitch: 69, start: 2, duration: 3 },
  ]);
  assert.deepEqual(r.issues.map(i => i.index), [0, 1, 6, 8]);
  assert.match(r.issues[0].message, /duration d:4 follows no note/);
  assert.match(r.issues[2].message, /"x:9" is not a token/);
});

test('token grammar: chords are ascending and without repeats', () => {
  assert.deepEqual(parseToken('C4.E4.G4'), { kind: 'pitches', pitches: [60, 64, 67] });
  assert.equal(parseToken('E4.C4'), undefined);
  assert.equal(parseToken('C4.C4'), undefined);
  assert.equal(parseToken('d:0'), undefined);
  assert.deepEqual(parseToken('t:12'), { kind: 'shift', steps: 12 });
});

test('tokens → MIDI file → tokens is the identity (tempo, program and notes as asked)', t => {
  const dir = tempDir(t, 'mlw-music-');
  const tokens = ['t:4', 'A3.C4.E4', 'd:8', 'A4', 'd:2', 't:2', 'B4', 'd:2', 't:2', 'C5', 'd:4', 't:6', 'E5', 'd:32', 'd:8'];
  const decoded = decodeTokens(tokens, sixteenth, { bpm: 90, program: 'distortion guitar', name: 'solo' });
  assert.deepEqual(decoded.issues, []);
  const file = path.join(dir, 'solo.mid');
  writeMidiFile(file, decoded.midi);
  const back = loadCorpusFile(file, { grid: sixteenth });
  assert.deepEqual(back.tokens, tokens);
  assert.equal(back.track.instrument, 'distortion guitar');
  assert.equal(back.track.program, 30);
  assert.ok(Math.abs(back.bpm - 90) < 1e-3, `bpm ${back.bpm}`);
  assert.equal(back.notes.length, 7);
  assert.deepEqual(fs.readdirSync(dir), ['solo.mid'], 'written atomically: no temporary file left');
});

test('vocabulary: ordered, saved and loaded; ids round-trip; unknown tokens are errors', t => {
  const dir = tempDir(t, 'mlw-music-');
  const v = Vocabulary.fromSequences([['C4', 'd:4', 't:8', 'E4.G4', 'd:2'], ['t:2', 'A3', 'd:16', 'C4.E4', 'd:4']], sixteenth, 32);
  assert.deepEqual(v.tokens, ['t:2', 't:8', 'd:2', 'd:4', 'd:16', 'A3', 'C4', 'C4.E4', 'E4.G4']);
  const ids = v.encode(['C4', 'd:4', 'E4.G4']);
  assert.deepEqual([...ids], [6, 3, 8]);
  assert.deepEqual(v.decode(ids), ['C4', 'd:4', 'E4.G4']);
  assert.throws(() => v.encode(['C4', 'B9']), /token 1 "B9" is not in the vocabulary/);
  const file = path.join(dir, 'vocabulary.json');
  saveVocabulary(file, v);
  const loaded = loadVocabulary(file);
  assert.deepEqual(loaded.tokens, v.tokens);
  assert.deepEqual(loaded.grid, sixteenth);
  assert.equal(loaded.maxSteps, 32);
  // Bad files name the file and the field.
  const bad = (json: unknown) => {
    fs.writeFileSync(file, JSON.stringify(json));
    return () => loadVocabulary(file);
  };
  const good = v.toJSON();
  assert.throws(bad({ ...good, tokens: ['C4', 'C4'] }), (e: unknown) => e instanceof UserError && e.file === file && /field "tokens\[1\]": "C4" appears twice/.test(e.message));
  assert.throws(bad({ ...good, tokens: ['C4', 7] }), /field "tokens\[1\]" must be a string/);
  assert.throws(bad({ ...good, tokens: ['C4', 'E4.C4'] }), /field "tokens\[1\]": "E4.C4" is not a token/);
  assert.throws(bad({ ...good, grid: '1/7' }), /field "grid": grid "1\/7" is not one of/);
  assert.throws(bad({ ...good, format: 'other' }), /field "format" must be "mlw-music-vocabulary"/);
  fs.writeFileSync(file, '{"format": ');
  assert.throws(() => loadVocabulary(file), (e: unknown) => e instanceof UserError && /not valid JSON/.test(e.message));
});

test('windows of length L → next token, never across files', () => {
  const a = Int32Array.from([1, 2, 3, 4, 5]);
  const b = Int32Array.from([7, 8, 9]);
  const w = windows([a, b], 3);
  // a: [1,2,3]→4, [2,3,4]→5; b has no window of 3 with a next token.
  assert.equal(w.count, 2);
  assert.deepEqual([...w.inputs], [1, 2, 3, 2, 3, 4]);
  assert.deepEqual([...w.targets], [4, 5]);
  const strided = windows([Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7])], 2, 3);
  assert.deepEqual([...strided.targets], [2, 5]);
  assert.throws(() => windows([b], 50), /no window of 50 tokens: the longest sequence has 3 token\(s\), and a window needs 51/);
});

test('a corpus of files: one vocabulary, one id sequence per file, the seed\'s window length', t => {
  const dir = tempDir(t, 'mlw-music-');
  // A phrase of 30 eighth notes, and the same transposed up a fourth.
  const phrase = (shift: number) => Array.from({ length: 30 }, (_, i) => ({ pitch: 60 + shift + [0, 2, 4, 5, 7][i % 5], tick: i * 240, duration: 240 }));
  const files = [0, 5].map(shift => {
    const f = path.join(dir, `phrase${shift}.mid`);
    fs.writeFileSync(f, smf(1, 480, [conductorTrack(), notesTrack(phrase(shift), { name: 'lead' })]));
    return f;
  });
  const encoded = encodeCorpus(files, { grid: '1/16' });
  assert.equal(encoded.sequences.length, 2);
  // Each file: a pitch and a d:2 per note, a t:2 between notes: 30 + 30 + 29 tokens.
  assert.deepEqual(encoded.sequences.map(s => s.length), [89, 89]);
  assert.deepEqual(encoded.vocabulary.decode(encoded.sequences[0]).slice(0, 5), ['C4', 'd:2', 't:2', 'D4', 'd:2']);
  // Pitches C4 D4 E4 F4 G4 and F4 G4 A4 A#4 C5: 8 distinct, plus t:2 and d:2.
  assert.equal(encoded.vocabulary.size, 10);
  const w = windows(encoded.sequences, 50);
  assert.equal(w.count, 2 * (89 - 50));
  assert.equal(w.inputs.length, w.count * 50);
  // Transposing both to C: the second file (F major) moves down 5 and becomes the first.
  const inC = encodeCorpus(files, { grid: '1/16', transposeTo: 'C' });
  assert.deepEqual(inC.corpus.files.map(f => [f.key.name, f.transposedBy]), [['C major', 0], ['F major', -5]]);
  assert.deepEqual(inC.corpus.files[1].tokens, inC.corpus.files[0].tokens);
  assert.equal(inC.vocabulary.size, 7);
  assert.equal(corpusKey(inC.corpus).name, 'C major');
});

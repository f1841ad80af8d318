// The `mlw midi …` command line contract: `inspect --json` prints exactly the documented keys
// with values counted by hand; `tokens` shows the tokenisation; bad files exit 2 naming the file
// and the reason; warnings go to stderr without failing. Runs the built CLI (bin/mlw.js).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { mlw, tempDir, write } from './helpers';
import { conductorTrack, meta, notesTrack, smf, type TestNote } from './music.midiBytes';

// A4 held a half note, then C5 and E5 as eighths: A minor.
const MELODY: TestNote[] = [
  { pitch: 69, tick: 0, duration: 960, velocity: 100 },
  { pitch: 72, tick: 960, duration: 240, velocity: 100 },
  { pitch: 76, tick: 1200, duration: 240, velocity: 100 },
];
const CHORD: TestNote[] = [57, 60, 64].map(pitch => ({ pitch, tick: 0, duration: 1920, velocity: 80 }));

function song(dir: string): string {
  return write(dir, 'song.mid', smf(1, 480, [
    conductorTrack(90, [{ tick: 0, bytes: meta.keySignature(0, 255) }]),
    notesTrack(MELODY, { name: 'Lead', channel: 0, program: 30 }),
    notesTrack(CHORD, { name: 'Pad', channel: 3, program: 89 }),
  ]));
}

test('midi inspect --json: exactly the documented keys and values', t => {
  const dir = tempDir(t, 'mlw-midi-cli-');
  const file = song(dir);
  const r = mlw(dir, 'midi', 'inspect', file, '--json');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out), ['format', 'ticksPerBeat', 'durationSeconds', 'tempos', 'tracks']);
  assert.deepEqual(out, {
    format: 1,
    ticksPerBeat: 480,
    // The pad lasts 4 quarter notes at 90 bpm: 4 × 60/90 s. The tempo is stored as 666,667 µs per beat.
    durationSeconds: 4 * 0.666667,
    tempos: [{ ticks: 0, bpm: 60_000_000 / 666_667 }],
    tracks: [
      { name: '', channels: [], instrument: null, noteCount: 0 },
      { name: 'Lead', channels: [0], instrument: 'distortion guitar', noteCount: 3 },
      { name: 'Pad', channels: [3], instrument: 'pad 2 (warm)', noteCount: 3 },
    ],
  });
  // The invalid key signature is a warning on stderr; the exit status stays 0.
  assert.equal(r.stderr, `mlw: warning: ${file}: track 1 at tick 0: invalid key signature: mode 255 (0 major or 1 minor allowed); ignored\n`);
});

test('midi inspect without --json: a readable summary', t => {
  const dir = tempDir(t, 'mlw-midi-cli-');
  const file = song(dir);
  const r = mlw(dir, 'midi', 'inspect', file);
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trimEnd().split('\n'), [
    `${file}: format 1, 480 ticks per quarter note, 0:02.667 (2.667 s)`,
    'tempo: 90.00 bpm at tick 0',
    '3 track(s):',
    '   1        0 notes  channels -  (no channel messages)',
    '   2        3 notes  channels 0  distortion guitar  "Lead"',
    '   3        3 notes  channels 3  pad 2 (warm)  "Pad"',
  ]);
});

test('midi tokens: the default track, one line per onset; --json; --track and --grid', t => {
  const dir = tempDir(t, 'mlw-midi-cli-');
  const file = song(dir);
  const r = mlw(dir, 'midi', 'tokens', file);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  // Lead and Pad have 3 notes each: the first wins the tie.
  assert.match(lines[0], /^# .*song\.mid: track 0 Lead \(distortion guitar, channel 1\), 3 notes on grid 1\/16, key A minor; 8 tokens, 7 distinct$/);
  assert.deepEqual(lines.slice(1), ['A4 d:8', 't:8 C5 d:2', 't:2 E5 d:2']);
  const json = JSON.parse(mlw(dir, 'midi', 'tokens', file, '--track', 'Pad', '--grid', '1/8', '--json').stdout);
  assert.deepEqual(json.tokens, ['A3.C4.E4', 'd:8']);
  assert.equal(json.grid, '1/8');
  assert.equal(json.maxSteps, 16);
  assert.equal(json.track.instrument, 'pad 2 (warm)');
  assert.equal(json.noteCount, 3);
  const moved = JSON.parse(mlw(dir, 'midi', 'tokens', file, '--transpose', 'C', '--json').stdout);
  assert.equal(moved.key.name, 'A minor');
  assert.equal(moved.transposedBy, 3);
  assert.deepEqual(moved.tokens, ['C5', 'd:8', 't:8', 'D#5', 'd:2', 't:2', 'G5', 'd:2']);
});

test('bad input: exit 2 with the file and the reason, no stack trace', t => {
  const dir = tempDir(t, 'mlw-midi-cli-');
  const text = write(dir, 'notes.mid', 'not midi at all');
  const r = mlw(dir, 'midi', 'inspect', text, '--json');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, `mlw: ${text}: not a Standard MIDI File: it starts with bytes 6e 6f 74 20 ("not "), not "MThd"\n`);
  const smpte = write(dir, 'smpte.mid', smf(1, 0xe250, [conductorTrack(), notesTrack(MELODY)]));
  const s = mlw(dir, 'midi', 'inspect', smpte);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /smpte\.mid: uses SMPTE time division \(30 frames per second × 80 ticks per frame\)/);
  const missing = mlw(dir, 'midi', 'inspect', path.join(dir, 'nope.mid'));
  assert.equal(missing.status, 2);
  assert.match(missing.stderr, /nope\.mid: no such file\n$/);
  const drums = write(dir, 'drums.mid', smf(1, 480, [conductorTrack(), notesTrack(MELODY, { channel: 9 })]));
  const d = mlw(dir, 'midi', 'tokens', drums);
  assert.equal(d.status, 2);
  assert.match(d.stderr, /drums\.mid: only drum tracks \(channel 10\) have notes; include drums to use them/);
  assert.equal(mlw(dir, 'midi', 'tokens', drums, '--drums').status, 0);
  const usage = mlw(dir, 'midi', 'inspect');
  assert.equal(usage.status, 2);
  assert.match(usage.stderr, /expected one MIDI file, got 0 argument\(s\) \(see: mlw midi inspect --help\)/);
  assert.match(mlw(dir, 'midi', 'tokens', drums, '--grid', '1/5').stderr, /grid "1\/5" is not one of/);
});

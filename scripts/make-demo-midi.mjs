#!/usr/bin/env node
// Writes the demo workspace's MIDI file, demo/workspace/music/shred-riff.mid: eight bars in
// A minor at 112 bpm — a distortion guitar lead of sixteenth-note runs and held bends, a
// picked bass, power chords on a rhythm guitar and a rock drum beat — so that `npm start`
// has something to open in the piano roll and to play.
//
//   node scripts/make-demo-midi.mjs [OUTPUT.mid]
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const { Midi } = require('@tonejs/midi');

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const output = resolve(process.argv[2] ?? join(root, 'demo', 'workspace', 'music', 'shred-riff.mid'));

const PPQ = 480;
const Q = PPQ; // quarter note
const S = PPQ / 4; // sixteenth note
const BAR = 4 * Q;

const midi = new Midi();
midi.fromJSON({
  header: { name: 'Shred riff (demo)', ppq: PPQ, tempos: [{ ticks: 0, bpm: 112 }], timeSignatures: [{ ticks: 0, timeSignature: [4, 4], measures: 0 }], keySignatures: [], meta: [] },
  tracks: [],
});

function track(name, program, channel) {
  const t = midi.addTrack();
  t.name = name;
  t.channel = channel;
  t.instrument.number = program;
  return t;
}

const note = (t, midiNumber, ticks, durationTicks, velocity) => t.addNote({ midi: midiNumber, ticks, durationTicks, velocity: velocity / 127 });

// A minor, two bars per chord: Am, F, G, E (the harmonic minor's E major at the end).
const roots = [45, 41, 43, 40]; // A2 F2 G2 E2
const scales = [
  [57, 59, 60, 62, 64, 65, 67, 69, 71, 72, 74, 76], // A natural minor from A3
  [53, 55, 57, 60, 62, 64, 65, 67, 69, 72, 74, 76],
  [55, 57, 59, 62, 64, 65, 67, 69, 71, 74, 76, 79],
  [56, 59, 62, 64, 65, 68, 71, 72, 74, 76, 77, 80], // E with G#: harmonic minor
];

const lead = track('Lead', 30, 0); // distortion guitar
const rhythm = track('Rhythm', 29, 1); // overdriven guitar
const bass = track('Bass', 34, 2); // electric bass (pick)
const drums = track('Drums', 0, 9);

for (let section = 0; section < 4; section++) {
  const start = section * 2 * BAR;
  const scale = scales[section];
  // Lead: a run up and down in sixteenths, then a held note with a shorter answer.
  const run = [0, 2, 4, 5, 7, 9, 11, 9, 7, 5, 4, 2, 4, 5, 7, 8];
  run.forEach((degree, i) => note(lead, scale[Math.min(degree, scale.length - 1)], start + i * S, S, 96 + (i % 4 === 0 ? 18 : 0)));
  note(lead, scale[9], start + BAR, Q + Q / 2, 118);
  note(lead, scale[7], start + BAR + Q + Q / 2, Q / 2, 100);
  // Triplet-feel descent on the last beats of the section.
  [8, 7, 5, 4, 2, 0].forEach((degree, i) => note(lead, scale[degree], start + BAR + 2 * Q + i * (Q / 3), Q / 3, 104));

  // Rhythm: power chords (root and fifth) on beats 1 and 3, then pushed eighths.
  for (let bar = 0; bar < 2; bar++) {
    const at = start + bar * BAR;
    const r = roots[section] + 12;
    for (const [offset, length] of [[0, Q + Q / 2], [Q + Q / 2, Q / 2], [2 * Q, Q], [3 * Q, Q / 2], [3 * Q + Q / 2, Q / 2]]) {
      for (const interval of [0, 7]) note(rhythm, r + interval, at + offset, length - 10, 90);
    }
  }

  // Bass: the root in eighths, octave jump on the last one of each bar.
  for (let e = 0; e < 16; e++) note(bass, roots[section] + (e % 8 === 7 ? 12 : 0), start + e * (Q / 2), Q / 2 - 20, e % 2 === 0 ? 110 : 92);

  // Drums: kick on 1 and 3 (and the "and" of 3), snare on 2 and 4, closed hi-hat eighths, a crash at the top.
  for (let bar = 0; bar < 2; bar++) {
    const at = start + bar * BAR;
    for (const k of [0, 2 * Q, 2 * Q + Q / 2]) note(drums, 36, at + k, Q / 4, 120);
    for (const k of [Q, 3 * Q]) note(drums, 38, at + k, Q / 4, 112);
    for (let e = 0; e < 8; e++) note(drums, 42, at + e * (Q / 2), Q / 8, e % 2 === 0 ? 96 : 70);
    if (bar === 0) note(drums, 49, at, Q, 110);
  }
}

mkdirSync(dirname(output), { recursive: true });
writeFileSync(output, midi.toArray());
const count = midi.tracks.reduce((n, t) => n + t.notes.length, 0);
console.log(`wrote ${output}: ${midi.tracks.length} tracks, ${count} notes, ${midi.duration.toFixed(2)} s`);

// The corpus of the music model tests: a two-bar phrase (single notes, a chord, a rest, four
// durations) repeated, written as MIDI bytes by hand (music.midiBytes.ts), and a check that
// notes read back continue the phrase — both independent of the code under test.
import * as fs from 'node:fs';
import { Midi } from '@tonejs/midi';
import { write } from './helpers';
import { conductorTrack, notesTrack, smf, type TestNote } from './music.midiBytes';

export const PPQ = 480;
export const STEP = PPQ / 4; // a sixteenth note, the default grid
export const CYCLE_STEPS = 32; // two bars of 4/4
export const BPM = 100;
export const PROGRAM = 30; // distortion guitar

/** [pitch, start, duration] in sixteenths, by start then pitch: C4 E4 G4 C5, an F major chord, B4, a rest, D5, G4. */
export const PHRASE: [number, number, number][] = [
  [60, 0, 4], [64, 4, 2], [67, 6, 2], [72, 8, 4], [53, 12, 8], [57, 12, 8], [60, 12, 8], [71, 20, 2], [74, 24, 2], [67, 26, 6],
];
/** Its tokens, written out by hand (tokens.ts' scheme): 24 a cycle, a time shift leading into the next. */
export const PHRASE_TOKENS = 'C4 d:4 t:4 E4 d:2 t:2 G4 d:2 t:2 C5 d:4 t:4 F3.A3.C4 d:8 t:8 B4 d:2 t:4 D5 d:2 t:2 G4 d:6 t:6'.split(' ');
/** 7 pitch tokens, durations 2 4 6 8, shifts 2 4 6 8. */
export const PHRASE_VOCABULARY = 15;

/** A one-track MIDI file of the phrase repeated `repeats` times. */
export function phraseFile(dir: string, name: string, repeats: number): string {
  const notes: TestNote[] = [];
  for (let r = 0; r < repeats; r++) for (const [pitch, start, dur] of PHRASE) notes.push({ pitch, tick: (r * CYCLE_STEPS + start) * STEP, duration: dur * STEP, velocity: 90 });
  return write(dir, name, smf(1, PPQ, [conductorTrack(BPM), notesTrack(notes, { name: 'Lead', channel: 0, program: PROGRAM })]));
}

export type GridNote = [pitch: number, start: number, duration: number];

/** A MIDI file's notes as [pitch, start, duration] in sixteenths, by start then pitch. */
export function notesOf(file: string): GridNote[] {
  const midi = new Midi(fs.readFileSync(file));
  const step = midi.header.ppq / 4;
  return midi.tracks.flatMap(t => t.notes)
    .map(n => [n.midi, Math.round(n.ticks / step), Math.round(n.durationTicks / step)] as GridNote)
    .sort((a, b) => a[1] - b[1] || a[0] - b[0]);
}

/**
 * Which phrase note `notes` start from when they continue the phrase (cycling, same pitches and
 * durations, same distances between onsets, pitches moved by `transpose`); undefined when they
 * do not, with the first mismatch of the closest try.
 */
export function phraseStart(notes: GridNote[], transpose = 0): { from?: number; mismatch?: string } {
  let best = { matched: -1, mismatch: 'no notes' };
  for (let k = 0; k < PHRASE.length; k++) {
    let i = 0;
    let mismatch = '';
    for (; i < notes.length; i++) {
      const j = (k + i) % PHRASE.length;
      const expectedStart = PHRASE[j][1] + Math.floor((k + i) / PHRASE.length) * CYCLE_STEPS - PHRASE[k][1];
      const [pitch, start, dur] = notes[i];
      if (pitch !== PHRASE[j][0] + transpose || dur !== PHRASE[j][2] || start - notes[0][1] !== expectedStart) {
        mismatch = `note ${i} is [${notes[i]}]; from phrase note ${k} it would be [${PHRASE[j][0] + transpose}, +${expectedStart}, ${PHRASE[j][2]}]`;
        break;
      }
    }
    if (!mismatch) return { from: k };
    if (i > best.matched) best = { matched: i, mismatch };
  }
  return { mismatch: best.mismatch };
}

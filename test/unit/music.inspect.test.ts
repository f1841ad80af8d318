// What `mlw midi inspect` reports of MIDI files written byte by byte, counted by hand: one
// entry per MTrk chunk, channels 0-based, note-ons with velocity > 0, tempos, the end of the
// last note in seconds across a tempo change; the tracks the corpus reads and the default one.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { inspectMidi } from '../../server/music/inspect';
import { parseMidiBytes } from '../../server/music/midiFile';
import { pianoRollData } from '../../server/music/pianoRoll';
import { chooseTrack, listTracks } from '../../server/music/tracks';
import { conductorTrack, meta, noteOff, noteOn, notesTrack, programChange, smf, trackChunk, type TimedEvent } from './music.midiBytes';

const quarter = 480;

/** Conductor (120 bpm, then 60 bpm from bar 2), Lead, Bass (running status, note-on velocity 0 as note-off), Drums. */
function bandFile(): Buffer {
  const conductor = conductorTrack(120, [{ tick: 4 * quarter, bytes: meta.tempo(60) }]);
  const lead = notesTrack([
    { pitch: 64, tick: 0, duration: quarter },
    { pitch: 67, tick: quarter, duration: quarter },
    { pitch: 69, tick: 2 * quarter, duration: quarter },
    { pitch: 71, tick: 3 * quarter, duration: quarter },
    // Across the tempo change: two beats at 60 bpm, 2 s.
    { pitch: 72, tick: 4 * quarter, duration: 2 * quarter },
  ], { name: 'Lead', channel: 0, program: 30 });
  // Running status: one 0x91 status byte, then pairs of data bytes; velocity 0 ends a note.
  const bassData: TimedEvent[] = [
    { tick: 0, bytes: meta.trackName('Bass') },
    { tick: 0, bytes: programChange(1, 33) },
    { tick: 0, bytes: noteOn(1, 40, 100) },
    { tick: 2 * quarter, bytes: [40, 0] },
    { tick: 2 * quarter, bytes: [43, 90] },
    { tick: 4 * quarter, bytes: [43, 0] },
  ];
  const drums = notesTrack([36, 38, 42].map((pitch, i) => ({ pitch, tick: i * quarter, duration: quarter / 4 })), { name: 'Drums', channel: 9 });
  return smf(1, quarter, [conductor, lead, trackChunk(bassData), drums]);
}

test('inspect: format, division, tempos, duration across a tempo change, one entry per MTrk chunk', () => {
  const r = inspectMidi(parseMidiBytes(bandFile(), 'band.mid'));
  assert.deepEqual(r, {
    format: 1,
    ticksPerBeat: 480,
    // The last note ends at tick 2880: 1920 ticks at 120 bpm (2 s), then 960 at 60 bpm (2 s).
    durationSeconds: 4,
    tempos: [{ ticks: 0, bpm: 120 }, { ticks: 1920, bpm: 60 }],
    tracks: [
      { name: '', channels: [], instrument: null, noteCount: 0 },
      { name: 'Lead', channels: [0], instrument: 'distortion guitar', noteCount: 5 },
      { name: 'Bass', channels: [1], instrument: 'electric bass (finger)', noteCount: 2 },
      { name: 'Drums', channels: [9], instrument: 'standard kit', noteCount: 3 },
    ],
  });
});

test('inspect: a format 0 track on several channels lists them; the instrument is that of the first channel playing notes', () => {
  const q = 96; // this file's ticks per quarter note
  const events: TimedEvent[] = [
    { tick: 0, bytes: meta.trackName('All in one') },
    { tick: 0, bytes: meta.tempo(100) },
    { tick: 0, bytes: programChange(2, 40) }, // violin on channel 3
    { tick: 0, bytes: programChange(0, 0) },
    { tick: 0, bytes: [0xb0, 7, 100] }, // a controller on channel 1 comes first but plays no note
    { tick: 0, bytes: noteOn(2, 76, 80) },
    { tick: 0, bytes: noteOn(0, 48, 80) },
    { tick: q, bytes: noteOff(2, 76) },
    { tick: q, bytes: noteOn(2, 77, 0) }, // velocity 0: a note-off, not a note
    { tick: 2 * q, bytes: noteOff(0, 48) },
    { tick: 2 * q, bytes: noteOn(2, 79, 1) },
    { tick: 3 * q, bytes: noteOff(2, 79) },
  ];
  const r = inspectMidi(parseMidiBytes(smf(0, q, [trackChunk(events)]), 'zero.mid'));
  assert.equal(r.format, 0);
  assert.equal(r.ticksPerBeat, 96);
  assert.deepEqual(r.tempos, [{ ticks: 0, bpm: 100 }]);
  assert.deepEqual(r.tracks, [{ name: 'All in one', channels: [0, 2], instrument: 'violin', noteCount: 3 }]);
  // The last note ends after 3 quarter notes at 100 bpm, 0.6 s each.
  assert.ok(Math.abs(r.durationSeconds - 1.8) < 1e-9, String(r.durationSeconds));
});

test('inspect: without tempo events, 120 bpm; an unended note-on counts as a note but is warned about', () => {
  const events: TimedEvent[] = [
    { tick: 0, bytes: noteOn(0, 60, 100) },
    { tick: quarter, bytes: noteOff(0, 60) },
    { tick: quarter, bytes: noteOn(0, 62, 100) }, // never ends
  ];
  const loaded = parseMidiBytes(smf(1, quarter, [trackChunk(events)]), 'open.mid');
  const r = inspectMidi(loaded);
  assert.deepEqual(r.tempos, []);
  assert.equal(r.durationSeconds, 0.5);
  assert.equal(r.tracks[0].noteCount, 2);
  assert.deepEqual(loaded.warnings.map(w => w.message), ['1 note-on(s) without a matching note-off are left out']);
});

test('tracks: split per channel and program, named with GM instruments; the default is the melodic one with most notes', () => {
  const loaded = parseMidiBytes(bandFile(), 'band.mid');
  assert.deepEqual(listTracks(loaded).map(t => [t.index, t.name, t.channel, t.instrument, t.family, t.drums, t.noteCount]), [
    [0, 'Lead', 0, 'distortion guitar', 'guitar', false, 5],
    [1, 'Bass', 1, 'electric bass (finger)', 'bass', false, 2],
    [2, 'Drums', 9, 'standard kit', 'drums', true, 3],
  ]);
  assert.equal(chooseTrack(loaded).name, 'Lead');
  assert.equal(chooseTrack(loaded, { track: 'bass' }).index, 1);
  assert.equal(chooseTrack(loaded, { track: '2' }).drums, true);
  assert.throws(() => chooseTrack(loaded, { track: 'Violin' }), /no track "Violin" \(tracks: 0: Lead \(distortion guitar, channel 1\), 5 notes; 1: Bass/);
});

test('piano roll data: notes per track by time, the tempo map, 4/4 and the duration', () => {
  const d = pianoRollData(parseMidiBytes(bandFile(), '/x/band.mid'), 'band.mid');
  assert.equal(d.noteCount, 10);
  assert.deepEqual(d.tracks.map(t => [t.label, t.pitch.length]), [
    ['Lead (distortion guitar, channel 1)', 5], ['Bass (electric bass (finger), channel 2)', 2], ['Drums (standard kit, channel 10)', 3],
  ]);
  assert.deepEqual(d.tracks[1].ticks, [0, 960]);
  assert.deepEqual(d.tracks[1].durationTicks, [960, 960]);
  assert.deepEqual(d.tracks[1].velocity, [100, 90]);
  assert.deepEqual(d.tempos, [{ ticks: 0, bpm: 120 }, { ticks: 1920, bpm: 60 }]);
  assert.deepEqual(d.timeSignatures, [{ ticks: 0, numerator: 4, denominator: 4 }]);
  assert.equal(d.durationTicks, 2880);
  assert.equal(d.durationSeconds, 4);
  assert.deepEqual(d.warnings, []);
});

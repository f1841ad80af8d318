// What the piano roll draws and plays: every track's notes as parallel arrays (compact to send,
// fast to draw), the tempo map and time signatures for the bar/beat grid, and the warnings of
// the file's reading.
import { describeTrack, listTracks } from './tracks';
import { keySignaturesOf, type LoadedMidi } from './midiFile';
import { tempoSegments, ticksToSeconds } from './tempoMap';

export interface PianoRollTrack {
  index: number;
  name: string;
  /** "Lead (distortion guitar, channel 1)" */
  label: string;
  channel: number;
  program: number;
  instrument: string;
  family: string;
  drums: boolean;
  /** Notes by start tick (then pitch): MIDI pitch, start and duration in ticks, velocity 1 … 127. */
  pitch: number[];
  ticks: number[];
  durationTicks: number[];
  velocity: number[];
}

export interface PianoRollData {
  /** File name shown in the view. */
  name: string;
  format: number;
  ppq: number;
  /** Tempo changes from tick 0 (120 bpm when the file sets none before a tick). */
  tempos: { ticks: number; bpm: number }[];
  /** Time signature changes, 4/4 from tick 0 when the file sets none. */
  timeSignatures: { ticks: number; numerator: number; denominator: number }[];
  keySignatures: { ticks: number; name: string }[];
  tracks: PianoRollTrack[];
  noteCount: number;
  /** End of the last note. */
  durationTicks: number;
  durationSeconds: number;
  warnings: string[];
}

export function pianoRollData(loaded: LoadedMidi, name: string): PianoRollData {
  const { midi } = loaded;
  const ppq = loaded.ticksPerBeat;
  const infos = listTracks(loaded);
  const tracks: PianoRollTrack[] = [];
  let durationTicks = 0;
  let noteCount = 0;
  midi.tracks.forEach((t, i) => {
    if (t.notes.length === 0) return;
    const notes = [...t.notes].sort((a, b) => a.ticks - b.ticks || a.midi - b.midi);
    const info = infos[i];
    tracks.push({
      index: i,
      name: t.name,
      label: describeTrack(info),
      channel: info.channel,
      program: info.program,
      instrument: info.instrument,
      family: info.family,
      drums: info.drums,
      pitch: notes.map(n => n.midi),
      ticks: notes.map(n => n.ticks),
      durationTicks: notes.map(n => n.durationTicks),
      velocity: notes.map(n => Math.max(1, Math.round(n.velocity * 127))),
    });
    noteCount += notes.length;
    for (const n of notes) durationTicks = Math.max(durationTicks, n.ticks + n.durationTicks);
  });
  const segments = tempoSegments(midi.header.tempos, ppq);
  const timeSignatures = midi.header.timeSignatures
    .map(t => ({ ticks: t.ticks, numerator: t.timeSignature[0], denominator: t.timeSignature[1] }))
    .sort((a, b) => a.ticks - b.ticks)
    // Of several at one tick, the last holds.
    .filter((t, i, all) => i === all.length - 1 || all[i + 1].ticks !== t.ticks);
  if (!timeSignatures.length || timeSignatures[0].ticks > 0) timeSignatures.unshift({ ticks: 0, numerator: 4, denominator: 4 });
  return {
    name,
    format: loaded.format,
    ppq,
    tempos: segments.map(s => ({ ticks: s.ticks, bpm: s.bpm })),
    timeSignatures,
    keySignatures: keySignaturesOf(loaded.raw).map(k => ({ ticks: k.ticks, name: k.name })),
    tracks,
    noteCount,
    durationTicks,
    durationSeconds: ticksToSeconds(segments, ppq, durationTicks),
    warnings: loaded.warnings.map(w => w.message),
  };
}

// `mlw midi inspect`: what a MIDI file holds, chunk by chunk, in the documented JSON shape.
import type { MidiData, MidiEvent } from 'midi-file';
import type { LoadedMidi } from './midiFile';
import { instrumentName } from './instruments';
import { tempoSegments, ticksToSeconds } from './tempoMap';

export interface InspectTrack {
  /** The track's first Track Name meta event, '' when it has none. */
  name: string;
  /** The 0-based channels its channel messages use, ascending. */
  channels: number[];
  /**
   * The GM instrument of its first channel that plays notes (of its first channel message when
   * none plays a note): the program of that channel's first program change, 0 when there is
   * none; a drum kit on channel 10 (9 here). null for a track without channel messages.
   */
  instrument: string | null;
  /** Note-on messages with velocity > 0. */
  noteCount: number;
}

export interface InspectResult {
  format: number;
  ticksPerBeat: number;
  /** The end of the last note, in seconds: tempo changes applied, 120 bpm until the first (as the MIDI standard says). */
  durationSeconds: number;
  /** Every Set Tempo event of every track, by time. */
  tempos: { ticks: number; bpm: number }[];
  /** One entry per MTrk chunk, in file order (a format 1 file's tempo track included). */
  tracks: InspectTrack[];
}

function inspectTrack(events: MidiEvent[]): InspectTrack {
  let name: string | undefined;
  const channels = new Set<number>();
  const firstProgram = new Map<number, number>();
  let firstChannel: number | undefined;
  let firstNoteChannel: number | undefined;
  let noteCount = 0;
  for (const e of events) {
    if (e.type === 'trackName' && name === undefined) name = e.text;
    if (!('channel' in e) || e.type === 'channelPrefix') continue;
    const channel = e.channel;
    channels.add(channel);
    firstChannel ??= channel;
    if (e.type === 'programChange' && !firstProgram.has(channel)) firstProgram.set(channel, e.programNumber);
    // midi-file reads a note-on with velocity 0 as a note-off.
    if (e.type === 'noteOn' && e.velocity > 0) {
      noteCount++;
      firstNoteChannel ??= channel;
    }
  }
  const channel = firstNoteChannel ?? firstChannel;
  return {
    name: name ?? '',
    channels: [...channels].sort((a, b) => a - b),
    instrument: channel === undefined ? null : instrumentName(firstProgram.get(channel) ?? 0, channel),
    noteCount,
  };
}

function tempoEvents(raw: MidiData): { ticks: number; bpm: number }[] {
  const out: { ticks: number; bpm: number }[] = [];
  for (const track of raw.tracks) {
    let ticks = 0;
    for (const e of track) {
      ticks += e.deltaTime;
      if (e.type === 'setTempo' && e.microsecondsPerBeat > 0) out.push({ ticks, bpm: 60_000_000 / e.microsecondsPerBeat });
    }
  }
  // Stable: equal ticks keep file order.
  return out.sort((a, b) => a.ticks - b.ticks);
}

export function inspectMidi(loaded: LoadedMidi): InspectResult {
  const { midi, raw } = loaded;
  let endTicks = 0;
  for (const track of midi.tracks) {
    for (const note of track.notes) endTicks = Math.max(endTicks, note.ticks + note.durationTicks);
  }
  const tempos = tempoEvents(raw);
  return {
    format: loaded.format,
    ticksPerBeat: loaded.ticksPerBeat,
    durationSeconds: ticksToSeconds(tempoSegments(tempos, loaded.ticksPerBeat), loaded.ticksPerBeat, endTicks),
    tempos,
    tracks: raw.tracks.map(inspectTrack),
  };
}

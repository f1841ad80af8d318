// The instrument parts of a MIDI file (the seed's partitionByInstrument): @tonejs/midi's
// tracks, which it splits so that each holds one channel and one program, with the one to learn
// from by default: the melodic track with the most notes (drums, channel 10, only when asked).
import { UserError } from '../common/errors';
import { DRUM_CHANNEL, instrumentFamily, instrumentName } from './instruments';
import type { LoadedMidi } from './midiFile';
import type { TickNote } from './tokens';

export interface TrackInfo {
  /** Index among @tonejs/midi's tracks of the file. */
  index: number;
  /** The track name, '' when it has none. */
  name: string;
  /** 0-based; 9 is the drum channel (10 in 1-based numbering). */
  channel: number;
  program: number;
  instrument: string;
  family: string;
  drums: boolean;
  noteCount: number;
}

export function listTracks(loaded: LoadedMidi): TrackInfo[] {
  return loaded.midi.tracks.map((t, index) => ({
    index,
    name: t.name,
    channel: t.channel,
    program: t.instrument.number,
    instrument: instrumentName(t.instrument.number, t.channel),
    family: instrumentFamily(t.instrument.number, t.channel),
    drums: t.channel === DRUM_CHANNEL,
    noteCount: t.notes.length,
  }));
}

/** "Lead (distortion guitar, channel 1)" */
export function describeTrack(t: TrackInfo): string {
  return `${t.name ? `${t.name} (` : ''}${t.instrument}, channel ${t.channel + 1}${t.name ? ')' : ''}`;
}

export interface TrackChoice {
  /** A track's index (as listTracks numbers them) or its name (case-insensitive). */
  track?: number | string;
  /** Let the default choice take drum tracks too. */
  includeDrums?: boolean;
}

/**
 * The track to read: the one asked for, else the melodic track with the most notes (ties: the
 * first), else — with includeDrums — the drum track with the most notes. Throws a UserError
 * naming the file when the file has no notes, only drums, or no such track.
 */
export function chooseTrack(loaded: LoadedMidi, choice: TrackChoice = {}): TrackInfo {
  const tracks = listTracks(loaded);
  const summary = () => tracks.map(t => `${t.index}: ${describeTrack(t)}, ${t.noteCount} notes`).join('; ');
  if (choice.track !== undefined && choice.track !== '') {
    const byIndex = typeof choice.track === 'number' || /^\d+$/.test(choice.track) ? tracks[Number(choice.track)] : undefined;
    const wanted = String(choice.track).toLowerCase();
    const found = byIndex ?? tracks.find(t => t.name.toLowerCase() === wanted) ?? tracks.find(t => t.instrument === wanted);
    if (!found) throw new UserError(`no track "${choice.track}" (tracks: ${summary() || 'none'})`, loaded.file);
    if (found.noteCount === 0) throw new UserError(`track ${found.index} (${describeTrack(found)}) has no notes`, loaded.file);
    return found;
  }
  const withNotes = tracks.filter(t => t.noteCount > 0);
  if (withNotes.length === 0) throw new UserError('no notes in this file', loaded.file);
  const pool = withNotes.filter(t => !t.drums);
  if (pool.length === 0 && !choice.includeDrums) {
    throw new UserError('only drum tracks (channel 10) have notes; include drums to use them', loaded.file);
  }
  const candidates = pool.length ? pool : withNotes;
  return candidates.reduce((best, t) => (t.noteCount > best.noteCount ? t : best));
}

/** A track's notes in ticks, velocities 1 … 127. */
export function trackNotes(loaded: LoadedMidi, index: number): TickNote[] {
  return loaded.midi.tracks[index].notes.map(n => ({
    pitch: n.midi, ticks: n.ticks, durationTicks: n.durationTicks, velocity: Math.max(1, Math.round(n.velocity * 127)),
  }));
}

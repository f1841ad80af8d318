// Reading MIDI files: the structural check (midiCheck.ts), then midi-file for the raw events of
// each MTrk chunk (what `mlw midi inspect` reports) and @tonejs/midi for notes with times, tracks
// split per channel and program, tempos and time signatures. Invalid meta events that the
// check warned about are removed from @tonejs/midi's header, which would otherwise turn them
// into wrong times (a zero tempo) or wrong keys (mode 255 read as minor).
import * as fs from 'node:fs';
import { Midi } from '@tonejs/midi';
import { parseMidi, type MidiData } from 'midi-file';
import { UserError } from '../common/errors';
import { checkMidiStructure, validKeySignature, type MidiWarning } from './midiCheck';

/** Larger files are refused: a MIDI file of a few hours of dense music is under 10 MB. */
export const MAX_MIDI_BYTES = 64 * 1024 * 1024;

export interface LoadedMidi {
  /** The file (or label) errors and warnings name. */
  file: string;
  format: number;
  ticksPerBeat: number;
  /** midi-file's events of each MTrk chunk (delta times). */
  raw: MidiData;
  /** @tonejs/midi's reading, with invalid tempo / time / key signature events removed. */
  midi: Midi;
  warnings: MidiWarning[];
}

export function readMidiFile(file: string): LoadedMidi {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (err) {
    throw new UserError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message, file);
  }
  if (stat.isDirectory()) throw new UserError('is a folder, not a MIDI file', file);
  if (stat.size > MAX_MIDI_BYTES) throw new UserError(`${stat.size} bytes: larger than the ${MAX_MIDI_BYTES / 1024 / 1024} MB a MIDI file may have here`, file);
  return parseMidiBytes(fs.readFileSync(file), file);
}

/** Parses the bytes of a Standard MIDI File; `file` is the name errors and warnings use. */
export function parseMidiBytes(bytes: Uint8Array, file: string): LoadedMidi {
  const structure = checkMidiStructure(bytes, file);
  // midi-file stops at chunks it does not know: hand it the header and the tracks only.
  const clean = structure.hasExtraChunks ? withoutExtraChunks(bytes, structure.trackChunks) : bytes;
  let raw: MidiData;
  let midi: Midi;
  try {
    // The check above found every event complete, so these parse what it checked.
    raw = parseMidi(clean);
    midi = new Midi(clean);
  } catch (err) {
    // midi-file throws strings.
    throw new UserError(`corrupt MIDI data: ${err instanceof Error ? err.message : String(err)}`, file);
  }
  sanitizeHeader(midi, raw);
  const warnings = [...structure.warnings];
  const unended = countNoteOns(raw) - midi.tracks.reduce((n, t) => n + t.notes.length, 0);
  if (unended > 0) warnings.push({ message: `${unended} note-on(s) without a matching note-off are left out` });
  return { file, format: structure.format, ticksPerBeat: structure.ticksPerBeat, raw, midi, warnings };
}

function countNoteOns(raw: MidiData): number {
  let n = 0;
  for (const track of raw.tracks) for (const e of track) if (e.type === 'noteOn' && e.velocity > 0) n++;
  return n;
}

/** A 6-byte MThd header and the given MTrk chunks. */
function withoutExtraChunks(bytes: Uint8Array, chunks: [number, number][]): Uint8Array {
  const size = 14 + chunks.reduce((n, [a, b]) => n + b - a, 0);
  const out = new Uint8Array(size);
  out.set([0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6], 0);
  out.set(bytes.subarray(8, 14), 8);
  let at = 14;
  for (const [a, b] of chunks) {
    out.set(bytes.subarray(a, b), at);
    at += b - a;
  }
  return out;
}

/** Names of key signatures by sharps (−7 … 7), as @tonejs/midi names them. */
const KEY_BY_SHARPS = ['Cb', 'Gb', 'Db', 'Ab', 'Eb', 'Bb', 'F', 'C', 'G', 'D', 'A', 'E', 'B', 'F#', 'C#'];

export interface KeySignature {
  ticks: number;
  /** Sharps (> 0) or flats (< 0), −7 … 7. */
  sharps: number;
  mode: 'major' | 'minor';
  /** "Eb minor" */
  name: string;
}

/** The valid key signature events of all tracks, by time. */
export function keySignaturesOf(raw: MidiData): KeySignature[] {
  const out: KeySignature[] = [];
  for (const track of raw.tracks) {
    let ticks = 0;
    for (const e of track) {
      ticks += e.deltaTime;
      if (e.type === 'keySignature' && validKeySignature(e.key, e.scale)) {
        const mode = e.scale === 0 ? 'major' : 'minor';
        // The signature names the major key; its relative minor lies three semitones below.
        const major = KEY_BY_SHARPS[e.key + 7];
        out.push({ ticks, sharps: e.key, mode, name: mode === 'major' ? `${major} major` : `${RELATIVE_MINOR[major]} minor` });
      }
    }
  }
  return out.sort((a, b) => a.ticks - b.ticks);
}

const RELATIVE_MINOR: Record<string, string> = {
  Cb: 'Ab', Gb: 'Eb', Db: 'Bb', Ab: 'F', Eb: 'C', Bb: 'G', F: 'D', C: 'A', G: 'E', D: 'B', A: 'F#', E: 'C#', B: 'G#', 'F#': 'D#', 'C#': 'A#',
};

/**
 * Removes the header events the check warned about, so that times and keys come out right:
 * @tonejs/midi turns a zero tempo into infinite times and reads any key signature mode other
 * than 0 as minor.
 */
function sanitizeHeader(midi: Midi, raw: MidiData): void {
  const h = midi.header;
  const tempos = h.tempos.filter(t => Number.isFinite(t.bpm) && t.bpm > 0);
  const timeSignatures = h.timeSignatures.filter(t => t.timeSignature[0] > 0 && t.timeSignature[1] > 0 && t.timeSignature[1] <= 64);
  if (tempos.length !== h.tempos.length || timeSignatures.length !== h.timeSignatures.length) {
    h.tempos = tempos;
    h.timeSignatures = timeSignatures;
    h.update();
  }
  h.keySignatures = keySignaturesOf(raw).map(k => ({ ticks: k.ticks, key: KEY_BY_SHARPS[k.sharps + 7], scale: k.mode }));
}

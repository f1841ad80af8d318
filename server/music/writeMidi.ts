// Tokens → notes → a MIDI file (@tonejs/midi), with a tempo, a GM program and an optional
// transposition, written atomically.
import { Midi } from '@tonejs/midi';
import { UserError } from '../common/errors';
import { writeFileAtomic } from '../common/atomicWrite';
import { DRUM_CHANNEL, instrumentName, programByName } from './instruments';
import { detectKey, parseKey, transposePitches, transpositionTo, type KeyEstimate } from './key';
import { toTicks, tokensToNotes, type DecodeIssue, type Grid, type TickNote } from './tokens';

export interface MidiWriteOptions {
  /** Quarter notes per minute; 120 by default. */
  bpm?: number;
  /** GM program 0 … 127 or its name ("distortion guitar"); 0 (acoustic grand piano) by default. */
  program?: number | string;
  /** Write on the drum channel (10) instead of channel 1. */
  drums?: boolean;
  /** Ticks per quarter note of the file; 480 by default (every grid in tokens.ts is a whole number of ticks). */
  ppq?: number;
  /** Velocity 1 … 127 of every note; 100 by default. */
  velocity?: number;
  /** Track name; also the file's name. */
  name?: string;
  /** Time signature, [4, 4] by default. */
  timeSignature?: [number, number];
}

export function resolveProgram(program: number | string | undefined): number {
  if (program === undefined || program === '') return 0;
  if (typeof program === 'number' || /^\d+$/.test(program)) {
    const n = Number(program);
    if (!Number.isInteger(n) || n < 0 || n > 127) throw new UserError(`GM program must be 0 … 127, not ${program}`);
    return n;
  }
  const n = programByName(program);
  if (n === undefined) throw new UserError(`"${program}" is not a General MIDI instrument name (e.g. "distortion guitar", "acoustic grand piano")`);
  return n;
}

/** A one-track MIDI file of the notes (ticks at options.ppq). */
export function notesToMidi(notes: readonly TickNote[], options: MidiWriteOptions = {}): Midi {
  const bpm = options.bpm ?? 120;
  if (!(bpm > 0) || bpm > 1000) throw new UserError(`tempo must be between 0 and 1000 bpm, not ${bpm}`);
  const ppq = options.ppq ?? 480;
  const midi = new Midi();
  // @tonejs/midi keeps ppq private; its JSON form is the public way to set it.
  midi.fromJSON({
    header: { name: options.name ?? '', ppq, tempos: [{ ticks: 0, bpm }], timeSignatures: [{ ticks: 0, timeSignature: options.timeSignature ?? [4, 4], measures: 0 }], keySignatures: [], meta: [] },
    tracks: [],
  });
  const track = midi.addTrack();
  track.name = options.name ?? '';
  track.channel = options.drums ? DRUM_CHANNEL : 0;
  track.instrument.number = resolveProgram(options.program);
  for (const n of notes) {
    if (!Number.isInteger(n.pitch) || n.pitch < 0 || n.pitch > 127) throw new UserError(`pitch ${n.pitch} is outside MIDI's 0 … 127`);
    track.addNote({ midi: n.pitch, ticks: n.ticks, durationTicks: n.durationTicks, velocity: n.velocity / 127 });
  }
  return midi;
}

export interface DecodeOptions extends MidiWriteOptions {
  /** Transpose the decoded notes from their detected key to this one ("C", "A minor"…). */
  transposeTo?: string;
}

export interface DecodedMidi {
  midi: Midi;
  notes: TickNote[];
  issues: DecodeIssue[];
  /** The key of the decoded notes before transposition (when there are notes). */
  key?: KeyEstimate;
  transposedBy: number;
  instrument: string;
}

/** Tokens (of a vocabulary with this grid) → a MIDI file. */
export function decodeTokens(tokens: readonly string[], grid: Grid, options: DecodeOptions = {}): DecodedMidi {
  const ppq = options.ppq ?? 480;
  const velocity = options.velocity ?? 100;
  if (!Number.isInteger(velocity) || velocity < 1 || velocity > 127) throw new UserError(`velocity must be 1 … 127, not ${velocity}`);
  const decoded = tokensToNotes(tokens, grid);
  let gridNotes = decoded.notes;
  const key = gridNotes.length ? detectKey(gridNotes) : undefined;
  let transposedBy = 0;
  if (options.transposeTo) {
    const target = parseKey(options.transposeTo);
    if (key) {
      transposedBy = transpositionTo(key, target);
      gridNotes = transposePitches(gridNotes, transposedBy).notes;
    }
  }
  const notes = toTicks(gridNotes, ppq, grid, velocity);
  const program = resolveProgram(options.program);
  return {
    midi: notesToMidi(notes, { ...options, ppq, program }),
    notes,
    issues: decoded.issues,
    key,
    transposedBy,
    instrument: instrumentName(program, options.drums ? DRUM_CHANNEL : 0),
  };
}

/** Writes a MIDI file atomically. */
export function writeMidiFile(file: string, midi: Midi): void {
  writeFileAtomic(file, midi.toArray());
}

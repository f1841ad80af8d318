// Pitch names in scientific pitch notation, as the tokens spell them: MIDI 60 is C4, 69 is A4,
// sharps only (G#5, never Ab5); flats are accepted when reading.
import { UserError } from '../common/errors';

export const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'] as const;
const LETTER: Record<string, number> = { C: 0, D: 2, E: 4, F: 5, G: 7, A: 9, B: 11 };

export function pitchName(midi: number): string {
  return `${PITCH_CLASSES[((midi % 12) + 12) % 12]}${Math.floor(midi / 12) - 1}`;
}

/** The MIDI number of "G#5", "Bb3", "C-1"; undefined when the text is not a pitch in 0 … 127. */
export function parsePitch(name: string): number | undefined {
  const m = /^([A-G])(#|b)?(-?\d+)$/.exec(name);
  if (!m) return undefined;
  const midi = LETTER[m[1]] + (m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0) + (Number(m[3]) + 1) * 12;
  return midi >= 0 && midi <= 127 ? midi : undefined;
}

/** A pitch class (0 = C) from "C", "F#", "Bb", "Db"… */
export function parsePitchClass(name: string): number | undefined {
  const m = /^([A-Ga-g])(#|b|♯|♭)?$/.exec(name.trim());
  if (!m) return undefined;
  const accidental = m[2] === '#' || m[2] === '♯' ? 1 : m[2] === 'b' || m[2] === '♭' ? -1 : 0;
  return (LETTER[m[1].toUpperCase()] + accidental + 12) % 12;
}

export function requirePitch(name: string, where: string): number {
  const midi = parsePitch(name);
  if (midi === undefined) throw new UserError(`${where}: "${name}" is not a pitch between C-1 and G9 (e.g. "G#5")`);
  return midi;
}

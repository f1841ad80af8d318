// The token scheme: notes quantised to a grid, written as a sequence a model can learn to
// continue, and read back exactly.
//
//   t:N          time shift: the next notes start N grid steps after the previous onset
//                (after time 0 for the first one). N is 1 … maxSteps; a longer shift is
//                several t: tokens in a row, which add up.
//   G#5          one note starting now (scientific pitch names, MIDI 60 = C4, sharps)
//   C4.E4.G4     a chord: notes starting now with the same duration, pitches ascending
//   d:N          the duration of the note or chord just before, in grid steps (1 … maxSteps;
//                longer durations are several d: tokens in a row, which add up)
//
// At one onset, notes of different durations form separate groups, longest first (ties: lowest
// pitch first). A rest is no token of its own: it is the gap a shift leaves after the notes end.
// So "C4 d:4 t:8 E4.G4 d:2" is a quarter note C4 (grid 1/16), a quarter rest, then E4 and G4
// as an eighth-note chord. Every note whose start and end lie on the grid comes back exactly;
// other notes move to the nearest grid line, and a note shorter than one step lasts one step.
// Two notes of the same pitch at the same onset are one note (the longer). Velocities are not
// tokens: decoding gives every note the same velocity.
import { UserError } from '../common/errors';
import { parsePitch, pitchName } from './pitch';

/** A grid of `division` steps per whole note: 16 is sixteenth notes, 12 eighth-note triplets. */
export interface Grid {
  division: number;
  /** "1/16" */
  label: string;
}

const DIVISIONS = [1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48, 64, 96];

/** "1/16", "16", "1/12" (triplet eighths)… */
export function parseGrid(text: string | number): Grid {
  const m = /^\s*(?:1\s*\/\s*)?(\d+)\s*$/.exec(String(text));
  const division = m ? Number(m[1]) : NaN;
  if (!DIVISIONS.includes(division)) {
    throw new UserError(`grid "${text}" is not one of ${DIVISIONS.map(d => `1/${d}`).join(', ')} (1/16: sixteenth notes; 1/12: eighth-note triplets)`);
  }
  return { division, label: `1/${division}` };
}

/** Ticks per grid step at `ppq` ticks per quarter note (may be fractional). */
export function ticksPerStep(grid: Grid, ppq: number): number {
  return (ppq * 4) / grid.division;
}

/** The longest single shift or duration token by default: two whole notes. */
export function defaultMaxSteps(grid: Grid): number {
  return grid.division * 2;
}

/** A note in MIDI ticks. */
export interface TickNote {
  pitch: number;
  ticks: number;
  durationTicks: number;
  /** 1 … 127 */
  velocity: number;
}

/** A note on the grid: start and duration in grid steps. */
export interface GridNote {
  pitch: number;
  start: number;
  duration: number;
}

/** Notes moved to the nearest grid lines, at least one step long, one per pitch and onset, by onset then pitch. */
export function quantize(notes: readonly TickNote[], ppq: number, grid: Grid): GridNote[] {
  const step = ticksPerStep(grid, ppq);
  const byKey = new Map<string, GridNote>();
  for (const n of notes) {
    const start = Math.round(n.ticks / step);
    const end = Math.round((n.ticks + n.durationTicks) / step);
    const note = { pitch: n.pitch, start, duration: Math.max(1, end - start) };
    const key = `${start}:${n.pitch}`;
    const seen = byKey.get(key);
    if (!seen || seen.duration < note.duration) byKey.set(key, note);
  }
  return sortNotes([...byKey.values()]);
}

export function sortNotes<T extends GridNote>(notes: T[]): T[] {
  return notes.sort((a, b) => a.start - b.start || a.pitch - b.pitch || a.duration - b.duration);
}

/** Grid notes back to ticks. */
export function toTicks(notes: readonly GridNote[], ppq: number, grid: Grid, velocity: number): TickNote[] {
  const step = ticksPerStep(grid, ppq);
  return notes.map(n => ({ pitch: n.pitch, ticks: Math.round(n.start * step), durationTicks: Math.round(n.duration * step), velocity }));
}

export type Token =
  | { kind: 'shift'; steps: number }
  | { kind: 'duration'; steps: number }
  | { kind: 'pitches'; pitches: number[] };

/** The meaning of a token, or undefined when it is not one. */
export function parseToken(token: string): Token | undefined {
  const m = /^([td]):([1-9]\d*)$/.exec(token);
  if (m) return { kind: m[1] === 't' ? 'shift' : 'duration', steps: Number(m[2]) };
  const parts = token.split('.');
  const pitches: number[] = [];
  for (const p of parts) {
    const midi = parsePitch(p);
    if (midi === undefined) return undefined;
    if (pitches.length && midi <= pitches[pitches.length - 1]) return undefined; // chords are ascending, without repeats
    pitches.push(midi);
  }
  return { kind: 'pitches', pitches };
}

export function pitchesToken(pitches: readonly number[]): string {
  return pitches.map(pitchName).join('.');
}

function pushSteps(out: string[], prefix: 't' | 'd', steps: number, maxSteps: number): void {
  for (; steps > maxSteps; steps -= maxSteps) out.push(`${prefix}:${maxSteps}`);
  if (steps > 0) out.push(`${prefix}:${steps}`);
}

/** Tokens of grid notes (any order; see the scheme above). */
export function notesToTokens(notes: readonly GridNote[], maxSteps: number): string[] {
  if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new UserError(`maxSteps must be a positive integer, not ${maxSteps}`);
  const sorted = sortNotes([...notes]);
  const out: string[] = [];
  let time = 0;
  for (let i = 0; i < sorted.length;) {
    const start = sorted[i].start;
    let j = i;
    while (j < sorted.length && sorted[j].start === start) j++;
    // Group this onset's notes by duration, longest first.
    const groups = new Map<number, number[]>();
    for (const n of sorted.slice(i, j)) {
      const g = groups.get(n.duration) ?? [];
      if (!g.includes(n.pitch)) g.push(n.pitch);
      groups.set(n.duration, g);
    }
    if (start < time) throw new UserError(`note at step ${start} before step ${time}`);
    pushSteps(out, 't', start - time, maxSteps);
    time = start;
    for (const [duration, pitches] of [...groups].sort((a, b) => b[0] - a[0] || Math.min(...a[1]) - Math.min(...b[1]))) {
      out.push(pitchesToken(pitches.sort((a, b) => a - b)));
      pushSteps(out, 'd', duration, maxSteps);
    }
    i = j;
  }
  return out;
}

export interface DecodeIssue {
  /** Index of the token in the sequence. */
  index: number;
  message: string;
}

export interface DecodedNotes {
  notes: GridNote[];
  /** Tokens out of place (a duration with no note before it, a note without a duration…), as a model may generate them. */
  issues: DecodeIssue[];
}

/**
 * Grid notes from tokens. Sequences a model generates need not follow the grammar: a duration
 * with no note before it is skipped, and a note or chord without a duration lasts as long as the
 * previous one (a quarter note at first); both are reported as issues. Unknown tokens are too.
 */
export function tokensToNotes(tokens: readonly string[], grid: Grid): DecodedNotes {
  const notes: GridNote[] = [];
  const issues: DecodeIssue[] = [];
  let time = 0;
  let lastDuration = Math.max(1, grid.division / 4);
  let pending: { pitches: number[]; duration: number; index: number } | undefined;
  const flush = () => {
    if (!pending) return;
    if (pending.duration === 0) {
      issues.push({ index: pending.index, message: `no duration after ${pitchesToken(pending.pitches)}; it lasts ${lastDuration} step(s)` });
      pending.duration = lastDuration;
    }
    for (const pitch of pending.pitches) notes.push({ pitch, start: time, duration: pending.duration });
    lastDuration = pending.duration;
    pending = undefined;
  };
  tokens.forEach((text, index) => {
    const token = parseToken(text);
    if (!token) {
      issues.push({ index, message: `"${text}" is not a token` });
      return;
    }
    if (token.kind === 'shift') {
      flush();
      time += token.steps;
    } else if (token.kind === 'pitches') {
      flush();
      pending = { pitches: token.pitches, duration: 0, index };
    } else if (pending) {
      pending.duration += token.steps;
    } else {
      issues.push({ index, message: `duration ${text} follows no note` });
    }
  });
  flush();
  return { notes: mergeSamePitchOnset(notes), issues };
}

/** One note per pitch and onset (the longer), as quantize() keeps them. */
function mergeSamePitchOnset(notes: GridNote[]): GridNote[] {
  const byKey = new Map<string, GridNote>();
  for (const n of notes) {
    const key = `${n.start}:${n.pitch}`;
    const seen = byKey.get(key);
    if (!seen || seen.duration < n.duration) byKey.set(key, n);
  }
  return sortNotes([...byKey.values()]);
}

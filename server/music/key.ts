// Key finding and transposition. The key is the Krumhansl–Schmuckler estimate: the pitch-class
// distribution of the notes (weighted by duration) correlated (Pearson) with the
// Krumhansl–Kessler probe-tone profile of each of the 24 major and minor keys; the best
// correlation wins. Transposing to a target key moves the tonic to the target's by the
// smallest interval (−6 … +5 semitones): F minor → C is 5 semitones down.
import { UserError } from '../common/errors';
import { PITCH_CLASSES, parsePitchClass } from './pitch';

/** Krumhansl & Kessler (1982), probe-tone ratings of the 12 pitch classes from the tonic. */
export const MAJOR_PROFILE = [6.35, 2.23, 3.48, 2.33, 4.38, 4.09, 2.52, 5.19, 2.39, 3.66, 2.29, 2.88];
export const MINOR_PROFILE = [6.33, 2.68, 3.52, 5.38, 2.60, 3.53, 2.54, 4.75, 3.98, 2.69, 3.34, 3.17];

export type Mode = 'major' | 'minor';

export interface Key {
  /** Pitch class of the tonic, 0 = C. */
  tonic: number;
  mode: Mode;
}

export interface KeyEstimate extends Key {
  /** "F minor" */
  name: string;
  /** Pearson correlation of the notes with the key's profile (−1 … 1). */
  correlation: number;
}

export function keyName(key: Key): string {
  return `${PITCH_CLASSES[key.tonic]} ${key.mode}`;
}

function pearson(x: readonly number[], y: readonly number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxx === 0 || syy === 0 ? 0 : sxy / Math.sqrt(sxx * syy);
}

/** Duration-weighted pitch-class histogram. */
export function pitchClassWeights(notes: readonly { pitch: number; duration: number }[]): number[] {
  const w = new Array<number>(12).fill(0);
  for (const n of notes) w[((n.pitch % 12) + 12) % 12] += n.duration;
  return w;
}

/** All 24 keys with their correlations, best first (ties: major before minor, then C upwards). */
export function rankKeys(weights: readonly number[]): KeyEstimate[] {
  const out: KeyEstimate[] = [];
  for (const mode of ['major', 'minor'] as const) {
    const profile = mode === 'major' ? MAJOR_PROFILE : MINOR_PROFILE;
    for (let tonic = 0; tonic < 12; tonic++) {
      // The profile rotated so that its tonic sits on `tonic`.
      const rotated = weights.map((_, pc) => profile[(pc - tonic + 12) % 12]);
      out.push({ tonic, mode, name: keyName({ tonic, mode }), correlation: pearson(weights, rotated) });
    }
  }
  return out.sort((a, b) => b.correlation - a.correlation);
}

/** The key of some notes; throws when there are none. */
export function detectKey(notes: readonly { pitch: number; duration: number }[]): KeyEstimate {
  if (notes.length === 0) throw new UserError('no notes to find a key in');
  return rankKeys(pitchClassWeights(notes))[0];
}

/** "C", "F#", "Bb minor", "A min", "Am", "c# major" → a tonic and, when given, a mode. */
export function parseKey(text: string): { tonic: number; mode?: Mode } {
  const m = /^\s*([A-Ga-g](?:#|b|♯|♭)?)\s*(m|min|minor|maj|major)?\s*$/i.exec(text);
  const tonic = m ? parsePitchClass(m[1]) : undefined;
  if (!m || tonic === undefined) throw new UserError(`"${text}" is not a key (e.g. "C", "F# minor", "Bb", "Am")`);
  const mode = m[2] === undefined ? undefined : /^(m|min|minor)$/i.test(m[2]) ? 'minor' : 'major';
  return { tonic, mode };
}

/**
 * Semitones (−6 … +5) that move `from` to `to`. A target without a mode keeps the mode (its
 * tonic becomes the target); a target of the other mode aligns the relative key (C major → A
 * minor is 0: A minor is C major's relative minor).
 */
export function transpositionTo(from: Key, to: { tonic: number; mode?: Mode }): number {
  let tonic = from.tonic;
  if (to.mode && to.mode !== from.mode) tonic = from.mode === 'major' ? (tonic + 9) % 12 : (tonic + 3) % 12;
  const up = (((to.tonic - tonic) % 12) + 12) % 12;
  return up > 5 ? up - 12 : up;
}

/** Pitches moved by `semitones`; any that would leave 0 … 127 move by octaves back into it. */
export function transposePitches<T extends { pitch: number }>(notes: readonly T[], semitones: number): { notes: T[]; folded: number } {
  let folded = 0;
  const out = notes.map(n => {
    let pitch = n.pitch + semitones;
    if (pitch < 0 || pitch > 127) folded++;
    while (pitch < 0) pitch += 12;
    while (pitch > 127) pitch -= 12;
    return { ...n, pitch };
  });
  return { notes: out, folded };
}

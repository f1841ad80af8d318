// The vocabulary: every token of a corpus with its index (the model's input and output
// classes), saved with the model as JSON together with what decoding needs (the grid).
import * as fs from 'node:fs';
import { UserError } from '../common/errors';
import { writeFileAtomic } from '../common/atomicWrite';
import { parseGrid, parseToken, type Grid } from './tokens';

export const VOCABULARY_FORMAT = 'mlw-music-vocabulary';
const VERSION = 1;

export interface VocabularyJson {
  format: typeof VOCABULARY_FORMAT;
  version: number;
  /** "1/16" */
  grid: string;
  /** The longest single shift or duration token, in steps. */
  maxSteps: number;
  /** Index i is the class of tokens[i]. */
  tokens: string[];
}

/** Order of tokens in a vocabulary: shifts, durations (by steps), notes (by pitch), chords (by pitches). */
function tokenOrder(a: string, b: string): number {
  const ta = parseToken(a)!;
  const tb = parseToken(b)!;
  const rank = (t: typeof ta) => (t.kind === 'shift' ? 0 : t.kind === 'duration' ? 1 : t.pitches.length === 1 ? 2 : 3);
  const r = rank(ta) - rank(tb);
  if (r) return r;
  if (ta.kind !== 'pitches' || tb.kind !== 'pitches') return (ta as { steps: number }).steps - (tb as { steps: number }).steps;
  for (let i = 0; i < Math.min(ta.pitches.length, tb.pitches.length); i++) if (ta.pitches[i] !== tb.pitches[i]) return ta.pitches[i] - tb.pitches[i];
  return ta.pitches.length - tb.pitches.length;
}

export class Vocabulary {
  private readonly index = new Map<string, number>();

  constructor(readonly tokens: readonly string[], readonly grid: Grid, readonly maxSteps: number) {
    tokens.forEach((t, i) => this.index.set(t, i));
  }

  /** The vocabulary of some token sequences, in a fixed order (see tokenOrder). */
  static fromSequences(sequences: readonly (readonly string[])[], grid: Grid, maxSteps: number): Vocabulary {
    const distinct = new Set<string>();
    for (const s of sequences) for (const t of s) distinct.add(t);
    for (const t of distinct) if (!parseToken(t)) throw new UserError(`"${t}" is not a token`);
    return new Vocabulary([...distinct].sort(tokenOrder), grid, maxSteps);
  }

  get size(): number {
    return this.tokens.length;
  }

  has(token: string): boolean {
    return this.index.has(token);
  }

  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  /** Token ids; a token outside the vocabulary is an error naming it and its position. */
  encode(tokens: readonly string[]): Int32Array {
    const ids = new Int32Array(tokens.length);
    tokens.forEach((t, i) => {
      const id = this.index.get(t);
      if (id === undefined) throw new UserError(`token ${i} "${t}" is not in the vocabulary (${this.size} tokens)`);
      ids[i] = id;
    });
    return ids;
  }

  decode(ids: ArrayLike<number>): string[] {
    const out: string[] = [];
    for (let i = 0; i < ids.length; i++) {
      const t = this.tokens[ids[i]];
      if (t === undefined) throw new UserError(`id ${ids[i]} at ${i} is outside the vocabulary (0 … ${this.size - 1})`);
      out.push(t);
    }
    return out;
  }

  toJSON(): VocabularyJson {
    return { format: VOCABULARY_FORMAT, version: VERSION, grid: this.grid.label, maxSteps: this.maxSteps, tokens: [...this.tokens] };
  }

  /** Reads a vocabulary; every problem names the field (and `file` when given). */
  static fromJSON(json: unknown, file?: string): Vocabulary {
    const fail = (message: string): never => { throw new UserError(message, file); };
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('a vocabulary is a JSON object');
    const o = json as Record<string, unknown>;
    if (o.format !== VOCABULARY_FORMAT) fail(`field "format" must be "${VOCABULARY_FORMAT}", not ${JSON.stringify(o.format)}`);
    if (o.version !== VERSION) fail(`field "version" must be ${VERSION}, not ${JSON.stringify(o.version)}`);
    if (typeof o.grid !== 'string') fail('field "grid" must be a string such as "1/16"');
    let grid: Grid;
    try {
      grid = parseGrid(o.grid as string);
    } catch (err) {
      return fail(`field "grid": ${(err as Error).message}`);
    }
    if (!Number.isInteger(o.maxSteps) || (o.maxSteps as number) < 1) fail(`field "maxSteps" must be a positive integer, not ${JSON.stringify(o.maxSteps)}`);
    if (!Array.isArray(o.tokens)) return fail('field "tokens" must be an array of strings');
    const seen = new Set<string>();
    (o.tokens as unknown[]).forEach((t, i) => {
      if (typeof t !== 'string') fail(`field "tokens[${i}]" must be a string, not ${JSON.stringify(t)}`);
      if (!parseToken(t as string)) fail(`field "tokens[${i}]": "${t}" is not a token (a pitch like G#5, a chord like C4.E4.G4, d:N or t:N)`);
      if (seen.has(t as string)) fail(`field "tokens[${i}]": "${t}" appears twice`);
      seen.add(t as string);
    });
    return new Vocabulary(o.tokens as string[], grid, o.maxSteps as number);
  }
}

/** Writes the vocabulary as JSON, atomically. */
export function saveVocabulary(file: string, vocabulary: Vocabulary): void {
  writeFileAtomic(file, JSON.stringify(vocabulary.toJSON(), null, 1) + '\n');
}

export function loadVocabulary(file: string): Vocabulary {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError((err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new UserError(`not valid JSON: ${(err as Error).message}`, file);
  }
  return Vocabulary.fromJSON(json, file);
}

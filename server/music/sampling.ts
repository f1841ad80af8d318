// Choosing the next token from a model's probabilities: argmax (the seed), or sampling with a
// temperature, optionally among the k most likely tokens only. Pure functions; randomness comes
// from a seeded generator so that a generation can be reproduced.
import { UserError } from '../common/errors';
import type { Random } from '../common/random';

/** Uniform numbers in [0, 1). */
export type Rng = Random;

/** A seeded generator for sampling: common/random.ts's mulberry32, so a seed reproduces a generation. */
export { seededRandom as createRng } from '../common/random';

function check(probabilities: ArrayLike<number>): void {
  if (probabilities.length === 0) throw new UserError('no probabilities to choose from');
  let sum = 0;
  for (let i = 0; i < probabilities.length; i++) {
    const p = probabilities[i];
    if (!(p >= 0) || !Number.isFinite(p)) throw new UserError(`probability ${i} is ${p}; probabilities must be finite and ≥ 0`);
    sum += p;
  }
  if (!(sum > 0)) throw new UserError('the probabilities sum to 0');
}

/** The index of the largest probability (the first of equal ones). */
export function argmax(probabilities: ArrayLike<number>): number {
  check(probabilities);
  let best = 0;
  for (let i = 1; i < probabilities.length; i++) if (probabilities[i] > probabilities[best]) best = i;
  return best;
}

/**
 * The distribution at a temperature: p_i^(1/T), normalised (a softmax of the log-probabilities
 * divided by T). T = 1 leaves it unchanged, T < 1 sharpens it, T > 1 flattens it.
 */
export function withTemperature(probabilities: ArrayLike<number>, temperature: number): Float64Array {
  check(probabilities);
  if (!(temperature > 0) || !Number.isFinite(temperature)) throw new UserError(`temperature must be a number > 0, not ${temperature}`);
  const n = probabilities.length;
  const logits = new Float64Array(n);
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    logits[i] = probabilities[i] > 0 ? Math.log(probabilities[i]) / temperature : -Infinity;
    if (logits[i] > max) max = logits[i];
  }
  let sum = 0;
  for (let i = 0; i < n; i++) {
    logits[i] = logits[i] === -Infinity ? 0 : Math.exp(logits[i] - max);
    sum += logits[i];
  }
  for (let i = 0; i < n; i++) logits[i] /= sum;
  return logits;
}

/** An index drawn with probability proportional to `weights` (they need not sum to 1). */
export function sampleIndex(weights: ArrayLike<number>, rng: Rng): number {
  check(weights);
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i];
  let r = rng() * sum;
  let last = 0;
  for (let i = 0; i < weights.length; i++) {
    if (weights[i] <= 0) continue;
    last = i;
    r -= weights[i];
    if (r < 0) return i;
  }
  return last; // rounding left r a hair above 0
}

/** Indices of the k largest probabilities (ties: lower index first). */
export function topKIndices(probabilities: ArrayLike<number>, k: number): number[] {
  if (!Number.isInteger(k) || k < 1) throw new UserError(`top-k needs k ≥ 1, not ${k}`);
  const order = Array.from({ length: probabilities.length }, (_, i) => i);
  order.sort((a, b) => probabilities[b] - probabilities[a] || a - b);
  return order.slice(0, Math.min(k, order.length));
}

export type SamplingOptions =
  | { strategy: 'argmax' }
  | { strategy: 'temperature'; temperature: number }
  | { strategy: 'top-k'; k: number; temperature?: number };

/** The next token's index from a probability vector. */
export function chooseToken(probabilities: ArrayLike<number>, options: SamplingOptions, rng: Rng): number {
  switch (options.strategy) {
    case 'argmax':
      return argmax(probabilities);
    case 'temperature':
      return sampleIndex(withTemperature(probabilities, options.temperature), rng);
    case 'top-k': {
      check(probabilities);
      const keep = topKIndices(probabilities, options.k).filter(i => probabilities[i] > 0);
      const restricted = withTemperature(keep.map(i => probabilities[i]), options.temperature ?? 1);
      return keep[sampleIndex(restricted, rng)];
    }
  }
}

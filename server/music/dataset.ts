// Training examples: every window of `length` consecutive tokens of a file, with the token that
// follows it as the target (the seed's sequence_length 50). Windows never span two files.
import { UserError } from '../common/errors';

export interface Windows {
  /** count × length token ids, row-major. */
  inputs: Int32Array;
  /** count next-token ids. */
  targets: Int32Array;
  count: number;
  length: number;
}

export function windows(sequences: readonly ArrayLike<number>[], length = 50, stride = 1): Windows {
  if (!Number.isInteger(length) || length < 1) throw new UserError(`window length must be a positive integer, not ${length}`);
  if (!Number.isInteger(stride) || stride < 1) throw new UserError(`window stride must be a positive integer, not ${stride}`);
  let count = 0;
  for (const s of sequences) if (s.length > length) count += Math.floor((s.length - length - 1) / stride) + 1;
  if (count === 0) {
    const longest = sequences.reduce((m, s) => Math.max(m, s.length), 0);
    throw new UserError(`no window of ${length} tokens: the longest sequence has ${longest} token(s), and a window needs ${length + 1} (its tokens and the next)`);
  }
  const inputs = new Int32Array(count * length);
  const targets = new Int32Array(count);
  let w = 0;
  for (const s of sequences) {
    for (let start = 0; start + length < s.length; start += stride) {
      for (let i = 0; i < length; i++) inputs[w * length + i] = s[start + i];
      targets[w] = s[start + length];
      w++;
    }
  }
  return { inputs, targets, count, length };
}

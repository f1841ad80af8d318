// The music model: the seed's network as a layer list for the ML runtime, and how a window of
// token ids becomes its input.
//
//   window of W token ids → LSTM(units, return_sequences) → Dropout 0.2 → LSTM(units,
//   return_sequences) → Flatten → Dense(denseUnits) → Dropout 0.3 → Dense(vocabulary, softmax)
//
// Input "normalized" (the seed's): each id divided by the vocabulary size, one value per
// timestep, input shape [W, 1]. Input "embedding": the ids themselves, shape [W], through an
// Embedding(vocabulary, embeddingDim) before the first LSTM — every token gets its own learnt
// vector instead of a position on one number line, where neighbouring ids (C4 and C#4) look
// almost alike to the network.
import { UserError } from '../common/errors';
import type { ModelSpec } from '../ml/config';

export type InputEncoding = 'normalized' | 'embedding';
export const INPUT_ENCODINGS: readonly InputEncoding[] = ['normalized', 'embedding'];

export interface MusicModelOptions {
  /** Tokens the model sees to predict the next one (the seed's sequence_length). */
  window: number;
  /** Units of each LSTM. */
  units: number;
  /** Units of the hidden Dense layer. */
  denseUnits: number;
  input: InputEncoding;
  /** Size of a token's vector with input "embedding". */
  embeddingDim: number;
}

export const DEFAULT_MODEL: MusicModelOptions = { window: 50, units: 128, denseUnits: 256, input: 'normalized', embeddingDim: 32 };

function positiveInt(name: string, value: unknown, max: number): number {
  if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > max) throw new UserError(`${name} must be a whole number from 1 to ${max}, not ${JSON.stringify(value)}`);
  return value as number;
}

/** The model options with defaults filled in; every bad value is a UserError naming the option. */
export function modelOptions(given: Partial<MusicModelOptions> = {}): MusicModelOptions {
  const o = { ...DEFAULT_MODEL, ...Object.fromEntries(Object.entries(given).filter(([, v]) => v !== undefined)) };
  if (!INPUT_ENCODINGS.includes(o.input)) throw new UserError(`input must be ${INPUT_ENCODINGS.join(' or ')}, not ${JSON.stringify(o.input)}`);
  return {
    window: positiveInt('window', o.window, 10_000),
    units: positiveInt('units', o.units, 4096),
    denseUnits: positiveInt('dense units', o.denseUnits, 16_384),
    input: o.input,
    embeddingDim: positiveInt('embedding size', o.embeddingDim, 4096),
  };
}

/** The layer list of the model for a vocabulary of `vocabularySize` tokens. */
export function musicModelSpec(vocabularySize: number, options: MusicModelOptions): ModelSpec {
  const { window, units, denseUnits } = options;
  const first = options.input === 'embedding'
    ? [{ type: 'Embedding' as const, inputDim: vocabularySize, outputDim: options.embeddingDim, inputShape: [window] }, { type: 'LSTM' as const, units, returnSequences: true }]
    : [{ type: 'LSTM' as const, units, returnSequences: true, inputShape: [window, 1] }];
  return {
    layers: [
      ...first,
      { type: 'Dropout', rate: 0.2 },
      { type: 'LSTM', units, returnSequences: true },
      { type: 'Flatten' },
      { type: 'Dense', units: denseUnits },
      { type: 'Dropout', rate: 0.3 },
      { type: 'Dense', units: vocabularySize, activation: 'softmax' },
    ],
  };
}

/** One sample's input shape: [W, 1] normalised, [W] for an embedding. */
export function sampleShape(options: Pick<MusicModelOptions, 'window' | 'input'>): number[] {
  return options.input === 'embedding' ? [options.window] : [options.window, 1];
}

/** Writes the model input of a window of ids into `out` (length W): id / vocabularySize, or the id. */
export function encodeWindow(ids: ArrayLike<number>, vocabularySize: number, input: InputEncoding, out: Float32Array, offset = 0): void {
  const divisor = input === 'normalized' ? vocabularySize : 1;
  for (let i = 0; i < ids.length; i++) out[offset + i] = ids[i] / divisor;
}

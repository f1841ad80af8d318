// Runs an ONNX model with ONNX Runtime on given or random inputs: outputs (summarised when
// large) and the latency of session.run.
import type * as Ort from 'onnxruntime-node';
import { throwIfAborted, UserError } from '../common/errors';
import { seededRandom } from '../common/random';
import { onnxRuntime, type SessionCache } from './runtime';
import {
  describeTensor, randomTensor, specsOf, tensorFromJson, tensorToJson, type JsonTensor, type TensorResult, type TensorSpec,
} from './tensors';

export interface RunOptions {
  /** By input name; omitted: random values for every input. */
  inputs?: Record<string, JsonTensor>;
  /** Names the inputs' source in errors (e.g. the inputs file). */
  inputsSource?: string;
  /** Seed of the random inputs (default 0: the same values every time). */
  seed?: number;
  /** intraOpNumThreads (0: ONNX Runtime's default). */
  threads?: number;
  /** Outputs with more values are summarised (default 1000). */
  maxValues?: number;
  /** Runs this many times; latency is the median (default 1). */
  repeat?: number;
  signal?: AbortSignal;
}

export interface RunResult {
  file: string;
  inputs: { name: string; type: string; dims: number[]; random: boolean }[];
  outputs: TensorResult[];
  /** Milliseconds of session.run (the median when repeated). */
  latencyMs: number;
  latenciesMs: number[];
  /** Milliseconds spent opening the session (0 when it was cached). */
  loadMs: number;
  cached: boolean;
  threads: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** The feeds for a session: the given inputs (all of them, no others) or random ones. */
export function buildFeeds(ort: typeof Ort, specs: TensorSpec[], options: Pick<RunOptions, 'inputs' | 'inputsSource' | 'seed'>): { feeds: Record<string, Ort.Tensor>; random: boolean } {
  const source = options.inputsSource ?? 'inputs';
  const feeds: Record<string, Ort.Tensor> = {};
  if (options.inputs === undefined) {
    const random = seededRandom(options.seed ?? 0);
    for (const spec of specs) feeds[spec.name] = randomTensor(ort, spec, random);
    return { feeds, random: true };
  }
  if (typeof options.inputs !== 'object' || options.inputs === null || Array.isArray(options.inputs)) {
    throw new UserError(`${source}: expected an object mapping input names to tensors`);
  }
  const names = specs.map(s => s.name);
  const unknown = Object.keys(options.inputs).filter(k => !names.includes(k));
  if (unknown.length) throw new UserError(`${source}: the model has no input ${unknown.map(u => `"${u}"`).join(', ')} (its inputs: ${names.join(', ')})`);
  const missing = names.filter(n => !(n in options.inputs!));
  if (missing.length) throw new UserError(`${source}: no value for input ${missing.map(m => `"${m}"`).join(', ')} (its inputs: ${names.join(', ')})`);
  for (const spec of specs) feeds[spec.name] = tensorFromJson(ort, options.inputs[spec.name], spec, source);
  return { feeds, random: false };
}

export async function runModel(cache: SessionCache, file: string, options: RunOptions = {}): Promise<RunResult> {
  const ort = onnxRuntime();
  const repeat = options.repeat ?? 1;
  if (!Number.isInteger(repeat) || repeat < 1) throw new UserError(`repeat must be a whole number ≥ 1, not ${repeat}`);
  const threads = options.threads ?? 0;
  return cache.use(file, { threads }, async ({ session, cached, loadMs }) => {
    const { feeds, random } = buildFeeds(ort, specsOf(session.inputMetadata), options);
    const latencies: number[] = [];
    let outputs: Ort.InferenceSession.ReturnType | undefined;
    for (let i = 0; i < repeat; i++) {
      throwIfAborted(options.signal);
      const t0 = performance.now();
      try {
        outputs = await session.run(feeds);
      } catch (err) {
        throw new UserError(`ONNX Runtime failed to run the model: ${(err as Error).message}`, file);
      }
      latencies.push(performance.now() - t0);
    }
    const maxValues = options.maxValues ?? 1000;
    return {
      file,
      inputs: Object.entries(feeds).map(([name, t]) => describeTensor(name, t, random)),
      outputs: session.outputNames.map(name => tensorToJson(name, outputs![name], maxValues)),
      latencyMs: median(latencies),
      latenciesMs: latencies,
      loadMs,
      cached,
      threads,
    };
  });
}

// A training configuration (`*.train.json`, `mlw train CONFIG.json`) and the Keras-like model
// description inside it: parsed, checked field by field, and completed with defaults. Plain
// TypeScript without TensorFlow.js, so the server and the CLI can reject a bad file at once,
// with the field, line and column, before a worker starts.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import { UserError } from '../common/errors';

/** TensorFlow.js backends training can use (backend.ts selects one). */
export type BackendName = 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_NAMES: readonly BackendName[] = ['tensorflow', 'wasm', 'cpu'];

// ---- the model ----------------------------------------------------------------------------

/** One layer: `type` is the Keras class name; options are Keras' (camelCase or snake_case). */
export interface LayerSpec {
  type: LayerType;
  [option: string]: unknown;
}
export interface ModelSpec {
  layers: LayerSpec[];
}

const ACTIVATIONS = ['elu', 'gelu', 'hardSigmoid', 'linear', 'mish', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign', 'swish', 'tanh'];
const INITIALIZERS = ['glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform', 'ones', 'orthogonal', 'randomNormal', 'randomUniform', 'truncatedNormal', 'zeros'];

type Check = (value: unknown) => string | undefined; // a problem, or undefined when fine
const positiveInt: Check = v => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'expected a positive integer');
const boolean: Check = v => (typeof v === 'boolean' ? undefined : 'expected true or false');
const string: Check = v => (typeof v === 'string' && v !== '' ? undefined : 'expected a non-empty string');
const fraction: Check = v => (typeof v === 'number' && v >= 0 && v < 1 ? undefined : 'expected a number from 0 up to (not including) 1');
const oneOf = (names: string[]): Check => v => (typeof v === 'string' && names.includes(camel(v)) ? undefined : `expected one of ${names.join(', ')}`);
const shape = (allowNull: boolean, allowMinusOne = false): Check => v =>
  Array.isArray(v) && v.length > 0 && v.every(d => (allowNull && d === null) || (allowMinusOne && d === -1) || (Number.isInteger(d) && d > 0))
    ? undefined
    : `expected a list of positive integers${allowNull ? ' (null for a variable size)' : ''}${allowMinusOne ? ' (one -1 for the remaining size)' : ''}`;

const initializers = { kernelInitializer: oneOf(INITIALIZERS), biasInitializer: oneOf(INITIALIZERS) };
const recurrent = {
  units: positiveInt, activation: oneOf(ACTIVATIONS), recurrentActivation: oneOf(ACTIVATIONS), useBias: boolean, returnSequences: boolean,
  dropout: fraction, recurrentDropout: fraction, recurrentInitializer: oneOf(INITIALIZERS), ...initializers,
};

/** Per layer type: its options and their checks; `required` ones must be given. */
const LAYERS = {
  Dense: { options: { units: positiveInt, activation: oneOf(ACTIVATIONS), useBias: boolean, ...initializers }, required: ['units'] },
  LSTM: { options: { ...recurrent, unitForgetBias: boolean }, required: ['units'] },
  GRU: { options: { ...recurrent, resetAfter: boolean }, required: ['units'] },
  Embedding: { options: { inputDim: positiveInt, outputDim: positiveInt, inputLength: positiveInt, maskZero: boolean, embeddingsInitializer: oneOf(INITIALIZERS) }, required: ['inputDim', 'outputDim'] },
  Dropout: { options: { rate: fraction }, required: ['rate'] },
  Flatten: { options: {}, required: [] },
  Reshape: { options: { targetShape: shape(false, true) }, required: ['targetShape'] },
  RepeatVector: { options: { n: positiveInt }, required: ['n'] },
  Activation: { options: { activation: oneOf(ACTIVATIONS) }, required: ['activation'] },
  BatchNormalization: { options: { momentum: fraction, epsilon: (v: unknown) => (typeof v === 'number' && v > 0 ? undefined : 'expected a positive number') }, required: [] },
  TimeDistributed: { options: { layer: () => undefined }, required: ['layer'] },
} satisfies Record<string, { options: Record<string, Check>; required: string[] }>;
export type LayerType = keyof typeof LAYERS;
export const LAYER_TYPES = Object.keys(LAYERS) as LayerType[];
const COMMON: Record<string, Check> = { name: string, inputShape: shape(true) };

/** snake_case → camelCase, as Keras and tfjs name the same option ("return_sequences" → "returnSequences"). */
export function camel(s: string): string {
  return s.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

// ---- training --------------------------------------------------------------------------------

export interface DataSpec {
  /** A CSV file (relative paths are relative to the configuration file). */
  csv: string;
  /** Feature columns, in order; default: every column but the target. */
  features?: string[];
  /** The target column; absent with `autoencoder`. */
  target?: string;
  /** Train to reproduce the input (target = features). */
  autoencoder?: boolean;
  delimiter?: string;
}

export interface OptimizerSpec {
  type: 'sgd' | 'momentum' | 'adam' | 'adamax' | 'rmsprop' | 'adagrad' | 'adadelta';
  learningRate?: number;
  [option: string]: unknown;
}

export interface EarlyStoppingSpec {
  /** A logged quantity: loss, val_loss, a metric or val_<metric>. */
  monitor: string;
  /** Epochs without improvement before stopping (Keras' patience). */
  patience: number;
  /** Smaller changes do not count as an improvement. */
  minDelta: number;
  mode: 'auto' | 'min' | 'max';
  /** Stop unless the monitored value beats this. */
  baseline?: number;
  restoreBestWeights: boolean;
  /** Epochs of warm-up before monitoring starts. */
  startFromEpoch: number;
}

export interface TrainOptions {
  epochs: number;
  batchSize: number;
  /** The last fraction of the samples (before shuffling) is held out for validation, as in Keras. */
  validationSplit: number;
  shuffle: boolean;
  optimizer: OptimizerSpec;
  loss: string;
  metrics: string[];
  earlyStopping?: EarlyStoppingSpec;
  /** Seeds the shuffling, the validation split and the weight initialisers that take a seed. */
  seed?: number;
}

export interface TrainConfig extends TrainOptions {
  /** The configuration file (absolute). */
  file: string;
  model: ModelSpec;
  data: DataSpec;
  /** Run name in the tracking store (default: the configuration's name). */
  name: string;
  /** Experiment in the tracking store. */
  experiment: string;
  /** Tracking URI: a folder (relative to the configuration), file: URI or http(s) URL. */
  tracking?: string;
  backend: 'auto' | BackendName;
}

export const LOSSES = [
  'meanSquaredError', 'meanAbsoluteError', 'meanAbsolutePercentageError', 'meanSquaredLogarithmicError', 'huberLoss', 'logcosh',
  'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy', 'hinge', 'squaredHinge', 'categoricalHinge',
  'kullbackLeiblerDivergence', 'poisson', 'cosineProximity',
];
const LOSS_ALIASES: Record<string, string> = { mse: 'meanSquaredError', mae: 'meanAbsoluteError', mape: 'meanAbsolutePercentageError', msle: 'meanSquaredLogarithmicError', kld: 'kullbackLeiblerDivergence', huber: 'huberLoss', logCosh: 'logcosh' };
export const METRICS = [
  'accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'precision', 'recall',
  'mse', 'mae', 'mape', 'meanSquaredError', 'meanAbsoluteError', 'meanAbsolutePercentageError', 'cosine',
  'binaryCrossentropy', 'categoricalCrossentropy', 'sparseCategoricalCrossentropy',
];
/** Metrics for which larger is better (EarlyStopping's mode "auto"). */
const INCREASING_METRICS = new Set(['accuracy', 'acc', 'binaryAccuracy', 'categoricalAccuracy', 'sparseCategoricalAccuracy', 'precision', 'recall']);
const OPTIMIZERS: Record<OptimizerSpec['type'], string[]> = {
  sgd: ['learningRate'],
  momentum: ['learningRate', 'momentum', 'useNesterov'],
  adam: ['learningRate', 'beta1', 'beta2', 'epsilon'],
  adamax: ['learningRate', 'beta1', 'beta2', 'epsilon', 'decay'],
  rmsprop: ['learningRate', 'decay', 'momentum', 'epsilon', 'centered'],
  adagrad: ['learningRate', 'initialAccumulatorValue'],
  adadelta: ['learningRate', 'rho', 'epsilon'],
};

/** Whether a larger value of this logged quantity is better, for mode "auto". */
export function increases(monitor: string): boolean {
  return INCREASING_METRICS.has(monitor.replace(/^val_/, ''));
}

// ---- validation ------------------------------------------------------------------------------

type Path = (string | number)[];
const show = (p: Path) => p.map((k, i) => (typeof k === 'number' ? `[${k}]` : i ? `.${k}` : k)).join('') || '(top level)';

/** Reports problems against a path in the configuration; `where` finds its line and column. */
export class Validator {
  constructor(private readonly file?: string, private readonly where?: (p: Path) => { line: number; column: number } | undefined) {}

  fail(p: Path, message: string): never {
    const at = this.where?.(p);
    throw new UserError(`${show(p)}: ${message}`, this.file, at?.line, at?.column);
  }

  object(value: unknown, p: Path): Record<string, unknown> {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) this.fail(p, 'expected an object');
    return value as Record<string, unknown>;
  }

  /** The object's keys in camelCase; unknown keys are errors naming the allowed ones. */
  keys(obj: Record<string, unknown>, p: Path, allowed: string[]): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(obj)) {
      const key = camel(k);
      if (!allowed.includes(key)) this.fail([...p, k], `unknown field (expected ${allowed.length ? allowed.join(', ') : 'none'})`);
      if (key in out) this.fail([...p, k], `given twice (as ${key} too)`);
      out[key] = v;
    }
    return out;
  }

  check(value: unknown, p: Path, check: Check): void {
    const problem = check(value);
    if (problem) this.fail(p, `${problem}, got ${JSON.stringify(value)}`);
  }
}

/** The layer list, checked; option names in camelCase, enum values (activations…) in tfjs spelling. */
export function validateModel(raw: unknown, v: Validator, p: Path = ['model']): ModelSpec {
  const model = v.keys(v.object(raw, p), p, ['layers']);
  if (!Array.isArray(model.layers) || model.layers.length === 0) v.fail([...p, 'layers'], 'expected a non-empty list of layers');
  return { layers: (model.layers as unknown[]).map((l, i) => validateLayer(l, v, [...p, 'layers', i])) };
}

function validateLayer(raw: unknown, v: Validator, p: Path): LayerSpec {
  const obj = v.object(raw, p);
  const type = obj.type ?? obj.class_name ?? obj.className;
  if (typeof type !== 'string' || !(type in LAYERS)) {
    v.fail([...p, 'type'], `expected a layer type: one of ${LAYER_TYPES.join(', ')}${typeof type === 'string' ? `, got "${type}"` : ''}`);
  }
  const def = LAYERS[type as LayerType];
  const rest = Object.fromEntries(Object.entries(obj).filter(([k]) => !['type', 'class_name', 'className'].includes(k)));
  const options = v.keys(rest, p, [...Object.keys(def.options), ...Object.keys(COMMON)]);
  for (const r of def.required) if (options[r] === undefined) v.fail(p, `${type} needs "${r}"`);
  const checks: Record<string, Check> = { ...def.options, ...COMMON };
  const out: LayerSpec = { type: type as LayerType };
  for (const [k, value] of Object.entries(options)) {
    const key = Object.keys(rest).find(r => camel(r) === k)!;
    if (k === 'layer') {
      out.layer = validateLayer(value, v, [...p, key]);
      continue;
    }
    v.check(value, [...p, key], checks[k]);
    out[k] = typeof value === 'string' && k !== 'name' ? camel(value) : value;
  }
  if (type === 'GRU' && out.resetAfter && ((out.dropout as number) > 0 || (out.recurrentDropout as number) > 0)) {
    v.fail(p, 'GRU with resetAfter does not support dropout or recurrentDropout here (use a Dropout layer)');
  }
  return out;
}

/** A loss name in tfjs spelling (Keras' snake_case and short aliases accepted). */
export function lossName(name: string): string | undefined {
  const c = camel(name);
  const n = LOSS_ALIASES[c] ?? c;
  return LOSSES.includes(n) ? n : undefined;
}

export function validateTrainOptions(raw: Record<string, unknown>, v: Validator): TrainOptions {
  const num = (k: string, check: Check, dflt: number) => {
    if (raw[k] === undefined) return dflt;
    v.check(raw[k], [k], check);
    return raw[k] as number;
  };
  const epochs = num('epochs', positiveInt, 10);
  const batchSize = num('batchSize', positiveInt, 32);
  const validationSplit = num('validationSplit', fraction, 0);
  if (raw.shuffle !== undefined) v.check(raw.shuffle, ['shuffle'], boolean);
  if (raw.seed !== undefined) v.check(raw.seed, ['seed'], x => (Number.isInteger(x) && (x as number) >= 0 ? undefined : 'expected a non-negative integer'));
  if (raw.loss === undefined) v.fail(['loss'], `a loss is needed: one of ${LOSSES.join(', ')}`);
  const loss = typeof raw.loss === 'string' ? lossName(raw.loss) : undefined;
  if (!loss) v.fail(['loss'], `expected one of ${LOSSES.join(', ')} (or mse, mae, …), got ${JSON.stringify(raw.loss)}`);
  const metrics = raw.metrics === undefined ? [] : raw.metrics;
  if (!Array.isArray(metrics)) v.fail(['metrics'], 'expected a list of metric names');
  (metrics as unknown[]).forEach((m, i) => {
    if (typeof m !== 'string' || !METRICS.includes(camel(m))) v.fail(['metrics', i], `expected one of ${METRICS.join(', ')}, got ${JSON.stringify(m)}`);
  });
  const metricNames = (metrics as string[]).map(camel);
  return {
    epochs, batchSize, validationSplit,
    shuffle: (raw.shuffle as boolean | undefined) ?? true,
    optimizer: validateOptimizer(raw.optimizer ?? 'adam', v),
    loss: loss!,
    metrics: metricNames,
    earlyStopping: raw.earlyStopping === undefined ? undefined : validateEarlyStopping(raw.earlyStopping, v, validationSplit > 0, metricNames),
    seed: raw.seed as number | undefined,
  };
}

function validateOptimizer(raw: unknown, v: Validator): OptimizerSpec {
  const p = ['optimizer'];
  const spec = typeof raw === 'string' ? { type: raw } : v.object(raw, p);
  const type = typeof spec.type === 'string' ? spec.type.toLowerCase() : undefined;
  if (!type || !(type in OPTIMIZERS)) v.fail(typeof raw === 'string' ? p : [...p, 'type'], `expected one of ${Object.keys(OPTIMIZERS).join(', ')}, got ${JSON.stringify(spec.type)}`);
  const { type: _, ...rest } = spec;
  const options = v.keys(rest, p, OPTIMIZERS[type as OptimizerSpec['type']]);
  for (const [k, value] of Object.entries(options)) {
    v.check(value, [...p, k], x => (k === 'useNesterov' || k === 'centered' ? boolean(x) : typeof x === 'number' && Number.isFinite(x) && x >= 0 ? undefined : 'expected a non-negative number'));
  }
  if (options.learningRate !== undefined && !((options.learningRate as number) > 0)) v.fail([...p, 'learningRate'], 'expected a positive number');
  return { type: type as OptimizerSpec['type'], ...options };
}

function validateEarlyStopping(raw: unknown, v: Validator, validation: boolean, metrics: string[]): EarlyStoppingSpec {
  const p = ['earlyStopping'];
  const es = v.keys(v.object(raw, p), p, ['monitor', 'patience', 'minDelta', 'mode', 'baseline', 'restoreBestWeights', 'startFromEpoch']);
  const monitor = (es.monitor as string | undefined) ?? (validation ? 'val_loss' : 'loss');
  v.check(monitor, [...p, 'monitor'], string);
  const logged = ['loss', ...metrics].flatMap(m => [m, `val_${m}`]);
  const base = monitor.replace(/^val_/, '');
  if (!logged.includes(monitor.startsWith('val_') ? `val_${camel(base)}` : camel(monitor))) {
    v.fail([...p, 'monitor'], `"${monitor}" is not logged; expected one of ${logged.filter(m => validation || !m.startsWith('val_')).join(', ')}`);
  }
  if (monitor.startsWith('val_') && !validation) v.fail([...p, 'monitor'], `"${monitor}" needs a validationSplit above 0`);
  if (es.patience !== undefined) v.check(es.patience, [...p, 'patience'], x => (Number.isInteger(x) && (x as number) >= 0 ? undefined : 'expected a non-negative integer'));
  if (es.startFromEpoch !== undefined) v.check(es.startFromEpoch, [...p, 'startFromEpoch'], x => (Number.isInteger(x) && (x as number) >= 0 ? undefined : 'expected a non-negative integer'));
  if (es.minDelta !== undefined) v.check(es.minDelta, [...p, 'minDelta'], x => (typeof x === 'number' && Number.isFinite(x) ? undefined : 'expected a number'));
  if (es.baseline !== undefined) v.check(es.baseline, [...p, 'baseline'], x => (typeof x === 'number' && Number.isFinite(x) ? undefined : 'expected a number'));
  if (es.mode !== undefined) v.check(es.mode, [...p, 'mode'], x => (x === 'auto' || x === 'min' || x === 'max' ? undefined : 'expected auto, min or max'));
  if (es.restoreBestWeights !== undefined) v.check(es.restoreBestWeights, [...p, 'restoreBestWeights'], boolean);
  return {
    monitor: monitor.startsWith('val_') ? `val_${camel(base)}` : camel(monitor),
    patience: (es.patience as number | undefined) ?? 0,
    minDelta: Math.abs((es.minDelta as number | undefined) ?? 0),
    mode: (es.mode as EarlyStoppingSpec['mode'] | undefined) ?? 'auto',
    baseline: es.baseline as number | undefined,
    restoreBestWeights: (es.restoreBestWeights as boolean | undefined) ?? false,
    startFromEpoch: (es.startFromEpoch as number | undefined) ?? 0,
  };
}

function validateData(raw: unknown, v: Validator, baseDir: string): DataSpec {
  const p = ['data'];
  const data = v.keys(v.object(raw, p), p, ['csv', 'features', 'target', 'autoencoder', 'delimiter']);
  v.check(data.csv, [...p, 'csv'], string);
  if (data.features !== undefined) {
    const f = data.features;
    if (!Array.isArray(f) || f.length === 0 || f.some(c => typeof c !== 'string' || c === '')) v.fail([...p, 'features'], 'expected a non-empty list of column names');
    const dup = (f as string[]).find((c, i) => (f as string[]).indexOf(c) !== i);
    if (dup) v.fail([...p, 'features'], `column "${dup}" is listed twice`);
  }
  if (data.autoencoder !== undefined) v.check(data.autoencoder, [...p, 'autoencoder'], boolean);
  if (data.target !== undefined) v.check(data.target, [...p, 'target'], string);
  if (data.autoencoder && data.target !== undefined) v.fail([...p, 'target'], 'an autoencoder has no target column (its target is its input)');
  if (!data.autoencoder && data.target === undefined) v.fail(p, 'name the "target" column (or set "autoencoder": true)');
  if (data.target !== undefined && (data.features as string[] | undefined)?.includes(data.target as string)) v.fail([...p, 'target'], 'the target is also listed as a feature');
  if (data.delimiter !== undefined) v.check(data.delimiter, [...p, 'delimiter'], x => (typeof x === 'string' && x.length === 1 ? undefined : 'expected one character'));
  return {
    csv: path.resolve(baseDir, data.csv as string),
    features: data.features as string[] | undefined,
    target: data.target as string | undefined,
    autoencoder: (data.autoencoder as boolean | undefined) ?? false,
    delimiter: data.delimiter as string | undefined,
  };
}

/**
 * The line and column of a path in JSON text, found with the yaml package's parser (JSON is
 * YAML): a field's key, a list item's start, or the nearest enclosing one that exists. Keys
 * match in either spelling (batch_size / batchSize).
 */
function locator(text: string): (p: Path) => { line: number; column: number } | undefined {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  type Node = { range?: [number, number, number]; items?: ({ key?: Node & { value?: unknown }; value?: Node } | Node)[] };
  return p => {
    let node = doc.contents as Node | null;
    let at = node?.range?.[0];
    for (const segment of p) {
      if (!node?.items) break;
      if (typeof segment === 'number') {
        node = node.items[segment] as Node | undefined ?? null;
        at = node?.range?.[0] ?? at;
      } else {
        const pair = (node.items as { key?: Node & { value?: unknown }; value?: Node }[])
          .find(i => typeof i.key?.value === 'string' && camel(i.key.value) === camel(segment));
        if (!pair) break;
        at = pair.key?.range?.[0] ?? at;
        node = pair.value ?? null;
      }
    }
    if (at === undefined) return undefined;
    const pos = lines.linePos(at);
    return { line: pos.line, column: pos.col };
  };
}

/** Line and column of a character offset. */
function position(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

const CONFIG_KEYS = ['model', 'data', 'epochs', 'batchSize', 'validationSplit', 'shuffle', 'optimizer', 'loss', 'metrics', 'earlyStopping', 'seed', 'name', 'experiment', 'tracking', 'backend'];

/** Parses and checks a training configuration's text; `file` names it in errors and anchors relative paths. */
export function parseTrainConfig(text: string, file: string): TrainConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const at = m ? position(text, Number(m[1])) : undefined;
    throw new UserError(`not valid JSON: ${(err as Error).message.replace(/ in JSON at position \d+.*$/, '')}`, file, at?.line, at?.column);
  }
  const v = new Validator(file, locator(text));
  const top = v.keys(v.object(raw, []), [], CONFIG_KEYS);
  if (top.model === undefined) v.fail([], 'a "model" with a list of "layers" is needed');
  if (top.data === undefined) v.fail([], 'a "data" section naming a "csv" file is needed');
  const model = validateModel(top.model, v);
  const data = validateData(top.data, v, path.dirname(file));
  const options = validateTrainOptions(top, v);
  for (const k of ['name', 'experiment', 'tracking'] as const) if (top[k] !== undefined) v.check(top[k], [k], string);
  if (top.backend !== undefined) v.check(top.backend, ['backend'], oneOf(['auto', 'tensorflow', 'wasm', 'cpu']));
  return {
    file,
    model,
    data,
    ...options,
    name: (top.name as string | undefined) ?? path.basename(file).replace(/(\.train)?\.json$/i, ''),
    experiment: (top.experiment as string | undefined) ?? 'Default',
    tracking: top.tracking as string | undefined,
    backend: (top.backend as TrainConfig['backend'] | undefined) ?? 'auto',
  };
}

export function loadTrainConfig(file: string): TrainConfig {
  const abs = path.resolve(file);
  let text: string;
  try {
    text = fs.readFileSync(abs, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read the training configuration (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, abs);
  }
  return parseTrainConfig(text, abs);
}

// TensorFlow.js layers models (Keras class names) to ONNX.
//
// A model is a chain of layers (Sequential, or a functional model in which each layer feeds the
// next); each layer becomes a few standard ONNX operators (opset 13 and later):
//
//   Dense       Gemm (2-D input) or MatMul + Add, then its activation
//   Activation  the activation's operator(s) (activationOps below)
//   Dropout     nothing: identity at inference
//   Flatten     Flatten(axis=1)                   Reshape   Reshape(shape=[0, ...target])
//   Embedding   Gather(embeddings, Cast(indices to int64))
//   LSTM, GRU   Transpose to time-major, LSTM/GRU, Squeeze the direction axis, Transpose back
//
// Keras keeps an LSTM's four gates in the order i, f, c, o along the kernel's columns; ONNX wants
// i, o, f, c along W's rows (and W transposed: [gates·units, input]). GRU gates are z, r, h in
// both. Keras' reset_after=True GRU applies the reset gate after the recurrent product, which is
// ONNX's linear_before_reset=1 with the recurrent bias as Rb; reset_after=False is
// linear_before_reset=0 with Rb = 0.
//
// The batch dimension is symbolic ('batch'); other unknown dimensions stay unknown.
import type * as TF from '@tensorflow/tfjs';
import { onnx } from 'onnx-proto';
import { UserError } from '../common/errors';
import { GraphBuilder, TensorType, valueInfo, type AttributeValue, type Dim } from './graphBuilder';
import { GRU_RESET_AFTER_CLASS, normaliseActivation, RNN_ACTIVATIONS } from './gruResetAfter';
import { topologyLayers, type KerasLayerJson } from './modelFolder';

export const MIN_OPSET = 13;
export const MAX_OPSET = 21;
export const DEFAULT_OPSET = 17;

/** The IR version each opset came with (onnx/docs/Versioning.md), which readers check. */
export function irVersionFor(opset: number): number {
  if (opset <= 14) return 7;
  if (opset <= 18) return 8;
  if (opset <= 20) return 9;
  return 10;
}

export const SUPPORTED_LAYERS = ['InputLayer', 'Dense', 'Activation', 'Dropout', 'Flatten', 'Reshape', 'Embedding', 'LSTM', 'GRU'];
const RNN_CLASSES = ['LSTM', 'GRU', GRU_RESET_AFTER_CLASS];

/** Activations of Dense and Activation layers (normalised names: lower case, no underscores). */
export const SUPPORTED_ACTIVATIONS = [
  'linear', 'relu', 'relu6', 'elu', 'selu', 'sigmoid', 'hardsigmoid', 'tanh', 'softmax', 'logsoftmax',
  'softplus', 'softsign', 'swish', 'mish', 'gelu', 'gelunew',
];

export interface LayerProblem { name: string; className: string; reason: string }

/** Keras (snake_case) or tfjs (camelCase) spelling of a config key. */
function option(config: Record<string, unknown>, snake: string): unknown {
  const camel = snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
  return config[snake] ?? config[camel];
}

/** The class name a user knows (our reset_after GRU class is Keras' GRU). */
const kerasClassName = (className: string) => (className === GRU_RESET_AFTER_CLASS ? 'GRU' : className);

/**
 * Why each layer cannot be exported (empty when all can), for layers given by class name and
 * config in either spelling: model.json's or a live tfjs layer's getConfig().
 */
export function findUnsupportedLayers(layers: { className: string; name: string; config: Record<string, unknown> }[]): LayerProblem[] {
  const problems: LayerProblem[] = [];
  layers.forEach((layer, i) => {
    const { className, name, config } = layer;
    const problem = (reason: string) => problems.push({ name, className: kerasClassName(className), reason });
    if (!SUPPORTED_LAYERS.includes(className) && className !== GRU_RESET_AFTER_CLASS) {
      problem(`${kerasClassName(className)} layers are not supported`);
      return;
    }
    if (className === 'Dense' || className === 'Activation') {
      const act = normaliseActivation(option(config, 'activation'));
      if (!SUPPORTED_ACTIVATIONS.includes(act)) problem(`activation ${option(config, 'activation')} is not supported`);
    }
    if (className === 'Flatten' && option(config, 'data_format') === 'channels_first') problem('data_format channels_first is not supported');
    if (className === 'Embedding' && option(config, 'mask_zero') === true && layers.slice(i + 1).some(l => RNN_CLASSES.includes(l.className))) {
      problem('mask_zero=true (masking of the recurrent layers after it) is not supported');
    }
    if (RNN_CLASSES.includes(className)) {
      for (const flag of ['go_backwards', 'stateful', 'return_state']) if (option(config, flag) === true) problem(`${flag}=true is not supported`);
      for (const key of ['activation', 'recurrent_activation']) {
        const v = option(config, key);
        if (v !== undefined && !(RNN_ACTIVATIONS as readonly string[]).includes(normaliseActivation(v))) problem(`${key} ${v} is not supported in ${kerasClassName(className)}`);
      }
    }
  });
  return problems;
}

function describeProblems(problems: LayerProblem[]): string {
  const n = problems.length;
  return `cannot export to ONNX: ${n} unsupported layer${n === 1 ? '' : 's'}: ` +
    problems.map(p => `${p.name} (${p.className}): ${p.reason}`).join('; ') +
    `. Supported layers: ${SUPPORTED_LAYERS.filter(c => c !== 'InputLayer').join(', ')}`;
}

/** Checks a model.json topology before tfjs builds it: every unsupported layer listed in one error. */
export function checkTopology(topology: KerasLayerJson, file?: string): void {
  const layers = topologyLayers(topology);
  if (!layers) throw new UserError(`${topology.class_name} models are not supported: expected a Sequential or functional model with a list of layers`, file);
  const problems = findUnsupportedLayers(layers.map((l, i) => ({
    className: l.class_name,
    name: String(l.config?.name ?? l.name ?? `layer ${i}`),
    config: (l.config ?? {}) as Record<string, unknown>,
  })));
  if (problems.length) throw new UserError(describeProblems(problems), file);
}

export interface ExportOptions {
  opset?: number;
  /** Where the model came from (a path or name), kept in metadata_props. */
  source?: string;
  producerVersion?: string;
}

export interface TensorDescription { name: string; elemType: number; shape: Dim[] }

export interface ExportResult {
  bytes: Uint8Array;
  opset: number;
  input: TensorDescription;
  output: TensorDescription;
  /** Each layer with the ONNX operators it became. */
  layers: { name: string; className: string; ops: string[] }[];
}

const ELEM_TYPES: Record<string, number> = { float32: TensorType.FLOAT, int32: TensorType.INT32 };

/** The layers of a model, in order, when each feeds the next; otherwise a UserError. */
function chainOf(model: TF.LayersModel): TF.layers.Layer[] {
  if (model.inputs.length !== 1 || model.outputs.length !== 1) {
    throw new UserError(`only models with one input and one output can be exported (this one has ${model.inputs.length} and ${model.outputs.length})`);
  }
  const layers = model.layers.filter(l => l.getClassName() !== 'InputLayer');
  let previous = model.inputs[0];
  for (const layer of layers) {
    const nodes = layer.inboundNodes;
    const node = nodes[0];
    if (nodes.length !== 1 || node.inputTensors.length !== 1 || node.inputTensors[0] !== previous || node.outputTensors.length !== 1) {
      throw new UserError(`only chains of layers (each layer feeding the next) can be exported; layer ${layer.name} is not fed by the layer before it alone`);
    }
    previous = node.outputTensors[0];
  }
  if (model.outputs[0] !== previous) throw new UserError('only chains of layers can be exported: the model output is not the last layer\'s');
  return layers;
}

const shapeDims = (shape: (number | null)[]): Dim[] => shape.map((d, i) => (d === null ? (i === 0 ? 'batch' : null) : d));

function weightsOf(layer: TF.layers.Layer): Float32Array[] {
  return layer.getWeights().map(w => w.dataSync() as Float32Array);
}

/** Converts one layer; returns the name of its output tensor. */
type Converter = (g: GraphBuilder, layer: TF.layers.Layer, x: string, inputShape: (number | null)[]) => string;

/** Emits an activation on tensor x; returns the result (x itself for linear). */
export function activationOps(g: GraphBuilder, activation: string, x: string, prefix: string): string {
  const one = (op: string, attrs: Record<string, AttributeValue> = {}, inputs = [x]) => g.node(op, inputs, [`${prefix}/${op}`], attrs)[0];
  const mul = (a: string, b: string) => g.node('Mul', [a, b], [`${prefix}/Mul`])[0];
  const scalar = (name: string, v: number) => g.scalar(`${prefix}/${name}`, v);
  switch (activation) {
    case 'linear': return x;
    case 'relu': return one('Relu');
    case 'relu6': return one('Clip', {}, [x, scalar('zero', 0), scalar('six', 6)]);
    case 'elu': return one('Elu', { alpha: { float: 1 } });
    // ONNX's Selu defaults are Klambauer et al.'s constants, as tfjs uses.
    case 'selu': return one('Selu');
    case 'sigmoid': return one('Sigmoid');
    case 'hardsigmoid': return one('HardSigmoid', { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'tanh': return one('Tanh');
    case 'softmax': return one('Softmax', { axis: { int: -1 } });
    case 'logsoftmax': return one('LogSoftmax', { axis: { int: -1 } });
    case 'softplus': return one('Softplus');
    case 'softsign': return one('Softsign');
    case 'swish': return mul(x, one('Sigmoid'));
    case 'mish': {
      const sp = one('Softplus');
      return mul(x, g.node('Tanh', [sp], [`${prefix}/Tanh`])[0]);
    }
    case 'gelu': {
      // x · ½ · (1 + erf(x / √2))
      const erf = g.node('Erf', [g.node('Div', [x, scalar('sqrt2', Math.SQRT2)], [`${prefix}/Div`])[0]], [`${prefix}/Erf`])[0];
      const cdf = g.node('Mul', [g.node('Add', [erf, scalar('one', 1)], [`${prefix}/Add`])[0], scalar('half', 0.5)], [`${prefix}/Mul`])[0];
      return mul(x, cdf);
    }
    case 'gelunew': {
      // ½ · x · (1 + tanh(√(2/π) · (x + 0.044715 · x³)))
      const cube = mul(mul(x, x), x);
      const inner = g.node('Add', [x, mul(cube, scalar('c', 0.044715))], [`${prefix}/Add`])[0];
      const t = g.node('Tanh', [mul(inner, scalar('k', Math.sqrt(2 / Math.PI)))], [`${prefix}/Tanh`])[0];
      const onePlus = g.node('Add', [t, scalar('one', 1)], [`${prefix}/Add`])[0];
      return mul(mul(x, onePlus), scalar('half', 0.5));
    }
    default: throw new UserError(`activation ${activation} is not supported`);
  }
}

const config = (layer: TF.layers.Layer) => layer.getConfig() as Record<string, unknown>;

const dense: Converter = (g, layer, x, inputShape) => {
  const c = config(layer);
  const units = c.units as number;
  const [kernel, bias] = weightsOf(layer);
  const inputDim = kernel.length / units;
  const w = g.floatInitializer(`${layer.name}/kernel`, [inputDim, units], kernel);
  const b = bias ? g.floatInitializer(`${layer.name}/bias`, [units], bias) : undefined;
  let y: string;
  if (inputShape.length === 2) {
    y = g.node('Gemm', b ? [x, w, b] : [x, w], [`${layer.name}/Gemm`])[0];
  } else {
    // Keras applies Dense to the last axis of a higher-rank input.
    y = g.node('MatMul', [x, w], [`${layer.name}/MatMul`])[0];
    if (b) y = g.node('Add', [y, b], [`${layer.name}/Add`])[0];
  }
  return activationOps(g, normaliseActivation(c.activation), y, layer.name);
};

const activation: Converter = (g, layer, x) => activationOps(g, normaliseActivation(config(layer).activation), x, layer.name);

const flatten: Converter = (g, layer, x) => g.node('Flatten', [x], [`${layer.name}/Flatten`], { axis: { int: 1 } })[0];

const reshape: Converter = (g, layer, x) => {
  // tfjs keeps Keras' -1 (the inferred dimension) as null.
  const target = (config(layer).targetShape as (number | null)[]).map(d => d ?? -1);
  // 0 copies the input's dimension (the batch); -1 is inferred as in Keras.
  const shape = g.int64Initializer(`${layer.name}/shape`, [target.length + 1], [0, ...target]);
  return g.node('Reshape', [x, shape], [`${layer.name}/Reshape`])[0];
};

function embeddingConverter(inputElemType: number): Converter {
  return (g, layer, x) => {
    const [table] = weightsOf(layer);
    const c = config(layer);
    const table2d = g.floatInitializer(`${layer.name}/embeddings`, [c.inputDim as number, c.outputDim as number], table);
    // Keras casts float indices to integers (truncating), as Cast does.
    const indices = inputElemType === TensorType.INT32 || inputElemType === TensorType.INT64
      ? x : g.node('Cast', [x], [`${layer.name}/Cast`], { to: { int: TensorType.INT64 } })[0];
    return g.node('Gather', [table2d, indices], [`${layer.name}/Gather`], { axis: { int: 0 } })[0];
  };
}

/** An RNN activation as ONNX names it, with the alpha/beta it consumes (in order). */
function rnnActivation(name: unknown): { op: string; alpha?: number; beta?: number } {
  switch (normaliseActivation(name)) {
    case 'tanh': return { op: 'Tanh' };
    case 'sigmoid': return { op: 'Sigmoid' };
    case 'hardsigmoid': return { op: 'HardSigmoid', alpha: 0.2, beta: 0.5 };
    case 'relu': return { op: 'Relu' };
    case 'linear': return { op: 'Affine', alpha: 1, beta: 0 };
    case 'softsign': return { op: 'Softsign' };
    case 'softplus': return { op: 'Softplus' };
    default: throw new UserError(`activation ${name} is not supported in a recurrent layer`);
  }
}

/** activations + activation_alpha/beta attributes (alphas and betas only for the functions that take them). */
function rnnActivationAttributes(names: unknown[]): Record<string, AttributeValue> {
  const acts = names.map(rnnActivation);
  const attrs: Record<string, AttributeValue> = { activations: { strings: acts.map(a => a.op) } };
  const alphas = acts.filter(a => a.alpha !== undefined).map(a => a.alpha!);
  const betas = acts.filter(a => a.beta !== undefined).map(a => a.beta!);
  if (alphas.length) attrs.activation_alpha = { floats: alphas };
  if (betas.length) attrs.activation_beta = { floats: betas };
  return attrs;
}

/**
 * Keras kernel [input, gates·units] (gate blocks in Keras order) → ONNX W [1, gates·units, input]
 * with gate blocks in ONNX order: row (g·units + j) of W is column (order[g]·units + j) of the kernel.
 */
export function rnnWeight(kernel: Float32Array, inputDim: number, units: number, order: number[]): Float32Array {
  const gates = order.length;
  const out = new Float32Array(gates * units * inputDim);
  for (let g = 0; g < gates; g++) {
    for (let j = 0; j < units; j++) {
      const column = order[g] * units + j;
      for (let k = 0; k < inputDim; k++) out[(g * units + j) * inputDim + k] = kernel[k * gates * units + column];
    }
  }
  return out;
}

/** A Keras bias vector [gates·units] with gate blocks reordered. */
function reorderBias(bias: Float32Array, units: number, order: number[]): Float32Array {
  const out = new Float32Array(order.length * units);
  order.forEach((k, g) => out.set(bias.subarray(k * units, (k + 1) * units), g * units));
  return out;
}

/** ONNX LSTM gate g (i, o, f, c) is Keras gate LSTM_ORDER[g] (Keras: i=0, f=1, c=2, o=3). */
export const LSTM_ORDER = [0, 3, 1, 2];
/** GRU gates are z, r, h in both. */
export const GRU_ORDER = [0, 1, 2];

function recurrent(kind: 'LSTM' | 'GRU'): Converter {
  return (g, layer, x, inputShape) => {
    const c = config(layer);
    const units = c.units as number;
    const inputDim = inputShape[inputShape.length - 1];
    if (typeof inputDim !== 'number') throw new UserError(`${layer.name}: the input feature size must be known`);
    // Our reset_after class, or another GRU implementation configured so (the training runtime's fused GRU).
    const resetAfter = kind === 'GRU' && (layer.getClassName() === GRU_RESET_AFTER_CLASS || c.resetAfter === true);
    const useBias = c.useBias !== false;
    const [kernel, recurrentKernel, bias] = weightsOf(layer);
    const order = kind === 'LSTM' ? LSTM_ORDER : GRU_ORDER;
    const gates = order.length;
    const name = layer.name;

    const W = g.floatInitializer(`${name}/W`, [1, gates * units, inputDim], rnnWeight(kernel, inputDim, units, order));
    const R = g.floatInitializer(`${name}/R`, [1, gates * units, units], rnnWeight(recurrentKernel, units, units, order));
    const inputs = [g.node('Transpose', [x], [`${name}/time_major`], { perm: { ints: [1, 0, 2] } })[0], W, R];
    if (useBias) {
      // B = [Wb, Rb]. Keras has one bias (Rb = 0), except reset_after GRUs: [input bias; recurrent bias].
      const B = new Float32Array(2 * gates * units);
      if (resetAfter) {
        B.set(reorderBias(bias.subarray(0, gates * units), units, order), 0);
        B.set(reorderBias(bias.subarray(gates * units), units, order), gates * units);
      } else {
        B.set(reorderBias(bias, units, order), 0);
      }
      inputs.push(g.floatInitializer(`${name}/B`, [1, 2 * gates * units], B));
    }
    const returnSequences = c.returnSequences === true;
    const attrs: Record<string, AttributeValue> = {
      hidden_size: { int: units },
      // LSTM: f (gates), g (cell input), h (cell output); GRU: f (gates), g (candidate).
      ...rnnActivationAttributes(kind === 'LSTM'
        ? [c.recurrentActivation, c.activation, c.activation]
        : [c.recurrentActivation, c.activation]),
    };
    if (kind === 'GRU') attrs.linear_before_reset = { int: resetAfter ? 1 : 0 };
    // Y [steps, 1, batch, units] for the whole sequence, Y_h [1, batch, units] for the last step.
    const [Y, Yh] = g.node(kind, inputs, returnSequences ? [`${name}/Y`, ''] : ['', `${name}/Y_h`], attrs);
    if (returnSequences) {
      const y = g.node('Squeeze', [Y, g.int64Initializer(`${name}/axis1`, [1], [1])], [`${name}/Y_squeezed`])[0];
      return g.node('Transpose', [y], [`${name}/batch_major`], { perm: { ints: [1, 0, 2] } })[0];
    }
    return g.node('Squeeze', [Yh, g.int64Initializer(`${name}/axis0`, [1], [0])], [`${name}/Y_h_squeezed`])[0];
  };
}

/** Converts a tfjs layers model to ONNX. Unsupported layers are one UserError listing all of them. */
export function exportLayersModel(model: TF.LayersModel, options: ExportOptions = {}): ExportResult {
  const opset = options.opset ?? DEFAULT_OPSET;
  if (!Number.isInteger(opset) || opset < MIN_OPSET || opset > MAX_OPSET) {
    throw new UserError(`opset ${opset} is not supported: choose ${MIN_OPSET} to ${MAX_OPSET}`);
  }
  const problems = findUnsupportedLayers(model.layers.map(l => ({ className: l.getClassName(), name: l.name, config: config(l) })));
  if (problems.length) throw new UserError(describeProblems(problems));
  const layers = chainOf(model);

  const inputTensor = model.inputs[0];
  const elemType = ELEM_TYPES[inputTensor.dtype];
  if (elemType === undefined) throw new UserError(`input dtype ${inputTensor.dtype} is not supported (float32 or int32)`);
  const firstNode = layers[0]?.inboundNodes[0];
  const inputName = firstNode?.inboundLayers[0]?.name ?? inputTensor.name;
  const lastLayer = layers[layers.length - 1];
  const outputName = lastLayer ? lastLayer.name : `${inputName}_output`;

  const g = new GraphBuilder();
  g.unique(inputName);
  g.unique(outputName);
  const converters: Record<string, Converter> = {
    Dense: dense, Activation: activation, Dropout: (_g, _l, x) => x, Flatten: flatten, Reshape: reshape,
    Embedding: embeddingConverter(elemType), LSTM: recurrent('LSTM'), GRU: recurrent('GRU'), [GRU_RESET_AFTER_CLASS]: recurrent('GRU'),
  };
  let x = inputName;
  const report: ExportResult['layers'] = [];
  for (const layer of layers) {
    const before = g.nodes.length;
    const inputShape = layer.inboundNodes[0].inputTensors[0].shape;
    x = converters[layer.getClassName()](g, layer, x, inputShape);
    report.push({ name: layer.name, className: kerasClassName(layer.getClassName()), ops: g.nodes.slice(before).map(n => n.opType!) });
  }
  // The last tensor becomes the graph output (an Identity when the model ends without an operator).
  if (x === inputName || !g.renameLastOutput(x, outputName)) {
    const [identity] = g.node('Identity', [x], [`${outputName}/Identity`]);
    g.renameLastOutput(identity, outputName);
  }

  const input: TensorDescription = { name: inputName, elemType, shape: shapeDims(inputTensor.shape) };
  const output: TensorDescription = { name: outputName, elemType: TensorType.FLOAT, shape: shapeDims(model.outputs[0].shape) };
  const classNames = [...new Set(layers.map(l => kerasClassName(l.getClassName())))];
  const proto = onnx.ModelProto.create({
    irVersion: irVersionFor(opset),
    opsetImport: [{ domain: '', version: opset }],
    producerName: 'ML Workbench',
    producerVersion: options.producerVersion ?? '',
    docString: `${model.getClassName()} model ${model.name} (${layers.length} layers: ${classNames.join(', ')}) exported from TensorFlow.js`,
    graph: {
      name: model.name,
      node: g.nodes,
      initializer: g.initializers,
      input: [valueInfo(input.name, input.elemType, input.shape)],
      output: [valueInfo(output.name, output.elemType, output.shape)],
    },
    metadataProps: [
      ...(options.source ? [{ key: 'source_model', value: options.source }] : []),
      { key: 'source_format', value: 'tfjs-layers-model' },
      { key: 'keras_model_class', value: model.getClassName() },
      { key: 'keras_class_names', value: layers.map(l => kerasClassName(l.getClassName())).join(',') },
      { key: 'keras_layer_names', value: layers.map(l => l.name).join(',') },
    ],
  });
  return { bytes: onnx.ModelProto.encode(proto).finish(), opset, input, output, layers: report };
}

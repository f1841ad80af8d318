// A checked layer list (config.ts) as a compiled tfjs Sequential model. LSTM and GRU are the
// fused layers (layers.ts), which serialise as the standard ones. Defaults follow Keras where
// tfjs differs (recurrent_activation sigmoid, kernel_initializer glorot_uniform, LSTM's
// unit_forget_bias), so a model means the same in Keras, ONNX and here.
import * as tf from '@tensorflow/tfjs';
import type { LayerSpec, ModelSpec, OptimizerSpec, TrainOptions } from './config';
import { FusedGRU, FusedLSTM } from './layers';

const SNAKE: Record<string, string> = {
  Dense: 'dense', LSTM: 'lstm', GRU: 'gru', Embedding: 'embedding', Dropout: 'dropout', Flatten: 'flatten', Reshape: 'reshape',
  RepeatVector: 'repeat_vector', Activation: 'activation', BatchNormalization: 'batch_normalization', TimeDistributed: 'time_distributed',
};

/** Keras' layer names: lstm, lstm_1, lstm_2… per type, in order (stable weight names across processes). */
class Names {
  private readonly counts = new Map<string, number>();
  next(type: string): string {
    const base = SNAKE[type] ?? type.toLowerCase();
    const n = this.counts.get(base) ?? 0;
    this.counts.set(base, n + 1);
    return n === 0 ? base : `${base}_${n}`;
  }
}

type Initializer = ReturnType<typeof tf.initializers.glorotUniform>;
const INITIALIZER_FACTORIES: Record<string, (seed?: number) => Initializer> = {
  glorotUniform: seed => tf.initializers.glorotUniform({ seed }),
  glorotNormal: seed => tf.initializers.glorotNormal({ seed }),
  heUniform: seed => tf.initializers.heUniform({ seed }),
  heNormal: seed => tf.initializers.heNormal({ seed }),
  leCunUniform: seed => tf.initializers.leCunUniform({ seed }),
  leCunNormal: seed => tf.initializers.leCunNormal({ seed }),
  orthogonal: seed => tf.initializers.orthogonal({ seed }),
  randomNormal: seed => tf.initializers.randomNormal({ seed }),
  randomUniform: seed => tf.initializers.randomUniform({ seed }),
  truncatedNormal: seed => tf.initializers.truncatedNormal({ seed }),
  zeros: () => tf.initializers.zeros(),
  ones: () => tf.initializers.ones(),
};

/** Keras' default initialisers per option, where they differ from tfjs'. */
const KERAS_DEFAULTS: Record<string, Record<string, string>> = {
  Dense: { kernelInitializer: 'glorotUniform', biasInitializer: 'zeros' },
  LSTM: { kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros' },
  GRU: { kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal', biasInitializer: 'zeros' },
  Embedding: { embeddingsInitializer: 'randomUniform' },
};

function makeLayer(spec: LayerSpec, names: Names, seeds: () => number | undefined, inputShape?: number[]): tf.layers.Layer {
  const { type, layer: inner, ...options } = spec;
  const args: Record<string, unknown> = { ...options, name: options.name ?? names.next(type) };
  if (inputShape && args.inputShape === undefined) args.inputShape = inputShape;
  for (const [key, name] of Object.entries({ ...KERAS_DEFAULTS[type], ...Object.fromEntries(Object.entries(options).filter(([k]) => k.endsWith('Initializer'))) })) {
    args[key] = INITIALIZER_FACTORIES[name as string](seeds());
  }
  switch (type) {
    case 'Dense': return tf.layers.dense(args as never);
    case 'LSTM': return new FusedLSTM({ recurrentActivation: 'sigmoid', unitForgetBias: true, ...args } as never);
    // reset_after stays false unless asked for (Keras' default is true): stock tfjs only loads false.
    case 'GRU': return new FusedGRU({ recurrentActivation: 'sigmoid', resetAfter: false, ...args } as never);
    case 'Embedding': return tf.layers.embedding(args as never);
    case 'Dropout': return tf.layers.dropout(args as never);
    case 'Flatten': return tf.layers.flatten(args as never);
    case 'Reshape': return tf.layers.reshape(args as never);
    case 'RepeatVector': return tf.layers.repeatVector(args as never);
    case 'Activation': return tf.layers.activation(args as never);
    case 'BatchNormalization': return tf.layers.batchNormalization(args as never);
    case 'TimeDistributed': return tf.layers.timeDistributed({ ...args, layer: makeLayer(inner as LayerSpec, names, seeds) } as never);
  }
}

/**
 * The model of a layer list. `sampleShape` (one sample's input shape) is the first layer's
 * input shape unless it names its own. `seed` makes the initial weights reproducible.
 */
export function buildModel(spec: ModelSpec, sampleShape: number[], seed?: number): tf.Sequential {
  const names = new Names();
  let n = 0;
  const seeds = () => (seed === undefined ? undefined : seed * 1000 + ++n);
  const model = tf.sequential();
  spec.layers.forEach((l, i) => model.add(makeLayer(l, names, seeds, i === 0 ? sampleShape : undefined)));
  return model;
}

export function makeOptimizer(spec: OptimizerSpec): tf.Optimizer {
  const o = spec as OptimizerSpec & Record<string, number | boolean | undefined>;
  const n = (k: string) => o[k] as number | undefined;
  switch (spec.type) {
    case 'sgd': return tf.train.sgd(n('learningRate') ?? 0.01);
    case 'momentum': return tf.train.momentum(n('learningRate') ?? 0.01, n('momentum') ?? 0.9, o.useNesterov as boolean | undefined);
    case 'adam': return tf.train.adam(n('learningRate') ?? 0.001, n('beta1') ?? 0.9, n('beta2') ?? 0.999, n('epsilon') ?? 1e-7);
    case 'adamax': return tf.train.adamax(n('learningRate') ?? 0.002, n('beta1') ?? 0.9, n('beta2') ?? 0.999, n('epsilon') ?? 1e-7, n('decay') ?? 0);
    case 'rmsprop': return tf.train.rmsprop(n('learningRate') ?? 0.001, n('decay') ?? 0.9, n('momentum') ?? 0, n('epsilon') ?? 1e-7, o.centered as boolean | undefined);
    case 'adagrad': return tf.train.adagrad(n('learningRate') ?? 0.01, n('initialAccumulatorValue') ?? 0.1);
    case 'adadelta': return tf.train.adadelta(n('learningRate') ?? 0.001, n('rho') ?? 0.95, n('epsilon') ?? 1e-7);
  }
}

/** Metric names (config.ts spelling) as tfjs' compile() takes them: a name or the function. */
function metric(name: string): string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) {
  switch (name) {
    case 'recall': return tf.metrics.recall;
    case 'sparseCategoricalAccuracy': return tf.metrics.sparseCategoricalAccuracy;
    case 'binaryCrossentropy': return tf.metrics.binaryCrossentropy;
    case 'meanSquaredError': return 'mse';
    case 'meanAbsoluteError': return 'mae';
    case 'meanAbsolutePercentageError': return 'mape';
    default: return name;
  }
}

export function compileModel(model: tf.LayersModel, options: Pick<TrainOptions, 'optimizer' | 'loss' | 'metrics'>): void {
  model.compile({ optimizer: makeOptimizer(options.optimizer), loss: options.loss, metrics: options.metrics.map(metric) });
}

// Keras' GRU with reset_after=True (the default since Keras 2.3, so what most GRU models saved by
// Keras hold) as a TensorFlow.js layer. Stock tfjs only implements reset_after=False and refuses
// to load these models; modelFolder.ts loads them with this class instead, so they can be run,
// exported and checked for parity like any other model.
//
// It follows Keras' GRUCell equations for reset_after=True, with two biases (input, recurrent):
//   [x_z, x_r, x_h] = x·W + b_in          [h_z, h_r, h_h] = h·U + b_rec
//   z = σ(x_z + h_z)    r = σ(x_r + h_r)    ĥ = act(x_h + r ⊙ h_h)    h' = z ⊙ h + (1 − z) ⊙ ĥ
// where σ is the recurrent activation. The reset gate applies *after* the recurrent product.
import type * as TF from '@tensorflow/tfjs';

/** The class name registered with tfjs (a Keras GRU with reset_after=True is loaded as this). */
export const GRU_RESET_AFTER_CLASS = 'MlwGRUResetAfter';

/** Activations an RNN cell may use here, applied with tfjs ops as Keras (2.x) defines them. */
export const RNN_ACTIVATIONS = ['tanh', 'sigmoid', 'hardsigmoid', 'relu', 'linear', 'softsign', 'softplus'] as const;

/** Lower case without underscores: Keras writes hard_sigmoid, tfjs hardSigmoid. */
export function normaliseActivation(name: unknown): string {
  return typeof name === 'string' ? name.toLowerCase().replace(/_/g, '') : name == null ? 'linear' : String(name);
}

export interface GruResetAfterArgs {
  units: number;
  activation?: string;
  recurrentActivation?: string;
  useBias?: boolean;
  returnSequences?: boolean;
  name?: string;
  inputShape?: number[];
  batchInputShape?: (number | null)[];
  dtype?: TF.DataType;
  trainable?: boolean;
  [key: string]: unknown;
}

type LayerClass = new (args: GruResetAfterArgs) => TF.layers.Layer;
const classes = new WeakMap<object, LayerClass>();

function applyActivation(tf: typeof TF, name: string, x: TF.Tensor): TF.Tensor {
  switch (name) {
    case 'tanh': return tf.tanh(x);
    case 'sigmoid': return tf.sigmoid(x);
    case 'hardsigmoid': return tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1);
    case 'relu': return tf.relu(x);
    case 'linear': return x;
    case 'softsign': return tf.div(x, tf.add(tf.abs(x), 1));
    case 'softplus': return tf.softplus(x);
    default: throw new Error(`activation ${name} is not supported in a GRU`);
  }
}

/** Defines and registers the layer class for this tfjs instance (once) and returns it. */
export function defineGruResetAfter(tf: typeof TF): LayerClass {
  const known = classes.get(tf);
  if (known) return known;

  class GruResetAfter extends tf.layers.Layer {
    static className = GRU_RESET_AFTER_CLASS;
    readonly units: number;
    readonly activationName: string;
    readonly recurrentActivationName: string;
    readonly useBias: boolean;
    readonly returnSequences: boolean;
    private kernel?: TF.LayerVariable;
    private recurrentKernel?: TF.LayerVariable;
    private bias?: TF.LayerVariable;

    constructor(args: GruResetAfterArgs) {
      super(args);
      if (!(Number.isInteger(args.units) && args.units > 0)) throw new Error(`GRU units must be a positive integer, not ${args.units}`);
      for (const flag of ['goBackwards', 'stateful', 'returnState'] as const) {
        if (args[flag]) throw new Error(`GRU with ${flag} is not supported`);
      }
      this.units = args.units;
      this.activationName = normaliseActivation(args.activation ?? 'tanh');
      this.recurrentActivationName = normaliseActivation(args.recurrentActivation ?? 'sigmoid');
      for (const a of [this.activationName, this.recurrentActivationName]) {
        if (!(RNN_ACTIVATIONS as readonly string[]).includes(a)) throw new Error(`activation ${a} is not supported in a GRU`);
      }
      this.useBias = args.useBias ?? true;
      this.returnSequences = Boolean(args.returnSequences);
    }

    build(inputShape: TF.Shape | TF.Shape[]): void {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      const inputDim = shape[shape.length - 1];
      if (typeof inputDim !== 'number') throw new Error('GRU needs a known input feature size');
      const u = this.units;
      this.kernel = this.addWeight('kernel', [inputDim, 3 * u], 'float32', tf.initializers.glorotUniform({}));
      this.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], 'float32', tf.initializers.orthogonal({}));
      if (this.useBias) this.bias = this.addWeight('bias', [2, 3 * u], 'float32', tf.initializers.zeros());
      this.built = true;
    }

    computeOutputShape(inputShape: TF.Shape | TF.Shape[]): TF.Shape {
      const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as TF.Shape;
      return this.returnSequences ? [shape[0], shape[1], this.units] : [shape[0], this.units];
    }

    call(inputs: TF.Tensor | TF.Tensor[]): TF.Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const [batch, steps, inputDim] = x.shape;
        const u = this.units;
        const act = (t: TF.Tensor) => applyActivation(tf, this.activationName, t);
        const recAct = (t: TF.Tensor) => applyActivation(tf, this.recurrentActivationName, t);
        let xw = tf.reshape(tf.matMul(tf.reshape(x, [-1, inputDim]), this.kernel!.read()), [batch, steps, 3 * u]);
        let recurrentBias: TF.Tensor | undefined;
        if (this.bias) {
          const [inputBias, recBias] = tf.unstack(this.bias.read(), 0);
          xw = tf.add(xw, inputBias);
          recurrentBias = recBias;
        }
        let h: TF.Tensor = tf.zeros([batch, u]);
        const outputs: TF.Tensor[] = [];
        for (const xt of tf.unstack(xw, 1)) {
          const [xz, xr, xh] = tf.split(xt, 3, 1);
          let inner = tf.matMul(h, this.recurrentKernel!.read());
          if (recurrentBias) inner = tf.add(inner, recurrentBias);
          const [hz, hr, hh] = tf.split(inner, 3, 1);
          const z = recAct(tf.add(xz, hz));
          const r = recAct(tf.add(xr, hr));
          const candidate = act(tf.add(xh, tf.mul(r, hh)));
          h = tf.add(tf.mul(z, h), tf.mul(tf.sub(1, z), candidate));
          outputs.push(h);
        }
        return this.returnSequences ? tf.stack(outputs, 1) : h;
      });
    }

    getConfig(): TF.serialization.ConfigDict {
      return {
        ...super.getConfig(),
        units: this.units,
        activation: this.activationName,
        recurrentActivation: this.recurrentActivationName,
        useBias: this.useBias,
        returnSequences: this.returnSequences,
        resetAfter: true,
      };
    }
  }

  tf.serialization.registerClass(GruResetAfter);
  classes.set(tf, GruResetAfter);
  return GruResetAfter;
}

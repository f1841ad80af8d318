// tfjs-layers' LSTM and GRU with the fused sequence kernels of fusedRnn.ts. They are subclasses
// of the stock layers with the same class names, configs and weights, so a model built from
// them serialises exactly as a stock one (model.json says "LSTM"/"GRU", Keras weight names and
// shapes) and stock tf.loadLayersModel loads it. Cases the fused kernels do not cover (masks,
// stateful or backwards RNNs, returned states, dropout inside the cell while training, other
// activations) run the stock per-step code.
//
// GRU adds Keras' reset_after=True (bias [2, 3U]), which stock tfjs refuses: such a model
// loads with our runtime (customObjects below), Keras, and the ONNX exporter, but not with
// stock tf.loadLayersModel.
import * as tf from '@tensorflow/tfjs';
import type { GRU, GRUCell, GRUCellLayerArgs, GRULayerArgs as StockGRULayerArgs, LSTM, LSTMLayerArgs } from '@tensorflow/tfjs-layers/dist/layers/recurrent';
import { gru, lstm, RNN_ACTIVATIONS, type RnnActivation } from './fusedRnn';

type Kwargs = Record<string, unknown>;
/** The stock args plus reset_after (GRUCellLayerArgs declares it; GRULayerArgs does not). */
export type GRULayerArgs = StockGRULayerArgs & Pick<GRUCellLayerArgs, 'resetAfter'>;
// tfjs-layers exports the factories, not the classes: take the classes from instances.
const StockLSTM = tf.layers.lstm({ units: 1 }).constructor as typeof LSTM;
const StockGRU = tf.layers.gru({ units: 1 }).constructor as typeof GRU;
const StockGRUCell = tf.layers.gruCell({ units: 1 }).constructor as typeof GRUCell;

/** What a recurrent layer's cell holds (LSTMCell/GRUCell fields, public in JS). */
interface CellFields {
  units: number;
  activation: { getClassName(): string };
  recurrentActivation: { getClassName(): string };
  useBias: boolean;
  dropout: number;
  recurrentDropout: number;
  kernel: tf.LayerVariable;
  recurrentKernel: tf.LayerVariable;
  bias: tf.LayerVariable | null;
}

function activationName(a: { getClassName(): string }): RnnActivation | undefined {
  const name = a.getClassName();
  return (RNN_ACTIVATIONS as readonly string[]).includes(name) ? (name as RnnActivation) : undefined;
}

/** The input tensor when the fused kernel computes exactly what the stock layer would; else undefined. */
function fusableInput(layer: LSTM | GRU, inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor3D | undefined {
  const cell = layer.cell as unknown as CellFields;
  const x = Array.isArray(inputs) ? inputs[0] : inputs;
  if (Array.isArray(inputs) && inputs.length !== 1) return undefined; // initial states passed as inputs
  if (x.rank !== 3 || x.dtype !== 'float32') return undefined;
  if (kwargs?.mask != null || kwargs?.initialState != null) return undefined;
  if (layer.returnState || layer.goBackwards || layer.stateful) return undefined;
  if (kwargs?.training && (cell.dropout > 0 || cell.recurrentDropout > 0)) return undefined;
  if (!activationName(cell.activation) || !activationName(cell.recurrentActivation)) return undefined;
  return x as tf.Tensor3D;
}

export class FusedLSTM extends StockLSTM {
  static className = 'LSTM';

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = fusableInput(this, inputs, kwargs);
    if (!x) return super.call(inputs, kwargs);
    const cell = this.cell as unknown as CellFields;
    return tf.tidy(() => lstm(x, cell.kernel.read() as tf.Tensor2D, cell.recurrentKernel.read() as tf.Tensor2D, cell.bias ? cell.bias.read() as tf.Tensor1D : null, {
      returnSequences: this.returnSequences,
      activation: activationName(cell.activation),
      recurrentActivation: activationName(cell.recurrentActivation),
    }));
  }
}

/** Keras' GRUCell with reset_after=True: two biases, the reset gate applied after the recurrent product. */
class ResetAfterGRUCell extends StockGRUCell {
  static className = 'GRUCell';

  constructor(args: GRULayerArgs) {
    if ((args.dropout ?? 0) > 0 || (args.recurrentDropout ?? 0) > 0) {
      throw new Error('GRU with resetAfter does not support dropout or recurrentDropout (use a Dropout layer)');
    }
    super({ ...args, resetAfter: false });
  }

  build(inputShape: tf.Shape | tf.Shape[]): void {
    const shape = (Array.isArray(inputShape[0]) ? inputShape[0] : inputShape) as tf.Shape;
    const inputDim = shape[shape.length - 1] as number;
    const self = this as unknown as CellFields & Record<string, any>;
    const u = self.units;
    self.kernel = this.addWeight('kernel', [inputDim, 3 * u], undefined, self.kernelInitializer, self.kernelRegularizer, true, self.kernelConstraint);
    self.recurrentKernel = this.addWeight('recurrent_kernel', [u, 3 * u], undefined, self.recurrentInitializer, self.recurrentRegularizer, true, self.recurrentConstraint);
    self.bias = self.useBias ? this.addWeight('bias', [2, 3 * u], undefined, self.biasInitializer, self.biasRegularizer, true, self.biasConstraint) : null;
    this.built = true;
  }

  /** One step (the path masks take): inputs [x_t, h]. */
  call(inputs: tf.Tensor | tf.Tensor[], _kwargs: Kwargs): tf.Tensor[] {
    return tf.tidy(() => {
      const [x, h] = inputs as tf.Tensor2D[];
      const self = this as unknown as CellFields & { activation: { apply(t: tf.Tensor): tf.Tensor }; recurrentActivation: { apply(t: tf.Tensor): tf.Tensor } };
      let xp: tf.Tensor2D = tf.matMul(x, self.kernel.read() as tf.Tensor2D);
      let inner: tf.Tensor2D = tf.matMul(h, self.recurrentKernel.read() as tf.Tensor2D);
      if (self.bias) {
        const [inputBias, recurrentBias] = tf.unstack(self.bias.read());
        xp = tf.add(xp, inputBias);
        inner = tf.add(inner, recurrentBias);
      }
      const [xz, xr, xh] = tf.split(xp, 3, 1);
      const [iz, ir, ih] = tf.split(inner, 3, 1);
      const z = self.recurrentActivation.apply(tf.add(xz, iz));
      const r = self.recurrentActivation.apply(tf.add(xr, ir));
      const hh = self.activation.apply(tf.add(xh, tf.mul(r, ih)));
      const hNext = tf.add(hh, tf.mul(z, tf.sub(h, hh)));
      return [hNext, hNext];
    });
  }

  getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), resetAfter: true };
  }
}

export class FusedGRU extends StockGRU {
  static className = 'GRU';
  readonly resetAfter: boolean;

  constructor(args: GRULayerArgs) {
    super({ ...args, resetAfter: false } as StockGRULayerArgs);
    this.resetAfter = args.resetAfter === true;
    if (this.resetAfter) (this as { cell: unknown }).cell = new ResetAfterGRUCell(args);
  }

  call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor | tf.Tensor[] {
    const x = fusableInput(this, inputs, kwargs);
    if (!x) return super.call(inputs, kwargs);
    const cell = this.cell as unknown as CellFields;
    return tf.tidy(() => gru(x, cell.kernel.read() as tf.Tensor2D, cell.recurrentKernel.read() as tf.Tensor2D, cell.bias ? cell.bias.read() : null, {
      returnSequences: this.returnSequences,
      activation: activationName(cell.activation),
      recurrentActivation: activationName(cell.recurrentActivation),
      resetAfter: this.resetAfter,
    }));
  }
}

export function fusedLstm(args: LSTMLayerArgs): FusedLSTM {
  return new FusedLSTM(args);
}
export function fusedGru(args: GRULayerArgs): FusedGRU {
  return new FusedGRU(args);
}

/**
 * Runs `fn` (a model deserialisation) with "LSTM" and "GRU" mapped to the fused layers, then
 * puts the stock classes back. (tfjs' customObjects would be the tool, but Sequential.fromConfig
 * drops them in tfjs 4.22, so the class registry is swapped for the duration instead.)
 */
export async function withFusedLayers<T>(fn: () => Promise<T>): Promise<T> {
  const registry = tf.serialization.SerializationMap.getMap().classNameMap;
  const stock = { LSTM: registry.LSTM, GRU: registry.GRU };
  registry.LSTM = [FusedLSTM, FusedLSTM.fromConfig as never];
  registry.GRU = [FusedGRU, FusedGRU.fromConfig as never];
  try {
    return await fn();
  } finally {
    registry.LSTM = stock.LSTM;
    registry.GRU = stock.GRU;
  }
}

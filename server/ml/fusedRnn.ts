// LSTM and GRU over a whole sequence with few, large ops, and their backward pass (BPTT)
// written out, so that training costs per timestep one recurrent matMul and a handful of
// elementwise ops instead of the dozens tfjs-layers' per-step cells record on the tape.
//
// Weights are Keras' (what tfjs-layers stores and the ONNX exporter reads):
//   LSTM  kernel [D, 4U], recurrent_kernel [U, 4U], bias [4U]; gate order i, f, c, o.
//   GRU   kernel [D, 3U], recurrent_kernel [U, 3U]; gate order z, r, h; bias [3U], or [2, 3U]
//         (input bias, recurrent bias) with reset_after.
//
// Layout: inside, the state is kept transposed, [U, B] ("gate-major"): a step's gates are then
// contiguous row blocks of one [4U, B] product, so taking a gate is one memcpy. The input
// projection of all timesteps is one matMul before the loop, and in the backward pass the
// weight gradients of all timesteps are one matMul each after it. What the backward loop needs
// from the forward pass (gate values times activation derivatives) is computed in bulk, over
// all timesteps at once, after the forward loop.
import * as tf from '@tensorflow/tfjs';

export type RnnActivation = 'tanh' | 'sigmoid' | 'hardSigmoid' | 'relu' | 'linear';
export const RNN_ACTIVATIONS: readonly RnnActivation[] = ['tanh', 'sigmoid', 'hardSigmoid', 'relu', 'linear'];

interface Activation {
  apply(x: tf.Tensor): tf.Tensor;
  /** The derivative, from the activation's output y = f(x). */
  derivative(y: tf.Tensor): tf.Tensor;
}

// As tfjs-layers defines them (hardSigmoid: clip(0.2·x + 0.5, 0, 1)).
const ACTIVATIONS: Record<RnnActivation, Activation> = {
  tanh: { apply: x => tf.tanh(x), derivative: y => tf.sub(1, tf.square(y)) },
  sigmoid: { apply: x => tf.sigmoid(x), derivative: y => tf.mul(y, tf.sub(1, y)) },
  hardSigmoid: {
    apply: x => tf.clipByValue(tf.add(tf.mul(x, 0.2), 0.5), 0, 1),
    derivative: y => tf.mul(tf.cast(tf.logicalAnd(tf.greater(y, 0), tf.less(y, 1)), 'float32'), 0.2),
  },
  relu: { apply: x => tf.relu(x), derivative: y => tf.cast(tf.greater(y, 0), 'float32') },
  linear: { apply: x => x, derivative: y => tf.onesLike(y) },
};

export interface RnnOptions {
  returnSequences: boolean;
  /** The cell activation (Keras `activation`), default tanh. */
  activation?: RnnActivation;
  /** The gates' activation (Keras `recurrent_activation`), default sigmoid. */
  recurrentActivation?: RnnActivation;
}

export interface GruOptions extends RnnOptions {
  /** Keras reset_after: the reset gate applies after the recurrent matMul (bias [2, 3U]). */
  resetAfter: boolean;
}

/** Whether autodiff is recording: only then is anything kept for the backward pass. */
const recording = () => tf.engine().isTapeOn();

/** Row `t` of a [T, R, B] tensor, as [R, B] (one contiguous copy). */
function step(x: tf.Tensor3D, t: number, rows = x.shape[1], from = 0): tf.Tensor2D {
  return tf.reshape(tf.slice(x, [t, from, 0], [1, rows, x.shape[2]]), [rows, x.shape[2]]);
}

/** Rows [from, from + count) of a [R, B] tensor. */
function rows(x: tf.Tensor2D, from: number, count: number): tf.Tensor2D {
  return tf.slice(x, [from, 0], [count, x.shape[1]]);
}

/** x [B, T, D] as the projection x·K + b of every timestep, time- and gate-major: [T, G, B]. */
function projectInputs(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D | undefined): tf.Tensor3D {
  const [b, t, d] = x.shape;
  let xp: tf.Tensor2D = tf.matMul(tf.reshape(x, [b * t, d]), kernel);
  if (bias) xp = tf.add(xp, bias);
  return tf.transpose(tf.reshape(xp, [b, t, kernel.shape[1]]), [1, 2, 0]);
}

/** Per-timestep [U, B] states as the layer's output: [B, T, U], or the last one as [B, U]. */
function output(states: tf.Tensor2D[], returnSequences: boolean): tf.Tensor {
  return returnSequences ? tf.transpose(tf.stack(states), [2, 0, 1]) : tf.transpose(states[states.length - 1]);
}

/** The output gradient dy ([B, T, U] or [B, U]) as a function of the timestep: [U, B] or undefined. */
function outputGradient(dy: tf.Tensor, steps: number, returnSequences: boolean): (t: number) => tf.Tensor2D | undefined {
  if (returnSequences) {
    const dyT = tf.transpose(dy, [1, 2, 0]) as tf.Tensor3D;
    return t => step(dyT, t);
  }
  const last = tf.transpose(dy) as tf.Tensor2D;
  return t => (t === steps - 1 ? last : undefined);
}

/**
 * The gradients every recurrent layer shares, from the per-timestep gradients of the input
 * projection dXP ([T, G, B], time-major): dK = xᵀ·dXP, db = Σ dXP, dx = dXP·Kᵀ, all timesteps
 * in one op each. Non-transposed matMuls on explicit transposes: the fast path on every backend.
 */
function inputGradients(x: tf.Tensor3D, kernel: tf.Tensor2D, dXP: tf.Tensor3D): { dx: tf.Tensor3D; dKernel: tf.Tensor2D; dBias: tf.Tensor1D } {
  const [b, t, d] = x.shape;
  const g = kernel.shape[1];
  const flat = tf.reshape(tf.transpose(dXP, [0, 2, 1]), [t * b, g]); // rows in (t, b) order
  const xT = tf.reshape(tf.transpose(x, [2, 1, 0]), [d, t * b]); // columns in (t, b) order
  const dKernel = tf.matMul(xT, flat) as tf.Tensor2D;
  const dBias = tf.sum(flat, 0) as tf.Tensor1D;
  const dx = tf.transpose(tf.reshape(tf.matMul(flat, tf.transpose(kernel)), [t, b, d]), [1, 0, 2]) as tf.Tensor3D;
  return { dx, dKernel, dBias };
}

/** Σ_t a_t · g_tᵀ over timesteps for a [T, U, B] and g [T, G, B]: [U, G], one matMul. */
function sumOverTime(a: tf.Tensor3D, g: tf.Tensor3D): tf.Tensor2D {
  const [t, u, b] = a.shape;
  const aFlat = tf.reshape(tf.transpose(a, [1, 0, 2]), [u, t * b]);
  const gFlat = tf.reshape(tf.transpose(g, [0, 2, 1]), [t * b, g.shape[1]]);
  return tf.matMul(aFlat, gFlat);
}

function activations(o: RnnOptions): { act: Activation; rec: Activation } {
  return { act: ACTIVATIONS[o.activation ?? 'tanh'], rec: ACTIVATIONS[o.recurrentActivation ?? 'sigmoid'] };
}

/**
 * An LSTM layer over x [B, T, D] from zero initial states: [B, T, U] (returnSequences) or the
 * last output [B, U]. Differentiable with respect to x and the weights.
 */
export function lstm(x: tf.Tensor3D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor1D | null, options: RnnOptions): tf.Tensor {
  const { act, rec } = activations(options);
  const withBias = bias !== null;
  const inputs: tf.Tensor[] = withBias ? [x, kernel, recurrentKernel, bias] : [x, kernel, recurrentKernel];
  const keep = recording();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [X, K, R, b] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor1D | undefined];
    const [batch, steps] = X.shape;
    const u = R.shape[0];
    const xp = projectInputs(X, K, withBias ? b : undefined);
    const rT = tf.transpose(R); // [4U, U]
    let h: tf.Tensor2D = tf.zeros([u, batch]);
    let c: tf.Tensor2D = tf.zeros([u, batch]);
    const hs: tf.Tensor2D[] = [];
    const kept = { i: [] as tf.Tensor[], f: [] as tf.Tensor[], g: [] as tf.Tensor[], o: [] as tf.Tensor[], cPrev: [] as tf.Tensor[], tc: [] as tf.Tensor[], hPrev: [] as tf.Tensor[] };
    for (let t = 0; t < steps; t++) {
      const z = tf.add(tf.matMul(rT, h), step(xp, t)) as tf.Tensor2D; // [4U, B]
      const s = rec.apply(z) as tf.Tensor2D;
      const i = rows(s, 0, u);
      const f = rows(s, u, u);
      const o = rows(s, 3 * u, u);
      const g = act.apply(rows(z, 2 * u, u));
      const cNext = tf.add(tf.mul(f, c), tf.mul(i, g)) as tf.Tensor2D;
      const tc = act.apply(cNext);
      const hNext = tf.mul(o, tc) as tf.Tensor2D;
      if (keep) {
        kept.i.push(i); kept.f.push(f); kept.g.push(g); kept.o.push(o);
        kept.cPrev.push(c); kept.tc.push(tc); kept.hPrev.push(h);
      }
      hs.push(hNext);
      h = hNext;
      c = cNext;
    }
    if (keep) {
      // What each step of the backward pass multiplies by, for all steps at once ([T, ·, B]):
      //   dz = [dc, dc, dc, dh] ⊙ P,   dc = dc' + dh ⊙ Q,   dc_prev = dc ⊙ F.
      const [I, F, G, O, Cp, TC] = [kept.i, kept.f, kept.g, kept.o, kept.cPrev, kept.tc].map(l => tf.stack(l) as tf.Tensor3D);
      const P = tf.concat([
        tf.mul(G, rec.derivative(I)), tf.mul(Cp, rec.derivative(F)), tf.mul(I, act.derivative(G)), tf.mul(TC, rec.derivative(O)),
      ], 1);
      const Q = tf.mul(O, act.derivative(TC));
      save([X, K, R, P, Q, F, tf.stack(kept.hPrev)]);
    }
    return {
      value: output(hs, options.returnSequences),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        // The inputs too: the layer's input may be an intermediate that autodiff's forward scope frees.
        const [Xs, Ks, Rs, P, Q, F, Hprev] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, ...tf.Tensor3D[]];
        const dyAt = outputGradient(dy, steps, options.returnSequences);
        const dzs: tf.Tensor2D[] = new Array(steps);
        let dhNext: tf.Tensor2D | undefined;
        let dcNext: tf.Tensor2D | undefined;
        for (let t = steps - 1; t >= 0; t--) {
          const dyT = dyAt(t);
          const dh = dyT && dhNext ? tf.add(dyT, dhNext) : (dyT ?? dhNext)!;
          let dc = tf.mul(dh, step(Q, t)) as tf.Tensor2D;
          if (dcNext) dc = tf.add(dc, dcNext);
          const dz = tf.mul(tf.concat([dc, dc, dc, dh], 0), step(P, t)) as tf.Tensor2D;
          dzs[t] = dz;
          if (t === 0) break; // the initial states are constants: nothing flows further back
          dhNext = tf.matMul(Rs, dz) as tf.Tensor2D;
          dcNext = tf.mul(dc, step(F, t)) as tf.Tensor2D;
        }
        const dZ = tf.stack(dzs) as tf.Tensor3D; // [T, 4U, B]
        const { dx, dKernel, dBias } = inputGradients(Xs, Ks, dZ);
        const dR = sumOverTime(Hprev, dZ);
        return withBias ? [dx, dKernel, dR, dBias] : [dx, dKernel, dR];
      },
    };
  });
  return op(...inputs);
}

/**
 * A GRU layer over x [B, T, D] from a zero initial state, Keras' equations:
 *   z = σ(x·Wz + h·Uz + bz)   r = σ(x·Wr + h·Ur + br)
 *   reset_after false: ĥ = act(x·Wh + (r ⊙ h)·Uh + bh)
 *   reset_after true:  ĥ = act(x·Wh + b_in,h + r ⊙ (h·Uh + b_rec,h)), one recurrent matMul per step
 *   h' = z ⊙ h + (1 − z) ⊙ ĥ
 * (reset_after false needs two recurrent matMuls per step: the second depends on r.)
 */
export function gru(x: tf.Tensor3D, kernel: tf.Tensor2D, recurrentKernel: tf.Tensor2D, bias: tf.Tensor | null, options: GruOptions): tf.Tensor {
  const { act, rec } = activations(options);
  const withBias = bias !== null;
  const inputs: tf.Tensor[] = withBias ? [x, kernel, recurrentKernel, bias] : [x, kernel, recurrentKernel];
  const keep = recording();
  const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [X, K, R, b] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor | undefined];
    const [batch, steps] = X.shape;
    const u = R.shape[0];
    const inputBias = !withBias ? undefined : options.resetAfter ? tf.reshape(tf.slice(b!, [0, 0], [1, 3 * u]), [3 * u]) as tf.Tensor1D : b as tf.Tensor1D;
    const recurrentBias = withBias && options.resetAfter ? tf.reshape(tf.slice(b!, [1, 0], [1, 3 * u]), [3 * u, 1]) : undefined;
    const xp = projectInputs(X, K, inputBias); // [T, 3U, B]
    let h: tf.Tensor2D = tf.zeros([u, batch]);
    const hs: tf.Tensor2D[] = [];
    const kept = { z: [] as tf.Tensor[], r: [] as tf.Tensor[], hh: [] as tf.Tensor[], hPrev: [] as tf.Tensor[], innerH: [] as tf.Tensor[] };
    const rT = tf.transpose(R); // [3U, U]
    const rzrT = rows(rT as tf.Tensor2D, 0, 2 * u);
    const rhT = rows(rT as tf.Tensor2D, 2 * u, u);
    for (let t = 0; t < steps; t++) {
      let z: tf.Tensor2D, r: tf.Tensor2D, hh: tf.Tensor2D;
      if (options.resetAfter) {
        let inner = tf.matMul(rT, h) as tf.Tensor2D; // [3U, B]
        if (recurrentBias) inner = tf.add(inner, recurrentBias);
        const xt = step(xp, t);
        const zr = rec.apply(tf.add(rows(xt, 0, 2 * u), rows(inner, 0, 2 * u))) as tf.Tensor2D;
        z = rows(zr, 0, u);
        r = rows(zr, u, u);
        const innerH = rows(inner, 2 * u, u);
        hh = act.apply(tf.add(rows(xt, 2 * u, u), tf.mul(r, innerH))) as tf.Tensor2D;
        if (keep) kept.innerH.push(innerH);
      } else {
        const zr = rec.apply(tf.add(tf.matMul(rzrT, h), step(xp, t, 2 * u, 0))) as tf.Tensor2D;
        z = rows(zr, 0, u);
        r = rows(zr, u, u);
        hh = act.apply(tf.add(tf.matMul(rhT, tf.mul(r, h)), step(xp, t, u, 2 * u))) as tf.Tensor2D;
      }
      const hNext = tf.add(hh, tf.mul(z, tf.sub(h, hh))) as tf.Tensor2D;
      if (keep) {
        kept.z.push(z); kept.r.push(r); kept.hh.push(hh); kept.hPrev.push(h);
      }
      hs.push(hNext);
      h = hNext;
    }
    if (keep) {
      const [Z, Rg, HH, Hp] = [kept.z, kept.r, kept.hh, kept.hPrev].map(l => tf.stack(l) as tf.Tensor3D);
      // With dh the gradient reaching a step's output (all [T, U, B]):
      //   d(ĥ pre-activation) = dh ⊙ A1,  d(z pre-activation) = dh ⊙ A2.
      const A1 = tf.mul(tf.sub(1, Z), act.derivative(HH));
      const A2 = tf.mul(tf.sub(Hp, HH), rec.derivative(Z));
      if (options.resetAfter) {
        const IH = tf.stack(kept.innerH);
        // d(r pre-activation) = dh ⊙ A1 ⊙ (h·Uh + b) ⊙ σ'(r);  d(h·Uh + b) = dh ⊙ A1 ⊙ r.
        const A3 = tf.mul(tf.mul(A1, IH), rec.derivative(Rg));
        save([X, K, R, tf.concat([A2, A3, A1], 1), tf.concat([A2, A3, tf.mul(A1, Rg)], 1), Z, Hp]);
      } else {
        // d(r pre-activation) = d(r ⊙ h) ⊙ h ⊙ σ'(r), where d(r ⊙ h) = Uh·d(ĥ pre-activation).
        save([X, K, R, A1, A2, tf.mul(Hp, rec.derivative(Rg)), Z, Rg, Hp]);
      }
    }
    return {
      value: output(hs, options.returnSequences),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [Xs, Ks, Rs] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D];
        const rest = saved.slice(3);
        const dyAt = outputGradient(dy, steps, options.returnSequences);
        const dXPs: tf.Tensor2D[] = new Array(steps);
        let dhNext: tf.Tensor2D | undefined;
        if (options.resetAfter) {
          const [PX, PI, Z, Hp] = rest as tf.Tensor3D[];
          const dInner: tf.Tensor2D[] = new Array(steps);
          for (let t = steps - 1; t >= 0; t--) {
            const dyT = dyAt(t);
            const dh = dyT && dhNext ? tf.add(dyT, dhNext) : (dyT ?? dhNext)!;
            const dh3 = tf.concat([dh, dh, dh], 0);
            dXPs[t] = tf.mul(dh3, step(PX, t)) as tf.Tensor2D;
            dInner[t] = tf.mul(dh3, step(PI, t)) as tf.Tensor2D;
            if (t === 0) break;
            dhNext = tf.add(tf.mul(dh, step(Z, t)), tf.matMul(Rs, dInner[t])) as tf.Tensor2D;
          }
          const dXP = tf.stack(dXPs) as tf.Tensor3D;
          const dI = tf.stack(dInner) as tf.Tensor3D;
          const { dx, dKernel, dBias } = inputGradients(Xs, Ks, dXP);
          const dR = sumOverTime(Hp, dI);
          if (!withBias) return [dx, dKernel, dR];
          const dRecurrentBias = tf.sum(dI, [0, 2]);
          return [dx, dKernel, dR, tf.stack([dBias, dRecurrentBias])];
        }
        const [A1, A2, A3, Z, Rg, Hp] = rest as tf.Tensor3D[];
        const uh = tf.slice(Rs, [0, 2 * u], [u, u]); // Uh [U, U]
        const uzr = tf.slice(Rs, [0, 0], [u, 2 * u]); // [Uz Ur] [U, 2U]
        const dHH: tf.Tensor2D[] = new Array(steps);
        for (let t = steps - 1; t >= 0; t--) {
          const dyT = dyAt(t);
          const dh = dyT && dhNext ? tf.add(dyT, dhNext) : (dyT ?? dhNext)!;
          const dhh = tf.mul(dh, step(A1, t)) as tf.Tensor2D;
          const dzp = tf.mul(dh, step(A2, t));
          const dRh = tf.matMul(uh, dhh); // d(r ⊙ h)
          const drp = tf.mul(dRh, step(A3, t));
          const dzr = tf.concat([dzp, drp], 0);
          dXPs[t] = tf.concat([dzr, dhh], 0) as tf.Tensor2D;
          dHH[t] = dhh;
          if (t === 0) break;
          dhNext = tf.addN([tf.mul(dh, step(Z, t)), tf.mul(dRh, step(Rg, t)), tf.matMul(uzr, dzr)]) as tf.Tensor2D;
        }
        const dXP = tf.stack(dXPs) as tf.Tensor3D;
        const { dx, dKernel, dBias } = inputGradients(Xs, Ks, dXP);
        const dRzr = sumOverTime(Hp, tf.slice(dXP, [0, 0, 0], [steps, 2 * u, batch]));
        const dRh = sumOverTime(tf.mul(Rg, Hp), tf.stack(dHH) as tf.Tensor3D);
        const dR = tf.concat([dRzr, dRh], 1);
        return withBias ? [dx, dKernel, dR, dBias] : [dx, dKernel, dR];
      },
    };
  });
  return op(...inputs);
}

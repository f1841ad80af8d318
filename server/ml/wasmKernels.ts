// Three fixes to TensorFlow.js' wasm backend (4.22) that training needs, installed when the wasm
// backend is chosen (backend.ts). Each computes exactly what the kernel it replaces computes
// (test/unit/ml.wasmKernels.test.ts compares them with the cpu backend):
//
// - BatchMatMul / _FusedMatMul with transposeA or transposeB leave XNNPACK for a naive loop that
//   is 10–20× slower, and autodiff asks for exactly those products (dW = xᵀ·dy, dx = dy·Wᵀ).
//   Here the operand is transposed first (one cheap pass) and the product takes the fast path.
// - Slice reads its input through readSync(), which copies the *whole* tensor out of the wasm
//   heap for every slice: taking one timestep of a [T, …] tensor cost O(T). Here the input is
//   read through a view of the heap.
// - UnsortedSegmentSum is not implemented, so the gradient of gather (an Embedding layer) fails
//   with "Kernel 'UnsortedSegmentSum' not registered for backend 'wasm'". Here it is a scatter-add
//   over heap views.
import type * as TF from '@tensorflow/tfjs';

/** The parts of the wasm backend (BackendWasm) these kernels use, as its own JS kernels do. */
interface WasmBackend {
  makeOutput(shape: number[], dtype: TF.DataType): TF.TensorInfo;
  typedArrayFromHeap(t: TF.TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: TF.DataId): boolean;
}
type KernelArgs = { inputs: Record<string, TF.TensorInfo>; attrs: Record<string, unknown>; backend: WasmBackend };

const patched = new WeakSet<object>();

export function patchWasmKernels(tf: typeof TF): void {
  const transposeKernel = tf.getKernel('Transpose', 'wasm');
  const batchMatMul = tf.getKernel('BatchMatMul', 'wasm');
  const fusedMatMul = tf.getKernel('_FusedMatMul', 'wasm');
  const slice = tf.getKernel('Slice', 'wasm');
  if (!transposeKernel || !batchMatMul || !fusedMatMul || !slice) throw new Error('the wasm backend is not registered');
  // Registered once per copy of tfjs (the kernel registry is global to it).
  if (patched.has(batchMatMul.kernelFunc)) return;

  /** x with its last two axes swapped, as a new tensor of the backend (the caller disposes it). */
  const swapLastAxes = (x: TF.TensorInfo, backend: WasmBackend): TF.TensorInfo => {
    const r = x.shape.length;
    const perm = [...Array(r).keys()];
    [perm[r - 2], perm[r - 1]] = [perm[r - 1], perm[r - 2]];
    return transposeKernel.kernelFunc({ inputs: { x }, attrs: { perm }, backend: backend as unknown as TF.KernelBackend }) as TF.TensorInfo;
  };

  const withoutTransposes = (original: TF.KernelConfig): TF.KernelFunc => (args => {
    const { inputs, attrs, backend } = args as unknown as KernelArgs;
    if (!attrs.transposeA && !attrs.transposeB) return original.kernelFunc(args);
    const a = attrs.transposeA ? swapLastAxes(inputs.a, backend) : inputs.a;
    const b = attrs.transposeB ? swapLastAxes(inputs.b, backend) : inputs.b;
    try {
      return original.kernelFunc({ ...args, inputs: { ...inputs, a, b }, attrs: { ...attrs, transposeA: false, transposeB: false } });
    } finally {
      if (a !== inputs.a) backend.disposeData(a.dataId);
      if (b !== inputs.b) backend.disposeData(b.dataId);
    }
  }) as TF.KernelFunc;

  const replace = (config: TF.KernelConfig, kernelFunc: TF.KernelFunc) => {
    patched.add(kernelFunc);
    tf.unregisterKernel(config.kernelName, 'wasm');
    tf.registerKernel({ ...config, kernelFunc });
  };
  replace(batchMatMul, withoutTransposes(batchMatMul));
  replace(fusedMatMul, withoutTransposes(fusedMatMul));
  replace(slice, (args => sliceFromHeap(tf, args as unknown as KernelArgs) ?? slice.kernelFunc(args)) as TF.KernelFunc);
  if (!tf.getKernel('UnsortedSegmentSum', 'wasm')) {
    tf.registerKernel({ kernelName: 'UnsortedSegmentSum', backendName: 'wasm', kernelFunc: (args => unsortedSegmentSum(args as unknown as KernelArgs)) as TF.KernelFunc });
  }
}

/** Slice copying runs of contiguous elements straight from the heap; undefined for strings. */
function sliceFromHeap(tf: typeof TF, { inputs: { x }, attrs, backend }: KernelArgs): TF.TensorInfo | undefined {
  if (x.dtype === 'string') return undefined;
  const [begin, size] = tf.slice_util.parseSliceParams(x as TF.Tensor, attrs.begin as number[], attrs.size as number[]);
  const out = backend.makeOutput(size, x.dtype);
  if (size.some(s => s === 0)) return out;
  // Views only after makeOutput: allocating may grow the heap, which detaches older views.
  const to = backend.typedArrayFromHeap(out);
  const from = backend.typedArrayFromHeap(x);
  const rank = x.shape.length;
  if (rank === 0) {
    to[0] = from[0];
    return out;
  }
  const strides = new Array<number>(rank);
  strides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) strides[d] = strides[d + 1] * x.shape[d + 1];
  // Trailing axes taken whole are contiguous with the last partial one: copy them as one run.
  let inner = rank - 1;
  while (inner > 0 && size[inner] === x.shape[inner] && begin[inner] === 0) inner--;
  const run = size[inner] * strides[inner];
  const index = new Array<number>(inner).fill(0); // position over the axes before `inner`
  let o = 0;
  for (;;) {
    let offset = begin[inner] * strides[inner];
    for (let d = 0; d < inner; d++) offset += (begin[d] + index[d]) * strides[d];
    to.set(from.subarray(offset, offset + run), o);
    o += run;
    let d = inner - 1;
    while (d >= 0 && ++index[d] === size[d]) index[d--] = 0;
    if (d < 0) break;
  }
  return out;
}

/** out[segmentIds[i]] += x[i] (over the axes after segmentIds'); ids outside [0, numSegments) are dropped. */
function unsortedSegmentSum({ inputs: { x, segmentIds }, attrs, backend }: KernelArgs): TF.TensorInfo {
  const numSegments = attrs.numSegments as number;
  const idRank = segmentIds.shape.length;
  const n = segmentIds.shape.reduce((a, b) => a * b, 1);
  const innerShape = x.shape.slice(idRank);
  const inner = innerShape.reduce((a, b) => a * b, 1);
  const out = backend.makeOutput([numSegments, ...innerShape], x.dtype);
  const to = backend.typedArrayFromHeap(out);
  const from = backend.typedArrayFromHeap(x);
  const ids = backend.typedArrayFromHeap(segmentIds);
  to.fill(0);
  for (let i = 0; i < n; i++) {
    const id = ids[i];
    if (id < 0 || id >= numSegments) continue;
    const src = i * inner;
    const dst = id * inner;
    for (let k = 0; k < inner; k++) to[dst + k] += from[src + k];
  }
  return out;
}

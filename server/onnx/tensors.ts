// Tensors in and out of ONNX Runtime as JSON: inputs given as nested arrays or {dims, data},
// random inputs for a model's declared inputs, and outputs as nested arrays or, when large, a
// summary.
import type * as Ort from 'onnxruntime-node';
import { UserError } from '../common/errors';

/** A tensor as JSON: a nested array (its nesting is the shape) or a flat `data` with `dims`. */
export type JsonTensor = unknown[] | number | boolean | string | { dims: number[]; data: unknown[] };

/** What ONNX Runtime says a model input or output is. Dims: a size, a symbolic name, or null (unknown). */
export interface TensorSpec {
  name: string;
  /** ONNX Runtime's type name (float32, int64, bool, string…), or null for non-tensors. */
  type: string | null;
  /** null when the rank is unknown. */
  shape: (number | string | null)[] | null;
}

export function specsOf(metadata: readonly Ort.InferenceSession.ValueMetadata[]): TensorSpec[] {
  return metadata.map(m => (m.isTensor
    // ONNX Runtime reports an unknown dimension as "" and an unknown rank as [].
    ? { name: m.name, type: m.type, shape: m.shape.length === 0 ? null : m.shape.map(d => (d === '' ? null : d)) }
    : { name: m.name, type: null, shape: null }));
}

type TypedArray = Float32Array | Float64Array | Int8Array | Uint8Array | Int16Array | Uint16Array | Int32Array | Uint32Array | BigInt64Array | BigUint64Array;

const FLOAT_TYPES = new Set(['float32', 'float64']);
const INT_RANGES: Record<string, [number, number]> = {
  int8: [-128, 127], uint8: [0, 255], int16: [-32768, 32767], uint16: [0, 65535],
  int32: [-(2 ** 31), 2 ** 31 - 1], uint32: [0, 2 ** 32 - 1], int64: [-(2 ** 63), 2 ** 63], uint64: [0, 2 ** 64],
};

function typedArray(type: string, n: number): TypedArray | string[] | boolean[] {
  switch (type) {
    case 'float32': return new Float32Array(n);
    case 'float64': return new Float64Array(n);
    case 'int8': return new Int8Array(n);
    case 'uint8': return new Uint8Array(n);
    case 'int16': return new Int16Array(n);
    case 'uint16': return new Uint16Array(n);
    case 'int32': return new Int32Array(n);
    case 'uint32': return new Uint32Array(n);
    case 'int64': return new BigInt64Array(n);
    case 'uint64': return new BigUint64Array(n);
    case 'bool': return new Array<boolean>(n).fill(false);
    case 'string': return new Array<string>(n).fill('');
    default: throw new UserError(`inputs of type ${type} are not supported (float32/64, int8–64, uint8–64, bool, string)`);
  }
}

/** The shape of a nested array, checked to be rectangular; `where` names it in errors. */
function nestedShape(value: unknown, where: string): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const check = (node: unknown, depth: number, path: string) => {
    if (depth === shape.length) {
      if (Array.isArray(node)) throw new UserError(`${where}${path}: nested deeper than the first element (ragged array)`);
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new UserError(`${where}${path}: expected a list of ${shape[depth]} (ragged array; the shape from the first elements is [${shape.join(', ')}])`);
    }
    node.forEach((child, i) => check(child, depth + 1, `${path}[${i}]`));
  };
  check(value, 0, '');
  return shape;
}

function setValue(out: TypedArray | string[] | boolean[], i: number, v: unknown, type: string, where: string): void {
  if (type === 'string') {
    if (typeof v !== 'string') throw new UserError(`${where}: expected a string, got ${JSON.stringify(v)}`);
    (out as string[])[i] = v;
  } else if (type === 'bool') {
    if (typeof v !== 'boolean' && v !== 0 && v !== 1) throw new UserError(`${where}: expected true/false, got ${JSON.stringify(v)}`);
    (out as boolean[])[i] = Boolean(v);
  } else if (type === 'int64' || type === 'uint64') {
    // Accept numbers and decimal strings (int64 values beyond 2^53 cannot be JSON numbers).
    if (!(Number.isInteger(v) || (typeof v === 'string' && /^-?\d+$/.test(v)))) throw new UserError(`${where}: expected an integer, got ${JSON.stringify(v)}`);
    (out as BigInt64Array)[i] = BigInt(v as number | string);
  } else if (FLOAT_TYPES.has(type)) {
    if (typeof v !== 'number') throw new UserError(`${where}: expected a number, got ${JSON.stringify(v)}`);
    (out as Float32Array)[i] = v;
  } else {
    const [lo, hi] = INT_RANGES[type];
    if (!Number.isInteger(v) || (v as number) < lo || (v as number) > hi) throw new UserError(`${where}: expected an integer in ${lo}..${hi} (${type}), got ${JSON.stringify(v)}`);
    (out as Int32Array)[i] = v as number;
  }
}

/** Checks a given shape against the model's (fixed sizes must match; symbolic/unknown accept any). */
function checkShape(dims: number[], spec: TensorSpec, where: string): void {
  if (!spec.shape) return;
  const want = `[${spec.shape.map(d => (d === null ? '?' : d)).join(', ')}]`;
  if (dims.length !== spec.shape.length) throw new UserError(`${where}: shape [${dims.join(', ')}] has rank ${dims.length}, the model expects ${want}`);
  spec.shape.forEach((d, i) => {
    if (typeof d === 'number' && d !== dims[i]) throw new UserError(`${where}: shape [${dims.join(', ')}] does not match the model's ${want} (dimension ${i})`);
  });
}

/** Builds an ONNX Runtime tensor from its JSON form, checked against the model's input spec. */
export function tensorFromJson(ort: typeof Ort, value: JsonTensor, spec: TensorSpec, source = 'inputs'): Ort.Tensor {
  const where = `${source}: "${spec.name}"`;
  if (!spec.type) throw new UserError(`${where} is not a tensor input; only tensor inputs can be given`);
  let dims: number[];
  let flat: unknown[];
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const { dims: d, data } = value as { dims?: unknown; data?: unknown };
    if (!Array.isArray(d) || d.some(x => !Number.isInteger(x) || (x as number) < 0)) throw new UserError(`${where}.dims must be a list of sizes`);
    if (!Array.isArray(data)) throw new UserError(`${where}.data must be a flat list of values`);
    dims = d as number[];
    flat = data;
    const n = dims.reduce((a, b) => a * b, 1);
    if (flat.length !== n) throw new UserError(`${where}: dims [${dims.join(', ')}] hold ${n} values but data has ${flat.length}`);
  } else {
    dims = nestedShape(value, where);
    flat = Array.isArray(value) ? (value as unknown[]).flat(Infinity) : [value];
  }
  checkShape(dims, spec, where);
  const out = typedArray(spec.type, flat.length);
  flat.forEach((v, i) => setValue(out, i, v, spec.type!, `${where}[${i}] (flat index)`));
  return new ort.Tensor(spec.type as 'float32', out as Float32Array, dims);
}

/** Random values for an input: floats uniform in [0, 1), integers 0 or 1, booleans; symbolic and unknown dims = 1. */
export function randomTensor(ort: typeof Ort, spec: TensorSpec, random: () => number): Ort.Tensor {
  if (!spec.type) throw new UserError(`input "${spec.name}" is not a tensor: random values cannot be made for it`);
  const dims = (spec.shape ?? []).map(d => (typeof d === 'number' ? d : 1));
  const n = dims.reduce((a, b) => a * b, 1);
  const out = typedArray(spec.type, n);
  for (let i = 0; i < n; i++) {
    if (FLOAT_TYPES.has(spec.type)) (out as Float32Array)[i] = random();
    else if (spec.type === 'bool') (out as boolean[])[i] = random() < 0.5;
    else if (spec.type === 'string') (out as string[])[i] = `s${Math.floor(random() * 10)}`;
    else if (spec.type === 'int64' || spec.type === 'uint64') (out as BigInt64Array)[i] = BigInt(Math.floor(random() * 2));
    else (out as Int32Array)[i] = Math.floor(random() * 2);
  }
  return new ort.Tensor(spec.type as 'float32', out as Float32Array, dims);
}

/** A tensor as JSON: all values (nested) when small, a summary otherwise. */
export interface TensorResult {
  name: string;
  type: string;
  dims: number[];
  /** Nested values when there are at most `maxValues` of them (int64 as numbers when exact, else strings). */
  values?: unknown;
  /** Instead of the values, for tensors with more than `maxValues` values. */
  summary?: { count: number; min?: number; max?: number; mean?: number; first: unknown[] };
}

function jsonValue(v: unknown): unknown {
  if (typeof v === 'bigint') return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v); // NaN, Infinity: JSON has no literal
  return v;
}

function nest(flat: unknown[], dims: number[]): unknown {
  if (dims.length === 0) return flat[0];
  const [d, ...rest] = dims;
  const size = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: d }, (_, i) => nest(flat.slice(i * size, (i + 1) * size), rest));
}

/** IEEE 754 half precision bits → number (ONNX Runtime hands float16 data out as raw Uint16 bits). */
function halfToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * 2 ** -14 * (fraction / 1024);
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * 2 ** (exponent - 15) * (1 + fraction / 1024);
}

/** The values of a tensor as JavaScript values (booleans for bool, numbers for float16). */
function valuesOf(tensor: Ort.Tensor): ArrayLike<unknown> {
  const data = tensor.data as ArrayLike<unknown>;
  if (tensor.type === 'bool') return Array.from(data, v => Boolean(v));
  if (tensor.type === 'float16' && data instanceof Uint16Array) return Array.from(data, halfToNumber);
  return data;
}

export function tensorToJson(name: string, tensor: Ort.Tensor, maxValues: number): TensorResult {
  const dims = [...tensor.dims];
  const data = valuesOf(tensor);
  const count = data.length;
  const result: TensorResult = { name, type: tensor.type, dims };
  const numeric = typeof data[0] === 'number' || typeof data[0] === 'bigint';
  if (count <= maxValues) result.values = nest(Array.from(data, jsonValue), dims);
  if (count > maxValues) {
    const first = Array.from({ length: Math.min(count, 16) }, (_, i) => jsonValue(data[i]));
    if (numeric) {
      let min = Infinity;
      let max = -Infinity;
      let sum = 0;
      for (let i = 0; i < count; i++) {
        const v = Number(data[i] as number | bigint);
        if (v < min) min = v;
        if (v > max) max = v;
        sum += v;
      }
      result.summary = { count, min, max, mean: count ? sum / count : undefined, first };
    } else {
      result.summary = { count, first };
    }
  }
  return result;
}

/** The inputs actually fed, described without their values. */
export function describeTensor(name: string, tensor: Ort.Tensor, random: boolean): { name: string; type: string; dims: number[]; random: boolean } {
  return { name, type: tensor.type, dims: [...tensor.dims], random };
}

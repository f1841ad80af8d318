// Summaries of tensors (initializers, Constant values) for the viewer: data type, shape, value
// count, min / max / mean over the finite values and the first few values. Weights never travel
// whole: a summary is a few hundred bytes whatever the tensor's size.
import type { onnx } from 'onnx-proto';
import { longToNumber } from './load';

export interface TensorSummary {
  name: string;
  /** "float32", "int64", … (as numpy names them). */
  dtype: string;
  dims: number[];
  /** Number of values (the product of dims). */
  count: number;
  min?: number;
  max?: number;
  /** Mean of the finite values. */
  mean?: number;
  /** How many values are NaN or ±Infinity (left out of min/max/mean). */
  nonFinite?: number;
  /** The first values (numbers, or strings for string tensors; booleans as 0/1). */
  first: (number | string)[];
  /** Where the data lives when it is not in the model file (external_data location). */
  external?: string;
  /** Why values are missing or partial (e.g. an external file not read, a size mismatch). */
  note?: string;
}

export const FIRST_VALUES = 8;

/** ONNX TensorProto.DataType → numpy-style name (as Netron and onnx.helper print them). */
const DTYPE_NAMES: Record<number, string> = {
  0: 'undefined', 1: 'float32', 2: 'uint8', 3: 'int8', 4: 'uint16', 5: 'int16', 6: 'int32', 7: 'int64', 8: 'string',
  9: 'bool', 10: 'float16', 11: 'float64', 12: 'uint32', 13: 'uint64', 14: 'complex64', 15: 'complex128', 16: 'bfloat16',
  17: 'float8e4m3fn', 18: 'float8e4m3fnuz', 19: 'float8e5m2', 20: 'float8e5m2fnuz', 21: 'uint4', 22: 'int4', 23: 'float4e2m1',
};

export function dtypeName(dataType: number | null | undefined): string {
  return DTYPE_NAMES[dataType ?? 0] ?? `type ${dataType}`;
}

/** Bytes per value in raw_data for the types whose values we read (undefined: not summarised). */
const RAW_SIZES: Record<number, number> = { 1: 4, 2: 1, 3: 1, 4: 2, 5: 2, 6: 4, 7: 8, 9: 1, 10: 2, 11: 8, 12: 4, 13: 8, 16: 2 };

/** Running min / max / mean over finite values, and the first values. */
class Accumulator {
  min = Infinity;
  max = -Infinity;
  sum = 0;
  finite = 0;
  nonFinite = 0;
  first: number[] = [];

  add(v: number): void {
    if (this.first.length < FIRST_VALUES) this.first.push(v);
    if (!Number.isFinite(v)) {
      this.nonFinite++;
      return;
    }
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    this.sum += v;
    this.finite++;
  }
}

/**
 * Summarises a tensor. `external` holds the bytes of an externally stored tensor when the caller
 * read them; without them the summary says where the data is.
 */
export function summariseTensor(tensor: onnx.ITensorProto, external?: Uint8Array): TensorSummary {
  const dims = (tensor.dims ?? []).map(d => longToNumber(d));
  const count = dims.reduce((a, b) => a * b, 1);
  const dataType = tensor.dataType ?? 0;
  const summary: TensorSummary = { name: tensor.name ?? '', dtype: dtypeName(dataType), dims, count, first: [] };
  const isExternal = tensor.dataLocation === 1;
  if (isExternal) summary.external = (tensor.externalData ?? []).find(e => e.key === 'location')?.value ?? undefined;

  if (dataType === 8) {
    const strings = tensor.stringData ?? [];
    const decoder = new TextDecoder();
    summary.first = strings.slice(0, FIRST_VALUES).map(b => decoder.decode(b));
    if (strings.length !== count) summary.note = `holds ${strings.length} strings but its shape needs ${count}`;
    return summary;
  }

  const acc = new Accumulator();
  const raw = isExternal ? external : tensor.rawData && tensor.rawData.length > 0 ? tensor.rawData : undefined;
  let found: number;
  if (isExternal && !raw) {
    summary.note = 'values not read: they are in an external data file';
    return summary;
  }
  if (raw) {
    const size = RAW_SIZES[dataType];
    if (size === undefined) {
      summary.note = `values of ${summary.dtype} tensors are not summarised`;
      return summary;
    }
    found = Math.floor(raw.length / size);
    readRaw(raw, dataType, acc);
  } else {
    found = readTyped(tensor, dataType, acc);
    if (found < 0) {
      summary.note = `values of ${summary.dtype} tensors are not summarised`;
      return summary;
    }
  }
  if (found !== count) summary.note = `holds ${found} values but its shape needs ${count}`;
  summary.first = acc.first;
  if (acc.nonFinite > 0) summary.nonFinite = acc.nonFinite;
  if (acc.finite > 0) {
    summary.min = acc.min;
    summary.max = acc.max;
    summary.mean = acc.sum / acc.finite;
  }
  return summary;
}

/** Little-endian raw_data, read through a typed array (copied first when misaligned). */
function readRaw(raw: Uint8Array, dataType: number, acc: Accumulator): void {
  const size = RAW_SIZES[dataType];
  const n = Math.floor(raw.length / size);
  // A copy (new Uint8Array(view) copies; Buffer#slice would not) starts at offset 0.
  const aligned = raw.byteOffset % size === 0 ? raw : new Uint8Array(raw.subarray(0, n * size));
  const buf = aligned.buffer;
  const off = aligned.byteOffset;
  const each = (arr: ArrayLike<number>) => { for (let i = 0; i < arr.length; i++) acc.add(arr[i]); };
  switch (dataType) {
    case 1: return each(new Float32Array(buf, off, n));
    case 2: return each(new Uint8Array(buf, off, n));
    case 3: return each(new Int8Array(buf, off, n));
    case 4: return each(new Uint16Array(buf, off, n));
    case 5: return each(new Int16Array(buf, off, n));
    case 6: return each(new Int32Array(buf, off, n));
    case 9: return each(new Uint8Array(buf, off, n).map(b => (b ? 1 : 0)));
    case 11: return each(new Float64Array(buf, off, n));
    case 12: return each(new Uint32Array(buf, off, n));
    case 7: { const a = new BigInt64Array(buf, off, n); for (let i = 0; i < n; i++) acc.add(Number(a[i])); return; }
    case 13: { const a = new BigUint64Array(buf, off, n); for (let i = 0; i < n; i++) acc.add(Number(a[i])); return; }
    case 10: { const a = new Uint16Array(buf, off, n); for (let i = 0; i < n; i++) acc.add(float16ToNumber(a[i])); return; }
    case 16: { const a = new Uint16Array(buf, off, n); for (let i = 0; i < n; i++) acc.add(bfloat16ToNumber(a[i])); return; }
  }
}

/** The typed repeated fields; returns how many values were read, or -1 for an unsupported type. */
function readTyped(tensor: onnx.ITensorProto, dataType: number, acc: Accumulator): number {
  const each = (values: ArrayLike<number>, map: (v: number) => number = v => v) => {
    for (let i = 0; i < values.length; i++) acc.add(map(values[i]));
    return values.length;
  };
  switch (dataType) {
    case 1: return each(tensor.floatData ?? []);
    case 11: return each(tensor.doubleData ?? []);
    case 2: case 3: case 4: case 5: case 6: return each(tensor.int32Data ?? []);
    case 9: return each(tensor.int32Data ?? [], v => (v ? 1 : 0));
    // float16 and bfloat16 keep their bit patterns in int32_data.
    case 10: return each(tensor.int32Data ?? [], float16ToNumber);
    case 16: return each(tensor.int32Data ?? [], bfloat16ToNumber);
    case 7: { const values = tensor.int64Data ?? []; for (const v of values) acc.add(longToNumber(v)); return values.length; }
    case 12: case 13: { const values = tensor.uint64Data ?? []; for (const v of values) acc.add(unsignedLong(v)); return values.length; }
    default: return -1;
  }
}

function unsignedLong(v: number | { toString(radix?: number): string; unsigned?: boolean; toNumber(): number } | null | undefined): number {
  if (v === null || v === undefined) return 0;
  if (typeof v === 'number') return v;
  // uint64 values come back as Long with `unsigned` set; a signed Long of a large value is negative.
  const n = v.toNumber();
  return n < 0 ? n + 2 ** 64 : n;
}

/** IEEE 754 half precision bits → number. */
export function float16ToNumber(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction ? NaN : sign * Infinity;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

/** bfloat16 bits are the top half of a float32. */
export function bfloat16ToNumber(bits: number): number {
  scratchBits[0] = (bits & 0xffff) << 16;
  return scratchFloat[0];
}
const scratchBits = new Uint32Array(1);
const scratchFloat = new Float32Array(scratchBits.buffer);

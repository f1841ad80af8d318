// Builds an ONNX graph (onnx-proto's static protobuf classes): nodes with unique tensor names,
// initializers stored as raw little-endian bytes, typed inputs and outputs.
import { onnx } from 'onnx-proto';

export const TensorType = onnx.TensorProto.DataType;

export type AttributeValue =
  | { int: number } | { float: number } | { ints: number[] } | { floats: number[] } | { string: string } | { strings: string[] };

function attribute(name: string, v: AttributeValue): onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if ('int' in v) return { name, type: A.INT, i: v.int };
  if ('float' in v) return { name, type: A.FLOAT, f: v.float };
  if ('ints' in v) return { name, type: A.INTS, ints: v.ints };
  if ('floats' in v) return { name, type: A.FLOATS, floats: v.floats };
  if ('string' in v) return { name, type: A.STRING, s: Buffer.from(v.string, 'utf8') };
  return { name, type: A.STRINGS, strings: v.strings.map(s => Buffer.from(s, 'utf8')) };
}

/** A dimension: a size, a symbolic name, or null (unknown). */
export type Dim = number | string | null;

export function valueInfo(name: string, elemType: number, shape: Dim[]): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: { dim: shape.map(d => (typeof d === 'number' ? { dimValue: d } : typeof d === 'string' ? { dimParam: d } : {})) },
      },
    },
  };
}

export class GraphBuilder {
  readonly nodes: onnx.INodeProto[] = [];
  readonly initializers: onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly nodeNames = new Set<string>();

  /** Reserves `base` (or base_1, base_2…) as a tensor or node name. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Adds a node; `outputs` are base names made unique ('' keeps an optional output absent). Returns the output names. */
  node(opType: string, inputs: string[], outputs: string[], attributes: Record<string, AttributeValue> = {}): string[] {
    const outs = outputs.map(o => (o === '' ? '' : this.unique(o)));
    // Node names are their own namespace: the first output's base name, made unique.
    const base = outputs.find(Boolean) ?? opType;
    let name = base;
    for (let i = 1; this.nodeNames.has(name); i++) name = `${base}_${i}`;
    this.nodeNames.add(name);
    this.nodes.push({
      opType,
      name,
      input: inputs,
      output: outs,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return outs;
  }

  floatInitializer(name: string, dims: number[], data: Float32Array): string {
    const n = dims.reduce((a, b) => a * b, 1);
    if (n !== data.length) throw new Error(`initializer ${name}: ${data.length} values for shape [${dims}]`);
    const unique = this.unique(name);
    // Copy to little-endian bytes (Float32Array is host order; every platform Node runs on is little-endian).
    const raw = new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
    this.initializers.push({ name: unique, dims, dataType: TensorType.FLOAT, rawData: raw });
    return unique;
  }

  int64Initializer(name: string, dims: number[], values: number[]): string {
    const unique = this.unique(name);
    const raw = new Uint8Array(values.length * 8);
    const view = new DataView(raw.buffer);
    values.forEach((v, i) => view.setBigInt64(i * 8, BigInt(v), true));
    this.initializers.push({ name: unique, dims, dataType: TensorType.INT64, rawData: raw });
    return unique;
  }

  /** A float scalar (rank 0) initializer. */
  scalar(name: string, value: number): string {
    return this.floatInitializer(name, [], new Float32Array([value]));
  }

  /** Renames the output `from` of the node producing it (the last one) to `to`. False if no node produces it. */
  renameLastOutput(from: string, to: string): boolean {
    for (let i = this.nodes.length - 1; i >= 0; i--) {
      const outs = this.nodes[i].output!;
      const k = outs.indexOf(from);
      if (k >= 0) {
        // Later nodes may not read it: it is the graph's last tensor.
        outs[k] = to;
        this.used.add(to);
        return true;
      }
    }
    return false;
  }
}

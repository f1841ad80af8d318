// A summary of an ONNX model: versions, producer, opsets, inputs and outputs with their types and
// shapes, operator counts. Plain JSON (int64 fields as numbers).
import type { onnx } from 'onnx-proto';
import { longToNumber } from './load';

export interface InspectTensor {
  name: string;
  /** TensorProto.DataType number, or null for a non-tensor (sequence, map…). */
  elemType: number | null;
  /** Each dimension a size, a symbolic name or null (unknown); null when the rank is unknown. */
  shape: (number | string | null)[] | null;
}

export interface InspectResult {
  irVersion: number;
  producerName: string;
  producerVersion: string;
  opsetImports: { domain: string; version: number }[];
  /** Graph inputs that are not initializers (what a caller feeds). */
  inputs: InspectTensor[];
  outputs: InspectTensor[];
  /** Nodes of the main graph. */
  nodeCount: number;
  /** Operator type → count, in the main graph. */
  opTypes: Record<string, number>;
  initializerCount: number;
  /** Nodes inside If/Loop/Scan bodies, at any depth. */
  subgraphNodeCount: number;
  metadata: Record<string, string>;
  docString: string;
}

/** A dimension: decoded messages hold the field that was set as an own property (defaults live on the prototype). */
function dimOf(d: onnx.TensorShapeProto.IDimension): number | string | null {
  const has = (key: 'dimValue' | 'dimParam') => Object.prototype.hasOwnProperty.call(d, key) && d[key] !== null && d[key] !== undefined;
  if (has('dimParam') && d.dimParam) return d.dimParam;
  if (has('dimValue')) return longToNumber(d.dimValue);
  return null;
}

export function describeValue(v: onnx.IValueInfoProto): InspectTensor {
  const tensor = v.type?.tensorType;
  if (!tensor) return { name: v.name ?? '', elemType: null, shape: null };
  return { name: v.name ?? '', elemType: tensor.elemType ?? 0, shape: tensor.shape ? (tensor.shape.dim ?? []).map(dimOf) : null };
}

/** Subgraphs held by a node's attributes (If branches, Loop and Scan bodies). */
export function subgraphsOf(node: onnx.INodeProto): onnx.IGraphProto[] {
  const out: onnx.IGraphProto[] = [];
  for (const a of node.attribute ?? []) {
    if (a.g) out.push(a.g);
    for (const g of a.graphs ?? []) out.push(g);
  }
  return out;
}

function countSubgraphNodes(graph: onnx.IGraphProto): number {
  let n = 0;
  for (const node of graph.node ?? []) {
    for (const sub of subgraphsOf(node)) n += (sub.node?.length ?? 0) + countSubgraphNodes(sub);
  }
  return n;
}

export function inspectModel(model: onnx.IModelProto): InspectResult {
  const graph = model.graph ?? {};
  const initializers = new Set((graph.initializer ?? []).map(t => t.name));
  const opTypes: Record<string, number> = {};
  for (const node of graph.node ?? []) opTypes[node.opType ?? ''] = (opTypes[node.opType ?? ''] ?? 0) + 1;
  return {
    irVersion: longToNumber(model.irVersion),
    producerName: model.producerName ?? '',
    producerVersion: model.producerVersion ?? '',
    opsetImports: (model.opsetImport ?? []).map(o => ({ domain: o.domain ?? '', version: longToNumber(o.version) })),
    inputs: (graph.input ?? []).filter(i => !initializers.has(i.name)).map(describeValue),
    outputs: (graph.output ?? []).map(describeValue),
    nodeCount: graph.node?.length ?? 0,
    opTypes,
    initializerCount: graph.initializer?.length ?? 0,
    subgraphNodeCount: countSubgraphNodes(graph),
    metadata: Object.fromEntries((model.metadataProps ?? []).map(p => [p.key ?? '', p.value ?? ''])),
    docString: model.docString ?? '',
  };
}

// The compact graph the ONNX viewer draws: for each graph (the main one, every If/Loop/Scan body
// and every model-local function), its nodes with operator category and attribute summaries,
// the edges between them labelled with tensor shapes, its inputs and outputs, and summaries of
// its initializers. Plain data (JSON), small whatever the size of the weights.
import { onnx } from 'onnx-proto';
import { opInfo, type OpCategory } from './graphOps';
import { dtypeName, summariseTensor, type TensorSummary } from './graphTensors';
import { longToNumber, longToString } from './load';

export interface ValueView {
  name: string;
  /** Full type, e.g. "float32[batch,3]", "sequence<int64[]>"; undefined when unknown. */
  type?: string;
  /** Edge label: the dimensions joined by "×" ("batch×3"); undefined when the shape is unknown. */
  shape?: string;
  docString?: string;
}

export interface AttributeView {
  name: string;
  /** "float", "int", "string", "tensor", "graph", "floats", … */
  type: string;
  /** Display text of the value (lists are truncated). */
  value: string;
  /** The subgraphs it holds (GRAPH / GRAPHS attributes). */
  graphIds?: string[];
  /** A TENSOR attribute's summary (e.g. Constant's value). */
  tensor?: TensorSummary;
}

export interface NodeView {
  /** Position in the graph's node list (ONNX order: topological). */
  index: number;
  /** Endpoint id in edges and layout: "n<index>". */
  id: string;
  name: string;
  opType: string;
  domain: string;
  category: OpCategory;
  /** False when the operator is not a standard ONNX one nor a model-local function. */
  known: boolean;
  /** Input tensor names in order ('' for an omitted optional input). */
  inputs: string[];
  outputs: string[];
  attributes: AttributeView[];
  /** Subgraphs reachable from this node: attribute bodies, or a function's body. */
  subgraphs: { label: string; graphId: string }[];
  docString?: string;
}

/** A graph input or output, or a value coming from an enclosing graph (or from nowhere). */
export interface TerminalView extends ValueView {
  /** "i<k>", "o<k>" or "x<k>". */
  id: string;
  kind: 'input' | 'output' | 'outer' | 'missing';
}

export interface EdgeView {
  from: string;
  to: string;
  tensor: string;
  /** Shape label, when known. */
  label?: string;
}

export interface GraphView {
  /** "main", then "main/3.then_branch", … for subgraphs, "function:domain:name" for functions. */
  id: string;
  name: string;
  /** Breadcrumb from the main graph to this one. */
  path: { id: string; label: string }[];
  docString?: string;
  inputs: TerminalView[];
  outputs: TerminalView[];
  /** Values used from an enclosing graph (subgraphs), or produced nowhere (a broken model). */
  outer: TerminalView[];
  nodes: NodeView[];
  edges: EdgeView[];
  /** Type and shape of every value whose type is known (inputs, outputs, value_info, initializers). */
  values: Record<string, ValueView>;
  initializers: Record<string, TensorSummary>;
}

export interface ModelSummary {
  /** "ONNX v8" (the IR version), as Netron shows it. */
  format: string;
  irVersion: number;
  producerName: string;
  producerVersion: string;
  domain: string;
  modelVersion: string;
  docString: string;
  graphName: string;
  opsets: { domain: string; version: number }[];
  metadata: { key: string; value: string }[];
  inputs: ValueView[];
  outputs: ValueView[];
  sizeBytes: number;
  /** Nodes of the main graph, and of all graphs together (subgraphs and functions). */
  nodeCount: number;
  totalNodeCount: number;
  /** Values in all initializers (the model's parameters). */
  parameterCount: number;
  functions: string[];
}

export interface ModelView {
  model: ModelSummary;
  /** Every graph by id; "main" is the model's graph. */
  graphs: Map<string, GraphView>;
}

export const MAIN_GRAPH_ID = 'main';
const MAX_LIST_ITEMS = 32;

export interface BuildOptions {
  /** Bytes of external tensors, by tensor name, when the caller read them for their summaries. */
  externalData?: Map<string, Uint8Array>;
}

/** Builds the view of every graph of a decoded model. */
export function buildModelView(model: onnx.IModelProto, sizeBytes: number, options: BuildOptions = {}): ModelView {
  const graphs = new Map<string, GraphView>();
  const functionIds = new Map<string, string>();
  for (const f of model.functions ?? []) functionIds.set(`${f.domain ?? ''}:${f.name ?? ''}`, `function:${f.domain ?? ''}:${f.name ?? ''}`);
  const ctx: BuildContext = { graphs, functionIds, external: options.externalData ?? new Map() };

  const main = model.graph ?? {};
  const mainView = buildGraph(ctx, main, MAIN_GRAPH_ID, [{ id: MAIN_GRAPH_ID, label: main.name || 'main graph' }], new Map());
  for (const f of model.functions ?? []) {
    const id = functionIds.get(`${f.domain ?? ''}:${f.name ?? ''}`)!;
    const body: onnx.IGraphProto = {
      name: f.name, docString: f.docString, node: f.node,
      input: (f.input ?? []).map(name => ({ name })), output: (f.output ?? []).map(name => ({ name })),
    };
    buildGraph(ctx, body, id, [...mainView.path, { id, label: `function ${f.name ?? ''}` }], new Map());
  }

  let parameterCount = 0;
  let totalNodeCount = 0;
  for (const g of graphs.values()) {
    totalNodeCount += g.nodes.length;
    for (const t of Object.values(g.initializers)) parameterCount += t.count;
  }
  const irVersion = longToNumber(model.irVersion);
  return {
    graphs,
    model: {
      format: `ONNX v${irVersion}`,
      irVersion,
      producerName: model.producerName ?? '',
      producerVersion: model.producerVersion ?? '',
      domain: model.domain ?? '',
      modelVersion: longToNumber(model.modelVersion) !== 0 ? longToString(model.modelVersion) : '',
      docString: model.docString ?? '',
      graphName: main.name ?? '',
      opsets: (model.opsetImport ?? []).map(o => ({ domain: o.domain || 'ai.onnx', version: longToNumber(o.version) })),
      metadata: (model.metadataProps ?? []).map(p => ({ key: p.key ?? '', value: p.value ?? '' })),
      inputs: mainView.inputs.map(stripTerminal),
      outputs: mainView.outputs.map(stripTerminal),
      sizeBytes,
      nodeCount: mainView.nodes.length,
      totalNodeCount,
      parameterCount,
      functions: (model.functions ?? []).map(f => (f.domain ? `${f.domain}.${f.name}` : f.name ?? '')),
    },
  };
}

interface BuildContext {
  graphs: Map<string, GraphView>;
  /** "domain:name" of model-local functions → their graph id. */
  functionIds: Map<string, string>;
  external: Map<string, Uint8Array>;
}

function stripTerminal(t: TerminalView): ValueView {
  return { name: t.name, type: t.type, shape: t.shape, docString: t.docString };
}

/**
 * One graph. `outerScope` holds the values visible from enclosing graphs, with their types when
 * known (a subgraph may use them without declaring them, as ONNX allows).
 */
function buildGraph(
  ctx: BuildContext, graph: onnx.IGraphProto, id: string, path: GraphView['path'], outerScope: Map<string, ValueView>,
): GraphView {
  const initializers: Record<string, TensorSummary> = {};
  const values: Record<string, ValueView> = {};
  for (const t of graph.initializer ?? []) {
    const s = summariseTensor(t, ctx.external.get(t.name ?? ''));
    initializers[s.name] = s;
    values[s.name] = tensorValue(s.name, s.dtype, s.dims);
  }
  for (const sparse of graph.sparseInitializer ?? []) {
    const v = sparse.values ?? {};
    const s = summariseTensor({ ...v, dims: v.dims });
    s.dims = (sparse.dims ?? []).map(d => longToNumber(d));
    s.count = s.dims.reduce((a, b) => a * b, 1);
    s.note = `sparse: ${(v.dims ?? []).map(d => longToNumber(d)).reduce((a, b) => a * b, 1)} stored values`;
    initializers[s.name] = s;
    values[s.name] = tensorValue(s.name, s.dtype, s.dims);
  }
  for (const vi of [...(graph.valueInfo ?? []), ...(graph.input ?? []), ...(graph.output ?? [])]) {
    const v = valueView(vi);
    if (v.type !== undefined || !values[v.name]) values[v.name] = v;
  }

  const view: GraphView = {
    id, name: graph.name ?? '', path, docString: graph.docString || undefined,
    inputs: [], outputs: [], outer: [], nodes: [], edges: [], values, initializers,
  };
  ctx.graphs.set(id, view);

  // Who produces each value: graph inputs (initializers listed as inputs are weights, not inputs),
  // then nodes.
  const producer = new Map<string, string>();
  for (const vi of graph.input ?? []) {
    const name = vi.name ?? '';
    if (name in initializers) continue;
    const t: TerminalView = { ...valueOrName(values, name), id: `i${view.inputs.length}`, kind: 'input' };
    view.inputs.push(t);
    producer.set(name, t.id);
  }
  (graph.node ?? []).forEach((n, index) => {
    for (const out of n.output ?? []) if (out) producer.set(out, `n${index}`);
  });

  const scope = new Map(outerScope);
  for (const name of [...producer.keys(), ...Object.keys(initializers)]) scope.set(name, valueOrName(values, name));
  const seenEdges = new Set<string>();
  const addEdge = (from: string, to: string, tensor: string) => {
    const key = `${from}\u0000${to}\u0000${tensor}`;
    if (seenEdges.has(key)) return;
    seenEdges.add(key);
    const label = values[tensor]?.shape;
    view.edges.push(label === undefined ? { from, to, tensor } : { from, to, tensor, label });
  };
  /** The endpoint a value comes from; values from outside become "outer"/"missing" terminals. */
  const source = (name: string): string => {
    const p = producer.get(name);
    if (p) return p;
    const outer = outerScope.get(name);
    if (outer && !values[name]?.type) values[name] = outer;
    const t: TerminalView = { ...valueOrName(values, name), id: `x${view.outer.length}`, kind: outer ? 'outer' : 'missing' };
    view.outer.push(t);
    producer.set(name, t.id);
    return t.id;
  };

  (graph.node ?? []).forEach((n, index) => {
    const nodeId = `n${index}`;
    const opType = n.opType ?? '';
    const domain = n.domain ?? '';
    const fnId = ctx.functionIds.get(`${domain}:${opType}`);
    const info = fnId ? { category: 'layer' as OpCategory, known: true } : opInfo(opType, domain);
    const node: NodeView = {
      index, id: nodeId, name: n.name ?? '', opType, domain, category: info.category, known: info.known,
      inputs: [...(n.input ?? [])], outputs: [...(n.output ?? [])], attributes: [], subgraphs: [],
      docString: n.docString || undefined,
    };
    if (fnId) node.subgraphs.push({ label: 'function body', graphId: fnId });
    const label = n.name || opType;
    for (const a of n.attribute ?? []) {
      const attr = attributeView(a);
      const bodies = a.g ? [a.g] : a.graphs ?? [];
      if (bodies.length > 0 && (a.g || (a.graphs?.length ?? 0) > 0)) {
        attr.graphIds = bodies.map((g, k) => {
          const subId = `${id}/${index}.${a.name ?? ''}${a.g ? '' : `[${k}]`}`;
          const subLabel = `${label}.${a.name ?? ''}${a.g ? '' : `[${k}]`}`;
          buildGraph(ctx, g, subId, [...path, { id: subId, label: subLabel }], scope);
          node.subgraphs.push({ label: a.g ? a.name ?? '' : `${a.name ?? ''}[${k}]`, graphId: subId });
          return subId;
        });
      }
      node.attributes.push(attr);
    }
    // Constant's output has the type of its value.
    if (opType === 'Constant' && n.output?.[0] && !values[n.output[0]]?.type) {
      const t = node.attributes.find(a => a.tensor)?.tensor;
      if (t) values[n.output[0]] = tensorValue(n.output[0], t.dtype, t.dims);
    }
    for (const input of n.input ?? []) {
      // Weights are drawn inside the node box, not as edges (as Netron does).
      if (!input || (input in initializers && !producer.has(input))) continue;
      addEdge(source(input), nodeId, input);
    }
    // Names used inside subgraphs from this scope are edges into the node that owns them too:
    // that is how the data flows (e.g. If's branches reading an outer tensor).
    for (const graphId of node.subgraphs.map(s => s.graphId)) {
      const sub = ctx.graphs.get(graphId);
      for (const t of sub?.outer ?? []) {
        if (t.kind === 'outer' && !(t.name in initializers && !producer.has(t.name))) addEdge(source(t.name), nodeId, t.name);
      }
    }
    view.nodes.push(node);
  });

  for (const vi of graph.output ?? []) {
    const name = vi.name ?? '';
    const t: TerminalView = { ...valueOrName(values, name), id: `o${view.outputs.length}`, kind: 'output' };
    view.outputs.push(t);
    if (producer.has(name) || !(name in initializers)) addEdge(source(name), t.id, name);
  }
  return view;
}

function valueOrName(values: Record<string, ValueView>, name: string): ValueView {
  return values[name] ?? { name };
}

function tensorValue(name: string, dtype: string, dims: (number | string)[]): ValueView {
  return { name, type: `${dtype}[${dims.join(',')}]`, shape: dims.join('×') };
}

function valueView(vi: onnx.IValueInfoProto): ValueView {
  const name = vi.name ?? '';
  const t = vi.type;
  const view: ValueView = { name, docString: vi.docString || undefined };
  if (!t) return view;
  view.type = typeText(t);
  const tensor = t.tensorType ?? t.sparseTensorType;
  if (tensor?.shape) view.shape = dimsOf(tensor.shape).join('×');
  return view;
}

function dimsOf(shape: onnx.ITensorShapeProto): string[] {
  return (shape.dim ?? []).map(d => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? longToString(d.dimValue) : '?'));
}

/** "float32[batch,3]", "float32" (unknown shape), "sequence<int64[]>", "map<string,float32>". */
export function typeText(t: onnx.ITypeProto): string {
  if (t.tensorType) return tensorTypeText(t.tensorType);
  if (t.sparseTensorType) return `sparse_tensor<${tensorTypeText(t.sparseTensorType)}>`;
  if (t.sequenceType) return `sequence<${t.sequenceType.elemType ? typeText(t.sequenceType.elemType) : '?'}>`;
  if (t.optionalType) return `optional<${t.optionalType.elemType ? typeText(t.optionalType.elemType) : '?'}>`;
  if (t.mapType) return `map<${dtypeName(t.mapType.keyType)},${t.mapType.valueType ? typeText(t.mapType.valueType) : '?'}>`;
  return '?';
}

function tensorTypeText(t: { elemType?: number | null; shape?: onnx.ITensorShapeProto | null }): string {
  const dtype = dtypeName(t.elemType);
  return t.shape ? `${dtype}[${dimsOf(t.shape).join(',')}]` : dtype;
}

const AT = onnx.AttributeProto.AttributeType;
const ATTRIBUTE_TYPE_NAMES: Record<number, string> = {
  [AT.FLOAT]: 'float', [AT.INT]: 'int', [AT.STRING]: 'string', [AT.TENSOR]: 'tensor', [AT.GRAPH]: 'graph',
  [AT.SPARSE_TENSOR]: 'sparse_tensor', [AT.TYPE_PROTO]: 'type', [AT.FLOATS]: 'floats', [AT.INTS]: 'ints',
  [AT.STRINGS]: 'strings', [AT.TENSORS]: 'tensors', [AT.GRAPHS]: 'graphs', [AT.SPARSE_TENSORS]: 'sparse_tensors',
  [AT.TYPE_PROTOS]: 'types',
};

/** The attribute's type: declared, or (in old models that leave it unset) the field that is set. */
function attributeType(a: onnx.IAttributeProto): number {
  if (a.type) return a.type;
  if (a.g) return AT.GRAPH;
  if (a.t) return AT.TENSOR;
  if (a.s && a.s.length > 0) return AT.STRING;
  if (a.floats?.length) return AT.FLOATS;
  if (a.ints?.length) return AT.INTS;
  if (a.strings?.length) return AT.STRINGS;
  if (a.graphs?.length) return AT.GRAPHS;
  if (a.tensors?.length) return AT.TENSORS;
  if (a.f) return AT.FLOAT;
  return AT.INT;
}

function attributeView(a: onnx.IAttributeProto): AttributeView {
  const name = a.name ?? '';
  const type = attributeType(a);
  const view: AttributeView = { name, type: ATTRIBUTE_TYPE_NAMES[type] ?? `type ${type}`, value: '' };
  if (a.refAttrName) {
    view.value = `@${a.refAttrName}`;
    return view;
  }
  const decoder = new TextDecoder();
  switch (type) {
    case AT.FLOAT: view.value = formatFloat(a.f ?? 0); break;
    case AT.INT: view.value = longToString(a.i); break;
    case AT.STRING: view.value = decoder.decode(a.s ?? new Uint8Array()); break;
    case AT.FLOATS: view.value = listText((a.floats ?? []).map(formatFloat)); break;
    case AT.INTS: view.value = listText((a.ints ?? []).map(longToString)); break;
    case AT.STRINGS: view.value = listText((a.strings ?? []).map(s => JSON.stringify(decoder.decode(s)))); break;
    case AT.TENSOR: {
      const s = summariseTensor(a.t ?? {});
      view.tensor = s;
      view.value = `${s.dtype}[${s.dims.join(',')}]`;
      break;
    }
    case AT.TENSORS: view.value = listText((a.tensors ?? []).map(t => `${dtypeName(t.dataType)}[${(t.dims ?? []).map(d => longToNumber(d)).join(',')}]`)); break;
    case AT.GRAPH: view.value = `graph ${a.g?.name ?? ''}`.trim(); break;
    case AT.GRAPHS: view.value = `${a.graphs?.length ?? 0} graphs`; break;
    case AT.SPARSE_TENSOR: view.value = `sparse ${dtypeName(a.sparseTensor?.values?.dataType)}[${(a.sparseTensor?.dims ?? []).map(d => longToNumber(d)).join(',')}]`; break;
    case AT.TYPE_PROTO: view.value = a.tp ? typeText(a.tp) : '?'; break;
    case AT.TYPE_PROTOS: view.value = listText((a.typeProtos ?? []).map(typeText)); break;
    default: view.value = '';
  }
  return view;
}

function listText(items: string[]): string {
  const shown = items.slice(0, MAX_LIST_ITEMS).join(', ');
  return items.length > MAX_LIST_ITEMS ? `[${shown}, … (${items.length} values)]` : `[${shown}]`;
}

/** A float attribute is a float32: print the shortest decimal that reads back as the same float32. */
export function formatFloat(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  for (let digits = 1; digits <= 9; digits++) {
    const text = v.toPrecision(digits);
    if (Math.fround(Number(text)) === Math.fround(v)) return String(Number(text));
  }
  return String(v);
}

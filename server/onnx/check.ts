// Structural checks of an ONNX model, in the spirit of onnx.checker: versions present, every node
// input defined before it is used (by a graph input, an initializer, an earlier node or, inside
// If/Loop/Scan bodies, the enclosing graphs), no cycles, each tensor produced once, operators
// known in the standard domains. Every problem is listed, naming the node by index and name.
import * as fs from 'node:fs';
import { onnx } from 'onnx-proto';
import { UserError } from '../common/errors';
import { opInfo } from './graphOps';
import { subgraphsOf } from './inspect';
import { checkExternalData, checkModelSize, decodeOnnxModel, longToNumber } from './load';

export interface CheckProblem {
  /** Where: "model", "graph", or e.g. `node 3 "add_1" (Add)`, prefixed by the enclosing nodes for subgraphs. */
  where: string;
  message: string;
}

const STANDARD_DOMAINS = new Set(['', 'ai.onnx', 'ai.onnx.ml']);
const normaliseDomain = (d: string | null | undefined) => (d === 'ai.onnx' ? '' : d ?? '');

function describeNode(node: onnx.INodeProto, index: number): string {
  return `node ${index}${node.name ? ` "${node.name}"` : ''} (${node.opType || '?'})`;
}

/** Checks a decoded model; returns every problem found (empty when none). */
export function checkModel(model: onnx.IModelProto): CheckProblem[] {
  const problems: CheckProblem[] = [];
  if (longToNumber(model.irVersion) <= 0) problems.push({ where: 'model', message: 'ir_version is missing' });
  const imported = new Map<string, number>();
  for (const o of model.opsetImport ?? []) {
    const domain = normaliseDomain(o.domain);
    const version = longToNumber(o.version);
    if (imported.has(domain)) problems.push({ where: 'model', message: `opset_import lists domain "${domain}" twice` });
    if (version <= 0) problems.push({ where: 'model', message: `opset_import of domain "${domain}" has no version` });
    imported.set(domain, version);
  }
  if (imported.size === 0) problems.push({ where: 'model', message: 'opset_import is empty: the model names no operator set version' });
  if (!model.graph) {
    problems.push({ where: 'model', message: 'the model has no graph' });
    return problems;
  }
  checkGraph(model.graph, new Set(), '', imported, problems);
  return problems;
}

function checkGraph(graph: onnx.IGraphProto, outer: Set<string>, prefix: string, imported: Map<string, number>, problems: CheckProblem[]): void {
  const graphWhere = prefix ? prefix.replace(/: $/, '') : 'graph';
  const nodes = graph.node ?? [];
  /** Names defined before the node being checked (inputs, initializers, earlier outputs). */
  const defined = new Set<string>();
  const origin = new Map<string, string>();
  const add = (name: string, what: string, where: string) => {
    if (origin.has(name)) problems.push({ where, message: `output "${name}" is already produced by ${origin.get(name)}` });
    else origin.set(name, what);
    defined.add(name);
  };
  const seenInputs = new Set<string>();
  for (const input of graph.input ?? []) {
    const name = input.name ?? '';
    if (seenInputs.has(name)) problems.push({ where: graphWhere, message: `graph input "${name}" is declared twice` });
    seenInputs.add(name);
    if (!origin.has(name)) origin.set(name, 'a graph input');
    defined.add(name);
  }
  for (const init of graph.initializer ?? []) {
    const name = init.name ?? '';
    // An initializer may share its name with a graph input (the input's default value).
    if (origin.has(name) && !seenInputs.has(name)) problems.push({ where: graphWhere, message: `initializer "${name}" is defined twice` });
    if (!origin.has(name)) origin.set(name, 'an initializer');
    defined.add(name);
  }
  for (const sparse of graph.sparseInitializer ?? []) {
    const name = sparse.values?.name ?? '';
    if (!origin.has(name)) origin.set(name, 'a sparse initializer');
    defined.add(name);
  }

  // Which node produces each name (first producer), for telling "defined later" from "undefined".
  const producer = new Map<string, number>();
  nodes.forEach((node, i) => {
    for (const out of node.output ?? []) if (out && !producer.has(out)) producer.set(out, i);
  });

  const edges: number[][] = nodes.map(() => []);
  const laterReads: { reader: number; name: string; writer: number }[] = [];
  nodes.forEach((node, i) => {
    const where = `${prefix}${describeNode(node, i)}`;
    if (!node.opType) problems.push({ where, message: 'the node has no op_type' });
    const domain = normaliseDomain(node.domain);
    // With no opset_import at all, that one problem says it; no need to repeat it per node.
    if (node.opType && imported.size > 0 && !imported.has(domain)) {
      problems.push({ where, message: `domain "${domain}" of operator ${node.opType} is not in opset_import` });
    } else if (node.opType && imported.has(domain) && STANDARD_DOMAINS.has(domain) && !opInfo(node.opType, domain).known) {
      problems.push({ where, message: `${node.opType} is not an operator of the ONNX domain "${domain || 'ai.onnx'}"` });
    }
    const reads = [...(node.input ?? [])];
    // A subgraph may read names of this graph defined before the node: they count as the node's inputs.
    const subgraphs = subgraphsOf(node);
    for (const sub of subgraphs) reads.push(...outerReads(sub));
    for (const name of reads) {
      if (!name || defined.has(name) || outer.has(name)) continue;
      const writer = producer.get(name);
      if (writer === undefined) {
        if ((node.input ?? []).includes(name)) problems.push({ where, message: `input "${name}" is not defined by a graph input, an initializer or an earlier node` });
        continue;
      }
      edges[writer].push(i);
      laterReads.push({ reader: i, name, writer });
    }
    const scope = new Set([...outer, ...defined]);
    for (const a of node.attribute ?? []) {
      const subs = [...(a.g ? [a.g] : []), ...(a.graphs ?? [])];
      subs.forEach((sub, k) => checkGraph(sub, scope, `${where} ${a.name}${subs.length > 1 ? `[${k}]` : ''}: `, imported, problems));
    }
    for (const out of node.output ?? []) if (out) add(out, describeNode(node, i), where);
  });
  // Edges from earlier producers too, so cycles through them are found.
  nodes.forEach((node, i) => {
    for (const name of node.input ?? []) {
      const writer = producer.get(name);
      if (writer !== undefined && writer < i) edges[writer].push(i);
    }
  });

  const inCycle = new Set<number>();
  for (const cycle of findCycles(edges)) {
    cycle.forEach(n => inCycle.add(n));
    problems.push({
      where: `${prefix}${describeNode(nodes[cycle[0]], cycle[0])}`,
      message: `cycle: ${[...cycle, cycle[0]].map(n => describeNode(nodes[n], n)).join(' → ')}`,
    });
  }
  for (const r of laterReads) {
    if (inCycle.has(r.reader) && inCycle.has(r.writer)) continue;
    problems.push({
      where: `${prefix}${describeNode(nodes[r.reader], r.reader)}`,
      message: `input "${r.name}" is produced by a later node, ${describeNode(nodes[r.writer], r.writer)}: nodes must be in topological order`,
    });
  }

  const outputs = new Set<string>();
  for (const o of graph.output ?? []) {
    const name = o.name ?? '';
    if (outputs.has(name)) problems.push({ where: graphWhere, message: `graph output "${name}" is declared twice` });
    outputs.add(name);
    if (!defined.has(name) && !outer.has(name)) problems.push({ where: graphWhere, message: `graph output "${name}" is not produced by any node, input or initializer` });
  }
}

/** Names a subgraph (and its own subgraphs) reads that it does not define itself. */
function outerReads(graph: onnx.IGraphProto): string[] {
  const own = new Set<string>([
    ...(graph.input ?? []).map(i => i.name ?? ''),
    ...(graph.initializer ?? []).map(t => t.name ?? ''),
    ...(graph.node ?? []).flatMap(n => n.output ?? []),
  ]);
  const reads: string[] = [];
  for (const node of graph.node ?? []) {
    for (const name of node.input ?? []) if (name && !own.has(name)) reads.push(name);
    for (const sub of subgraphsOf(node)) for (const name of outerReads(sub)) if (!own.has(name)) reads.push(name);
  }
  for (const o of graph.output ?? []) if (o.name && !own.has(o.name)) reads.push(o.name);
  return reads;
}

/** The cycles of a directed graph (one per strongly connected component with a cycle), each as a node path. */
function findCycles(edges: number[][]): number[][] {
  const state = new Uint8Array(edges.length); // 0 new, 1 on the stack, 2 done
  const cycles: number[][] = [];
  const covered = new Set<number>();
  for (let start = 0; start < edges.length; start++) {
    if (state[start]) continue;
    const stack: { node: number; next: number }[] = [{ node: start, next: 0 }];
    state[start] = 1;
    while (stack.length) {
      const top = stack[stack.length - 1];
      if (top.next < edges[top.node].length) {
        const to = edges[top.node][top.next++];
        if (state[to] === 0) {
          state[to] = 1;
          stack.push({ node: to, next: 0 });
        } else if (state[to] === 1 && !covered.has(to)) {
          const from = stack.findIndex(f => f.node === to);
          const cycle = stack.slice(from).map(f => f.node);
          cycle.forEach(n => covered.add(n));
          cycles.push(cycle);
        }
      } else {
        state[top.node] = 2;
        stack.pop();
      }
    }
  }
  return cycles;
}

export interface CheckFileResult {
  file: string;
  problems: CheckProblem[];
  nodeCount: number;
}

/**
 * Reads and checks a model file. A file that is not an ONNX model at all (truncated, empty, too
 * large for protobuf) is a UserError; a model that decodes but breaks the rules gets problems.
 */
export function checkModelFile(file: string): CheckFileResult {
  let size: number;
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) throw new UserError('not a file', file);
    size = st.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError('file not found', file);
  }
  checkModelSize(size, file);
  const bytes = fs.readFileSync(file);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch {
    decodeOnnxModel(bytes, file); // throws the standard "truncated or not an ONNX model" error
    throw new UserError('not an ONNX model', file);
  }
  // A missing ir_version is listed as a problem; no graph at all means this is not a model.
  if (!model.graph) decodeOnnxModel(bytes, file);
  const problems = checkModel(model);
  try {
    checkExternalData(model, file);
  } catch (err) {
    if (!(err instanceof UserError)) throw err;
    problems.push({ where: 'external data', message: err.message });
  }
  return { file, problems, nodeCount: model.graph?.node?.length ?? 0 };
}

// The side panel: model properties (nothing selected), a node's properties, an input's or
// output's, and the results of the last run.
import { OP_CATEGORY_LABELS } from '../../server/onnx/graphOps';
import type { TensorSummary } from '../../server/onnx/graphTensors';
import type { GraphView, ModelSummary, NodeView, TerminalView, ValueView } from '../../server/onnx/graphView';
import type { OnnxRunPayload } from '../../shared/webviewProtocol';
import { h, type Child } from '../common/dom';
import { formatBytes, formatCount, formatMs, formatNumber } from './format';

export interface PanelCallbacks {
  openGraph(graphId: string): void;
  /** Select and show a box (e.g. the node producing an input). */
  reveal(id: string): void;
}

function section(title: string, ...children: Child[]): HTMLElement {
  return h('section', { class: 'panel-section' }, h('h3', {}, title), ...children);
}

/** A two-column list of label → value rows; rows with an empty value are left out. */
function props(rows: [string, Child | Child[]][]): HTMLElement {
  const dl = h('dl', { class: 'props' });
  for (const [label, value] of rows) {
    if (value === '' || value === undefined || value === null || (Array.isArray(value) && value.length === 0)) continue;
    dl.append(h('dt', {}, label), h('dd', {}, ...(Array.isArray(value) ? value : [value])));
  }
  return dl;
}

function typeText(v: ValueView | undefined): Child {
  return v?.type ? h('code', { class: 'type' }, v.type) : h('span', { class: 'muted' }, 'type unknown');
}

function valueList(values: ValueView[]): HTMLElement {
  if (values.length === 0) return h('p', { class: 'muted' }, 'none');
  return h('ul', { class: 'values' }, ...values.map(v => h('li', {}, h('span', { class: 'value-name' }, v.name), ' ', typeText(v))));
}

export function tensorSummary(t: TensorSummary): HTMLElement {
  const stats = t.min !== undefined
    ? h('div', { class: 'stats' },
      h('span', {}, h('span', { class: 'muted' }, 'min '), formatNumber(t.min)),
      h('span', {}, h('span', { class: 'muted' }, 'max '), formatNumber(t.max!)),
      h('span', {}, h('span', { class: 'muted' }, 'mean '), formatNumber(t.mean!)))
    : null;
  const first = t.first.length
    ? h('div', { class: 'first-values' }, h('span', { class: 'muted' }, 'values '), h('code', {}, t.first.map(v => (typeof v === 'string' ? JSON.stringify(v) : formatNumber(v))).join(', ') + (t.count > t.first.length ? ', …' : '')))
    : null;
  return h('div', { class: 'tensor-summary' },
    h('div', {}, h('code', { class: 'type' }, `${t.dtype}[${t.dims.join(',')}]`), h('span', { class: 'muted' }, ` · ${formatCount(t.count)} value${t.count === 1 ? '' : 's'}`)),
    stats,
    t.nonFinite ? h('div', { class: 'muted' }, `${formatCount(t.nonFinite)} NaN or infinite (left out of min/max/mean)`) : null,
    first,
    t.external ? h('div', {}, h('span', { class: 'muted' }, 'external data '), h('code', {}, t.external)) : null,
    t.note ? h('div', { class: 'note' }, t.note) : null);
}

export function modelPanel(model: ModelSummary, graph: GraphView, fileName: string, callbacks: PanelCallbacks): HTMLElement {
  const sections: HTMLElement[] = [];
  if (graph.id !== 'main') {
    sections.push(section('Graph',
      props([
        ['Name', graph.name || h('span', { class: 'muted' }, '(unnamed)')],
        ['Nodes', formatCount(graph.nodes.length)],
        ['Doc', graph.docString ? h('div', { class: 'doc' }, graph.docString) : ''],
      ]),
      h('h4', {}, 'Inputs'), valueList(graph.inputs),
      h('h4', {}, 'Outputs'), valueList(graph.outputs),
      graph.outer.length ? h('h4', {}, 'From the enclosing graph') : null,
      graph.outer.length ? valueList(graph.outer) : null));
  }
  sections.push(section('Model',
    props([
      ['File', fileName],
      ['Format', model.format],
      ['Producer', [model.producerName, model.producerVersion].filter(Boolean).join(' ')],
      ['Domain', model.domain],
      ['Version', model.modelVersion],
      ['Graph', model.graphName],
      ['Opsets', model.opsets.map((o, i) => h('span', { class: 'opset' }, `${o.domain} v${o.version}${i < model.opsets.length - 1 ? ', ' : ''}`))],
      ['Size', formatBytes(model.sizeBytes)],
      ['Nodes', model.totalNodeCount === model.nodeCount ? formatCount(model.nodeCount) : `${formatCount(model.nodeCount)} (${formatCount(model.totalNodeCount)} with subgraphs)`],
      ['Parameters', formatCount(model.parameterCount)],
      ['Functions', model.functions.join(', ')],
      ['Doc', model.docString ? h('div', { class: 'doc' }, model.docString) : ''],
    ])));
  if (model.metadata.length) sections.push(section('Metadata', props(model.metadata.map(m => [m.key, m.value]))));
  sections.push(section('Inputs', valueList(model.inputs)), section('Outputs', valueList(model.outputs)));
  if (graph.nodes.length) sections.push(section('Operators', operatorCounts(graph, callbacks)));
  return h('div', { class: 'panel-content' }, ...sections);
}

/** Operator types of the graph with counts; clicking one searches for it. */
function operatorCounts(graph: GraphView, callbacks: PanelCallbacks): HTMLElement {
  const counts = new Map<string, { n: number; node: NodeView }>();
  for (const n of graph.nodes) {
    const c = counts.get(n.opType);
    if (c) c.n++;
    else counts.set(n.opType, { n: 1, node: n });
  }
  const list = h('ul', { class: 'op-counts' }, ...[...counts.entries()].sort((a, b) => b[1].n - a[1].n || a[0].localeCompare(b[0])).map(([op, { n, node }]) =>
    h('li', {}, categoryDot(node), h('button', { class: 'link-button', type: 'button', 'data-reveal': node.id, title: `Show the first ${op}` }, op), h('span', { class: 'muted count' }, formatCount(n)))));
  wireLinks(list, callbacks);
  return list;
}

function categoryDot(node: NodeView): HTMLElement {
  return h('span', { class: `cat-dot cat-${node.category}`, title: OP_CATEGORY_LABELS[node.category] });
}

export function nodePanel(graph: GraphView, node: NodeView, callbacks: PanelCallbacks): HTMLElement {
  const producers = new Map<string, string>();
  for (const e of graph.edges) if (e.to === node.id) producers.set(e.tensor, e.from);
  const consumers = new Map<string, string[]>();
  for (const e of graph.edges) if (e.from === node.id) consumers.set(e.tensor, [...(consumers.get(e.tensor) ?? []), e.to]);

  const header = h('div', { class: `node-header cat-${node.category}` },
    h('span', { class: 'op-badge' }, node.opType || '(no op_type)'),
    h('span', { class: 'muted' }, OP_CATEGORY_LABELS[node.category]));
  const warning = node.known ? null : h('div', { class: 'note' }, `Not a standard ONNX operator${node.domain ? ` (domain ${node.domain})` : ''}: drawn from the model as it is.`);

  const attrs = node.attributes.length
    ? h('dl', { class: 'props attributes' }, ...node.attributes.flatMap(a => [
      h('dt', { title: a.type }, a.name),
      h('dd', {},
        a.graphIds?.length
          ? h('span', {}, ...a.graphIds.map(id => h('button', { class: 'link-button', type: 'button', 'data-graph': id }, `open ${a.graphIds!.length > 1 ? id.slice(id.lastIndexOf('.') + 1) : a.name} ▸`)).flatMap((b, i) => (i ? [' ', b] : [b])))
          : a.tensor ? tensorSummary(a.tensor) : h('code', { class: 'attr-value' }, a.value)),
    ]))
    : h('p', { class: 'muted' }, 'none');

  const tensorRow = (name: string, linkTo: string[] | undefined, index: number) => {
    if (!name) return h('li', { class: 'muted' }, `(input ${index} omitted)`);
    const init = graph.initializers[name];
    const link = linkTo?.length
      ? h('button', { class: 'link-button value-name', type: 'button', 'data-reveal': linkTo[0], title: 'Show where it comes from / goes' }, name)
      : h('span', { class: 'value-name' }, name);
    return h('li', {}, link, ' ', init ? null : typeText(graph.values[name]), init ? tensorSummary(init) : null);
  };
  const content = h('div', { class: 'panel-content' },
    section('Node',
      header, warning,
      props([
        ['Name', node.name || h('span', { class: 'muted' }, '(unnamed)')],
        ['Domain', node.domain],
        ['Doc', node.docString ? h('div', { class: 'doc' }, node.docString) : ''],
        ['Subgraphs', node.subgraphs.map(sg => h('button', { class: 'link-button', type: 'button', 'data-graph': sg.graphId }, `${sg.label} ▸`)).flatMap((b, i) => (i ? [', ', b] : [b]))],
      ])),
    section('Attributes', attrs),
    section('Inputs', h('ul', { class: 'values' }, ...node.inputs.map((name, i) => tensorRow(name, producers.has(name) ? [producers.get(name)!] : undefined, i)))),
    section('Outputs', h('ul', { class: 'values' }, ...node.outputs.map((name, i) => tensorRow(name, consumers.get(name), i)))));
  wireLinks(content, callbacks);
  return content;
}

export function terminalPanel(graph: GraphView, t: TerminalView, callbacks: PanelCallbacks): HTMLElement {
  const kind = { input: 'Input', output: 'Output', outer: 'From the enclosing graph', missing: 'Undefined value' }[t.kind];
  const uses = graph.edges.filter(e => e.from === t.id || e.to === t.id).map(e => (e.from === t.id ? e.to : e.from));
  const content = h('div', { class: 'panel-content' }, section(kind,
    props([
      ['Name', t.name],
      ['Type', typeText(t)],
      ['Doc', t.docString ?? ''],
      [t.kind === 'output' ? 'From' : 'Used by', uses.map(id => {
        const n = id.startsWith('n') ? graph.nodes[Number(id.slice(1))] : undefined;
        return h('button', { class: 'link-button', type: 'button', 'data-reveal': id }, n ? `${n.opType}${n.name ? ` ${n.name}` : ''}` : id);
      }).flatMap((b, i) => (i ? [', ', b] : [b]))],
    ]),
    t.kind === 'missing' ? h('div', { class: 'note' }, 'No node produces this value and it is not an input of the graph: the model is incomplete.') : null));
  wireLinks(content, callbacks);
  return content;
}

export function runPanel(run: OnnxRunPayload): HTMLElement {
  return section('Last run',
    props([
      ['Latency', `${formatMs(run.latencyMs)}${run.latenciesMs.length > 1 ? ` (median of ${run.latenciesMs.length})` : ''}`],
      ['Session', run.cached ? 'reused' : `opened in ${formatMs(run.loadMs)}`],
      ['Inputs', run.inputs.map(i => `${i.name} ${i.type}[${i.dims.join(',')}]${i.random ? ' (random)' : ''}`).join(', ')],
    ]),
    h('ul', { class: 'values' }, ...run.outputs.map(o => h('li', {},
      h('span', { class: 'value-name' }, o.name), ' ', h('code', { class: 'type' }, `${o.type}[${o.dims.join(',')}]`),
      o.summary ? h('div', { class: 'stats' },
        o.summary.min !== undefined ? h('span', {}, h('span', { class: 'muted' }, 'min '), formatNumber(o.summary.min)) : null,
        o.summary.max !== undefined ? h('span', {}, h('span', { class: 'muted' }, 'max '), formatNumber(o.summary.max)) : null,
        o.summary.mean !== undefined ? h('span', {}, h('span', { class: 'muted' }, 'mean '), formatNumber(o.summary.mean)) : null) : null,
      o.values !== undefined ? h('pre', { class: 'run-values' }, truncateText(JSON.stringify(o.values), 2000)) : null))));
}

function truncateText(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function wireLinks(root: HTMLElement, callbacks: PanelCallbacks): void {
  root.addEventListener('click', e => {
    const target = e.target as HTMLElement;
    const graphId = target.closest('[data-graph]')?.getAttribute('data-graph');
    if (graphId) return callbacks.openGraph(graphId);
    const id = target.closest('[data-reveal]')?.getAttribute('data-reveal');
    if (id) callbacks.reveal(id);
  });
}

// What each box of the drawn graph shows and how big it is. Shared by the layout (server, which
// needs sizes before the page exists) and the webview (which draws exactly these rows), so both
// agree without measuring text. Sizes assume the viewer's fonts: 12px bold titles, 11px rows.
import type { GraphView, NodeView, TerminalView } from './graphView';

export interface BoxRow {
  label: string;
  value?: string;
}

export interface BoxContent {
  title: string;
  rows: BoxRow[];
}

export const BOX = {
  headerHeight: 24,
  rowHeight: 16,
  padding: 8,
  titleCharWidth: 7.4,
  rowCharWidth: 6.4,
  minWidth: 56,
  maxRows: 4,
  maxLabelChars: 22,
  terminalHeight: 36,
} as const;

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Short form of a tensor name for a row: its last path component, truncated. */
function shortName(name: string): string {
  const last = name.split(/[/:]/).filter(Boolean).pop() ?? name;
  return truncate(last, BOX.maxLabelChars);
}

function dimsText(dims: number[]): string {
  return dims.length ? `⟨${dims.join('×')}⟩` : '⟨scalar⟩';
}

/** A node's box: its operator, then its weights (initializer inputs) and subgraphs. */
export function nodeBox(node: NodeView, graph: Pick<GraphView, 'initializers'>): BoxContent {
  const rows: BoxRow[] = [];
  for (const input of node.inputs) {
    const t = input ? graph.initializers[input] : undefined;
    if (t) rows.push({ label: shortName(input), value: dimsText(t.dims) });
  }
  for (const a of node.attributes) {
    if (a.tensor && node.opType === 'Constant') rows.push({ label: a.name, value: dimsText(a.tensor.dims) });
  }
  for (const s of node.subgraphs) rows.push({ label: shortName(s.label), value: '▸' });
  const shown = rows.length > BOX.maxRows ? [...rows.slice(0, BOX.maxRows - 1), { label: `+${rows.length - BOX.maxRows + 1} more` }] : rows;
  return { title: truncate(node.opType || '(no op_type)', 28), rows: shown };
}

/** Inputs, outputs and outer values: their name and type. */
export function terminalBox(t: TerminalView): BoxContent {
  return { title: truncate(t.name || '(unnamed)', 28), rows: [] };
}

export function boxSize(content: BoxContent, terminal = false): { width: number; height: number } {
  const titleWidth = content.title.length * BOX.titleCharWidth;
  // Two characters of space between a row's label and its right-aligned value.
  const rowWidth = Math.max(0, ...content.rows.map(r => (r.label.length + (r.value ? r.value.length + 2 : 0)) * BOX.rowCharWidth));
  const width = Math.ceil(Math.max(BOX.minWidth, titleWidth, rowWidth) + 2 * BOX.padding);
  const height = terminal ? BOX.terminalHeight - 12 : BOX.headerHeight + content.rows.length * BOX.rowHeight + (content.rows.length ? 4 : 0);
  return { width, height };
}

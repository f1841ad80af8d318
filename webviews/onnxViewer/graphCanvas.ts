// The drawn graph: an SVG whose boxes and edges are created when they first come into view and
// detached when they leave it, so a 3,000-node model keeps only what is on screen in the DOM.
// Zoomed out, text is hidden (level of detail): boxes and edges remain as a map of the model.
// Pan with the mouse (drag) or wheel, zoom with Ctrl+wheel or pinch, keys: arrows, + − 0 1.
import { BOX, nodeBox, terminalBox, type BoxContent } from '../../server/onnx/graphBoxes';
import type { GraphLayout } from '../../server/onnx/graphLayout';
import type { GraphView, NodeView, TerminalView } from '../../server/onnx/graphView';
import { s } from '../common/dom';

export interface CanvasCallbacks {
  /** The user clicked a box (its id) or the background (undefined). */
  select(id: string | undefined): void;
  /** The user asked to enter a subgraph. */
  openGraph(graphId: string): void;
  /** Zoom changed (for the toolbar's percentage). */
  zoomed(scale: number): void;
}

/** A drawable thing: a box (node or terminal) or an edge, with its bounds in graph coordinates. */
interface Item {
  id: string;
  kind: 'box' | 'edge';
  /** x0, y0, x1, y1 */
  bounds: [number, number, number, number];
  el?: SVGGElement;
  attached: boolean;
}

const MIN_SCALE_CAP = 0.05;
const MAX_SCALE = 4;
/** Below these scales, rows and edge labels, then titles, are not drawn. */
const LOD_ROWS = 0.45;
const LOD_TITLES = 0.3;
const LOD_LABELS = 0.6;

export class GraphCanvas {
  readonly element: HTMLDivElement;
  readonly svg: SVGSVGElement;
  private readonly viewport: SVGGElement;
  private readonly edgeLayer: SVGGElement;
  private readonly nodeLayer: SVGGElement;
  private graph: GraphView | undefined;
  private layout: GraphLayout | undefined;
  private items: Item[] = [];
  private byId = new Map<string, Item>();
  /** Edge item indexes by endpoint id, to highlight a selected node's edges. */
  private edgesOf = new Map<string, number[]>();
  private tx = 0;
  private ty = 0;
  private k = 1;
  private selected: string | undefined;
  private matches = new Set<string>();
  private currentMatch: string | undefined;
  private frame = 0;
  private drawnNodes = 0;

  constructor(private readonly callbacks: CanvasCallbacks) {
    this.edgeLayer = s('g', { class: 'edges' });
    this.nodeLayer = s('g', { class: 'boxes' });
    this.viewport = s('g', { class: 'viewport' }, this.edgeLayer, this.nodeLayer);
    this.svg = s('svg', { class: 'graph', role: 'img', 'aria-label': 'Model graph' }, arrowDefs(), this.viewport);
    this.element = document.createElement('div');
    this.element.className = 'canvas';
    this.element.tabIndex = 0;
    this.element.setAttribute('aria-label', 'Graph: drag or arrow keys to pan, Ctrl+wheel or + and − to zoom, 0 to fit');
    this.element.append(this.svg);
    this.listen();
    new ResizeObserver(() => this.schedule()).observe(this.element);
  }

  get scale(): number {
    return this.k;
  }

  /** Shows a graph; `keepView` keeps the zoom and position (a reload of the same graph). */
  setGraph(graph: GraphView, layout: GraphLayout, keepView = false): void {
    this.graph = graph;
    this.layout = layout;
    this.edgeLayer.replaceChildren();
    this.nodeLayer.replaceChildren();
    this.items = [];
    this.byId.clear();
    this.edgesOf.clear();
    for (const [id, [x, y, w, h]] of Object.entries(layout.boxes)) {
      const item: Item = { id, kind: 'box', bounds: [x, y, x + w, y + h], attached: false };
      this.items.push(item);
      this.byId.set(id, item);
    }
    graph.edges.forEach((e, k) => {
      const p = layout.edges[k] ?? [];
      let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
      for (let i = 0; i < p.length; i += 2) {
        x0 = Math.min(x0, p[i]); x1 = Math.max(x1, p[i]);
        y0 = Math.min(y0, p[i + 1]); y1 = Math.max(y1, p[i + 1]);
      }
      // Room for the shape label beside the edge.
      const item: Item = { id: `e${k}`, kind: 'edge', bounds: [x0, y0, x1 + 120, y1], attached: false };
      this.items.push(item);
      for (const end of [e.from, e.to]) {
        const list = this.edgesOf.get(end) ?? [];
        list.push(this.items.length - 1);
        this.edgesOf.set(end, list);
      }
    });
    if (!keepView || !this.selected || !this.byId.has(this.selected)) this.selected = undefined;
    this.matches.clear();
    this.currentMatch = undefined;
    this.svg.dataset.nodeCount = String(graph.nodes.length);
    this.svg.dataset.edgeCount = String(graph.edges.length);
    if (!keepView) this.initialView();
    this.renderNow();
  }

  /** Fits small graphs; large ones start at 100% on the inputs (top), where reading begins. */
  private initialView(): void {
    const fit = this.fitScale();
    if (fit >= 0.6) {
      this.fit(Math.min(fit, 1.25));
      return;
    }
    const { width } = this.size();
    const first = this.graph?.inputs[0]?.id ?? this.graph?.nodes[0]?.id;
    const box = first ? this.layout?.boxes[first] : undefined;
    this.k = 1;
    this.tx = box ? width / 2 - (box[0] + box[2] / 2) : 0;
    this.ty = 16 - (box ? box[1] : 0);
    this.callbacks.zoomed(this.k);
  }

  private size(): { width: number; height: number } {
    return { width: this.element.clientWidth || 800, height: this.element.clientHeight || 600 };
  }

  private fitScale(): number {
    if (!this.layout) return 1;
    const { width, height } = this.size();
    return Math.min(width / Math.max(1, this.layout.width), height / Math.max(1, this.layout.height)) * 0.96;
  }

  fit(maxScale = 1.5): void {
    if (!this.layout) return;
    const { width, height } = this.size();
    this.k = Math.min(maxScale, this.fitScale());
    this.tx = (width - this.layout.width * this.k) / 2;
    this.ty = Math.max(8, (height - this.layout.height * this.k) / 2);
    this.changed();
  }

  zoomBy(factor: number, cx?: number, cy?: number): void {
    const { width, height } = this.size();
    const px = cx ?? width / 2;
    const py = cy ?? height / 2;
    const minScale = Math.min(MIN_SCALE_CAP, this.fitScale());
    const k = Math.min(MAX_SCALE, Math.max(minScale, this.k * factor));
    // Keep the graph point under (px, py) where it is.
    this.tx = px - ((px - this.tx) * k) / this.k;
    this.ty = py - ((py - this.ty) * k) / this.k;
    this.k = k;
    this.changed();
  }

  setScale(k: number): void {
    this.zoomBy(k / this.k);
  }

  panBy(dx: number, dy: number): void {
    this.tx += dx;
    this.ty += dy;
    this.changed();
  }

  /** Brings a box to the middle of the view, zooming in if it would be too small to read. */
  centerOn(id: string): void {
    const box = this.layout?.boxes[id];
    if (!box) return;
    if (this.k < 0.8) this.k = 1;
    const { width, height } = this.size();
    this.tx = width / 2 - (box[0] + box[2] / 2) * this.k;
    this.ty = height / 2 - (box[1] + box[3] / 2) * this.k;
    this.changed();
  }

  select(id: string | undefined): void {
    this.selected = id;
    this.refreshStates();
  }

  setMatches(ids: string[], current: string | undefined): void {
    this.matches = new Set(ids);
    this.currentMatch = current;
    this.refreshStates();
  }

  private changed(): void {
    this.callbacks.zoomed(this.k);
    this.schedule();
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.renderNow();
    });
  }

  /** Applies the transform, attaches what is in view (plus a margin) and detaches the rest. */
  private renderNow(): void {
    if (!this.graph || !this.layout) return;
    this.viewport.setAttribute('transform', `translate(${this.tx},${this.ty}) scale(${this.k})`);
    this.svg.classList.toggle('lod-rows', this.k < LOD_ROWS);
    this.svg.classList.toggle('lod-titles', this.k < LOD_TITLES);
    this.svg.classList.toggle('lod-labels', this.k < LOD_LABELS);
    const { width, height } = this.size();
    const margin = 200 / this.k;
    const x0 = -this.tx / this.k - margin;
    const y0 = -this.ty / this.k - margin;
    const x1 = (width - this.tx) / this.k + margin;
    const y1 = (height - this.ty) / this.k + margin;
    let drawn = 0;
    for (const item of this.items) {
      const [bx0, by0, bx1, by1] = item.bounds;
      const visible = bx1 >= x0 && bx0 <= x1 && by1 >= y0 && by0 <= y1;
      if (visible && !item.attached) {
        item.el ??= this.build(item);
        this.applyState(item);
        (item.kind === 'edge' ? this.edgeLayer : this.nodeLayer).append(item.el);
        item.attached = true;
      } else if (!visible && item.attached) {
        item.el!.remove();
        item.attached = false;
      }
      if (item.attached && item.kind === 'box' && item.id.startsWith('n')) drawn++;
    }
    this.drawnNodes = drawn;
    this.svg.dataset.drawnNodes = String(drawn);
  }

  get drawnNodeCount(): number {
    return this.drawnNodes;
  }

  private refreshStates(): void {
    for (const item of this.items) if (item.el) this.applyState(item);
  }

  private applyState(item: Item): void {
    const el = item.el!;
    if (item.kind === 'box') {
      el.classList.toggle('selected', item.id === this.selected);
      el.classList.toggle('match', this.matches.has(item.id));
      el.classList.toggle('current-match', item.id === this.currentMatch);
    } else {
      const e = this.graph!.edges[Number(item.id.slice(1))];
      el.classList.toggle('related', this.selected !== undefined && (e.from === this.selected || e.to === this.selected));
    }
  }

  private build(item: Item): SVGGElement {
    return item.kind === 'edge' ? this.buildEdge(Number(item.id.slice(1))) : this.buildBox(item.id);
  }

  private buildEdge(k: number): SVGGElement {
    return buildEdgeElement(this.graph!, this.layout!, k);
  }

  private buildBox(id: string): SVGGElement {
    return buildBoxElement(this.graph!, this.layout!, id);
  }

  /** Every box and edge, for export (not culled, no selection). */
  buildAll(): SVGGElement[] {
    if (!this.graph || !this.layout) return [];
    const edges = this.graph.edges.map((_, k) => buildEdgeElement(this.graph!, this.layout!, k));
    const boxes = Object.keys(this.layout.boxes).map(id => buildBoxElement(this.graph!, this.layout!, id));
    return [s('g', { class: 'edges' }, ...edges), s('g', { class: 'boxes' }, ...boxes)];
  }

  // ---- input -----------------------------------------------------------------------------------

  private listen(): void {
    const el = this.element;
    let drag: { x: number; y: number; moved: boolean; pointer: number } | undefined;
    el.addEventListener('pointerdown', e => {
      if (e.button !== 0) return;
      drag = { x: e.clientX, y: e.clientY, moved: false, pointer: e.pointerId };
    });
    el.addEventListener('pointermove', e => {
      if (!drag || e.pointerId !== drag.pointer) return;
      const dx = e.clientX - drag.x;
      const dy = e.clientY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      if (!drag.moved) {
        drag.moved = true;
        el.setPointerCapture(e.pointerId);
        el.classList.add('panning');
      }
      drag.x = e.clientX;
      drag.y = e.clientY;
      this.panBy(dx, dy);
    });
    const end = (e: PointerEvent) => {
      if (!drag || e.pointerId !== drag.pointer) return;
      const wasDrag = drag.moved;
      drag = undefined;
      el.classList.remove('panning');
      if (wasDrag || e.type === 'pointercancel') return;
      const target = e.target as Element;
      const row = target.closest?.('[data-graph]');
      if (row) {
        this.callbacks.openGraph(row.getAttribute('data-graph')!);
        return;
      }
      const box = target.closest?.('[data-id]');
      this.callbacks.select(box?.getAttribute('data-id') ?? undefined);
    };
    el.addEventListener('pointerup', end);
    el.addEventListener('pointercancel', end);
    el.addEventListener('dblclick', e => {
      const id = (e.target as Element).closest?.('[data-id]')?.getAttribute('data-id');
      const node = id ? this.node(id) : undefined;
      if (node && node.subgraphs.length > 0) this.callbacks.openGraph(node.subgraphs[0].graphId);
    });
    el.addEventListener('wheel', e => {
      e.preventDefault();
      const rect = el.getBoundingClientRect();
      // Ctrl+wheel (and trackpad pinch, which arrives as one) zooms; a plain wheel pans.
      if (e.ctrlKey || e.metaKey) this.zoomBy(Math.exp(-e.deltaY * (e.deltaMode === 1 ? 0.05 : 0.002)), e.clientX - rect.left, e.clientY - rect.top);
      else {
        const unit = e.deltaMode === 1 ? 16 : 1;
        this.panBy(-(e.shiftKey ? e.deltaY : e.deltaX) * unit, -(e.shiftKey ? 0 : e.deltaY) * unit);
      }
    }, { passive: false });
    el.addEventListener('keydown', e => {
      if (e.ctrlKey || e.metaKey || e.altKey) return;
      const step = e.shiftKey ? 240 : 60;
      switch (e.key) {
        case 'ArrowLeft': this.panBy(step, 0); break;
        case 'ArrowRight': this.panBy(-step, 0); break;
        case 'ArrowUp': this.panBy(0, step); break;
        case 'ArrowDown': this.panBy(0, -step); break;
        case '+': case '=': this.zoomBy(1.25); break;
        case '-': case '_': this.zoomBy(0.8); break;
        case '0': this.fit(); break;
        case '1': this.setScale(1); break;
        case 'Enter': {
          const node = this.selected ? this.node(this.selected) : undefined;
          if (node?.subgraphs.length) this.callbacks.openGraph(node.subgraphs[0].graphId);
          else return;
          break;
        }
        default: return;
      }
      e.preventDefault();
    });
  }

  private node(id: string): NodeView | undefined {
    return id.startsWith('n') ? this.graph?.nodes[Number(id.slice(1))] : undefined;
  }
}

// ---- elements -----------------------------------------------------------------------------------

function arrowDefs(): SVGDefsElement {
  const marker = (id: string, cls: string) => s('marker', {
    id, viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, markerUnits: 'userSpaceOnUse', orient: 'auto',
  }, s('path', { d: 'M0,1 L10,5 L0,9 z', class: cls }));
  return s('defs', {}, marker('arrow', 'arrow-head'), marker('arrow-related', 'arrow-head related'));
}

/** A polyline with its bends rounded. */
export function edgePath(p: number[]): string {
  const n = p.length / 2;
  if (n < 2) return '';
  let d = `M${p[0]},${p[1]}`;
  for (let i = 1; i < n - 1; i++) {
    const [px, py, x, y, nx, ny] = [p[2 * i - 2], p[2 * i - 1], p[2 * i], p[2 * i + 1], p[2 * i + 2], p[2 * i + 3]];
    const r = Math.min(10, Math.hypot(x - px, y - py) / 2, Math.hypot(nx - x, ny - y) / 2);
    const a = towards(x, y, px, py, r);
    const b = towards(x, y, nx, ny, r);
    d += `L${a[0]},${a[1]}Q${x},${y} ${b[0]},${b[1]}`;
  }
  return `${d}L${p[2 * n - 2]},${p[2 * n - 1]}`;
}

function towards(x: number, y: number, tx: number, ty: number, r: number): [number, number] {
  const len = Math.hypot(tx - x, ty - y) || 1;
  return [round(x + ((tx - x) * r) / len), round(y + ((ty - y) * r) / len)];
}

const round = (v: number) => Math.round(v * 10) / 10;

export function buildEdgeElement(graph: GraphView, layout: GraphLayout, k: number): SVGGElement {
  const e = graph.edges[k];
  const p = layout.edges[k] ?? [];
  const g = s('g', { class: 'edge', 'data-edge': k });
  g.append(s('path', { d: edgePath(p), class: 'edge-line' }), s('title', {}, e.label ? `${e.tensor}: ${graph.values[e.tensor]?.type ?? e.label}` : e.tensor));
  if (e.label && p.length >= 4) {
    // Beside the middle of the edge, as Netron places them: edges entering one node side by side
    // end close together, their middles rarely do.
    const [x, y] = pointAtHalfLength(p);
    g.append(s('text', { class: 'edge-label', x: round(x + 5), y: round(y + 3.5) }, e.label));
  }
  return g;
}

/** The point halfway along a polyline. */
export function pointAtHalfLength(p: number[]): [number, number] {
  let total = 0;
  for (let i = 2; i < p.length; i += 2) total += Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1]);
  let left = total / 2;
  for (let i = 2; i < p.length; i += 2) {
    const len = Math.hypot(p[i] - p[i - 2], p[i + 1] - p[i - 1]);
    if (len >= left && len > 0) return [p[i - 2] + ((p[i] - p[i - 2]) * left) / len, p[i - 1] + ((p[i + 1] - p[i - 1]) * left) / len];
    left -= len;
  }
  return [p[0], p[1]];
}

export function buildBoxElement(graph: GraphView, layout: GraphLayout, id: string): SVGGElement {
  const [x, y, w, h] = layout.boxes[id];
  const node = id.startsWith('n') ? graph.nodes[Number(id.slice(1))] : undefined;
  if (node) return nodeElement(graph, node, x, y, w, h);
  const terminal = [...graph.inputs, ...graph.outputs, ...graph.outer].find(t => t.id === id)!;
  return terminalElement(terminal, x, y, w, h);
}

function nodeElement(graph: GraphView, node: NodeView, x: number, y: number, w: number, h: number): SVGGElement {
  const content: BoxContent = nodeBox(node, graph);
  const classes = ['box', 'node', `cat-${node.category}`, node.known ? '' : 'unknown', node.subgraphs.length ? 'has-subgraph' : ''].filter(Boolean).join(' ');
  const tooltip = [node.opType + (node.domain ? ` (${node.domain})` : ''), node.name, node.known ? '' : 'Not a standard ONNX operator'].filter(Boolean).join('\n');
  const g = s('g', { class: classes, 'data-id': node.id, transform: `translate(${x},${y})` }, s('title', {}, tooltip));
  const hh = BOX.headerHeight;
  g.append(
    s('rect', { class: 'box-halo', x: -4, y: -4, width: w + 8, height: h + 8, rx: 7 }),
    s('rect', { class: 'box-body', width: w, height: h, rx: 4 }),
    s('path', { class: 'box-header', d: content.rows.length ? `M0,${hh}V4Q0,0 4,0H${w - 4}Q${w},0 ${w},4V${hh}Z` : `M0,4Q0,0 4,0H${w - 4}Q${w},0 ${w},4V${hh - 4}Q${w},${hh} ${w - 4},${hh}H4Q0,${hh} 0,${hh - 4}Z` }),
    s('text', { class: 'box-title', x: w / 2, y: hh / 2 + 4.5, 'text-anchor': 'middle' }, content.title),
  );
  content.rows.forEach((r, i) => {
    const ry = hh + 2 + i * BOX.rowHeight + 12;
    const sub = node.subgraphs.find(sg => r.value === '▸' && (sg.label === r.label || sg.label.endsWith(r.label)));
    const row = s('g', { class: sub ? 'box-row link' : 'box-row', 'data-graph': sub?.graphId });
    row.append(s('text', { class: 'row-label', x: BOX.padding, y: ry }, r.label));
    if (r.value) row.append(s('text', { class: 'row-value', x: w - BOX.padding, y: ry, 'text-anchor': 'end' }, r.value));
    if (sub) row.prepend(s('rect', { class: 'row-hit', x: 1, y: ry - 12, width: w - 2, height: BOX.rowHeight }), s('title', {}, `Open ${sub.label}`));
    g.append(row);
  });
  if (!node.known) {
    g.append(s('circle', { class: 'badge', cx: w, cy: 0, r: 7 }), s('text', { class: 'badge-text', x: w, y: 3.5, 'text-anchor': 'middle' }, '?'));
  }
  return g;
}

function terminalElement(t: TerminalView, x: number, y: number, w: number, h: number): SVGGElement {
  const content = terminalBox(t);
  const tooltip = {
    input: `Input ${t.name}`, output: `Output ${t.name}`,
    outer: `${t.name}: from the enclosing graph`, missing: `${t.name}: produced by no node and not an input of the graph`,
  }[t.kind] + (t.type ? `\n${t.type}` : '');
  return s('g', { class: `box terminal ${t.kind}`, 'data-id': t.id, transform: `translate(${x},${y})` },
    s('title', {}, tooltip),
    s('rect', { class: 'box-halo', x: -4, y: -4, width: w + 8, height: h + 8, rx: h / 2 + 4 }),
    s('rect', { class: 'box-body', width: w, height: h, rx: h / 2 }),
    s('text', { class: 'box-title', x: w / 2, y: h / 2 + 4.5, 'text-anchor': 'middle' }, content.title));
}

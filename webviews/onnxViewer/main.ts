// ONNX viewer webview: draws the graph the extension host sends (shared/webviewProtocol.ts) with
// a side panel of properties, search, breadcrumbs into subgraphs, export and "Run Model…".
// Runs in the browser; no Node APIs.
import { OP_CATEGORY_LABELS, type OpCategory } from '../../server/onnx/graphOps';
import type { OnnxGraphPayload, OnnxRunPayload, OnnxViewerFromWebview, OnnxViewerToWebview } from '../../shared/webviewProtocol';
import { byId, h, replaceChildren } from '../common/dom';
import { standaloneSvg, svgToPngBase64 } from './exportImage';
import { formatCount, formatMs } from './format';
import { GraphCanvas } from './graphCanvas';
import { modelPanel, nodePanel, runPanel, terminalPanel } from './panel';
import { findMatches } from './search';

interface VsCodeApi {
  postMessage(message: OnnxViewerFromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: OnnxViewerFromWebview) => vscode.postMessage(m);

let current: { fileName: string; data: OnnxGraphPayload } | undefined;
let selected: string | undefined;
let matches: string[] = [];
let matchIndex = -1;
let lastRun: { run?: OnnxRunPayload; busy?: string; error?: string } | undefined;

// ---- page skeleton ------------------------------------------------------------------------------

const canvas = new GraphCanvas({
  select: id => select(id),
  openGraph: id => openGraph(id),
  zoomed: k => { byId('zoom-level').textContent = k >= 0.1 ? `${Math.round(k * 100)}%` : `${Number((k * 100).toPrecision(2))}%`; },
});

const button = (id: string, label: string, title: string, cls = 'button text') =>
  h('button', { id, class: cls, type: 'button', title, 'aria-label': title }, label);

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.classList.add('onnx-viewer');
app.replaceChildren(
  h('header', { class: 'toolbar' },
    h('nav', { id: 'breadcrumb', class: 'breadcrumb', 'aria-label': 'Graph' }),
    h('div', { class: 'search' },
      h('input', { id: 'search', type: 'search', placeholder: 'Search name, op type or shape', 'aria-label': 'Search nodes by name, op type or shape', spellcheck: 'false' }),
      h('span', { id: 'search-count', class: 'search-count muted', 'aria-live': 'polite' }),
      button('search-prev', '↑', 'Previous match (Shift+Enter)'),
      button('search-next', '↓', 'Next match (Enter)')),
    h('div', { class: 'toolbar-actions' },
      button('export-svg', 'Export SVG', 'Save the whole graph as an SVG image'),
      button('export-png', 'Export PNG', 'Save the whole graph as a PNG image'),
      button('run-model', 'Run Model…', 'Run the model with random or JSON inputs', 'button'),
      button('toggle-panel', '◨', 'Show or hide the properties panel'))),
  h('div', { class: 'main' },
    h('div', { id: 'canvas-slot', class: 'canvas-wrap' },
      h('div', { class: 'zoom-controls' },
        button('zoom-out', '−', 'Zoom out (−)'),
        h('span', { id: 'zoom-level', class: 'zoom-level' }, '100%'),
        button('zoom-in', '+', 'Zoom in (+)'),
        button('zoom-fit', 'Fit', 'Fit the graph to the view (0)')),
      h('div', { id: 'status', class: 'status', 'aria-live': 'polite' }),
      h('div', { id: 'legend', class: 'legend' })),
    h('div', { id: 'splitter', class: 'splitter', role: 'separator', 'aria-orientation': 'vertical', title: 'Drag to resize the panel' }),
    h('aside', { id: 'panel', class: 'panel', 'aria-label': 'Properties' },
      h('div', { id: 'run-slot' }),
      h('div', { id: 'panel-slot' }))),
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true },
    h('div', { class: 'progress-bar' }), h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
);
byId('canvas-slot').prepend(canvas.element);

// ---- toolbar ------------------------------------------------------------------------------------

byId('zoom-in').addEventListener('click', () => canvas.zoomBy(1.25));
byId('zoom-out').addEventListener('click', () => canvas.zoomBy(0.8));
byId('zoom-fit').addEventListener('click', () => canvas.fit());
byId('export-svg').addEventListener('click', () => void exportImage('svg'));
byId('export-png').addEventListener('click', () => void exportImage('png'));
byId('run-model').addEventListener('click', () => post({ type: 'runModel' }));
byId('toggle-panel').addEventListener('click', () => app.classList.toggle('panel-hidden'));
(byId('run-model') as HTMLButtonElement).disabled = true;

const searchInput = byId<HTMLInputElement>('search');
let searchTimer: ReturnType<typeof setTimeout> | undefined;
searchInput.addEventListener('input', () => {
  matchesStale = true;
  clearTimeout(searchTimer);
  searchTimer = setTimeout(() => runSearch(true), 120);
});
searchInput.addEventListener('keydown', e => {
  if (e.key === 'Enter') {
    e.preventDefault();
    clearTimeout(searchTimer);
    if (matchesStale) runSearch(true);
    else stepMatch(e.shiftKey ? -1 : 1);
  } else if (e.key === 'Escape') {
    searchInput.value = '';
    runSearch(false);
    canvas.element.focus();
  }
});
byId('search-next').addEventListener('click', () => stepMatch(1));
byId('search-prev').addEventListener('click', () => stepMatch(-1));

document.addEventListener('keydown', e => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f') {
    searchInput.focus();
    searchInput.select();
    e.preventDefault();
  } else if (e.key === 'Backspace' && document.activeElement === canvas.element && current) {
    const path = current.data.graph.path;
    if (path.length > 1) openGraph(path[path.length - 2].id);
  } else if (e.key === 'Escape' && document.activeElement === canvas.element) {
    select(undefined);
  }
});

// The panel's width follows the splitter.
{
  const splitter = byId('splitter');
  splitter.addEventListener('pointerdown', e => {
    splitter.setPointerCapture(e.pointerId);
    const move = (ev: PointerEvent) => {
      const width = Math.min(Math.max(220, window.innerWidth - ev.clientX), Math.max(260, window.innerWidth * 0.7));
      app.style.setProperty('--panel-width', `${Math.round(width)}px`);
    };
    splitter.addEventListener('pointermove', move);
    splitter.addEventListener('pointerup', () => splitter.removeEventListener('pointermove', move), { once: true });
  });
}

// ---- messages -----------------------------------------------------------------------------------

window.addEventListener('message', (e: MessageEvent<OnnxViewerToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'busy':
      byId('busy-message').textContent = m.message;
      byId('busy').hidden = false;
      app.dataset.state = 'busy';
      break;
    case 'graph':
      showGraph(m.fileName, m.data, m.keepView ?? false);
      break;
    case 'error':
      showError(m.message);
      break;
    case 'runAvailable': {
      const run = byId<HTMLButtonElement>('run-model');
      run.disabled = !m.available;
      run.title = m.available ? 'Run the model with random or JSON inputs' : 'Running models is not available';
      break;
    }
    case 'runStarted':
      lastRun = { busy: m.message };
      renderRun();
      break;
    case 'runResult':
      lastRun = { run: m.run };
      renderRun();
      break;
    case 'runError':
      lastRun = { error: m.message };
      renderRun();
      break;
    case 'exported':
      break;
  }
});
post({ type: 'ready' });

function showGraph(fileName: string, data: OnnxGraphPayload, keepView: boolean): void {
  const started = performance.now();
  const sameGraph = current?.data.graph.id === data.graph.id;
  current = { fileName, data };
  byId('busy').hidden = true;
  byId('error').hidden = true;
  app.classList.add('has-view');
  delete app.dataset.state;
  canvas.setGraph(data.graph, data.layout, keepView && sameGraph);
  if (!(keepView && sameGraph) || (selected && !data.layout.boxes[selected])) selected = undefined;
  canvas.select(selected);
  renderBreadcrumb();
  renderLegend();
  renderPanel();
  if (searchInput.value.trim()) runSearch(false);
  // The first paint follows the next animation frame.
  requestAnimationFrame(() => setTimeout(() => {
    const firstPaint = performance.now() - started;
    app.dataset.firstPaintMs = String(Math.round(firstPaint));
    renderStatus(firstPaint);
  }, 0));
}

function showError(message: string): void {
  byId('busy').hidden = true;
  delete app.dataset.state;
  const err = byId('error');
  replaceChildren(err,
    h('div', { class: 'error-title' }, h('span', { class: 'error-glyph', 'aria-hidden': 'true' }, '!'), current ? 'Could not show this graph' : 'Could not open this model'),
    h('p', { class: 'error-message' }, message),
    h('div', { class: 'error-actions' },
      h('button', { class: 'button secondary', type: 'button', id: 'retry' }, 'Try Again'),
      current ? h('button', { class: 'button text', type: 'button', id: 'dismiss' }, 'Dismiss') : null));
  err.hidden = false;
  byId('retry').addEventListener('click', () => post({ type: 'reload' }));
  document.getElementById('dismiss')?.addEventListener('click', () => { err.hidden = true; });
  app.classList.toggle('has-view', Boolean(current));
}

function renderStatus(firstPaintMs?: number): void {
  if (!current) return;
  const { graph, timings, layout } = current.data;
  const parts = [
    `${formatCount(graph.nodes.length)} node${graph.nodes.length === 1 ? '' : 's'}`,
    `${formatCount(graph.edges.length)} edges`,
    timings.layoutMs ? `layout ${formatMs(timings.layoutMs)}` : `layout ${formatMs(layout.layoutMs)} (cached)`,
  ];
  if (firstPaintMs !== undefined) parts.push(`drawn in ${formatMs(firstPaintMs)}`);
  byId('status').textContent = parts.join(' · ');
}

function renderBreadcrumb(): void {
  const path = current!.data.graph.path;
  const nav = byId('breadcrumb');
  replaceChildren(nav, ...path.flatMap((p, i) => {
    const last = i === path.length - 1;
    const crumb = last
      ? h('span', { class: 'crumb current', 'aria-current': 'page', title: p.label }, p.label)
      : h('button', { class: 'crumb link-button', type: 'button', title: `Back to ${p.label}` }, p.label);
    if (!last) crumb.addEventListener('click', () => openGraph(p.id));
    return i ? [h('span', { class: 'crumb-sep', 'aria-hidden': 'true' }, '›'), crumb] : [crumb];
  }));
}

function renderLegend(): void {
  const present = new Set<OpCategory>(current!.data.graph.nodes.map(n => n.category));
  const order = Object.keys(OP_CATEGORY_LABELS) as OpCategory[];
  replaceChildren(byId('legend'), ...order.filter(c => present.has(c)).map(c =>
    h('span', { class: 'legend-item' }, h('span', { class: `cat-dot cat-${c}` }), OP_CATEGORY_LABELS[c])));
}

const panelCallbacks = {
  openGraph: (id: string) => openGraph(id),
  reveal: (id: string) => {
    select(id);
    canvas.centerOn(id);
  },
};

function renderPanel(): void {
  if (!current) return;
  const { graph, model } = current.data;
  let content: HTMLElement;
  if (selected?.startsWith('n')) content = nodePanel(graph, graph.nodes[Number(selected.slice(1))], panelCallbacks);
  else if (selected) {
    const t = [...graph.inputs, ...graph.outputs, ...graph.outer].find(v => v.id === selected);
    content = t ? terminalPanel(graph, t, panelCallbacks) : modelPanel(model, graph, current.fileName, panelCallbacks);
  } else content = modelPanel(model, graph, current.fileName, panelCallbacks);
  replaceChildren(byId('panel-slot'), content);
  byId('panel').scrollTop = 0;
}

function renderRun(): void {
  const slot = byId('run-slot');
  if (!lastRun) return replaceChildren(slot);
  const close = h('button', { class: 'button text close', type: 'button', title: 'Hide the run results', 'aria-label': 'Hide the run results' }, '×');
  close.addEventListener('click', () => { lastRun = undefined; renderRun(); });
  const body = lastRun.run
    ? runPanel(lastRun.run)
    : lastRun.busy
      ? h('section', { class: 'panel-section' }, h('h3', {}, 'Run'), h('div', { class: 'run-busy' }, h('span', { class: 'spinner' }), lastRun.busy))
      : h('section', { class: 'panel-section' }, h('h3', {}, 'Run'), h('div', { class: 'note error' }, lastRun.error ?? ''));
  replaceChildren(slot, h('div', { class: 'run-box' }, close, body));
  app.classList.remove('panel-hidden');
}

function select(id: string | undefined): void {
  selected = id;
  canvas.select(id);
  renderPanel();
}

function openGraph(graphId: string): void {
  if (current?.data.graph.id === graphId) return;
  post({ type: 'openGraph', graphId });
}

// ---- search -------------------------------------------------------------------------------------

let matchesStale = false;

function runSearch(jump: boolean): void {
  if (!current) return;
  const query = searchInput.value;
  matches = query.trim() ? findMatches(current.data.graph, query) : [];
  matchIndex = matches.length ? 0 : -1;
  matchesStale = false;
  showMatch(jump);
}

function stepMatch(delta: number): void {
  if (!matches.length) return;
  matchIndex = (matchIndex + delta + matches.length) % matches.length;
  showMatch(true);
}

function showMatch(jump: boolean): void {
  const id = matchIndex >= 0 ? matches[matchIndex] : undefined;
  canvas.setMatches(matches, id);
  const count = byId('search-count');
  count.textContent = searchInput.value.trim() ? (matches.length ? `${matchIndex + 1} of ${formatCount(matches.length)}` : 'No results') : '';
  searchInput.classList.toggle('no-results', Boolean(searchInput.value.trim()) && !matches.length);
  if (id && jump) {
    canvas.centerOn(id);
    selected = id;
    canvas.select(id);
    renderPanel();
  }
}

// ---- export -------------------------------------------------------------------------------------

async function exportImage(format: 'svg' | 'png'): Promise<void> {
  if (!current) return;
  const { width, height } = current.data.layout;
  const defs = canvas.svg.querySelector('defs')!;
  const svgText = standaloneSvg(canvas.element, canvas.buildAll(), width, height, defs);
  if (format === 'svg') return post({ type: 'export', format, data: svgText });
  try {
    const { base64 } = await svgToPngBase64(svgText, width, height);
    post({ type: 'export', format, data: base64 });
  } catch (err) {
    showError(`Could not draw the PNG: ${err instanceof Error ? err.message : String(err)}`);
  }
}

// Drift report webview: the statistics of one or two datasets feature by feature, with their
// distances and anomalies (shared/webviewProtocol.ts). Runs in the browser; no Node APIs.

import type { DriftReportFromWebview, DriftReportToWebview, DriftReportView } from '../../shared/webviewProtocol';
import { createCard, renderBody, type CardContext } from './card';
import { byId, h, replaceChildren } from '../common/dom';
import { formatCount } from './format';
import { renderHeader, roleNames } from './header';
import { buildModel, type FeatureModel } from './model';

type SortKey = 'distance' | 'name' | 'missing';

/** What survives a reload of the webview (vscode.setState). */
interface SavedState {
  filter: string;
  /** Only once the user picked one: the default depends on the view. */
  sort?: SortKey;
  anomaliesFirst: boolean;
  logScale: boolean;
  counts: boolean;
  /** Features whose anomaly details are expanded. */
  openAnomalies: string[];
}

interface VsCodeApi {
  postMessage(message: DriftReportFromWebview): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state = loadState(vscode.getState());
const openAnomalies = new Set(state.openAnomalies);

interface Entry {
  model: FeatureModel;
  card: HTMLElement;
  /** The options version its body was drawn with; 0 = not yet. */
  drawn: number;
  lower: string;
}

let view: DriftReportView | undefined;
let entries: Entry[] = [];
const byCard = new Map<Element, Entry>();
/** Bumped when the chart options change: cards drawn with an older version are redrawn. */
let version = 1;
const onScreen = new Set<Entry>();
let ctx: CardContext;

// ---- page skeleton, built once ------------------------------------------------------------

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));

const filterInput = h('input', { id: 'filter', type: 'text', class: 'filter-input', placeholder: 'Filter features', 'aria-label': 'Filter features by name', title: 'Filter features by name (case-insensitive). Esc clears.', spellcheck: 'false', autocomplete: 'off' });
filterInput.value = state.filter;
const sortSelect = h(
  'select',
  { id: 'sort', class: 'select', 'aria-label': 'Sort features', title: 'Sort features' },
  h('option', { value: 'distance' }, 'Distance'),
  h('option', { value: 'name' }, 'Name'),
  h('option', { value: 'missing' }, 'Missing %'),
);
const check = (id: string, label: string, title: string, checked: boolean) => {
  const box = h('input', { id, type: 'checkbox', class: 'checkbox' });
  box.checked = checked;
  return { box, label: h('label', { class: 'check', for: id, title }, box, label) };
};
const anomaliesFirst = check('anomalies-first', 'Anomalies first', 'List features with anomalies before the others', state.anomaliesFirst);
const logScale = check('log-scale', 'Log scale', 'Logarithmic bar heights and lengths: small buckets and rare values stay visible', state.logScale);
const counts = check('show-counts', 'Counts', 'Show counts instead of percentages', state.counts);
const matchInfo = h('span', { id: 'match-info', class: 'match-info', 'aria-live': 'polite' });
const legend = h('div', { id: 'legend', class: 'legend', 'aria-label': 'Legend' });

app.replaceChildren(
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('div', { class: 'progress-bar' }), h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
  h(
    'div',
    { id: 'content', hidden: true },
    h('div', { id: 'overview' }),
    h(
      'div',
      { id: 'toolbar', class: 'toolbar sticky', role: 'toolbar', 'aria-label': 'Feature options' },
      h('div', { class: 'filter-box' }, h('span', { class: 'filter-glyph', 'aria-hidden': 'true' }), filterInput, matchInfo),
      h('label', { class: 'sort-label', for: 'sort' }, 'Sort by', sortSelect),
      anomaliesFirst.label,
      h('span', { class: 'toolbar-sep', 'aria-hidden': 'true' }),
      logScale.label,
      counts.label,
      h('span', { class: 'spacer' }),
      legend,
    ),
    h('div', { id: 'features', class: 'features', role: 'list' }),
    h('div', { id: 'no-match', class: 'no-match', hidden: true }),
  ),
);

const featuresEl = byId('features');

const observer = new IntersectionObserver(
  records => {
    for (const r of records) {
      const e = byCard.get(r.target);
      if (!e) continue;
      if (r.isIntersecting) {
        onScreen.add(e);
        draw(e);
      } else onScreen.delete(e);
    }
  },
  { rootMargin: '600px 0px' },
);

filterInput.addEventListener('input', () => {
  state.filter = filterInput.value;
  save();
  applyFilter();
});
filterInput.addEventListener('keydown', e => {
  if (e.key === 'Escape' && filterInput.value) {
    filterInput.value = '';
    filterInput.dispatchEvent(new Event('input'));
    e.preventDefault();
  }
});
sortSelect.addEventListener('change', () => {
  state.sort = sortSelect.value as SortKey;
  save();
  applySort();
});
anomaliesFirst.box.addEventListener('change', () => {
  state.anomaliesFirst = anomaliesFirst.box.checked;
  save();
  applySort();
});
logScale.box.addEventListener('change', () => {
  state.logScale = logScale.box.checked;
  optionsChanged();
});
counts.box.addEventListener('change', () => {
  state.counts = counts.box.checked;
  optionsChanged();
});

// Ctrl/Cmd+F jumps to the filter: the webview has no find widget of its own.
document.addEventListener('keydown', e => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && view) {
    filterInput.focus();
    filterInput.select();
    e.preventDefault();
  }
});

window.addEventListener('message', (e: MessageEvent<DriftReportToWebview>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'show':
      show(m.view);
      break;
    case 'busy':
      showBusy(m.message);
      break;
    case 'error':
      showError(m.message);
      break;
  }
});

showBusy('Loading statistics…');
post({ type: 'ready' });

// ---- states ---------------------------------------------------------------------------------

function show(next: DriftReportView): void {
  const first = view === undefined;
  const scrollY = first ? 0 : window.scrollY;
  view = next;
  const model = buildModel(next);
  const roles = roleNames(next);
  ctx = {
    width: 400,
    log: state.logScale,
    counts: state.counts,
    baselineName: roles.baseline,
    currentName: roles.current,
    series: next.baseline ? ['baseline', 'current'] : ['current'],
    reveal: feature => post({ type: 'reveal', feature }),
  };
  app.dataset.mode = next.mode;
  app.classList.toggle('single', !next.baseline);

  replaceChildren(byId('overview'), renderHeader(next, model, { openSchema: () => post({ type: 'openSchema' }), exportJson: () => post({ type: 'exportJson' }) }));
  replaceChildren(
    legend,
    ...ctx.series.map(sr =>
      h('span', { class: `legend-item series-${sr}`, title: sr === 'current' ? next.current.label : next.baseline?.label }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), sr === 'current' ? roles.current : roles.baseline),
    ),
  );
  const distanceOption = sortSelect.querySelector<HTMLOptionElement>('option[value="distance"]')!;
  distanceOption.disabled = !next.baseline;
  sortSelect.value = currentSort();

  observer.disconnect();
  onScreen.clear();
  byCard.clear();
  entries = model.features.map(f => {
    const card = createCard(f, ctx, openAnomalies.has(f.name), open => {
      if (open) openAnomalies.add(f.name);
      else openAnomalies.delete(f.name);
      save();
    });
    const e: Entry = { model: f, card, drawn: 0, lower: f.name.toLowerCase() };
    byCard.set(card, e);
    return e;
  });
  featuresEl.textContent = '';
  applySort();
  applyFilter();
  setPageState('ready');
  ctx.width = measureChartWidth();
  for (const e of entries) observer.observe(e.card);
  window.scrollTo(0, scrollY);
}

function showBusy(message: string): void {
  byId('busy-message').textContent = message;
  app.classList.toggle('has-view', view !== undefined);
  setPageState('busy');
}

function showError(message: string): void {
  replaceChildren(
    byId('error'),
    h('div', { class: 'error-title' }, h('span', { class: 'error-glyph', 'aria-hidden': 'true' }, '!'), 'The report could not be produced'),
    h('pre', { class: 'error-message' }, message),
  );
  setPageState('error');
}

/** One attribute drives which parts show; tests can wait on it too. */
function setPageState(s: 'busy' | 'error' | 'ready'): void {
  app.dataset.state = s;
  byId('busy').hidden = s !== 'busy';
  byId('error').hidden = s !== 'error';
  byId('content').hidden = s === 'error' || (s === 'busy' && !view);
}

// ---- cards ------------------------------------------------------------------------------------

function draw(e: Entry): void {
  if (e.drawn === version) return;
  renderBody(e.card, e.model, ctx);
  e.drawn = version;
}

/** Log scale or counts changed: redraw what is on screen now, the rest when it scrolls in. */
function optionsChanged(): void {
  save();
  version++;
  ctx = { ...ctx, log: state.logScale, counts: state.counts };
  for (const e of onScreen) draw(e);
}

/** All charts share one width: that of the chart column of the first visible card. */
function measureChartWidth(): number {
  const chart = entries.find(e => !e.card.hidden)?.card.querySelector<HTMLElement>('.feature-chart');
  return chart?.clientWidth || ctx.width;
}

let resizeTimer: ReturnType<typeof setTimeout> | undefined;
window.addEventListener('resize', () => {
  clearTimeout(resizeTimer);
  resizeTimer = setTimeout(() => {
    if (!view) return;
    const width = measureChartWidth();
    if (width === ctx.width) return;
    version++;
    ctx = { ...ctx, width };
    for (const e of onScreen) draw(e);
  }, 120);
});

function currentSort(): SortKey {
  const wanted = state.sort ?? (view?.baseline ? 'distance' : 'name');
  return wanted === 'distance' && !view?.baseline ? 'name' : wanted;
}

const byName = (a: Entry, b: Entry) => a.model.name.localeCompare(b.model.name, 'en', { numeric: true });

function applySort(): void {
  const key = currentSort();
  const compare: (a: Entry, b: Entry) => number =
    key === 'distance'
      ? (a, b) => (b.model.comparison?.value ?? -1) - (a.model.comparison?.value ?? -1) || byName(a, b)
      : key === 'missing'
        ? (a, b) => b.model.missingMax - a.model.missingMax || byName(a, b)
        : byName;
  const sorted = [...entries].sort((a, b) => (state.anomaliesFirst ? Number(Boolean(b.model.anomaly)) - Number(Boolean(a.model.anomaly)) : 0) || compare(a, b));
  const frag = document.createDocumentFragment();
  for (const e of sorted) frag.appendChild(e.card);
  featuresEl.appendChild(frag);
}

function applyFilter(): void {
  const q = state.filter.trim().toLowerCase();
  let visible = 0;
  for (const e of entries) {
    const show = q === '' || e.lower.includes(q);
    e.card.hidden = !show;
    if (show) visible++;
  }
  matchInfo.textContent = q ? (visible ? `${formatCount(visible)} of ${formatCount(entries.length)}` : 'No matches') : '';
  const empty = byId('no-match');
  empty.hidden = visible > 0;
  if (empty.hidden) return;
  if (q) {
    const clear = h('button', { type: 'button', class: 'link-button' }, 'Clear filter');
    clear.addEventListener('click', () => {
      filterInput.value = '';
      filterInput.dispatchEvent(new Event('input'));
      filterInput.focus();
    });
    replaceChildren(empty, `No features match “${state.filter.trim()}”. `, clear);
  } else {
    replaceChildren(empty, 'The statistics list no features.');
  }
}

// ---- messages and state ---------------------------------------------------------------------

function post(message: DriftReportFromWebview): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({ ...state, openAnomalies: [...openAnomalies] });
}

/** Accepts whatever an older version saved, filling in defaults. */
function loadState(saved: unknown): SavedState {
  const s = (saved && typeof saved === 'object' ? saved : {}) as Partial<SavedState>;
  return {
    filter: typeof s.filter === 'string' ? s.filter : '',
    sort: s.sort === 'distance' || s.sort === 'name' || s.sort === 'missing' ? s.sort : undefined,
    anomaliesFirst: typeof s.anomaliesFirst === 'boolean' ? s.anomaliesFirst : true,
    logScale: s.logScale === true,
    counts: s.counts === true,
    openAnomalies: Array.isArray(s.openAnomalies) ? s.openAnomalies.filter(p => typeof p === 'string') : [],
  };
}

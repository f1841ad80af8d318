// Runs webview: one run's metric charts, parameters and tags; or several runs compared, their
// metrics overlaid on the same charts and their parameters side by side with the differences
// marked (shared/webviewProtocol.ts). Runs in the browser; no Node APIs.
import type { TrackingRun } from '../../shared/protocol';
import type { RunsFromWebview, RunsToWebview, RunsView } from '../../shared/webviewProtocol';
import { byId, h, replaceChildren, type Child } from '../common/dom';
import { createChart, readTheme, type ChartHandle, type Theme, type XAxis } from './charts';
import { formatDuration, formatTime, formatValue, plural } from './format';

interface SavedState {
  xAxis: XAxis;
  log: boolean;
  onlyDifferences: boolean;
}

interface VsCodeApi {
  postMessage(message: RunsFromWebview): void;
  getState(): unknown;
  setState(state: SavedState): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state: SavedState = { xAxis: 'step', log: false, onlyDifferences: false, ...(vscode.getState() as Partial<SavedState> | undefined) };
const save = () => vscode.setState(state);
const post = (m: RunsFromWebview) => vscode.postMessage(m);

const CHART_HEIGHT = 200;
let view: RunsView | undefined;
let theme: Theme | undefined;
const charts: { handle: ChartHandle; card: HTMLElement; host: HTMLElement }[] = [];

// ---- page skeleton ----------------------------------------------------------------------------

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.replaceChildren(
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('div', { class: 'progress-bar' }), h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
  h('div', { id: 'content', hidden: true }),
);

window.addEventListener('message', (e: MessageEvent<RunsToWebview>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'show') show(m.view);
  else if (m.type === 'busy') showBusy(m.message);
  else if (m.type === 'error') showError(m.message);
});

// The theme's colours are read from CSS variables: redraw the charts when the theme changes.
new MutationObserver(() => {
  if (!view) return;
  theme = readTheme();
  renderCharts();
}).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// Charts follow their card's width.
const resizer = new ResizeObserver(entries => {
  for (const e of entries) {
    const c = charts.find(x => x.host === e.target);
    const width = Math.floor(e.contentRect.width);
    if (c && width > 0 && Math.abs(width - c.handle.plot.width) > 1) c.handle.plot.setSize({ width, height: CHART_HEIGHT });
  }
});

showBusy('Loading runs…');
post({ type: 'ready' });

// ---- states -----------------------------------------------------------------------------------

function showBusy(message: string): void {
  byId('busy-message').textContent = message;
  byId('busy').hidden = false;
}

function showError(message: string): void {
  byId('busy').hidden = true;
  const panel = byId('error');
  replaceChildren(panel, h('strong', {}, 'Could not load the runs'), h('div', { class: 'error-message' }, message),
    h('button', { class: 'button secondary', type: 'button', id: 'error-retry' }, 'Try Again'));
  byId('error-retry').addEventListener('click', () => post({ type: 'refresh' }));
  panel.hidden = false;
}

function show(next: RunsView): void {
  const scrollY = view ? window.scrollY : 0;
  view = next;
  theme ??= readTheme();
  byId('busy').hidden = true;
  byId('error').hidden = true;
  const content = byId('content');
  const compare = next.comparison.runs.length > 1;
  app.classList.toggle('compare', compare);
  app.classList.add('has-view');
  replaceChildren(content,
    compare ? compareHeader(next) : runHeader(next),
    metricsSection(next),
    paramsSection(next),
    tagsSection(next),
  );
  content.hidden = false;
  renderCharts();
  if (next.focus) {
    const card = content.querySelector<HTMLElement>(`.metric-card[data-metric="${CSS.escape(next.focus)}"]`);
    if (card) {
      card.classList.add('focused');
      card.scrollIntoView({ block: 'center' });
    }
  } else window.scrollTo(0, scrollY);
}

// ---- header -------------------------------------------------------------------------------------

function statusBadge(status: string): HTMLElement {
  return h('span', { class: `status status-${status.toLowerCase()}`, title: `Status: ${status}` }, status.charAt(0) + status.slice(1).toLowerCase());
}

function duration(r: TrackingRun): string {
  if (r.info.endTime) return formatDuration(r.info.endTime - r.info.startTime);
  return r.info.status === 'RUNNING' ? `running for ${formatDuration(Date.now() - r.info.startTime)}` : '—';
}

function copyButton(text: string, label: string): HTMLElement {
  const b = h('button', { class: 'link-button copy', type: 'button', title: `Copy ${label}` }, 'Copy');
  b.addEventListener('click', () => post({ type: 'copy', text }));
  return b;
}

function refreshButton(): HTMLElement {
  const b = h('button', { class: 'button secondary', type: 'button', id: 'refresh', title: 'Read the runs again' }, 'Refresh');
  b.addEventListener('click', () => post({ type: 'refresh' }));
  return b;
}

function field(label: string, ...value: Child[]): HTMLElement {
  return h('div', { class: 'field' }, h('span', { class: 'field-label' }, label), h('span', { class: 'field-value' }, ...value));
}

function runHeader(v: RunsView): HTMLElement {
  const r = v.comparison.runs[0];
  const experiment = v.comparison.experimentNames[r.info.experimentId] ?? r.info.experimentId;
  return h('header', { class: 'header' },
    h('div', { class: 'title-row' },
      h('h1', { class: 'title' }, r.info.runName || r.info.runId),
      statusBadge(r.info.status),
      h('span', { class: 'spacer' }),
      refreshButton()),
    h('div', { class: 'fields' },
      field('Experiment', experiment),
      field('Run ID', h('code', {}, r.info.runId), copyButton(r.info.runId, 'run ID')),
      field('Started', formatTime(r.info.startTime)),
      field('Duration', duration(r)),
      r.info.userId ? field('User', r.info.userId) : null,
      field('Store', h('span', { class: 'store', title: v.store }, v.store))));
}

function compareHeader(v: RunsView): HTMLElement {
  const runs = v.comparison.runs;
  return h('header', { class: 'header' },
    h('div', { class: 'title-row' },
      h('h1', { class: 'title' }, `Comparing ${plural(runs.length, 'run')}`),
      h('span', { class: 'spacer' }),
      refreshButton()),
    h('table', { class: 'run-list' },
      h('thead', {}, h('tr', {}, h('th', {}, 'Run'), h('th', {}, 'Status'), h('th', {}, 'Experiment'), h('th', {}, 'Started'), h('th', {}, 'Duration'), h('th', {}, 'Run ID'))),
      h('tbody', {}, ...runs.map((r, i) => h('tr', {},
        h('td', {}, h('span', { class: 'run-name' }, swatch(i), r.info.runName || r.info.runId)),
        h('td', {}, statusBadge(r.info.status)),
        h('td', {}, v.comparison.experimentNames[r.info.experimentId] ?? r.info.experimentId),
        h('td', {}, formatTime(r.info.startTime)),
        h('td', {}, duration(r)),
        h('td', {}, h('code', { class: 'run-id', title: r.info.runId }, r.info.runId.slice(0, 8)), ' ', copyButton(r.info.runId, 'run ID')))))));
}

function swatch(i: number): HTMLElement {
  const el = h('span', { class: 'swatch', 'aria-hidden': 'true' });
  if (theme) el.style.background = theme.colours[i % theme.colours.length];
  return el;
}

// ---- metrics ----------------------------------------------------------------------------------

function segmented(options: [XAxis, string][], current: XAxis, onPick: (x: XAxis) => void): HTMLElement {
  const group = h('div', { class: 'segmented', role: 'radiogroup', 'aria-label': 'X axis' });
  for (const [value, label] of options) {
    const b = h('button', { type: 'button', class: 'segment', role: 'radio', 'aria-checked': String(value === current), 'data-value': value }, label);
    b.addEventListener('click', () => onPick(value));
    group.appendChild(b);
  }
  return group;
}

function metricsSection(v: RunsView): HTMLElement {
  const metrics = v.comparison.metrics;
  const logBox = h('input', { type: 'checkbox', class: 'checkbox', id: 'log-scale' });
  logBox.checked = state.log;
  logBox.addEventListener('change', () => {
    state.log = logBox.checked;
    save();
    renderCharts();
  });
  const axis = segmented([['step', 'Step'], ['time', 'Time']], state.xAxis, x => {
    state.xAxis = x;
    save();
    for (const b of document.querySelectorAll<HTMLElement>('.segment')) b.setAttribute('aria-checked', String(b.dataset.value === x));
    renderCharts();
  });
  axis.title = 'X axis: the step logged, or the seconds since the run started';
  return h('section', { class: 'section', 'aria-labelledby': 'metrics-heading' },
    h('div', { class: 'section-head' },
      h('h2', { id: 'metrics-heading' }, 'Metrics', h('span', { class: 'count' }, String(metrics.length))),
      metrics.length ? h('div', { class: 'toolbar' }, h('span', { class: 'muted' }, 'X axis'), axis,
        h('label', { class: 'check', for: 'log-scale', title: 'Logarithmic y axis (charts with values ≤ 0 stay linear)' }, logBox, 'Log scale')) : null),
    metrics.length
      ? h('div', { class: 'metric-grid', id: 'metric-grid' }, ...metrics.map(m => metricCard(v, m.key)))
      : h('p', { class: 'empty muted' }, 'No metrics logged yet.'));
}

function metricCard(v: RunsView, key: string): HTMLElement {
  const runs = v.comparison.runs;
  let detail: Child = null;
  if (runs.length === 1) {
    const latest = runs[0].metrics[key];
    detail = latest ? h('span', { class: 'metric-latest', title: 'The value at the largest step, as MLflow shows it' }, formatValue(latest.value), h('span', { class: 'muted' }, ` at step ${latest.step}`)) : null;
  } else {
    const logged = v.comparison.metrics.find(m => m.key === key)!.series.filter(Boolean).length;
    if (logged < runs.length) detail = h('span', { class: 'muted' }, `logged by ${logged} of ${runs.length} runs`);
  }
  return h('article', { class: 'metric-card', 'data-metric': key, 'aria-label': `Metric ${key}` },
    h('div', { class: 'metric-head' }, h('h3', { class: 'metric-key', title: key }, key), detail),
    h('div', { class: 'chart-host' }),
    h('div', { class: 'chart-note muted', hidden: true }));
}

function renderCharts(): void {
  if (!view || !theme) return;
  for (const c of charts.splice(0)) {
    resizer.unobserve(c.host);
    c.handle.plot.destroy();
  }
  const runs = view.comparison.runs;
  for (const m of view.comparison.metrics) {
    const card = document.querySelector<HTMLElement>(`.metric-card[data-metric="${CSS.escape(m.key)}"]`);
    const host = card?.querySelector<HTMLElement>('.chart-host');
    if (!card || !host) continue;
    host.textContent = '';
    const handle = createChart(host, runs.map((r, i) => ({ name: r.info.runName || r.info.runId, startTime: r.info.startTime, series: m.series[i] })), {
      xAxis: state.xAxis, log: state.log, width: Math.max(200, Math.floor(host.clientWidth) || 360), height: CHART_HEIGHT, theme,
    });
    card.dataset.points = String(handle.points);
    card.dataset.series = String(runs.length);
    const note = card.querySelector<HTMLElement>('.chart-note')!;
    note.hidden = !handle.logRefused;
    note.textContent = handle.logRefused ? 'Linear scale: some values are 0 or negative.' : '';
    charts.push({ handle, card, host });
    resizer.observe(host);
  }
}

// ---- params and tags -------------------------------------------------------------------------

interface Row {
  key: string;
  values: (string | null)[];
  differs: boolean;
}

function valueCell(v: string | null): HTMLElement {
  if (v === null) return h('td', { class: 'value missing', title: 'Not set in this run' }, '—');
  return h('td', { class: 'value', title: v.length > 80 ? v : undefined }, v);
}

/** A key/value table: one value column per run; with several runs, differing rows are marked. */
function kvTable(id: string, rows: Row[], runs: TrackingRun[], onlyDifferences: boolean): HTMLElement {
  const compare = runs.length > 1;
  const shown = compare && onlyDifferences ? rows.filter(r => r.differs) : rows;
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Name'), ...runs.map((r, i) => h('th', { scope: 'col' }, compare ? h('span', { class: 'run-name' }, swatch(i), r.info.runName || r.info.runId) : 'Value')));
  const body = shown.map(r => h('tr', { class: compare && r.differs ? 'differs' : undefined, 'data-key': r.key },
    h('th', { scope: 'row', class: 'key' }, compare && r.differs ? h('span', { class: 'diff-mark', title: 'Differs between the runs' }, '≠') : null, r.key),
    ...r.values.map(valueCell)));
  return h('table', { class: `kv${compare ? ' compare' : ''}`, id },
    h('thead', {}, head),
    h('tbody', {}, ...body, shown.length === 0 ? h('tr', {}, h('td', { class: 'muted empty-row', colspan: runs.length + 1 }, compare ? 'No differences.' : 'None.')) : null));
}

function paramsSection(v: RunsView): HTMLElement {
  const { runs, params } = v.comparison;
  const compare = runs.length > 1;
  const differing = params.filter(p => p.differs).length;
  const section = h('section', { class: 'section', 'aria-labelledby': 'params-heading' });
  const render = () => replaceChildren(section,
    h('div', { class: 'section-head' },
      h('h2', { id: 'params-heading' }, 'Parameters', h('span', { class: 'count' }, String(params.length))),
      compare ? h('div', { class: 'toolbar' }, h('span', { class: 'muted diff-count' }, `${plural(differing, 'difference')}`), onlyDifferencesBox(render)) : null),
    params.length ? kvTable('params-table', params, runs, state.onlyDifferences) : h('p', { class: 'empty muted' }, 'No parameters logged.'));
  render();
  return section;
}

function onlyDifferencesBox(rerender: () => void): HTMLElement {
  const box = h('input', { type: 'checkbox', class: 'checkbox', id: 'only-differences' });
  box.checked = state.onlyDifferences;
  box.addEventListener('change', () => {
    state.onlyDifferences = box.checked;
    save();
    rerender();
  });
  return h('label', { class: 'check', for: 'only-differences' }, box, 'Only differences');
}

function tagsSection(v: RunsView): HTMLElement {
  const runs = v.comparison.runs;
  // MLflow's system tags (mlflow.*) after the user's own.
  const keys = [...new Set(runs.flatMap(r => Object.keys(r.tags)))]
    .sort((a, b) => Number(a.startsWith('mlflow.')) - Number(b.startsWith('mlflow.')) || (a < b ? -1 : 1));
  const rows: Row[] = keys.map(key => {
    const values = runs.map(r => r.tags[key] ?? null);
    return { key, values, differs: values.some(x => x !== values[0]) };
  });
  const details = h('details', { class: 'section tags' },
    h('summary', {}, h('h2', { id: 'tags-heading' }, 'Tags', h('span', { class: 'count' }, String(rows.length)))),
    rows.length ? kvTable('tags-table', rows, runs, false) : h('p', { class: 'empty muted' }, 'No tags.'));
  return details;
}

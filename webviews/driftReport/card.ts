// One card per feature: name, type and distance on the left (built at once), the statistics
// table and the chart (built lazily, when the card nears the viewport).

import type { AnomalyInfo } from '../../server/datavalidation/anomalies';
import { distanceGauge, histogram, topValues, type ChartOptions, type Series } from './charts';
import { h, replaceChildren } from '../common/dom';
import { formatCount, formatNumber, formatShare } from './format';
import type { FeatureModel, SideStats } from './model';

export interface CardContext extends ChartOptions {
  /** Datasets in column order (baseline first when there is one). */
  series: Series[];
  reveal(feature: string): void;
}

/** The card's frame and left column; `renderBody` fills in the rest. */
export function createCard(f: FeatureModel, ctx: CardContext, anomalyOpen: boolean, onAnomalyToggle: (open: boolean) => void): HTMLElement {
  const severity = f.anomaly ? (f.anomaly.severity === 'WARNING' ? 'warning' : f.anomaly.severity === 'UNKNOWN' ? 'info' : 'error') : undefined;
  const name = h('button', { type: 'button', class: 'feature-name link-button', title: `${f.name}\nClick to show this column in its source` }, f.name);
  name.addEventListener('click', () => ctx.reveal(f.name));
  const typeChanged = f.current?.type && f.baseline?.type && f.current.type !== f.baseline.type;
  const badge = h(
    'span',
    { class: 'type-badge', 'data-type': f.type ?? 'UNKNOWN', title: typeChanged ? `Type changed: ${f.baseline!.type} in ${ctx.baselineName}, ${f.current!.type} in ${ctx.currentName}` : `${typeTitle(f.type)} feature` },
    typeChanged ? `${f.baseline!.type} → ${f.current!.type}` : f.type ?? '?',
  );
  const presence =
    ctx.series.length > 1 && (!f.current || !f.baseline)
      ? h('div', { class: 'presence' }, f.current ? `New: not in ${ctx.baselineName}` : `Dropped: not in ${ctx.currentName}`)
      : null;
  const info = h(
    'div',
    { class: 'feature-info' },
    h('div', { class: 'feature-title' }, badge, name),
    f.comparison && distanceGauge(f.comparison),
    presence,
    f.anomaly && anomalyBlock(f.anomaly, anomalyOpen, onAnomalyToggle),
  );
  const card = h(
    'article',
    {
      class: 'feature',
      'data-feature': f.name,
      'data-anomalous': String(Boolean(f.anomaly)),
      'data-distance': f.comparison ? String(f.comparison.value) : '',
      'data-drifted': String(f.drifted),
      'data-severity': severity,
      'data-kind': f.numeric ? 'numeric' : 'categorical',
      'aria-label': f.name,
    },
    info,
    h('div', { class: 'feature-stats' }),
    h('div', { class: 'feature-chart' }),
  );
  return card;
}

/** Fills the statistics table and the chart (again, after the options change). */
export function renderBody(card: HTMLElement, f: FeatureModel, ctx: CardContext): void {
  replaceChildren(card.querySelector('.feature-stats')!, statsTable(f, ctx));
  replaceChildren(card.querySelector('.feature-chart')!, f.numeric ? histogram(f, ctx) : topValues(f, ctx));
}

function typeTitle(t: string | undefined): string {
  return t === 'INT' ? 'Integer' : t === 'FLOAT' ? 'Floating-point' : t === 'STRING' ? 'String' : t === 'BYTES' ? 'Bytes' : t === 'STRUCT' ? 'Struct' : 'Untyped';
}

function anomalyBlock(a: AnomalyInfo, open: boolean, onToggle: (open: boolean) => void): HTMLElement {
  const reasons = a.reason ?? [];
  const body =
    reasons.length > 1
      ? h('ul', { class: 'anomaly-reasons' }, ...reasons.map(r => h('li', {}, h('strong', {}, r.shortDescription), ': ', r.description)))
      : h('p', { class: 'anomaly-description' }, a.description || reasons[0]?.description || '');
  const details = h(
    'details',
    { class: 'anomaly', open, 'data-severity': a.severity },
    h('summary', { title: a.description }, h('span', { class: 'anomaly-glyph', 'aria-hidden': 'true' }, a.severity === 'WARNING' ? '⚠' : '!'), h('span', { class: 'anomaly-short' }, a.shortDescription || 'Anomaly')),
    body,
  );
  details.addEventListener('toggle', () => onToggle(details.open));
  return details;
}

// ---- statistics table ----------------------------------------------------------------------

type Row = [label: string, value: (s: SideStats) => string, title?: string];

const pctOf = (n: number, s: SideStats) => formatShare(s.present + s.missing > 0 ? n / (s.present + s.missing) : 0);

const NUMERIC_ROWS: Row[] = [
  ['count', s => formatCount(s.present), 'Examples with a value'],
  ['missing', s => pctOf(s.missing, s), 'Examples without a value'],
  ['mean', s => formatNumber(s.numeric?.mean)],
  ['std dev', s => formatNumber(s.numeric?.std)],
  ['zeros', s => (s.numeric ? formatShare(s.numeric.zeros / Math.max(1, s.present)) : '–'), 'Share of values equal to 0'],
  ['min', s => formatNumber(s.numeric?.min)],
  ['median', s => formatNumber(s.numeric?.median)],
  ['max', s => formatNumber(s.numeric?.max)],
];

const CATEGORICAL_ROWS: Row[] = [
  ['count', s => formatCount(s.present), 'Examples with a value'],
  ['missing', s => pctOf(s.missing, s), 'Examples without a value'],
  ['unique', s => (s.categorical?.unique !== undefined ? formatCount(s.categorical.unique) : '–'), 'Distinct values'],
  ['avg length', s => (s.categorical?.avgLength !== undefined ? formatNumber(s.categorical.avgLength) : '–'), 'Average length in bytes'],
  ['top', s => s.categorical?.top[0]?.value ?? '–', 'Most frequent value'],
];

function statsTable(f: FeatureModel, ctx: CardContext): HTMLElement {
  const rows = f.numeric ? NUMERIC_ROWS : CATEGORICAL_ROWS;
  const sides = ctx.series.map(name => ({ name, stats: name === 'current' ? f.current : f.baseline }));
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }),
    ...sides.map(x => h('th', { scope: 'col', class: `series-${x.name}` }, h('span', { class: 'swatch', 'aria-hidden': 'true' }), x.name === 'current' ? ctx.currentName : ctx.baselineName)),
  );
  const body = rows.map(([label, value, title]) =>
    h(
      'tr',
      { 'data-stat': label },
      h('th', { scope: 'row', title }, label),
      ...sides.map(x => {
        const text = x.stats ? value(x.stats) : label === 'count' ? 'absent' : '';
        return h('td', { class: label === 'top' ? 'text' : undefined, title: label === 'top' && text.length > 12 ? text : undefined }, text);
      }),
    ),
  );
  const missingHigh = sides.some(x => x.stats && x.stats.missingShare >= 0.05);
  const table = h('table', { class: `stats${sides.length > 1 ? ' two' : ''}` }, h('thead', {}, head), h('tbody', {}, ...body));
  if (missingHigh) table.querySelector('tr[data-stat="missing"]')?.classList.add('notable');
  return table;
}

// The charts of a feature card: a histogram (inline SVG) for numeric features, horizontal bars of
// the top values for categorical ones, and the small distance gauge. Colours come from CSS
// classes (.series-current, .series-baseline), so they follow the theme.

import type { DriftReportComparison } from '../../shared/webviewProtocol';
import { h, s } from '../common/dom';
import { formatCount, formatDistance, formatShare, formatTick } from './format';
import type { Bucket, CategoricalSide, FeatureModel, NumericSide } from './model';

export interface ChartOptions {
  log: boolean;
  counts: boolean;
  /** Width of the chart column in pixels; histograms are drawn to it. */
  width: number;
  /** Role names for tooltips, e.g. "previous" and "current". */
  baselineName: string;
  currentName: string;
}

export type Series = 'baseline' | 'current';

// ---- numeric: histogram ---------------------------------------------------------------------

export const HIST_HEIGHT = 132;
const M = { left: 44, right: 10, top: 10, bottom: 20 };

interface Binned {
  edges: number[];
  /** Per series, a count per bin. */
  series: { name: Series; counts: number[]; total: number }[];
}

/**
 * Both datasets on one set of bins: their own STANDARD buckets when the boundaries agree, else
 * an equal-width grid over the union of their ranges, each bucket's count shared out in
 * proportion to its overlap (as TFDV rebuckets for the JS divergence).
 */
export function commonBins(sides: { name: Series; side: NumericSide }[]): Binned | undefined {
  const withBuckets = sides.filter(x => x.side.buckets.length > 0);
  if (withBuckets.length === 0) return undefined;
  const first = withBuckets[0].side.buckets;
  const same = withBuckets.every(x => x.side.buckets.length === first.length && x.side.buckets.every((b, i) => b.low === first[i].low && b.high === first[i].high));
  if (same && first.every(b => b.high > b.low)) {
    return {
      edges: [...first.map(b => b.low), first[first.length - 1].high],
      series: withBuckets.map(x => ({ name: x.name, counts: x.side.buckets.map(b => b.count), total: sum(x.side.buckets) })),
    };
  }
  let lo = Infinity;
  let hi = -Infinity;
  for (const x of withBuckets) for (const b of x.side.buckets) (lo = Math.min(lo, b.low)), (hi = Math.max(hi, b.high));
  if (hi <= lo) {
    const pad = Math.abs(lo) * 0.05 || 0.5;
    lo -= pad;
    hi += pad;
  }
  const n = Math.min(30, Math.max(10, ...withBuckets.map(x => x.side.buckets.length)));
  const width = (hi - lo) / n;
  const edges = Array.from({ length: n + 1 }, (_, i) => (i === n ? hi : lo + i * width));
  return { edges, series: withBuckets.map(x => ({ name: x.name, counts: rebin(x.side.buckets, lo, width, n), total: sum(x.side.buckets) })) };
}

function rebin(buckets: Bucket[], lo: number, width: number, n: number): number[] {
  const out = new Array<number>(n).fill(0);
  const bin = (v: number) => Math.min(n - 1, Math.max(0, Math.floor((v - lo) / width)));
  for (const b of buckets) {
    if (b.count <= 0) continue;
    if (b.high <= b.low) {
      out[bin(b.low)] += b.count;
      continue;
    }
    for (let i = bin(b.low); i <= bin(b.high) && i < n; i++) {
      const overlap = Math.min(b.high, lo + (i + 1) * width) - Math.max(b.low, lo + i * width);
      if (overlap > 0) out[i] += (overlap / (b.high - b.low)) * b.count;
    }
  }
  return out;
}

const sum = (buckets: Bucket[]) => buckets.reduce((t, b) => t + b.count, 0);

/** Maps a value (a count, or a share 0..1) to bar length units; log is a log1p scale. */
function scaler(opts: ChartOptions): (v: number) => number {
  if (!opts.log) return v => v;
  return opts.counts ? v => Math.log10(1 + v) : v => Math.log10(1 + v * 10_000);
}

export function histogram(f: FeatureModel, opts: ChartOptions): Element {
  const sides: { name: Series; side: NumericSide }[] = [];
  if (f.baseline?.numeric) sides.push({ name: 'baseline', side: f.baseline.numeric });
  if (f.current?.numeric) sides.push({ name: 'current', side: f.current.numeric });
  const bins = commonBins(sides);
  if (!bins) return h('div', { class: 'chart-empty' }, 'No values to chart');

  const { edges, series } = bins;
  const n = edges.length - 1;
  const value = (c: number, total: number) => (opts.counts ? c : total > 0 ? c / total : 0);
  const t = scaler(opts);
  let max = 0;
  for (const sr of series) for (const c of sr.counts) max = Math.max(max, value(c, sr.total));
  const tmax = t(max) || 1;

  const W = Math.max(240, Math.round(opts.width));
  const pw = W - M.left - M.right;
  const ph = HIST_HEIGHT - M.top - M.bottom;
  const x0 = M.left;
  const y0 = M.top + ph;
  const bw = pw / n;
  const svg = s('svg', { class: 'histogram', width: W, height: HIST_HEIGHT, viewBox: `0 0 ${W} ${HIST_HEIGHT}`, role: 'img', 'aria-label': `Histogram of ${f.name}` });

  // Grid: the top line carries the largest value, the middle one half of it (on the scale shown).
  const fmt = (v: number) => (opts.counts ? formatTick(v) : formatShare(v, v >= 0.1 ? 0 : 1));
  const inv = (u: number) => (!opts.log ? u : opts.counts ? 10 ** u - 1 : (10 ** u - 1) / 10_000);
  for (const frac of [1, 0.5]) {
    const y = y0 - frac * ph;
    svg.append(
      s('line', { class: 'grid', x1: x0, x2: x0 + pw, y1: y, y2: y }),
      s('text', { class: 'tick y', x: x0 - 6, y: y + 3.5, 'text-anchor': 'end' }, fmt(inv(frac * tmax))),
    );
  }
  svg.append(s('text', { class: 'tick y', x: x0 - 6, y: y0 + 3.5, 'text-anchor': 'end' }, '0'));

  const gap = n > 20 ? 0.5 : 1;
  const inner = Math.max(1, bw - 2 * gap);
  const barW = inner / series.length;
  series.forEach((sr, k) => {
    const g = s('g', { class: `bars series-${sr.name}` });
    sr.counts.forEach((c, i) => {
      const v = value(c, sr.total);
      if (v <= 0) return;
      const hgt = Math.max(1, (t(v) / tmax) * ph);
      g.append(s('rect', { x: (x0 + i * bw + gap + k * barW).toFixed(2), y: (y0 - hgt).toFixed(2), width: Math.max(0.5, barW - (series.length > 1 ? 0.5 : 0)).toFixed(2), height: hgt.toFixed(2) }));
    });
    svg.append(g);
  });
  svg.append(s('line', { class: 'axis', x1: x0, x2: x0 + pw, y1: y0 + 0.5, y2: y0 + 0.5 }));

  // x labels at the ends and the middle edge.
  const ticks = n >= 4 ? [0, Math.round(n / 2), n] : Array.from({ length: n + 1 }, (_, i) => i);
  for (const i of ticks) {
    const anchor = i === 0 ? 'start' : i === n ? 'end' : 'middle';
    svg.append(s('line', { class: 'axis', x1: x0 + i * bw, x2: x0 + i * bw, y1: y0, y2: y0 + 3 }));
    svg.append(s('text', { class: 'tick x', x: x0 + i * bw, y: y0 + 14, 'text-anchor': anchor }, formatTick(edges[i])));
  }

  // One transparent target per bin, with the exact numbers as its tooltip.
  const hits = s('g', { class: 'hits' });
  for (let i = 0; i < n; i++) {
    const lines = series.map(sr => `${sr.name === 'current' ? opts.currentName : opts.baselineName}: ${formatShare(sr.total > 0 ? sr.counts[i] / sr.total : 0)} (${formatCount(Math.round(sr.counts[i]))})`);
    hits.append(s('rect', { x: x0 + i * bw, y: M.top, width: bw, height: ph }, s('title', {}, `[${formatTick(edges[i])}, ${formatTick(edges[i + 1])}${i === n - 1 ? ']' : ')'}\n${lines.join('\n')}`)));
  }
  svg.append(hits);
  if (opts.log) svg.append(s('text', { class: 'tick scale', x: x0 + pw, y: M.top - 2, 'text-anchor': 'end' }, 'log scale'));
  return svg;
}

// ---- categorical: top values ------------------------------------------------------------------

export const TOP_ROWS = 5;

interface TopRow {
  value: string;
  baseline?: number;
  current?: number;
}

export function topValues(f: FeatureModel, opts: ChartOptions): Element {
  const cur = f.current?.categorical;
  const base = f.baseline?.categorical;
  if (!cur?.top.length && !base?.top.length) return h('div', { class: 'chart-empty' }, f.type === 'BYTES' ? 'Byte values are not charted' : 'No values to chart');

  // Free text and identifiers: nearly every value is unique, so bars of top values say nothing.
  const mostlyUnique = (c: CategoricalSide | undefined) => !c || (c.unique !== undefined && c.unique >= 0.5 * c.totalValues && (c.top[0]?.count ?? 0) < 0.01 * c.totalValues);
  if (mostlyUnique(cur) && mostlyUnique(base)) {
    const unique = Math.max(cur?.unique ?? 0, base?.unique ?? 0);
    return h(
      'div',
      { class: 'chart-empty chart-note' },
      h('span', {}, h('strong', {}, 'Mostly unique values'), ` — ${formatCount(unique)} distinct`),
      h('span', { class: 'muted' }, 'Free text or identifiers: top values are not charted'),
    );
  }

  const rows = new Map<string, TopRow>();
  const add = (side: CategoricalSide | undefined, key: Series) => {
    for (const v of side?.top ?? []) {
      const row = rows.get(v.value) ?? { value: v.value };
      row[key] = v.count;
      rows.set(v.value, row);
    }
  };
  add(base, 'baseline');
  add(cur, 'current');
  const share = (c: number | undefined, side: CategoricalSide | undefined) => (c !== undefined && side && side.totalValues > 0 ? c / side.totalValues : 0);
  const rank = (r: TopRow) => Math.max(share(r.current, cur), share(r.baseline, base));
  const shown = [...rows.values()].sort((a, b) => rank(b) - rank(a) || a.value.localeCompare(b.value)).slice(0, TOP_ROWS);

  const value = (c: number | undefined, side: CategoricalSide | undefined) => (opts.counts ? c ?? 0 : share(c, side));
  const t = scaler(opts);
  let max = 0;
  for (const r of shown) max = Math.max(max, value(r.baseline, base), value(r.current, cur));
  const tmax = t(max) || 1;

  const series: { name: Series; side: CategoricalSide }[] = [];
  if (base) series.push({ name: 'baseline', side: base });
  if (cur) series.push({ name: 'current', side: cur });

  const list = h('div', { class: `top-values${series.length > 1 ? ' two' : ''}`, role: 'table', 'aria-label': `Top values of ${f.name}` });
  for (const r of shown) {
    const bars = h('div', { class: 'top-bars' });
    const nums = h('div', { class: 'top-nums' });
    const tips: string[] = [];
    for (const sr of series) {
      const c = r[sr.name];
      const v = value(c, sr.side);
      const bar = h('span', { class: `bar series-${sr.name}` });
      bar.style.width = c === undefined ? '0' : `${Math.max(0.5, (t(v) / tmax) * 100).toFixed(2)}%`;
      bars.append(h('span', { class: 'track' }, bar));
      const text = c === undefined ? '—' : opts.counts ? formatCount(c) : formatShare(share(c, sr.side));
      nums.append(h('span', { class: `num series-${sr.name}` }, text));
      const who = sr.name === 'current' ? opts.currentName : opts.baselineName;
      tips.push(c === undefined ? `${who}: not among its top values` : `${who}: ${formatShare(share(c, sr.side), 2)} (${formatCount(c)})`);
    }
    const label = r.value === '' ? '(empty)' : r.value;
    list.append(h('div', { class: 'top-row', role: 'row', title: `${label}\n${tips.join('\n')}` }, h('span', { class: `top-label${r.value === '' ? ' muted' : ''}`, role: 'cell' }, label), bars, nums));
  }
  const unique = Math.max(cur?.unique ?? 0, base?.unique ?? 0);
  const footer = h(
    'div',
    { class: 'top-footer muted' },
    `Top ${Math.min(TOP_ROWS, rows.size)} of ${unique > 0 ? formatCount(unique) : rows.size} values${opts.log ? ' · log scale' : ''}`,
  );
  return h('div', { class: 'top-chart' }, list, footer);
}

// ---- distance gauge ---------------------------------------------------------------------------

export const DISTANCE_NAMES: Record<DriftReportComparison['kind'], { short: string; long: string }> = {
  L_INFTY: { short: 'L∞', long: 'L-infinity distance of the value distributions' },
  JENSEN_SHANNON_DIVERGENCE: { short: 'JSD', long: 'Approximate Jensen-Shannon divergence of the histograms' },
};

/** "L∞ 0.231 > 0.100" with a bar: the fill is the distance, the tick the threshold. */
export function distanceGauge(c: DriftReportComparison): HTMLElement {
  const name = DISTANCE_NAMES[c.kind] ?? { short: c.kind, long: c.kind };
  if (c.configured === false) {
    return h('div', { class: 'distance', 'data-above': 'false', title: `${name.long}: ${c.value}\nThe schema sets no comparator for this feature` },
      h('span', { class: 'distance-text' }, h('span', { class: 'distance-kind' }, name.short), ' ', h('strong', {}, formatDistance(c.value)), h('span', { class: 'distance-op' }, ' · no threshold')));
  }
  const above = c.value > c.threshold;
  const scale = Math.min(1, Math.max(c.threshold * 2.5, c.value * 1.15, 1e-9));
  const fill = h('span', { class: 'gauge-fill' });
  fill.style.width = `${Math.min(100, (c.value / scale) * 100).toFixed(1)}%`;
  const mark = h('span', { class: 'gauge-mark' });
  mark.style.left = `${Math.min(100, (c.threshold / scale) * 100).toFixed(1)}%`;
  return h(
    'div',
    { class: 'distance', 'data-above': String(above), title: `${name.long}: ${c.value}\nThreshold: ${c.threshold}${above ? '\nAbove the threshold' : ''}` },
    h('span', { class: 'distance-text' }, h('span', { class: 'distance-kind' }, name.short), ' ', h('strong', {}, formatDistance(c.value)), h('span', { class: 'distance-op' }, above ? ' > ' : ' ≤ '), formatDistance(c.threshold)),
    h('span', { class: 'gauge', 'aria-hidden': 'true' }, fill, mark),
  );
}

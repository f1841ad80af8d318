// One uPlot chart per metric: a line per run over steps (or seconds since the run started),
// coloured from the theme, cursors synchronised across charts, and a legend that shows each
// run's latest value until the cursor points at another step.
import uPlot from 'uplot';
import type { TrackingSeries } from '../../shared/protocol';
import { formatSeconds, formatTick, formatValue } from './format';

export type XAxis = 'step' | 'time';

export interface ChartRun {
  name: string;
  startTime: number;
  series: TrackingSeries | null;
}

export interface Theme {
  /** One colour per run, from the theme's chart colours. */
  colours: string[];
  axis: string;
  grid: string;
  font: string;
}

/** The theme's colours as canvas can use them (computed, so CSS variables resolve). */
export function readTheme(): Theme {
  const probe = document.createElement('span');
  document.body.appendChild(probe);
  const resolve = (value: string) => {
    probe.style.color = '';
    probe.style.color = value;
    return getComputedStyle(probe).color;
  };
  const names = ['blue', 'orange', 'green', 'purple', 'red', 'yellow'];
  const fallbacks = ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'];
  const colours = names.map((n, i) => resolve(`var(--vscode-charts-${n}, ${fallbacks[i]})`));
  const axis = resolve('var(--vscode-descriptionForeground)');
  const fg = resolve('var(--vscode-foreground)');
  probe.remove();
  const style = getComputedStyle(document.body);
  return { colours, axis, grid: withAlpha(fg, 0.12), font: `11px ${style.getPropertyValue('--vscode-font-family') || 'sans-serif'}` };
}

/** rgb(a, b, c) → rgba(a, b, c, alpha). */
function withAlpha(rgb: string, alpha: number): string {
  const m = /rgba?\(([^)]+)\)/.exec(rgb);
  if (!m) return rgb;
  const [r, g, b] = m[1].split(/[ ,/]+/).filter(Boolean);
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}

/** The runs' series aligned on one x axis (uPlot's join): steps, or seconds since each run's start. */
export function alignedData(runs: ChartRun[], xAxis: XAxis): uPlot.AlignedData {
  const tables: uPlot.AlignedData[] = runs.map(r => {
    if (!r.series) return [[], []];
    const xs = xAxis === 'step' ? r.series.steps : r.series.timestamps.map(t => (t - r.startTime) / 1000);
    const order = xs.map((_, i) => i).sort((a, b) => xs[a] - xs[b] || a - b);
    return [order.map(i => xs[i]), order.map(i => r.series!.values[i])];
  });
  return uPlot.join(tables);
}

/** Per series (0 = x), the last index with a value: what the legend shows when not pointing. */
function lastIndexes(data: uPlot.AlignedData): (number | null)[] {
  return (data as ArrayLike<number | null | undefined>[]).map((ys, s) => {
    if (s === 0) return ys.length ? ys.length - 1 : null;
    for (let i = ys.length - 1; i >= 0; i--) if (ys[i] !== null && ys[i] !== undefined) return i;
    return null;
  });
}

export interface ChartHandle {
  plot: uPlot;
  /** Whether the log scale was asked for but not used (values ≤ 0). */
  logRefused: boolean;
  points: number;
}

export function createChart(
  container: HTMLElement, runs: ChartRun[], opts: { xAxis: XAxis; log: boolean; width: number; height: number; theme: Theme },
): ChartHandle {
  const data = alignedData(runs, opts.xAxis);
  const values = data.slice(1).flatMap(ys => Array.from(ys as ArrayLike<number | null | undefined>).filter((v): v is number => typeof v === 'number'));
  const logRefused = opts.log && values.some(v => v <= 0);
  const log = opts.log && !logRefused;
  const last = lastIndexes(data);
  const few = data[0].length <= 60;
  const { theme } = opts;
  const axis = (values: (u: uPlot, splits: number[]) => string[]): uPlot.Axis => ({
    stroke: theme.axis,
    font: theme.font,
    grid: { stroke: theme.grid, width: 1 },
    ticks: { stroke: theme.grid, width: 1, size: 4 },
    values,
  });
  const plot = new uPlot({
    width: opts.width,
    height: opts.height,
    scales: { x: { time: false }, y: log ? { distr: 3 } : {} },
    cursor: { sync: { key: 'mlw-runs' }, points: { size: 7 } },
    // Filled markers, like the swatches of the runs above the charts.
    legend: { show: true, live: true, markers: { fill: (_u, i) => theme.colours[(i - 1) % theme.colours.length] } },
    series: [
      { label: opts.xAxis === 'step' ? 'Step' : 'Time', value: (_u, v) => (v === null || v === undefined ? '—' : opts.xAxis === 'step' ? String(v) : formatSeconds(v)) },
      ...runs.map((r, i) => ({
        label: r.name,
        stroke: theme.colours[i % theme.colours.length],
        width: 1.5,
        points: { show: few, size: 4 },
        value: (_u: uPlot, v: number | null) => formatValue(v),
      })),
    ],
    axes: [
      { ...axis((_u, splits) => splits.map(v => (opts.xAxis === 'step' ? formatTick(v) : formatSeconds(v)))), size: 34 },
      { ...axis((_u, splits) => splits.map(formatTick)), size: 52 },
    ],
    hooks: {
      ready: [u => u.setLegend({ idxs: last }, false)],
      // Away from the chart, the legend keeps showing each run's latest value.
      setCursor: [u => {
        if (u.cursor.idx === null || u.cursor.idx === undefined) u.setLegend({ idxs: last }, false);
      }],
    },
  }, data, container);
  return { plot, logRefused, points: data[0].length };
}

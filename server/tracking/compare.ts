// Runs side by side: their parameters row by row (marking the rows that differ) and each
// metric's history per run as columns a chart can draw. One run is the same view with one column.
import { UserError } from '../common/errors';
import type { Metric, RunData, TrackingStore } from './types';

/** A metric's history as columns, ordered by step then timestamp. Non-finite values are null (gaps). */
export interface MetricSeries {
  steps: number[];
  values: (number | null)[];
  timestamps: number[];
}

export interface ParamRow {
  key: string;
  /** Per run, in the order of `runs`; null where the run has no such parameter. */
  values: (string | null)[];
  differs: boolean;
}

export interface RunComparison {
  runs: RunData[];
  /** Experiment id → name, for the runs' experiments. */
  experimentNames: Record<string, string>;
  params: ParamRow[];
  /** Every metric key any run has, sorted; per run its series, or null when it never logged it. */
  metrics: { key: string; series: (MetricSeries | null)[] }[];
}

export const MAX_COMPARED_RUNS = 10;

export function toSeries(history: Metric[]): MetricSeries {
  const sorted = history.map((m, i) => ({ m, i })).sort((a, b) => a.m.step - b.m.step || a.m.timestamp - b.m.timestamp || a.i - b.i).map(x => x.m);
  return {
    steps: sorted.map(m => m.step),
    values: sorted.map(m => (Number.isFinite(m.value) ? m.value : null)),
    timestamps: sorted.map(m => m.timestamp),
  };
}

export function paramRows(runs: RunData[]): ParamRow[] {
  const keys = [...new Set(runs.flatMap(r => Object.keys(r.params)))].sort();
  return keys.map(key => {
    const values = runs.map(r => r.params[key] ?? null);
    return { key, values, differs: values.some(v => v !== values[0]) };
  });
}

export async function compareRuns(store: TrackingStore, runIds: string[]): Promise<RunComparison> {
  if (!Array.isArray(runIds) || runIds.length === 0) throw new UserError('no run given');
  if (runIds.length > MAX_COMPARED_RUNS) throw new UserError(`at most ${MAX_COMPARED_RUNS} runs can be compared, got ${runIds.length}`);
  const runs = await Promise.all(runIds.map(id => store.getRun(id)));
  const experimentNames: Record<string, string> = {};
  try {
    for (const e of await store.listExperiments()) experimentNames[e.experimentId] = e.name;
  } catch { /* names are a nicety; ids still show */ }
  const keys = [...new Set(runs.flatMap(r => Object.keys(r.metrics)))].sort();
  const metrics = await Promise.all(keys.map(async key => ({
    key,
    series: await Promise.all(runs.map(async r => (r.metrics[key] ? toSeries(await store.metricHistory(r.info.runId, key)) : null))),
  })));
  return { runs, experimentNames, params: paramRows(runs), metrics };
}

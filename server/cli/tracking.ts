// `mlw runs list` and `mlw runs show`: the runs of a tracking store (an mlruns folder or an
// MLflow server: --tracking-uri, else MLFLOW_TRACKING_URI, else ./mlruns).
import { UserError } from '../common/errors';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import type { ArtifactEntry, Metric, RunData, TrackingStore } from '../tracking/types';
import { EXIT_SAME, formatBytes, parse, printJson, type Command } from './common';

const storeOptions = { 'tracking-uri': { type: 'string' } } as const;
const STORE_USAGE = '[--tracking-uri URI]';

function openStore(uri: string | undefined): TrackingStore {
  return openTracker(resolveTrackingUri(uri, process.cwd()));
}

/** JSON has no NaN or ±Infinity: they are printed as strings. */
const jsonNumber = (v: number): number | string => (Number.isFinite(v) ? v : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity');

function runJson(r: RunData, experimentName?: string) {
  return {
    runId: r.info.runId,
    experimentId: r.info.experimentId,
    ...(experimentName !== undefined ? { experimentName } : {}),
    runName: r.info.runName,
    status: r.info.status,
    startTime: r.info.startTime,
    endTime: r.info.endTime ?? null,
    userId: r.info.userId,
    artifactUri: r.info.artifactUri,
    params: r.params,
    metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, { value: jsonNumber(m.value), step: m.step, timestamp: m.timestamp }])),
    tags: r.tags,
  };
}

/** 2026-01-31 14:05:09 in local time. */
function formatTime(ms: number | undefined): string {
  if (!ms) return '-';
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

/** 1h 02m, 3m 05s, 12.3s. */
export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h}h ${String(m).padStart(2, '0')}m` : `${m}m ${String(s % 60).padStart(2, '0')}s`;
}

const duration = (r: RunData) => (r.info.endTime ? formatDuration(r.info.endTime - r.info.startTime) : r.info.status === 'RUNNING' ? 'running' : '-');

function formatValue(m: Metric): string {
  return Number.isFinite(m.value) ? String(Number(m.value.toPrecision(6))) : String(m.value);
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n') + '\n';
}

const list: Command = {
  summary: 'List the runs of a tracking store (mlruns folder or MLflow server), newest first',
  usage: `runs list [--experiment NAME] [--json] ${STORE_USAGE}`,
  async run(args) {
    const { values, positionals } = parse('runs list', args, { ...storeOptions, experiment: { type: 'string' }, json: { type: 'boolean' } });
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}" (see: mlw runs list --help)`);
    const store = openStore(values['tracking-uri']);
    const experiments = await store.listExperiments();
    const names = new Map(experiments.map(e => [e.experimentId, e.name]));
    let ids: string[] | undefined;
    if (values.experiment !== undefined) {
      const e = experiments.find(x => x.name === values.experiment);
      if (!e) throw new UserError(`no experiment named "${values.experiment}" in ${store.uri} (there are: ${experiments.map(x => x.name).join(', ') || 'none'})`);
      ids = [e.experimentId];
    }
    const runs = await store.searchRuns({ experimentIds: ids });
    if (values.json) {
      printJson(runs.map(r => runJson(r, names.get(r.info.experimentId))));
      return EXIT_SAME;
    }
    if (runs.length === 0) {
      process.stdout.write(`no runs in ${store.uri}\n`);
      return EXIT_SAME;
    }
    process.stdout.write(table(
      ['RUN ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION'],
      runs.map(r => [r.info.runId, names.get(r.info.experimentId) ?? r.info.experimentId, r.info.runName, r.info.status, formatTime(r.info.startTime), duration(r)]),
    ));
    return EXIT_SAME;
  },
};

const show: Command = {
  summary: 'Show one run: status, times, parameters, latest metrics, tags and artifacts',
  usage: `runs show RUN_ID [--json] ${STORE_USAGE}`,
  async run(args) {
    const { values, positionals } = parse('runs show', args, { ...storeOptions, json: { type: 'boolean' } });
    if (positionals.length !== 1) throw new UserError(`expected RUN_ID, got ${positionals.length} argument(s) (see: mlw runs show --help)`);
    const store = openStore(values['tracking-uri']);
    const r = await store.getRun(positionals[0]);
    const experimentName = (await store.listExperiments()).find(e => e.experimentId === r.info.experimentId)?.name;
    const artifacts = await allArtifacts(store, r.info.runId);
    if (values.json) {
      printJson({ ...runJson(r, experimentName), artifacts });
      return EXIT_SAME;
    }
    const out: string[] = [
      `run ${r.info.runId}  ${r.info.runName}`,
      `experiment  ${experimentName ?? ''} (${r.info.experimentId})`,
      `status      ${r.info.status}`,
      `started     ${formatTime(r.info.startTime)}`,
      `ended       ${formatTime(r.info.endTime)}${r.info.endTime ? ` (${duration(r)})` : ''}`,
      `user        ${r.info.userId}`,
      `artifacts   ${r.info.artifactUri}`,
    ];
    const section = (title: string, rows: [string, string][]) => {
      if (!rows.length) return;
      const width = Math.max(...rows.map(([k]) => k.length));
      out.push('', `${title}:`, ...rows.map(([k, v]) => `  ${k.padEnd(width)}  ${v}`));
    };
    section('params', Object.entries(r.params).sort(([a], [b]) => (a < b ? -1 : 1)));
    section('metrics', Object.entries(r.metrics).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, m]) => [k, `${formatValue(m)}  (step ${m.step})`]));
    section('tags', Object.entries(r.tags).sort(([a], [b]) => (a < b ? -1 : 1)));
    section('artifact files', artifacts.filter(a => !a.isDir).map(a => [a.path, formatBytes(a.fileSize ?? 0)]));
    process.stdout.write(out.join('\n') + '\n');
    return EXIT_SAME;
  },
};

/** Every artifact of a run, folders walked (at most 1000 entries). */
async function allArtifacts(store: TrackingStore, runId: string): Promise<ArtifactEntry[]> {
  const out: ArtifactEntry[] = [];
  const walk = async (dir?: string) => {
    for (const e of await store.listArtifacts(runId, dir)) {
      if (out.length >= 1000) return;
      out.push(e);
      if (e.isDir) await walk(e.path);
    }
  };
  await walk();
  return out;
}

export const trackingCommands: Record<string, Command> = {
  'runs list': list,
  'runs show': show,
};

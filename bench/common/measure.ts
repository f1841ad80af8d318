// What every benchmark shares: a seeded PRNG, timing with CPU-time cross-checks, running peers,
// formatting, and the summary table.
//
// Everything, ours and peers, is timed with process.hrtime.bigint() around the whole call
// (peers: around spawnSync, so process start-up is included, as for a user). Wall time is what
// the targets are about, but this machine may be shared, so each measurement also records CPU
// time: ours from process.cpuUsage() (all our threads), a peer's from the kernel's count for
// waited-for children (/proc/self/stat cutime+cstime), and what *other* processes used
// meanwhile (/proc/stat busy time minus both). CPU time is barely affected by others competing
// for the cores, so its ratio is a cross-check on the wall-time ratio.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';

/** The seeded PRNG for picking names, sizes and values: the same sequence everywhere. */
export { seededRandom as prng } from '../../server/common/random';

export interface Sample { ms: number; cpuMs: number; othersCpuMs: number }

const TICK_MS = 10; // USER_HZ is 100 on Linux
const procStatFields = (file: string): number[] | undefined => {
  try {
    return fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
  } catch {
    return undefined; // not Linux: CPU figures are left out
  }
};
/** CPU time of waited-for children (peers), in ms. */
function childrenCpuMs(): number {
  const f = fs.readFileSync('/proc/self/stat', 'utf8');
  const rest = f.slice(f.lastIndexOf(')') + 2).split(' ').map(Number); // fields from 3 (state) on
  return (rest[13] + rest[14]) * TICK_MS; // fields 16 cutime, 17 cstime
}
/** CPU time used by every process on the machine (all cores), in ms. */
function machineBusyMs(): number {
  const f = procStatFields('/proc/stat');
  if (!f) return NaN;
  // "cpu user nice system idle iowait irq softirq steal ...": busy = all but idle and iowait.
  return (f[1] + f[2] + f[3] + f[6] + f[7] + f[8]) * TICK_MS;
}
const ownCpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};
export const HAVE_PROC = procStatFields('/proc/stat') !== undefined;

export async function measure<T>(who: 'ours' | 'peer', fn: () => Promise<T> | T): Promise<Sample & { value: T }> {
  const own0 = ownCpuMs();
  const kids0 = HAVE_PROC ? childrenCpuMs() : 0;
  const busy0 = HAVE_PROC ? machineBusyMs() : 0;
  const t0 = process.hrtime.bigint();
  const value = await fn();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  const own = ownCpuMs() - own0;
  const kids = HAVE_PROC ? childrenCpuMs() - kids0 : NaN;
  const busy = HAVE_PROC ? machineBusyMs() - busy0 : NaN;
  return { ms, cpuMs: who === 'ours' ? own : kids, othersCpuMs: Math.max(0, busy - own - kids), value };
}

/** Runs a peer and returns its standard output; another exit status than `okStatus` throws. */
export function sh(cmd: string, argv: string[], opts: { cwd?: string; okStatus?: number[] } = {}): string {
  const r = spawnSync(cmd, argv, { cwd: opts.cwd, maxBuffer: 256 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) throw r.error;
  if (!(opts.okStatus ?? [0]).includes(r.status ?? -1)) {
    throw new Error(`${cmd} ${argv.join(' ')} exited with ${r.status}: ${r.stderr.toString().slice(0, 2000)}`);
  }
  return r.stdout.toString();
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

export const fmtMs = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
/** "median 1.23 s (runs: …), CPU 2.10 s" */
export function fmtRuns(xs: Sample[]): string {
  const c = HAVE_PROC ? `, CPU ${fmtMs(median(xs.map(x => x.cpuMs)))}` : '';
  return `median ${fmtMs(median(xs.map(x => x.ms)))} (runs: ${xs.map(x => fmtMs(x.ms)).join(', ')})${c}`;
}
export const wall = (xs: Sample[]) => median(xs.map(x => x.ms));
export const cpu = (xs: Sample[]) => median(xs.map(x => x.cpuMs));

/** How much CPU other processes took while we measured: if it is large, figures are noisy. */
export function reportOthers(all: Sample[]): string {
  if (!HAVE_PROC) return '';
  const others = all.reduce((s, x) => s + x.othersCpuMs, 0);
  const total = all.reduce((s, x) => s + x.ms, 0) * os.cpus().length;
  return `other processes used ${((100 * others) / total).toFixed(0)}% of the machine's CPU time during these runs` +
    (others / total > 0.1 ? ' (figures are noisy; rerun on a quiet machine)' : '');
}

export interface Row { name: string; ours: string; peer: string; ratio: string; target: string; met: string; cpuRatio: string }
/** The summary table's rows, in the order the sections add them. */
export const rows: Row[] = [];
/** CPU-time ratio num ÷ den, oriented like the row's wall-time ratio. */
export const cpuRatio = (num: Sample[], den: Sample[]) => (HAVE_PROC ? `${(cpu(num) / cpu(den)).toFixed(2)}×` : '—');

/** A row comparing times (lower is better): ours ÷ peer, checked against `maxRatio` if given. */
export function timeRow(name: string, ours: Sample[], peer: Sample[], peerName: string, maxRatio?: number, targetText?: string): void {
  const ratio = wall(ours) / wall(peer);
  rows.push({
    name,
    ours: fmtMs(wall(ours)),
    peer: `${peerName}: ${fmtMs(wall(peer))}`,
    ratio: `${ratio.toFixed(ratio < 0.1 ? 3 : 2)}×`,
    target: maxRatio === undefined ? '—' : targetText ?? `≤ ${maxRatio.toFixed(2)}×`,
    met: maxRatio === undefined ? '—' : ratio <= maxRatio ? 'yes' : 'NO',
    cpuRatio: cpuRatio(ours, peer),
  });
}

/** The markdown summary: one line per row, then what the columns mean. */
export function printSummary(explanation: string, startedMs: number): void {
  console.log('\n## Summary\n');
  console.log('| Figure | Ours | Peer | Ratio ours/peer | Target | Met? | CPU-time ratio (info) |');
  console.log('|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.name} | ${r.ours} | ${r.peer} | ${r.ratio} | ${r.target} | ${r.met} | ${r.cpuRatio} |`);
  console.log(`\n${explanation}`);
  console.log(`Total benchmark time: ${((Date.now() - startedMs) / 1000).toFixed(0)} s`);
}

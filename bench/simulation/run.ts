// Simulation benchmark: events per second of the election engine, wall time of 10,000-node
// elections, and a replica sync of 1,000,000 keys, each against a peer measured in the same run.
//
//   npm run bench:simulation                    build, then run everything (~1 min)
//   node out/bench/simulation/run.js --runs=5   more repetitions (median reported; default 3)
//
// No assertions on speed: it prints figures, ratios and whether each target is met. Every run's
// answer is checked (a wrong leader or message count stops the run). See bench/README.md.
import { createHash } from 'node:crypto';
import * as os from 'node:os';
import { EventQueue } from '../../server/simulation/eventQueue';
import { simulateElection } from '../../server/simulation/election/run';
import type { ElectionOptions, ElectionResult } from '../../server/simulation/election/types';
import { simulateSync } from '../../server/simulation/sync/antiEntropy';
import { cpu, fmtMs, fmtRuns, HAVE_PROC, measure, printSummary, reportOthers, rows, timeRow, wall, type Sample } from '../common/measure';

const args = process.argv.slice(2);
const RUNS = Number(args.find(a => a.startsWith('--runs='))?.slice(7) ?? 3);
const EVENTS_TARGET = 1e6; // events per second
const ELECTION_TARGET_MS = 1000;

function check(what: string, ok: boolean, detail: string): void {
  if (!ok) throw new Error(`${what}: wrong answer (${detail})`);
}

/** Every sample taken, for the share of CPU other processes used meanwhile. */
const samples: Sample[] = [];

async function repeat<T>(fn: () => T): Promise<(Sample & { value: T })[]> {
  const out: (Sample & { value: T })[] = [];
  for (let k = 0; k < RUNS; k++) out.push(await measure('ours', fn));
  samples.push(...out);
  return out;
}

function targetRow(name: string, ours: Sample[], targetMs: number, figure = fmtMs(wall(ours))): void {
  const ms = wall(ours);
  rows.push({
    name,
    ours: figure,
    peer: `target: ${fmtMs(targetMs)}`,
    ratio: `${(ms / targetMs).toFixed(2)}× the target`,
    target: `≤ ${fmtMs(targetMs)}`,
    met: ms <= targetMs ? 'yes' : 'NO',
    cpuRatio: HAVE_PROC ? `CPU ${fmtMs(cpu(ours))}` : '—',
  });
}

/** The floor for an event loop: the same number of pushes and pops on a bare binary heap. */
function bareHeap(events: number): number {
  const q = new EventQueue<{ time: number; seq: number }>();
  let t = 0;
  for (let k = 0; k < events / 2; k++) q.push({ time: (t += k % 3), seq: 0 });
  let popped = 0;
  while (q.pop()) {
    popped++;
    if (popped < events / 2) q.push({ time: t++, seq: 0 });
  }
  return popped;
}

async function eventsPerSecond(): Promise<void> {
  console.log('\n## 1. Events per second (Bully, lowest rank starts, 2,000 nodes: O(n²) messages)');
  const n = 2000;
  const o: ElectionOptions = { algorithm: 'bully', nodes: n, maxEvents: 50e6 };
  const ours = await repeat(() => simulateElection(o));
  const r = ours[0].value;
  check('bully 2000', r.leader === n && r.messagesByType.election === (n * (n - 1)) / 2 && r.messagesByType.ok === (n * (n - 1)) / 2, JSON.stringify(r.messagesByType));
  const rate = (s: Sample & { value: ElectionResult }) => s.value.events / (s.ms / 1000);
  console.log(`ours: ${r.events.toLocaleString('en-US')} events, ${fmtRuns(ours)}; ${(rate(ours[0]) / 1e6).toFixed(2)} M events/s`);
  const heap = await repeat(() => bareHeap(r.events));
  console.log(`bare heap, ${r.events.toLocaleString('en-US')} push+pop: ${fmtRuns(heap)}`);
  const perSecond = r.events / (wall(ours) / 1000);
  targetRow('Election engine throughput (Bully, n = 2,000, 4 M events)', ours, (r.events / EVENTS_TARGET) * 1000, `${(perSecond / 1e6).toFixed(2)} M events/s`);
  rows[rows.length - 1].target = '≥ 1.00 M events/s';
  timeRow('(info) same vs a bare binary heap doing as many push+pop', ours, heap, 'bare heap');
}

async function bigElections(): Promise<void> {
  const n = 10_000;
  console.log(`\n## 2. Elections with ${n.toLocaleString('en-US')} nodes`);
  const cases: { name: string; o: ElectionOptions; expect: (r: ElectionResult) => boolean }[] = [
    { name: `Bully, leader dead, next-highest starts (n−1 messages)`, o: { algorithm: 'bully', nodes: n, initiators: [n - 1], crashes: [{ node: n, at: 0 }], heartbeatInterval: 0 }, expect: r => r.leader === n - 1 && r.messages === n - 1 },
    { name: 'Ring, one initiator (2n−1 messages)', o: { algorithm: 'ring', nodes: n, initiators: [1], order: 'random', seed: 3 }, expect: r => r.leader === n && r.messages === 2 * n - 1 },
    { name: 'Chang–Roberts, all start, random order (≈ n·H_n)', o: { algorithm: 'chang-roberts', nodes: n, order: 'random', seed: 3 }, expect: r => r.leader === n && r.messagesByType.elected === n },
    { name: 'Bully, leader dead, with heartbeats (failure detection on)', o: { algorithm: 'bully', nodes: n, initiators: [n - 1], crashes: [{ node: n, at: 0 }] }, expect: r => r.leader === n - 1 },
  ];
  for (const c of cases) {
    const ours = await repeat(() => simulateElection(c.o));
    const r = ours[0].value;
    check(c.name, c.expect(r), `leader ${r.leader}, ${r.messages} messages`);
    console.log(`${c.name}: ${fmtRuns(ours)}; ${r.messages.toLocaleString('en-US')} messages, ${r.events.toLocaleString('en-US')} events`);
    targetRow(`${n.toLocaleString('en-US')}-node election: ${c.name}`, ours, ELECTION_TARGET_MS);
  }
}

async function bigSync(): Promise<void> {
  const keys = 1_000_000;
  console.log(`\n## 3. Replica sync, 3 replicas of ${keys.toLocaleString('en-US')} keys, 1,000 diverged`);
  const ours = await repeat(() => simulateSync({ replicas: 3, keys, diverge: 1000, seed: 1 }));
  const r = ours[0].value;
  check('sync', r.inSync && r.transferredKeys.length === 1000, `${r.keysTransferred} keys`);
  console.log(`ours: ${fmtRuns(ours)}; ${r.hashesExchanged.toLocaleString('en-US')} hashes, ${r.keysTransferred} keys, ${r.roundTrips} round trips`);
  // The floor of any tree build: one SHA-256 pass over the same 8-byte records.
  const records = Buffer.alloc(keys * 8);
  for (let k = 0; k < keys; k++) { records.writeUInt32LE(k, k * 8); records.writeUInt32LE(1, k * 8 + 4); }
  const floor = await repeat(() => createHash('sha256').update(records).digest('hex'));
  console.log(`one SHA-256 over all records: ${fmtRuns(floor)}`);
  timeRow('Sync of 1 M keys × 3 replicas (tree build + exchanges) vs one SHA-256 pass over the records', ours, floor, 'sha256 pass');
}

async function main(): Promise<void> {
  const started = Date.now();
  console.log('# Simulation benchmark');
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism?.() ?? os.cpus().length}; runs per figure: ${RUNS} (median reported)`);
  await eventsPerSecond();
  await bigElections();
  await bigSync();
  console.log(`\n${reportOthers(samples)}`);
  printSummary('Targets: ≥ 1 M events/s and a 10,000-node election under 1 s (wall time, process already started). ' +
    'The CPU column gives our CPU time: on a shared machine it is the steadier figure.', started);
}

main().catch(err => {
  console.error(err);
  process.exitCode = 1;
});

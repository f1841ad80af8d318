// `mlw elect` and `mlw sync`: the simulations on the command line. Exit status 0 when the
// simulation ran (its JSON says what happened: split brain, no convergence), 2 on bad input.
import { UserError } from '../common/errors';
import { parseAlgorithm, parseCrash, parseDelay, parseOrder, parsePartition } from '../simulation/election/scenario';
import { simulateElection } from '../simulation/election/run';
import type { ElectionOptions, ElectionResult } from '../simulation/election/types';
import { simulateSync, syncScaling, type SyncResult } from '../simulation/sync/antiEntropy';
import { EXIT_SAME, formatBytes, formatCount, parse, printJson, type Command } from './common';

function number(option: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v)) throw new UserError(`${option} "${text}": expected a number`);
  return v;
}

function ranks(option: string, texts: string[] | undefined): number[] | undefined {
  if (!texts?.length) return undefined;
  return texts.flatMap(t => t.split(',')).map(s => {
    const v = Number(s.trim());
    if (!/^\s*\d+\s*$/.test(s) || v < 1) throw new UserError(`${option} "${s}": expected a node id (a rank, 1..N)`);
    return v;
  });
}

const ELECT_USAGE = 'elect --algorithm bully|ring|chang-roberts|next-in-line|candidate|invitation --nodes N ' +
  '[--initiator ID]... [--order ascending|descending|random|ID,ID,...] [--crash ID@T[-T2]]... [--partition "A,B|C,D@T1[-T2]"]... ' +
  '[--seed S] [--delay D|MIN-MAX] [--loss P] [--heartbeat H] [--candidates ID,...] [--delta D] [--failover K] [--max-events N] [--json]';

const elect: Command = {
  summary: 'Simulate a leader election (Bully, Ring, Chang–Roberts, next-in-line, candidate/ordinary, invitation)',
  usage: ELECT_USAGE,
  async run(args) {
    const { values, positionals } = parse('elect', args, {
      algorithm: { type: 'string' }, nodes: { type: 'string' }, initiator: { type: 'string', multiple: true },
      order: { type: 'string' }, crash: { type: 'string', multiple: true }, partition: { type: 'string', multiple: true },
      seed: { type: 'string' }, delay: { type: 'string' }, loss: { type: 'string' }, heartbeat: { type: 'string' },
      candidates: { type: 'string', multiple: true }, delta: { type: 'string' }, failover: { type: 'string' },
      'max-events': { type: 'string' }, json: { type: 'boolean' },
    });
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}" (see: mlw elect --help)`);
    if (!values.algorithm) throw new UserError('missing --algorithm (bully, ring, chang-roberts, next-in-line, candidate or invitation)');
    const options: ElectionOptions = {
      algorithm: parseAlgorithm(values.algorithm),
      nodes: number('--nodes', values.nodes),
      ...(values.order !== undefined ? parseOrder(values.order) : {}),
      initiators: ranks('--initiator', values.initiator),
      crashes: values.crash?.map(parseCrash),
      partitions: values.partition?.map(parsePartition),
      seed: number('--seed', values.seed),
      delay: values.delay !== undefined ? parseDelay(values.delay) : undefined,
      loss: number('--loss', values.loss),
      heartbeatInterval: number('--heartbeat', values.heartbeat),
      candidates: ranks('--candidates', values.candidates),
      delta: number('--delta', values.delta),
      failoverSize: number('--failover', values.failover),
      maxEvents: number('--max-events', values['max-events']),
    };
    if (options.nodes === undefined && !options.ring) throw new UserError('missing --nodes N (or the ranks in ring order with --order ID,ID,...)');
    if (options.ring && options.nodes !== undefined && options.ring.length !== options.nodes) {
      throw new UserError(`--order lists ${options.ring.length} ranks but --nodes is ${options.nodes}`);
    }
    if (options.ring) {
      const sorted = [...options.ring].sort((a, b) => a - b);
      const dup = sorted.find((r, k) => k > 0 && sorted[k - 1] === r);
      if (dup !== undefined) throw new UserError(`--order: duplicate rank ${dup}: ranks must be unique`);
      if (!sorted.every((r, k) => r === k + 1)) throw new UserError(`--order must list the ranks 1..${options.ring.length} once each`);
    }
    const r = simulateElection(options);
    if (values.json) printJson(electionJson(r));
    else printElection(r);
    return EXIT_SAME;
  },
};

/** The contract's keys first, then the rest of what the run measured. */
function electionJson(r: ElectionResult): unknown {
  const { leader, messages, messagesByType, electionTime, leaders, splitBrain, trace: _trace, ...rest } = r;
  return { leader, messages, messagesByType, electionTime, leaders, splitBrain, ...rest };
}

function printElection(r: ElectionResult): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${r.algorithm}, ${r.ring.length} nodes (ring order ${r.ring.length <= 20 ? r.ring.join(' → ') : `${r.ring.slice(0, 20).join(' → ')} → …`}), seed ${r.seed}`);
  out(r.leader !== null ? `leader: ${r.leader}` : `no single leader: ${r.reason}`);
  if (r.converged) out(`election time: ${r.electionTime === null ? '—' : fmt(r.electionTime)}`);
  out(`messages: ${formatCount(r.messages)} (${Object.entries(r.messagesByType).filter(([, n]) => n > 0).map(([t, n]) => `${t} ${formatCount(n)}`).join(', ') || 'none'})` +
    `${r.lost ? `, ${formatCount(r.lost)} lost` : ''}${r.heartbeats ? `; heartbeats ${formatCount(r.heartbeats)}` : ''}`);
  out(`elections: ${r.elections.length}${r.reelections ? ` (${r.reelections} re-election${r.reelections > 1 ? 's' : ''})` : ''}${r.restarts ? `, ${r.restarts} restarted after a timeout` : ''}`);
  out(`most leaders at once: ${r.maxSimultaneousLeaders}${r.splitBrain ? ' — SPLIT BRAIN under a partition' : r.safetyViolations.length ? ' (safety violated, no partition)' : ''}`);
  for (const v of r.safetyViolations.slice(0, 10)) {
    out(`  leaders ${v.leaders.join(', ')} from t=${fmt(v.from)} to ${v.to === null ? 'the end' : `t=${fmt(v.to)}`}${v.partitioned ? ' (partitioned)' : ''}`);
  }
  out(`${formatCount(r.events)} events, ended at t=${fmt(r.endTime)}`);
}

const fmt = (t: number) => (Number.isInteger(t) ? String(t) : t.toFixed(2));

const SYNC_USAGE = 'sync --replicas R --keys K --diverge D [--branching B] [--depth L] [--ranges Q] [--seed S] ' +
  '[--key-bytes N] [--value-bytes N] [--cluster M] [--scaling] [--json]';

const sync: Command = {
  summary: 'Simulate Merkle anti-entropy between replicas (Dynamo): hashes and keys exchanged vs sending everything',
  usage: SYNC_USAGE,
  async run(args) {
    const { values, positionals } = parse('sync', args, {
      replicas: { type: 'string' }, keys: { type: 'string' }, diverge: { type: 'string' }, branching: { type: 'string' },
      depth: { type: 'string' }, ranges: { type: 'string' }, seed: { type: 'string' }, 'key-bytes': { type: 'string' },
      'value-bytes': { type: 'string' }, cluster: { type: 'string' }, scaling: { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}" (see: mlw sync --help)`);
    for (const required of ['replicas', 'keys', 'diverge'] as const) {
      if (values[required] === undefined) throw new UserError(`missing --${required} (see: mlw sync --help)`);
    }
    const options = {
      replicas: number('--replicas', values.replicas)!,
      keys: number('--keys', values.keys)!,
      diverge: number('--diverge', values.diverge)!,
      branching: number('--branching', values.branching),
      depth: number('--depth', values.depth),
      ranges: number('--ranges', values.ranges),
      seed: number('--seed', values.seed),
      keyBytes: number('--key-bytes', values['key-bytes']),
      valueBytes: number('--value-bytes', values['value-bytes']),
      clusterNodes: number('--cluster', values.cluster),
    };
    const r = simulateSync(options);
    const scaling = values.scaling ? syncScaling({ branching: r.branching, seed: options.seed }) : undefined;
    if (values.json) {
      const { trees: _trees, ...rest } = r;
      printJson(scaling ? { ...rest, scaling } : rest);
    } else printSync(r, scaling);
    return EXIT_SAME;
  },
};

function printSync(r: SyncResult, scaling?: ReturnType<typeof syncScaling>): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`${r.replicas} replicas, ${formatCount(r.keys)} keys, ${formatCount(r.diverged)} diverged; ${r.ranges} ranges, trees of branching ${r.branching} and depth ${r.depth} (${formatCount(r.leavesPerRange)} leaves each)`);
  out(`${r.inSync ? 'in sync' : 'NOT in sync'} after ${r.rounds} pass${r.rounds === 1 ? '' : 'es'} (${r.exchanges.length} exchange${r.exchanges.length === 1 ? '' : 's'})`);
  const row = (name: string, merkle: string, full: string) => out(`  ${name.padEnd(18)} ${merkle.padStart(14)} ${full.padStart(14)}`);
  row('', 'Merkle', 'send all');
  row('hashes exchanged', formatCount(r.hashesExchanged), '0');
  row('keys transferred', formatCount(r.keysTransferred), formatCount(r.full.keysTransferred));
  row('bytes transferred', formatBytes(r.bytesTransferred), formatBytes(r.full.bytesTransferred));
  row('round trips', formatCount(r.roundTrips), formatCount(r.full.roundTrips));
  out(`moving ranges (${r.rebuild.clusterNodes} nodes, one token each): a join rebuilds ${r.rebuild.join.treesRebuilt} trees (${formatCount(r.rebuild.join.keysRehashed)} keys rehashed), ` +
    `a leave ${r.rebuild.leave.treesRebuilt} (${formatCount(r.rebuild.leave.keysRehashed)}); all trees hold ${formatCount(r.rebuild.allTrees)} keys`);
  if (scaling) {
    out('\nscaling (2 replicas, one range): hashes exchanged');
    for (const s of scaling) out(`  K=${formatCount(s.keys).padStart(9)} d=${formatCount(s.diverged).padStart(6)}  hashes ${formatCount(s.hashesExchanged).padStart(8)}  per d·log K ${s.perLogK.toFixed(2)}`);
  }
}

export const simulationCommands: Record<string, Command> = { elect, sync };

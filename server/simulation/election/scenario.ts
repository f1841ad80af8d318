// Checks an election scenario and reads the command line's compact forms of it
// ("8@0", "3@20-60", "1,2|3,4@10-50"). Bad input is a UserError naming the option and value.
import { UserError } from '../../common/errors';
import { seededRandom, shuffle } from '../../common/random';
import { ALGORITHMS, type AlgorithmName, type CrashSpec, type ElectionOptions, type PartitionSpec } from './types';

const NUMBER = String.raw`(\d+(?:\.\d+)?)`;

/** "ID@T" or "ID@T1-T2" (crash at T1, back at T2). */
export function parseCrash(text: string): CrashSpec {
  const m = new RegExp(String.raw`^\s*(\d+)\s*@\s*${NUMBER}(?:\s*-\s*${NUMBER})?\s*$`).exec(text);
  if (!m) throw new UserError(`--crash "${text}": expected ID@T or ID@T1-T2 (e.g. 8@0, or 3@20-60 to come back at 60)`);
  return { node: Number(m[1]), at: Number(m[2]), ...(m[3] !== undefined ? { recoverAt: Number(m[3]) } : {}) };
}

/** "A,B|C,D@T1-T2" (healed at T2) or "A,B|C,D@T1" (never healed). */
export function parsePartition(text: string): PartitionSpec {
  const at = text.lastIndexOf('@');
  const usage = `--partition "${text}": expected GROUPS@T1-T2 with groups of node ids split by "|" (e.g. "1,2,3|4,5@10-50")`;
  if (at < 0) throw new UserError(usage);
  const times = new RegExp(String.raw`^\s*${NUMBER}(?:\s*-\s*${NUMBER})?\s*$`).exec(text.slice(at + 1));
  if (!times) throw new UserError(usage);
  const groups = text.slice(0, at).split('|').map(g => g.split(',').map(s => s.trim()).filter(s => s !== ''));
  for (const g of groups) {
    for (const id of g) if (!/^\d+$/.test(id)) throw new UserError(`${usage}; "${id}" is not a node id`);
  }
  return { groups: groups.map(g => g.map(Number)), from: Number(times[1]), ...(times[2] !== undefined ? { to: Number(times[2]) } : {}) };
}

/** "D" (fixed) or "MIN-MAX" (uniform). */
export function parseDelay(text: string): { min: number; max: number } {
  const m = new RegExp(String.raw`^\s*${NUMBER}(?:\s*-\s*${NUMBER})?\s*$`).exec(text);
  if (!m) throw new UserError(`--delay "${text}": expected a delay D or a range MIN-MAX (e.g. 1, or 0.5-2)`);
  return { min: Number(m[1]), max: Number(m[2] ?? m[1]) };
}

/** ascending | descending | random | a comma-separated list of ranks in ring order. */
export function parseOrder(text: string): Pick<ElectionOptions, 'order' | 'ring'> {
  if (text === 'ascending' || text === 'descending' || text === 'random') return { order: text };
  if (!/^\s*\d+(\s*,\s*\d+)*\s*$/.test(text)) {
    throw new UserError(`--order "${text}": expected ascending, descending, random or the ranks in ring order (e.g. 3,1,4,2)`);
  }
  return { ring: text.split(',').map(s => Number(s.trim())) };
}

export function parseAlgorithm(text: string): AlgorithmName {
  if ((ALGORITHMS as readonly string[]).includes(text)) return text as AlgorithmName;
  throw new UserError(`--algorithm "${text}": expected one of ${ALGORITHMS.join(', ')}`);
}

export interface Scenario {
  algorithm: AlgorithmName;
  ranks: number[];
  initiators: number[];
  crashes: CrashSpec[];
  partitions: PartitionSpec[];
  seed: number;
  delay: { min: number; max: number };
  loss: number;
  heartbeatInterval: number;
  candidates: number[];
  delta: number;
  failoverSize: number;
  maxEvents: number;
  maxTime?: number;
  maxElections: number;
  traceLimit: number;
}

const RING_ALGORITHMS: AlgorithmName[] = ['ring', 'chang-roberts'];

function finite(name: string, v: number, min: number, strict = false): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || (strict ? v <= min : v < min)) {
    throw new UserError(`${name} must be a number ${strict ? 'above' : 'of at least'} ${min}, got ${v}`);
  }
  return v;
}

function integer(name: string, v: number, min: number): number {
  if (!Number.isInteger(v) || v < min) throw new UserError(`${name} must be a whole number of at least ${min}, got ${v}`);
  return v;
}

/** The ranks in ring order, checked: at least two, distinct positive integers. */
function ringOf(o: ElectionOptions, seed: number): number[] {
  if (o.ring) {
    if (o.ring.length < 2) throw new UserError(`an election needs at least 2 nodes, got ${o.ring.length}`);
    const seen = new Map<number, number>();
    o.ring.forEach((r, k) => {
      if (!Number.isInteger(r) || r < 1) throw new UserError(`rank ${r} (position ${k + 1}) is not a positive whole number`);
      const before = seen.get(r);
      if (before !== undefined) throw new UserError(`duplicate rank ${r} at positions ${before + 1} and ${k + 1}: ranks must be unique`);
      seen.set(r, k);
    });
    return [...o.ring];
  }
  const n = o.nodes;
  if (n === undefined || !Number.isInteger(n) || n < 2) throw new UserError(`an election needs at least 2 nodes, got ${n ?? 'none'} (--nodes)`);
  const ranks = Array.from({ length: n }, (_, i) => i + 1);
  const order = o.order ?? 'ascending';
  if (order === 'descending') ranks.reverse();
  // Its own stream, so that the order does not shift the delays and losses of the run.
  else if (order === 'random') shuffle(seededRandom(seed ^ 0x5bd1e995), ranks);
  else if (order !== 'ascending') throw new UserError(`--order "${order}": expected ascending, descending or random`);
  return ranks;
}

/** Checks every part of a scenario against the nodes; fills in the defaults. */
export function checkScenario(o: ElectionOptions): Scenario {
  if (!(ALGORITHMS as readonly string[]).includes(o.algorithm)) parseAlgorithm(String(o.algorithm));
  const seed = integer('--seed', o.seed ?? 1, 0);
  const ranks = ringOf(o, seed);
  const known = new Set(ranks);
  const rankRange = () => {
    const sorted = [...ranks].sort((a, b) => a - b);
    const contiguous = sorted.every((r, k) => r === k + 1);
    return contiguous ? `1..${ranks.length}` : sorted.join(', ');
  };
  const checkNode = (what: string, r: number) => {
    if (!known.has(r)) throw new UserError(`${what} names node ${r}, which does not exist (nodes are ${rankRange()})`);
  };

  const initiators = o.initiators?.length
    ? [...new Set(o.initiators)]
    : RING_ALGORITHMS.includes(o.algorithm) ? [...ranks] : [Math.min(...ranks)];
  for (const r of initiators) checkNode(`--initiator ${r}`, r);

  const crashes = (o.crashes ?? []).map(c => ({ ...c }));
  const byNode = new Map<number, CrashSpec[]>();
  for (const c of crashes) {
    const label = `--crash ${c.node}@${c.at}${c.recoverAt !== undefined ? `-${c.recoverAt}` : ''}`;
    checkNode(label, c.node);
    finite(`${label}: the crash time`, c.at, 0);
    if (c.recoverAt !== undefined && !(finite(`${label}: the recovery time`, c.recoverAt, 0) > c.at)) {
      throw new UserError(`${label}: the node must come back after it crashes (${c.recoverAt} is not after ${c.at})`);
    }
    const others = byNode.get(c.node) ?? [];
    for (const d of others) {
      const overlap = c.at < (d.recoverAt ?? Infinity) && d.at < (c.recoverAt ?? Infinity);
      if (overlap) throw new UserError(`${label}: node ${c.node} is already down then (crashed at ${d.at}${d.recoverAt !== undefined ? ` until ${d.recoverAt}` : ''})`);
    }
    byNode.set(c.node, [...others, c]);
  }

  const partitions = (o.partitions ?? []).map(p => ({ groups: p.groups.map(g => [...g]), from: p.from, to: p.to }));
  partitions.forEach((p, k) => {
    const label = `--partition "${p.groups.map(g => g.join(',')).join('|')}@${p.from}${p.to !== undefined ? `-${p.to}` : ''}"`;
    if (p.groups.length < 2 || p.groups.some(g => g.length === 0)) throw new UserError(`${label}: a partition needs at least two non-empty groups split by "|"`);
    const seen = new Set<number>();
    for (const g of p.groups) {
      for (const r of g) {
        checkNode(label, r);
        if (seen.has(r)) throw new UserError(`${label}: node ${r} is in more than one group`);
        seen.add(r);
      }
    }
    const missing = ranks.filter(r => !seen.has(r)).sort((a, b) => a - b);
    if (missing.length) throw new UserError(`${label}: the groups must cover every node; missing ${missing.length === 1 ? 'node' : 'nodes'} ${missing.join(', ')}`);
    finite(`${label}: the start time`, p.from, 0);
    if (p.to !== undefined && !(finite(`${label}: the heal time`, p.to, 0) > p.from)) throw new UserError(`${label}: the network must heal after the partition starts`);
    for (let j = 0; j < k; j++) {
      const q = partitions[j];
      if (p.from < (q.to ?? Infinity) && q.from < (p.to ?? Infinity)) throw new UserError(`${label}: overlaps another partition in time (one at a time)`);
    }
  });

  const delay = o.delay ?? { min: 1, max: 1 };
  finite('--delay', delay.min, 0, true);
  if (!(finite('--delay', delay.max, 0, true) >= delay.min)) throw new UserError(`--delay: the largest delay (${delay.max}) is below the smallest (${delay.min})`);
  const loss = o.loss ?? 0;
  if (!(loss >= 0 && loss < 1)) throw new UserError(`--loss must be a probability in [0, 1), got ${loss}`);
  // Failure detection is for failures: without any, heartbeats would only add traffic.
  const failures = crashes.length > 0 || partitions.length > 0 || loss > 0;
  const heartbeatInterval = finite('--heartbeat', o.heartbeatInterval ?? (failures ? 10 * delay.max : 0), 0);

  const sortedRanks = [...ranks].sort((a, b) => a - b);
  const candidates = o.candidates?.length ? [...new Set(o.candidates)] : sortedRanks.slice(Math.floor(sortedRanks.length / 2));
  for (const r of candidates) checkNode(`--candidates ${r}`, r);

  return {
    algorithm: o.algorithm,
    ranks,
    initiators,
    crashes,
    partitions: partitions.sort((a, b) => a.from - b.from),
    seed,
    delay: { ...delay },
    loss,
    heartbeatInterval,
    candidates,
    delta: finite('--delta', o.delta ?? delay.max, 0),
    failoverSize: integer('--failover', o.failoverSize ?? 3, 1),
    maxEvents: integer('--max-events', o.maxEvents ?? 5_000_000, 1),
    maxTime: o.maxTime === undefined ? undefined : finite('--max-time', o.maxTime, 0, true),
    maxElections: integer('--max-elections', o.maxElections ?? Math.max(1000, 10 * ranks.length), 1),
    traceLimit: integer('the trace limit', o.traceLimit ?? 0, 0),
  };
}

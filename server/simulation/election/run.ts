// Runs an election scenario to its result: at once (tests, CLI, benchmarks) or in slices that
// yield to the event loop, report progress and stop when cancelled (the language server).
import { throwIfAborted } from '../../common/errors';
import { Bully } from './algorithms/bully';
import { CandidateOrdinary } from './algorithms/candidate';
import { ChangRoberts } from './algorithms/changRoberts';
import { Invitation } from './algorithms/invitation';
import { NextInLine } from './algorithms/nextInLine';
import { Ring } from './algorithms/ring';
import { Engine, type Algorithm } from './engine';
import { checkScenario, type Scenario } from './scenario';
import type { ElectionOptions, ElectionResult } from './types';

function algorithmFor(s: Scenario, engine: Engine): Algorithm {
  const index = new Map(s.ranks.map((r, i) => [r, i]));
  switch (s.algorithm) {
    case 'bully': return new Bully(engine);
    case 'ring': return new Ring(engine);
    case 'chang-roberts': return new ChangRoberts(engine);
    case 'next-in-line': return new NextInLine(engine, s.failoverSize);
    case 'candidate': return new CandidateOrdinary(engine, s.candidates.map(r => index.get(r)!), s.delta);
    case 'invitation': return new Invitation(engine);
  }
}

function prepare(options: ElectionOptions): { scenario: Scenario; engine: Engine } {
  const scenario = checkScenario(options);
  const engine = new Engine(scenario);
  engine.init(algorithmFor(scenario, engine));
  return { scenario, engine };
}

function result(s: Scenario, engine: Engine, types: readonly string[]): ElectionResult {
  const stable = engine.stableLeader();
  const last = engine.episodes[engine.episodes.length - 1];
  let reason = engine.stopReason;
  if (!reason && stable < 0) {
    reason = `the live nodes do not agree on one leader at the end${engine.partitioned ? ' (a partition is still in force)' : ''}`;
  }
  const messagesByType: Record<string, number> = {};
  types.forEach((t, k) => { messagesByType[t] = engine.byType[k]; });
  return {
    algorithm: s.algorithm,
    ring: s.ranks,
    seed: s.seed,
    leader: stable >= 0 && !engine.stopReason ? engine.rank[stable] : null,
    messages: engine.messages,
    messagesByType,
    electionTime: last && last.end !== null ? last.end - (last.electionStart ?? last.start) : null,
    leaders: engine.leaders,
    splitBrain: engine.violations.some(v => v.partitioned),
    maxSimultaneousLeaders: engine.maxSimultaneousLeaders,
    safetyViolations: engine.violations,
    elections: engine.episodes,
    reelections: Math.max(0, engine.episodes.length - 1),
    restarts: engine.restarts,
    heartbeats: engine.heartbeats,
    lost: engine.lost,
    converged: !reason,
    ...(reason ? { reason } : {}),
    events: engine.processed,
    endTime: engine.now,
    types: [...types],
    crashes: s.crashes,
    partitions: s.partitions,
    ...(s.traceLimit > 0 ? { trace: engine.trace } : {}),
  };
}

/** Runs a scenario to the end. Throws UserError for a bad scenario. */
export function simulateElection(options: ElectionOptions): ElectionResult {
  const { scenario, engine } = prepare(options);
  while (!engine.run(1 << 20)) { /* until done */ }
  return result(scenario, engine, engine.types);
}

export interface ElectionProgress {
  events: number;
  time: number;
}

/** The same, in slices of `slice` events between which it yields, reports and checks `signal`. */
export async function simulateElectionAsync(
  options: ElectionOptions,
  { signal, onProgress, slice = 200_000 }: { signal?: AbortSignal; onProgress?: (p: ElectionProgress) => void; slice?: number } = {},
): Promise<ElectionResult> {
  const { scenario, engine } = prepare(options);
  for (;;) {
    throwIfAborted(signal);
    if (engine.run(slice)) break;
    onProgress?.({ events: engine.processed, time: engine.now });
    await new Promise(resolve => setImmediate(resolve));
  }
  return result(scenario, engine, engine.types);
}

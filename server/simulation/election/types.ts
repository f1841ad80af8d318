// What a leader election simulation takes and what it reports. Nodes are named by their rank
// (a positive integer, unique); higher ranks win.

export const ALGORITHMS = ['bully', 'ring', 'chang-roberts', 'next-in-line', 'candidate', 'invitation'] as const;
export type AlgorithmName = (typeof ALGORITHMS)[number];

export interface CrashSpec {
  /** Rank of the node. */
  node: number;
  at: number;
  /** When it comes back (with its volatile state lost); never if undefined. */
  recoverAt?: number;
}

export interface PartitionSpec {
  /** Ranks in each side; together they hold every node exactly once. */
  groups: number[][];
  from: number;
  /** When the network heals; never if undefined. */
  to?: number;
}

export interface ElectionOptions {
  algorithm: AlgorithmName;
  /** N: ranks 1..N, placed around the ring by `order`. Ignored when `ring` is given. */
  nodes?: number;
  /** Ranks in ring order (the direction messages travel): distinct positive integers. */
  ring?: number[];
  order?: 'ascending' | 'descending' | 'random';
  /** Ranks that start an election at time 0 (default: all in ring algorithms, the lowest rank otherwise). */
  initiators?: number[];
  crashes?: CrashSpec[];
  partitions?: PartitionSpec[];
  seed?: number;
  /** Message delay: fixed when min = max (default 1), else uniform in [min, max]. */
  delay?: { min: number; max: number };
  /** Probability that a message is lost silently (default 0). */
  loss?: number;
  /**
   * Failure detection: the leader sends a heartbeat every `heartbeatInterval`; a node that hears
   * nothing from its leader for 3 intervals (plus a per-node jitter below one interval) starts an
   * election. Default: 10 × the largest delay when the scenario has failures (crashes,
   * partitions, loss), else 0 (off).
   */
  heartbeatInterval?: number;
  /** candidate: the ranks that may lead (default: the upper half of the ranks). */
  candidates?: number[];
  /** candidate: the per-rank start delay δ (default: the largest message delay). */
  delta?: number;
  /** next-in-line: how many ranks below itself a leader publishes as its failover list (default 3). */
  failoverSize?: number;
  /** Bounds: events scheduled (default 5,000,000), simulated time, elections restarted or started on suspicion (default max(1,000, 10 n)). */
  maxEvents?: number;
  maxTime?: number;
  maxElections?: number;
  /** Record up to this many messages for the space-time diagram (default 0: none). */
  traceLimit?: number;
}

export interface LeaderChange {
  time: number;
  node: number;
  /** Rank of the node's leader from `time` on; null while it knows none (electing, crashed). */
  leader: number | null;
}

export interface ElectionEpisode {
  /** When the cluster stopped agreeing on one live leader (a crash, a partition, a suspicion). */
  start: number;
  /** When the first node started an election in this episode (null: none did). */
  electionStart: number | null;
  /** When all live nodes agreed again and no election message was in flight; null if never. */
  end: number | null;
  leader: number | null;
  messages: number;
}

export interface SafetyViolation {
  from: number;
  /** null while it lasts at the end of the run. */
  to: number | null;
  /** Ranks that considered themselves leader at the same time. */
  leaders: number[];
  /** A partition was in force during the violation: split brain. */
  partitioned: boolean;
}

/** The messages of a run, one array entry per message (parallel arrays keep it compact). */
export interface MessageTrace {
  from: number[];
  to: number[];
  /** Index into `ElectionResult.types`. */
  type: number[];
  sent: number[];
  arrive: number[];
  /** 0 delivered, 1 lost (random loss), 2 not delivered: the receiver was down or cut off. */
  fate: number[];
  /** More messages were sent than recorded. */
  truncated: boolean;
}

export interface ElectionResult {
  algorithm: AlgorithmName;
  /** Ranks in ring order. */
  ring: number[];
  seed: number;
  /** The rank all live nodes agree on at the end; null if they do not agree. */
  leader: number | null;
  /** Messages of the election protocol sent (heartbeats excluded), lost ones included. */
  messages: number;
  /** By type, every type of the algorithm (0 when unused); sums to `messages`. */
  messagesByType: Record<string, number>;
  /** From the first election start of the last episode to its end. */
  electionTime: number | null;
  /** Every change of a node's leader, from the initial state at time 0 on. */
  leaders: LeaderChange[];
  /** At least two leaders at once while a partition was in force. */
  splitBrain: boolean;
  maxSimultaneousLeaders: number;
  safetyViolations: SafetyViolation[];
  elections: ElectionEpisode[];
  /** Episodes after the first. */
  reelections: number;
  /** Elections restarted after a timeout within an episode. */
  restarts: number;
  heartbeats: number;
  /** Protocol messages that never arrived (random loss, receiver down or cut off). */
  lost: number;
  converged: boolean;
  /** Why the run did not converge. */
  reason?: string;
  /** Events processed and the simulated time the run ended at. */
  events: number;
  endTime: number;
  types: string[];
  crashes: CrashSpec[];
  partitions: PartitionSpec[];
  trace?: MessageTrace;
}

// The discrete-event engine of the election simulations: nodes that crash and recover, a
// network with delays, loss and partitions, heartbeats for failure detection, and the
// bookkeeping of what a run shows (leaders over time, safety, election episodes, messages).
// The algorithms (algorithms/*.ts) only react to what the engine hands them.
import { BucketQueue, EventQueue } from '../eventQueue';
import { seededRandom } from '../../common/random';
import type { Scenario } from './scenario';
import type { ElectionEpisode, LeaderChange, MessageTrace, SafetyViolation } from './types';

const DELIVER = 0;
const TIMER = 1;
const NOTIFY = 2;
const START = 3;
const CRASH = 4;
const RECOVER = 5;
const PARTITION = 6;
const HEAL = 7;

/** Heartbeats are not a type of the algorithm: they are counted apart. */
export const HEARTBEAT = -1;

/** Timer kinds 0..5 belong to the algorithms; the engine keeps two for itself. */
export const TIMER_KINDS = 8;
const TICK = 6;
const DETECT = 7;

/** One scheduled event. A message is a DELIVER event; the same object comes back as NOTIFY. */
export class SimEvent {
  time = 0;
  seq = 0;
  sentAt = 0;
  /** Index in the trace, or -1. */
  trace = -1;
  /** 1: lost at random; 2: the receiver was cut off when it was sent. */
  flags = 0;
  constructor(
    public kind: number,
    /** Receiver of a message; the node of a timer or fault. */
    public to: number,
    public from: number,
    /** Message type (index into the algorithm's types, or HEARTBEAT); timer kind. */
    public type: number,
    public a: number,
    public b: number,
    public data: unknown,
    /** Timer generation; partition index. */
    public token: number,
    /** Heartbeats and periodic checks: not part of any election. */
    public background: boolean,
  ) {}
}

/** What an algorithm sees of a message. */
export type Message = Readonly<Pick<SimEvent, 'from' | 'to' | 'type' | 'a' | 'b' | 'data' | 'sentAt'>>;

/** What the engine offers the algorithms. Nodes are indices 0..n-1 in ring order. */
export interface Ctx {
  readonly n: number;
  readonly now: number;
  readonly maxDelay: number;
  readonly minDelay: number;
  /** Rank of each node. */
  readonly rank: Int32Array;
  /** Nodes by ascending rank, and each node's place in that order. */
  readonly byRank: Int32Array;
  readonly rankPos: Int32Array;
  /** Each node's leader (a node index), -1 for none. */
  readonly leader: Int32Array;
  readonly heartbeatInterval: number;
  isAlive(i: number): boolean;
  isBusy(i: number): boolean;
  send(from: number, to: number, type: number, a?: number, b?: number, data?: unknown, background?: boolean): void;
  setTimer(i: number, kind: number, delay: number, background?: boolean): void;
  cancelTimer(i: number, kind: number): void;
  setLeader(i: number, leader: number): void;
  /** A node waiting on an election (or checking one): runs do not end while any is. */
  setBusy(i: number, busy: boolean): void;
  /** An election was restarted after a timeout. */
  restarted(i: number): void;
  random(): number;
}

/** An election algorithm: reacts to starts, messages and timers of the nodes. */
export interface Algorithm {
  readonly types: readonly string[];
  /** Node i starts an election: it is an initiator, or it stopped hearing from its leader. */
  start(i: number): void;
  receive(i: number, m: Message): void;
  timer(i: number, kind: number): void;
  /** A message i sent could not be delivered (receiver down or cut off). */
  undeliverable(i: number, m: Message): void;
  /** i crashed: forget its volatile state. */
  crashed(i: number): void;
  recovered(i: number): void;
  /** Who leader i sends heartbeats to; null for every other node. */
  heartbeatTargets(i: number): Iterable<number> | null;
  /** Whether i takes `from`, whose heartbeat it heard, as its leader. */
  adoptHeartbeat(i: number, from: number): boolean;
  /** i took a leader from a heartbeat: drop any election state. */
  adopted(i: number): void;
  /** What a leader's heartbeat carries (e.g. its failover list). */
  heartbeatData(i: number): unknown;
  /** i heard a heartbeat from its leader. */
  heard(i: number, m: Message): void;
}

/** What the engine needs of a scenario: all but the algorithm's own settings. */
export type EngineSetup = Omit<Scenario, 'algorithm' | 'candidates' | 'delta' | 'failoverSize'>;

export class Engine implements Ctx {
  readonly n: number;
  now = 0;
  readonly maxDelay: number;
  readonly minDelay: number;
  readonly rank: Int32Array;
  readonly byRank: Int32Array;
  readonly rankPos: Int32Array;
  readonly leader: Int32Array;
  readonly heartbeatInterval: number;
  private readonly heartbeatTimeout: number;
  private readonly jitter: Float64Array;
  private readonly deadline: Float64Array;

  private readonly alive: Uint8Array;
  private readonly busy: Uint8Array;
  private readonly timerToken: Int32Array;
  private readonly group: Int32Array;
  private readonly followers: Int32Array;
  private readonly selfLeaders = new Set<number>();
  private liveCount: number;
  private busyCount = 0;
  private inFlight = 0;
  private partitionActive = false;

  private readonly queue: EventQueue<SimEvent> | BucketQueue<SimEvent>;
  /** Delivered messages and fired timers, reused: a big run allocates few objects. */
  private readonly pool: SimEvent[] = [];
  private readonly rand: () => number;
  private algorithm!: Algorithm;
  private readonly indexOfRank = new Map<number, number>();

  // What the run reports.
  readonly leaders: LeaderChange[] = [];
  readonly byType: number[] = [];
  messages = 0;
  heartbeats = 0;
  lost = 0;
  restarts = 0;
  private starts = 0;
  scheduled = 0;
  processed = 0;
  maxSimultaneousLeaders = 0;
  readonly violations: SafetyViolation[] = [];
  private openViolation: SafetyViolation | undefined;
  readonly episodes: ElectionEpisode[] = [];
  private openEpisode: ElectionEpisode | undefined;
  private messagesAtLastClose = 0;
  private pendingElectionStart: number | null = null;
  readonly trace: MessageTrace;
  private readonly traceLimit: number;
  stopReason: string | undefined;
  finished = false;
  private readonly settleTime: number;
  private readonly maxTime: number;

  constructor(private readonly setup: EngineSetup) {
    const n = setup.ranks.length;
    this.n = n;
    this.minDelay = setup.delay.min;
    this.maxDelay = setup.delay.max;
    this.rank = Int32Array.from(setup.ranks);
    setup.ranks.forEach((r, i) => this.indexOfRank.set(r, i));
    this.byRank = Int32Array.from([...this.rank.keys()].sort((x, y) => this.rank[x] - this.rank[y]));
    this.rankPos = new Int32Array(n);
    this.byRank.forEach((node, pos) => { this.rankPos[node] = pos; });
    this.leader = new Int32Array(n);
    this.alive = new Uint8Array(n).fill(1);
    this.busy = new Uint8Array(n);
    this.timerToken = new Int32Array(n * TIMER_KINDS);
    this.group = new Int32Array(n).fill(-1);
    this.followers = new Int32Array(n);
    this.liveCount = n;
    this.rand = seededRandom(setup.seed);
    // Fixed delays bunch events at few distinct times: FIFO buckets beat a heap there.
    this.queue = setup.delay.min === setup.delay.max ? new BucketQueue<SimEvent>() : new EventQueue<SimEvent>();
    this.heartbeatInterval = setup.heartbeatInterval;
    this.heartbeatTimeout = 3 * setup.heartbeatInterval;
    this.jitter = new Float64Array(n);
    this.deadline = new Float64Array(n);
    this.traceLimit = setup.traceLimit;
    this.trace = { from: [], to: [], type: [], sent: [], arrive: [], fate: [], truncated: false };

    let lastScenario = 0;
    for (const c of setup.crashes) lastScenario = Math.max(lastScenario, c.at, c.recoverAt ?? 0);
    for (const p of setup.partitions) lastScenario = Math.max(lastScenario, p.from, p.to ?? 0);
    const detection = this.heartbeatInterval > 0 ? 2 * this.heartbeatInterval + this.heartbeatTimeout + 2 * this.maxDelay : 0;
    this.settleTime = lastScenario + detection;
    this.maxTime = setup.maxTime ?? lastScenario + 200 * Math.max(this.heartbeatTimeout, 4 * (n + 1) * this.maxDelay);
  }

  /** Sets up the initial state (every node follows the highest rank) and the scenario. */
  init(algorithm: Algorithm): void {
    this.algorithm = algorithm;
    for (let t = 0; t < algorithm.types.length; t++) this.byType.push(0);
    const top = this.byRank[this.n - 1];
    for (let i = 0; i < this.n; i++) {
      this.leader[i] = top;
      this.leaders.push({ time: 0, node: this.rank[i], leader: this.rank[top] });
    }
    this.followers[top] = this.n;
    this.selfLeaders.add(top);
    // Faults first: a node that crashes at 0 does not start an election at 0.
    for (const c of this.setup.crashes) {
      const i = this.indexOfRank.get(c.node)!;
      this.schedule(new SimEvent(CRASH, i, -1, 0, 0, 0, null, 0, false), c.at);
      if (c.recoverAt !== undefined) this.schedule(new SimEvent(RECOVER, i, -1, 0, 0, 0, null, 0, false), c.recoverAt);
    }
    this.setup.partitions.forEach((p, k) => {
      this.schedule(new SimEvent(PARTITION, -1, -1, 0, 0, 0, null, k, false), p.from);
      if (p.to !== undefined) this.schedule(new SimEvent(HEAL, -1, -1, 0, 0, 0, null, k, false), p.to);
    });
    for (const r of this.setup.initiators) this.schedule(new SimEvent(START, this.indexOfRank.get(r)!, -1, 0, 0, 0, null, 0, false), 0);
    if (this.heartbeatInterval > 0) {
      for (let i = 0; i < this.n; i++) {
        this.jitter[i] = this.rand() * this.heartbeatInterval;
        this.deadline[i] = this.heartbeatTimeout + this.jitter[i];
        this.setTimer(i, DETECT, this.deadline[i], true);
      }
      this.setTimer(top, TICK, this.heartbeatInterval, true);
    }
  }

  private event(kind: number, to: number, from: number, type: number, a: number, b: number, data: unknown, token: number, background: boolean): SimEvent {
    const ev = this.pool.pop();
    if (!ev) return new SimEvent(kind, to, from, type, a, b, data, token, background);
    ev.kind = kind;
    ev.to = to;
    ev.from = from;
    ev.type = type;
    ev.a = a;
    ev.b = b;
    ev.data = data;
    ev.token = token;
    ev.background = background;
    ev.trace = -1;
    ev.flags = 0;
    return ev;
  }

  private release(ev: SimEvent): void {
    ev.data = null;
    this.pool.push(ev);
  }

  // ---- Ctx ---------------------------------------------------------------------------------

  isAlive(i: number): boolean {
    return this.alive[i] === 1;
  }

  isBusy(i: number): boolean {
    return this.busy[i] === 1;
  }

  random(): number {
    return this.rand();
  }

  private delay(): number {
    const { min, max } = this.setup.delay;
    return min === max ? min : min + this.rand() * (max - min);
  }

  send(from: number, to: number, type: number, a = 0, b = 0, data: unknown = null, background = false): void {
    if (from === to) throw new Error(`node ${this.rank[from]} sent a message to itself`);
    const ev = this.event(DELIVER, to, from, type, a, b, data, 0, background);
    ev.sentAt = this.now;
    if (type === HEARTBEAT) this.heartbeats++;
    else {
      this.messages++;
      this.byType[type]++;
    }
    if (this.setup.loss > 0 && this.rand() < this.setup.loss) ev.flags = 1;
    else if (this.group[from] !== this.group[to]) ev.flags = 2;
    const arrive = this.now + this.delay();
    if (type !== HEARTBEAT && this.traceLimit > 0) {
      const t = this.trace;
      if (t.from.length < this.traceLimit) {
        ev.trace = t.from.length;
        t.from.push(this.rank[from]);
        t.to.push(this.rank[to]);
        t.type.push(type);
        t.sent.push(this.now);
        t.arrive.push(arrive);
        t.fate.push(0);
      } else t.truncated = true;
    }
    if (!background) this.inFlight++;
    this.schedule(ev, arrive);
  }

  setTimer(i: number, kind: number, delay: number, background = false): void {
    const token = ++this.timerToken[i * TIMER_KINDS + kind];
    this.schedule(this.event(TIMER, i, -1, kind, 0, 0, null, token, background), this.now + delay);
  }

  cancelTimer(i: number, kind: number): void {
    this.timerToken[i * TIMER_KINDS + kind]++;
  }

  setLeader(i: number, l: number): void {
    const old = this.leader[i];
    if (old === l) return;
    this.leader[i] = l;
    if (this.alive[i]) {
      if (old >= 0) this.followers[old]--;
      if (l >= 0) this.followers[l]++;
      if (old === i) this.selfLeaders.delete(i);
      if (l === i) this.selfLeaders.add(i);
    }
    this.leaders.push({ time: this.now, node: this.rank[i], leader: l >= 0 ? this.rank[l] : null });
    if (this.heartbeatInterval > 0) {
      // A new leader (or none) is trusted for a full timeout before it is suspected.
      this.deadline[i] = this.now + this.heartbeatTimeout + this.jitter[i];
      if (l === i) this.setTimer(i, TICK, this.heartbeatInterval, true);
    }
  }

  setBusy(i: number, busy: boolean): void {
    const b = busy ? 1 : 0;
    if (this.busy[i] === b) return;
    this.busy[i] = b;
    this.busyCount += busy ? 1 : -1;
  }

  restarted(_i: number): void {
    this.restarts++;
    this.countStart();
  }

  /** Elections started again (timeouts, suspicions): bounded, so a run that never settles ends. */
  private countStart(): void {
    if (++this.starts > this.setup.maxElections && !this.stopReason) {
      this.stopReason = `elections kept restarting: more than ${this.setup.maxElections.toLocaleString('en-US')} restarts and suspicions`;
    }
  }

  // ---- running -----------------------------------------------------------------------------

  private schedule(ev: SimEvent, time: number): void {
    ev.time = time;
    this.scheduled++;
    this.queue.push(ev);
  }

  /** Processes up to `budget` events; returns true when the run is over. */
  run(budget: number): boolean {
    if (this.finished) return true;
    const queue = this.queue;
    for (let k = 0; k < budget; k++) {
      const next = queue.peek();
      if (!next || next.time > this.now) {
        this.settle();
        if (this.shouldStop(next)) {
          this.finish();
          return true;
        }
        this.now = next!.time;
      }
      queue.pop();
      this.processed++;
      const kind = next!.kind;
      this.dispatch(next!);
      // Unless it came back as a NOTIFY (scheduled again), the event is free for reuse.
      if (next!.kind === kind) this.release(next!);
    }
    return false;
  }

  private shouldStop(next: SimEvent | undefined): boolean {
    if (this.stopReason) return true;
    if (!next) return true;
    if (this.inFlight === 0 && this.busyCount === 0 && this.now >= this.settleTime) return true;
    if (next.time > this.maxTime) {
      this.stopReason = `simulated time limit ${this.maxTime} reached`;
      return true;
    }
    if (this.scheduled > this.setup.maxEvents) {
      this.stopReason = `event limit reached: more than ${this.setup.maxEvents.toLocaleString('en-US')} events scheduled`;
      return true;
    }
    return false;
  }

  private finish(): void {
    this.finished = true;
    if (this.openViolation) this.violations.push(this.openViolation);
    if (this.openEpisode) {
      this.openEpisode.messages = this.messages - this.messagesAtLastClose;
      this.episodes.push(this.openEpisode);
      this.openEpisode = undefined;
    }
  }

  private dispatch(ev: SimEvent): void {
    switch (ev.kind) {
      case DELIVER:
        this.deliver(ev);
        break;
      case TIMER: {
        const i = ev.to;
        if (ev.token !== this.timerToken[i * TIMER_KINDS + ev.type] || !this.alive[i]) break;
        if (ev.type === TICK) this.tick(i);
        else if (ev.type === DETECT) this.detect(i);
        else this.algorithm.timer(i, ev.type);
        break;
      }
      case NOTIFY:
        this.inFlight--;
        if (this.alive[ev.from]) this.algorithm.undeliverable(ev.from, ev);
        break;
      case START:
        this.triggerStart(ev.to);
        break;
      case CRASH:
        this.crash(ev.to);
        break;
      case RECOVER:
        this.recover(ev.to);
        break;
      case PARTITION: {
        const p = this.setup.partitions[ev.token];
        p.groups.forEach((g, k) => { for (const r of g) this.group[this.indexOfRank.get(r)!] = k; });
        this.partitionActive = true;
        break;
      }
      case HEAL:
        this.group.fill(-1);
        this.partitionActive = false;
        break;
    }
  }

  private deliver(ev: SimEvent): void {
    const heartbeat = ev.type === HEARTBEAT;
    if (!ev.background) this.inFlight--;
    const to = ev.to;
    let fate = 0;
    if (ev.flags === 1) fate = 1;
    else if (ev.flags === 2 || !this.alive[to] || this.group[ev.from] !== this.group[to]) fate = 2;
    if (ev.trace >= 0) this.trace.fate[ev.trace] = fate;
    if (fate !== 0) {
      if (!heartbeat) this.lost++;
      // The sender's transport notices that the receiver is unreachable (no answer to the
      // connection within a delay); a message lost at random goes unnoticed.
      if (fate === 2 && !heartbeat && !ev.background) {
        ev.kind = NOTIFY;
        this.inFlight++;
        this.schedule(ev, this.now + this.maxDelay);
      }
      return;
    }
    if (heartbeat) this.heartbeat(to, ev);
    else this.algorithm.receive(to, ev);
  }

  private heartbeat(i: number, m: SimEvent): void {
    const from = m.from;
    if (this.leader[i] === from) {
      this.deadline[i] = this.now + this.heartbeatTimeout + this.jitter[i];
      this.algorithm.heard(i, m);
    } else if (this.algorithm.adoptHeartbeat(i, from)) {
      this.setLeader(i, from);
      this.algorithm.adopted(i);
      this.algorithm.heard(i, m);
    }
  }

  private tick(i: number): void {
    if (this.leader[i] !== i) return;
    const targets = this.algorithm.heartbeatTargets(i);
    const data = this.algorithm.heartbeatData(i);
    if (targets === null) {
      for (let j = 0; j < this.n; j++) if (j !== i) this.send(i, j, HEARTBEAT, 0, 0, data, true);
    } else {
      for (const j of targets) if (j !== i) this.send(i, j, HEARTBEAT, 0, 0, data, true);
    }
    this.setTimer(i, TICK, this.heartbeatInterval, true);
  }

  private detect(i: number): void {
    if (this.now < this.deadline[i]) {
      this.setTimer(i, DETECT, this.deadline[i] - this.now, true);
      return;
    }
    this.deadline[i] = this.now + this.heartbeatTimeout + this.jitter[i];
    this.setTimer(i, DETECT, this.deadline[i] - this.now, true);
    if (this.leader[i] !== i && !this.busy[i]) this.triggerStart(i, true);
  }

  /** An election started by the scenario (an initiator) or by the failure detector (`detected`). */
  private triggerStart(i: number, detected = false): void {
    if (!this.alive[i]) return;
    if (detected) this.countStart();
    if (this.openEpisode) this.openEpisode.electionStart ??= this.now;
    else this.pendingElectionStart ??= this.now;
    this.algorithm.start(i);
  }

  private crash(i: number): void {
    if (!this.alive[i]) return;
    const l = this.leader[i];
    if (l >= 0) this.followers[l]--;
    if (l === i) this.selfLeaders.delete(i);
    this.alive[i] = 0;
    this.liveCount--;
    this.leader[i] = -1;
    this.leaders.push({ time: this.now, node: this.rank[i], leader: null });
    this.setBusy(i, false);
    for (let k = 0; k < TIMER_KINDS; k++) this.timerToken[i * TIMER_KINDS + k]++;
    this.algorithm.crashed(i);
  }

  private recover(i: number): void {
    if (this.alive[i]) return;
    this.alive[i] = 1;
    this.liveCount++;
    if (this.heartbeatInterval > 0) {
      this.deadline[i] = this.now + this.heartbeatTimeout + this.jitter[i];
      this.setTimer(i, DETECT, this.deadline[i] - this.now, true);
    }
    this.algorithm.recovered(i);
  }

  /**
   * At the end of each instant (all events of one time done): safety (how many nodes consider
   * themselves leader) and election episodes (lost agreement → agreement with nothing in flight).
   */
  private settle(): void {
    const leaders = this.selfLeaders.size;
    if (leaders > this.maxSimultaneousLeaders) this.maxSimultaneousLeaders = leaders;
    if (leaders >= 2) {
      const ranks = [...this.selfLeaders].map(i => this.rank[i]);
      if (!this.openViolation) this.openViolation = { from: this.now, to: null, leaders: ranks.sort((a, b) => a - b), partitioned: this.partitionActive };
      else {
        const set = new Set([...this.openViolation.leaders, ...ranks]);
        this.openViolation.leaders = [...set].sort((a, b) => a - b);
        this.openViolation.partitioned ||= this.partitionActive;
      }
    } else if (this.openViolation) {
      this.openViolation.to = this.now;
      this.violations.push(this.openViolation);
      this.openViolation = undefined;
    }

    const stable = this.stableLeader() >= 0;
    if (!this.openEpisode && (!stable || this.pendingElectionStart !== null)) {
      this.openEpisode = { start: this.now, electionStart: this.pendingElectionStart, end: null, leader: null, messages: 0 };
      this.pendingElectionStart = null;
    }
    if (this.openEpisode && stable && this.inFlight === 0 && this.busyCount === 0) {
      const e = this.openEpisode;
      e.end = this.now;
      e.leader = this.rank[this.stableLeader()];
      e.messages = this.messages - this.messagesAtLastClose;
      this.messagesAtLastClose = this.messages;
      this.episodes.push(e);
      this.openEpisode = undefined;
    }
  }

  /** The leader every live node follows (itself live), or -1. */
  stableLeader(): number {
    if (this.selfLeaders.size !== 1) return -1;
    const [l] = this.selfLeaders;
    return this.followers[l] === this.liveCount ? l : -1;
  }

  /** The algorithm's message types. */
  get types(): readonly string[] {
    return this.algorithm.types;
  }

  get partitioned(): boolean {
    return this.partitionActive;
  }
}

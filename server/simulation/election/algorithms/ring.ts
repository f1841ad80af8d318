// The ring algorithm as Petrov (Database Internals, ch. 10) and Tanenbaum describe it: the node
// that starts sends ELECTION to its successor; each node adds its own id and passes it on
// (skipping successors it cannot reach), so the message collects the ids of the live nodes;
// when it comes back to the initiator, the initiator picks the highest and tells the others
// with COORDINATOR.
//
// Several nodes may start at once (by default they all do). Each ELECTION also records, per
// node, whether that node had started an election of its own when the message passed it: such a
// node learns the result from its own message, so a COORDINATOR only goes round the nodes up to
// the next initiator. With one initiator: n ELECTION hops and n−1 COORDINATOR hops (2n−1); with
// every node starting at once: n² ELECTION hops and no COORDINATOR (LeLann's count).
import type { Ctx, Message } from '../engine';
import { BaseAlgorithm } from './base';

const ELECT_TIMER = 0;

/** One id collected by an ELECTION: a persistent list, so passing it on costs O(1). */
interface Collected {
  node: number;
  initiator: boolean;
  prev: Collected | null;
  /** The highest-ranked node collected so far. */
  best: number;
  /** The entry right after the initiator's (null while there is none). */
  second: Collected | null;
}

/** The live nodes an ELECTION found, in ring order from its initiator. */
interface Round {
  order: Int32Array;
  initiator: Uint8Array;
}

export class Ring extends BaseAlgorithm {
  readonly types: readonly string[] = ['election', 'coordinator'];
  private readonly ELECTION = 0;
  private readonly COORDINATOR = 1;
  private readonly initiated: Uint8Array;

  constructor(ctx: Ctx) {
    super(ctx);
    this.initiated = new Uint8Array(ctx.n);
  }

  start(i: number): void {
    const ctx = this.ctx;
    if (this.initiated[i]) return;
    this.initiated[i] = 1;
    ctx.setBusy(i, true);
    ctx.setLeader(i, -1);
    ctx.setTimer(i, ELECT_TIMER, this.ringTimeout);
    const own: Collected = { node: i, initiator: true, prev: null, best: i, second: null };
    this.pass(i, this.next(i), this.ELECTION, i, 0, own);
  }

  /** Sends on to `to`; a message come round to its sender is handled there. */
  private pass(i: number, to: number, type: number, a: number, b: number, data: unknown): void {
    if (to === i) this.receive(i, { from: i, to: i, type, a, b, data, sentAt: this.ctx.now });
    else this.ctx.send(i, to, type, a, b, data);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    if (m.type === this.ELECTION) {
      const list = m.data as Collected;
      if (m.a === i) {
        this.decide(i, list);
        return;
      }
      const best = ctx.rank[i] > ctx.rank[list.best] ? i : list.best;
      const entry: Collected = { node: i, initiator: this.initiated[i] === 1, prev: list, best, second: null };
      entry.second = list.second ?? entry;
      this.pass(i, this.next(i), this.ELECTION, m.a, 0, entry);
    } else if (m.type === this.COORDINATOR) {
      this.learn(i, m.a);
      this.announce(i, m.a, m.b + 1, m.data as Round);
    }
  }

  /** i's own ELECTION came back: the highest id collected leads. */
  private decide(i: number, list: Collected): void {
    this.learn(i, list.best);
    // The next node learns by itself if it started an election too.
    if (!list.second || list.second.initiator) return;
    let count = 0;
    for (let e: Collected | null = list; e; e = e.prev) count++;
    const order = new Int32Array(count);
    const initiator = new Uint8Array(count);
    let k = count;
    for (let e: Collected | null = list; e; e = e.prev) {
      order[--k] = e.node;
      initiator[k] = e.initiator ? 1 : 0;
    }
    this.announce(i, list.best, 1, { order, initiator });
  }

  /** Passes COORDINATOR to `round.order[pos]` unless that node is an initiator (or the list ended). */
  private announce(i: number, leader: number, pos: number, round: Round): void {
    if (pos >= round.order.length || round.initiator[pos]) return;
    this.pass(i, round.order[pos], this.COORDINATOR, leader, pos, round);
  }

  private learn(i: number, leader: number): void {
    const ctx = this.ctx;
    this.initiated[i] = 0;
    ctx.cancelTimer(i, ELECT_TIMER);
    ctx.setBusy(i, false);
    ctx.setLeader(i, leader);
  }

  undeliverable(i: number, m: Message): void {
    if (m.type === this.ELECTION) {
      // Its initiator is gone (or everyone else is): the round cannot finish; timeouts restart it.
      const to = this.next(m.to);
      if (m.to === m.a || (to === i && m.a !== i)) return;
      this.pass(i, to, m.type, m.a, m.b, m.data);
    } else this.announce(i, m.a, m.b + 1, m.data as Round); // skip the node that died meanwhile
  }

  timer(i: number, kind: number): void {
    if (kind !== ELECT_TIMER || !this.initiated[i]) return;
    this.initiated[i] = 0;
    this.ctx.setBusy(i, false);
    this.ctx.restarted(i);
    this.start(i);
  }

  crashed(i: number): void {
    this.initiated[i] = 0;
  }

  adopted(i: number): void {
    this.initiated[i] = 0;
    this.ctx.cancelTimer(i, ELECT_TIMER);
    this.ctx.setBusy(i, false);
  }
}

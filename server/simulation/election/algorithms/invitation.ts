// The invitation algorithm (Garcia-Molina, 1982; Petrov, Database Internals, ch. 10): nodes
// are organised in groups, each with its leader, and groups merge by invitation instead of by
// outranking. A node that loses its leader (or starts) becomes the leader of a group of its own
// and PROBEs the nodes outside its group; a leader that is probed by a lower-ranked leader
// INVITEs it, one probed by a higher-ranked leader answers REPLY, and the prober then invites
// those lower leaders. An invited leader passes the INVITE on to its members and everyone
// ACCEPTs to the new leader. So groups always merge into the higher-ranked leader's. Leaders send
// heartbeats to their members only; while its group lacks some nodes, a leader probes them again
// every three heartbeat intervals (to merge after a partition heals or a node comes back).
// Several leaders at once are part of the algorithm: each leads its own group.
import type { Ctx, Message } from '../engine';
import { BaseAlgorithm } from './base';

const COLLECT_TIMER = 0;
const RECHECK_TIMER = 1;

export class Invitation extends BaseAlgorithm {
  readonly types: readonly string[] = ['probe', 'reply', 'invite', 'accept'];
  private readonly PROBE = 0;
  private readonly REPLY = 1;
  private readonly INVITE = 2;
  private readonly ACCEPT = 3;
  /** The members of each leader's group (itself included); null for non-leaders. */
  private readonly members: (Set<number> | null)[];
  /** Lower-ranked leaders that answered a node's probe. */
  private readonly found: number[][];

  constructor(ctx: Ctx) {
    super(ctx);
    this.members = new Array(ctx.n).fill(null);
    this.found = Array.from({ length: ctx.n }, () => []);
    this.members[ctx.byRank[ctx.n - 1]] = new Set(Array.from({ length: ctx.n }, (_, i) => i));
  }

  start(i: number): void {
    const ctx = this.ctx;
    if (ctx.leader[i] !== i) {
      this.members[i] = new Set([i]);
      ctx.setLeader(i, i);
    }
    this.probe(i, false);
  }

  private probe(i: number, periodic: boolean): void {
    const ctx = this.ctx;
    const members = this.members[i];
    if (ctx.leader[i] !== i || !members || members.size === ctx.n) return;
    this.found[i].length = 0;
    for (let j = 0; j < ctx.n; j++) if (!members.has(j)) ctx.send(i, j, this.PROBE, 0, 0, null, periodic);
    ctx.setBusy(i, true);
    ctx.setTimer(i, COLLECT_TIMER, this.answerTimeout);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    switch (m.type) {
      case this.PROBE:
        if (ctx.leader[i] !== i) return;
        if (ctx.rank[i] > ctx.rank[m.from]) ctx.send(i, m.from, this.INVITE, i);
        else ctx.send(i, m.from, this.REPLY);
        break;
      case this.REPLY:
        if (ctx.leader[i] === i) this.found[i].push(m.from);
        break;
      case this.INVITE:
        this.invited(i, m.a);
        break;
      case this.ACCEPT:
        if (ctx.leader[i] === i) this.members[i]!.add(m.from);
        break;
    }
  }

  /** Joins `leader`'s group if it ranks above the current leader, taking its own members along. */
  private invited(i: number, leader: number): void {
    const ctx = this.ctx;
    const current = ctx.leader[i];
    if (leader === i || (current >= 0 && ctx.rank[leader] <= ctx.rank[current])) return;
    const members = current === i ? this.members[i] : null;
    if (members) for (const j of members) if (j !== i) ctx.send(i, j, this.INVITE, leader);
    this.members[i] = null;
    ctx.cancelTimer(i, COLLECT_TIMER);
    ctx.cancelTimer(i, RECHECK_TIMER);
    ctx.setBusy(i, false);
    ctx.setLeader(i, leader);
    ctx.send(i, leader, this.ACCEPT);
  }

  timer(i: number, kind: number): void {
    const ctx = this.ctx;
    if (kind === COLLECT_TIMER) {
      ctx.setBusy(i, false);
      if (ctx.leader[i] !== i) return;
      for (const j of this.found[i]) ctx.send(i, j, this.INVITE, i);
      this.found[i].length = 0;
      if (ctx.heartbeatInterval > 0 && this.members[i]!.size < ctx.n) ctx.setTimer(i, RECHECK_TIMER, 3 * ctx.heartbeatInterval, true);
    } else if (kind === RECHECK_TIMER) {
      this.probe(i, true);
    }
  }

  heartbeatTargets(i: number): Iterable<number> | null {
    return this.members[i] ?? [];
  }

  /** Groups merge only by invitation. */
  adoptHeartbeat(): boolean {
    return false;
  }

  crashed(i: number): void {
    this.members[i] = null;
    this.found[i].length = 0;
  }

  /** A node that comes back leads a group of its own and looks for others to merge with. */
  recovered(i: number): void {
    this.start(i);
  }
}

// The Bully algorithm (Garcia-Molina, 1982), as textbooks give it:
//   - a node that starts an election sends ELECTION to every higher rank (dead ones included:
//     it does not know which are dead) and waits for an OK;
//   - a live node that receives ELECTION answers OK and starts its own election (once: a node
//     already electing only answers);
//   - a node that gets no OK within the answer timeout is the leader and sends COORDINATOR to
//     every lower rank; one that got an OK waits for COORDINATOR and starts again if none comes;
//   - a node that comes back after a crash starts an election (it may bully the leader);
//   - a COORDINATOR from a lower rank makes the receiver start an election of its own.
// A leader that receives ELECTION answers OK and announces itself again, unless the ELECTION was
// sent no later than its last announcement (which the sender will receive anyway): so each
// election is announced once, as in the textbook counts.
import type { Ctx, Message } from '../engine';
import { BaseAlgorithm } from './base';

const ANSWER_TIMER = 0;
const COORDINATOR_TIMER = 1;

export class Bully extends BaseAlgorithm {
  readonly types: readonly string[] = ['election', 'ok', 'coordinator'];
  protected ELECTION = 0;
  protected OK = 1;
  protected COORDINATOR = 2;
  protected readonly inElection: Uint8Array;
  private readonly gotOk: Uint8Array;
  /** When each node last announced itself (-1: before the run, for the initial leader). */
  private readonly announcedAt: Float64Array;

  constructor(ctx: Ctx) {
    super(ctx);
    this.inElection = new Uint8Array(ctx.n);
    this.gotOk = new Uint8Array(ctx.n);
    this.announcedAt = new Float64Array(ctx.n).fill(-1);
  }

  start(i: number): void {
    const ctx = this.ctx;
    if (this.inElection[i]) return;
    const pos = ctx.rankPos[i];
    if (pos === ctx.n - 1) {
      this.becomeLeader(i);
      return;
    }
    this.inElection[i] = 1;
    this.gotOk[i] = 0;
    ctx.setBusy(i, true);
    ctx.setLeader(i, -1);
    for (let p = pos + 1; p < ctx.n; p++) ctx.send(i, ctx.byRank[p], this.ELECTION);
    ctx.setTimer(i, ANSWER_TIMER, this.answerTimeout);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    if (m.type === this.ELECTION) {
      ctx.send(i, m.from, this.OK);
      if (ctx.leader[i] === i && m.sentAt <= this.announcedAt[i]) return;
      this.start(i);
    } else if (m.type === this.OK) {
      if (!this.inElection[i] || this.gotOk[i]) return;
      this.gotOk[i] = 1;
      ctx.cancelTimer(i, ANSWER_TIMER);
      // The higher node that answered announces within its own answer timeout and a few delays.
      ctx.setTimer(i, COORDINATOR_TIMER, 2 * this.answerTimeout);
    } else if (m.type === this.COORDINATOR) {
      this.coordinator(i, m);
    }
  }

  protected coordinator(i: number, m: Message): void {
    const ctx = this.ctx;
    if (ctx.rank[m.from] < ctx.rank[i]) {
      // A lower rank claims to lead: bully it.
      this.start(i);
      return;
    }
    this.stopElecting(i);
    ctx.setLeader(i, m.from);
  }

  timer(i: number, kind: number): void {
    if (kind === ANSWER_TIMER) this.becomeLeader(i);
    else if (kind === COORDINATOR_TIMER) {
      this.inElection[i] = 0;
      this.ctx.restarted(i);
      this.start(i);
    }
  }

  protected stopElecting(i: number): void {
    this.inElection[i] = 0;
    this.gotOk[i] = 0;
    this.ctx.cancelTimer(i, ANSWER_TIMER);
    this.ctx.cancelTimer(i, COORDINATOR_TIMER);
    this.ctx.setBusy(i, false);
  }

  protected becomeLeader(i: number): void {
    const ctx = this.ctx;
    this.stopElecting(i);
    ctx.setLeader(i, i);
    this.announcedAt[i] = ctx.now;
    const data = this.announcement(i);
    for (let p = ctx.rankPos[i] - 1; p >= 0; p--) ctx.send(i, ctx.byRank[p], this.COORDINATOR, 0, 0, data);
  }

  /** What COORDINATOR carries (next-in-line: the failover list). */
  protected announcement(_i: number): unknown {
    return null;
  }

  crashed(i: number): void {
    this.inElection[i] = 0;
    this.gotOk[i] = 0;
  }

  recovered(i: number): void {
    this.start(i);
  }

  adopted(i: number): void {
    this.stopElecting(i);
  }
}

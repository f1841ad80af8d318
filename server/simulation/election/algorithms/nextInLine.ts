// Next-in-line failover (Petrov, Database Internals, ch. 10): every leader publishes a failover
// list — the ranks just below its own, highest first — with its announcement and heartbeats.
// A node that suspects the leader asks the first alternative on that list to take over
// (TAKEOVER). The alternative checks the leader itself (PING; a live leader answers PONG) and,
// if the leader is gone, takes over at once and announces itself (COORDINATOR, to every lower
// rank, with its own failover list) — no election round. If the leader answers, the asker is
// told it is ALIVE. An alternative that does not answer is skipped; when the list runs out, the
// node falls back to a Bully election. The check by PING keeps a live leader from being
// replaced on a false suspicion.
import type { Ctx, Message } from '../engine';
import { Bully } from './bully';

const WAIT_TIMER = 2;
const PING_TIMER = 3;

export class NextInLine extends Bully {
  readonly types: readonly string[] = ['takeover', 'ping', 'pong', 'alive', 'coordinator', 'election', 'ok'];
  private readonly TAKEOVER = 0;
  private readonly PING = 1;
  private readonly PONG = 2;
  private readonly ALIVE = 3;
  /** The failover list each node last heard from its leader (node indices, highest first). */
  private readonly failover: (Int32Array | null)[];
  /** The leader a node suspects, and the next list entry it will try. */
  private readonly suspect: Int32Array;
  private readonly tryIndex: Int32Array;
  private readonly trying: Uint8Array;
  /** An alternative checking the leader: who it pings, who asked. */
  private readonly pinging: Int32Array;
  private readonly askers: number[][];

  constructor(ctx: Ctx, private readonly failoverSize: number) {
    super(ctx);
    this.ELECTION = 5;
    this.OK = 6;
    this.COORDINATOR = 4;
    const n = ctx.n;
    this.failover = new Array(n).fill(null);
    this.suspect = new Int32Array(n).fill(-1);
    this.tryIndex = new Int32Array(n);
    this.trying = new Uint8Array(n);
    this.pinging = new Int32Array(n).fill(-1);
    this.askers = Array.from({ length: n }, () => []);
    // The initial leader published its list before the run.
    const list = this.listOf(ctx.byRank[n - 1]);
    this.failover.fill(list);
  }

  /** The failover list of leader i: the `failoverSize` ranks just below it. */
  private listOf(i: number): Int32Array {
    const ctx = this.ctx;
    const pos = ctx.rankPos[i];
    const size = Math.min(this.failoverSize, pos);
    const list = new Int32Array(size);
    for (let k = 0; k < size; k++) list[k] = ctx.byRank[pos - 1 - k];
    return list;
  }

  start(i: number): void {
    const ctx = this.ctx;
    if (this.trying[i] || this.inElection[i] || this.pinging[i] >= 0) return;
    if (ctx.leader[i] === i) {
      this.becomeLeader(i);
      return;
    }
    this.suspect[i] = ctx.leader[i];
    this.tryIndex[i] = 0;
    this.trying[i] = 1;
    ctx.setBusy(i, true);
    ctx.setLeader(i, -1);
    this.tryNext(i);
  }

  private tryNext(i: number): void {
    const ctx = this.ctx;
    const list = this.failover[i];
    while (list && this.tryIndex[i] < list.length) {
      const f = list[this.tryIndex[i]++];
      if (f === this.suspect[i]) continue;
      if (f === i) {
        this.check(i, this.suspect[i]);
        return;
      }
      ctx.send(i, f, this.TAKEOVER, this.suspect[i]);
      // TAKEOVER, the alternative's PING and its timeout, and the answer back.
      ctx.setTimer(i, WAIT_TIMER, 2 * ctx.maxDelay + this.answerTimeout + ctx.maxDelay);
      return;
    }
    // No alternative left: a full (Bully) election.
    this.trying[i] = 0;
    super.start(i);
  }

  /** Alternative i checks whether `leader` is alive before taking over. */
  private check(i: number, leader: number): void {
    const ctx = this.ctx;
    if (leader < 0 || leader === i) {
      this.takeOver(i);
      return;
    }
    this.pinging[i] = leader;
    ctx.setBusy(i, true);
    ctx.send(i, leader, this.PING);
    ctx.setTimer(i, PING_TIMER, this.answerTimeout);
  }

  private takeOver(i: number): void {
    this.pinging[i] = -1;
    this.askers[i].length = 0;
    this.ctx.cancelTimer(i, PING_TIMER);
    this.becomeLeader(i);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    switch (m.type) {
      case this.TAKEOVER:
        if (ctx.leader[i] === i) ctx.send(i, m.from, this.COORDINATOR, 0, 0, this.announcement(i));
        else {
          this.askers[i].push(m.from);
          if (this.pinging[i] < 0) this.check(i, m.a);
        }
        break;
      case this.PING:
        ctx.send(i, m.from, this.PONG, ctx.leader[i]);
        break;
      case this.PONG:
        if (this.pinging[i] !== m.from) break;
        if (m.a === m.from) {
          // The leader is alive: tell whoever asked, and keep it.
          for (const q of this.askers[i]) if (q !== i) ctx.send(i, q, this.ALIVE, m.from);
          this.askers[i].length = 0;
          this.pinging[i] = -1;
          ctx.cancelTimer(i, PING_TIMER);
          this.finish(i, m.from);
        } else this.takeOver(i);
        break;
      case this.ALIVE:
        if (this.trying[i]) this.finish(i, m.a);
        break;
      default:
        super.receive(i, m);
    }
  }

  /** Stop trying or checking, and follow `leader`. */
  private finish(i: number, leader: number): void {
    this.trying[i] = 0;
    this.ctx.cancelTimer(i, WAIT_TIMER);
    this.stopElecting(i);
    this.ctx.setLeader(i, leader);
  }

  /** Any announcement is followed: the failover list decides who takes over, not the ranks. */
  protected coordinator(i: number, m: Message): void {
    if (m.data) this.failover[i] = m.data as Int32Array;
    this.pinging[i] = -1;
    this.askers[i].length = 0;
    this.ctx.cancelTimer(i, PING_TIMER);
    this.finish(i, m.from);
  }

  timer(i: number, kind: number): void {
    if (kind === WAIT_TIMER) {
      if (this.trying[i]) this.tryNext(i);
    } else if (kind === PING_TIMER) {
      if (this.pinging[i] >= 0) this.takeOver(i);
    } else super.timer(i, kind);
  }

  protected stopElecting(i: number): void {
    super.stopElecting(i);
    if (this.trying[i] || this.pinging[i] >= 0) this.ctx.setBusy(i, true);
  }

  protected becomeLeader(i: number): void {
    this.trying[i] = 0;
    this.ctx.cancelTimer(i, WAIT_TIMER);
    super.becomeLeader(i);
    this.failover[i] = this.listOf(i);
  }

  protected announcement(i: number): unknown {
    return this.listOf(i);
  }

  heartbeatData(i: number): unknown {
    return this.failover[i] ?? this.listOf(i);
  }

  heard(i: number, m: Message): void {
    if (m.data) this.failover[i] = m.data as Int32Array;
  }

  crashed(i: number): void {
    super.crashed(i);
    this.trying[i] = 0;
    this.pinging[i] = -1;
    this.askers[i].length = 0;
    this.failover[i] = null;
  }

  /** A node that comes back waits for the leader's heartbeat (and its list). */
  recovered(_i: number): void {}

  adopted(i: number): void {
    this.trying[i] = 0;
    this.pinging[i] = -1;
    this.askers[i].length = 0;
    this.ctx.cancelTimer(i, WAIT_TIMER);
    this.ctx.cancelTimer(i, PING_TIMER);
    super.adopted(i);
  }
}

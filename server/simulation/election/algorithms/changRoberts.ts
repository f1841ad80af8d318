// Chang–Roberts (1979) on a unidirectional ring. An initiator marks itself a participant and
// sends ELECTION(own id) to its successor. A node receiving ELECTION(j):
//   j > own: forwards it (and becomes a participant);
//   j < own: swallows it if already a participant, else replaces it by ELECTION(own);
//   j = own: its id went all the way round: it is the leader and sends ELECTED(own), which
//            every node forwards until it is back at the leader (n messages).
// A successor that cannot be reached is skipped (the next one is tried). Participants that hear
// no result within a ring timeout start again.
import type { Ctx, Message } from '../engine';
import { BaseAlgorithm } from './base';

const ELECT_TIMER = 0;

export class ChangRoberts extends BaseAlgorithm {
  readonly types: readonly string[] = ['election', 'elected'];
  private readonly ELECTION = 0;
  private readonly ELECTED = 1;
  private readonly participant: Uint8Array;

  constructor(ctx: Ctx) {
    super(ctx);
    this.participant = new Uint8Array(ctx.n);
  }

  start(i: number): void {
    if (this.participant[i]) return;
    this.participate(i);
    this.forward(i, this.next(i), this.ELECTION, i);
  }

  private participate(i: number): void {
    const ctx = this.ctx;
    this.participant[i] = 1;
    ctx.setBusy(i, true);
    ctx.setLeader(i, -1);
    ctx.setTimer(i, ELECT_TIMER, this.ringTimeout);
  }

  /** Sends `type(id)` on from i to `to`; a message come round to its sender is handled there. */
  private forward(i: number, to: number, type: number, id: number): void {
    if (to === i) this.receive(i, { from: i, to: i, type, a: id, b: 0, data: null, sentAt: this.ctx.now });
    else this.ctx.send(i, to, type, id);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    const id = m.a;
    if (m.type === this.ELECTION) {
      if (id === i) {
        this.participant[i] = 0;
        ctx.cancelTimer(i, ELECT_TIMER);
        ctx.setBusy(i, false);
        ctx.setLeader(i, i);
        this.forward(i, this.next(i), this.ELECTED, i);
      } else if (ctx.rank[id] > ctx.rank[i]) {
        if (!this.participant[i]) this.participate(i);
        this.forward(i, this.next(i), this.ELECTION, id);
      } else if (!this.participant[i]) {
        this.participate(i);
        this.forward(i, this.next(i), this.ELECTION, i);
      }
    } else if (m.type === this.ELECTED) {
      if (id === i) return; // back at the leader: everyone knows
      this.participant[i] = 0;
      ctx.cancelTimer(i, ELECT_TIMER);
      ctx.setBusy(i, false);
      ctx.setLeader(i, id);
      this.forward(i, this.next(i), this.ELECTED, id);
    }
  }

  undeliverable(i: number, m: Message): void {
    // Skip the unreachable successor, unless it is the node the message is about (its id would
    // go round for ever): then participants' timeouts restart the election.
    const to = this.next(m.to);
    if (m.to === m.a || (to === i && m.a !== i)) return;
    this.forward(i, to, m.type, m.a);
  }

  timer(i: number, kind: number): void {
    if (kind !== ELECT_TIMER || !this.participant[i]) return;
    this.participant[i] = 0;
    this.ctx.setBusy(i, false);
    this.ctx.restarted(i);
    this.start(i);
  }

  crashed(i: number): void {
    this.participant[i] = 0;
  }

  adopted(i: number): void {
    this.participant[i] = 0;
    this.ctx.cancelTimer(i, ELECT_TIMER);
    this.ctx.setBusy(i, false);
  }
}

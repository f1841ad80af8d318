// The candidate/ordinary optimisation (Petrov, Database Internals, ch. 10): only candidates may
// lead. A node that starts an election waits a delay that grows as its rank falls (δ times the
// number of ranks above it), so higher ranks start first and the others usually hear the
// result before their turn. Then it sends ELECTION to every candidate, collects their OKs for
// an answer timeout, picks the highest-ranked candidate that answered (itself included, if it
// is one) and tells every other node with COORDINATOR. If no candidate answers it tries again
// after a heartbeat timeout.
import type { Ctx, Message } from '../engine';
import { BaseAlgorithm } from './base';

const DELAY_TIMER = 0;
const COLLECT_TIMER = 1;
const RETRY_TIMER = 2;

export class CandidateOrdinary extends BaseAlgorithm {
  readonly types: readonly string[] = ['election', 'ok', 'coordinator'];
  private readonly ELECTION = 0;
  private readonly OK = 1;
  private readonly COORDINATOR = 2;
  private readonly candidate: Uint8Array;
  private readonly candidateList: number[];
  /** The highest-ranked candidate that answered so far, -1 for none. */
  private readonly best: Int32Array;
  private readonly collecting: Uint8Array;

  constructor(ctx: Ctx, candidates: number[], private readonly delta: number) {
    super(ctx);
    this.candidate = new Uint8Array(ctx.n);
    for (const c of candidates) this.candidate[c] = 1;
    this.candidateList = candidates;
    this.best = new Int32Array(ctx.n).fill(-1);
    this.collecting = new Uint8Array(ctx.n);
  }

  start(i: number): void {
    const ctx = this.ctx;
    if (ctx.isBusy(i)) return;
    ctx.setBusy(i, true);
    ctx.setLeader(i, -1);
    const above = ctx.n - 1 - ctx.rankPos[i];
    if (above === 0 || this.delta === 0) this.contact(i);
    else ctx.setTimer(i, DELAY_TIMER, this.delta * above);
  }

  private contact(i: number): void {
    const ctx = this.ctx;
    this.collecting[i] = 1;
    this.best[i] = this.candidate[i] ? i : -1;
    for (const c of this.candidateList) if (c !== i) ctx.send(i, c, this.ELECTION);
    ctx.setTimer(i, COLLECT_TIMER, this.answerTimeout);
  }

  receive(i: number, m: Message): void {
    const ctx = this.ctx;
    if (m.type === this.ELECTION) {
      ctx.send(i, m.from, this.OK);
    } else if (m.type === this.OK) {
      if (this.collecting[i] && (this.best[i] < 0 || ctx.rank[m.from] > ctx.rank[this.best[i]])) this.best[i] = m.from;
    } else if (m.type === this.COORDINATOR) {
      this.stop(i);
      ctx.setLeader(i, m.a);
    }
  }

  timer(i: number, kind: number): void {
    const ctx = this.ctx;
    if (kind === DELAY_TIMER || kind === RETRY_TIMER) {
      if (kind === RETRY_TIMER) ctx.restarted(i);
      this.contact(i);
    } else if (kind === COLLECT_TIMER) {
      this.collecting[i] = 0;
      const leader = this.best[i];
      if (leader < 0) {
        // No candidate is reachable: try again later.
        ctx.setTimer(i, RETRY_TIMER, 3 * Math.max(ctx.heartbeatInterval, 10 * ctx.maxDelay));
        return;
      }
      for (let j = 0; j < ctx.n; j++) if (j !== i) ctx.send(i, j, this.COORDINATOR, leader);
      this.stop(i);
      ctx.setLeader(i, leader);
    }
  }

  private stop(i: number): void {
    const ctx = this.ctx;
    this.collecting[i] = 0;
    ctx.cancelTimer(i, DELAY_TIMER);
    ctx.cancelTimer(i, COLLECT_TIMER);
    ctx.cancelTimer(i, RETRY_TIMER);
    ctx.setBusy(i, false);
  }

  crashed(i: number): void {
    this.collecting[i] = 0;
  }

  adopted(i: number): void {
    this.stop(i);
  }
}

// Defaults shared by the algorithms, and the timeouts they derive from the message delay.
import type { Algorithm, Ctx, Message } from '../engine';

export abstract class BaseAlgorithm implements Algorithm {
  abstract readonly types: readonly string[];

  constructor(protected readonly ctx: Ctx) {}

  abstract start(i: number): void;
  abstract receive(i: number, m: Message): void;
  timer(_i: number, _kind: number): void {}
  undeliverable(_i: number, _m: Message): void {}
  crashed(_i: number): void {}
  /** By default a node that comes back waits for a leader's heartbeat (its detector starts an election if none comes). */
  recovered(_i: number): void {}
  heartbeatTargets(_i: number): Iterable<number> | null {
    return null;
  }
  /** A heartbeat from a higher-ranked leader wins: after a partition heals, the higher leader stays. */
  adoptHeartbeat(i: number, from: number): boolean {
    const ctx = this.ctx;
    if (ctx.isBusy(i)) return false;
    const current = ctx.leader[i];
    return current < 0 || ctx.rank[from] > ctx.rank[current];
  }
  adopted(_i: number): void {}
  heartbeatData(_i: number): unknown {
    return null;
  }
  heard(_i: number, _m: Message): void {}

  /** An answer comes back within two delays: wait three. */
  protected get answerTimeout(): number {
    return 3 * this.ctx.maxDelay;
  }

  /** Around the ring and back, with time to skip dead nodes. */
  protected get ringTimeout(): number {
    return (4 * this.ctx.n + 10) * this.ctx.maxDelay;
  }

  /** The ring successor of node i (nodes are indexed in ring order). */
  protected next(i: number): number {
    return i + 1 === this.ctx.n ? 0 : i + 1;
  }
}

// Keras' EarlyStopping (keras/src/callbacks/early_stopping.py) and ModelCheckpoint's
// save_best_only test, as plain state machines: the trainer feeds them each epoch's logs and
// acts on their answers. Their state is plain JSON, so a resumed run continues with the same
// patience count and best value.
import { increases, type EarlyStoppingSpec } from './config';

export interface EarlyStoppingState {
  wait: number;
  best: number;
  /** 0-based epoch of the best value, -1 before any. */
  bestEpoch: number;
  /** 0-based epoch at which training was stopped, 0 when it was not (as Keras). */
  stoppedEpoch: number;
  /** Whether best weights were recorded (the trainer keeps them). */
  hasBestWeights: boolean;
}

export type EarlyStoppingAction = 'none' | 'improved' | 'stop';

export class EarlyStopping {
  readonly minimise: boolean;
  /** Signed as Keras: subtracted from the value before comparing, negative when minimising. */
  private readonly minDelta: number;
  state: EarlyStoppingState;

  constructor(readonly spec: EarlyStoppingSpec, state?: EarlyStoppingState) {
    this.minimise = spec.mode === 'min' || (spec.mode === 'auto' && !increases(spec.monitor));
    this.minDelta = this.minimise ? -Math.abs(spec.minDelta) : Math.abs(spec.minDelta);
    const none = this.minimise ? Infinity : -Infinity;
    // JSON has no Infinity: a saved state's "no best yet" comes back as null.
    this.state = state ? { ...state, best: state.best ?? none } : { wait: 0, best: none, bestEpoch: -1, stoppedEpoch: 0, hasBestWeights: false };
  }

  private isImprovement(value: number, reference: number): boolean {
    const v = value - this.minDelta;
    return this.minimise ? v < reference : v > reference;
  }

  /**
   * Keras' on_epoch_end for 0-based `epoch`. 'improved': record the current weights as the best
   * (with restoreBestWeights); 'stop': stop training. `recordWeights` is called when the current
   * weights must become the best ones (including Keras' "first monitored epoch" rule).
   */
  onEpochEnd(epoch: number, logs: Record<string, number>, recordWeights: () => void): EarlyStoppingAction {
    const current = logs[this.spec.monitor];
    if (current === undefined || epoch < this.spec.startFromEpoch) return 'none';
    const s = this.state;
    if (this.spec.restoreBestWeights && !s.hasBestWeights) {
      // Keras: if best weights were never set, the current weights are the best.
      recordWeights();
      s.hasBestWeights = true;
      s.bestEpoch = epoch;
    }
    s.wait += 1;
    if (this.isImprovement(current, s.best)) {
      s.best = current;
      s.bestEpoch = epoch;
      if (this.spec.restoreBestWeights) recordWeights();
      // Only restart the wait when both the baseline and the previous best are beaten.
      if (this.spec.baseline === undefined || this.isImprovement(current, this.spec.baseline)) s.wait = 0;
      return 'improved';
    }
    if (s.wait >= this.spec.patience && epoch > 0) {
      s.stoppedEpoch = epoch;
      return 'stop';
    }
    return 'none';
  }

  /** Keras' on_train_end: whether the best weights are to be restored now. */
  shouldRestoreAtEnd(): boolean {
    return this.spec.restoreBestWeights && this.state.hasBestWeights;
  }
}

/** ModelCheckpoint(save_best_only=True)'s test: save when the monitored value beats the best so far. */
export class BestCheckpoint {
  readonly minimise: boolean;
  best: number;
  constructor(readonly monitor: string, mode: 'auto' | 'min' | 'max', best?: number | null) {
    this.minimise = mode === 'min' || (mode === 'auto' && !increases(monitor));
    this.best = best ?? (this.minimise ? Infinity : -Infinity);
  }

  /** Whether this epoch's value is a new best (then it becomes the best). */
  improves(logs: Record<string, number>): boolean {
    const v = logs[this.monitor];
    if (v === undefined || Number.isNaN(v)) return false;
    if (this.minimise ? v < this.best : v > this.best) {
      this.best = v;
      return true;
    }
    return false;
  }
}

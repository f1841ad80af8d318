// Musical time of a MIDI file: bars and beats from its time signatures, seconds from its tempo
// map (the same tempo map the server uses: server/music/tempoMap.ts, pure code).
import { secondsToTicks, tempoSegments, ticksToSeconds, type TempoSegment } from '../../server/music/tempoMap';

/** Bars laid out at most (a pathological file — hours at one tick per quarter — stops there; barBeat() goes on). */
const MAX_BARS = 200_000;

export interface Bar {
  /** 1-based bar number. */
  number: number;
  ticks: number;
  /** Beats in the bar and ticks per beat (the time signature's denominator note). */
  beats: number;
  beatTicks: number;
}

export interface TimeSignature {
  ticks: number;
  numerator: number;
  denominator: number;
}

export class Timeline {
  readonly bars: Bar[] = [];
  private readonly segments: TempoSegment[];

  /** Bars are laid out up to at least `endTicks`. */
  constructor(readonly ppq: number, tempos: readonly { ticks: number; bpm: number }[], timeSignatures: readonly TimeSignature[], endTicks: number) {
    this.segments = tempoSegments(tempos, ppq);
    const signatures = timeSignatures.length ? [...timeSignatures].sort((a, b) => a.ticks - b.ticks) : [{ ticks: 0, numerator: 4, denominator: 4 }];
    if (signatures[0].ticks > 0) signatures.unshift({ ticks: 0, numerator: 4, denominator: 4 });
    let number = 1;
    for (let i = 0; i < signatures.length; i++) {
      const sig = signatures[i];
      const next = signatures[i + 1]?.ticks ?? Infinity;
      const beatTicks = (ppq * 4) / sig.denominator;
      // A signature takes effect at its tick: a bar it cuts short ends there.
      for (let ticks = sig.ticks; ticks < next && (next !== Infinity || ticks <= endTicks || this.bars.length === 0) && this.bars.length < MAX_BARS; ticks += beatTicks * sig.numerator) {
        this.bars.push({ number: number++, ticks, beats: sig.numerator, beatTicks });
      }
    }
  }

  /** Index of the bar holding `ticks` (the last bar for ticks beyond it). */
  barIndexAt(ticks: number): number {
    let lo = 0;
    let hi = this.bars.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.bars[mid].ticks <= ticks) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Bar (1-based) and beat (1-based, fractional) of a tick. */
  barBeat(ticks: number): { bar: number; beat: number } {
    const bar = this.bars[this.barIndexAt(ticks)];
    const beatsIn = (ticks - bar.ticks) / bar.beatTicks;
    // Past the last laid-out bar, bars of the same length continue.
    const extraBars = Math.floor(beatsIn / bar.beats);
    return { bar: bar.number + extraBars, beat: 1 + beatsIn - extraBars * bar.beats };
  }

  seconds(ticks: number): number {
    return ticksToSeconds(this.segments, this.ppq, ticks);
  }

  ticks(seconds: number): number {
    return secondsToTicks(this.segments, this.ppq, seconds);
  }

  /** Quarter notes per minute at a tick. */
  bpmAt(ticks: number): number {
    let bpm = this.segments[0].bpm;
    for (const s of this.segments) if (s.ticks <= ticks) bpm = s.bpm;
    return bpm;
  }
}

// Ticks to seconds under a file's tempo changes. As the MIDI standard has it, 120 quarter notes
// per minute hold until the first Set Tempo event. (@tonejs/midi instead times the stretch
// before a first tempo event that is not at tick 0 with that event's tempo.)

export interface TempoSegment {
  ticks: number;
  bpm: number;
  /** Seconds at `ticks`. */
  seconds: number;
}

export const DEFAULT_BPM = 120;

/** Segments from tick 0, one per tempo change (later events at the same tick win). */
export function tempoSegments(tempos: readonly { ticks: number; bpm: number }[], ppq: number): TempoSegment[] {
  const sorted = [...tempos].filter(t => t.bpm > 0 && Number.isFinite(t.bpm)).sort((a, b) => a.ticks - b.ticks);
  const out: TempoSegment[] = [{ ticks: 0, bpm: DEFAULT_BPM, seconds: 0 }];
  for (const t of sorted) {
    const last = out[out.length - 1];
    const seconds = last.seconds + ((t.ticks - last.ticks) / ppq) * (60 / last.bpm);
    if (t.ticks === last.ticks) out[out.length - 1] = { ticks: t.ticks, bpm: t.bpm, seconds: last.seconds };
    else out.push({ ticks: t.ticks, bpm: t.bpm, seconds });
  }
  return out;
}

function segmentIndex<K extends 'ticks' | 'seconds'>(segments: readonly TempoSegment[], key: K, value: number): number {
  let lo = 0;
  let hi = segments.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (segments[mid][key] <= value) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

export function ticksToSeconds(segments: readonly TempoSegment[], ppq: number, ticks: number): number {
  const s = segments[segmentIndex(segments, 'ticks', ticks)];
  return s.seconds + ((ticks - s.ticks) / ppq) * (60 / s.bpm);
}

export function secondsToTicks(segments: readonly TempoSegment[], ppq: number, seconds: number): number {
  const s = segments[segmentIndex(segments, 'seconds', seconds)];
  return s.ticks + ((seconds - s.seconds) * s.bpm * ppq) / 60;
}

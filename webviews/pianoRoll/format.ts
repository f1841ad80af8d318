// Text for times, beats and pitches.

const PITCH_CLASSES = ['C', 'C#', 'D', 'D#', 'E', 'F', 'F#', 'G', 'G#', 'A', 'A#', 'B'];

/** MIDI 60 → "C4" (the names the tokens use). */
export function pitchName(midi: number): string {
  return `${PITCH_CLASSES[midi % 12]}${Math.floor(midi / 12) - 1}`;
}

/** 4.25 → "0:04.250"; 75.5 → "1:15.500". */
export function formatSeconds(seconds: number, decimals = 3): string {
  const s = Math.max(0, seconds);
  const m = Math.floor(s / 60);
  const rest = (s - m * 60).toFixed(decimals);
  return `${m}:${rest.padStart(decimals ? 3 + decimals : 2, '0')}`;
}

/** 2 → "2", 2.5 → "2.5", 2.3333 → "2.33". */
export function formatBeats(beats: number): string {
  return String(Math.round(beats * 100) / 100);
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

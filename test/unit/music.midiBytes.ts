// Standard MIDI Files written byte by byte for the music tests, independently of the code under
// test (which writes through @tonejs/midi): chunks, variable-length numbers and events as the
// SMF 1.0 specification lays them out, so tests can also write what no library would (SMPTE
// division, truncation, a key signature with mode 255…).

/** Variable-length quantity: 7 bits per byte, most significant first, high bit on all but the last. */
export function vlq(n: number): number[] {
  const out = [n & 0x7f];
  for (n = Math.floor(n / 128); n > 0; n = Math.floor(n / 128)) out.unshift((n & 0x7f) | 0x80);
  return out;
}

function u32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

function u16(n: number): number[] {
  return [(n >>> 8) & 0xff, n & 0xff];
}

const text = (s: string) => [...Buffer.from(s, 'latin1')];

export const meta = {
  trackName: (name: string) => [0xff, 0x03, ...vlq(name.length), ...text(name)],
  /** Quarter notes per minute → microseconds per quarter note. */
  tempo: (bpm: number) => {
    const us = Math.round(60_000_000 / bpm);
    return [0xff, 0x51, 0x03, (us >> 16) & 0xff, (us >> 8) & 0xff, us & 0xff];
  },
  timeSignature: (numerator: number, denominatorPower: number) => [0xff, 0x58, 0x04, numerator, denominatorPower, 24, 8],
  keySignature: (sharps: number, mode: number) => [0xff, 0x59, 0x02, sharps & 0xff, mode],
  endOfTrack: () => [0xff, 0x2f, 0x00],
};

export const noteOn = (channel: number, pitch: number, velocity: number) => [0x90 | channel, pitch, velocity];
export const noteOff = (channel: number, pitch: number) => [0x80 | channel, pitch, 0x40];
export const programChange = (channel: number, program: number) => [0xc0 | channel, program];

/** An event at an absolute tick. */
export interface TimedEvent {
  tick: number;
  bytes: number[];
}

/** The MTrk chunk of events (sorted by tick, stable), with End of Track after the last unless told not to. */
export function trackChunk(events: TimedEvent[], { endOfTrack = true } = {}): number[] {
  const sorted = events.map((e, i) => ({ ...e, i })).sort((a, b) => a.tick - b.tick || a.i - b.i);
  const data: number[] = [];
  let last = 0;
  for (const e of sorted) {
    data.push(...vlq(e.tick - last), ...e.bytes);
    last = e.tick;
  }
  if (endOfTrack) data.push(0, ...meta.endOfTrack());
  return [...text('MTrk'), ...u32(data.length), ...data];
}

/** MThd + the given MTrk chunks. `division`: ticks per quarter note, or a raw 16-bit value (SMPTE when its top bit is set). */
export function smf(format: number, division: number, chunks: number[][], declaredTracks = chunks.length): Buffer {
  return Buffer.from([...text('MThd'), ...u32(6), ...u16(format), ...u16(declaredTracks), ...u16(division), ...chunks.flat()]);
}

export interface TestNote {
  pitch: number;
  tick: number;
  duration: number;
  velocity?: number;
}

/** Events of notes on one channel: note-on at the start, note-off (0x80) at the end; note-offs first at equal ticks. */
export function noteEvents(notes: TestNote[], channel: number): TimedEvent[] {
  const offs = notes.map(n => ({ tick: n.tick + n.duration, bytes: noteOff(channel, n.pitch) }));
  const ons = notes.map(n => ({ tick: n.tick, bytes: noteOn(channel, n.pitch, n.velocity ?? 100) }));
  return [...offs, ...ons];
}

/** A melodic track: name, program change, notes. */
export function notesTrack(notes: TestNote[], { name, channel = 0, program }: { name?: string; channel?: number; program?: number } = {}): number[] {
  const head: TimedEvent[] = [];
  if (name !== undefined) head.push({ tick: 0, bytes: meta.trackName(name) });
  if (program !== undefined) head.push({ tick: 0, bytes: programChange(channel, program) });
  return trackChunk([...head, ...noteEvents(notes, channel)]);
}

/** A format 1 conductor track: tempo and time signature at tick 0. */
export function conductorTrack(bpm = 120, extra: TimedEvent[] = []): number[] {
  return trackChunk([{ tick: 0, bytes: meta.tempo(bpm) }, { tick: 0, bytes: meta.timeSignature(4, 2) }, ...extra]);
}

// A structural check of a Standard MIDI File before it is parsed. midi-file (the parser under
// @tonejs/midi) reads past the end of a truncated file without complaint, yielding undefined
// values and silently missing tracks; this pass walks the chunks and events first so that a bad
// file fails with a message naming the track and byte, and so that oddities that do not stop a
// file from being read (an invalid key signature, a missing End of Track) become warnings.
import { UserError } from '../common/errors';

export interface MidiWarning {
  /** 1-based MTrk chunk number, when the warning concerns a track. */
  track?: number;
  /** Byte offset in the file. */
  byte?: number;
  message: string;
}

export interface MidiStructure {
  format: number;
  /** Number of MTrk chunks the header announces. */
  declaredTracks: number;
  ticksPerBeat: number;
  warnings: MidiWarning[];
  /** Byte ranges [start, end) of the MTrk chunks read (header included), for rebuilding a file without unknown chunks. */
  trackChunks: [number, number][];
  /** Whether the file holds anything besides the header and the announced MTrk chunks. */
  hasExtraChunks: boolean;
}

const MAX_VLQ_BYTES = 4;

function ascii(bytes: Uint8Array, at: number, n: number): string {
  let s = '';
  for (let i = at; i < at + n && i < bytes.length; i++) s += bytes[i] >= 0x20 && bytes[i] < 0x7f ? String.fromCharCode(bytes[i]) : '.';
  return s;
}

function hex(bytes: Uint8Array, at: number, n: number): string {
  return [...bytes.subarray(at, at + n)].map(b => b.toString(16).padStart(2, '0')).join(' ');
}

function u32(b: Uint8Array, at: number): number {
  return ((b[at] << 24) >>> 0) + (b[at + 1] << 16) + (b[at + 2] << 8) + b[at + 3];
}

/** Data bytes each channel message takes, by status nibble (0x8n … 0xEn). */
const CHANNEL_DATA_BYTES: Record<number, number> = { 0x8: 2, 0x9: 2, 0xa: 2, 0xb: 2, 0xc: 1, 0xd: 1, 0xe: 2 };

/**
 * Checks the chunk and event structure of a MIDI file. Throws a UserError naming `file` for
 * what makes it unreadable (not a MIDI file, SMPTE time division, truncation, corrupt events);
 * returns warnings for what can be read around.
 */
export function checkMidiStructure(bytes: Uint8Array, file: string): MidiStructure {
  const fail = (message: string): never => { throw new UserError(message, file); };
  if (bytes.length === 0) fail('the file is empty');
  if (ascii(bytes, 0, 4) !== 'MThd') {
    const riff = ascii(bytes, 0, 4) === 'RIFF' ? ' (a RIFF file: save it as a plain Standard MIDI File)' : '';
    fail(`not a Standard MIDI File: it starts with bytes ${hex(bytes, 0, 4)} ("${ascii(bytes, 0, 4)}"), not "MThd"${riff}`);
  }
  if (bytes.length < 14) fail(`truncated: ${bytes.length} bytes, shorter than the 14-byte MThd header`);
  const headerLength = u32(bytes, 4);
  if (headerLength < 6) fail(`the MThd header declares ${headerLength} bytes; it needs at least 6`);
  if (8 + headerLength > bytes.length) fail(`truncated inside the MThd header (it declares ${headerLength} bytes)`);
  const format = (bytes[8] << 8) | bytes[9];
  const declaredTracks = (bytes[10] << 8) | bytes[11];
  const division = (bytes[12] << 8) | bytes[13];
  const warnings: MidiWarning[] = [];
  if (format > 2) fail(`unknown MIDI file format ${format} (0, 1 and 2 exist)`);
  if (division & 0x8000) {
    const fps = 0x100 - (division >> 8);
    fail(`uses SMPTE time division (${fps} frames per second × ${division & 0xff} ticks per frame); only files timed in ticks per quarter note are supported`);
  }
  if (division === 0) fail('the header gives 0 ticks per quarter note');
  if (declaredTracks === 0) fail('the header announces no tracks');
  if (format === 0 && declaredTracks !== 1) warnings.push({ message: `a format 0 file should hold 1 track; the header announces ${declaredTracks}` });

  let pos = 8 + headerLength;
  let track = 0;
  const trackChunks: [number, number][] = [];
  let hasExtraChunks = headerLength !== 6;
  while (pos < bytes.length) {
    if (bytes.length - pos < 8) {
      if (track >= declaredTracks) {
        warnings.push({ byte: pos, message: `${bytes.length - pos} stray byte(s) after the last track, ignored` });
        hasExtraChunks = true;
        break;
      }
      fail(`truncated at byte ${pos}: ${bytes.length - pos} byte(s) where the header of track ${track + 1} should start`);
    }
    const id = ascii(bytes, pos, 4);
    const length = u32(bytes, pos + 4);
    const start = pos + 8;
    if (id !== 'MTrk') {
      // The standard says readers skip chunk types they do not know; not knowing the id at all
      // (binary garbage) means the file is damaged.
      if (!/^[A-Za-z]{4}$/.test(id)) {
        if (track >= declaredTracks) {
          warnings.push({ byte: pos, message: `${bytes.length - pos} unreadable byte(s) after the last track, ignored` });
          hasExtraChunks = true;
          break;
        }
        fail(`corrupt at byte ${pos}: expected the "MTrk" header of track ${track + 1}, found bytes ${hex(bytes, pos, 4)}`);
      }
      if (start + length > bytes.length) fail(`truncated: chunk "${id}" at byte ${pos} declares ${length} bytes but only ${bytes.length - start} remain`);
      warnings.push({ byte: pos, message: `unknown chunk "${id}" (${length} bytes) skipped` });
      hasExtraChunks = true;
      pos = start + length;
      continue;
    }
    track++;
    if (start + length > bytes.length) {
      fail(`truncated: track ${track} (at byte ${pos}) declares ${length} bytes but only ${bytes.length - start} remain`);
    }
    if (track > declaredTracks) {
      warnings.push({ track, byte: pos, message: `track ${track} is beyond the ${declaredTracks} the header announces and is ignored` });
      hasExtraChunks = true;
    } else {
      checkTrack(bytes, start, start + length, track, fail, warnings);
      trackChunks.push([pos, start + length]);
    }
    pos = start + length;
  }
  if (track < declaredTracks) fail(`truncated: the header announces ${declaredTracks} tracks but the file holds ${track}`);
  return { format, declaredTracks, ticksPerBeat: division, warnings, trackChunks, hasExtraChunks };
}

function checkTrack(b: Uint8Array, start: number, end: number, track: number, fail: (m: string) => never, warnings: MidiWarning[]): void {
  let pos = start;
  let running = 0;
  let ticks = 0;
  const where = (at: number) => `track ${track}, byte ${at}`;
  const vlq = (): number => {
    let value = 0;
    for (let i = 0; i < MAX_VLQ_BYTES; i++) {
      if (pos >= end) fail(`${where(pos)}: the track's data ends inside a variable-length number`);
      const byte = b[pos++];
      value = value * 128 + (byte & 0x7f);
      if (!(byte & 0x80)) return value;
    }
    return fail(`${where(pos - MAX_VLQ_BYTES)}: a variable-length number longer than ${MAX_VLQ_BYTES} bytes`);
  };
  const need = (n: number, what: string, at: number) => {
    if (pos + n > end) fail(`${where(at)}: the track's data ends inside ${what} (${n} byte(s) needed, ${end - pos} left)`);
  };
  let endOfTrack = -1;
  while (pos < end) {
    const eventStart = pos;
    ticks += vlq();
    if (endOfTrack >= 0) {
      warnings.push({ track, byte: eventStart, message: `events after End of Track (byte ${endOfTrack}) in track ${track}` });
      endOfTrack = -1;
    }
    if (pos >= end) fail(`${where(eventStart)}: the track's data ends after a delta time, before its event`);
    let status = b[pos];
    if (status < 0x80) {
      if (!running) fail(`${where(pos)}: data byte 0x${status.toString(16).padStart(2, '0')} where an event's status byte is needed (no running status yet)`);
      status = running;
    } else {
      pos++;
    }
    if (status === 0xff) {
      need(1, 'a meta event', eventStart);
      const type = b[pos++];
      const length = vlq();
      need(length, `meta event 0x${type.toString(16).padStart(2, '0')}`, eventStart);
      checkMeta(b, pos, type, length, ticks, track, eventStart, fail, warnings);
      if (type === 0x2f) endOfTrack = eventStart;
      // The standard says meta and system exclusive events cancel running status, but files
      // in the wild rely on it continuing, and midi-file reads them that way: so do we.
      pos += length;
    } else if (status === 0xf0 || status === 0xf7) {
      const length = vlq();
      need(length, 'a system exclusive message', eventStart);
      pos += length;
    } else if (status >= 0xf0) {
      fail(`${where(eventStart)}: status byte 0x${status.toString(16)} is not allowed in a MIDI file`);
    } else {
      const n = CHANNEL_DATA_BYTES[status >> 4];
      need(n, 'a channel message', eventStart);
      for (let i = 0; i < n; i++) {
        if (b[pos + i] & 0x80) fail(`${where(pos + i)}: data byte 0x${b[pos + i].toString(16)} of a channel message is above 0x7f`);
      }
      pos += n;
      running = status;
    }
  }
  if (endOfTrack < 0) warnings.push({ track, message: `track ${track} has no End of Track event` });
}

function checkMeta(
  b: Uint8Array, at: number, type: number, length: number, ticks: number, track: number, eventStart: number,
  fail: (m: string) => never, warnings: MidiWarning[],
): void {
  const warn = (message: string) => warnings.push({ track, byte: eventStart, message: `track ${track} at tick ${ticks}: ${message}` });
  switch (type) {
    case 0x2f:
      if (length !== 0) fail(`track ${track}, byte ${eventStart}: an End of Track event must hold 0 bytes, this one holds ${length}`);
      break;
    case 0x51: {
      if (length !== 3) fail(`track ${track}, byte ${eventStart}: a tempo event must hold 3 bytes, this one holds ${length}`);
      const usPerBeat = (b[at] << 16) | (b[at + 1] << 8) | b[at + 2];
      if (usPerBeat === 0) warn('a tempo of 0 microseconds per beat; ignored');
      break;
    }
    case 0x58: {
      if (length !== 4 && length !== 2) fail(`track ${track}, byte ${eventStart}: a time signature must hold 4 bytes, this one holds ${length}`);
      const numerator = b[at];
      const power = b[at + 1];
      if (numerator === 0 || power > 6) warn(`invalid time signature ${numerator}/2^${power}; ignored`);
      break;
    }
    case 0x59: {
      if (length !== 2) fail(`track ${track}, byte ${eventStart}: a key signature must hold 2 bytes, this one holds ${length}`);
      const sf = b[at] > 127 ? b[at] - 256 : b[at];
      const mode = b[at + 1];
      if (sf < -7 || sf > 7) warn(`invalid key signature: ${sf} sharps/flats (−7…7 allowed); ignored`);
      else if (mode > 1) warn(`invalid key signature: mode ${mode} (0 major or 1 minor allowed); ignored`);
      break;
    }
    case 0x00:
      if (length !== 2) fail(`track ${track}, byte ${eventStart}: a sequence number must hold 2 bytes, this one holds ${length}`);
      break;
    case 0x20:
    case 0x21:
      if (length !== 1) fail(`track ${track}, byte ${eventStart}: a ${type === 0x20 ? 'channel' : 'port'} prefix must hold 1 byte, this one holds ${length}`);
      break;
    case 0x54:
      if (length !== 5) fail(`track ${track}, byte ${eventStart}: an SMPTE offset must hold 5 bytes, this one holds ${length}`);
      break;
    default:
      break;
  }
}

/** Whether a key signature event's values are valid (−7…7 sharps/flats, mode 0 or 1). */
export function validKeySignature(key: number, scale: number): boolean {
  return Number.isInteger(key) && key >= -7 && key <= 7 && (scale === 0 || scale === 1);
}

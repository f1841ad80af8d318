// RFC 4180 tokenizing over bytes, one buffer at a time, without making strings: each record's
// fields are byte ranges into the buffer. Records end at LF, CRLF or a lone CR (as in Python's
// csv module and editors); a record can span lines inside quotes. A quote is special only at
// the start of a field; inside a quoted field "" stands for one quote. Text after a closing
// quote is kept (as Python's csv does) and the field is marked so it can be reported.

import { isUtf8 } from 'node:buffer';

export const QUOTE = 0x22;
export const LF = 0x0a;
export const CR = 0x0d;

/** How a field's value is read from its bytes [start, end). */
export const enum FieldKind {
  /** The bytes as they are. */
  Plain = 0,
  /** Quoted, no "" inside: the bytes between the quotes. */
  Quoted = 1,
  /** Quoted with "" inside, or text after the closing quote: see decodeField(). */
  Escaped = 2,
  /** As Escaped, and text follows the closing quote (worth a warning). */
  TextAfterQuote = 3,
}

/** Why parse() stopped before `end`. */
export const enum Stop {
  /** Parsed everything it was given. */
  End = 0,
  /** The next record starts at or after `stopAt`. */
  StopAt = 1,
  /** The last record continues past the buffer: call again with more bytes from the returned offset. */
  Incomplete = 2,
  /** The input ended inside a quoted field (only when `isLast`). */
  UnterminatedQuote = 3,
}

export class CsvTokenizer {
  // The current record, valid inside onRecord: fields [0, fieldCount) of `buf`.
  buf: Buffer = Buffer.alloc(0);
  fieldCount = 0;
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  kinds = new Uint8Array(16);
  /** 1 when the field holds a byte >= 0x80 (so may not be valid UTF-8). */
  nonAscii = new Uint8Array(16);
  recordStart = 0;
  recordEnd = 0;
  /** Line of the current record's start (lines counted from whatever `line` started at). */
  recordLine = 0;
  /** The line the next record starts on. */
  line: number;
  stop: Stop = Stop.End;
  /** After Incomplete or UnterminatedQuote: where the open quote of the cut record is in `buf` (-1: none). */
  openQuoteOffset = -1;
  /** Set by onRecord to make parse() return (Stop.StopAt) right after the current record. */
  halt = false;

  constructor(readonly delimiter: number, firstLine = 1) {
    this.line = firstLine;
  }

  /**
   * Tokenizes the records of buf[pos, end), calling onRecord for each complete one, skipping
   * blank lines. Returns the offset where it stopped (see `stop`): at `end`, at the start of
   * the first record at or after `stopAt`, or at the start of a record cut by the end of the
   * buffer, to be given again with more bytes. With `isLast`, the end of the buffer ends the
   * last record.
   */
  parse(buf: Buffer, pos: number, end: number, isLast: boolean, stopAt: number, onRecord: () => void): number {
    this.buf = buf;
    const delimiter = this.delimiter;
    while (pos < end) {
      if (pos >= stopAt) {
        this.stop = Stop.StopAt;
        return pos;
      }
      const recordStart = pos;
      let c = buf[pos];
      // A blank line is not a record (TFDV skips them too).
      if (c === LF || c === CR) {
        if (c === CR && pos + 1 >= end && !isLast) return this.cut(recordStart, -1);
        pos += c === CR && pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
        this.line++;
        continue;
      }
      let nf = 0;
      let innerLines = 0;
      for (;;) {
        const fieldStart = pos;
        let kind = FieldKind.Plain;
        let high = 0;
        if (pos < end && buf[pos] === QUOTE) {
          kind = FieldKind.Quoted;
          pos++;
          for (;;) {
            if (pos >= end) {
              if (!isLast) return this.cut(recordStart, fieldStart);
              this.openQuoteOffset = fieldStart;
              this.stop = Stop.UnterminatedQuote;
              return recordStart;
            }
            c = buf[pos];
            if (c === QUOTE) {
              // Whether this quote closes the field or starts a "" depends on the next byte.
              if (pos + 1 >= end && !isLast) return this.cut(recordStart, fieldStart);
              if (pos + 1 < end && buf[pos + 1] === QUOTE) {
                kind = FieldKind.Escaped;
                pos += 2;
                continue;
              }
              pos++;
              break;
            }
            if (c === LF) innerLines++;
            else if (c === CR) {
              if (pos + 1 >= end && !isLast) return this.cut(recordStart, fieldStart);
              if (pos + 1 >= end || buf[pos + 1] !== LF) innerLines++;
            }
            high |= c;
            pos++;
          }
          if (pos < end && (c = buf[pos]) !== delimiter && c !== LF && c !== CR) {
            kind = FieldKind.TextAfterQuote;
            while (pos < end && (c = buf[pos]) !== delimiter && c !== LF && c !== CR) {
              high |= c;
              pos++;
            }
          }
        } else {
          while (pos < end && (c = buf[pos]) !== delimiter && c !== LF && c !== CR) {
            high |= c;
            pos++;
          }
        }
        if (nf === this.starts.length) this.grow();
        this.starts[nf] = fieldStart;
        this.ends[nf] = pos;
        this.kinds[nf] = kind;
        this.nonAscii[nf] = high >>> 7;
        nf++;
        if (pos >= end) {
          if (!isLast) return this.cut(recordStart, -1);
          this.emit(recordStart, pos, nf, innerLines, onRecord);
          break;
        }
        c = buf[pos];
        if (c === delimiter) {
          pos++;
          continue;
        }
        // A line break ends the record.
        if (c === CR) {
          if (pos + 1 >= end && !isLast) return this.cut(recordStart, -1);
          pos += pos + 1 < end && buf[pos + 1] === LF ? 2 : 1;
        } else pos++;
        this.emit(recordStart, pos, nf, innerLines, onRecord);
        this.line++;
        break;
      }
      if (this.halt) {
        this.halt = false;
        this.stop = Stop.StopAt;
        return pos;
      }
    }
    this.stop = Stop.End;
    return end;
  }

  /** The record at `recordStart` goes on past the buffer. */
  private cut(recordStart: number, openQuoteOffset: number): number {
    this.openQuoteOffset = openQuoteOffset;
    this.stop = Stop.Incomplete;
    return recordStart;
  }

  private emit(start: number, end: number, nf: number, innerLines: number, onRecord: () => void): void {
    this.fieldCount = nf;
    this.recordStart = start;
    this.recordEnd = end;
    this.recordLine = this.line;
    this.line += innerLines;
    onRecord();
  }

  private grow(): void {
    const n = this.starts.length * 2;
    const grown = <T extends Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.starts = grown(this.starts, new Int32Array(n));
    this.ends = grown(this.ends, new Int32Array(n));
    this.kinds = grown(this.kinds, new Uint8Array(n));
    this.nonAscii = grown(this.nonAscii, new Uint8Array(n));
  }

  /** The value bytes of field i of the current record (a copy only for escaped fields). */
  fieldBytes(i: number): Buffer {
    return decodeField(this.buf, this.starts[i], this.ends[i], this.kinds[i]);
  }

  /** Field i of the current record as text (invalid UTF-8 becomes U+FFFD). */
  fieldText(i: number): string {
    return this.fieldBytes(i).toString('utf8');
  }

  /** Whether field i of the current record is valid UTF-8. */
  fieldIsUtf8(i: number): boolean {
    return this.nonAscii[i] === 0 || isUtf8(this.fieldBytes(i));
  }

  /**
   * 1-based line and column of byte `offset` of the current record (a field's start is its
   * first byte, the opening quote for a quoted field). Columns count UTF-16 code units from
   * the line's start, as editors do; for ASCII that is bytes. `lineStartOffset` is where the
   * record's first line starts in `buf` (before the record only when a BOM was skipped).
   */
  positionOf(offset: number, lineStartOffset = this.recordStart): { line: number; column: number } {
    return positionIn(this.buf, this.recordStart, this.recordLine, offset, lineStartOffset);
  }
}

/** Line and column of byte `offset` of a record that starts at `recordStart` on `recordLine`. */
export function positionIn(buf: Uint8Array, recordStart: number, recordLine: number, offset: number, lineStartOffset = recordStart): { line: number; column: number } {
  let line = recordLine;
  let lineStart = lineStartOffset;
  for (let i = recordStart; i < offset; i++) {
    const c = buf[i];
    if (c === LF || (c === CR && buf[i + 1] !== LF)) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: columnWidth(buf, lineStart, offset) + 1 };
}

/** Number of UTF-16 code units the UTF-8 bytes buf[start, end) decode to. */
export function columnWidth(buf: Uint8Array, start: number, end: number): number {
  let ascii = true;
  for (let i = start; i < end; i++) if (buf[i] >= 0x80) { ascii = false; break; }
  if (ascii) return end - start;
  return Buffer.from(buf.buffer, buf.byteOffset + start, end - start).toString('utf8').length;
}

/** The value bytes of a field given its raw range and kind. */
export function decodeField(buf: Buffer, start: number, end: number, kind: number): Buffer {
  if (kind === FieldKind.Plain) return buf.subarray(start, end);
  if (kind === FieldKind.Quoted) return buf.subarray(start + 1, end - 1);
  // As Python's csv: inside quotes "" is a quote; after the closing quote, bytes are literal.
  const out = Buffer.allocUnsafe(end - start);
  let n = 0;
  let quoted = true;
  for (let i = start + 1; i < end; i++) {
    const c = buf[i];
    if (quoted && c === QUOTE) {
      if (i + 1 < end && buf[i + 1] === QUOTE) {
        out[n++] = QUOTE;
        i++;
      } else quoted = false;
      continue;
    }
    out[n++] = c;
  }
  return out.subarray(0, n);
}

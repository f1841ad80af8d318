// Streaming CSV reading for callers that want the records themselves (diagnostics, previews):
// `readCsv` yields the header and then every record with its line, the 1-based line and
// column of each field, and the problems found in it. Memory stays bounded: the file is read
// in 1 MiB chunks, and one record may not exceed 64 MiB.

import * as fs from 'node:fs';
import { CancelledError, UserError, throwIfAborted } from '../common/errors';
import { MAX_RECORD_BYTES, READ_FLAGS, readLoop, type ChunkConsumer } from './chunkReader';
import { CR, CsvTokenizer, FieldKind, LF, Stop, columnWidth, positionIn } from './csvTokenizer';

/** A problem in one record: reported, never fatal. */
export interface CsvProblem {
  kind: 'raggedRow' | 'textAfterQuote' | 'invalidUtf8' | 'moreProblems';
  /** 1-based line (of the record, or of the field). */
  line: number;
  /** 1-based column (UTF-16 code units, as editors count) of the field concerned. */
  column?: number;
  /** The column (feature) concerned. */
  feature?: string;
  message: string;
}

export interface CsvRecord {
  /** 0 for the header, then 1, 2, … for the records after it. */
  index: number;
  /** Line where the record starts. */
  line: number;
  /** Byte offset of the record in the file. */
  offset: number;
  /** Field values as UTF-8 text (invalid bytes become U+FFFD; see `problems`). */
  fields: string[];
  /** Line and column where each field starts (its opening quote, if quoted). */
  fieldLines: number[];
  fieldColumns: number[];
  /** Field counts unlike the header's, invalid UTF-8, text after a closing quote. */
  problems: CsvProblem[];
}

export interface ReadCsvOptions {
  /** One ASCII character; ',' by default. */
  delimiter?: string;
  signal?: AbortSignal;
  onProgress?: (bytesRead: number, totalBytes: number) => void;
}

const BOM = [0xef, 0xbb, 0xbf];

/** The delimiter as a byte, or a UserError. */
export function delimiterByte(delimiter: string | undefined, file?: string): number {
  const d = delimiter ?? ',';
  const code = d.length === 1 ? d.charCodeAt(0) : -1;
  if (code < 0 || code >= 0x80 || code === 0x22 || code === LF || code === CR) {
    throw new UserError(`the delimiter must be one ASCII character other than a quote or a line break, not ${JSON.stringify(d)}`, file);
  }
  return code;
}

/** Length of a UTF-8 byte order mark at the start of `buf`, if any. */
export function bomLength(buf: Uint8Array, filled: number): number {
  return filled >= 3 && buf[0] === BOM[0] && buf[1] === BOM[1] && buf[2] === BOM[2] ? 3 : 0;
}

/** Throws the UserError for a header with an empty or repeated name. */
export function checkHeader(names: string[], lines: number[], columns: number[], file: string): void {
  const seen = new Map<string, number>();
  names.forEach((name, i) => {
    if (name === '') throw new UserError(`column ${i + 1} of the header has an empty name`, file, lines[i], columns[i]);
    const first = seen.get(name);
    if (first !== undefined) throw new UserError(`duplicate column name ${JSON.stringify(name)} (columns ${first + 1} and ${i + 1})`, file, lines[i], columns[i]);
    seen.set(name, i);
  });
}

export interface CsvHeader {
  names: string[];
  /** Line of the header. */
  line: number;
  /** Where the first record after the header starts, and on which line. */
  dataStart: number;
  dataLine: number;
}

/** The size of a CSV, or a UserError for a missing file, a folder or an empty file. */
export async function statCsv(file: string): Promise<number> {
  let st: fs.Stats;
  try {
    st = await fs.promises.stat(file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : `cannot read file (${(err as Error).message})`, file);
  }
  if (!st.isFile()) throw new UserError('not a regular file', file);
  if (st.size === 0) throw new UserError('empty file: a CSV needs at least a header line', file, 1);
  return st.size;
}

/** Opens a CSV for reading, with a UserError for what the user can fix. */
export async function openCsv(file: string): Promise<fs.promises.FileHandle> {
  try {
    return await fs.promises.open(file, READ_FLAGS);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'no such file' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot read file (${(err as Error).message})`, file);
  }
}

/** Reads and checks the header: the first record that is not a blank line. */
export async function readHeader(file: string, size: number, delimiter: number, signal?: AbortSignal): Promise<CsvHeader> {
  let header: CsvHeader | undefined;
  const reader = new RecordReader(file, delimiter, record => {
    header = { names: record.fields, line: record.line, dataStart: 0, dataLine: 0 };
    checkHeader(record.fields, record.fieldLines, record.fieldColumns, file);
    return false;
  });
  await drive(file, size, reader, signal);
  if (!header) throw new UserError('empty file: a CSV needs at least a header line', file, 1);
  header.dataStart = reader.next;
  header.dataLine = reader.tok.line;
  return header;
}

/**
 * Yields the header (index 0, after checking its names) and every record after it. Fatal
 * problems are UserErrors: an empty file, a bad header, a quote never closed.
 */
export async function* readCsv(file: string, options: ReadCsvOptions = {}): AsyncGenerator<CsvRecord> {
  const delimiter = delimiterByte(options.delimiter, file);
  const size = await statCsv(file);
  let batch: CsvRecord[] = [];
  let header: string[] | undefined;
  const reader = new RecordReader(file, delimiter, record => {
    if (!header) {
      checkHeader(record.fields, record.fieldLines, record.fieldColumns, file);
      header = reader.header = record.fields;
    } else if (record.fields.length !== header.length) {
      record.problems.unshift({
        kind: 'raggedRow', line: record.line,
        message: `expected ${header.length} field${header.length === 1 ? '' : 's'} as in the header, found ${record.fields.length}`,
      });
    }
    batch.push(record);
    return true;
  });
  const fh = await openCsv(file);
  try {
    const loop = readLoop(0, size, reader);
    let bytesRead = 0;
    for (let step = loop.next(0); !step.done; ) {
      throwIfAborted(options.signal);
      const { buf, at, length, position } = step.value;
      const { bytesRead: n } = await fh.read(buf, at, length, position);
      bytesRead += n;
      step = loop.next(n);
      options.onProgress?.(bytesRead, size);
      const records = batch;
      batch = [];
      for (const r of records) yield r;
    }
  } finally {
    await fh.close();
  }
  if (!header) throw new UserError('empty file: a CSV needs at least a header line', file, 1);
}

/** Runs a RecordReader over a file on this thread (used for the header). */
async function drive(file: string, size: number, reader: RecordReader, signal?: AbortSignal): Promise<void> {
  const fh = await openCsv(file);
  try {
    const loop = readLoop(0, size, reader);
    for (let step = loop.next(0); !step.done; ) {
      if (signal?.aborted) throw new CancelledError();
      const { buf, at, length, position } = step.value;
      step = loop.next((await fh.read(buf, at, length, position)).bytesRead);
    }
  } finally {
    await fh.close();
  }
}

/** Tokenizes from the start of the file and makes a CsvRecord of each record. */
class RecordReader implements ChunkConsumer {
  readonly tok: CsvTokenizer;
  done = false;
  /** Where the record after the last one handed over starts. */
  next = 0;
  /** Column names, once the header is read: problems then name their feature. */
  header?: string[];
  private index = 0;

  /** `onRecord` returns false to stop reading. */
  constructor(private readonly file: string, delimiter: number, private readonly onRecord: (r: CsvRecord) => boolean) {
    this.tok = new CsvTokenizer(delimiter, 1);
  }

  feed(buf: Buffer, filled: number, offset: number, isLast: boolean): number {
    const tok = this.tok;
    let from = 0;
    if (offset === 0) {
      // Too few bytes to tell whether a BOM starts the file: wait for more.
      if (filled < 3 && !isLast) return 0;
      from = bomLength(buf, filled);
    }
    const consumed = tok.parse(buf, from, filled, isLast, Infinity, () => {
      if (!this.onRecord(this.record(buf, offset))) tok.halt = true;
    });
    this.next = offset + consumed;
    if (tok.stop === Stop.UnterminatedQuote) {
      const at = positionIn(buf, consumed, tok.line, tok.openQuoteOffset);
      throw new UserError('unterminated quoted field: the quote opened here is never closed', this.file, at.line, at.column);
    }
    if (tok.stop === Stop.Incomplete && consumed === 0 && filled >= MAX_RECORD_BYTES) {
      if (tok.openQuoteOffset >= 0) {
        const at = positionIn(buf, 0, tok.line, tok.openQuoteOffset);
        throw new UserError(`a quoted field opened here is still open after ${MAX_RECORD_BYTES >> 20} MiB: is a closing quote missing?`, this.file, at.line, at.column);
      }
      throw new UserError(`record longer than ${MAX_RECORD_BYTES >> 20} MiB`, this.file, tok.line);
    }
    if (tok.stop === Stop.StopAt || isLast) this.done = true;
    return consumed;
  }

  private record(buf: Buffer, offset: number): CsvRecord {
    const tok = this.tok;
    let lineStart = tok.recordStart;
    const fields: string[] = [];
    const fieldLines: number[] = [];
    const fieldColumns: number[] = [];
    const problems: CsvProblem[] = [];
    let line = tok.recordLine;
    let scanned = tok.recordStart;
    for (let f = 0; f < tok.fieldCount; f++) {
      const start = tok.starts[f];
      for (; scanned < start; scanned++) {
        const c = buf[scanned];
        if (c === LF || (c === CR && buf[scanned + 1] !== LF)) {
          line++;
          lineStart = scanned + 1;
        }
      }
      const column = columnWidth(buf, lineStart, start) + 1;
      fields.push(tok.fieldText(f));
      fieldLines.push(line);
      fieldColumns.push(column);
      if (tok.kinds[f] === FieldKind.TextAfterQuote) {
        problems.push({ kind: 'textAfterQuote', line, column, ...this.feature(f), message: 'text after the closing quote is kept as part of the value' });
      }
      if (!tok.fieldIsUtf8(f)) problems.push({ kind: 'invalidUtf8', line, column, ...this.feature(f), message: 'value is not valid UTF-8' });
    }
    return { index: this.index++, line: tok.recordLine, offset: offset + tok.recordStart, fields, fieldLines, fieldColumns, problems };
  }

  private feature(f: number): { feature?: string } {
    return this.header && f < this.header.length ? { feature: this.header[f] } : {};
  }
}

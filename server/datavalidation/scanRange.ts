// Reads the records of one byte range of a CSV in chunks and accumulates their statistics.
// A range holds the records that START in [start, end); the last one may run past `end`, and
// is read to its end. The result says where the next record starts (`next`), which is how
// the caller checks that the following range began on a record boundary.
//
// Line numbers in results are relative to the range's first line (0), since a worker does not
// know how many lines came before its range; the caller places them.

import * as fs from 'node:fs';
import { CancelledError } from '../common/errors';
import { MAX_RECORD_BYTES, READ_FLAGS, readLoop, type ChunkConsumer } from './chunkReader';
import { CsvTokenizer, Stop, positionIn } from './csvTokenizer';
import { DEFAULT_LIMITS, StatsAccumulator, toData, type RangePartialData, type StatsLimits } from './partialStats';

export interface ScanJob {
  file: string;
  /** Size of the file when the work began; bytes appended later are not read. */
  size: number;
  delimiter: number;
  columns: number;
  start: number;
  end: number;
  limits?: StatsLimits;
  /** A second look: count strings of column c in records before stringsUntil[c] (-1: skip). */
  stringsUntil?: number[];
}

/** A fatal problem, to be raised only if the range turns out to have started on a record boundary. */
export interface ScanError {
  message: string;
  line: number;
  column?: number;
}

export interface ScanResult {
  start: number;
  /** Offset of the first record at or after `end` (the file size if none). */
  next: number;
  /** Line breaks between `start` and `next`. */
  lines: number;
  partial: RangePartialData;
  error?: ScanError;
}

/** How often a scan reports the bytes it has read. */
const PROGRESS_BYTES = 4 << 20;

/** The tokenizer and accumulator of one range; fed chunk by chunk by a reading loop. */
class RangeScanner implements ChunkConsumer {
  readonly tok: CsvTokenizer;
  readonly acc: StatsAccumulator;
  done = false;
  error?: ScanError;
  /** Where the next record starts, once done. */
  next = 0;

  constructor(readonly job: ScanJob) {
    this.tok = new CsvTokenizer(job.delimiter, 0);
    this.acc = new StatsAccumulator(job.columns, job.limits ?? DEFAULT_LIMITS);
  }

  /** Parses buf[0, filled), whose first byte is at file offset `offset`; returns bytes consumed. */
  feed(buf: Buffer, filled: number, offset: number, isLast: boolean): number {
    const { tok, acc, job } = this;
    const until = job.stringsUntil;
    const onRecord = until
      ? () => acc.addRecordStringsOnly(tok, offset + tok.recordStart, until)
      : () => acc.addRecord(tok, offset + tok.recordStart);
    const stopAt = Math.max(0, job.end - offset);
    const consumed = tok.parse(buf, 0, filled, isLast, stopAt, onRecord);
    this.next = offset + consumed;
    if (tok.stop === Stop.StopAt || (tok.stop === Stop.End && isLast)) this.done = true;
    else if (tok.stop === Stop.UnterminatedQuote) {
      this.done = true;
      const at = positionIn(buf, consumed, tok.line, tok.openQuoteOffset);
      this.error = { message: 'unterminated quoted field: the quote opened here is never closed', line: at.line, column: at.column };
    } else if (tok.stop === Stop.Incomplete && consumed === 0 && filled >= MAX_RECORD_BYTES) {
      this.done = true;
      if (tok.openQuoteOffset >= 0) {
        const at = positionIn(buf, 0, tok.line, tok.openQuoteOffset);
        this.error = { message: `a quoted field opened here is still open after ${MAX_RECORD_BYTES >> 20} MiB: is a closing quote missing?`, line: at.line, column: at.column };
      } else {
        this.error = { message: `record longer than ${MAX_RECORD_BYTES >> 20} MiB`, line: tok.line };
      }
    }
    return consumed;
  }

  result(): ScanResult {
    return { start: this.job.start, next: this.next, lines: this.tok.line, partial: toData(this.acc.partial), ...(this.error ? { error: this.error } : {}) };
  }
}

/** Scans a range synchronously (in a worker thread). */
export function scanRangeSync(job: ScanJob, onProgress?: (bytes: number) => void): ScanResult {
  const fd = fs.openSync(job.file, READ_FLAGS);
  try {
    const scanner = new RangeScanner(job);
    const loop = readLoop(job.start, job.size, scanner);
    let unreported = 0;
    for (let step = loop.next(0); !step.done; ) {
      const { buf, at, length, position } = step.value;
      const n = fs.readSync(fd, buf, at, length, position);
      unreported += n;
      if (onProgress && unreported >= PROGRESS_BYTES) {
        onProgress(unreported);
        unreported = 0;
      }
      step = loop.next(n);
    }
    return scanner.result();
  } finally {
    fs.closeSync(fd);
  }
}

/** Scans a range on this thread, yielding to the event loop between chunks. */
export async function scanRangeAsync(job: ScanJob, signal?: AbortSignal, onProgress?: (bytes: number) => void): Promise<ScanResult> {
  const fh = await fs.promises.open(job.file, READ_FLAGS);
  try {
    const scanner = new RangeScanner(job);
    const loop = readLoop(job.start, job.size, scanner);
    for (let step = loop.next(0); !step.done; ) {
      if (signal?.aborted) throw new CancelledError();
      const { buf, at, length, position } = step.value;
      const { bytesRead } = await fh.read(buf, at, length, position);
      onProgress?.(bytesRead);
      step = loop.next(bytesRead);
    }
    return scanner.result();
  } finally {
    await fh.close();
  }
}

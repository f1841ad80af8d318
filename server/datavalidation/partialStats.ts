// Mergeable partial statistics of the records of one byte range of a CSV, per column.
//
// A column's type is only known at the end (one "x" among a million numbers makes it STRING),
// yet counting the strings of numeric columns would cost most of the time. So a column stays
// in numeric mode (mean, variance, min/max, a KLL sketch) until its first value that is not a
// number, and from that record on counts strings. If the merged type is STRING or BYTES, the
// ranges that saw numbers are read again for those columns only (see rescanLimit()); numbers
// are ASCII, so that second look never changes the type.

import { isUtf8 } from 'node:buffer';
import { CsvTokenizer, FieldKind, decodeField } from './csvTokenizer';
import { KllSketch, type KllData } from './kll';
import { ValueType, classifyNumber, parsed } from './valueParse';
import { ByteCounts, mergeValueCounts, newValueCounts, type ValueCountsData } from './valueCounts';

export interface StatsLimits {
  /** KLL accuracy parameter (exact up to this many values per column and range). */
  sketchK: number;
  /** Distinct values counted exactly per column before counts become approximate. */
  distinctCap: number;
  /** Total bytes of distinct values kept per column before counts become approximate. */
  keyBytesCap: number;
  /** Row problems (ragged rows, text after quotes) listed per range. */
  maxProblems: number;
}

export const DEFAULT_LIMITS: StatsLimits = { sketchK: 1024, distinctCap: 100_000, keyBytesCap: 32 << 20, maxProblems: 100 };

export interface NumericPartial {
  /** Values that are not NaN. */
  count: number;
  mean: number;
  /** Sum of squared deviations from the mean (Welford). */
  m2: number;
  min: number;
  max: number;
  finiteMin: number;
  finiteMax: number;
  zeros: number;
  nan: number;
  sketch: KllSketch;
}

export interface StringPartial {
  count: number;
  totalBytes: number;
  minBytes: number;
  maxBytes: number;
  /** Counts while scanning (null after, and between threads, when `values` has them). */
  byteCounts: ByteCounts | null;
  values: ValueCountsData;
}

/** Where a problem is, lines relative to the range's first line until the range is placed. */
export interface ProblemAt {
  kind: 'raggedRow' | 'textAfterQuote' | 'invalidUtf8';
  line: number;
  column?: number;
  /** Index of the column concerned, if any. */
  field?: number;
  message: string;
}

export interface ColumnPartial {
  type: ValueType;
  nonMissing: number;
  /** Numbers seen before string mode (null if none). */
  numeric: NumericPartial | null;
  /** Strings seen from `stringFrom` on (null while in numeric mode). */
  strings: StringPartial | null;
  /** Byte offset of the record where string mode began, -1 if it never did. */
  stringFrom: number;
  invalidUtf8: number;
  firstInvalidUtf8: ProblemAt | null;
}

export interface RangePartial {
  examples: number;
  columns: ColumnPartial[];
  problems: ProblemAt[];
  /** Row problems found beyond those listed, and the first of them. */
  problemsOmitted: number;
  firstOmitted: ProblemAt | null;
}

export function newColumn(): ColumnPartial {
  return { type: ValueType.Unknown, nonMissing: 0, numeric: null, strings: null, stringFrom: -1, invalidUtf8: 0, firstInvalidUtf8: null };
}

function newNumeric(limits: StatsLimits): NumericPartial {
  return {
    count: 0, mean: 0, m2: 0, min: Infinity, max: -Infinity, finiteMin: Infinity, finiteMax: -Infinity, zeros: 0, nan: 0,
    sketch: new KllSketch(limits.sketchK),
  };
}

function newStrings(limits: StatsLimits): StringPartial {
  return {
    count: 0, totalBytes: 0, minBytes: Infinity, maxBytes: 0,
    byteCounts: new ByteCounts(limits.distinctCap, limits.keyBytesCap), values: newValueCounts(limits.distinctCap, limits.keyBytesCap),
  };
}

/** Moves a scan's byte-keyed counts into `values` (which is empty while they are in use). */
function settleCounts(st: StringPartial): void {
  if (!st.byteCounts) return;
  st.values = st.byteCounts.toValueCounts();
  st.byteCounts = null;
}

/** Accumulates the records of one range. */
export class StatsAccumulator {
  readonly partial: RangePartial;

  constructor(columns: number, private readonly limits: StatsLimits = DEFAULT_LIMITS) {
    this.partial = { examples: 0, columns: Array.from({ length: columns }, newColumn), problems: [], problemsOmitted: 0, firstOmitted: null };
  }

  /** The tokenizer's current record, which starts at byte `offset` of the file. */
  addRecord(tok: CsvTokenizer, offset: number): void {
    const p = this.partial;
    if (tok.fieldCount !== p.columns.length) {
      this.problem({
        kind: 'raggedRow', line: tok.recordLine,
        message: `expected ${p.columns.length} field${p.columns.length === 1 ? '' : 's'} as in the header, found ${tok.fieldCount}: row left out`,
      });
      return;
    }
    p.examples++;
    const { starts, ends, kinds, nonAscii } = tok;
    for (let f = 0; f < tok.fieldCount; f++) {
      let bytes = tok.buf;
      let s = starts[f];
      let e = ends[f];
      const kind = kinds[f];
      if (kind === FieldKind.Quoted) {
        s++;
        e--;
      } else if (kind !== FieldKind.Plain) {
        if (kind === FieldKind.TextAfterQuote) {
          const at = tok.positionOf(s);
          this.problem({ kind: 'textAfterQuote', line: at.line, column: at.column, field: f, message: 'text after the closing quote is kept as part of the value' });
        }
        bytes = decodeField(bytes, s, e, kind);
        s = 0;
        e = bytes.length;
      }
      if (s === e) continue;
      const col = p.columns[f];
      col.nonMissing++;
      if (col.strings === null) {
        const t = classifyNumber(bytes, s, e);
        if (t !== ValueType.String) {
          if (t > col.type) col.type = t;
          addNumber(col.numeric ??= newNumeric(this.limits), parsed.value);
          continue;
        }
        // From here on strings; the numbers before are counted again if the type stays STRING.
        col.strings = newStrings(this.limits);
        col.stringFrom = offset;
        col.type = ValueType.String;
      }
      if (nonAscii[f] !== 0 && !isUtf8(bytes.subarray(s, e))) {
        col.type = ValueType.Bytes;
        if (col.invalidUtf8++ === 0) {
          const at = tok.positionOf(starts[f]);
          col.firstInvalidUtf8 = { kind: 'invalidUtf8', line: at.line, column: at.column, field: f, message: '' };
        }
      }
      addString(col.strings, bytes, s, e);
    }
  }

  /**
   * For a second look at a range: counts the strings of column c only in records that start
   * before until[c] (-1: none). Presence and types were counted the first time.
   */
  addRecordStringsOnly(tok: CsvTokenizer, offset: number, until: number[]): void {
    if (tok.fieldCount !== this.partial.columns.length) return;
    for (let f = 0; f < tok.fieldCount; f++) {
      if (offset >= until[f]) continue;
      const bytes = tok.fieldBytes(f);
      if (bytes.length === 0) continue;
      const col = this.partial.columns[f];
      addString(col.strings ??= newStrings(this.limits), bytes, 0, bytes.length);
    }
  }

  private problem(p: ProblemAt): void {
    if (this.partial.problems.length < this.limits.maxProblems) this.partial.problems.push(p);
    else if (this.partial.problemsOmitted++ === 0) this.partial.firstOmitted = p;
  }
}

function addNumber(n: NumericPartial, x: number): void {
  if (x !== x) {
    n.nan++;
    return;
  }
  const count = ++n.count;
  const delta = x - n.mean;
  n.mean += delta / count;
  n.m2 += delta * (x - n.mean);
  if (x < n.min) n.min = x;
  if (x > n.max) n.max = x;
  if (x === 0) n.zeros++;
  else if (x === Infinity || x === -Infinity) {
    n.sketch.update(x);
    return;
  }
  if (x < n.finiteMin) n.finiteMin = x;
  if (x > n.finiteMax) n.finiteMax = x;
  n.sketch.update(x);
}

function addString(st: StringPartial, bytes: Buffer, s: number, e: number): void {
  const len = e - s;
  st.count++;
  st.totalBytes += len;
  if (len < st.minBytes) st.minBytes = len;
  if (len > st.maxBytes) st.maxBytes = len;
  st.byteCounts!.add(bytes, s, e);
}

// --- merging (Chan et al. 1979 for the moments) ---

export function mergeNumeric(into: NumericPartial, other: NumericPartial): void {
  const n = into.count + other.count;
  if (other.count > 0) {
    const delta = other.mean - into.mean;
    into.mean = n === 0 ? 0 : into.mean + (delta * other.count) / n;
    into.m2 = into.m2 + other.m2 + (delta * delta * into.count * other.count) / n;
  }
  into.count = n;
  into.min = Math.min(into.min, other.min);
  into.max = Math.max(into.max, other.max);
  into.finiteMin = Math.min(into.finiteMin, other.finiteMin);
  into.finiteMax = Math.max(into.finiteMax, other.finiteMax);
  into.zeros += other.zeros;
  into.nan += other.nan;
  into.sketch.merge(other.sketch);
}

export function mergeStrings(into: StringPartial, other: StringPartial): void {
  settleCounts(into);
  settleCounts(other);
  into.count += other.count;
  into.totalBytes += other.totalBytes;
  into.minBytes = Math.min(into.minBytes, other.minBytes);
  into.maxBytes = Math.max(into.maxBytes, other.maxBytes);
  mergeValueCounts(into.values, other.values);
}

/** Adds column `other` (of a later range, or a second look) into `into`. */
export function mergeColumn(into: ColumnPartial, other: ColumnPartial): void {
  into.type = Math.max(into.type, other.type);
  into.nonMissing += other.nonMissing;
  if (other.numeric) {
    if (into.numeric) mergeNumeric(into.numeric, other.numeric);
    else into.numeric = other.numeric;
  }
  if (other.strings) {
    if (into.strings) mergeStrings(into.strings, other.strings);
    else into.strings = other.strings;
  }
  if (!into.firstInvalidUtf8 || (other.firstInvalidUtf8 && other.firstInvalidUtf8.line < into.firstInvalidUtf8.line)) {
    into.firstInvalidUtf8 = other.firstInvalidUtf8 ?? into.firstInvalidUtf8;
  }
  into.invalidUtf8 += other.invalidUtf8;
}

/**
 * For a column whose merged type is STRING or BYTES: the offset up to which this range must
 * be read again for its strings (records starting before it), or -1 if it saw no numbers.
 */
export function rescanLimit(col: ColumnPartial, rangeNext: number): number {
  if (!col.numeric || col.numeric.count + col.numeric.nan === 0) return -1;
  return col.stringFrom >= 0 ? col.stringFrom : rangeNext;
}

// --- between threads: class instances travel as plain data ---

export interface ColumnPartialData extends Omit<ColumnPartial, 'numeric'> {
  numeric: (Omit<NumericPartial, 'sketch'> & { sketch: KllData }) | null;
}
export interface RangePartialData extends Omit<RangePartial, 'columns'> {
  columns: ColumnPartialData[];
}

export function toData(p: RangePartial): RangePartialData {
  for (const c of p.columns) if (c.strings) settleCounts(c.strings);
  return { ...p, columns: p.columns.map(c => ({ ...c, numeric: c.numeric && { ...c.numeric, sketch: c.numeric.sketch.toData() } })) };
}

export function fromData(d: RangePartialData): RangePartial {
  return { ...d, columns: d.columns.map(c => ({ ...c, numeric: c.numeric && { ...c.numeric, sketch: KllSketch.fromData(c.numeric.sketch) } })) };
}

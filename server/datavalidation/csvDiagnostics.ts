// Inline diagnostics of a CSV's text against a schema: per-value problems on the exact cells and
// the column anomalies of TFDV's validate_statistics on the header. Plain TypeScript (no LSP):
// positions are 0-based lines and UTF-16 columns, as editors count them.
//
// The text is tokenized once as UTF-8 bytes with the same tokenizer and statistics accumulator
// as computeStatistics, so the records and statistics are those the CLI would see. The scan
// pauses every `batchRows` records (the caller's `pause`, e.g. setImmediate) so that a large
// document does not hold the event loop, and stops when `signal` fires.

import { throwIfAborted } from '../common/errors';
import type { AnomalyType, Anomalies, Severity } from './anomalies';
import { DEFAULT_BUILD_OPTIONS, buildFeature } from './buildStatistics';
import { delimiterByte } from './csvReader';
import { CsvTokenizer, FieldKind, Stop, positionIn } from './csvTokenizer';
import { StatsAccumulator, fromData, mergeStrings, rescanLimit, toData, type RangePartial } from './partialStats';
import type { Feature, Schema } from './schema';
import { jsonNumber, stringValuesWithCounts } from './distance';
import type { DatasetFeatureStatisticsList } from './statisticsProto';
import { ValueType, classifyNumber, parsed } from './valueParse';
import { checkValue, featureIsDeprecated, isFeatureInEnvironment, stringDomainOf, validateStatistics } from './validate';

export interface TextPosition { line: number; character: number }
export interface TextRange { start: TextPosition; end: TextPosition }
export type DiagnosticSeverity = 'ERROR' | 'WARNING' | 'INFO';

/** Codes that are not TFDV anomaly types: problems of the CSV itself and of the listing. */
export type CsvCode = 'RAGGED_ROW' | 'UNTERMINATED_QUOTE' | 'INVALID_HEADER' | 'SCHEMA_ERROR' | 'TOO_MANY_PROBLEMS';

export interface CsvDiagnostic {
  range: TextRange;
  severity: DiagnosticSeverity;
  code: AnomalyType | CsvCode;
  message: string;
  /** What a quick fix needs (schemaFixes.ts); absent for problems no fix concerns. */
  data?: CsvDiagnosticData;
}

/** Carried by a diagnostic (LSP's Diagnostic.data) to the code actions that fix it. */
export interface CsvDiagnosticData {
  /** The column (schema feature) the problem concerns. */
  feature?: string;
  /** A cell problem: the cell's value as read. */
  value?: string;
  /** A column's ENUM_TYPE_UNEXPECTED_STRING_VALUES: the fraction of its values in the domain. */
  inDomainMass?: number;
  /** The environment the file was validated in. */
  environment?: string;
}

export interface CsvDiagnosticsOptions {
  environment?: string;
  /** One ASCII character; ',' by default. */
  delimiter?: string;
  /** Cell diagnostics listed at most (then one summary on the header). Default 1000. */
  maxProblems?: number;
  /** Records between two pauses. Default 5000. */
  batchRows?: number;
  /** Awaited between batches (default: setImmediate) so other work can run. */
  pause?: () => Promise<void>;
  signal?: AbortSignal;
}

export interface CsvDiagnosticsResult {
  diagnostics: CsvDiagnostic[];
  /** Cell problems found in all, listed or not. */
  cellProblems: number;
  /** Records after the header. */
  rows: number;
}

const DEFAULT_MAX_PROBLEMS = 1000;
const DEFAULT_BATCH_ROWS = 5000;
const SHOWN_DOMAIN_VALUES = 5;
const setImmediatePause = () => new Promise<void>(resolve => setImmediate(resolve));

/** What each column is checked for. */
interface ColumnCheck {
  name: string;
  /** The schema feature, when it is in the schema, not deprecated and in the environment. */
  feature?: Feature;
  /** presence.min_fraction 1: an empty cell is a problem. */
  required: boolean;
  /**
   * How a cell of this column is accepted straight from its bytes. Nearly every cell passes,
   * and making a string of each (9 M cells in 100 MB) cost more than the rest of the scan;
   * cells the byte test does not accept take the full checkValue path.
   */
  fast: Fast;
  domain?: Set<string>;
  min: number;
  max: number;
}

const enum Fast { Slow, Skip, Int, Float, Domain }

/** `[+-]?digits` (at most 15) for ints; for floats also a fraction and a 1–2 digit exponent: exactly representable, surely valid. */
function simpleNumber(buf: Uint8Array, s: number, e: number, allowFloat: boolean): boolean {
  let i = s;
  const c0 = buf[i];
  if (c0 === 0x2d || c0 === 0x2b) i++;
  let digits = 0;
  while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) { i++; digits++; }
  if (i === e) return digits > 0 && digits <= 15;
  if (!allowFloat) return false;
  if (buf[i] === 0x2e) {
    i++;
    while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39) { i++; digits++; }
  }
  if (digits === 0 || digits > 15) return false;
  if (i < e && (buf[i] | 0x20) === 0x65) {
    i++;
    if (buf[i] === 0x2d || buf[i] === 0x2b) i++;
    const x = i;
    while (i < e && buf[i] >= 0x30 && buf[i] <= 0x39 && i - x < 2) i++;
    if (i === x) return false;
  }
  return i === e;
}

interface Header {
  names: string[];
  cells: TextRange[];
  line: TextRange;
  /** Where the first record after the header starts. */
  dataStart: number;
}

/** Validates the CSV text against the schema; see the file comment. */
export async function diagnoseCsvText(text: string, schema: Schema, options: CsvDiagnosticsOptions = {}): Promise<CsvDiagnosticsResult> {
  const scan = new TextScan(text, schema, options);
  await scan.run();
  return scan.result();
}

/** One diagnostic on the CSV's first line for a schema that cannot be read or used. */
export function schemaProblem(firstLine: string, message: string): CsvDiagnostic {
  return { range: lineRange(0, firstLine), severity: 'ERROR', code: 'SCHEMA_ERROR', message };
}

function lineRange(line: number, text: string): TextRange {
  const eol = text.search(/\r|\n/);
  return { start: { line, character: 0 }, end: { line, character: eol < 0 ? text.length : eol } };
}

class TextScan {
  private readonly buf: Buffer;
  private readonly bom: number;
  private readonly tok: CsvTokenizer;
  private readonly max: number;
  private acc?: StatsAccumulator;
  private header?: Header;
  private columns: ColumnCheck[] = [];
  private readonly cells: CsvDiagnostic[] = [];
  /** The column of each listed cell problem (-1 for a row). */
  private readonly cellColumns: number[] = [];
  private readonly other: CsvDiagnostic[] = [];
  private found = 0;
  private rows = 0;
  private batch = 0;
  private stopped = false;

  constructor(text: string, private readonly schema: Schema, private readonly options: CsvDiagnosticsOptions) {
    this.buf = Buffer.from(text, 'utf8');
    this.bom = text.charCodeAt(0) === 0xfeff ? 3 : 0;
    this.tok = new CsvTokenizer(delimiterByte(options.delimiter), 0);
    this.max = options.maxProblems ?? DEFAULT_MAX_PROBLEMS;
  }

  async run(): Promise<void> {
    const end = await this.parse(this.tok, this.bom, () => this.onRecord());
    if (this.tok.stop === Stop.UnterminatedQuote) this.unterminatedQuote(end);
    if (!this.header || this.stopped) return;
    const stats = await this.statistics();
    this.columnAnomalies(validateStatistics(stats, this.schema, { environment: this.options.environment }), stats);
  }

  result(): CsvDiagnosticsResult {
    const diagnostics = [...this.other, ...this.cells];
    if (this.found > this.cells.length && this.header) {
      const more = this.found - this.cells.length;
      diagnostics.push({
        range: this.header.line, severity: 'WARNING', code: 'TOO_MANY_PROBLEMS',
        message: `… and ${more.toLocaleString('en-US')} more problem${more === 1 ? '' : 's'} in the rows (the first ${this.cells.length.toLocaleString('en-US')} are shown).`,
      });
    }
    diagnostics.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
    return { diagnostics, cellProblems: this.found, rows: this.rows };
  }

  /** Tokenizes from `from` to the end, pausing every batch; returns where it stopped. */
  private async parse(tok: CsvTokenizer, from: number, onRecord: () => void): Promise<number> {
    const { signal } = this.options;
    const pause = this.options.pause ?? setImmediatePause;
    const batchRows = this.options.batchRows ?? DEFAULT_BATCH_ROWS;
    let pos = from;
    for (;;) {
      throwIfAborted(signal);
      this.batch = 0;
      pos = tok.parse(this.buf, pos, this.buf.length, true, Infinity, () => {
        onRecord();
        if (++this.batch >= batchRows || this.stopped) tok.halt = true;
      });
      if (tok.stop !== Stop.StopAt || this.stopped) return pos;
      await pause();
    }
  }

  private onRecord(): void {
    if (!this.header) {
      this.readHeader();
      return;
    }
    this.rows++;
    this.acc!.addRecord(this.tok, this.tok.recordStart);
    this.checkRecord();
  }

  private readHeader(): void {
    const tok = this.tok;
    const names = Array.from({ length: tok.fieldCount }, (_, f) => tok.fieldText(f));
    const cells = names.map((_, f) => this.fieldRange(f));
    this.header = { names, cells, line: this.recordRange(), dataStart: tok.recordEnd };
    const bad = headerProblem(names);
    if (bad) {
      this.other.push({ range: cells[bad.index], severity: 'ERROR', code: 'INVALID_HEADER', message: bad.message });
      this.stopped = true;
      return;
    }
    this.acc = new StatsAccumulator(names.length);
    this.columns = names.map(name => this.columnCheck(name));
  }

  private columnCheck(name: string): ColumnCheck {
    const feature = this.schema.feature.find(f => f.name === name);
    if (!feature || featureIsDeprecated(feature) || !isFeatureInEnvironment(this.schema, feature, this.options.environment)) {
      return { name, required: false, fast: Fast.Skip, min: -Infinity, max: Infinity };
    }
    const required = (feature.presence?.min_fraction ?? 0) >= 1;
    const base = { name, feature, required, fast: Fast.Slow, min: -Infinity, max: Infinity } as ColumnCheck;
    const sd = stringDomainOf(this.schema, feature);
    const num = (v: unknown) => (typeof v === 'number' && Number.isSafeInteger(v) ? v : undefined);
    if (feature.type === 'INT' && !feature.bool_domain) {
      const d = feature.int_domain;
      const min = d?.min === undefined ? -Infinity : num(d.min);
      const max = d?.max === undefined ? Infinity : num(d.max);
      if (min !== undefined && max !== undefined) return { ...base, fast: Fast.Int, min, max };
    } else if (feature.type === 'FLOAT' && !feature.float_domain) {
      return { ...base, fast: Fast.Float };
    } else if (feature.type === 'BYTES' && !feature.int_domain && !feature.float_domain && !feature.bool_domain) {
      return sd ? { ...base, fast: Fast.Domain, domain: new Set(sd.value) } : { ...base, fast: Fast.Skip };
    } else if (feature.type !== 'INT' && feature.type !== 'FLOAT' && feature.type !== 'BYTES') {
      return { ...base, fast: Fast.Skip };
    }
    return base;
  }

  private missingValue(f: number, col: ColumnCheck): void {
    this.addCell(f, () => this.fieldRange(f), 'FEATURE_TYPE_LOW_FRACTION_PRESENT',
      `"${col.name}": missing value; the schema requires one in every row (presence min_fraction 1).`, { feature: col.name, environment: this.options.environment });
  }

  private checkRecord(): void {
    const tok = this.tok;
    const expected = this.columns.length;
    if (tok.fieldCount !== expected) {
      this.addCell(-1, () => this.recordRange(), 'RAGGED_ROW', `Row has ${tok.fieldCount} field${tok.fieldCount === 1 ? '' : 's'}; the header has ${expected}.`);
      return;
    }
    for (let f = 0; f < expected; f++) {
      const col = this.columns[f];
      if (!col.feature) continue;
      const kind = tok.kinds[f];
      if (kind === FieldKind.Plain || kind === FieldKind.Quoted) {
        const q = kind === FieldKind.Quoted ? 1 : 0;
        const s = tok.starts[f] + q;
        const e = tok.ends[f] - q;
        if (s === e) {
          if (col.required) this.missingValue(f, col);
          continue;
        }
        const buf = tok.buf;
        switch (col.fast) {
          case Fast.Skip: continue;
          case Fast.Int:
            if (simpleNumber(buf, s, e, false) && classifyNumber(buf, s, e) === ValueType.Int && parsed.value >= col.min && parsed.value <= col.max) continue;
            break;
          case Fast.Float:
            if (simpleNumber(buf, s, e, true)) continue;
            break;
          case Fast.Domain:
            if (tok.nonAscii[f] === 0 && col.domain!.has(buf.toString('latin1', s, e))) continue;
            break;
        }
      }
      const raw = tok.fieldText(f);
      if (raw === '') {
        if (col.required) this.missingValue(f, col);
        continue;
      }
      const problem = checkValue(col.feature, this.schema, raw);
      if (problem) this.addCell(f, () => this.fieldRange(f), problem.type, `"${col.name}": ${problem.message}${this.allowed(col.feature, problem.type)}`, { feature: col.name, value: raw });
    }
  }

  /** For a value outside a string domain: what the domain allows. */
  private allowed(feature: Feature, type: AnomalyType): string {
    if (type !== 'ENUM_TYPE_UNEXPECTED_STRING_VALUES') return '';
    const values = stringDomainOf(this.schema, feature)?.value ?? [];
    const shown = values.slice(0, SHOWN_DOMAIN_VALUES).map(v => JSON.stringify(v)).join(', ');
    return ` Allowed: ${shown}${values.length > SHOWN_DOMAIN_VALUES ? ` and ${values.length - SHOWN_DOMAIN_VALUES} more` : ''}.`;
  }

  /** Counts a cell problem; positions are computed only for those listed. */
  private addCell(column: number, range: () => TextRange, code: CsvDiagnostic['code'], message: string, data?: CsvDiagnosticData): void {
    if (this.found++ >= this.max) return;
    this.cells.push({ range: range(), severity: 'ERROR', code, message, ...(data ? { data } : {}) });
    this.cellColumns.push(column);
  }

  /** 0-based position of byte `offset` of the tokenizer's current record. */
  private position(offset: number): TextPosition {
    const tok = this.tok;
    // A record starts at a line start, except the first after a byte order mark.
    const lineStart = tok.recordStart === this.bom ? 0 : tok.recordStart;
    const at = positionIn(this.buf, tok.recordStart, tok.recordLine, offset, lineStart);
    return { line: at.line, character: at.column - 1 };
  }

  private fieldRange(f: number): TextRange {
    return { start: this.position(this.tok.starts[f]), end: this.position(this.tok.ends[f]) };
  }

  /** The record without its line break. */
  private recordRange(): TextRange {
    const tok = this.tok;
    return { start: this.position(tok.recordStart), end: this.position(tok.ends[tok.fieldCount - 1]) };
  }

  private unterminatedQuote(recordStart: number): void {
    const tok = this.tok;
    const at = positionIn(this.buf, recordStart, tok.line, tok.openQuoteOffset, recordStart === this.bom ? 0 : recordStart);
    const start = { line: at.line, character: at.column - 1 };
    this.other.push({
      range: { start, end: { line: start.line, character: start.character + 1 } }, severity: 'ERROR', code: 'UNTERMINATED_QUOTE',
      message: 'Unterminated quoted field: the quote opened here is never closed; the rows from here on are not checked.',
    });
  }

  /** The statistics of the records read, as computeStatistics makes them for one range. */
  private async statistics(): Promise<DatasetFeatureStatisticsList> {
    const header = this.header!;
    const partial = fromData(toData(this.acc!.partial));
    await this.recountStrings(partial, header.dataStart);
    const features = header.names.map((name, c) => {
      const col = partial.columns[c];
      if (col.type >= ValueType.String) col.numeric = null;
      return buildFeature(name, col, partial.examples, DEFAULT_BUILD_OPTIONS);
    });
    return { datasets: [{ name: 'document', numExamples: String(partial.examples), features }] };
  }

  /** Columns that turned STRING after numbers: count the strings of the records before (see partialStats.ts). */
  private async recountStrings(partial: RangePartial, dataStart: number): Promise<void> {
    const until = partial.columns.map(col => (col.type >= ValueType.String ? rescanLimit(col, this.buf.length) : -1));
    if (until.every(u => u < 0)) return;
    const tok = new CsvTokenizer(this.tok.delimiter, 0);
    const again = new StatsAccumulator(partial.columns.length);
    await this.parse(tok, dataStart, () => again.addRecordStringsOnly(tok, tok.recordStart, until));
    const recounted = fromData(toData(again.partial));
    partial.columns.forEach((col, c) => {
      const extra = recounted.columns[c].strings;
      if (until[c] < 0 || !extra) return;
      if (col.strings) mergeStrings(extra, col.strings);
      col.strings = extra;
    });
  }

  /** Column anomalies on the header cell of their column; missing columns and the dataset's on the header line. */
  private columnAnomalies(anomalies: Anomalies, stats: DatasetFeatureStatisticsList): void {
    const header = this.header!;
    const environment = this.options.environment;
    for (const info of Object.values(anomalies.anomalyInfo)) {
      const name = info.path?.step[0] ?? '';
      const index = info.path?.step.length === 1 ? header.names.indexOf(name) : -1;
      const range = index >= 0 ? header.cells[index] : header.line;
      for (const reason of info.reason) {
        const data: CsvDiagnosticData | undefined = info.path?.step.length === 1 ? { feature: name, ...(environment !== undefined ? { environment } : {}) } : undefined;
        if (data && reason.type === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES') {
          const mass = this.inDomainMass(name, stats);
          if (mass !== undefined) data.inDomainMass = mass;
        }
        this.other.push({ range, severity: severityOf(info.severity), code: reason.type, message: `Column "${name}": ${reason.description}`, ...(data ? { data } : {}) });
      }
    }
    const dataset = anomalies.datasetAnomalyInfo;
    for (const reason of dataset?.reason ?? []) {
      this.other.push({ range: header.line, severity: severityOf(dataset!.severity), code: reason.type, message: `Dataset: ${reason.description}` });
    }
    this.softenEnumCells(anomalies);
  }

  /** The fraction of a column's values that its string domain has (as validate.ts counts them). */
  private inDomainMass(name: string, stats: DatasetFeatureStatisticsList): number | undefined {
    const f = stats.datasets?.[0]?.features?.find(x => x.path?.step[0] === name || x.name === name);
    const feature = this.schema.feature.find(x => x.name === name);
    const domain = feature && stringDomainOf(this.schema, feature);
    const common = f?.stringStats?.commonStats;
    if (!domain || !common) return undefined;
    const valid = new Set(domain.value);
    let off = 0;
    for (const [v, n] of stringValuesWithCounts(f)) if (!valid.has(v)) off += n;
    const tot = jsonNumber(common.totNumValues);
    const total = tot !== 0 ? tot : jsonNumber(common.numNonMissing) * jsonNumber(common.avgNumValues);
    return total > 0 ? Math.max(0, 1 - off / total) : undefined;
  }

  /**
   * A value outside a string domain is an anomaly of the column only beyond 1 − min_domain_mass:
   * within that tolerance its cells are warnings.
   */
  private softenEnumCells(anomalies: Anomalies): void {
    const flagged = new Set(Object.values(anomalies.anomalyInfo)
      .filter(i => i.reason.some(r => r.type === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES'))
      .map(i => i.path?.step[0]));
    this.cells.forEach((d, i) => {
      if (d.code === 'ENUM_TYPE_UNEXPECTED_STRING_VALUES' && !flagged.has(this.columns[this.cellColumns[i]]?.name)) d.severity = 'WARNING';
    });
  }
}

function severityOf(s: Severity): DiagnosticSeverity {
  return s === 'WARNING' ? 'WARNING' : s === 'UNKNOWN' ? 'INFO' : 'ERROR';
}

/** An empty or repeated column name (as csvReader's checkHeader, without throwing). */
function headerProblem(names: string[]): { index: number; message: string } | undefined {
  const seen = new Map<string, number>();
  for (const [i, name] of names.entries()) {
    if (name === '') return { index: i, message: `Column ${i + 1} of the header has an empty name; the file is not checked.` };
    const first = seen.get(name);
    if (first !== undefined) return { index: i, message: `Duplicate column name "${name}" (columns ${first + 1} and ${i + 1}); the file is not checked.` };
    seen.set(name, i);
  }
  return undefined;
}

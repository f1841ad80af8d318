// Training data: inputs and targets as flat Float32Arrays with shapes (what crosses to the
// training worker without copying into tensors first), read from a CSV file or given as arrays.
import { UserError } from '../common/errors';
import { readCsv } from '../datavalidation/csvReader';
import type { DataSpec } from './config';

export interface Array32 {
  values: Float32Array;
  /** [samples, …]: the first axis is the sample. */
  shape: number[];
}

export interface Dataset {
  x: Array32;
  y: Array32;
  /** The CSV columns the inputs come from, in order. */
  features?: string[];
  target?: string;
  /** For a categorical target: the class of each index (one-hot column or sparse label). */
  classes?: string[];
}

/** How the loss wants the target: a number, a class index, or a one-hot row. */
export type TargetEncoding = 'value' | 'index' | 'oneHot';

export function targetEncoding(loss: string): TargetEncoding {
  if (loss === 'categoricalCrossentropy' || loss === 'categoricalHinge' || loss === 'kullbackLeiblerDivergence') return 'oneHot';
  if (loss === 'sparseCategoricalCrossentropy') return 'index';
  return 'value';
}

type Nested = number | Nested[];

/** A nested number array as a flat Float32Array and its shape; ragged or non-numeric input is an error naming `what`. */
export function flatten(data: Nested[] | Float32Array, what: string, shape?: number[]): Array32 {
  if (data instanceof Float32Array) {
    if (!shape) throw new UserError(`${what}: a Float32Array needs its shape`);
    if (shape.reduce((a, b) => a * b, 1) !== data.length) throw new UserError(`${what}: shape [${shape}] does not hold ${data.length} values`);
    return { values: data, shape };
  }
  if (!Array.isArray(data) || data.length === 0) throw new UserError(`${what}: expected a non-empty array of samples`);
  const dims: number[] = [];
  for (let d: Nested = data; Array.isArray(d); d = d[0]) dims.push(d.length);
  const values = new Float32Array(dims.reduce((a, b) => a * b, 1));
  let n = 0;
  const walk = (d: Nested, depth: number, at: string) => {
    if (depth === dims.length) {
      if (typeof d !== 'number' || !Number.isFinite(d)) throw new UserError(`${what}${at}: expected a finite number, got ${JSON.stringify(d)}`);
      values[n++] = d;
      return;
    }
    if (!Array.isArray(d) || d.length !== dims[depth]) throw new UserError(`${what}${at}: expected ${dims[depth]} values, as the first sample has (the array is ragged)`);
    d.forEach((e, i) => walk(e, depth + 1, `${at}[${i}]`));
  };
  walk(data, 0, '');
  return { values, shape: dims };
}

/** A dataset from in-memory arrays (later tools build theirs this way); y defaults to x (autoencoder). */
export function datasetFromArrays(x: Nested[] | Float32Array, y?: Nested[] | Float32Array, shapes: { x?: number[]; y?: number[] } = {}): Dataset {
  const xs = flatten(x, 'x', shapes.x);
  const ys = y === undefined ? xs : flatten(y, 'y', shapes.y);
  if (xs.shape[0] !== ys.shape[0]) throw new UserError(`x has ${xs.shape[0]} samples but y has ${ys.shape[0]}`);
  return { x: xs, y: ys };
}

const NUMBER = /^\s*[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)\s*$/;

/** Classes in a natural order: numerically when every one is a number, else by code points. */
function sortClasses(values: Iterable<string>): string[] {
  const list = [...values];
  if (list.every(v => NUMBER.test(v))) return list.sort((a, b) => Number(a) - Number(b));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reads the feature and target columns of a CSV. Features must be numbers; the target is a
 * number, or a class (one-hot / index, classes sorted) when the loss is categorical. Any empty or
 * non-numeric feature, ragged row or unknown column is an error naming the file, line and column.
 */
export async function loadCsvDataset(spec: DataSpec, encoding: TargetEncoding, signal?: AbortSignal): Promise<Dataset> {
  const file = spec.csv;
  let header: string[] | undefined;
  let featureIdx: number[] = [];
  let targetIdx = -1;
  const rows: Float32Array[] = [];
  const targets: string[] = [];
  const targetLines: { line: number; column: number }[] = [];
  for await (const record of readCsv(file, { delimiter: spec.delimiter, signal })) {
    if (record.index === 0) {
      header = record.fields;
      const col = (name: string, field: string) => {
        const i = header!.indexOf(name);
        if (i < 0) throw new UserError(`data.${field}: no column "${name}" in the header (columns: ${header!.join(', ')})`, file, 1);
        return i;
      };
      if (spec.target !== undefined) targetIdx = col(spec.target, 'target');
      featureIdx = spec.features ? spec.features.map(f => col(f, 'features')) : header.map((_, i) => i).filter(i => i !== targetIdx);
      if (featureIdx.length === 0) throw new UserError('no feature columns: the file has only the target column', file, 1);
      continue;
    }
    const ragged = record.problems.find(p => p.kind === 'raggedRow');
    if (ragged) throw new UserError(ragged.message, file, ragged.line);
    const row = new Float32Array(featureIdx.length);
    featureIdx.forEach((c, j) => {
      const text = record.fields[c];
      if (!NUMBER.test(text)) {
        throw new UserError(`column "${header![c]}": ${text.trim() === '' ? 'missing value' : `"${text}" is not a number`} (features must be numeric)`, file, record.fieldLines[c], record.fieldColumns[c]);
      }
      row[j] = Number(text);
    });
    rows.push(row);
    if (targetIdx >= 0) {
      targets.push(record.fields[targetIdx]);
      targetLines.push({ line: record.fieldLines[targetIdx], column: record.fieldColumns[targetIdx] });
    }
  }
  if (!header) throw new UserError('the file is empty', file);
  if (rows.length === 0) throw new UserError('the file has a header but no rows', file);
  const n = rows.length;
  const f = featureIdx.length;
  const x = new Float32Array(n * f);
  rows.forEach((r, i) => x.set(r, i * f));
  const features = featureIdx.map(i => header![i]);
  if (targetIdx < 0) return { x: { values: x, shape: [n, f] }, y: { values: x, shape: [n, f] }, features };

  const target = header[targetIdx];
  if (encoding === 'value') {
    const y = new Float32Array(n);
    targets.forEach((t, i) => {
      if (!NUMBER.test(t)) {
        throw new UserError(`column "${target}": ${t.trim() === '' ? 'missing target' : `"${t}" is not a number`} (the loss needs numeric targets; use a categorical loss for classes)`, file, targetLines[i].line, targetLines[i].column);
      }
      y[i] = Number(t);
    });
    return { x: { values: x, shape: [n, f] }, y: { values: y, shape: [n, 1] }, features, target };
  }
  const missing = targets.findIndex(t => t.trim() === '');
  if (missing >= 0) throw new UserError(`column "${target}": missing target`, file, targetLines[missing].line, targetLines[missing].column);
  const classes = sortClasses(new Set(targets.map(t => t.trim())));
  const index = new Map(classes.map((c, i) => [c, i]));
  if (encoding === 'index') {
    return { x: { values: x, shape: [n, f] }, y: { values: Float32Array.from(targets, t => index.get(t.trim())!), shape: [n, 1] }, features, target, classes };
  }
  const k = classes.length;
  const y = new Float32Array(n * k);
  targets.forEach((t, i) => { y[i * k + index.get(t.trim())!] = 1; });
  return { x: { values: x, shape: [n, f] }, y: { values: y, shape: [n, k] }, features, target, classes };
}

// MLflow's rules for names and values (mlflow/utils/validation.py), so that what the file store
// accepts a tracking server accepts too, and no key can escape its folder: keys become file
// paths under params/, metrics/ and tags/.
import * as path from 'node:path';
import { UserError } from '../common/errors';
import type { Metric } from './types';

/** Python's `\w` is Unicode-aware: letters, digits (all scripts), underscore. */
const VALID_NAME = /^[/\p{L}\p{N}\p{M}_.\- ]*$/u;
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/;
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/;

export const MAX_ENTITY_KEY_LENGTH = 250;
export const MAX_PARAM_VAL_LENGTH = 6000;
export const MAX_TAG_VAL_LENGTH = 5000;
export const MAX_EXPERIMENT_NAME_LENGTH = 500;
/** Per runs/log-batch request. */
export const MAX_METRICS_PER_BATCH = 1000;
export const MAX_PARAMS_TAGS_PER_BATCH = 100;
export const MAX_ENTITIES_PER_BATCH = 1000;

const BAD_CHARACTERS = 'Names may only contain alphanumerics, underscores (_), dashes (-), periods (.), spaces ( ), and slashes (/).';

/** Python's posixpath.normpath: no trailing slash, "." for the empty path. */
function normpath(name: string): string {
  const n = path.posix.normalize(name);
  return n.length > 1 && n.endsWith('/') && !/^\/+$/.test(n) ? n.replace(/\/+$/, '') : n;
}

/** A name that, as a file path, would mean another name or leave its folder. */
function pathNotUnique(name: string): boolean {
  const norm = normpath(name);
  return norm !== name || norm === '.' || norm.startsWith('..') || norm.startsWith('/');
}

function validateName(kind: 'metric' | 'parameter' | 'tag', name: unknown): asserts name is string {
  if (typeof name !== 'string') throw new UserError(`${kind} name must be a string, got ${name === null ? 'null' : typeof name}`);
  if (!VALID_NAME.test(name)) throw new UserError(`Invalid ${kind} name: '${name}'. ${BAD_CHARACTERS}`);
  if (pathNotUnique(name)) {
    throw new UserError(`Invalid ${kind} name: '${name}'. Names may be treated as files in certain cases, and must not resolve to other names when treated as such. This name would resolve to '${normpath(name)}'`);
  }
  if (name.length > MAX_ENTITY_KEY_LENGTH) throw new UserError(`${kind} name '${name.slice(0, 50)}…' has ${name.length} characters, more than the limit of ${MAX_ENTITY_KEY_LENGTH}`);
}

export function validateMetricName(name: unknown): asserts name is string {
  validateName('metric', name);
}
export function validateParamName(name: unknown): asserts name is string {
  validateName('parameter', name);
}
export function validateTagName(name: unknown): asserts name is string {
  validateName('tag', name);
}

export function validateMetric(m: Metric): void {
  validateMetricName(m.key);
  if (typeof m.value !== 'number') throw new UserError(`Got invalid value ${String(m.value)} for metric '${m.key}': it must be a number (64-bit float)`);
  if (!Number.isInteger(m.timestamp) || m.timestamp < 0) throw new UserError(`Got invalid timestamp ${m.timestamp} for metric '${m.key}': it must be a nonnegative integer (milliseconds)`);
  if (!Number.isInteger(m.step)) throw new UserError(`Got invalid step ${m.step} for metric '${m.key}': it must be an integer`);
}

/** The stored text of a parameter value (MLflow keeps params as strings). */
export function paramValue(key: string, value: unknown): string {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    throw new UserError(`parameter '${key}' must be a string, number or boolean, got ${value === null ? 'null' : typeof value}`);
  }
  // Python writes booleans as True/False; numbers as Python's str() would.
  const text = typeof value === 'boolean' ? (value ? 'True' : 'False') : typeof value === 'number' ? pythonNumber(value) : value;
  if (text.length > MAX_PARAM_VAL_LENGTH) throw new UserError(`parameter '${key}' value has ${text.length} characters, more than the limit of ${MAX_PARAM_VAL_LENGTH}`);
  return text;
}

export function validateTagValue(key: string, value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new UserError(`tag '${key}' value must be a string, got ${value === null ? 'null' : typeof value}`);
  if (value.length > MAX_TAG_VAL_LENGTH) throw new UserError(`tag '${key}' value has ${value.length} characters, more than the limit of ${MAX_TAG_VAL_LENGTH}`);
}

export function validateRunId(runId: unknown): asserts runId is string {
  if (typeof runId !== 'string' || !RUN_ID.test(runId)) throw new UserError(`Invalid run ID: '${String(runId)}'`);
}

export function validateExperimentId(id: unknown): asserts id is string {
  if (typeof id !== 'string' || !EXPERIMENT_ID.test(id)) throw new UserError(`Invalid experiment ID: '${String(id)}'`);
}

export function validateExperimentName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name === '') throw new UserError(`Invalid experiment name: '${String(name ?? '')}'`);
  if (name.length > MAX_EXPERIMENT_NAME_LENGTH) throw new UserError(`Experiment name exceeds the maximum length of ${MAX_EXPERIMENT_NAME_LENGTH} characters`);
}

/** An artifact sub-path: relative, '/'-separated, never leaving the run's artifact folder. */
export function validateArtifactPath(p: string | undefined): string | undefined {
  if (p === undefined || p === '') return undefined;
  const posix = p.replace(/\\/g, '/');
  const norm = normpath(posix);
  if (posix.startsWith('/') || /^[a-zA-Z]:/.test(posix) || norm === '..' || norm.startsWith('../') || norm.split('/').includes('..')) {
    throw new UserError(`Invalid artifact path: '${p}'. It must be relative and stay inside the run's artifacts (no '..')`);
  }
  return norm === '.' ? undefined : norm;
}

/**
 * A number as Python's repr() of a float writes it (what MLflow's file store writes for a metric
 * value): "1.0", "0.1", "1e-05", "1.5e+16", "nan", "inf", "-inf". Same shortest digits as
 * JavaScript; only the notation differs (Python switches to exponents below 1e-4 and from 1e16).
 */
export function pythonFloat(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mantissa, expText] = x.toExponential().split('e');
  const exp = Number(expText);
  const sign = mantissa.startsWith('-') ? '-' : '';
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  if (digits.length <= exp + 1) return `${sign}${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  return `${sign}${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
}

/** A parameter number as Python's str(): integers without ".0", other numbers as floats. */
function pythonNumber(x: number): string {
  return Number.isSafeInteger(x) ? String(x) : pythonFloat(x);
}

/** Parses a stored metric value: Python's float() spellings (nan, inf, 1e-05) and JSON's. */
export function parseFloatValue(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Infinity;
  if (t === '-inf' || t === '-infinity') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) return undefined;
  return Number(t);
}

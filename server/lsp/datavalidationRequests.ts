// The data validation requests the commands use: statistics of a CSV, a schema inferred from one,
// and validation against a schema with drift/skew against a second CSV. Each is a job (lsp/
// progress.ts): `$/progress` with the bytes read, cancellable, bad input as USER_ERROR_CODE.
//
// Schemas never cross the connection as objects: they may hold int64 values as bigint, which
// JSON cannot carry. The schema goes out as text (inferSchema) and anomalies are passed through
// int64JsonReplacer.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  dataValidationInferSchemaRequest, dataValidationSchemaInfoRequest, dataValidationStatisticsRequest, dataValidationValidateRequest,
  type DataValidationComparison, type DataValidationValidateParams, type DataValidationValidateResult,
} from '../../shared/protocol';
import { UserError } from '../common/errors';
import type { Anomalies, DriftSkewInfo, Measurement } from '../datavalidation/anomalies';
import { computeStatistics, type StatisticsResult } from '../datavalidation/computeStatistics';
import { jensenShannonDivergenceFeatures, lInfinityDistance } from '../datavalidation/distance';
import { int64JsonReplacer, type Feature, type FeatureComparator, type Schema } from '../datavalidation/schema';
import { inferSchema } from '../datavalidation/schemaInfer';
import { loadSchema, printSchemaText } from '../datavalidation/schemaText';
import type { DatasetFeatureStatisticsList, FeatureNameStatistics } from '../datavalidation/statisticsProto';
import { StatsPool } from '../datavalidation/statsPool';
import { validateStatistics } from '../datavalidation/validate';
import { logValidation, validationRunOptions } from '../datavalidation/validationRun';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { runTracked } from '../tracking/trackedJob';
import { runJob, toResponseError, type Job } from './progress';

const SCHEMA_FILE_NAME = 'schema.pbtxt';

function formatBytes(n: number): string {
  if (n < 1000) return `${n} B`;
  if (n < 1e6) return `${(n / 1e3).toFixed(1)} kB`;
  const mb = n / 1e6;
  return mb < 1000 ? `${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MB` : `${(mb / 1000).toFixed(2)} GB`;
}

// Kept for the server's life: later computations find its workers' code already optimised.
let statsPool: StatsPool | undefined;

/**
 * Statistics of one file, reporting "label: 1.2 MB of 4.0 MB". `share` maps this file's progress
 * into the job's percentage when the job reads several files ([start, width] in 0..100).
 */
async function statisticsOf(file: string, job: Job, label = path.basename(file), share: [number, number] = [0, 100]): Promise<StatisticsResult> {
  if (typeof file !== 'string' || !file) throw new UserError('no file given');
  if (!path.isAbsolute(file)) throw new UserError('the path must be absolute', file);
  job.report(`${label}: reading`, share[0]);
  statsPool ??= new StatsPool(os.availableParallelism());
  return computeStatistics(file, {
    pool: statsPool,
    signal: job.signal,
    onProgress: (read, total) => {
      const pct = share[0] + (total > 0 ? (read / total) * share[1] : share[1]);
      job.report(`${label}: ${formatBytes(read)} of ${formatBytes(total)}`, Math.min(100, Math.round(pct)));
    },
  });
}

/** A value JSON can carry: bigints become decimal strings. */
function jsonSafe<T>(value: T): T {
  return JSON.parse(JSON.stringify(value, int64JsonReplacer)) as T;
}

function loadSchemaFile(file: string): Schema {
  if (typeof file !== 'string' || !file) throw new UserError('no schema file given');
  if (!path.isAbsolute(file)) throw new UserError('the path must be absolute', file);
  return loadSchema(file);
}

const hasThreshold = (c: FeatureComparator | undefined) =>
  c?.infinity_norm?.threshold !== undefined || c?.jensen_shannon_divergence?.threshold !== undefined;

function allFeatures(features: Feature[], out: Feature[] = []): Feature[] {
  for (const f of features) {
    out.push(f);
    if (f.struct_domain) allFeatures(f.struct_domain.feature, out);
  }
  return out;
}

function countComparators(schema: Schema): { drift: number; skew: number } {
  const features = allFeatures(schema.feature);
  return {
    drift: features.filter(f => hasThreshold(f.drift_comparator)).length,
    skew: features.filter(f => hasThreshold(f.skew_comparator)).length,
  };
}

const featureKey = (f: FeatureNameStatistics) => (f.path?.step?.length ? f.path.step.join('.') : f.name ?? '');

/** The measurement to show of a feature: the one most above (or least below) its threshold. */
function pick(measurements: Measurement[]): DataValidationComparison | undefined {
  let best: Measurement | undefined;
  for (const m of measurements) if (!best || m.value - m.threshold > best.value - best.threshold) best = m;
  return best && { kind: best.type, value: best.value, threshold: best.threshold, configured: true };
}

function configuredComparisons(info: DriftSkewInfo[], kind: 'driftMeasurements' | 'skewMeasurements'): Record<string, DataValidationComparison> {
  const out: Record<string, DataValidationComparison> = {};
  for (const i of info) {
    const c = pick(i[kind]);
    if (c) out[i.path.step.join('.')] = c;
  }
  return out;
}

/**
 * Distances with TFDV's default choice of comparator when the schema configures none: L∞ for
 * categorical (string/bytes) features, JSD for numeric ones; threshold 1 (never exceeded).
 */
function defaultComparisons(current: DatasetFeatureStatisticsList, control: DatasetFeatureStatisticsList): Record<string, DataValidationComparison> {
  const out: Record<string, DataValidationComparison> = {};
  const others = new Map((control.datasets?.[0]?.features ?? []).map(f => [featureKey(f), f]));
  for (const f of current.datasets?.[0]?.features ?? []) {
    const key = featureKey(f);
    const other = others.get(key);
    if (!other) continue;
    const numeric = f.type === 'INT' || f.type === 'FLOAT';
    try {
      if (numeric && other.numStats) out[key] = { kind: 'JENSEN_SHANNON_DIVERGENCE', value: jensenShannonDivergenceFeatures(f, other), threshold: 1, configured: false };
      else if (!numeric) out[key] = { kind: 'L_INFTY', value: lInfinityDistance(f, other).distance, threshold: 1, configured: false };
    } catch {
      // No distance when it cannot be computed (no histograms or values), as TFDV.
    }
  }
  return out;
}

/** Validates a CSV against a schema, with drift (previous) and skew (serving) comparisons. */
async function validate(params: DataValidationValidateParams, job: Job): Promise<DataValidationValidateResult> {
  // The schema first: a bad one fails before any file is read.
  const schema = loadSchemaFile(params.schema);
  const env = params.environment || undefined;
  if (env !== undefined && !schema.default_environment.includes(env)) {
    throw new UserError(`environment ${env} is not one of the schema's default_environment (${schema.default_environment.join(', ') || 'none'})`, params.schema);
  }
  const others = [params.previous, params.serving].filter((f): f is string => Boolean(f));
  const width = 100 / (1 + others.length);
  const current = await statisticsOf(params.file, job, path.basename(params.file ?? ''), [0, width]);
  const problems = [{ file: params.file, problems: current.problems }];
  let previous: StatisticsResult | undefined;
  let serving: StatisticsResult | undefined;
  let at = width;
  if (params.previous) {
    previous = await statisticsOf(params.previous, job, `previous ${path.basename(params.previous)}`, [at, width]);
    problems.push({ file: params.previous, problems: previous.problems });
    at += width;
  }
  if (params.serving) {
    serving = await statisticsOf(params.serving, job, `serving ${path.basename(params.serving)}`, [at, width]);
    problems.push({ file: params.serving, problems: serving.problems });
  }
  job.report('validating', 100);
  let anomalies: Anomalies;
  try {
    anomalies = validateStatistics(current.statistics, schema, { environment: env, previous: previous?.statistics, serving: serving?.statistics });
  } catch (err) {
    // Schema-level problems (an environment, a bad domain reference) concern the schema file.
    if (err instanceof UserError && !err.file) throw new UserError(err.message, params.schema);
    throw err;
  }
  const counts = countComparators(schema);
  const comparisons = {
    drift: previous ? (counts.drift ? configuredComparisons(anomalies.driftSkewInfo, 'driftMeasurements') : defaultComparisons(current.statistics, previous.statistics)) : {},
    skew: serving ? (counts.skew ? configuredComparisons(anomalies.driftSkewInfo, 'skewMeasurements') : defaultComparisons(current.statistics, serving.statistics)) : {},
  };
  return {
    anomalies: jsonSafe(anomalies),
    statistics: current.statistics,
    previousStatistics: previous?.statistics,
    servingStatistics: serving?.statistics,
    comparisons,
    environments: [...schema.default_environment],
    problems,
  };
}

/** Adapts the data validation capability's batch operations to LSP requests. */
export function registerDataValidationRequests(connection: Connection): void {
  connection.onRequest(dataValidationStatisticsRequest, (params, token) =>
    runJob(connection, 'Computing statistics', params, token, async job => {
      const r = await statisticsOf(params.file, job);
      return { statistics: r.statistics, problems: r.problems };
    }));

  connection.onRequest(dataValidationInferSchemaRequest, (params, token) =>
    runJob(connection, 'Inferring schema', params, token, async job => {
      const output = params.output ?? path.join(path.dirname(params.file ?? ''), SCHEMA_FILE_NAME);
      const r = await statisticsOf(params.file, job);
      job.report('inferring the schema', 100);
      const schema = inferSchema(r.statistics);
      return { schemaText: printSchemaText(schema, { asUtf8: true }), output, exists: fs.existsSync(output), problems: r.problems };
    }));

  connection.onRequest(dataValidationValidateRequest, (params, token) =>
    runJob(connection, 'Validating', params, token, async job => {
      if (!params.tracking) return validate(params, job);
      const tracker = openTracker(resolveTrackingUri(params.tracking.trackingUri, params.tracking.baseFolder ?? path.dirname(params.file ?? '')));
      return runTracked(tracker, validationRunOptions(params), async run => {
        const r = await validate(params, job);
        const value = (c: Record<string, DataValidationComparison>) => Object.fromEntries(Object.entries(c).map(([f, x]) => [f, x.value]));
        await logValidation(run, { statistics: r.statistics, anomalies: r.anomalies, distances: { drift: value(r.comparisons.drift), skew: value(r.comparisons.skew) } });
        return { ...r, runId: run.runId };
      });
    }));

  connection.onRequest(dataValidationSchemaInfoRequest, params => {
    try {
      const schema = loadSchemaFile(params.schema);
      const counts = countComparators(schema);
      return { environments: [...schema.default_environment], driftComparators: counts.drift, skewComparators: counts.skew };
    } catch (err) {
      throw toResponseError(err);
    }
  });
}

// A validation as a tracked run (experiment "data-validation"): the files as params, the example
// and anomaly counts and each feature's drift/skew distance as metrics, the anomalies and the
// statistics as artifacts. Used by the server (VS Code) and by `mlw validate --tracking-uri`.
import * as path from 'node:path';
import { logJsonArtifact, trackingKey, type TrackedJobOptions } from '../tracking/trackedJob';
import type { Run } from '../tracking/types';
import type { Anomalies } from './anomalies';
import type { DatasetFeatureStatisticsList } from './statisticsProto';

export interface ValidationInputs {
  file: string;
  schema: string;
  environment?: string;
  previous?: string;
  serving?: string;
}

export interface ValidationOutcome {
  statistics: DatasetFeatureStatisticsList;
  anomalies: Anomalies;
  /** By feature name: the distance to the previous span (drift) and to the serving data (skew). */
  distances: { drift: Record<string, number>; skew: Record<string, number> };
}

export function validationRunOptions(p: ValidationInputs): TrackedJobOptions {
  const params: Record<string, string> = { file: p.file, schema: p.schema };
  if (p.environment) params.environment = p.environment;
  if (p.previous) params.previous = p.previous;
  if (p.serving) params.serving = p.serving;
  return { experiment: 'data-validation', runName: `validate ${path.basename(p.file ?? '')}`, params, tags: { 'mlw.job': 'validation' } };
}

export async function logValidation(run: Run, r: ValidationOutcome): Promise<void> {
  const now = Date.now();
  const metric = (key: string, value: number) => ({ key, value, step: 0, timestamp: now });
  const anomalyCount = Object.keys(r.anomalies.anomalyInfo ?? {}).length + (r.anomalies.datasetAnomalyInfo ? 1 : 0);
  await run.logMetrics([
    metric('num_examples', Number(r.statistics.datasets[0]?.numExamples ?? 0)),
    metric('anomalies', anomalyCount),
    ...(['drift', 'skew'] as const).flatMap(kind => Object.entries(r.distances[kind]).map(([feature, value]) => metric(`${kind}.${trackingKey(feature)}`, value))),
  ]);
  await run.setTags({ 'mlw.anomalies': String(anomalyCount) });
  await logJsonArtifact(run, 'anomalies.json', r.anomalies);
  await logJsonArtifact(run, 'statistics.json', r.statistics);
}

/** The largest configured distance per feature, from the anomalies' drift/skew measurements. */
export function measuredDistances(anomalies: Anomalies): ValidationOutcome['distances'] {
  const out: ValidationOutcome['distances'] = { drift: {}, skew: {} };
  for (const info of anomalies.driftSkewInfo ?? []) {
    const feature = info.path.step.join('.');
    if (info.driftMeasurements.length) out.drift[feature] = Math.max(...info.driftMeasurements.map(m => m.value));
    if (info.skewMeasurements.length) out.skew[feature] = Math.max(...info.skewMeasurements.map(m => m.value));
  }
  return out;
}

// An inference as a tracked run (experiment "inference"): the model and where its inputs came
// from as params, the latency as metrics, the outputs as an artifact. Used by the server (the
// viewer's Run Model…) and by `mlw onnx run --tracking-uri`.
import * as path from 'node:path';
import { logJsonArtifact, type TrackedJobOptions } from '../tracking/trackedJob';
import type { Run } from '../tracking/types';
import type { RunResult } from './run';

export function inferenceRunOptions(file: string, options: { inputs?: string; seed?: number; repeat?: number }): TrackedJobOptions {
  return {
    experiment: 'inference', runName: `run ${path.basename(file)}`, tags: { 'mlw.job': 'inference' },
    params: { model: file, inputs: options.inputs ?? `random (seed ${options.seed ?? 0})`, repeat: options.repeat ?? 1 },
  };
}

export async function logInference(run: Run, result: RunResult): Promise<void> {
  const now = Date.now();
  await run.logMetrics([
    { key: 'latency_ms', value: result.latencyMs, step: 0, timestamp: now },
    { key: 'load_ms', value: result.loadMs, step: 0, timestamp: now },
  ]);
  await run.setTags({ 'mlw.threads': String(result.threads) });
  await logJsonArtifact(run, 'outputs.json', result.outputs);
}

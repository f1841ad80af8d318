// A job as a tracked run: started before the work, ended FINISHED, KILLED (cancelled) or FAILED
// after it, so every validation, evaluation or inference leaves a record even when it fails.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { CancelledError } from '../common/errors';
import type { Run, Tracker } from './types';

export interface TrackedJobOptions {
  experiment: string;
  runName: string;
  params?: Record<string, string | number | boolean>;
  tags?: Record<string, string>;
}

export async function runTracked<T>(tracker: Tracker, options: TrackedJobOptions, work: (run: Run) => Promise<T>): Promise<T> {
  const run = await tracker.startRun(await tracker.experimentId(options.experiment), { runName: options.runName, tags: options.tags });
  try {
    if (options.params && Object.keys(options.params).length) await run.logParams(options.params);
    const result = await work(run);
    await run.end('FINISHED');
    return result;
  } catch (err) {
    await run.end(err instanceof CancelledError ? 'KILLED' : 'FAILED').catch(() => undefined);
    throw err;
  }
}

/** Logs a JSON document as an artifact file `name` (through a temporary file: stores copy files). */
export async function logJsonArtifact(run: Run, name: string, value: unknown, artifactPath?: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-artifact-'));
  try {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
    await run.logArtifact(file, artifactPath);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** A metric or param key MLflow accepts, made from free text such as a feature name. */
export function trackingKey(text: string): string {
  // No slashes or leading dots: MLflow keys are file paths in its file store.
  const key = text.replace(/[^\w\-. ]/g, '_').replace(/^\.+/, '');
  return (key || '_').slice(0, 250);
}

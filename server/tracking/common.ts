// What both stores share: MLflow's status numbers, the tags a run starts with, which logged
// value is "the" metric of a run, and where logArtifact puts things.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UserError } from '../common/errors';
import type { Metric, RunStatus } from './types';
import { randomRunName } from './runNames';
import { validateArtifactPath, validateTagName, validateTagValue } from './validation';

/** mlflow.entities.RunStatus: the integers meta.yaml stores. */
export const RUN_STATUS_NUMBER: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 };

export function runStatusFromNumber(n: unknown): RunStatus | undefined {
  return (Object.keys(RUN_STATUS_NUMBER) as RunStatus[]).find(s => RUN_STATUS_NUMBER[s] === n);
}

export function isRunStatus(s: unknown): s is RunStatus {
  return typeof s === 'string' && s in RUN_STATUS_NUMBER;
}

/** mlflow.utils.mlflow_tags. */
export const TAG_RUN_NAME = 'mlflow.runName';
export const TAG_USER = 'mlflow.user';
export const TAG_SOURCE_NAME = 'mlflow.source.name';
export const TAG_SOURCE_TYPE = 'mlflow.source.type';

export function currentUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

/** The tags MLflow's client sets on a new run, unless the caller set them. */
export function startTags(runName: string, user: string, tags: Record<string, string> = {}): Record<string, string> {
  if (tags[TAG_RUN_NAME] !== undefined && tags[TAG_RUN_NAME] !== runName) {
    throw new UserError(`Both the run name '${runName}' and the tag ${TAG_RUN_NAME}='${tags[TAG_RUN_NAME]}' are given, with different values`);
  }
  return { [TAG_USER]: user, [TAG_SOURCE_NAME]: 'mlw', [TAG_SOURCE_TYPE]: 'LOCAL', ...tags, [TAG_RUN_NAME]: runName };
}

/** A new run's name (given, from its tags, or random as MLflow's), user and tags, validated. */
export function newRunTags(options: { runName?: string; tags?: Record<string, string> }): { runName: string; user: string; tags: Record<string, string> } {
  const runName = options.runName || options.tags?.[TAG_RUN_NAME] || randomRunName();
  const user = currentUser();
  const tags = startTags(runName, user, options.tags);
  for (const [k, v] of Object.entries(tags)) {
    validateTagName(k);
    validateTagValue(k, v);
  }
  return { runName, user, tags };
}

/**
 * The value MLflow reports as a run's metric: the largest (step, timestamp, value), compared in
 * that order (FileStore._get_metric_from_file).
 */
export function latestMetric(history: Metric[]): Metric | undefined {
  let best: Metric | undefined;
  for (const m of history) {
    if (!best || m.step > best.step || (m.step === best.step && (m.timestamp > best.timestamp || (m.timestamp === best.timestamp && m.value > best.value)))) best = m;
  }
  return best;
}

export interface ArtifactSource {
  /** The local file or folder to copy/upload. */
  local: string;
  isDir: boolean;
  /**
   * Where it goes under the artifact root: a file as `<dest>/<name>`, a folder's contents into
   * `<dest>/` (MLflow's log_artifact / log_artifacts). Undefined = the root.
   */
  dest: string | undefined;
}

/**
 * Resolves a logArtifact call. A path inside the run's `localArtifactDir` with no
 * `artifactPath` keeps its place there (a checkpoint written to `<dir>/ckpt/model.bin` is logged
 * as `ckpt/model.bin`), so jobs can write into that folder and log what they wrote with either store.
 */
export function artifactSource(localPath: string, artifactPath: string | undefined, localArtifactDir: string): ArtifactSource {
  const local = path.resolve(localPath);
  const st = fs.statSync(local, { throwIfNoEntry: false });
  if (!st) throw new UserError('no such file or folder to log as an artifact', local);
  if (!st.isFile() && !st.isDirectory()) throw new UserError('only files and folders can be logged as artifacts', local);
  let dest = validateArtifactPath(artifactPath);
  if (artifactPath === undefined) {
    const rel = path.relative(path.resolve(localArtifactDir), local);
    if (rel === '') dest = undefined;
    else if (!rel.startsWith('..') && !path.isAbsolute(rel)) {
      const inside = st.isDirectory() ? rel : path.dirname(rel);
      dest = inside === '.' ? undefined : inside.split(path.sep).join('/');
    }
  }
  return { local, isDir: st.isDirectory(), dest };
}

/** Every file under a folder, as paths relative to it ('/'-separated), sorted. */
export function filesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const e of fs.readdirSync(abs, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(dir, '');
  return out;
}

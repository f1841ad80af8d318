// A local tracking store in MLflow's FileStore layout, so `mlflow ui --backend-store-uri mlruns`
// reads what it holds (and this reads what MLflow wrote):
//
//   mlruns/<experiment_id>/meta.yaml            experiment: name, artifact_location, lifecycle_stage…
//   mlruns/<experiment_id>/tags/<key>           experiment tags
//   mlruns/<experiment_id>/<run_id>/meta.yaml   run: status (an integer), start/end time, user…
//   mlruns/<experiment_id>/<run_id>/params/<key>    the value, no newline
//   mlruns/<experiment_id>/<run_id>/metrics/<key>   one "<timestamp_ms> <value> <step>" line per value
//   mlruns/<experiment_id>/<run_id>/tags/<key>      the value, no newline
//   mlruns/<experiment_id>/<run_id>/artifacts/      files logged
//   mlruns/.trash/                                  deleted experiments
//
// Experiment 0, "Default", is created with the folder. meta.yaml, params and tags are replaced
// atomically; metric lines are appended with one write() per call on an O_APPEND descriptor,
// which the kernel applies whole, so concurrent loggers (processes or threads) never tear a line.
import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import YAML from 'yaml';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import {
  artifactSource, latestMetric, newRunTags, RUN_STATUS_NUMBER, runStatusFromNumber, TAG_RUN_NAME,
} from './common';
import type { ArtifactEntry, ExperimentInfo, Metric, Run, RunData, RunInfo, RunSearch, RunStatus, TrackingStore } from './types';
import {
  paramValue, parseFloatValue, pythonFloat, validateArtifactPath, validateExperimentId, validateExperimentName, validateMetric,
  validateMetricName, validateParamName, validateRunId, validateTagName, validateTagValue,
} from './validation';

const META = 'meta.yaml';
const TRASH = '.trash';
const DEFAULT_EXPERIMENT_ID = '0';
const DEFAULT_EXPERIMENT_NAME = 'Default';
/** Folders of an experiment that are not runs (FileStore.RESERVED_EXPERIMENT_FOLDERS). */
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces']);
/** Folders of the root that are not experiments: the trash and the model registry's. */
const NOT_EXPERIMENTS = new Set([TRASH, 'models']);
const YAML_OPTIONS = { singleQuote: true, lineWidth: 0, sortMapEntries: true } as const;

type Yaml = Record<string, unknown>;

/** MLflow's yaml.safe_dump(sort_keys=True) output, near enough for PyYAML to read back identically. */
function dumpYaml(data: Yaml): string {
  return YAML.stringify(data, YAML_OPTIONS);
}

function readYaml(file: string): Yaml {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`, file);
  }
  const doc = YAML.parseDocument(text);
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new UserError(`not valid YAML: ${e.message.split('\n')[0]}`, file, e.linePos?.[0].line, e.linePos?.[0].col);
  }
  const data = doc.toJS() as unknown;
  if (!data || typeof data !== 'object' || Array.isArray(data)) throw new UserError('expected a mapping of fields', file);
  return data as Yaml;
}

const isDir = (p: string) => fs.statSync(p, { throwIfNoEntry: false })?.isDirectory() ?? false;

function subdirs(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true }).filter(e => e.isDirectory()).map(e => e.name);
  } catch {
    return [];
  }
}

/** Files under a folder, recursively, as keys ('/'-separated): metric, param and tag names may hold '/'. */
function keyFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(abs, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(abs, e.name), r);
      else if (e.isFile() && !e.name.startsWith('.')) out.push(r); // dot files: our temporary files
    }
  };
  walk(dir, '');
  return out.sort();
}

function readKeyValues(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of keyFiles(dir)) out[key] = fs.readFileSync(path.join(dir, key), 'utf8');
  return out;
}

const asNumber = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined);
const asString = (v: unknown): string => (v === null || v === undefined ? '' : String(v));

/** A random positive 63-bit integer, as MLflow's _generate_unique_integer_id makes experiment ids. */
function newExperimentId(): string {
  const n = randomBytes(8).readBigUInt64BE() & 0x7fffffffffffffffn;
  return (n === 0n ? 1n : n).toString();
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

export class FileStore implements TrackingStore {
  readonly kind = 'file' as const;
  readonly uri: string;
  readonly root: string;
  /** runId → its folder, found once. */
  private readonly runDirs = new Map<string, string>();

  constructor(root: string) {
    this.root = path.resolve(root);
    this.uri = pathToFileURL(this.root).href;
  }

  // ---- experiments ------------------------------------------------------------------------

  async experimentId(name: string): Promise<string> {
    validateExperimentName(name);
    this.ensureRoot();
    const found = await this.findExperiment(name);
    if (found) return found.experimentId;
    // Under a lock, so that two jobs starting at once make one experiment, not two of the same name.
    return this.withLock(async () => {
      const again = await this.findExperiment(name);
      if (again) return again.experimentId;
      let id = newExperimentId();
      while (fs.existsSync(path.join(this.root, id))) id = newExperimentId();
      this.createExperiment(id, name);
      return id;
    });
  }

  async findExperiment(name: string): Promise<ExperimentInfo | undefined> {
    return (await this.listExperiments()).find(e => e.name === name);
  }

  async listExperiments(): Promise<ExperimentInfo[]> {
    const out: ExperimentInfo[] = [];
    for (const id of subdirs(this.root)) {
      if (NOT_EXPERIMENTS.has(id)) continue;
      const meta = path.join(this.root, id, META);
      if (!fs.existsSync(meta)) continue;
      try {
        const e = this.readExperiment(path.join(this.root, id));
        if (e.experimentId === id && e.lifecycleStage === 'active') out.push(e);
      } catch {
        // As MLflow: a malformed experiment is left out of listings (getRun names the file).
      }
    }
    // MLflow's order: newest first, then by id.
    return out.sort((a, b) => (b.creationTime ?? 0) - (a.creationTime ?? 0) || (a.experimentId < b.experimentId ? -1 : a.experimentId > b.experimentId ? 1 : 0));
  }

  private readExperiment(dir: string): ExperimentInfo {
    const file = path.join(dir, META);
    const m = readYaml(file);
    if (m.experiment_id === undefined || m.experiment_id === null) throw new UserError('no experiment_id', file);
    return {
      experimentId: String(m.experiment_id),
      name: asString(m.name),
      artifactLocation: asString(m.artifact_location),
      lifecycleStage: m.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
      creationTime: asNumber(m.creation_time),
      lastUpdateTime: asNumber(m.last_update_time),
      tags: readKeyValues(path.join(dir, 'tags')),
    };
  }

  private ensureRoot(): void {
    if (fs.existsSync(this.root) && !isDir(this.root)) throw new UserError('the tracking store must be a folder', this.root);
    if (!fs.existsSync(path.join(this.root, DEFAULT_EXPERIMENT_ID, META))) {
      fs.mkdirSync(this.root, { recursive: true });
      // Only for a new store, as MLflow: an existing one may have deleted its default experiment.
      if (subdirs(this.root).filter(d => !NOT_EXPERIMENTS.has(d)).length === 0) this.createExperiment(DEFAULT_EXPERIMENT_ID, DEFAULT_EXPERIMENT_NAME);
    }
    fs.mkdirSync(path.join(this.root, TRASH), { recursive: true });
  }

  private createExperiment(id: string, name: string): void {
    const dir = path.join(this.root, id);
    fs.mkdirSync(dir, { recursive: true });
    const now = Date.now();
    writeFileAtomic(path.join(dir, META), dumpYaml({
      artifact_location: pathToFileURL(dir).href,
      creation_time: now,
      experiment_id: id,
      last_update_time: now,
      lifecycle_stage: 'active',
      name,
    }));
  }

  /** A lock folder in the root: mkdir is atomic; a lock older than 10 s is left by a crash. */
  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = path.join(this.root, '.mlw-lock');
    for (let i = 0; ; i++) {
      try {
        fs.mkdirSync(lock);
        break;
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
        const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
        if (age > 10_000 || i > 400) fs.rmSync(lock, { recursive: true, force: true });
        await sleep(25);
      }
    }
    try {
      return await fn();
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }

  // ---- runs -------------------------------------------------------------------------------

  async startRun(experimentId: string, options: { runName?: string; tags?: Record<string, string>; startTime?: number } = {}): Promise<Run> {
    validateExperimentId(experimentId);
    this.ensureRoot();
    const expDir = path.join(this.root, experimentId);
    if (!fs.existsSync(path.join(expDir, META))) throw new UserError(`no experiment with id ${experimentId}`, this.root);
    const experiment = this.readExperiment(expDir);
    if (experiment.lifecycleStage !== 'active') throw new UserError(`experiment ${experimentId} is deleted: runs cannot be created in it`, path.join(expDir, META));
    const startTime = options.startTime ?? Date.now();
    if (!Number.isInteger(startTime) || startTime < 0) throw new UserError(`invalid start time ${startTime}: milliseconds since the epoch expected`);
    const { runName, user, tags } = newRunTags(options);
    const runId = randomUUID().replace(/-/g, '');
    const runDir = path.join(expDir, runId);
    const info: RunInfo = {
      runId, experimentId, runName, status: 'RUNNING', startTime, userId: user, lifecycleStage: 'active',
      artifactUri: `${experiment.artifactLocation.replace(/\/+$/, '')}/${runId}/artifacts`,
    };
    fs.mkdirSync(runDir, { recursive: true });
    this.writeRunMeta(runDir, info);
    for (const sub of ['metrics', 'params', 'artifacts']) fs.mkdirSync(path.join(runDir, sub), { recursive: true });
    for (const [k, v] of Object.entries(tags)) writeFileAtomic(path.join(runDir, 'tags', k), v);
    this.runDirs.set(runId, runDir);
    return new FileRun(this, runId, experimentId, runDir, this.artifactDir(runDir, info));
  }

  async openRun(runId: string): Promise<Run> {
    const runDir = this.runDir(runId);
    const info = this.readRunInfo(runDir);
    if (info.lifecycleStage !== 'active') throw new UserError(`run ${runId} is deleted`, path.join(runDir, META));
    return new FileRun(this, runId, info.experimentId, runDir, this.artifactDir(runDir, info));
  }

  async getRun(runId: string): Promise<RunData> {
    return this.runData(this.runDir(runId));
  }

  async searchRuns(search: RunSearch = {}): Promise<RunData[]> {
    const ids = search.experimentIds ?? (await this.listExperiments()).map(e => e.experimentId);
    const runs: RunData[] = [];
    for (const id of ids) {
      validateExperimentId(id);
      const expDir = path.join(this.root, id);
      for (const name of subdirs(expDir)) {
        if (RESERVED_EXPERIMENT_FOLDERS.has(name) || !fs.existsSync(path.join(expDir, name, META))) continue;
        try {
          const data = this.runData(path.join(expDir, name));
          if (data.info.experimentId === id && data.info.lifecycleStage === 'active') runs.push(data);
        } catch {
          // A malformed run is left out of listings, as MLflow does; getRun reports it.
        }
      }
    }
    runs.sort((a, b) => b.info.startTime - a.info.startTime || (a.info.runId < b.info.runId ? -1 : 1));
    return runs.slice(0, search.maxResults ?? 1000);
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    validateMetricName(key);
    const file = path.join(this.runDir(runId), 'metrics', key);
    if (!fs.existsSync(file)) return [];
    return parseMetricFile(file, key);
  }

  async listArtifacts(runId: string, sub?: string): Promise<ArtifactEntry[]> {
    const runDir = this.runDir(runId);
    const rel = validateArtifactPath(sub);
    const base = this.artifactDir(runDir, this.readRunInfo(runDir));
    const dir = rel ? path.join(base, ...rel.split('/')) : base;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return [];
    }
    return entries
      .filter(e => e.isFile() || e.isDirectory())
      .map(e => {
        const p = rel ? `${rel}/${e.name}` : e.name;
        return e.isDirectory() ? { path: p, isDir: true } : { path: p, isDir: false, fileSize: fs.statSync(path.join(dir, e.name)).size };
      })
      .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async artifactFile(runId: string, artifactPath: string, _downloadDir?: string): Promise<string> {
    const runDir = this.runDir(runId);
    const rel = validateArtifactPath(artifactPath);
    if (!rel) throw new UserError('no artifact path given');
    const file = path.join(this.artifactDir(runDir, this.readRunInfo(runDir)), ...rel.split('/'));
    if (!fs.statSync(file, { throwIfNoEntry: false })?.isFile()) throw new UserError(`run ${runId} has no artifact file ${rel}`, file);
    return file;
  }

  // ---- the files of a run -----------------------------------------------------------------

  /** The folder of a run, in an active or a deleted experiment. */
  runDir(runId: string): string {
    validateRunId(runId);
    const cached = this.runDirs.get(runId);
    if (cached && fs.existsSync(path.join(cached, META))) return cached;
    for (const parent of [this.root, path.join(this.root, TRASH)]) {
      for (const exp of subdirs(parent)) {
        if (parent === this.root && NOT_EXPERIMENTS.has(exp)) continue;
        const dir = path.join(parent, exp, runId);
        if (fs.existsSync(path.join(dir, META))) {
          this.runDirs.set(runId, dir);
          return dir;
        }
      }
    }
    throw new UserError(`no run with id ${runId}`, this.root);
  }

  readRunInfo(runDir: string): RunInfo {
    const file = path.join(runDir, META);
    const m = readYaml(file);
    const runId = asString(m.run_id ?? m.run_uuid);
    if (!runId) throw new UserError('no run_id', file);
    const status = m.status === undefined || m.status === null ? 'RUNNING' : runStatusFromNumber(m.status);
    if (!status) throw new UserError(`unknown status ${JSON.stringify(m.status)} (MLflow's RunStatus is 1 to 5)`, file);
    const tagName = () => {
      try {
        return fs.readFileSync(path.join(runDir, 'tags', TAG_RUN_NAME), 'utf8');
      } catch {
        return '';
      }
    };
    const endTime = asNumber(m.end_time);
    return {
      runId,
      experimentId: asString(m.experiment_id),
      runName: asString(m.run_name) || tagName(),
      status,
      startTime: asNumber(m.start_time) ?? 0,
      ...(endTime !== undefined ? { endTime } : {}),
      userId: asString(m.user_id),
      artifactUri: asString(m.artifact_uri),
      lifecycleStage: m.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    };
  }

  writeRunMeta(runDir: string, info: RunInfo): void {
    const file = path.join(runDir, META);
    // Fields MLflow writes that this store does not model (deleted_time…) are kept as they were.
    const previous = fs.existsSync(file) ? readYaml(file) : { deleted_time: null };
    writeFileAtomic(file, dumpYaml({
      ...previous,
      artifact_uri: info.artifactUri,
      end_time: info.endTime ?? null,
      entry_point_name: '',
      experiment_id: info.experimentId,
      lifecycle_stage: info.lifecycleStage,
      run_id: info.runId,
      run_name: info.runName,
      run_uuid: info.runId,
      source_name: '',
      source_type: 4, // SourceType.LOCAL
      source_version: '',
      start_time: info.startTime,
      status: RUN_STATUS_NUMBER[info.status],
      tags: [],
      user_id: info.userId,
    }));
  }

  /**
   * The local artifact folder of a run: its artifact_uri when that is a local folder, else
   * <run>/artifacts (also for a store that was moved, whose URIs name the old place).
   */
  private artifactDir(runDir: string, info: RunInfo): string {
    const own = path.join(runDir, 'artifacts');
    let named: string | undefined;
    if (info.artifactUri.startsWith('file:')) {
      try {
        named = fileURLToPath(info.artifactUri);
      } catch { /* not a local file URI */ }
    } else if (path.isAbsolute(info.artifactUri)) named = info.artifactUri;
    if (named && (isDir(named) || !isDir(own))) return named;
    return own;
  }

  private runData(runDir: string): RunData {
    const info = this.readRunInfo(runDir);
    const metrics: Record<string, Metric> = {};
    const metricsDir = path.join(runDir, 'metrics');
    for (const key of keyFiles(metricsDir)) {
      const latest = latestMetric(parseMetricFile(path.join(metricsDir, key), key));
      if (latest) metrics[key] = latest;
    }
    return { info, params: readKeyValues(path.join(runDir, 'params')), metrics, tags: readKeyValues(path.join(runDir, 'tags')) };
  }
}

/** Every line of a metric file; a malformed line is an error naming the file and line. */
export function parseMetricFile(file: string, key: string): Metric[] {
  const out: Metric[] = [];
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const parts = line.split(' ');
    const timestamp = Number(parts[0]);
    const value = parseFloatValue(parts[1] ?? '');
    const step = parts.length === 3 ? Number(parts[2]) : 0;
    if ((parts.length !== 2 && parts.length !== 3) || !Number.isInteger(timestamp) || value === undefined || !Number.isInteger(step)) {
      throw new UserError(`metric '${key}' is malformed: expected "<timestamp> <value> <step>", got "${line.slice(0, 80)}"`, file, i + 1, 1);
    }
    out.push({ key, value, timestamp, step });
  }
  return out;
}

export class FileRun implements Run {
  constructor(
    private readonly store: FileStore,
    readonly runId: string,
    readonly experimentId: string,
    private readonly runDir: string,
    readonly localArtifactDir: string,
  ) {}

  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const values = Object.entries(params).map(([k, v]) => {
      validateParamName(k);
      return [k, paramValue(k, v)] as const;
    });
    for (const [key, value] of values) {
      const file = path.join(this.runDir, 'params', key);
      if (fs.existsSync(file)) {
        // Params are immutable in MLflow: the same value again is fine, another is an error.
        const current = fs.readFileSync(file, 'utf8');
        if (current !== value) {
          throw new UserError(`Changing param values is not allowed. Param with key='${key}' was already logged with value='${current}' for run ID='${this.runId}'. Attempted logging new value '${value}'.`, file);
        }
        continue;
      }
      writeFileAtomic(file, value);
    }
  }

  async logMetric(key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    return this.logMetrics([{ key, value, step, timestamp }]);
  }

  async logMetrics(metrics: Metric[]): Promise<void> {
    for (const m of metrics) validateMetric(m);
    const lines = new Map<string, string>();
    for (const m of metrics) lines.set(m.key, (lines.get(m.key) ?? '') + `${m.timestamp} ${pythonFloat(m.value)} ${m.step}\n`);
    for (const [key, text] of lines) {
      const file = path.join(this.runDir, 'metrics', key);
      fs.mkdirSync(path.dirname(file), { recursive: true });
      appendWhole(file, text);
    }
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    for (const [k, v] of Object.entries(tags)) {
      validateTagName(k);
      validateTagValue(k, v);
    }
    for (const [k, v] of Object.entries(tags)) writeFileAtomic(path.join(this.runDir, 'tags', k), v);
    const name = tags[TAG_RUN_NAME];
    if (name !== undefined) {
      // MLflow keeps meta.yaml's run_name in step with the tag.
      const info = this.store.readRunInfo(this.runDir);
      this.store.writeRunMeta(this.runDir, { ...info, runName: name });
    }
  }

  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const src = artifactSource(localPath, artifactPath, this.localArtifactDir);
    const destDir = src.dest ? path.join(this.localArtifactDir, ...src.dest.split('/')) : this.localArtifactDir;
    const dest = src.isDir ? destDir : path.join(destDir, path.basename(src.local));
    if (path.resolve(dest) === src.local) return; // already where it belongs
    fs.mkdirSync(destDir, { recursive: true });
    if (src.isDir) fs.cpSync(src.local, dest, { recursive: true, force: true });
    else fs.copyFileSync(src.local, dest);
  }

  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime = Date.now()): Promise<void> {
    if (!['FINISHED', 'FAILED', 'KILLED'].includes(status)) throw new UserError(`a run ends FINISHED, FAILED or KILLED, not ${status}`);
    if (!Number.isInteger(endTime) || endTime < 0) throw new UserError(`invalid end time ${endTime}: milliseconds since the epoch expected`);
    const info = this.store.readRunInfo(this.runDir);
    this.store.writeRunMeta(this.runDir, { ...info, status, endTime });
  }
}

/**
 * Appends `text` with a single write() on an O_APPEND descriptor: the kernel moves to the end
 * and writes in one step, so lines of concurrent writers do not interleave.
 */
function appendWhole(file: string, text: string): void {
  const data = Buffer.from(text);
  const fd = fs.openSync(file, 'a');
  try {
    const written = fs.writeSync(fd, data);
    // Regular files take a whole write; finish a short one rather than lose the rest.
    if (written < data.length) fs.writeSync(fd, data.subarray(written));
  } finally {
    fs.closeSync(fd);
  }
}

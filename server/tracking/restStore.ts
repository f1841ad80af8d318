// A remote MLflow tracking server through its REST API (/api/2.0/mlflow/...), as MLflow's own
// client speaks it: experiments/get-by-name and create, runs/create, runs/log-batch within the
// server's limits (1000 metrics, 100 params, 100 tags per request), runs/update, runs/get,
// runs/search, metrics/get-history, artifacts/list; artifacts go up through the server's proxy
// (PUT /api/2.0/mlflow-artifacts/artifacts/...) when the run's artifact URI is mlflow-artifacts:.
//
// Requests are retried with exponential backoff on 429 and 5xx and on network errors; the server
// is authenticated against with MLFLOW_TRACKING_TOKEN (bearer) or MLFLOW_TRACKING_USERNAME /
// MLFLOW_TRACKING_PASSWORD (basic), or credentials in the URL.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../common/atomicWrite';
import { UserError } from '../common/errors';
import { artifactSource, filesUnder, isRunStatus, newRunTags, TAG_RUN_NAME } from './common';
import type { ArtifactEntry, ExperimentInfo, Metric, Run, RunData, RunInfo, RunSearch, RunStatus, TrackingStore } from './types';
import {
  MAX_METRICS_PER_BATCH, MAX_PARAMS_TAGS_PER_BATCH, paramValue, validateArtifactPath, validateExperimentId, validateExperimentName,
  validateMetric, validateMetricName, validateParamName, validateRunId, validateTagName, validateTagValue,
} from './validation';

export interface RestOptions {
  /** Retries after the first attempt (default: MLFLOW_HTTP_REQUEST_MAX_RETRIES or 5). */
  maxRetries?: number;
  /** The first retry's delay; each next one doubles, up to 30 s (default 500 ms). */
  backoffMs?: number;
  /** Per attempt (default: MLFLOW_HTTP_REQUEST_TIMEOUT seconds or 120 s). */
  timeoutMs?: number;
  /** Where credentials come from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

/** HTTP statuses worth trying again: rate limits and server trouble (MLflow's own list). */
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

type Json = Record<string, any>;

interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  json?: unknown;
  /** A file to send as the body (PUT of an artifact). */
  file?: string;
  /** Statuses that are an answer rather than an error (e.g. 404 for "no such experiment"). */
  accept?: number[];
  /** The body as bytes, not parsed (a downloaded artifact). */
  raw?: boolean;
}

interface Response {
  status: number;
  json: Json;
  bytes?: Buffer;
}

/** An HTTP error from the server, with MLflow's error_code when it sent one. */
export class MlflowHttpError extends UserError {
  constructor(readonly endpoint: string, readonly status: number, readonly errorCode: string | undefined, detail: string) {
    super(`MLflow server: ${endpoint} failed (HTTP ${status}${errorCode ? ` ${errorCode}` : ''}): ${detail}`);
  }
}

const sleep = (ms: number) => new Promise(r => setTimeout(r, ms));

/** JSON cannot carry NaN or ±Infinity; protobuf's JSON mapping spells them as strings. */
const jsonDouble = (v: number): number | string => (Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v);
const fromJsonDouble = (v: unknown): number => (v === 'NaN' ? NaN : v === 'Infinity' ? Infinity : v === '-Infinity' ? -Infinity : Number(v));
/** int64 fields may come as numbers or strings. */
const int64 = (v: unknown): number | undefined => (v === undefined || v === null || v === '' ? undefined : Number(v));

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

const encodePath = (p: string) => p.split('/').filter(Boolean).map(encodeURIComponent).join('/');

export class RestStore implements TrackingStore {
  readonly kind = 'rest' as const;
  readonly uri: string;
  /** The server's base URL without credentials or trailing slash. */
  private readonly base: string;
  private readonly authorization: string | undefined;
  private readonly maxRetries: number;
  private readonly backoffMs: number;
  private readonly timeoutMs: number;

  constructor(uri: string, options: RestOptions = {}) {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      throw new UserError(`not a URL: ${uri}`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new UserError(`an MLflow server URL must be http(s), got ${uri}`);
    const env = options.env ?? process.env;
    // fetch() refuses URLs with credentials: they become a basic Authorization header.
    const user = decodeURIComponent(url.username) || env.MLFLOW_TRACKING_USERNAME;
    const password = decodeURIComponent(url.password) || env.MLFLOW_TRACKING_PASSWORD;
    url.username = '';
    url.password = '';
    this.base = url.href.replace(/\/+$/, '');
    this.uri = this.base;
    if (env.MLFLOW_TRACKING_TOKEN) this.authorization = `Bearer ${env.MLFLOW_TRACKING_TOKEN}`;
    else if (user) this.authorization = `Basic ${Buffer.from(`${user}:${password ?? ''}`).toString('base64')}`;
    const envNumber = (name: string) => (env[name] !== undefined && Number.isFinite(Number(env[name])) ? Number(env[name]) : undefined);
    this.maxRetries = options.maxRetries ?? envNumber('MLFLOW_HTTP_REQUEST_MAX_RETRIES') ?? 5;
    this.backoffMs = options.backoffMs ?? 500;
    this.timeoutMs = options.timeoutMs ?? (envNumber('MLFLOW_HTTP_REQUEST_TIMEOUT') ?? 120) * 1000;
  }

  // ---- HTTP -------------------------------------------------------------------------------

  /** One API call, retried on 429/5xx and network errors; other failures name the endpoint and MLflow's error code. */
  async request(method: 'GET' | 'POST' | 'PUT', apiPath: string, options: RequestOptions = {}): Promise<Response> {
    const url = new URL(`${this.base}${apiPath}`);
    for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const endpoint = `${method} ${apiPath}`;
    for (let attempt = 0; ; attempt++) {
      let status: number;
      let bytes: Buffer;
      let retryAfter: number | undefined;
      try {
        const headers: Record<string, string> = {};
        if (this.authorization) headers.Authorization = this.authorization;
        let body: BodyInit | undefined;
        if (options.json !== undefined) {
          headers['Content-Type'] = 'application/json';
          body = JSON.stringify(options.json);
        } else if (options.file) {
          headers['Content-Type'] = 'application/octet-stream';
          headers['Content-Length'] = String(fs.statSync(options.file).size);
          body = Readable.toWeb(fs.createReadStream(options.file)) as unknown as BodyInit;
        }
        const res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs), ...(options.file ? { duplex: 'half' } : {}) } as RequestInit);
        status = res.status;
        bytes = Buffer.from(await res.arrayBuffer());
        const ra = Number(res.headers.get('retry-after'));
        if (Number.isFinite(ra) && ra > 0) retryAfter = ra * 1000;
      } catch (err) {
        if (attempt < this.maxRetries) {
          await sleep(this.delay(attempt));
          continue;
        }
        const cause = (err as { cause?: { code?: string } }).cause?.code ?? (err as Error).message;
        throw new UserError(`MLflow server: ${endpoint} failed: cannot reach ${this.base} (${cause})`);
      }
      const text = bytes.toString('utf8');
      if ((status >= 200 && status < 300) || options.accept?.includes(status)) {
        if (options.raw) return { status, json: {}, bytes };
        let json: Json = {};
        if (text) {
          try {
            json = JSON.parse(text) as Json;
          } catch {
            throw new UserError(`MLflow server: ${endpoint} answered ${status} with a body that is not JSON: ${text.slice(0, 200)}`);
          }
        }
        return { status, json, bytes };
      }
      if (RETRY_STATUSES.has(status) && attempt < this.maxRetries) {
        await sleep(Math.max(this.delay(attempt), Math.min(retryAfter ?? 0, 30_000)));
        continue;
      }
      let errorCode: string | undefined;
      let message = text.trim().slice(0, 500) || '(no message)';
      try {
        const j = JSON.parse(text) as Json;
        errorCode = typeof j.error_code === 'string' ? j.error_code : undefined;
        if (typeof j.message === 'string') message = j.message;
      } catch { /* not JSON: the text is the message */ }
      throw new MlflowHttpError(endpoint, status, errorCode, message);
    }
  }

  private delay(attempt: number): number {
    return Math.min(30_000, this.backoffMs * 2 ** attempt);
  }

  private api(method: 'GET' | 'POST', endpoint: string, options: RequestOptions = {}): Promise<Response> {
    return this.request(method, `/api/2.0/mlflow/${endpoint}`, options);
  }

  // ---- experiments ------------------------------------------------------------------------

  async findExperiment(name: string): Promise<ExperimentInfo | undefined> {
    validateExperimentName(name);
    const r = await this.api('GET', 'experiments/get-by-name', { query: { experiment_name: name }, accept: [404] });
    if (r.status === 404 || !r.json.experiment) return undefined;
    return toExperiment(r.json.experiment);
  }

  async experimentId(name: string): Promise<string> {
    const found = await this.findExperiment(name);
    if (found) {
      if (found.lifecycleStage === 'deleted') throw new UserError(`experiment '${name}' is deleted on ${this.base}: restore it or choose another name`);
      return found.experimentId;
    }
    try {
      const r = await this.api('POST', 'experiments/create', { json: { name } });
      return String(r.json.experiment_id);
    } catch (err) {
      // Created by someone else meanwhile.
      if (err instanceof MlflowHttpError && err.errorCode === 'RESOURCE_ALREADY_EXISTS') {
        const again = await this.findExperiment(name);
        if (again) return again.experimentId;
      }
      throw err;
    }
  }

  async listExperiments(): Promise<ExperimentInfo[]> {
    const out: ExperimentInfo[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.api('POST', 'experiments/search', { json: { max_results: 1000, view_type: 'ACTIVE_ONLY', ...(pageToken ? { page_token: pageToken } : {}) } });
      for (const e of r.json.experiments ?? []) out.push(toExperiment(e));
      pageToken = r.json.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  // ---- runs -------------------------------------------------------------------------------

  async startRun(experimentId: string, options: { runName?: string; tags?: Record<string, string>; startTime?: number } = {}): Promise<Run> {
    validateExperimentId(experimentId);
    const { runName, user, tags } = newRunTags(options);
    const r = await this.api('POST', 'runs/create', {
      json: {
        experiment_id: experimentId, user_id: user, start_time: options.startTime ?? Date.now(), run_name: runName,
        tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
      },
    });
    return new RestRun(this, toRunInfo(r.json.run?.info ?? {}));
  }

  async openRun(runId: string): Promise<Run> {
    const data = await this.getRun(runId);
    if (data.info.lifecycleStage !== 'active') throw new UserError(`run ${runId} is deleted on ${this.base}`);
    return new RestRun(this, data.info);
  }

  async getRun(runId: string): Promise<RunData> {
    validateRunId(runId);
    const r = await this.api('GET', 'runs/get', { query: { run_id: runId } });
    return toRunData(r.json.run ?? {});
  }

  async searchRuns(search: RunSearch = {}): Promise<RunData[]> {
    const ids = search.experimentIds ?? (await this.listExperiments()).map(e => e.experimentId);
    if (ids.length === 0) return [];
    const max = search.maxResults ?? 1000;
    const out: RunData[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.api('POST', 'runs/search', {
        json: {
          experiment_ids: ids, max_results: Math.min(1000, max - out.length), run_view_type: 'ACTIVE_ONLY',
          order_by: ['attributes.start_time DESC'], ...(pageToken ? { page_token: pageToken } : {}),
        },
      });
      for (const run of r.json.runs ?? []) out.push(toRunData(run));
      pageToken = r.json.next_page_token || undefined;
    } while (pageToken && out.length < max);
    return out;
  }

  async metricHistory(runId: string, key: string): Promise<Metric[]> {
    validateRunId(runId);
    validateMetricName(key);
    const out: Metric[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.api('GET', 'metrics/get-history', { query: { run_id: runId, metric_key: key, max_results: 25000, page_token: pageToken } });
      for (const m of r.json.metrics ?? []) out.push(toMetric(m));
      pageToken = r.json.next_page_token || undefined;
    } while (pageToken);
    return out;
  }

  async listArtifacts(runId: string, sub?: string): Promise<ArtifactEntry[]> {
    validateRunId(runId);
    const rel = validateArtifactPath(sub);
    const out: ArtifactEntry[] = [];
    let pageToken: string | undefined;
    do {
      const r = await this.api('GET', 'artifacts/list', { query: { run_id: runId, path: rel, page_token: pageToken } });
      for (const f of r.json.files ?? []) {
        const size = int64(f.file_size);
        out.push({ path: String(f.path), isDir: Boolean(f.is_dir), ...(!f.is_dir && size !== undefined ? { fileSize: size } : {}) });
      }
      pageToken = r.json.next_page_token || undefined;
    } while (pageToken);
    return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async artifactFile(runId: string, artifactPath: string, downloadDir: string): Promise<string> {
    const rel = validateArtifactPath(artifactPath);
    if (!rel) throw new UserError('no artifact path given');
    const { info } = await this.getRun(runId);
    const local = localArtifactRoot(info.artifactUri);
    if (local) {
      const file = path.join(local, ...rel.split('/'));
      if (fs.existsSync(file)) return file;
    }
    const r = await this.request('GET', this.proxyPath(info.artifactUri, rel), { raw: true });
    const target = path.join(downloadDir, runId, ...rel.split('/'));
    writeFileAtomic(target, r.bytes!);
    return target;
  }

  /**
   * The artifact proxy path of `rel` under a run's artifact URI: mlflow-artifacts:/<path> maps to
   * /api/2.0/mlflow-artifacts/artifacts/<path> on the tracking server.
   */
  proxyPath(artifactUri: string, rel: string): string {
    const m = /^mlflow-artifacts:(?:\/\/[^/]*)?(\/.*)?$/.exec(artifactUri);
    if (!m) {
      throw new UserError(`the run's artifacts live at ${artifactUri}, which this client cannot write or read; start the MLflow server with --serve-artifacts (artifacts proxied as mlflow-artifacts:/)`);
    }
    const joined = [encodePath(m[1] ?? ''), encodePath(rel)].filter(Boolean).join('/');
    return `/api/2.0/mlflow-artifacts/artifacts/${joined}`;
  }
}

/** A file: artifact URI (a server sharing a file system with us), as a local folder. */
function localArtifactRoot(artifactUri: string): string | undefined {
  if (!artifactUri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(artifactUri);
  } catch {
    return undefined;
  }
}

export class RestRun implements Run {
  readonly runId: string;
  readonly experimentId: string;
  readonly localArtifactDir: string;

  constructor(private readonly store: RestStore, private readonly info: RunInfo) {
    this.runId = info.runId;
    this.experimentId = info.experimentId;
    // A staging folder: jobs write here, logArtifact uploads.
    this.localArtifactDir = path.join(os.tmpdir(), 'mlw-artifacts', info.runId);
    fs.mkdirSync(this.localArtifactDir, { recursive: true });
  }

  private batch(body: { metrics?: Json[]; params?: Json[]; tags?: Json[] }): Promise<unknown> {
    return this.store.request('POST', '/api/2.0/mlflow/runs/log-batch', { json: { run_id: this.runId, ...body } });
  }

  async logParams(params: Record<string, string | number | boolean>): Promise<void> {
    const list = Object.entries(params).map(([key, v]) => {
      validateParamName(key);
      return { key, value: paramValue(key, v) };
    });
    for (const part of chunks(list, MAX_PARAMS_TAGS_PER_BATCH)) await this.batch({ params: part });
  }

  async logMetric(key: string, value: number, step = 0, timestamp = Date.now()): Promise<void> {
    return this.logMetrics([{ key, value, step, timestamp }]);
  }

  async logMetrics(metrics: Metric[]): Promise<void> {
    for (const m of metrics) validateMetric(m);
    const list = metrics.map(m => ({ key: m.key, value: jsonDouble(m.value), timestamp: m.timestamp, step: m.step }));
    for (const part of chunks(list, MAX_METRICS_PER_BATCH)) await this.batch({ metrics: part });
  }

  async setTags(tags: Record<string, string>): Promise<void> {
    const list = Object.entries(tags).map(([key, value]) => {
      validateTagName(key);
      validateTagValue(key, value);
      return { key, value };
    });
    for (const part of chunks(list, MAX_PARAMS_TAGS_PER_BATCH)) await this.batch({ tags: part });
  }

  async logArtifact(localPath: string, artifactPath?: string): Promise<void> {
    const src = artifactSource(localPath, artifactPath, this.localArtifactDir);
    const files = src.isDir
      ? filesUnder(src.local).map(rel => ({ local: path.join(src.local, ...rel.split('/')), dest: [src.dest, rel].filter(Boolean).join('/') }))
      : [{ local: src.local, dest: [src.dest, path.basename(src.local)].filter(Boolean).join('/') }];
    const localRoot = localArtifactRoot(this.info.artifactUri);
    for (const f of files) {
      if (localRoot) {
        // The server stores artifacts on a file system we share: write there, as MLflow's client does.
        const target = path.join(localRoot, ...f.dest.split('/'));
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.copyFileSync(f.local, target);
      } else {
        await this.store.request('PUT', this.store.proxyPath(this.info.artifactUri, f.dest), { file: f.local });
      }
    }
  }

  async end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime = Date.now()): Promise<void> {
    if (!['FINISHED', 'FAILED', 'KILLED'].includes(status)) throw new UserError(`a run ends FINISHED, FAILED or KILLED, not ${status}`);
    await this.store.request('POST', '/api/2.0/mlflow/runs/update', { json: { run_id: this.runId, status, end_time: endTime } });
  }
}

// ---- JSON → types ---------------------------------------------------------------------------

function tagMap(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(list)) for (const t of list) if (t && typeof t.key === 'string') out[t.key] = String(t.value ?? '');
  return out;
}

function toExperiment(e: Json): ExperimentInfo {
  return {
    experimentId: String(e.experiment_id),
    name: String(e.name ?? ''),
    artifactLocation: String(e.artifact_location ?? ''),
    lifecycleStage: e.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
    creationTime: int64(e.creation_time),
    lastUpdateTime: int64(e.last_update_time),
    tags: tagMap(e.tags),
  };
}

function toRunInfo(i: Json): RunInfo {
  const endTime = int64(i.end_time);
  return {
    runId: String(i.run_id ?? i.run_uuid ?? ''),
    experimentId: String(i.experiment_id ?? ''),
    runName: String(i.run_name ?? ''),
    status: isRunStatus(i.status) ? i.status : 'RUNNING',
    startTime: int64(i.start_time) ?? 0,
    ...(endTime ? { endTime } : {}),
    userId: String(i.user_id ?? ''),
    artifactUri: String(i.artifact_uri ?? ''),
    lifecycleStage: i.lifecycle_stage === 'deleted' ? 'deleted' : 'active',
  };
}

function toMetric(m: Json): Metric {
  return { key: String(m.key), value: fromJsonDouble(m.value), timestamp: int64(m.timestamp) ?? 0, step: int64(m.step) ?? 0 };
}

function toRunData(run: Json): RunData {
  const info = toRunInfo(run.info ?? {});
  const tags = tagMap(run.data?.tags);
  if (!info.runName && tags[TAG_RUN_NAME]) info.runName = tags[TAG_RUN_NAME];
  const metrics: Record<string, Metric> = {};
  for (const m of run.data?.metrics ?? []) metrics[String(m.key)] = toMetric(m);
  return { info, params: tagMap(run.data?.params), metrics, tags };
}

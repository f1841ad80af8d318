// Adapts the tracking capability (server/tracking/) to LSP requests: experiments, runs, one run,
// metric histories, comparisons and artifacts of the store the client's setting names. Stores
// are opened once per URI and kept.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  trackingArtifactFileRequest, trackingArtifactsRequest, trackingCompareRequest, trackingExperimentsRequest, trackingMetricHistoryRequest,
  trackingRunRequest, trackingRunsRequest, type TrackingMetric, type TrackingNumber, type TrackingParams, type TrackingRun,
} from '../../shared/protocol';
import { compareRuns } from '../tracking/compare';
import { FileStore } from '../tracking/fileStore';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import type { Metric, RunData, TrackingStore } from '../tracking/types';
import { toResponseError } from './progress';

export function wireNumber(v: number): TrackingNumber {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
}

const wireMetric = (m: Metric): TrackingMetric => ({ ...m, value: wireNumber(m.value) });

export function wireRun(r: RunData): TrackingRun {
  return { info: r.info, params: r.params, tags: r.tags, metrics: Object.fromEntries(Object.entries(r.metrics).map(([k, m]) => [k, wireMetric(m)])) };
}

/** Runs a request handler, turning UserErrors into USER_ERROR_CODE responses. */
function handle<P, R>(fn: (params: P) => Promise<R>): (params: P) => Promise<R> {
  return async params => {
    try {
      return await fn(params);
    } catch (err) {
      throw toResponseError(err);
    }
  };
}

/** `downloadDir`: where artifacts fetched from a server are kept (a temporary folder when undefined). */
export function registerTracking(connection: Connection, downloadDir: () => string | undefined = () => undefined): void {
  const stores = new Map<string, TrackingStore>();
  const storeFor = (p: TrackingParams): TrackingStore => {
    const uri = resolveTrackingUri(p.trackingUri, p.baseFolder ?? process.cwd());
    let store = stores.get(uri);
    if (!store) {
      store = openTracker(uri);
      stores.set(uri, store);
    }
    return store;
  };

  connection.onRequest(trackingExperimentsRequest, handle(async p => {
    const store = storeFor(p);
    const uri = store instanceof FileStore ? store.root : store.uri;
    return { uri, kind: store.kind, exists: store instanceof FileStore ? fs.existsSync(store.root) : true, experiments: await store.listExperiments() };
  }));
  connection.onRequest(trackingRunsRequest, handle(async p => (await storeFor(p).searchRuns({ experimentIds: p.experimentIds, maxResults: p.maxResults })).map(wireRun)));
  connection.onRequest(trackingRunRequest, handle(async p => wireRun(await storeFor(p).getRun(p.runId))));
  connection.onRequest(trackingMetricHistoryRequest, handle(async p => (await storeFor(p).metricHistory(p.runId, p.key)).map(wireMetric)));
  connection.onRequest(trackingCompareRequest, handle(async p => {
    const c = await compareRuns(storeFor(p), p.runIds);
    return { ...c, runs: c.runs.map(wireRun) };
  }));
  connection.onRequest(trackingArtifactsRequest, handle(async p => storeFor(p).listArtifacts(p.runId, p.path)));
  connection.onRequest(trackingArtifactFileRequest, handle(async p => ({ file: await storeFor(p).artifactFile(p.runId, p.path, downloadDir() ?? path.join(os.tmpdir(), 'mlw-artifact-downloads')) })));
}

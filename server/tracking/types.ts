// The run-tracking contract (MLflow's model of experiments and runs). Jobs that train, evaluate,
// infer or validate log through a `Tracker`; `openTracker()` (tracker.ts) picks the local file
// store under mlruns/ or a remote MLflow tracking server from the tracking URI.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED';

export interface Metric {
  key: string;
  value: number;
  /** Milliseconds since the epoch. */
  timestamp: number;
  step: number;
}

export interface Tracker {
  /** Where runs go: a file: URI of the mlruns folder, or the http(s) URL of the server. */
  readonly uri: string;
  /** The experiment with this name, created when missing; returns its id. */
  experimentId(name: string): Promise<string>;
  startRun(experimentId: string, options?: { runName?: string; tags?: Record<string, string>; startTime?: number }): Promise<Run>;
  /** An existing run (e.g. to resume training in it). */
  openRun(runId: string): Promise<Run>;
}

export interface Run {
  readonly runId: string;
  readonly experimentId: string;
  logParams(params: Record<string, string | number | boolean>): Promise<void>;
  logMetric(key: string, value: number, step?: number, timestamp?: number): Promise<void>;
  logMetrics(metrics: Metric[]): Promise<void>;
  setTags(tags: Record<string, string>): Promise<void>;
  /** Copies a file or a folder into the run's artifacts (under `artifactPath` when given). */
  logArtifact(localPath: string, artifactPath?: string): Promise<void>;
  /**
   * A local folder where the run's artifacts live (file store), or a staging folder uploaded by
   * logArtifact; jobs that write many files (checkpoints) write here and then call logArtifact.
   */
  readonly localArtifactDir: string;
  end(status: Exclude<RunStatus, 'RUNNING' | 'SCHEDULED'>, endTime?: number): Promise<void>;
}

// ---- reading (both stores) -------------------------------------------------------------------
// What the Runs view, the run charts and `mlw runs` read. Added beside the writing contract
// above, which is unchanged.

export interface ExperimentInfo {
  experimentId: string;
  name: string;
  artifactLocation: string;
  lifecycleStage: 'active' | 'deleted';
  /** Milliseconds since the epoch, when known. */
  creationTime?: number;
  lastUpdateTime?: number;
  tags: Record<string, string>;
}

export interface RunInfo {
  runId: string;
  experimentId: string;
  runName: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startTime: number;
  /** Milliseconds since the epoch; absent while the run has not ended. */
  endTime?: number;
  userId: string;
  artifactUri: string;
  lifecycleStage: 'active' | 'deleted';
}

export interface RunData {
  info: RunInfo;
  params: Record<string, string>;
  /** Per key, the value MLflow shows as the run's metric: the one of the largest step (then timestamp, then value). */
  metrics: Record<string, Metric>;
  tags: Record<string, string>;
}

export interface ArtifactEntry {
  /** Relative to the run's artifact root, '/'-separated. */
  path: string;
  isDir: boolean;
  /** Bytes, for files. */
  fileSize?: number;
}

export interface RunSearch {
  /** Runs of these experiments; all active ones when absent. */
  experimentIds?: string[];
  /** Most recent first; at most this many (default 1000). */
  maxResults?: number;
}

/** A tracking store opened by `openTracker()`: writes through `Tracker`, reads through the rest. */
export interface TrackingStore extends Tracker {
  /** "file" for an mlruns folder, "rest" for an MLflow tracking server. */
  readonly kind: 'file' | 'rest';
  listExperiments(): Promise<ExperimentInfo[]>;
  /** The active experiment with this name, if any (never creates one). */
  findExperiment(name: string): Promise<ExperimentInfo | undefined>;
  searchRuns(search?: RunSearch): Promise<RunData[]>;
  getRun(runId: string): Promise<RunData>;
  /** Every logged value of a metric in logging order (step, timestamp, value). */
  metricHistory(runId: string, key: string): Promise<Metric[]>;
  /** The entries directly under `path` (the artifact root when absent). */
  listArtifacts(runId: string, path?: string): Promise<ArtifactEntry[]>;
  /**
   * A local file holding the artifact: the file itself in a file store, a downloaded copy under
   * `downloadDir` from a server.
   */
  artifactFile(runId: string, path: string, downloadDir: string): Promise<string>;
}

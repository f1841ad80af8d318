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

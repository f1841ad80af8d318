// The one typed contract between the extension (client/) and the server (server/): every custom
// request and notification, with its parameters and result. Long requests take a
// `workDoneToken`; the server reports `$/progress` against it and stops when cancelled.
import { ProtocolNotificationType, ProtocolRequestType, ProtocolRequestType0, type WorkDoneProgressParams } from 'vscode-languageserver-protocol';
import type { CompareResult } from '../server/merkle/compare';
import type { SnapshotMeta } from '../server/merkle/snapshot';

/** Errors the user can act on (bad input) come back with this code and `data.file`. */
export const USER_ERROR_CODE = -32001;
export interface UserErrorData {
  file?: string;
  line?: number;
  column?: number;
}

/** Sent by the client in `initializationOptions`. */
export interface InitializationOptions {
  /** Where the server may keep caches (incremental Merkle indexes). */
  cacheDir: string;
  /**
   * The client sends `workspace/didChangeWatchedFiles` for the workspace folders, so the server
   * may keep their Merkle trees in memory and re-walk only what changed. Globs the editor's
   * watcher leaves out (files.watcherExclude) are always walked.
   */
  fileWatcher: { enabled: boolean; exclude: string[] };
}

export interface ServerInfo {
  version: string;
  pid: number;
  node: string;
  capabilities: string[];
}
export const serverInfoRequest = new ProtocolRequestType0<ServerInfo, never, void, void>('mlw/serverInfo');

// ---- merkle --------------------------------------------------------------------------------

export interface TreeOptions {
  exclude?: string[];
  gitignore?: boolean;
}

export interface MerkleCompareParams extends WorkDoneProgressParams, TreeOptions {
  /** Folders or snapshot files (absolute paths). */
  a: string;
  b: string;
}
export type MerkleCompareResult = CompareResult;
export const merkleCompareRequest = new ProtocolRequestType<MerkleCompareParams, MerkleCompareResult, never, void, void>('mlw/merkle/compare');

export interface MerkleSnapshotParams extends WorkDoneProgressParams, TreeOptions {
  /** The folder to snapshot; the snapshot goes to `<folder>/.mlw/snapshots/`. */
  folder: string;
  contentLimit: number;
}
export interface MerkleSnapshotResult {
  snapshot: SnapshotMeta;
  problems: { path: string; reason: string }[];
}
export const merkleSnapshotRequest = new ProtocolRequestType<MerkleSnapshotParams, MerkleSnapshotResult, never, void, void>('mlw/merkle/snapshot');

export interface MerkleListSnapshotsParams {
  folder: string;
}
export const merkleListSnapshotsRequest = new ProtocolRequestType<MerkleListSnapshotsParams, SnapshotMeta[], never, void, void>('mlw/merkle/listSnapshots');

export interface SnapshotContentParams {
  snapshot: string;
  path: string;
}
export interface SnapshotContentResult {
  /** UTF-8 text of the file as it was, or null with the reason. */
  content: string | null;
  reason?: string;
}
export const snapshotContentRequest = new ProtocolRequestType<SnapshotContentParams, SnapshotContentResult, never, void, void>('mlw/merkle/snapshotContent');

/** Free-form log line from the server for the output channel. */
export const logNotification = new ProtocolNotificationType<{ level: 'error' | 'warn' | 'info' | 'debug'; message: string }, void>('mlw/log');

// ---- data validation -----------------------------------------------------------------------

/** Row problems of a CSV (ragged rows, invalid UTF-8…), 1-based lines. */
export type DataValidationProblem = import('../server/datavalidation/csvReader').CsvProblem;
export type DataValidationStatistics = import('../server/datavalidation/statisticsProto').DatasetFeatureStatisticsList;

export interface DataValidationStatisticsParams extends WorkDoneProgressParams {
  /** A CSV (or TSV) file, absolute path. */
  file: string;
}
export interface DataValidationStatisticsResult {
  /** TFDV's DatasetFeatureStatisticsList in proto3 JSON (int64 as strings). */
  statistics: DataValidationStatistics;
  problems: DataValidationProblem[];
}
export const dataValidationStatisticsRequest = new ProtocolRequestType<DataValidationStatisticsParams, DataValidationStatisticsResult, never, void, void>('mlw/dataValidation/statistics');

export interface DataValidationInferSchemaParams extends WorkDoneProgressParams {
  file: string;
  /** Where the client means to write the schema (default: schema.pbtxt beside `file`). The server never writes it. */
  output?: string;
}
export interface DataValidationInferSchemaResult {
  /** The schema in protobuf text format (what `schema.pbtxt` holds): schemas may hold int64 as bigint, which JSON cannot carry. */
  schemaText: string;
  /** `output`, or schema.pbtxt beside the file. */
  output: string;
  /** Whether `output` exists already: the client must ask before replacing it. */
  exists: boolean;
  problems: DataValidationProblem[];
}
export const dataValidationInferSchemaRequest = new ProtocolRequestType<DataValidationInferSchemaParams, DataValidationInferSchemaResult, never, void, void>('mlw/dataValidation/inferSchema');

export interface DataValidationValidateParams extends WorkDoneProgressParams {
  /** The statistics validated: the current span (drift) or the training data (skew). */
  file: string;
  /** A schema.pbtxt file. */
  schema: string;
  /** One of the schema's default_environment values. */
  environment?: string;
  /** The previous span's CSV: drift comparators. */
  previous?: string;
  /** The serving data's CSV: skew comparators (then `file` is the training data). */
  serving?: string;
  /** Where to record the validation as a run (experiment "data-validation"); not recorded when absent. */
  tracking?: TrackingParams;
}

/** One feature's distance between the two datasets. */
export interface DataValidationComparison {
  kind: 'L_INFTY' | 'JENSEN_SHANNON_DIVERGENCE';
  value: number;
  /**
   * The comparator's threshold; when the schema configures no comparator of this kind on any
   * feature, distances are computed with the defaults (L∞ for categorical, JSD for numeric
   * features) and the threshold is 1, the largest distance there is: never above it.
   */
  threshold: number;
  /** False for a default comparator (no threshold configured). */
  configured: boolean;
}

export interface DataValidationValidateResult {
  /** TFDV's Anomalies (int64 values as decimal strings). */
  anomalies: import('../server/datavalidation/anomalies').Anomalies;
  statistics: DataValidationStatistics;
  previousStatistics?: DataValidationStatistics;
  servingStatistics?: DataValidationStatistics;
  /** By feature name (path steps joined by "."): the measurement most above its threshold. */
  comparisons: { drift: Record<string, DataValidationComparison>; skew: Record<string, DataValidationComparison> };
  /** The schema's default_environment values, for the client's pickers. */
  environments: string[];
  problems: { file: string; problems: DataValidationProblem[] }[];
  /** The run that recorded this validation, when `tracking` was given. */
  runId?: string;
}
export const dataValidationValidateRequest = new ProtocolRequestType<DataValidationValidateParams, DataValidationValidateResult, never, void, void>('mlw/dataValidation/validate');

export interface DataValidationSchemaInfoParams {
  schema: string;
}
/** What a client needs to know of a schema without receiving it (it may hold bigints). */
export interface DataValidationSchemaInfoResult {
  environments: string[];
  /** Features with a drift / skew comparator threshold. */
  driftComparators: number;
  skewComparators: number;
}
export const dataValidationSchemaInfoRequest = new ProtocolRequestType<DataValidationSchemaInfoParams, DataValidationSchemaInfoResult, never, void, void>('mlw/dataValidation/schemaInfo');

// ---- tracking (runs in MLflow's formats) ---------------------------------------------------

/**
 * Which tracking store: the `mlw.tracking.uri` setting as written (a folder, file: URI or
 * http(s) URL; empty for MLFLOW_TRACKING_URI, else `mlruns`), relative folders taken from
 * `baseFolder` (the first workspace folder).
 */
export interface TrackingParams {
  trackingUri: string;
  baseFolder?: string;
}

/** JSON has no NaN or ±Infinity: such metric values travel as these strings. */
export type TrackingNumber = number | 'NaN' | 'Infinity' | '-Infinity';
export interface TrackingMetric {
  key: string;
  value: TrackingNumber;
  timestamp: number;
  step: number;
}
export type TrackingExperiment = import('../server/tracking/types').ExperimentInfo;
export type TrackingRunInfo = import('../server/tracking/types').RunInfo;
export type TrackingArtifact = import('../server/tracking/types').ArtifactEntry;
export type TrackingSeries = import('../server/tracking/compare').MetricSeries;
export type TrackingParamRow = import('../server/tracking/compare').ParamRow;
export interface TrackingRun {
  info: TrackingRunInfo;
  params: Record<string, string>;
  /** Per key, the run's value (of the largest step, as MLflow shows it). */
  metrics: Record<string, TrackingMetric>;
  tags: Record<string, string>;
}

export interface TrackingExperimentsResult {
  /** The store opened: an absolute folder or the server's URL. */
  uri: string;
  kind: 'file' | 'rest';
  /** False for a folder that does not exist yet (nothing logged). */
  exists: boolean;
  experiments: TrackingExperiment[];
}
export const trackingExperimentsRequest = new ProtocolRequestType<TrackingParams, TrackingExperimentsResult, never, void, void>('mlw/tracking/experiments');

export interface TrackingRunsParams extends TrackingParams {
  /** All active experiments when absent. */
  experimentIds?: string[];
  maxResults?: number;
}
/** Most recent first. */
export const trackingRunsRequest = new ProtocolRequestType<TrackingRunsParams, TrackingRun[], never, void, void>('mlw/tracking/runs');

export interface TrackingRunParams extends TrackingParams {
  runId: string;
}
export const trackingRunRequest = new ProtocolRequestType<TrackingRunParams, TrackingRun, never, void, void>('mlw/tracking/run');

export interface TrackingMetricHistoryParams extends TrackingRunParams {
  key: string;
}
/** Every logged value in logging order. */
export const trackingMetricHistoryRequest = new ProtocolRequestType<TrackingMetricHistoryParams, TrackingMetric[], never, void, void>('mlw/tracking/metricHistory');

export interface TrackingCompareParams extends TrackingParams {
  /** One run (its own view) or several, up to 10. */
  runIds: string[];
}
export interface TrackingComparison {
  runs: TrackingRun[];
  experimentNames: Record<string, string>;
  params: TrackingParamRow[];
  /** Per metric key, per run (in the order of `runs`): its history as columns, or null. */
  metrics: { key: string; series: (TrackingSeries | null)[] }[];
}
export const trackingCompareRequest = new ProtocolRequestType<TrackingCompareParams, TrackingComparison, never, void, void>('mlw/tracking/compare');

export interface TrackingArtifactsParams extends TrackingRunParams {
  /** A folder under the run's artifact root; the root when absent. */
  path?: string;
}
export const trackingArtifactsRequest = new ProtocolRequestType<TrackingArtifactsParams, TrackingArtifact[], never, void, void>('mlw/tracking/artifacts');

export interface TrackingArtifactFileParams extends TrackingRunParams {
  path: string;
}
/** A local file with the artifact's content (downloaded first from a server). */
export const trackingArtifactFileRequest = new ProtocolRequestType<TrackingArtifactFileParams, { file: string }, never, void, void>('mlw/tracking/artifactFile');

// ---- ONNX graph viewer ---------------------------------------------------------------------

export interface OnnxGraphParams extends WorkDoneProgressParams {
  /** The .onnx file (absolute path). */
  file: string;
  /** Which graph: "main" (default), a subgraph ("main/3.then_branch") or a function ("function:domain:name"). */
  graphId?: string;
}
export interface OnnxGraphResult {
  model: import('../server/onnx/graphView').ModelSummary;
  graph: import('../server/onnx/graphView').GraphView;
  layout: import('../server/onnx/graphLayout').GraphLayout;
  /** Milliseconds: reading and decoding the model, building the view, laying this graph out (0 when cached). */
  timings: { loadMs: number; buildMs: number; layoutMs: number };
}
/** The graph the viewer draws, laid out; bad files come back as USER_ERROR_CODE naming the file. */
export const onnxGraphRequest = new ProtocolRequestType<OnnxGraphParams, OnnxGraphResult, never, void, void>('mlw/onnx/graph');
// ---- end ONNX graph viewer -----------------------------------------------------------------

// ---- ONNX export, checking and inference ---------------------------------------------------

export type OnnxInspectResult = import('../server/onnx/inspect').InspectResult;
export type OnnxCheckProblem = import('../server/onnx/check').CheckProblem;
export type OnnxRunResult = import('../server/onnx/run').RunResult & {
  /** The run that recorded this inference, when `tracking` was given. */
  runId?: string;
};
export type OnnxExportResult = import('../server/onnx/exportFolder').ExportFolderResult;
/** A tensor as JSON: a nested array, or `{dims, data}` with the values flat. */
export type OnnxJsonTensor = import('../server/onnx/tensors').JsonTensor;

export interface OnnxFileParams {
  /** The .onnx file (absolute path). */
  file: string;
}
/** Versions, producer, inputs and outputs (shapes with symbolic dims), operator counts. */
export const onnxInspectRequest = new ProtocolRequestType<OnnxFileParams, OnnxInspectResult, never, void, void>('mlw/onnx/inspect');

export interface OnnxCheckResult {
  problems: OnnxCheckProblem[];
  nodeCount: number;
}
/** Structural checks; a file that is no ONNX model at all is USER_ERROR_CODE. */
export const onnxCheckRequest = new ProtocolRequestType<OnnxFileParams, OnnxCheckResult, never, void, void>('mlw/onnx/check');

export interface OnnxRunParams extends OnnxFileParams, WorkDoneProgressParams {
  /** By input name; absent: random inputs (floats in [0, 1), integers 0/1, symbolic dims = 1). */
  inputs?: Record<string, OnnxJsonTensor>;
  seed?: number;
  /** ONNX Runtime's intraOpNumThreads; absent: the `mlw.onnx.threads` setting; 0: ONNX Runtime's default. */
  threads?: number;
  /** Outputs with more values come back summarised (default 1000). */
  maxValues?: number;
  /** Run this many times and report the median latency (default 1). */
  repeat?: number;
  /** Where to record the inference as a run (experiment "inference"); not recorded when absent. */
  tracking?: TrackingParams;
}
/** Runs the model with ONNX Runtime; sessions are cached per file version. */
export const onnxRunRequest = new ProtocolRequestType<OnnxRunParams, OnnxRunResult, never, void, void>('mlw/onnx/run');

export interface OnnxExportParams extends WorkDoneProgressParams {
  /** A folder with model.json (TensorFlow.js layers model) or the model.json file. */
  model: string;
  /** The .onnx file to write (default: model.onnx beside model.json). Replaced if it exists. */
  output?: string;
  opset?: number;
  /** Parity differences above this are reported as not ok (default 1e-4). */
  tolerance?: number;
  noParity?: boolean;
  threads?: number;
}
/** Exports to ONNX (written atomically), then runs TensorFlow.js and ONNX Runtime on the same random inputs. */
export const onnxExportRequest = new ProtocolRequestType<OnnxExportParams, OnnxExportResult, never, void, void>('mlw/onnx/export');
// ---- end ONNX export, checking and inference -----------------------------------------------

// ---- music: MIDI files in the piano roll ----------------------------------------------------

export type MusicPianoRollData = import('../server/music/pianoRoll').PianoRollData;

export interface MusicPianoRollParams {
  /** The MIDI file (absolute path); also the name errors give. */
  file: string;
  /** The file's bytes in base64, when the client read them (files outside the local disk); else the server reads `file`. */
  data?: string;
}
/** A MIDI file parsed for the piano roll; bad files come back as USER_ERROR_CODE naming the reason. */
export const musicPianoRollRequest = new ProtocolRequestType<MusicPianoRollParams, MusicPianoRollData, never, void, void>('mlw/music/pianoRoll');
// ---- end music ------------------------------------------------------------------------------

// ---- music model: training on MIDI, generating MIDI (server/music/train.ts, generate.ts) -------

/** Where runs go: the `mlw.tracking.uri` setting as written, relative folders taken from `baseFolder` (as TrackingParams). */
export interface MusicTrackingParams {
  trackingUri?: string;
  baseFolder?: string;
}

export interface MusicTracksParams {
  /** MIDI files and folders (absolute paths). */
  inputs: string[];
}
export interface MusicTracksResult {
  files: {
    file: string;
    tracks: import('../server/music/tracks').TrackInfo[];
    /** The index of the track training reads by default, absent when the file cannot be used. */
    defaultTrack?: number;
    /** Why the file cannot be read or has no usable track. */
    error?: string;
  }[];
}
/** The tracks of MIDI files (folders searched recursively), for picking the one to learn. */
export const musicTracksRequest = new ProtocolRequestType<MusicTracksParams, MusicTracksResult, never, void, void>('mlw/music/tracks');

export interface MusicTrainParams extends WorkDoneProgressParams, MusicTrackingParams {
  /** MIDI files and folders (absolute paths); ignored when resuming. */
  inputs: string[];
  /** A track index or name; absent: each file's melodic track with the most notes. */
  track?: string;
  includeDrums?: boolean;
  grid?: string;
  transposeTo?: string;
  epochs?: number;
  window?: number;
  units?: number;
  denseUnits?: number;
  input?: import('../server/music/model').InputEncoding;
  embeddingDim?: number;
  batchSize?: number;
  learningRate?: number;
  patience?: number;
  seed?: number;
  name?: string;
  resumeRunId?: string;
}
export type MusicTrainResult = import('../server/music/train').MusicTrainResult;
/** Trains as a tracked run in a worker thread; progress "epoch 3/50 · loss … · ETA …"; cancellable (the run keeps its checkpoint). */
export const musicTrainRequest = new ProtocolRequestType<MusicTrainParams, MusicTrainResult, never, void, void>('mlw/music/train');

export interface MusicGenerateParams extends WorkDoneProgressParams, MusicTrackingParams {
  /** The training run of a music model. */
  runId: string;
  /** The .mid file to write (absolute path; replaced if it exists). */
  output: string;
  notes?: number;
  /** Absent or 0: argmax. */
  temperature?: number;
  topK?: number;
  seed?: number;
  /** Start from this MIDI file's last window, or these tokens, instead of a random window of the corpus. */
  startMidi?: string;
  startTokens?: string[];
  transposeTo?: string;
  bpm?: number;
  program?: number | string;
  engine?: 'auto' | 'onnx' | 'tfjs';
}
export type MusicGenerateResult = import('../server/music/generate').GenerateMidiResult;
/** Generates a MIDI file as a tracked run linked to the training run (tag mlw.music.trainingRun). */
export const musicGenerateRequest = new ProtocolRequestType<MusicGenerateParams, MusicGenerateResult, never, void, void>('mlw/music/generate');
// ---- end music model ----------------------------------------------------------------------------

// ---- simulations: leader election, replica sync (server/simulation/) -----------------------

export interface SimulationElectParams extends WorkDoneProgressParams {
  algorithm: string;
  nodes: number;
  /** ascending | descending | random | ranks in ring order "3,1,2". */
  order?: string;
  initiators?: number[];
  /** "ID@T" or "ID@T1-T2", as `mlw elect --crash`. */
  crashes?: string[];
  /** "A,B|C,D@T1-T2", as `mlw elect --partition`. */
  partitions?: string[];
  seed?: number;
  /** "D" or "MIN-MAX". */
  delay?: string;
  loss?: number;
  /** Messages recorded for the space-time diagram (default 20,000). */
  traceLimit?: number;
}
export type SimulationElectResult = import('../server/simulation/election/types').ElectionResult;
export const simulationElectRequest = new ProtocolRequestType<SimulationElectParams, SimulationElectResult, never, void, void>('mlw/simulation/elect');

export interface SimulationSyncParams extends WorkDoneProgressParams {
  replicas: number;
  keys: number;
  diverge: number;
  branching?: number;
  seed?: number;
  /** Also run two replicas over a grid of K and d (the O(d · log K) table). */
  scaling?: boolean;
}
export interface SimulationSyncResult {
  result: import('../server/simulation/sync/antiEntropy').SyncResult;
  scaling?: import('../server/simulation/sync/antiEntropy').ScalingRow[];
}
export const simulationSyncRequest = new ProtocolRequestType<SimulationSyncParams, SimulationSyncResult, never, void, void>('mlw/simulation/sync');

// ---- ml: training (server/ml/) ---------------------------------------------------------------

export interface MlTrainParams extends WorkDoneProgressParams {
  /** A training configuration (`*.train.json`), absolute path. */
  config: string;
  /** Continue this run from its last checkpoint. */
  resumeRunId?: string;
  /**
   * The `mlw.tracking.uri` setting as written (see TrackingParams); used when the configuration
   * names no "tracking" of its own. Relative folders are taken from `baseFolder`.
   */
  trackingUri?: string;
  baseFolder?: string;
}
export type MlTrainResult = import('../server/ml/trainRun').TrainRunResult;
/** Progress messages read "epoch 3/20 · batch 12/40 · ETA 1m20s" and "epoch 3/20 · loss 0.1234 · val_loss … · ETA …". */
export const mlTrainRequest = new ProtocolRequestType<MlTrainParams, MlTrainResult, never, void, void>('mlw/ml/train');

/** The TensorFlow.js backend training uses (tfjs-node, wasm or cpu) and why. */
export type MlBackendInfo = import('../server/ml/backend').BackendChoice;
export const mlBackendRequest = new ProtocolRequestType0<MlBackendInfo, never, void, void>('mlw/ml/backend');

// ---- end ml: training ------------------------------------------------------------------------

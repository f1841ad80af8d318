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

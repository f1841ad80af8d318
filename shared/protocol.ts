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

// Opens the tracking store a URI names, as MLflow reads MLFLOW_TRACKING_URI: a folder path or a
// file: URI is a local store in MLflow's file layout; http(s) is an MLflow tracking server.
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UserError } from '../common/errors';
import { FileStore } from './fileStore';
import { RestStore, type RestOptions } from './restStore';
import type { TrackingStore } from './types';

/** The folder MLflow uses when no tracking URI is set. */
export const DEFAULT_TRACKING_FOLDER = 'mlruns';

export function openTracker(uri: string, options: RestOptions = {}): TrackingStore {
  if (typeof uri !== 'string' || uri.trim() === '') throw new UserError('no tracking URI given');
  const u = uri.trim();
  if (/^https?:\/\//i.test(u)) return new RestStore(u, options);
  if (/^file:/i.test(u)) {
    try {
      return new FileStore(fileURLToPath(u));
    } catch (err) {
      throw new UserError(`not a local file URI: ${u} (${(err as Error).message})`);
    }
  }
  // "C:\runs" is a Windows path, not a URI scheme.
  const scheme = /^([a-z][a-z0-9+.-]+):/i.exec(u);
  if (scheme && !/^[a-z]:[\\/]/i.test(u)) {
    throw new UserError(`tracking URIs of scheme "${scheme[1]}:" are not supported: use a folder, a file: URI or an http(s) URL of an MLflow server`);
  }
  return new FileStore(path.resolve(u));
}

/**
 * The tracking URI to use: the configured one (a relative folder is taken from `baseFolder`),
 * else MLFLOW_TRACKING_URI, else `<baseFolder>/mlruns`.
 */
export function resolveTrackingUri(configured: string | undefined, baseFolder: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = configured?.trim() || env.MLFLOW_TRACKING_URI?.trim() || DEFAULT_TRACKING_FOLDER;
  if (/^[a-z][a-z0-9+.-]+:/i.test(value) && !/^[a-z]:[\\/]/i.test(value)) return value;
  return path.resolve(baseFolder, value);
}

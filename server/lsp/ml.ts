// Adapts training (server/ml/) to LSP requests: `mlw/ml/train` runs a training configuration
// in a worker thread as a job ($/progress with epoch, loss and ETA; cancellable, leaving a
// resumable checkpoint), `mlw/ml/backend` tells which TensorFlow.js backend trains.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { mlBackendRequest, mlTrainRequest, type MlTrainParams } from '../../shared/protocol';
import { CancelledError, UserError } from '../common/errors';
import { loadTrainConfig, type TrainConfig } from '../ml/config';
import { probeBackend, runTrainingJob } from '../ml/trainJob';
import { resolveTrackingUri } from '../tracking/tracker';
import { runJob, toResponseError } from './progress';

/**
 * The tracking store for a training: the configuration's own "tracking" (relative to it), else
 * the client's setting (relative to `baseFolder`), else MLFLOW_TRACKING_URI, else mlruns/.
 */
export function trainingTrackingUri(config: TrainConfig, setting: string | undefined, baseFolder: string): string {
  if (config.tracking) return resolveTrackingUri(config.tracking, path.dirname(config.file));
  return resolveTrackingUri(setting, baseFolder);
}

export function registerMl(connection: Connection): void {
  // To the client's output channel.
  const log = (level: 'info' | 'warn', message: string) => (level === 'warn' ? connection.console.warn(message) : connection.console.info(message));
  connection.onRequest(mlTrainRequest, (params: MlTrainParams, token) =>
    runJob(connection, 'Training', params, token, async job => {
      if (typeof params.config !== 'string' || !path.isAbsolute(params.config)) throw new UserError('the training configuration must be an absolute path', params.config);
      const config = loadTrainConfig(params.config);
      const trackingUri = trainingTrackingUri(config, params.trackingUri, params.baseFolder ?? path.dirname(config.file));
      let runId: string | undefined;
      try {
        return await runTrainingJob({ config, resumeRunId: params.resumeRunId }, trackingUri, {
          signal: job.signal,
          onBackend: choice => {
            log('info', choice.description);
            job.report(`${config.name}: starting on ${choice.name}`, 0);
          },
          onStarted: info => {
            runId = info.runId;
            log('info', `training ${config.file}: run ${info.runId} in ${info.trackingUri}${info.resumed ? ' (resumed)' : ''}`);
          },
          onProgress: p => job.report(p.message, Math.round(p.fraction * 100)),
          onLog: (level, message) => log(level, message),
        });
      } catch (err) {
        if (err instanceof CancelledError && runId) log('info', `training cancelled: run ${runId} is KILLED; its last epoch's checkpoint is kept (Train Model… can resume it)`);
        throw err;
      }
    }));

  connection.onRequest(mlBackendRequest, async () => {
    try {
      return await probeBackend();
    } catch (err) {
      throw toResponseError(err);
    }
  });
}

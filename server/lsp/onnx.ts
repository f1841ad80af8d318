// The ONNX requests: inspect, check, run (ONNX Runtime sessions cached per file version) and
// export of a TensorFlow.js model folder with its parity check.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { onnxCheckRequest, onnxExportRequest, onnxInspectRequest, onnxRunRequest } from '../../shared/protocol';
import { UserError } from '../common/errors';
import { checkModelFile } from '../onnx/check';
import { exportModelFolder } from '../onnx/exportFolder';
import { inspectModel } from '../onnx/inspect';
import { loadOnnxModel } from '../onnx/load';
import { MODEL_JSON } from '../onnx/modelFolder';
import { runModel } from '../onnx/run';
import { SessionCache } from '../onnx/runtime';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { runTracked } from '../tracking/trackedJob';
import { inferenceRunOptions, logInference } from '../onnx/inferenceRun';
import { runJob, toResponseError } from './progress';

/** Sessions kept open (each holds its model's weights in memory). */
const MAX_SESSIONS = 4;

function absoluteFile(file: unknown, what = 'file'): string {
  if (typeof file !== 'string' || !file) throw new UserError(`no ${what} given`);
  if (!path.isAbsolute(file)) throw new UserError('the path must be absolute', file);
  return file;
}

export function registerOnnx(connection: Connection): SessionCache {
  const sessions = new SessionCache(MAX_SESSIONS);

  /** The request's thread count, else the `mlw.onnx.threads` setting (0, ONNX Runtime's default, when the client has none). */
  async function threads(requested: number | undefined): Promise<number> {
    if (requested !== undefined) return requested;
    try {
      const n = await connection.workspace.getConfiguration('mlw.onnx.threads');
      return Number.isInteger(n) && n >= 0 ? n : 0;
    } catch {
      return 0; // a client without workspace/configuration
    }
  }

  connection.onRequest(onnxInspectRequest, async params => {
    try {
      const { model } = await loadOnnxModel(absoluteFile(params.file));
      return inspectModel(model);
    } catch (err) {
      throw toResponseError(err);
    }
  });

  connection.onRequest(onnxCheckRequest, params => {
    try {
      const r = checkModelFile(absoluteFile(params.file));
      return { problems: r.problems, nodeCount: r.nodeCount };
    } catch (err) {
      throw toResponseError(err);
    }
  });

  connection.onRequest(onnxRunRequest, (params, token) =>
    runJob(connection, 'Running ONNX model', params, token, async job => {
      const file = absoluteFile(params.file);
      job.report(`running ${path.basename(file)}`);
      const options = {
        inputs: params.inputs, seed: params.seed, threads: await threads(params.threads), maxValues: params.maxValues, repeat: params.repeat, signal: job.signal,
      };
      if (!params.tracking) return runModel(sessions, file, options);
      const tracker = openTracker(resolveTrackingUri(params.tracking.trackingUri, params.tracking.baseFolder ?? path.dirname(file)));
      return runTracked(tracker, inferenceRunOptions(file, { inputs: params.inputs && 'given', seed: params.seed, repeat: params.repeat }), async run => {
        const result = await runModel(sessions, file, options);
        await logInference(run, result);
        return { ...result, runId: run.runId };
      });
    }));

  connection.onRequest(onnxExportRequest, (params, token) =>
    runJob(connection, 'Exporting to ONNX', params, token, async job => {
      const model = absoluteFile(params.model, 'model folder');
      const folder = path.basename(model) === MODEL_JSON ? path.dirname(model) : model;
      const output = params.output ? absoluteFile(params.output, 'output file') : path.join(folder, 'model.onnx');
      return exportModelFolder(model, output, {
        opset: params.opset, tolerance: params.tolerance, noParity: params.noParity, threads: await threads(params.threads),
        producerVersion: require('../../package.json').version, signal: job.signal, onProgress: m => job.report(m),
      });
    }));

  return sessions;
}

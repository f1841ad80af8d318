// Adapts the music model (server/music/train.ts, generate.ts) to LSP requests: `mlw/music/tracks`
// lists the tracks of MIDI files for the track choice, `mlw/music/train` trains as a job
// ($/progress with epoch, loss and ETA; cancellable, leaving a resumable checkpoint) and
// `mlw/music/generate` writes a MIDI file as a job.
import * as os from 'node:os';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { musicGenerateRequest, musicTracksRequest, musicTrainRequest, type MusicTrackingParams } from '../../shared/protocol';
import { CancelledError, UserError } from '../common/errors';
import { generateMidi } from '../music/generate';
import { corpusTracks, trainMusicModel } from '../music/train';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { runJob, toResponseError } from './progress';

function absolutePaths(paths: unknown, what: string): string[] {
  if (!Array.isArray(paths) || paths.some(p => typeof p !== 'string' || !path.isAbsolute(p))) throw new UserError(`${what} must be a list of absolute paths`);
  return paths as string[];
}

const trackingUri = (p: MusicTrackingParams) => resolveTrackingUri(p.trackingUri, p.baseFolder ?? process.cwd());

/** `downloadDir`: where artifacts of a remote store are fetched to (a temporary folder when undefined). */
export function registerMusicModel(connection: Connection, downloadDir: () => string | undefined = () => undefined): void {
  const log = (level: 'info' | 'warn', message: string) => (level === 'warn' ? connection.console.warn(message) : connection.console.info(message));

  connection.onRequest(musicTracksRequest, params => {
    try {
      return { files: corpusTracks(absolutePaths(params?.inputs, 'inputs')) };
    } catch (err) {
      throw toResponseError(err);
    }
  });

  connection.onRequest(musicTrainRequest, (params, token) =>
    runJob(connection, 'Training music model', params, token, async job => {
      const inputs = params.resumeRunId ? [] : absolutePaths(params.inputs, 'inputs');
      let runId: string | undefined;
      try {
        return await trainMusicModel({
          inputs,
          track: params.track,
          includeDrums: params.includeDrums,
          grid: params.grid,
          transposeTo: params.transposeTo,
          model: { window: params.window, units: params.units, denseUnits: params.denseUnits, input: params.input, embeddingDim: params.embeddingDim },
          epochs: params.epochs,
          batchSize: params.batchSize,
          learningRate: params.learningRate,
          patience: params.patience,
          seed: params.seed,
          name: params.name,
          resumeRunId: params.resumeRunId,
        }, trackingUri(params), {
          signal: job.signal,
          onStarted: info => {
            runId = info.runId;
            log('info', `music training: run ${info.runId} in ${info.trackingUri}${info.resumed ? ' (resumed)' : ''}`);
          },
          onProgress: (message, fraction) => job.report(message, fraction === undefined ? undefined : Math.round(fraction * 100)),
          onLog: log,
        });
      } catch (err) {
        if (err instanceof CancelledError && runId) log('info', `music training cancelled: run ${runId} is KILLED; its last epoch's checkpoint is kept (Train Music Model on MIDI… can resume it)`);
        throw err;
      }
    }));

  connection.onRequest(musicGenerateRequest, (params, token) =>
    runJob(connection, 'Generating MIDI', params, token, async job => {
      if (typeof params.output !== 'string' || !path.isAbsolute(params.output)) throw new UserError('the output must be an absolute path');
      if (params.startMidi !== undefined && (typeof params.startMidi !== 'string' || !path.isAbsolute(params.startMidi))) throw new UserError('the start MIDI file must be an absolute path');
      return generateMidi(openTracker(trackingUri(params)), {
        runId: params.runId,
        output: params.output,
        notes: params.notes,
        temperature: params.temperature,
        topK: params.topK,
        seed: params.seed,
        start: params.startMidi ? { midiFile: params.startMidi } : params.startTokens ? { tokens: params.startTokens } : undefined,
        transposeTo: params.transposeTo,
        bpm: params.bpm,
        program: params.program,
        engine: params.engine,
        downloadDir: downloadDir() ?? path.join(os.tmpdir(), 'mlw-artifact-downloads'),
        signal: job.signal,
        onProgress: (message, fraction) => job.report(message, Math.round(fraction * 100)),
        onLog: log,
      });
    }));
}

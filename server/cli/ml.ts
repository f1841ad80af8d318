// `mlw train CONFIG.json`: trains a model as a tracked run, in a worker thread, with progress on
// stderr and a summary (or --json) on stdout. Ctrl-C stops after the current batch, marks the
// run KILLED and keeps its last checkpoint; `--resume RUN_ID` continues it.
import * as path from 'node:path';
import { CancelledError, UserError } from '../common/errors';
import { BACKEND_NAMES, loadTrainConfig, type BackendName } from '../ml/config';
import { formatLogs } from '../ml/format';
import { runTrainingJob } from '../ml/trainJob';
import { resolveTrackingUri } from '../tracking/tracker';
import { EXIT_ERROR, EXIT_SAME, parse, printJson, type Command } from './common';

const train: Command = {
  summary: 'Train a model from a training configuration (*.train.json) as a tracked run',
  usage: 'train CONFIG.json [--resume RUN_ID] [--tracking-uri URI] [--backend auto|tensorflow|wasm|cpu] [--json]',
  async run(args) {
    const { values, positionals } = parse('train', args, {
      resume: { type: 'string' }, 'tracking-uri': { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UserError(`expected one CONFIG.json, got ${positionals.length} argument(s) (see: mlw train --help)`);
    const config = loadTrainConfig(positionals[0]);
    if (values.backend !== undefined) {
      if (values.backend !== 'auto' && !BACKEND_NAMES.includes(values.backend as BackendName)) {
        throw new UserError(`--backend: expected auto, ${BACKEND_NAMES.join(', ')}, got "${values.backend}"`);
      }
      config.backend = values.backend as BackendName | 'auto';
    }
    // --tracking-uri, else the configuration's "tracking" (relative to it), else MLFLOW_TRACKING_URI, else ./mlruns.
    const trackingUri = values['tracking-uri'] !== undefined ? resolveTrackingUri(values['tracking-uri'], process.cwd())
      : config.tracking ? resolveTrackingUri(config.tracking, path.dirname(config.file))
        : resolveTrackingUri(undefined, process.cwd());

    const err = process.stderr;
    const tty = err.isTTY;
    let partial = false; // a \r-rewritten progress line is on screen
    const line = (text: string) => {
      if (partial) err.write('\r\x1b[K');
      partial = false;
      err.write(`${text}\n`);
    };
    const abort = new AbortController();
    let runId: string | undefined;
    const onSigint = () => {
      if (abort.signal.aborted) process.exit(130); // a second Ctrl-C: stop now
      line('mlw: stopping after the current batch (Ctrl-C again to stop at once)…');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const result = await runTrainingJob({ config, resumeRunId: values.resume }, trackingUri, {
        signal: abort.signal,
        cancelGraceMs: 60_000,
        onBackend: c => line(`mlw: ${c.description}`),
        onStarted: info => {
          runId = info.runId;
          line(`mlw: ${info.resumed ? 'resuming' : 'started'} run ${info.runId} (${info.runName}) in ${info.trackingUri}`);
        },
        onProgress: p => {
          if (p.logs) line(p.message);
          else if (tty) {
            err.write(`\r\x1b[K${p.message}`);
            partial = true;
          }
        },
        onLog: (_level, message) => line(`mlw: ${message}`),
      });
      if (partial) line('');
      if (values.json) printJson(result);
      else {
        const out = process.stdout;
        out.write(`run ${result.runId} FINISHED after ${result.epochs} epoch${result.epochs === 1 ? '' : 's'}${result.stoppedEarly ? ' (stopped early)' : ''} on ${result.backend}\n`);
        if (Object.keys(result.final).length) out.write(`  final: ${formatLogs(result.final)}\n`);
        if (result.best) out.write(`  best ${result.best.monitor}: ${result.best.value.toPrecision(6)} at epoch ${result.best.epoch}${result.restoredBestWeights ? ' (weights restored)' : ''}\n`);
        out.write(`  model: ${result.modelDir}\n`);
      }
      return EXIT_SAME;
    } catch (e) {
      if (e instanceof CancelledError) {
        line(runId
          ? `mlw: cancelled; run ${runId} is KILLED and keeps its last completed epoch's checkpoint. Resume with: mlw train ${positionals[0]} --resume ${runId}`
          : 'mlw: cancelled before training started');
        return EXIT_ERROR;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

export const mlCommands: Record<string, Command> = { train };

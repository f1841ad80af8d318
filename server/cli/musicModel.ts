// `mlw music train` and `mlw music generate`: the music model on the command line. Training runs
// in a worker thread as a tracked run (progress on stderr, the run id on stdout; Ctrl-C stops
// after the current batch); generation writes a .mid and is a tracked run of its own. The store
// is --tracking-uri, else MLFLOW_TRACKING_URI, else ./mlruns (as `mlw runs`).
import * as path from 'node:path';
import { CancelledError, UserError } from '../common/errors';
import { BACKEND_NAMES, type BackendName } from '../ml/config';
import { generateMidi, type StartSpec } from '../music/generate';
import { INPUT_ENCODINGS, type InputEncoding } from '../music/model';
import { trainMusicModel } from '../music/train';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { EXIT_ERROR, EXIT_SAME, parse, printJson, type Command } from './common';

/** A whole number option, or undefined when not given; anything else is a usage error naming it. */
function intOption(name: string, value: string | undefined, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || n < min) throw new UserError(`--${name} must be a whole number ≥ ${min}, not "${value}"`);
  return n;
}

function numberOption(name: string, value: string | undefined, min = 0): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new UserError(`--${name} must be a number ≥ ${min}, not "${value}"`);
  return n;
}

/** Progress lines on stderr: epoch ends as lines, batches rewritten in place on a terminal. */
function stderrProgress() {
  const err = process.stderr;
  let partial = false;
  const line = (text: string) => {
    if (partial) err.write('\r\x1b[K');
    partial = false;
    err.write(`${text}\n`);
  };
  const transient = (text: string) => {
    if (!err.isTTY) return;
    err.write(`\r\x1b[K${text}`);
    partial = true;
  };
  return { line, transient, end: () => { if (partial) line(''); } };
}

const train: Command = {
  summary: 'Train the music model (the seed\'s LSTM) on MIDI files or folders as a tracked run; prints the run id',
  usage: 'music train FILES_OR_FOLDERS... [--epochs N] [--track INDEX|NAME] [--drums] [--grid 1/16] [--transpose KEY] ' +
    '[--window N] [--units N] [--dense-units N] [--input normalized|embedding] [--embedding-dim N] [--batch-size N] ' +
    '[--learning-rate X] [--patience N] [--seed S] [--name NAME] [--experiment NAME] [--resume RUN_ID] ' +
    '[--backend auto|tensorflow|wasm|cpu] [--tracking-uri URI] [--json]',
  async run(args) {
    const { values, positionals } = parse('music train', args, {
      epochs: { type: 'string' }, track: { type: 'string' }, drums: { type: 'boolean' }, grid: { type: 'string' }, transpose: { type: 'string' },
      window: { type: 'string' }, units: { type: 'string' }, 'dense-units': { type: 'string' }, input: { type: 'string' }, 'embedding-dim': { type: 'string' },
      'batch-size': { type: 'string' }, 'learning-rate': { type: 'string' }, patience: { type: 'string' }, seed: { type: 'string' },
      name: { type: 'string' }, experiment: { type: 'string' }, resume: { type: 'string' }, backend: { type: 'string' },
      'tracking-uri': { type: 'string' }, json: { type: 'boolean' },
    });
    if (positionals.length === 0 && !values.resume) throw new UserError('expected MIDI files or folders (see: mlw music train --help)');
    if (positionals.length && values.resume) throw new UserError('--resume continues a run with its own MIDI files: give no files with it');
    if (values.input !== undefined && !INPUT_ENCODINGS.includes(values.input as InputEncoding)) throw new UserError(`--input must be ${INPUT_ENCODINGS.join(' or ')}, not "${values.input}"`);
    if (values.backend !== undefined && values.backend !== 'auto' && !BACKEND_NAMES.includes(values.backend as BackendName)) {
      throw new UserError(`--backend: expected auto, ${BACKEND_NAMES.join(', ')}, got "${values.backend}"`);
    }
    const trackingUri = resolveTrackingUri(values['tracking-uri'], process.cwd());
    const out = stderrProgress();
    const abort = new AbortController();
    let runId: string | undefined;
    const onSigint = () => {
      if (abort.signal.aborted) process.exit(130);
      out.line('mlw: stopping after the current batch (Ctrl-C again to stop at once)…');
      abort.abort();
    };
    process.on('SIGINT', onSigint);
    try {
      const r = await trainMusicModel({
        inputs: positionals,
        track: values.track,
        includeDrums: values.drums,
        grid: values.grid,
        transposeTo: values.transpose,
        model: {
          window: intOption('window', values.window),
          units: intOption('units', values.units),
          denseUnits: intOption('dense-units', values['dense-units']),
          input: values.input as InputEncoding | undefined,
          embeddingDim: intOption('embedding-dim', values['embedding-dim']),
        },
        epochs: intOption('epochs', values.epochs),
        batchSize: intOption('batch-size', values['batch-size']),
        learningRate: numberOption('learning-rate', values['learning-rate']),
        patience: intOption('patience', values.patience, 0),
        seed: intOption('seed', values.seed, 0),
        name: values.name,
        experiment: values.experiment,
        backend: values.backend as BackendName | 'auto' | undefined,
        resumeRunId: values.resume,
      }, trackingUri, {
        signal: abort.signal,
        cancelGraceMs: 60_000,
        onStarted: info => {
          runId = info.runId;
          out.line(`mlw: ${info.resumed ? 'resuming' : 'started'} run ${info.runId} (${info.runName}) in ${info.trackingUri}`);
        },
        onProgress: message => (/ · batch |^reading /.test(message) ? out.transient(message) : out.line(message)),
        onLog: (_level, message) => out.line(`mlw: ${message}`),
      });
      out.end();
      if (values.json) printJson(r);
      else {
        process.stderr.write(`mlw: run ${r.runId} FINISHED after ${r.epochs} epoch${r.epochs === 1 ? '' : 's'}${r.stoppedEarly ? ' (stopped early)' : ''} on ${r.backend}: ` +
          `${r.files.length} file(s), ${r.vocabularySize} tokens in the vocabulary, ${r.windows} windows; ` +
          `${'file' in r.onnx ? `ONNX export ${path.relative(process.cwd(), r.onnx.file) || r.onnx.file}` : `no ONNX export (${r.onnx.error})`}\n`);
        process.stdout.write(`${r.runId}\n`);
      }
      return EXIT_SAME;
    } catch (e) {
      if (e instanceof CancelledError) {
        out.line(runId
          ? `mlw: cancelled; run ${runId} is KILLED and keeps its last completed epoch's checkpoint. Resume with: mlw music train --resume ${runId}`
          : 'mlw: cancelled before training started');
        return EXIT_ERROR;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

const generate: Command = {
  summary: 'Generate a MIDI file with a trained music model (ONNX Runtime, else TensorFlow.js) as a tracked run',
  usage: 'music generate --run RUN_ID -o OUT.mid [--notes 1000] [--temperature T] [--top-k K] [--seed S] ' +
    '[--start-midi FILE.mid | --start-tokens "C4 d:4 t:4 …"] [--transpose KEY] [--tempo BPM] [--program 0-127|NAME] ' +
    '[--engine auto|onnx|tfjs] [--threads N] [--tracking-uri URI] [--json]',
  async run(args) {
    const { values, positionals } = parse('music generate', args, {
      run: { type: 'string' }, output: { type: 'string', short: 'o' }, notes: { type: 'string' }, temperature: { type: 'string' },
      'top-k': { type: 'string' }, seed: { type: 'string' }, 'start-midi': { type: 'string' }, 'start-tokens': { type: 'string' },
      transpose: { type: 'string' }, tempo: { type: 'string' }, program: { type: 'string' }, engine: { type: 'string' },
      threads: { type: 'string' }, 'tracking-uri': { type: 'string' }, json: { type: 'boolean' },
    });
    if (positionals.length) throw new UserError(`unexpected argument "${positionals[0]}" (see: mlw music generate --help)`);
    if (!values.run) throw new UserError('--run RUN_ID is needed: the training run of a music model (mlw runs list)');
    if (!values.output) throw new UserError('-o OUT.mid is needed: the MIDI file to write');
    if (values['start-midi'] && values['start-tokens']) throw new UserError('give --start-midi or --start-tokens, not both');
    if (values.engine !== undefined && !['auto', 'onnx', 'tfjs'].includes(values.engine)) throw new UserError(`--engine must be auto, onnx or tfjs, not "${values.engine}"`);
    const start: StartSpec | undefined = values['start-midi'] ? { midiFile: values['start-midi'] }
      : values['start-tokens'] ? { tokens: values['start-tokens'].trim().split(/\s+/) } : undefined;
    const store = openTracker(resolveTrackingUri(values['tracking-uri'], process.cwd()));
    const out = stderrProgress();
    const abort = new AbortController();
    const onSigint = () => abort.abort();
    process.on('SIGINT', onSigint);
    try {
      const r = await generateMidi(store, {
        runId: values.run,
        output: values.output,
        notes: intOption('notes', values.notes),
        temperature: numberOption('temperature', values.temperature),
        topK: intOption('top-k', values['top-k']),
        seed: intOption('seed', values.seed, 0),
        start,
        transposeTo: values.transpose,
        bpm: numberOption('tempo', values.tempo),
        program: values.program,
        engine: values.engine as 'auto' | 'onnx' | 'tfjs' | undefined,
        threads: intOption('threads', values.threads, 0),
        signal: abort.signal,
        onProgress: message => out.transient(message),
        onLog: (_level, message) => out.line(`mlw: ${message}`),
      });
      out.end();
      for (const w of r.warnings) process.stderr.write(`mlw: warning: ${w}\n`);
      if (values.json) printJson(r);
      else {
        process.stdout.write(`${r.output}: ${r.notes} notes (${r.tokens} tokens) in ${r.seconds.toFixed(2)} s with ${r.engine === 'onnx' ? 'ONNX Runtime' : 'TensorFlow.js'}` +
          ` (${r.msPerStep.toFixed(2)} ms a step); ${r.sampling.strategy}, seed ${r.seed}, ${r.bpm} bpm, ${r.instrument}` +
          `${r.key ? `, ${r.key}${r.transposedBy ? ` transposed by ${r.transposedBy > 0 ? '+' : ''}${r.transposedBy}` : ''}` : ''}; run ${r.runId}\n`);
      }
      return EXIT_SAME;
    } catch (e) {
      if (e instanceof CancelledError) {
        out.line('mlw: cancelled');
        return EXIT_ERROR;
      }
      throw e;
    } finally {
      process.off('SIGINT', onSigint);
    }
  },
};

export const musicModelCommands: Record<string, Command> = {
  'music train': train,
  'music generate': generate,
};

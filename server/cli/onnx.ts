// `mlw onnx inspect | check | run | export`.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { UserError } from '../common/errors';
import { checkModelFile } from '../onnx/check';
import { DEFAULT_OPSET, MAX_OPSET, MIN_OPSET } from '../onnx/export';
import { DEFAULT_PARITY_TOLERANCE, exportModelFolder } from '../onnx/exportFolder';
import { inspectModel, type InspectTensor } from '../onnx/inspect';
import { loadOnnxModel } from '../onnx/load';
import { inferenceRunOptions, logInference } from '../onnx/inferenceRun';
import { runModel } from '../onnx/run';
import { SessionCache } from '../onnx/runtime';
import type { TensorResult } from '../onnx/tensors';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { runTracked } from '../tracking/trackedJob';
import { EXIT_DIFFERENT, EXIT_ERROR, EXIT_SAME, formatBytes, formatCount, parse, printJson, type Command } from './common';

function one(command: string, got: string[], what: string): string {
  if (got.length !== 1) throw new UserError(`expected ${what}, got ${got.length} argument(s) (see: mlw ${command} --help)`);
  return got[0];
}

/** A whole number option: "--threads 4". */
function intOption(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UserError(`--${name} must be a whole number ≥ ${min}, got "${value}"`);
  return n;
}

/** FLOAT → float32-style names people know from numpy. */
const ELEM_NAMES: Record<string, string> = {
  FLOAT: 'float32', DOUBLE: 'float64', FLOAT16: 'float16', BFLOAT16: 'bfloat16', BOOL: 'bool', STRING: 'string',
};
function elemTypeName(n: number | null): string {
  if (n === null) return 'non-tensor';
  const name = (onnx.TensorProto.DataType as unknown as Record<number, string>)[n];
  return name ? ELEM_NAMES[name] ?? name.toLowerCase() : `type ${n}`;
}
const shapeText = (shape: InspectTensor['shape']) => (shape ? `[${shape.map(d => (d === null ? '?' : d)).join(', ')}]` : '[unknown rank]');

const inspect: Command = {
  summary: 'Summarise an ONNX model: versions, producer, inputs and outputs, operator counts',
  usage: 'onnx inspect MODEL.onnx [--json]',
  async run(args) {
    const { values, positionals } = parse('onnx inspect', args, { json: { type: 'boolean' } });
    const file = one('onnx inspect', positionals, 'MODEL.onnx');
    const { model, sizeBytes } = await loadOnnxModel(file);
    const r = inspectModel(model);
    if (values.json) {
      printJson(r);
      return EXIT_SAME;
    }
    const out: string[] = [];
    const producer = r.producerName ? `, produced by ${r.producerName}${r.producerVersion ? ` ${r.producerVersion}` : ''}` : '';
    out.push(`${file}: ${formatBytes(sizeBytes)}, IR version ${r.irVersion}, opsets ${r.opsetImports.map(o => `${o.domain || 'ai.onnx'} ${o.version}`).join(', ') || 'none'}${producer}`);
    const width = Math.max(0, ...[...r.inputs, ...r.outputs].map(t => t.name.length));
    out.push('inputs:', ...r.inputs.map(t => `  ${t.name.padEnd(width)}  ${elemTypeName(t.elemType)} ${shapeText(t.shape)}`));
    out.push('outputs:', ...r.outputs.map(t => `  ${t.name.padEnd(width)}  ${elemTypeName(t.elemType)} ${shapeText(t.shape)}`));
    const ops = Object.entries(r.opTypes).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
    out.push(`${formatCount(r.nodeCount)} nodes${r.subgraphNodeCount ? ` (+ ${formatCount(r.subgraphNodeCount)} in subgraphs)` : ''}, ${formatCount(r.initializerCount)} initializers`);
    if (ops.length) out.push(`operators: ${ops.map(([op, n]) => `${op} ×${n}`).join(', ')}`);
    process.stdout.write(out.join('\n') + '\n');
    return EXIT_SAME;
  },
};

const check: Command = {
  summary: 'Check an ONNX model\'s structure (versions, undefined inputs, cycles, duplicate outputs); exit 1 when problems are found',
  usage: 'onnx check MODEL.onnx [--json]',
  async run(args) {
    const { values, positionals } = parse('onnx check', args, { json: { type: 'boolean' } });
    const file = one('onnx check', positionals, 'MODEL.onnx');
    const r = checkModelFile(file);
    if (values.json) printJson({ file, ok: r.problems.length === 0, problems: r.problems, nodeCount: r.nodeCount });
    else if (r.problems.length === 0) process.stdout.write(`${file}: ok (${formatCount(r.nodeCount)} nodes)\n`);
    else {
      for (const p of r.problems) process.stdout.write(`${file}: ${p.where}: ${p.message}\n`);
      process.stdout.write(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}\n`);
    }
    return r.problems.length ? EXIT_DIFFERENT : EXIT_SAME;
  },
};

function formatNumber(v: unknown): string {
  return typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toPrecision(6).replace(/\.?0+(e|$)/, '$1')) : JSON.stringify(v);
}

function tensorText(t: TensorResult): string {
  const head = `${t.name}  ${t.type} [${t.dims.join(', ')}]`;
  if (t.values !== undefined) return `${head}: ${JSON.stringify(t.values, (_k, v) => (typeof v === 'number' ? Number(formatNumber(v)) : v))}`;
  const s = t.summary!;
  const stats = s.min !== undefined ? ` min ${formatNumber(s.min)}, max ${formatNumber(s.max)}, mean ${formatNumber(s.mean)};` : '';
  return `${head}: ${formatCount(s.count)} values;${stats} first ${s.first.map(formatNumber).join(', ')} …`;
}

const run: Command = {
  summary: 'Run an ONNX model with ONNX Runtime on inputs from a JSON file (or random ones); prints outputs and latency',
  usage: 'onnx run MODEL.onnx [--input inputs.json] [--seed N] [--threads N] [--repeat N] [--max-values N] [--tracking-uri URI] [--json]',
  async run(args) {
    const { values, positionals } = parse('onnx run', args, {
      input: { type: 'string' }, seed: { type: 'string' }, threads: { type: 'string' }, repeat: { type: 'string' },
      'max-values': { type: 'string' }, 'tracking-uri': { type: 'string' }, json: { type: 'boolean' },
    });
    const file = one('onnx run', positionals, 'MODEL.onnx');
    let inputs: Record<string, never> | undefined;
    if (values.input) {
      try {
        inputs = JSON.parse(fs.readFileSync(values.input, 'utf8'));
      } catch (err) {
        throw new UserError(`cannot read the inputs: ${(err as Error).message}`, values.input);
      }
    }
    const cache = new SessionCache(1);
    try {
      const options = {
        inputs,
        inputsSource: values.input,
        seed: intOption('seed', values.seed, 0),
        threads: intOption('threads', values.threads, 0),
        repeat: intOption('repeat', values.repeat, 1),
        maxValues: intOption('max-values', values['max-values'], 0),
      };
      const model = path.resolve(file);
      // With --tracking-uri the inference is recorded as a run (a failed one too).
      const trackingUri = values['tracking-uri'];
      const r = trackingUri === undefined ? await runModel(cache, model, options) : await runTracked(
        openTracker(resolveTrackingUri(trackingUri, process.cwd())),
        inferenceRunOptions(model, { inputs: values.input && path.resolve(values.input), seed: options.seed, repeat: options.repeat }),
        async run => {
          const result = await runModel(cache, model, options);
          await logInference(run, result);
          process.stderr.write(`mlw: recorded as run ${run.runId}\n`);
          return result;
        });
      if (values.json) {
        printJson({ ...r, file });
        return EXIT_SAME;
      }
      const out: string[] = [];
      const repeated = r.latenciesMs.length > 1 ? ` (median of ${r.latenciesMs.length} runs)` : '';
      out.push(`${file}: ran in ${r.latencyMs.toFixed(3)} ms${repeated}; session opened in ${r.loadMs.toFixed(1)} ms`);
      const random = r.inputs.some(i => i.random);
      for (const i of r.inputs) out.push(`input  ${i.name}  ${i.type} [${i.dims.join(', ')}]${random ? ` (random, seed ${values.seed ?? 0})` : ''}`);
      for (const o of r.outputs) out.push(`output ${tensorText(o)}`);
      process.stdout.write(out.join('\n') + '\n');
      return EXIT_SAME;
    } finally {
      await cache.dispose();
    }
  },
};

const exportCommand: Command = {
  summary: 'Export a TensorFlow.js layers model (model.json + weights) to ONNX and check parity with ONNX Runtime',
  usage: `onnx export MODEL_DIR -o MODEL.onnx [--opset N (${MIN_OPSET}–${MAX_OPSET}, default ${DEFAULT_OPSET})] [--tolerance X] [--no-parity] [--threads N] [--json]`,
  async run(args) {
    const { values, positionals } = parse('onnx export', args, {
      output: { type: 'string', short: 'o' }, opset: { type: 'string' }, tolerance: { type: 'string' },
      'no-parity': { type: 'boolean' }, threads: { type: 'string' }, json: { type: 'boolean' },
    });
    const dir = one('onnx export', positionals, 'MODEL_DIR');
    if (!values.output) throw new UserError('missing -o MODEL.onnx (where to write the ONNX model)');
    const tolerance = values.tolerance === undefined ? undefined : Number(values.tolerance);
    if (tolerance !== undefined && !(tolerance >= 0)) throw new UserError(`--tolerance must be a number ≥ 0, got "${values.tolerance}"`);
    const r = await exportModelFolder(dir, values.output, {
      opset: intOption('opset', values.opset, 1),
      noParity: values['no-parity'],
      tolerance,
      threads: intOption('threads', values.threads, 0),
      producerVersion: require('../../package.json').version,
    });
    const parity = r.parity;
    if (values.json) printJson(r);
    else {
      const nodes = r.layers.reduce((n, l) => n + l.ops.length, 0);
      const out = [`wrote ${r.file} (${formatBytes(r.bytes)}, opset ${r.opset}): ${r.layers.length} layers → ${nodes} ONNX nodes`];
      const width = Math.max(...r.layers.map(l => `${l.name} (${l.className})`.length));
      for (const l of r.layers) out.push(`  ${`${l.name} (${l.className})`.padEnd(width)}  ${l.ops.join(', ') || '(identity at inference)'}`);
      if ('maxAbsDiff' in parity) {
        out.push(`parity with TensorFlow.js: max abs diff ${parity.maxAbsDiff.toExponential(2)} over ${formatCount(parity.compared)} values ` +
          `(input [${parity.inputShape.join(', ')}], largest |output| ${formatNumber(parity.maxAbsValue)}; tolerance ${parity.tolerance}): ${parity.ok ? 'ok' : 'ABOVE TOLERANCE'}`);
      }
      process.stdout.write(out.join('\n') + '\n');
    }
    if ('error' in parity) {
      process.stderr.write(`mlw: parity not checked (${r.file} was written): ${parity.error}\n`);
      return EXIT_ERROR;
    }
    if ('maxAbsDiff' in parity && !parity.ok) {
      process.stderr.write(`mlw: the exported model differs from TensorFlow.js by ${parity.maxAbsDiff} (tolerance ${parity.tolerance ?? DEFAULT_PARITY_TOLERANCE})\n`);
      return EXIT_DIFFERENT;
    }
    return EXIT_SAME;
  },
};

export const onnxCommands: Record<string, Command> = {
  'onnx inspect': inspect,
  'onnx check': check,
  'onnx run': run,
  'onnx export': exportCommand,
};

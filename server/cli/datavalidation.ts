import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../common/errors';
import { computeStatistics } from '../datavalidation/computeStatistics';
import { inferSchema } from '../datavalidation/schemaInfer';
import { loadSchema, printSchemaText, writeSchema } from '../datavalidation/schemaText';
import type { DatasetFeatureStatisticsList } from '../datavalidation/statisticsProto';
import { validateStatistics } from '../datavalidation/validate';
import { logValidation, measuredDistances, validationRunOptions } from '../datavalidation/validationRun';
import { openTracker, resolveTrackingUri } from '../tracking/tracker';
import { runTracked } from '../tracking/trackedJob';
import { EXIT_DIFFERENT, EXIT_SAME, formatCount, parse, printJson, type Command } from './common';

const csvOptions = { delimiter: { type: 'string' } } as const;

/** Statistics of a CSV file, or read from a statistics JSON file (as `mlw stats --json` writes). */
async function statisticsOf(file: string, delimiter?: string): Promise<DatasetFeatureStatisticsList> {
  if (file.endsWith('.json')) {
    try {
      return JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      throw new UserError(`cannot read statistics JSON (${(err as Error).message})`, file);
    }
  }
  const r = await computeStatistics(file, { delimiter });
  for (const p of r.problems) process.stderr.write(`mlw: warning: ${file}:${p.line}${p.column ? `:${p.column}` : ''}: ${p.message}\n`);
  return r.statistics;
}

function one(command: string, got: string[], what: string): string {
  if (got.length !== 1) throw new UserError(`expected ${what}, got ${got.length} argument(s) (see: mlw ${command} --help)`);
  return got[0];
}

const stats: Command = {
  summary: 'Compute TFDV statistics of a CSV file (DatasetFeatureStatisticsList)',
  usage: 'stats FILE.csv [--json] [-o OUT.json] [--delimiter C]',
  async run(args) {
    const { values, positionals } = parse('stats', args, { ...csvOptions, json: { type: 'boolean' }, output: { type: 'string', short: 'o' } });
    const file = one('stats', positionals, 'FILE.csv');
    const s = await statisticsOf(file, values.delimiter);
    if (values.output) fs.writeFileSync(values.output, JSON.stringify(s, null, 2) + '\n');
    if (values.json) printJson(s);
    else if (!values.output) printSummary(s);
    return EXIT_SAME;
  },
};

/** One line per feature: what a person checks first. */
function printSummary(list: DatasetFeatureStatisticsList): void {
  for (const d of list.datasets ?? []) {
    process.stdout.write(`${d.name}: ${formatCount(Number(d.numExamples ?? 0))} examples\n`);
    for (const f of d.features ?? []) {
      const name = (f.path?.step ?? []).join('.') || f.name || '?';
      const common = f.numStats?.commonStats ?? f.stringStats?.commonStats;
      const missing = Number(common?.numMissing ?? 0);
      const total = missing + Number(common?.numNonMissing ?? 0);
      const pct = total ? ((100 * missing) / total).toFixed(1) : '0.0';
      let detail = '';
      if (f.numStats) detail = `mean ${fmt(f.numStats.mean)}  std ${fmt(f.numStats.stdDev)}  min ${fmt(f.numStats.min)}  median ${fmt(f.numStats.median)}  max ${fmt(f.numStats.max)}`;
      else if (f.stringStats) {
        const top = f.stringStats.topValues?.[0];
        detail = `unique ${f.stringStats.unique ?? 0}${top ? `  top "${top.value}" (${top.frequency})` : ''}  avg length ${fmt(f.stringStats.avgLength)}`;
      }
      process.stdout.write(`  ${name.padEnd(20)} ${String(f.type ?? '').padEnd(6)} missing ${pct.padStart(5)}%  ${detail}\n`);
    }
  }
}

function fmt(x: number | string | undefined): string {
  const n = Number(x ?? 0);
  return Number.isInteger(n) ? String(n) : n.toPrecision(4);
}

const schemaInfer: Command = {
  summary: 'Infer a TFDV schema (schema.pbtxt) from a CSV file or statistics JSON',
  usage: 'schema infer FILE.csv [-o schema.pbtxt] [--force] [--infer-ranges] [--max-domain-size N] [--delimiter C]',
  async run(args) {
    const { values, positionals } = parse('schema infer', args, {
      ...csvOptions, output: { type: 'string', short: 'o' }, force: { type: 'boolean' },
      'infer-ranges': { type: 'boolean' }, 'max-domain-size': { type: 'string' },
    });
    const file = one('schema infer', positionals, 'FILE.csv');
    // A schema is often edited by hand: never replace one unasked.
    if (values.output && fs.existsSync(values.output) && !values.force) throw new UserError('exists; pass --force to replace it', values.output);
    const maxStringDomainSize = values['max-domain-size'] === undefined ? undefined : Number(values['max-domain-size']);
    if (maxStringDomainSize !== undefined && !(Number.isInteger(maxStringDomainSize) && maxStringDomainSize >= 0)) {
      throw new UserError(`--max-domain-size must be a count, got "${values['max-domain-size']}"`);
    }
    const schema = inferSchema(await statisticsOf(file, values.delimiter), { inferRanges: values['infer-ranges'], maxStringDomainSize });
    if (values.output) writeSchema(values.output, schema);
    else process.stdout.write(printSchemaText(schema));
    return EXIT_SAME;
  },
};

const validate: Command = {
  summary: 'Validate a CSV file against a schema: anomalies, skew (--serving) and drift (--previous)',
  usage: 'validate FILE.csv --schema schema.pbtxt [--environment E] [--previous OLD.csv] [--serving SERVING.csv] [--tracking-uri URI] [--json] [--delimiter C]',
  async run(args) {
    const { values, positionals } = parse('validate', args, {
      ...csvOptions, schema: { type: 'string' }, environment: { type: 'string' }, previous: { type: 'string' },
      serving: { type: 'string' }, 'tracking-uri': { type: 'string' }, json: { type: 'boolean' },
    });
    const file = one('validate', positionals, 'FILE.csv');
    if (!values.schema) throw new UserError('missing --schema schema.pbtxt');
    const schema = loadSchema(values.schema);
    const check = async () => {
      const current = await statisticsOf(file, values.delimiter);
      const previous = values.previous ? await statisticsOf(values.previous, values.delimiter) : undefined;
      const serving = values.serving ? await statisticsOf(values.serving, values.delimiter) : undefined;
      return { current, anomalies: validateStatistics(current, schema, { environment: values.environment, previous, serving }) };
    };
    // With --tracking-uri the validation is recorded as a run (a failed one too).
    const trackingUri = values['tracking-uri'];
    const { anomalies } = trackingUri === undefined ? await check() : await runTracked(
      openTracker(resolveTrackingUri(trackingUri, process.cwd())),
      validationRunOptions({ file: path.resolve(file), schema: path.resolve(values.schema), environment: values.environment, previous: values.previous && path.resolve(values.previous), serving: values.serving && path.resolve(values.serving) }),
      async run => {
        const r = await check();
        await logValidation(run, { statistics: r.current, anomalies: r.anomalies, distances: measuredDistances(r.anomalies) });
        process.stderr.write(`mlw: recorded as run ${run.runId}\n`);
        return r;
      });
    const features = Object.entries(anomalies.anomalyInfo ?? {});
    const dataset = anomalies.datasetAnomalyInfo;
    if (values.json) printJson(anomalies);
    else {
      for (const [name, info] of features) process.stdout.write(`${name}: ${info.shortDescription} (${info.severity})\n    ${info.description}\n`);
      if (dataset) process.stdout.write(`(dataset): ${dataset.shortDescription} (${dataset.severity})\n    ${dataset.description}\n`);
      if (!features.length && !dataset) process.stdout.write('no anomalies\n');
    }
    return features.length || dataset ? EXIT_DIFFERENT : EXIT_SAME;
  },
};

export const dataValidationCommands: Record<string, Command> = {
  stats,
  'schema infer': schemaInfer,
  validate,
};

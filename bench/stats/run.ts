// Statistics benchmark: our computeStatistics against pandas and DuckDB on the same generated CSV,
// measured in the same run, and the time inline diagnostics take on a 100 MB CSV.
//
//   npm run bench:stats                      build, then run everything
//   node out/bench/stats/run.js [options]    run without rebuilding
//     --regenerate        rebuild the data under ~/.cache/mlw-bench/stats/ (or $MLW_BENCH_DATA) even if it is present
//     --runs=N            timed repetitions per figure (default 3; the median is reported)
//     --only=LIST         comma-separated subset of: stats, diag (e.g. with node --cpu-prof)
//     --impl=DIR          measure another compiled copy of server/datavalidation (see bench/README.md)
//
// No assertions on speed: it prints figures, ratios and whether each target is met. It does check
// every tool's answer (row counts, missing counts, distinct categories, the injected problems),
// so a broken run stops instead of printing a fast figure. See bench/README.md.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { cpu, fmtMs, fmtRuns, HAVE_PROC, measure, median, printSummary, prng, reportOthers, rows, sh, timeRow, wall, type Sample } from '../common/measure';
import * as computeModule from '../../server/datavalidation/computeStatistics';
import * as poolModule from '../../server/datavalidation/statsPool';
import * as diagnosticsModule from '../../server/datavalidation/csvDiagnostics';
import * as inferModule from '../../server/datavalidation/schemaInfer';
import * as schemaTextModule from '../../server/datavalidation/schemaText';
import type { DatasetFeatureStatisticsList, FeatureNameStatistics } from '../../server/datavalidation/statisticsProto';
import type { CsvDiagnosticsResult } from '../../server/datavalidation/csvDiagnostics';
import type { Schema } from '../../server/datavalidation/schema';

// ---------------------------------------------------------------------------------------------
// Settings

/** Bump when the generator changes, so cached data made by an older generator is rebuilt. */
const GENERATOR_VERSION = 1;
const SEED = 0x6d6c77; // "mlw"
const ROWS = 1_000_000; // the statistics figure's file (~90 MB)
const DIAG_SEED = SEED + 1;
const DIAG_ROWS = 1_125_000; // the diagnostics figure's file (~100 MB)
const WORKERS = 2; // computeStatistics workers; DuckDB gets SET threads=2
const STATS_TARGET = 4; // ours at least 4× faster than pandas
const DUCKDB_TARGET = 1; // ours at least as fast as DuckDB
const DIAG_TARGET_MS = 2000;
const PYTHON = '/usr/bin/python3'; // Debian's, with python3-pandas (the PATH's python3 may be pyenv's)

const MB = 1e6;
// Outside the repository: 190 MB of CSV there would slow every tool that walks it.
const DATA = process.env.MLW_BENCH_DATA ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'mlw-bench', 'stats');
const STATS_CSV = path.join(DATA, 'stats-1m.csv');
const DIAG_CSV = path.join(DATA, 'diag-100mb.csv');
const MANIFEST = path.join(DATA, 'manifest.json');
const PANDAS_SCRIPT = path.join(DATA, 'pandas_stats.py');

const args = process.argv.slice(2);
const RUNS = Number(args.find(a => a.startsWith('--runs='))?.slice(7) ?? 3);
const ONLY = args.find(a => a.startsWith('--only='))?.slice(7).split(',');
const REGENERATE = args.includes('--regenerate');
const enabled = (part: 'stats' | 'diag') => !ONLY || ONLY.includes(part);

const IMPL = args.find(a => a.startsWith('--impl='))?.slice(7);
const load = <T>(name: string, own: T): T => (IMPL ? (require(path.resolve(IMPL, name)) as T) : own);
const { computeStatistics } = load('computeStatistics', computeModule);
const { StatsPool } = load('statsPool', poolModule);
const { diagnoseCsvText } = load('csvDiagnostics', diagnosticsModule);
const { inferSchema } = load('schemaInfer', inferModule);
const { printSchemaText, parseSchemaText } = load('schemaText', schemaTextModule);

// ---------------------------------------------------------------------------------------------
// The data: one seeded PRNG per file, so every machine gets the same bytes.
//
// Columns: id (INT, 1..N), user_id (INT, uniform), age (INT, 18..90), amount (FLOAT, log-normal,
// 2 decimals, 5% missing), score (FLOAT, normal, 4 decimals, 12% missing), category (50 values,
// Zipf), ts (timestamp "YYYY-MM-DD HH:MM:SS", increasing), comment (free text of 1–9 words,
// 3% missing; 8% hold a comma and 1% a quote, so they are quoted). The category comes before
// the free text, so the injected values of the diagnostics figure are easy to place.

const HEADER = ['id', 'user_id', 'age', 'amount', 'score', 'category', 'ts', 'comment'];
const CATEGORY_COLUMN = HEADER.indexOf('category');
const CATEGORIES = ['electronics', 'books', 'clothing', 'home', 'garden', 'toys', 'sports', 'beauty', 'grocery', 'automotive',
  'music', 'movies', 'games', 'health', 'jewelry', 'shoes', 'baby', 'pets', 'office', 'tools', 'outdoors', 'kitchen', 'furniture',
  'lighting', 'software', 'cameras', 'phones', 'computers', 'appliances', 'crafts', 'fabric', 'party', 'travel', 'luggage', 'watches',
  'eyewear', 'industrial', 'scientific', 'instruments', 'collectibles', 'art', 'stationery', 'beverages', 'snacks', 'frozen',
  'dairy', 'bakery', 'seafood', 'produce', 'pharmacy'];
// No word pandas reads as missing (NA, null, nan, None, …).
const WORDS = ('the quick brown fox jumps over lazy dog great product would buy again arrived late box was damaged works fine ' +
  'battery life is short screen bright sound quality excellent price too high cheap material broke after two weeks ' +
  'customer service helpful fast shipping love it not worth money color differs from picture size runs small large ' +
  'perfect gift my daughter son wife husband happy very disappointed returned item instructions unclear easy setup ' +
  'strong smell comfortable fit stylish design heavy light sturdy flimsy recommend highly average okay decent superb ' +
  'awful terrible amazing good bad solid value daily use travel kitchen office outdoor rain winter summer').split(' ');

interface Expected {
  rows: number;
  bytes: number;
  missing: Record<string, number>;
  categories: number;
  /** Sum of the age column, to check a mean. */
  ageSum: number;
}

/** Writes `rows` rows made from `seed` to `file`; returns what any correct tool must find. */
function generate(file: string, seed: number, rows: number): Expected {
  const rand = prng(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  // Zipf(1) over the categories, by inverse CDF.
  const weights = CATEGORIES.map((_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  const cdf = weights.map(w => (acc += w / total));
  const category = () => {
    const u = rand();
    let i = 0;
    while (i < cdf.length - 1 && cdf[i] < u) i++;
    return CATEGORIES[i];
  };
  const missing: Record<string, number> = { amount: 0, score: 0, comment: 0 };
  const seen = new Set<string>();
  let ageSum = 0;
  let ts = Date.UTC(2024, 0, 1);
  const fd = fs.openSync(file, 'w');
  let bytes = 0;
  const flush = (lines: string[]) => {
    const b = Buffer.from(lines.join(''), 'utf8');
    fs.writeSync(fd, b);
    bytes += b.length;
  };
  try {
    flush([HEADER.join(',') + '\n']);
    let lines: string[] = [];
    for (let i = 1; i <= rows; i++) {
      const age = 18 + Math.floor(rand() * 73);
      ageSum += age;
      let amount = '';
      if (rand() < 0.05) missing.amount++;
      else amount = Math.exp(3.5 + gauss()).toFixed(2);
      let score = '';
      if (rand() < 0.12) missing.score++;
      else score = (gauss() * 1.5).toFixed(4);
      const cat = category();
      seen.add(cat);
      ts += Math.floor(rand() * 60) * 1000;
      const stamp = new Date(ts).toISOString();
      let comment = '';
      if (rand() < 0.03) {
        missing.comment++;
      } else {
        const n = 1 + Math.floor(rand() * 9);
        const words: string[] = [];
        for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)]);
        const r = rand();
        if (r < 0.08) {
          words.splice(1 + Math.floor(rand() * n), 0, ',');
          comment = `"${words.join(' ').replace(' ,', ',')}"`;
        } else if (r < 0.09) {
          comment = `"${words.join(' ')} ""${WORDS[Math.floor(rand() * WORDS.length)]}"""`;
        } else {
          comment = words.join(' ');
        }
      }
      lines.push(`${i},${100000 + Math.floor(rand() * 900000)},${age},${amount},${score},${cat},${stamp.slice(0, 10)} ${stamp.slice(11, 19)},${comment}\n`);
      if (lines.length === 20_000) {
        flush(lines);
        lines = [];
      }
    }
    flush(lines);
  } finally {
    fs.closeSync(fd);
  }
  return { rows, bytes, missing, categories: seen.size, ageSum };
}

const PANDAS_SOURCE = `
# pandas' answer to "statistics of this CSV": read_csv, describe(include='all'), value_counts of
# each non-numeric column, null counts. Times itself (after the import) and prints JSON.
import json, sys, time
t_start = time.perf_counter()
import pandas as pd
t0, c0 = time.perf_counter(), time.process_time()
df = pd.read_csv(sys.argv[1])
desc = df.describe(include='all')
counts = {c: df[c].value_counts() for c in df.columns if not pd.api.types.is_numeric_dtype(df[c])}
nulls = df.isna().sum()
t1, c1 = time.perf_counter(), time.process_time()
print(json.dumps({
    'version': pd.__version__,
    'rows': int(len(df)),
    'describedColumns': int(desc.shape[1]),
    'nulls': {c: int(n) for c, n in nulls.items()},
    'distinct': {c: int(len(v)) for c, v in counts.items()},
    'ageMean': float(desc.loc['mean', 'age']),
    'importS': t0 - t_start, 'computeS': t1 - t0, 'computeCpuS': c1 - c0,
}))
`;

const fingerprint = () => createHash('sha256').update(JSON.stringify({ GENERATOR_VERSION, SEED, ROWS, DIAG_SEED, DIAG_ROWS, PANDAS_SOURCE })).digest('hex');

interface Manifest { fingerprint: string; stats: Expected; diag: Expected }

function ensureData(): Manifest {
  let m: Partial<Manifest> = {};
  try {
    m = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch { /* missing: generate */ }
  const present = m.fingerprint === fingerprint() && m.stats && m.diag &&
    [[STATS_CSV, m.stats], [DIAG_CSV, m.diag]].every(([f, e]) => fs.existsSync(f as string) && fs.statSync(f as string).size === (e as Expected).bytes);
  if (present && !REGENERATE && fs.existsSync(PANDAS_SCRIPT)) {
    console.log(`Data: cached in ${DATA} (use --regenerate to rebuild it)`);
    return m as Manifest;
  }
  console.log(`Data: generating in ${DATA} ...`);
  fs.rmSync(DATA, { recursive: true, force: true });
  fs.mkdirSync(DATA, { recursive: true });
  const t0 = Date.now();
  const stats = generate(STATS_CSV, SEED, ROWS);
  const diag = generate(DIAG_CSV, DIAG_SEED, DIAG_ROWS);
  fs.writeFileSync(PANDAS_SCRIPT, PANDAS_SOURCE);
  sh('sync', []); // so writeback does not overlap the timings
  const manifest: Manifest = { fingerprint: fingerprint(), stats, diag };
  fs.writeFileSync(MANIFEST, JSON.stringify({ ...manifest, createdAt: new Date().toISOString() }, null, 1));
  console.log(`  done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return manifest;
}

// ---------------------------------------------------------------------------------------------
/** Reads the files once so the figures measure parsing and statistics, not the disk. */
function warmPageCache(...files: string[]): void {
  sh('sh', ['-c', `cat ${files.map(f => `'${f}'`).join(' ')} > /dev/null`]);
}

function check(what: string, got: unknown, want: unknown): void {
  if (JSON.stringify(got) !== JSON.stringify(want)) throw new Error(`${what}: expected ${JSON.stringify(want)}, got ${JSON.stringify(got)}`);
}
const near = (what: string, got: number, want: number, tol: number) => {
  if (!(Math.abs(got - want) <= tol)) throw new Error(`${what}: expected ${want} ± ${tol}, got ${got}`);
};

// ---------------------------------------------------------------------------------------------
// 1. Full statistics of a 1M-row CSV: computeStatistics vs pandas vs DuckDB SUMMARIZE

const featureNamed = (s: DatasetFeatureStatisticsList, name: string): FeatureNameStatistics => {
  const f = s.datasets[0].features?.find(x => (x.path?.step.join('.') ?? x.name) === name);
  if (!f) throw new Error(`computeStatistics: no feature ${name}`);
  return f;
};
const commonOf = (f: FeatureNameStatistics) => f.numStats?.commonStats ?? f.stringStats?.commonStats ?? f.bytesStats?.commonStats;

function checkOurs(s: DatasetFeatureStatisticsList, e: Expected): void {
  check('computeStatistics numExamples', s.datasets[0].numExamples, String(e.rows));
  check('computeStatistics features', s.datasets[0].features?.length, HEADER.length);
  const types = Object.fromEntries(HEADER.map(h => [h, featureNamed(s, h).type]));
  check('computeStatistics types', types, { id: 'INT', user_id: 'INT', age: 'INT', amount: 'FLOAT', score: 'FLOAT', category: 'STRING', ts: 'STRING', comment: 'STRING' });
  for (const h of HEADER) check(`computeStatistics ${h} numMissing`, Number(commonOf(featureNamed(s, h))?.numMissing ?? 0), e.missing[h] ?? 0);
  check('computeStatistics category unique', Number(featureNamed(s, 'category').stringStats?.unique), e.categories);
  near('computeStatistics age mean', Number(featureNamed(s, 'age').numStats?.mean), e.ageSum / e.rows, 1e-9);
}

interface PandasAnswer {
  version: string; rows: number; describedColumns: number; nulls: Record<string, number>; distinct: Record<string, number>;
  ageMean: number; importS: number; computeS: number; computeCpuS: number;
}

function runPandas(file: string): PandasAnswer {
  return JSON.parse(sh(PYTHON, [PANDAS_SCRIPT, file]));
}

function checkPandas(p: PandasAnswer, e: Expected): void {
  check('pandas rows', p.rows, e.rows);
  check('pandas described columns', p.describedColumns, HEADER.length);
  check('pandas nulls', p.nulls, Object.fromEntries(HEADER.map(h => [h, e.missing[h] ?? 0])));
  check('pandas value_counts columns', Object.keys(p.distinct).sort(), ['category', 'comment', 'ts']);
  check('pandas category distinct', p.distinct.category, e.categories);
  near('pandas age mean', p.ageMean, e.ageSum / e.rows, 1e-9);
}

type DuckRow = Record<string, unknown>;
// Loaded only when the stats section runs (a native module; a devDependency).
async function runDuckDb(file: string): Promise<Sample & { value: DuckRow[] }> {
  const { DuckDBInstance } = await import('@duckdb/node-api');
  const instance = await DuckDBInstance.create(':memory:');
  const conn = await instance.connect();
  try {
    await conn.run(`SET threads=${WORKERS}`);
    // Only the query is timed: a fresh in-memory database per run, made beforehand.
    return await measure('ours', async () => {
      const reader = await conn.runAndReadAll(`SUMMARIZE SELECT * FROM read_csv_auto('${file.replace(/'/g, "''")}')`);
      return reader.getRowObjectsJson() as DuckRow[];
    });
  } finally {
    conn.closeSync();
    instance.closeSync();
  }
}

function checkDuckDb(summary: DuckRow[], e: Expected): void {
  check('DuckDB SUMMARIZE columns', summary.map(r => r.column_name), HEADER);
  for (const r of summary) {
    const name = String(r.column_name);
    check(`DuckDB ${name} count`, Number(r.count), e.rows);
    near(`DuckDB ${name} null_percentage`, Number(r.null_percentage), (100 * (e.missing[name] ?? 0)) / e.rows, 0.01);
  }
  near('DuckDB age avg', Number(summary[HEADER.indexOf('age')].avg), e.ageSum / e.rows, 1e-6);
  // approx_unique is a HyperLogLog estimate: the 50 categories within a few percent.
  near('DuckDB category approx_unique', Number(summary[CATEGORY_COLUMN].approx_unique), e.categories, 5);
}

/** The info floor: read the file in 1 MiB chunks and count line breaks. */
function countLines(file: string): number {
  const fd = fs.openSync(file, 'r');
  const buf = Buffer.allocUnsafe(1 << 20);
  let lines = 0;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      for (let i = 0; i < n; i++) if (buf[i] === 0x0a) lines++;
    }
  } finally {
    fs.closeSync(fd);
  }
  return lines;
}

async function benchStats(e: Expected): Promise<void> {
  console.log(`\n## 1. Full statistics of a ${(e.rows / 1e6).toFixed(0)}M-row CSV (${(e.bytes / MB).toFixed(0)} MB)`);
  warmPageCache(STATS_CSV);
  // The server keeps one pool for its life (lsp/datavalidationRequests.ts): its workers' code is
  // optimised after the first file. Warmed here by one untimed computation, as a server would be.
  const pool = new StatsPool(WORKERS);
  checkOurs((await computeStatistics(STATS_CSV, { pool })).statistics, e);
  const ours: Sample[] = [];
  const cold: Sample[] = [];
  const oneThread: Sample[] = [];
  const pandasProc: Sample[] = [];
  const pandasCompute: Sample[] = [];
  const duck: Sample[] = [];
  const lines: Sample[] = [];
  let pandasVersion = '';
  let pandasImport: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const o = await measure('ours', () => computeStatistics(STATS_CSV, { pool }));
    checkOurs(o.value.statistics, e);
    ours.push(o);

    const c = await measure('ours', () => computeStatistics(STATS_CSV, { workers: WORKERS }));
    checkOurs(c.value.statistics, e);
    cold.push(c);

    const p = await measure('peer', () => runPandas(STATS_CSV));
    checkPandas(p.value, e);
    pandasProc.push(p);
    // pandas' own timing of read_csv … isna().sum() (without interpreter start and import).
    pandasCompute.push({ ms: p.value.computeS * 1000, cpuMs: p.value.computeCpuS * 1000, othersCpuMs: 0 });
    pandasImport.push(p.value.importS * 1000);
    pandasVersion = p.value.version;

    const d = await runDuckDb(STATS_CSV);
    checkDuckDb(d.value, e);
    duck.push(d);

    const l = await measure('ours', () => countLines(STATS_CSV));
    check('line count', l.value, e.rows + 1);
    lines.push(l);

    const one = await measure('ours', () => computeStatistics(STATS_CSV, { workers: 1 }));
    checkOurs(one.value.statistics, e);
    oneThread.push(one);
  }
  await pool.close();
  const { version: duckVersion } = await import('@duckdb/node-api').then(m => ({ version: m.version?.() ?? '?' })).catch(() => ({ version: '?' }));
  console.log(`ours  computeStatistics(file, { pool }), the server's warm pool of ${WORKERS}: ${fmtRuns(ours)}`);
  console.log(`ours  computeStatistics(file, { workers: ${WORKERS} }), fresh workers (CLI): ${fmtRuns(cold)}`);
  console.log(`peer  pandas ${pandasVersion} read_csv + describe(include='all') + value_counts + isna().sum():`);
  console.log(`        in-process (after import; pandas' own clock):         ${fmtRuns(pandasCompute)}`);
  console.log(`        whole process (python3 start + import pandas ${fmtMs(median(pandasImport))}): ${fmtRuns(pandasProc)}`);
  console.log(`peer  DuckDB ${duckVersion} SUMMARIZE (threads=${WORKERS}):                      ${fmtRuns(duck)}`);
  console.log(`info  Node line count (1 MiB chunks, byte loop):                ${fmtRuns(lines)}`);
  console.log(`info  computeStatistics(file, { workers: 1 }) (on this thread):  ${fmtRuns(oneThread)}`);
  console.log(`      (checked every run: ${e.rows} rows; missing ${JSON.stringify(e.missing)}; ${e.categories} categories; age mean; ` +
    `${reportOthers([...ours, ...cold, ...pandasProc, ...duck, ...lines, ...oneThread])})`);

  timeRow(`Full statistics, ${(e.rows / 1e6).toFixed(0)}M rows / ${(e.bytes / MB).toFixed(0)} MB (server: warm pool of ${WORKERS} workers) vs pandas`,
    ours, pandasCompute, 'pandas (in-process)', 1 / STATS_TARGET, `≤ 0.25× (≥ ${STATS_TARGET}× faster)`);
  timeRow('(info) same, vs pandas as a whole process (python start + import included)', ours, pandasProc, 'python3 + pandas');
  timeRow('Same vs DuckDB SUMMARIZE (threads=2, in-process)', ours, duck, 'DuckDB', DUCKDB_TARGET, '≤ 1.00×');
  timeRow(`(info) CLI: fresh ${WORKERS} workers per computation, vs pandas`, cold, pandasCompute, 'pandas (in-process)');
  timeRow('(info) CLI: same vs DuckDB', cold, duck, 'DuckDB');
  timeRow('(info) floor: Node reading the file, counting lines', ours, lines, 'line count');
  timeRow('(info) computeStatistics on 1 thread (workers: 1) vs 2 workers', oneThread, ours, 'computeStatistics, 2 workers');
}

// ---------------------------------------------------------------------------------------------
// 2. Inline diagnostics of a 100 MB CSV: diagnoseCsvText on the text in memory

/** Values outside the category's string domain, put in place of the category at these fractions of the rows. */
const INJECTED = [
  { at: 0.01, value: 'Electronics' },
  { at: 0.13, value: 'unknown' },
  { at: 0.29, value: 'home ' },
  { at: 0.41, value: 'gardening' },
  { at: 0.57, value: 'toy' },
  { at: 0.73, value: 'sport' },
  { at: 0.88, value: 'groceries' },
  { at: 0.99, value: 'Books' },
];

/** The text with the injected values, and the 0-based line of each. */
function injectValues(text: string, dataRows: number): { text: string; lines: number[] } {
  const targets = INJECTED.map(x => 1 + Math.floor(x.at * dataRows)); // line 0 is the header
  const parts: string[] = [];
  let line = 0;
  let pos = 0;
  let from = 0;
  for (const [k, target] of targets.entries()) {
    while (line < target) {
      pos = text.indexOf('\n', pos) + 1;
      line++;
    }
    // The category is the 6th field; the fields before it are never quoted.
    let start = pos;
    for (let f = 0; f < CATEGORY_COLUMN; f++) start = text.indexOf(',', start) + 1;
    const end = text.indexOf(',', start);
    parts.push(text.slice(from, start), INJECTED[k].value);
    from = end;
  }
  parts.push(text.slice(from));
  return { text: parts.join(''), lines: targets };
}

function checkDiagnostics(r: CsvDiagnosticsResult, e: Expected, lines: number[]): void {
  check('diagnoseCsvText rows', r.rows, e.rows);
  check('diagnoseCsvText cellProblems', r.cellProblems, INJECTED.length);
  const cells = r.diagnostics.filter(d => d.range.start.line > 0);
  check('diagnoseCsvText cell diagnostics', cells.map(d => [d.code, d.range.start.line]), lines.map(l => ['ENUM_TYPE_UNEXPECTED_STRING_VALUES', l]));
  // The column anomaly on the header: the domain's mass is 1 unless the schema says otherwise.
  const header = r.diagnostics.filter(d => d.range.start.line === 0);
  check('diagnoseCsvText header anomalies', header.map(d => d.code), ['ENUM_TYPE_UNEXPECTED_STRING_VALUES']);
}

async function benchDiagnostics(e: Expected): Promise<void> {
  console.log(`\n## 2. Inline diagnostics of a ${(e.bytes / MB).toFixed(0)} MB CSV (${(e.rows / 1e6).toFixed(1)}M rows), text in memory`);
  warmPageCache(DIAG_CSV);
  // The schema: inferred from the clean file's statistics, then printed and parsed as the server
  // reads a schema.pbtxt.
  const stats = await computeStatistics(DIAG_CSV, { workers: WORKERS });
  checkOurs(stats.statistics, e);
  const schemaText = printSchemaText(inferSchema(stats.statistics));
  const schema: Schema = parseSchemaText(schemaText, 'schema.pbtxt');
  const domains = (schema.string_domain ?? []).map(d => d.value.length);
  const categoryDomain = schema.feature.find(f => f.name === 'category')?.domain;
  if (!categoryDomain) throw new Error('inferred schema: category has no string domain');
  console.log(`schema: inferred from the clean file (${schema.feature.length} features; string domains of ${domains.join(', ')} values; ` +
    `${schema.feature.filter(f => f.presence?.min_fraction === 1).length} features required in every row)`);

  const clean = fs.readFileSync(DIAG_CSV, 'utf8');
  const { text, lines } = injectValues(clean, e.rows);
  console.log(`text: ${(Buffer.byteLength(text) / MB).toFixed(1)} MB, ${INJECTED.length} category values outside the domain injected at lines ${lines.join(', ')}`);

  const ours: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = await measure('ours', () => diagnoseCsvText(text, schema));
    checkDiagnostics(r.value, e, lines);
    ours.push(r);
  }
  // For scale: the same text's statistics alone (the file on disk, one thread), and a line count.
  const statsOne: Sample[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = await measure('ours', () => computeStatistics(DIAG_CSV, { workers: 1 }));
    checkOurs(s.value.statistics, e);
    statsOne.push(s);
  }
  console.log(`ours  diagnoseCsvText(text, schema) (defaults: pauses every 5000 rows): ${fmtRuns(ours)}`);
  console.log(`info  computeStatistics(file, { workers: 1 }), same data:               ${fmtRuns(statsOne)}`);
  console.log(`      (checked every run: ${e.rows} rows, exactly the ${INJECTED.length} injected cells at their lines, and the column anomaly; ` +
    `${reportOthers([...ours, ...statsOne])})`);
  const ms = wall(ours);
  rows.push({
    name: `Diagnostics of a ${(e.bytes / MB).toFixed(0)} MB CSV: diagnoseCsvText to the full result`,
    ours: fmtMs(ms),
    peer: `target: ${fmtMs(DIAG_TARGET_MS)}`,
    ratio: `${(ms / DIAG_TARGET_MS).toFixed(2)}× the target`,
    target: `≤ ${fmtMs(DIAG_TARGET_MS)}`,
    met: ms <= DIAG_TARGET_MS ? 'yes' : 'NO',
    cpuRatio: HAVE_PROC ? `CPU ${fmtMs(cpu(ours))}` : '—',
  });
  timeRow('(info) same vs computeStatistics of the file on 1 thread', ours, statsOne, 'computeStatistics ×1');
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  console.log('# Statistics benchmark');
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism?.() ?? os.cpus().length}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()}; load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}; ` +
    `runs per figure: ${RUNS} (median reported); MB = 10^6 bytes`);
  if (IMPL) console.log(`Implementation under test: ${path.resolve(IMPL)} (--impl)`);
  const m = ensureData();
  console.log(`stats: ${STATS_CSV}: ${m.stats.rows} rows, ${(m.stats.bytes / MB).toFixed(1)} MB; diag: ${DIAG_CSV}: ${m.diag.rows} rows, ${(m.diag.bytes / MB).toFixed(1)} MB`);
  console.log(`columns: ${HEADER.join(', ')} (ints; floats with 5% / 12% missing; ${CATEGORIES.length} categories, Zipf; timestamps; free text, 3% missing, 9% quoted)`);
  console.log('Each section first reads its file once (cat) so the page cache is warm. The tools alternate within each repetition.');

  if (enabled('stats')) await benchStats(m.stats);
  if (enabled('diag')) await benchDiagnostics(m.diag);

  printSummary('Wall-time medians; time ratio = our time ÷ peer time (lower is better). CPU-time ratio: the same comparison made\n' +
    'with CPU time (all threads of this process: our workers, DuckDB\'s threads; pandas: its own process_time()), which\n' +
    'other load on the machine barely moves.', started);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

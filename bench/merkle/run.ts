// Merkle benchmark: our scanFolder / compare against the standard tools a user would otherwise
// reach for (sha256sum, git status, diff -rq), measured in the same run on the same files.
//
//   npm run bench:merkle                      build, then run everything
//   node out/bench/merkle/run.js [options]    run without rebuilding
//     --regenerate        rebuild the data set under ~/.cache/mlw-bench/merkle/ (or $MLW_BENCH_DATA) even if it is present
//     --runs=N            timed repetitions per figure (default 3; the median is reported)
//     --only=LIST         comma-separated subset of: build, rediff, diff (e.g. for --cpu-prof)
//     --impl=DIR          measure another compiled copy of server/merkle (see bench/README.md)
//
// No assertions on speed: it prints figures, ratios and whether each target is met. It does check
// that every tool found exactly the planned changes (a wrong answer stops the run).
// See bench/README.md for what each figure means and how it is measured.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { createCipheriv, createHash } from 'node:crypto';
import * as compareModule from '../../server/merkle/compare';
import * as hashPoolModule from '../../server/merkle/hashPool';
import { RACY_WINDOW_MS } from '../../server/merkle/indexCache';
import { cpuRatio, fmtMs, fmtRuns, measure, printSummary, prng, reportOthers, rows, sh, timeRow, wall, type Sample } from '../common/measure';
import * as scanModule from '../../server/merkle/scan';
import * as snapshotModule from '../../server/merkle/snapshot';
import * as liveTreesModule from '../../server/merkle/liveTrees';
import type { CompareResult } from '../../server/merkle/compare';
import type { ScanResult } from '../../server/merkle/scan';

// ---------------------------------------------------------------------------------------------
// Settings

/** Bump when the generator changes, so cached data made by an older generator is rebuilt. */
const GENERATOR_VERSION = 1;
const SEED = 0x6d6c77; // "mlw"
const FILES = 50_000;
const DIRS = 3_000; // below the root
const MAX_DEPTH = 6;
const TARGET_BYTES = 700e6;
const WORKERS = 2; // hash workers for the cold build; sha256sum gets as many processes (-P2)

const MB = 1e6; // all MB and MB/s figures are decimal megabytes
// Outside the repository: 3 GB of files there would slow every tool that walks it (vsce, search).
const DATA = process.env.MLW_BENCH_DATA ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'mlw-bench', 'merkle');
const DIR_A = path.join(DATA, 'A');
const DIR_B = path.join(DATA, 'B');
const DIR_WORK = path.join(DATA, 'work'); // a copy of A that is a git repository (figure 3)
const MANIFEST = path.join(DATA, 'manifest.json');

const args = process.argv.slice(2);
const RUNS = Number(args.find(a => a.startsWith('--runs='))?.slice(7) ?? 3);
const ONLY = args.find(a => a.startsWith('--only='))?.slice(7).split(',');
const REGENERATE = args.includes('--regenerate');
const enabled = (part: 'build' | 'rediff' | 'diff') => !ONLY || ONLY.includes(part);

// The implementation under test: this repository's, or with --impl another build of the same
// modules (to measure a proposed change with exactly this harness).
const IMPL = args.find(a => a.startsWith('--impl='))?.slice(7);
const load = <T>(name: string, own: T): T => (IMPL ? (require(path.resolve(IMPL, name)) as T) : own);
const { compare } = load('compare', compareModule);
const { HashPool } = load('hashPool', hashPoolModule);
const { scanFolder } = load('scan', scanModule);
const { writeSnapshot } = load('snapshot', snapshotModule);
const { LiveTrees } = load('liveTrees', liveTreesModule);

// ---------------------------------------------------------------------------------------------
// The data set plan: every folder, file name and size comes from one seeded PRNG, so the plan is
// recomputed (cheaply, no I/O) on every run and its fingerprint tells whether the data folder is current.

interface PlanFile {
  rel: string;
  size: number;
  /** Binary (random bytes, like weights or arrays) or text-like (printable lines). */
  binary: boolean;
  /** Keystream number its content is drawn from. */
  stream: number;
}

type EditKind = 'same-size' | 'grow' | 'shrink';

interface Edit {
  file: PlanFile;
  kind: EditKind;
  stream: number;
}

interface Plan {
  dirs: string[];
  files: PlanFile[];
  bytes: number;
  /** How B differs from A. */
  bModified: Edit[];
  bAdded: PlanFile[];
  bRemoved: PlanFile[];
  /** The edits made in the git working copy for figure 3. */
  workEdits: Edit[];
  fingerprint: string;
}

const DIR_WORDS = ['src', 'data', 'models', 'utils', 'configs', 'experiments', 'notebooks', 'tests', 'docs', 'scripts', 'assets',
  'logs', 'runs', 'checkpoints', 'features', 'train', 'eval', 'raw', 'processed', 'shards', 'lib', 'core', 'io', 'vision', 'text',
  'audio', 'tokenizer', 'layers', 'losses', 'metrics', 'cache', 'fixtures', 'reports', 'sweeps', 'tmp', 'export', 'serving', 'api'];
const STEMS = ['train', 'model', 'dataset', 'loader', 'config', 'utils', 'eval', 'metrics', 'part', 'shard', 'sample', 'run', 'notes',
  'schema', 'transform', 'encoder', 'decoder', 'test', 'readme', 'results', 'batch', 'vocab', 'index', 'layer'];
const TEXT_EXTS = ['py', 'py', 'py', 'json', 'csv', 'md', 'txt', 'yaml', 'ts', 'ipynb', 'log', 'jsonl', 'toml', 'sh'];
const SMALL_BINARY_EXTS = ['png', 'npy', 'pkl', 'jpg'];
const BIG_EXTS = ['bin', 'npy', 'safetensors', 'parquet', 'pt', 'tar', 'onnx'];

function makePlan(): Plan {
  const rand = prng(SEED);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
  const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  // Pareto (heavy tail) with minimum xm and shape alpha.
  const pareto = (xm: number, alpha: number) => xm / Math.pow(1 - rand(), 1 / alpha);

  // Folders: a dozen top-level ones, then a random recursive tree (each new folder hangs under a
  // uniformly chosen folder above MAX_DEPTH), which gives the bushy top and long thin branches
  // of real repositories.
  interface Dir { rel: string; depth: number; names: Set<string>; counter: number }
  const dirs: Dir[] = [{ rel: '', depth: 0, names: new Set(), counter: 0 }];
  const open: number[] = [];
  const addDir = (parent: Dir, word: string) => {
    let name = word;
    for (let k = 2; parent.names.has(name); k++) name = `${word}_${k}`;
    parent.names.add(name);
    const d: Dir = { rel: parent.rel ? `${parent.rel}/${name}` : name, depth: parent.depth + 1, names: new Set(), counter: 0 };
    dirs.push(d);
    if (d.depth < MAX_DEPTH) open.push(dirs.length - 1);
  };
  for (let i = 0; i < 12; i++) addDir(dirs[0], DIR_WORDS[i]);
  while (dirs.length < DIRS + 1) addDir(dirs[pick(open)], pick(DIR_WORDS));

  // Files per folder: one each (no empty folders), the rest by heavy-tailed folder weights, so a
  // few folders hold hundreds or thousands of files (data shards) and most hold a handful.
  const weights = dirs.map(() => Math.min(pareto(1, 0.9), 2000));
  const cumulative: number[] = [];
  weights.reduce((s, w, i) => (cumulative[i] = s + w), 0);
  const total = cumulative[cumulative.length - 1];
  const dirOfFile: number[] = dirs.map((_, i) => i);
  while (dirOfFile.length < FILES) {
    const x = rand() * total;
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < x) lo = mid + 1;
      else hi = mid;
    }
    dirOfFile.push(lo);
  }

  // Sizes: log-normal (median 2.5 kB, sigma 1.4: a few hundred bytes to tens of kB, clamped to
  // 32 B..1 MB), then random files are promoted to Pareto-sized big files (1 MB up to 48 MB)
  // until the total reaches TARGET_BYTES: most files are small, most bytes are in a few files.
  const sizes = dirOfFile.map(() => Math.round(Math.min(Math.max(2500 * Math.exp(1.4 * gauss()), 32), MB - 1)));
  const big = new Set<number>();
  let bytes = sizes.reduce((s, n) => s + n, 0);
  while (bytes < TARGET_BYTES) {
    const i = Math.floor(rand() * FILES);
    if (big.has(i)) continue;
    const size = Math.round(Math.max(MB, Math.min(pareto(MB, 1.1), 48 * MB, TARGET_BYTES - bytes + sizes[i])));
    bytes += size - sizes[i];
    sizes[i] = size;
    big.add(i);
  }

  const files: PlanFile[] = dirOfFile.map((di, i) => {
    const d = dirs[di];
    const binary = big.has(i) || rand() < 0.08;
    const ext = big.has(i) ? pick(BIG_EXTS) : binary ? pick(SMALL_BINARY_EXTS) : pick(TEXT_EXTS);
    const name = `${pick(STEMS)}_${String(d.counter++).padStart(4, '0')}.${ext}`;
    return { rel: d.rel ? `${d.rel}/${name}` : name, size: sizes[i], binary, stream: i };
  });

  // Changes: distinct files from a seeded shuffle. B: 10 modified (same size, grown, shrunk),
  // 3 added, 2 removed. The git working copy (figure 3) gets 10 other files edited.
  const order = files.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const kinds: EditKind[] = ['same-size', 'grow', 'shrink'];
  let next = 0;
  let stream = FILES;
  const edits = (n: number): Edit[] => Array.from({ length: n }, (_, k) => ({ file: files[order[next++]], kind: kinds[k % 3], stream: stream++ }));
  const bModified = edits(10);
  const bRemoved = Array.from({ length: 2 }, () => files[order[next++]]);
  const workEdits = edits(10);
  const bAdded: PlanFile[] = Array.from({ length: 3 }, (_, k) => {
    const d = dirs[1 + Math.floor(rand() * DIRS)];
    return { rel: `${d.rel}/added_${k}.py`, size: 200 + Math.floor(rand() * 20_000), binary: false, stream: stream++ };
  });

  const fingerprint = createHash('sha256')
    .update(JSON.stringify({ GENERATOR_VERSION, SEED, files, bModified, bRemoved, bAdded, workEdits }))
    .digest('hex');
  return { dirs: dirs.slice(1).map(d => d.rel), files, bytes, bModified, bAdded, bRemoved, workEdits, fingerprint };
}

// ---------------------------------------------------------------------------------------------
// Content: AES-256-CTR keystream (deterministic, ~GB/s, incompressible). Each file has its own
// stream (its number goes in the high half of the counter block, so streams never overlap).

const KEY = createHash('sha256').update(`mlw-bench-${SEED}`).digest();
let zeros = Buffer.alloc(0);

function keystream(stream: number, n: number): Buffer {
  if (zeros.length < n) zeros = Buffer.alloc(Math.max(n, 1 << 20));
  const iv = Buffer.alloc(16);
  iv.writeUInt32BE(stream, 0);
  return createCipheriv('aes-256-ctr', KEY, iv).update(zeros.subarray(0, n));
}

// 64 printable characters (letters, digits, spaces, punctuation) plus newlines every 20..120
// characters: looks like source or CSV to tools, ~6 bits of entropy per byte (gzip saves ~20%).
const ALPHABET = Buffer.from('abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMN        _.,:=(');

function content(stream: number, n: number, binary: boolean): Buffer {
  const buf = keystream(stream, n);
  if (binary) return buf;
  let nl = 20 + (buf[0] % 100);
  for (let i = 0; i < n; i++) {
    if (i === nl) {
      nl = i + 20 + (buf[i] % 100);
      buf[i] = 10;
    } else {
      buf[i] = ALPHABET[buf[i] & 63];
    }
  }
  return buf;
}

/** The last time this process wrote into a tree: index builds wait until it is not "racy". */
let lastWriteMs = 0;

function applyEdit(root: string, e: Edit): void {
  const file = path.join(root, e.file.rel);
  const size = fs.statSync(file).size;
  if (e.kind === 'same-size') {
    // Flip every bit of up to 64 bytes in the middle: guaranteed different, same length.
    const n = Math.min(64, size);
    const pos = Math.floor((size - n) / 2);
    const fd = fs.openSync(file, 'r+');
    try {
      const b = Buffer.alloc(n);
      fs.readSync(fd, b, 0, n, pos);
      for (let i = 0; i < n; i++) b[i] ^= 0xff;
      fs.writeSync(fd, b, 0, n, pos);
    } finally {
      fs.closeSync(fd);
    }
  } else if (e.kind === 'grow') {
    fs.appendFileSync(file, content(e.stream, 100 + (e.stream % 4000), e.file.binary));
  } else {
    fs.truncateSync(file, Math.floor(size / 2));
  }
  lastWriteMs = Date.now();
}

// ---------------------------------------------------------------------------------------------
// Generation (only when the data folder is missing, stale, or --regenerate)

function ensureData(plan: Plan): void {
  let manifest: { fingerprint?: string } = {};
  try {
    manifest = JSON.parse(fs.readFileSync(MANIFEST, 'utf8'));
  } catch { /* missing: generate */ }
  const present = manifest.fingerprint === plan.fingerprint && [DIR_A, DIR_B, path.join(DIR_WORK, '.git')].every(d => fs.existsSync(d));
  if (present && !REGENERATE) {
    console.log(`Data set: cached in ${DATA} (use --regenerate to rebuild it)`);
    return;
  }
  console.log(`Data set: generating in ${DATA} ...`);
  fs.rmSync(DATA, { recursive: true, force: true });
  const t0 = Date.now();
  for (const d of plan.dirs) fs.mkdirSync(path.join(DIR_A, d), { recursive: true });
  for (const f of plan.files) fs.writeFileSync(path.join(DIR_A, f.rel), content(f.stream, f.size, f.binary));
  console.log(`  A written in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

  // B: a copy of A (cp -a keeps mtimes), then the planned changes.
  const t1 = Date.now();
  sh('cp', ['-a', DIR_A, DIR_B]);
  for (const e of plan.bModified) applyEdit(DIR_B, e);
  for (const f of plan.bAdded) fs.writeFileSync(path.join(DIR_B, f.rel), content(f.stream, f.size, f.binary));
  for (const f of plan.bRemoved) fs.rmSync(path.join(DIR_B, f.rel));

  // The git working copy: another copy of A, committed. Loose objects are stored with zlib
  // level 1 to make this one-off step faster; it does not affect `git status`, which never
  // reads blobs of unchanged files.
  sh('cp', ['-a', DIR_A, DIR_WORK]);
  git(['init', '-q']);
  git(['add', '-A']);
  git(['commit', '-q', '-m', 'benchmark base']);
  // Write the new files out now, so the kernel's writeback does not run during the timings.
  sh('sync', []);
  lastWriteMs = Date.now();
  fs.writeFileSync(MANIFEST, JSON.stringify({ fingerprint: plan.fingerprint, generatorVersion: GENERATOR_VERSION, createdAt: new Date().toISOString() }));
  console.log(`  B and the git copy made in ${((Date.now() - t1) / 1000).toFixed(1)} s more; done in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

// ---------------------------------------------------------------------------------------------
const GIT_CONFIG = ['-c', 'user.name=mlw-bench', '-c', 'user.email=bench@example.invalid', '-c', 'init.defaultBranch=main',
  '-c', 'commit.gpgsign=false', '-c', 'core.looseCompression=1'];
const git = (argv: string[]) => sh('git', [...GIT_CONFIG, ...argv], { cwd: DIR_WORK });

/** Reads a tree once so the figures measure hashing and walking, not the disk. Done right before
 *  each section: this VM pages out page-cache pages that have not been used for about a minute. */
function warmPageCache(...dirs: string[]): void {
  const prune = dirs.map(d => `-path '${d}/.git' -prune -o`).join(' ');
  sh('sh', ['-c', `find ${dirs.map(d => `'${d}'`).join(' ')} ${prune} -type f -print0 | xargs -0 cat > /dev/null`]);
}

/** Waits until files written by this process are older than the index's racy window. */
async function settle(): Promise<void> {
  const wait = lastWriteMs + RACY_WINDOW_MS + 500 - Date.now();
  if (wait > 0) await new Promise(r => setTimeout(r, wait));
}

function tempDir(label: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `mlw-bench-${label}-`));
}

function expectSame(what: string, got: string[], want: string[]): void {
  const g = [...got].sort().join('\n');
  const w = [...want].sort().join('\n');
  if (g !== w) throw new Error(`${what}: expected\n${w}\ngot\n${g}`);
}

// ---------------------------------------------------------------------------------------------
// 2. Cold build throughput: hash every file, no index

async function benchBuild(plan: Plan): Promise<void> {
  console.log(`\n## 2. Cold build throughput (no index, ${WORKERS} workers vs sha256sum on ${WORKERS} cores)`);
  warmPageCache(DIR_A);
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  const openssl: Sample[] = [];
  let last: ScanResult | undefined;
  // -n 500: few enough invocations that process start-up is noise, enough batches for -P2.
  const find = `find '${DIR_A}' -type f -print0 | xargs -0 -P${WORKERS} -n 500`;
  for (let i = 0; i < RUNS; i++) {
    // The pool is made inside the timing: starting the workers is part of a cold build.
    const r = await measure('ours', async () => {
      const pool = new HashPool(WORKERS);
      try {
        return await scanFolder(DIR_A, { cacheDir: false, pool });
      } finally {
        await pool.close();
      }
    });
    ours.push(r);
    last = r.value;
    peer.push(await measure('peer', () => sh('sh', ['-c', `${find} sha256sum > /dev/null`])));
    // Not a target: coreutils' sha256sum here is plain C without SHA-NI, while Node hashes with
    // OpenSSL (SHA-NI); openssl dgst is the same-engine peer, to show where the time goes.
    openssl.push(await measure('peer', () => sh('sh', ['-c', `${find} openssl dgst -sha256 > /dev/null`])));
  }
  const s = last!.stats;
  if (s.filesHashed !== plan.files.length || s.bytesHashed !== plan.bytes) throw new Error(`scan hashed ${s.filesHashed} files / ${s.bytesHashed} bytes`);
  const mbps = (ms: number) => plan.bytes / MB / (ms / 1000);
  console.log(`ours  scanFolder(A, { cacheDir: false, pool: new HashPool(${WORKERS}) }): ${fmtRuns(ours)} -> ${mbps(wall(ours)).toFixed(0)} MB/s`);
  console.log(`peer  find A -type f -print0 | xargs -0 -P${WORKERS} -n 500 sha256sum:     ${fmtRuns(peer)} -> ${mbps(wall(peer)).toFixed(0)} MB/s`);
  console.log(`info  ... | xargs -0 -P${WORKERS} -n 500 openssl dgst -sha256:            ${fmtRuns(openssl)} -> ${mbps(wall(openssl)).toFixed(0)} MB/s`);
  console.log(`      (${s.filesHashed} files, ${(s.bytesHashed / MB).toFixed(0)} MB hashed, ${s.dirs} folders; ${reportOthers([...ours, ...peer, ...openssl])})`);
  const ratio = mbps(wall(ours)) / mbps(wall(peer));
  rows.push({
    name: 'Cold build throughput (A, no index, 2 workers)',
    ours: `${mbps(wall(ours)).toFixed(0)} MB/s`,
    peer: `sha256sum -P2: ${mbps(wall(peer)).toFixed(0)} MB/s`,
    ratio: `${ratio.toFixed(2)}×`,
    target: '≥ 0.80×',
    met: ratio >= 0.8 ? 'yes' : 'NO',
    cpuRatio: cpuRatio(peer, ours), // throughput: peer CPU ÷ ours, so > 1 means we use less CPU
  });
  const ratioSsl = mbps(wall(ours)) / mbps(wall(openssl));
  rows.push({
    name: '(info) same, vs an OpenSSL-based peer',
    ours: `${mbps(wall(ours)).toFixed(0)} MB/s`,
    peer: `openssl dgst -P2: ${mbps(wall(openssl)).toFixed(0)} MB/s`,
    ratio: `${ratioSsl.toFixed(2)}×`,
    target: '—',
    met: '—',
    cpuRatio: cpuRatio(openssl, ours),
  });
}

// ---------------------------------------------------------------------------------------------
// 3. Warm re-diff of a workspace after editing 10 files, vs git status

async function benchRediff(plan: Plan): Promise<void> {
  console.log('\n## 3. Warm re-diff after editing 10 files (git working copy of A)');
  // A previous run that stopped half-way may have left edits behind: start from the commit.
  if (git(['status', '--porcelain'])) {
    git(['checkout', '-q', '--', '.']);
    git(['clean', '-fdq']);
    lastWriteMs = Date.now();
  }
  // Files written moments ago are "racily clean" to our index (never trusted) and to git's:
  // let them age so both tools start from a trustworthy index, as in a real workspace.
  await settle();
  warmPageCache(DIR_WORK, DIR_A);
  git(['status', '--porcelain']); // refreshes git's index (stat data) after copies/restores

  const cacheDir = tempDir('index');
  const snapDir = tempDir('snap');
  try {
    // Index + snapshot of the unedited tree: what "Snapshot Workspace" leaves behind.
    const built = await measure('ours', () => scanFolder(DIR_WORK, { cacheDir }));
    const snapshot = path.join(snapDir, 'base.json');
    writeSnapshot(snapshot, built.value.root, { source: DIR_WORK, options: {}, contentLimit: 0 });
    const [indexFile] = fs.readdirSync(cacheDir);
    const indexCopy = path.join(snapDir, 'index.json');
    fs.copyFileSync(path.join(cacheDir, indexFile), indexCopy);
    console.log(`index build (cold scan writing the index): ${fmtMs(built.ms)}; index ${(fs.statSync(indexCopy).size / MB).toFixed(1)} MB, ` +
      `snapshot ${(fs.statSync(snapshot).size / MB).toFixed(1)} MB`);

    for (const e of plan.workEdits) applyEdit(DIR_WORK, e);
    const edited = plan.workEdits.map(e => e.file.rel);

    const ours: Sample[] = [];
    const scanOnly: Sample[] = [];
    const peer: Sample[] = [];
    const server: Sample[] = [];
    // The long-lived server: workspace trees in memory, told by the file watcher what changed,
    // and the snapshot already loaded by an earlier comparison with it.
    const live = new LiveTrees();
    live.setWatched([DIR_WORK]);
    live.loadSnapshot(snapshot);
    let hashed = 0;
    let fromCache = 0;
    for (let i = 0; i < RUNS; i++) {
      // Each run starts from the index as it was before the edits (a run saves the 10 new
      // hashes; restoring keeps the runs identical: "the first re-diff after the edits").
      // The snapshot is side A, the workspace side B, as "Compare Workspace with Snapshot" does.
      fs.copyFileSync(indexCopy, path.join(cacheDir, indexFile));
      const c = await measure('ours', () => compare(snapshot, DIR_WORK, { cacheDir }));
      ours.push(c);
      expectSame('compare(snapshot, work).modified', c.value.modified, edited);
      if (c.value.added.length || c.value.removed.length) throw new Error('compare(snapshot, work) found unexpected additions/removals');

      fs.copyFileSync(indexCopy, path.join(cacheDir, indexFile));
      const s = await measure('ours', () => scanFolder(DIR_WORK, { cacheDir }));
      scanOnly.push(s);
      hashed = s.value.stats.filesHashed;
      fromCache = s.value.stats.filesFromCache;

      const g = await measure('peer', () => git(['status', '--porcelain']));
      peer.push(g);
      expectSame('git status --porcelain', g.value.split('\n').filter(Boolean).map(l => l.slice(3)), edited);

      // Server: its tree holds the unedited files, then the 10 edits arrive as watcher events.
      for (const e of plan.workEdits) {
        fs.copyFileSync(path.join(DIR_A, e.file.rel), path.join(DIR_WORK, e.file.rel));
        live.changed(path.join(DIR_WORK, e.file.rel));
      }
      await live.scan(DIR_WORK, { cacheDir: false });
      for (const e of plan.workEdits) {
        applyEdit(DIR_WORK, e);
        live.changed(path.join(DIR_WORK, e.file.rel));
      }
      const l = await measure('ours', () => compare(snapshot, DIR_WORK, { cacheDir, live }));
      server.push(l);
      expectSame('server compare(snapshot, work).modified', l.value.modified, edited);
    }
    git(['status', '--porcelain']); // the restores above touched stat data: keep git's index fresh
    console.log(`ours  compare(snapshot, work, { cacheDir }) (snapshot load + warm scan + diff): ${fmtRuns(ours)}`);
    console.log(`      scanFolder(work, { cacheDir }) alone:                                   ${fmtRuns(scanOnly)}`);
    console.log(`      (${fromCache} files from the index, ${hashed} re-hashed)`);
    console.log(`peer  git status --porcelain:                                                 ${fmtRuns(peer)}`);
    console.log(`ours  server: same compare, tree kept in memory + 10 watcher events:            ${fmtRuns(server)}`);
    console.log(`      (${reportOthers([...ours, ...scanOnly, ...peer, ...server])})`);
    timeRow('Warm re-diff after 10 edits: compare(snapshot, work)', ours, peer, 'git status', 1.0, '≤ 1.0×');
    timeRow('Warm re-diff in the server (live tree, watcher events)', server, peer, 'git status', 1.0, '≤ 1.0×');
    timeRow('(info) warm scanFolder(work) alone', scanOnly, peer, 'git status');
  } finally {
    // Put the edited files back (from A) so the next run starts from a clean working copy.
    for (const e of plan.workEdits) fs.copyFileSync(path.join(DIR_A, e.file.rel), path.join(DIR_WORK, e.file.rel));
    lastWriteMs = Date.now();
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(snapDir, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------
// 4. Diff of two trees: diff -rq A B vs compare(A, B), cold and warm

async function benchDiff(plan: Plan): Promise<void> {
  console.log('\n## 4. Diff of two trees: compare(A, B) vs diff -rq A B');
  await settle(); // B's changes must not be racy when its index is built
  warmPageCache(DIR_A, DIR_B);
  const check = (r: CompareResult) => {
    expectSame('compare(A, B).modified', r.modified, plan.bModified.map(e => e.file.rel));
    expectSame('compare(A, B).added', r.added, plan.bAdded.map(f => f.rel));
    expectSame('compare(A, B).removed', r.removed, plan.bRemoved.map(f => f.rel));
  };

  // Cold: a fresh, empty index folder each time, so both sides are fully hashed (with
  // compare's own pool: one worker per core). The last one's indexes are kept for the warm
  // runs ("indexes built by a previous run").
  const cold: Sample[] = [];
  const dirs: string[] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      dirs.push(tempDir('index'));
      const r = await measure('ours', () => compare(DIR_A, DIR_B, { cacheDir: dirs[i] }));
      check(r.value);
      cold.push(r);
    }
    const cacheDir = dirs[dirs.length - 1];
    const ours: (Sample & { value: CompareResult })[] = [];
    const peer: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await measure('ours', () => compare(DIR_A, DIR_B, { cacheDir }));
      check(r.value);
      ours.push(r);
      // diff exits 1 when the trees differ.
      const d = await measure('peer', () => sh('diff', ['-rq', DIR_A, DIR_B], { okStatus: [1] }));
      peer.push(d);
      const lines = d.value.split('\n').filter(Boolean).length;
      if (lines !== plan.bModified.length + plan.bAdded.length + plan.bRemoved.length) throw new Error(`diff -rq printed ${lines} lines`);
    }
    // Server: both folders open in the workspace, their trees kept from an earlier comparison,
    // the watcher reporting no change since.
    const live = new LiveTrees();
    live.setWatched([DIR_A, DIR_B]);
    await compare(DIR_A, DIR_B, { cacheDir, live });
    const server: Sample[] = [];
    for (let i = 0; i < RUNS; i++) {
      const l = await measure('ours', () => compare(DIR_A, DIR_B, { cacheDir, live }));
      check(l.value);
      server.push(l);
    }
    const r = ours[ours.length - 1].value;
    const hashed = (r.a.stats?.filesHashed ?? 0) + (r.b.stats?.filesHashed ?? 0);
    console.log(`ours  server, both trees kept in memory, no change reported: ${fmtRuns(server)}`);
    console.log(`ours  compare(A, B, { cacheDir }) cold (empty index):  ${fmtRuns(cold)}`);
    console.log(`ours  compare(A, B, { cacheDir }) warm (both indexed): ${fmtRuns(ours)} (${hashed} files re-hashed)`);
    console.log(`peer  diff -rq A B:                                    ${fmtRuns(peer)}`);
    console.log(`      (${reportOthers([...cold, ...ours, ...peer, ...server])})`);
    console.log(`result: ${r.modified.length} modified, ${r.added.length} added, ${r.removed.length} removed; ` +
      `${r.comparisons} hash comparisons vs ${r.nodes} nodes in the two trees ` +
      `(${((100 * r.comparisons) / r.nodes).toFixed(1)}% of a full walk)`);
    timeRow('Diff of two trees, warm: compare(A, B)', ours, peer, 'diff -rq', 0.5, '≤ 0.5×');
    timeRow('Diff of two trees in the server (both trees live)', server, peer, 'diff -rq', 0.5, '≤ 0.5×');
    timeRow('(info) same, cold (no index)', cold, peer, 'diff -rq');
  } finally {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  console.log('# Merkle benchmark');
  console.log(`node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} × ${os.availableParallelism?.() ?? os.cpus().length}, ` +
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, ${os.platform()}; load average ${os.loadavg().map(l => l.toFixed(2)).join(' ')}; ` +
    `runs per figure: ${RUNS} (median reported); MB = 10^6 bytes`);
  if (IMPL) console.log(`Implementation under test: ${path.resolve(IMPL)} (--impl)`);

  const plan = makePlan();
  ensureData(plan);
  const depth = Math.max(...plan.dirs.map(d => d.split('/').length));
  const sizes = plan.files.map(f => f.size).sort((a, b) => a - b);
  const q = (p: number) => sizes[Math.floor(p * (sizes.length - 1))];
  const bigBytes = sizes.filter(s => s >= MB).reduce((a, b) => a + b, 0);
  console.log(`A: ${plan.files.length} files, ${plan.dirs.length} folders (max depth ${depth}), ${plan.bytes} bytes (${(plan.bytes / MB).toFixed(0)} MB); ` +
    `file sizes p10 ${q(0.1)} B, median ${q(0.5)} B, p90 ${q(0.9)} B, p99 ${(q(0.99) / 1000).toFixed(0)} kB, max ${(q(1) / MB).toFixed(1)} MB; ` +
    `${sizes.filter(s => s >= MB).length} files ≥ 1 MB hold ${((100 * bigBytes) / plan.bytes).toFixed(0)}% of the bytes`);
  console.log(`B: A with ${plan.bModified.length} files modified (same size, grown, shrunk), ${plan.bAdded.length} added, ${plan.bRemoved.length} removed`);
  console.log('Each section first reads its trees once (find | xargs cat) so the page cache is warm and the figures measure\n' +
    'hashing and walking, not the disk. Ours and the peer alternate within each repetition.');

  if (enabled('build')) await benchBuild(plan);
  if (enabled('rediff')) await benchRediff(plan);
  if (enabled('diff')) await benchDiff(plan);

  printSummary('Wall-time medians. Throughput ratio = our MB/s ÷ peer MB/s (higher is better); time ratio = our time ÷ peer time\n' +
    '(lower is better). CPU-time ratio: the same comparison made with CPU time (all threads / child processes), which\n' +
    'other load on the machine barely moves.', started);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

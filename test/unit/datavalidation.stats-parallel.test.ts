// Generated CSVs of tens to hundreds of MB: worker threads give what one thread gives (and
// what the generator knows), cuts that land inside quoted line breaks are corrected, line
// numbers stay right across ranges, and memory stays bounded.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { computeStatistics, type StatisticsResult } from '../../server/datavalidation/computeStatistics';
import { StatsPool } from '../../server/datavalidation/statsPool';
import type { FeatureNameStatistics } from '../../server/datavalidation/statisticsProto';
import { tempDir } from './helpers';

/** The stated rank error of quantiles (the sketch's bound is 0.7% of n). */
const RANK_ERROR = 0.01;

function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Writes rows from `row(i)` until the file reaches `bytes`; returns the number of rows. */
function generate(file: string, header: string, bytes: number, row: (i: number) => string): number {
  const fd = fs.openSync(file, 'w');
  let written = 0;
  let rows = 0;
  let chunk = header + '\n';
  while (written + chunk.length < bytes) {
    chunk += row(rows++) + '\n';
    if (chunk.length > 1 << 20) {
      written += fs.writeSync(fd, chunk);
      chunk = '';
    }
  }
  fs.writeSync(fd, chunk);
  fs.closeSync(fd);
  return rows;
}

function feature(r: StatisticsResult, name: string): FeatureNameStatistics {
  const f = r.statistics.datasets[0].features!.find(x => x.path!.step[0] === name);
  assert.ok(f, name);
  return f;
}

/** Fraction of `sorted` below x and at most x: a quantile q is right if q lies between. */
function rankRange(sorted: Float64Array, x: number): [number, number] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const m = (lo + hi) >>> 1;
    if (sorted[m] < x) lo = m + 1;
    else hi = m;
  }
  let lo2 = lo;
  hi = sorted.length;
  while (lo2 < hi) {
    const m = (lo2 + hi) >>> 1;
    if (sorted[m] <= x) lo2 = m + 1;
    else hi = m;
  }
  return [lo / sorted.length, lo2 / sorted.length];
}

function assertQuantile(sorted: Float64Array, x: unknown, q: number, what: string) {
  const [below, atMost] = rankRange(sorted, x as number);
  assert.ok(below <= q + RANK_ERROR && atMost >= q - RANK_ERROR, `${what}: ${x} has ranks ${below}..${atMost}, wanted ${q} ± ${RANK_ERROR}`);
}

test('a 20 MB CSV: 2 workers give what 1 thread gives and what the generator knows', async t => {
  const file = path.join(tempDir(t), 'big.csv');
  const rnd = mulberry32(7);
  const cats = Array.from({ length: 50 }, (_, i) => `cat${i}`);
  const words = ['alpha', 'beta, gamma', 'say ""hi""', 'two\nlines', 'delta'];
  const u: number[] = [];
  const x: number[] = [];
  const catCounts = new Map<string, number>();
  const lateCounts = new Map<string, number>();
  let xMissing = 0;
  const expectedRows = 330_000;
  const rows = generate(file, 'id,u,x,cat,text,late', 20 << 20, i => {
    const uv = Math.floor(rnd() * 1_000_000);
    u.push(uv);
    let xs = '';
    if (rnd() < 0.05) xMissing++;
    else {
      const xv = Math.round((rnd() * 200 - 50) * 1000) / 1000;
      x.push(xv);
      xs = String(xv);
    }
    const cat = cats[Math.floor(rnd() ** 2 * cats.length)];
    catCounts.set(cat, (catCounts.get(cat) ?? 0) + 1);
    const word = words[i % words.length];
    // Numbers all along but one word near the end: STRING, so earlier ranges are read again.
    const late = i === expectedRows - 1000 ? 'n/a' : String(i % 1000);
    lateCounts.set(late, (lateCounts.get(late) ?? 0) + 1);
    return `${i},${uv},${xs},${cat},"${word} ${i % 7}",${late}`;
  });
  assert.ok(rows > expectedRows, `${rows} rows`);

  const multi = await computeStatistics(file, { workers: 2 });
  const single = await computeStatistics(file, { workers: 1 });
  for (const r of [multi, single]) {
    assert.equal(r.statistics.datasets[0].numExamples, String(rows));
    assert.deepEqual(r.problems, []);
  }

  // Counts, min, max: exact; mean and std_dev: the same up to rounding of the merge.
  for (const [name, values] of [['u', u], ['x', x], ['id', Array.from({ length: rows }, (_, i) => i)]] as const) {
    const m = feature(multi, name);
    const s = feature(single, name);
    assert.equal(m.type, name === 'x' ? 'FLOAT' : 'INT');
    assert.equal(m.type, s.type);
    assert.deepEqual(m.numStats!.commonStats, s.numStats!.commonStats);
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
    for (const st of [m.numStats!, s.numStats!]) {
      assert.equal(st.commonStats!.numNonMissing, String(values.length));
      assert.equal(st.min, values.reduce((a, v) => Math.min(a, v), Infinity));
      assert.equal(st.max, values.reduce((a, v) => Math.max(a, v), -Infinity));
      assert.equal(st.numZeros, String(values.filter(v => v === 0).length));
      assert.ok(Math.abs((st.mean as number) - mean) <= 1e-9 * Math.abs(mean), `${name} mean ${st.mean} vs ${mean}`);
      assert.ok(Math.abs((st.stdDev as number) - std) <= 1e-9 * std, `${name} std ${st.stdDev} vs ${std}`);
      // Quantiles within the stated rank error of the true ones.
      const sorted = Float64Array.from(values).sort();
      assertQuantile(sorted, st.median, 0.5, `${name} median`);
      const q = st.histograms!.find(h => h.type === 'QUANTILES')!.buckets!;
      q.forEach((b, i) => assertQuantile(sorted, b.lowValue, i / 10, `${name} decile ${i}`));
      const standard = st.histograms!.find(h => h.type === 'STANDARD')!.buckets!;
      assert.equal(standard.reduce((a, b) => a + (b.sampleCount as number), 0), values.length);
    }
  }
  assert.equal(feature(multi, 'x').numStats!.commonStats!.numMissing, String(xMissing));

  // Strings: exact, equal, and as counted here.
  for (const name of ['cat', 'text', 'late']) {
    assert.equal(feature(multi, name).type, 'STRING');
    assert.deepEqual(feature(multi, name).stringStats, feature(single, name).stringStats, name);
  }
  const byCount = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? 1 : -1)).slice(0, 20).map(([value, frequency]) => ({ value, frequency }));
  assert.deepEqual(feature(multi, 'cat').stringStats!.topValues, byCount(catCounts));
  assert.deepEqual(feature(multi, 'late').stringStats!.topValues, byCount(lateCounts));
  assert.equal(feature(multi, 'late').stringStats!.unique, String(lateCounts.size));
  assert.equal(feature(multi, 'text').stringStats!.unique, '35');
  const labels = feature(multi, 'text').stringStats!.rankHistogram!.buckets!.map(b => b.label);
  assert.equal(labels.length, 35);
  assert.ok(labels.includes('two\nlines 3') && labels.includes('say "hi" 1') && labels.includes('beta, gamma 0'));
});

test('cuts that land inside quoted line breaks are corrected; line numbers stay right across ranges', async t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'multiline.csv');
  // Records of ~600 bytes, nearly all inside a quoted field of 200 lines: a guessed cut (the
  // byte after a line break) almost always falls inside quotes.
  const body = 'ab\n'.repeat(200);
  const raggedAt = new Set([5_000, 20_000, 31_000]);
  const lineOf: number[] = [];
  let line = 2;
  const rows = generate(file, 'id,note,k', 20 << 20, i => {
    lineOf.push(line);
    line += 201;
    return raggedAt.has(i) ? `${i},"${body}"` : `${i},"${body}",${i % 7}`;
  });
  // Sketches big enough to stay exact, so that everything but float rounding must match.
  const limits = { sketchK: 1 << 16 };
  const multi = await computeStatistics(file, { workers: 2, limits });
  const single = await computeStatistics(file, { workers: 1, limits });
  for (const r of [multi, single]) {
    assert.equal(r.statistics.datasets[0].numExamples, String(rows - raggedAt.size));
    assert.deepEqual(r.problems.map(p => [p.kind, p.line]), [...raggedAt].map(i => ['raggedRow', lineOf[i]]));
    assert.equal(feature(r, 'note').stringStats!.unique, '1');
    assert.equal(feature(r, 'id').numStats!.max, rows - 1);
  }
  const moments = (r: StatisticsResult) => r.statistics.datasets[0].features!.map(f => [f.numStats?.mean, f.numStats?.stdDev]);
  moments(multi).forEach(([mean, std], i) => {
    const [mean1, std1] = moments(single)[i];
    assert.ok(mean === mean1 || Math.abs((mean as number) - (mean1 as number)) <= 1e-12 * Math.abs(mean1 as number));
    assert.ok(std === std1 || Math.abs((std as number) - (std1 as number)) <= 1e-12 * (std1 as number));
  });
  const withoutMoments = (r: StatisticsResult) => JSON.parse(JSON.stringify(r.statistics, (k, v) => (k === 'mean' || k === 'stdDev' ? undefined : v)));
  assert.deepEqual(withoutMoments(multi), withoutMoments(single));
});

test('an unterminated quote deep in a large file is reported where it opened, with workers too', async t => {
  const file = path.join(tempDir(t), 'open.csv');
  const openAt = 150_000;
  generate(file, 'a,b', 12 << 20, i => (i === openAt ? `${i},"oops` : `${i},value ${i}`));
  for (const workers of [1, 2]) {
    await assert.rejects(computeStatistics(file, { workers }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /unterminated quoted field/);
      assert.equal(e.line, openAt + 2);
      assert.equal(e.column, String(openAt).length + 2);
      return true;
    });
  }
});

test('a quote left open in a 70 MB file stops after 64 MiB, naming the line where it opened', async t => {
  const file = path.join(tempDir(t), 'open-big.csv');
  generate(file, 'a,b', 70 << 20, i => (i === 3 ? 'x,"starts here' : `${i},some text without quotes ${i}`));
  for (const workers of [1, 2]) {
    await assert.rejects(computeStatistics(file, { workers }), (e: unknown) => {
      assert.ok(e instanceof UserError);
      assert.match(e.message, /still open after 64 MiB/);
      assert.deepEqual([e.line, e.column], [5, 3]);
      return true;
    });
  }
});

test('memory stays bounded on a CSV much larger than the chunks, and progress reaches the total', async t => {
  const file = path.join(tempDir(t), 'huge.csv');
  const rnd = mulberry32(3);
  // A unique id per row (past the distinct cap: approximate), numbers and a category.
  const rows = generate(file, 'key,n,f,c', 150 << 20, i => `k${i}-${Math.floor(rnd() * 1e9)},${i},${Math.floor(rnd() * 1e6) / 100},c${i % 13}`);
  const size = fs.statSync(file).size;
  // JS heap plus what typed arrays and buffers hold outside it.
  const used = () => {
    const m = process.memoryUsage();
    return m.heapUsed + m.external;
  };
  const base = used();
  let peak = 0;
  const seen: number[] = [];
  const single = await computeStatistics(file, {
    workers: 1,
    onProgress: (bytes, total) => {
      assert.equal(total, size);
      seen.push(bytes);
      peak = Math.max(peak, used() - base);
    },
  });
  assert.ok(peak < 100 << 20, `memory grew by ${(peak / 2 ** 20).toFixed(0)} MiB while reading ${(size / 2 ** 20).toFixed(0)} MiB`);
  assert.ok(seen.length > 5 && seen.every((b, i) => i === 0 || b >= seen[i - 1]), 'progress grows');
  assert.equal(seen[seen.length - 1], size);
  assert.equal(single.statistics.datasets[0].numExamples, String(rows));
  const key = feature(single, 'key');
  assert.ok(key.customStats?.some(c => c.name === 'mlw_counts_approximate'));
  const unique = Number(key.stringStats!.unique);
  assert.ok(Math.abs(unique - rows) <= 0.03 * rows, `unique ${unique} of ${rows}`);

  // With workers, this thread holds only the partial statistics.
  const rssBefore = process.memoryUsage().rss;
  let rssPeak = 0;
  const multi = await computeStatistics(file, { workers: 2, onProgress: () => { rssPeak = Math.max(rssPeak, process.memoryUsage().rss - rssBefore); } });
  assert.ok(rssPeak < 600 << 20, `rss grew by ${(rssPeak / 2 ** 20).toFixed(0)} MiB`);
  assert.equal(multi.statistics.datasets[0].numExamples, String(rows));
  assert.deepEqual(feature(multi, 'c').stringStats, feature(single, 'c').stringStats);
  assert.deepEqual(feature(multi, 'n').numStats!.commonStats, feature(single, 'n').numStats!.commonStats);

  // Cancelling midway stops the workers and rejects.
  const controller = new AbortController();
  const started = Date.now();
  await assert.rejects(computeStatistics(file, { workers: 2, signal: controller.signal, onProgress: bytes => bytes > size / 4 && controller.abort() }), { name: 'CancelledError' });
  assert.ok(Date.now() - started < 10_000);
});

test('a pool kept across computations gives what a fresh one gives, and survives a cancelled computation', async t => {
  const file = path.join(tempDir(t), 'pooled.csv');
  const rnd = mulberry32(11);
  generate(file, 'n,c', 24 << 20, i => `${i % 1000},k${Math.floor(rnd() * 40)}`);
  const fresh = await computeStatistics(file, { workers: 2 });
  const pool = new StatsPool(2);
  t.after(() => pool.close());
  const first = await computeStatistics(file, { pool });
  assert.deepEqual(first.statistics, fresh.statistics);

  // Cancelled midway: its scans are dropped (their workers stopped), the pool stays usable.
  const controller = new AbortController();
  await assert.rejects(computeStatistics(file, { pool, signal: controller.signal, onProgress: bytes => bytes > 4 << 20 && controller.abort() }), { name: 'CancelledError' });
  const again = await computeStatistics(file, { pool });
  assert.deepEqual(again.statistics, fresh.statistics);
});

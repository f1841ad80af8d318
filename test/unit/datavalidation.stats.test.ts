// Per-feature statistics of small CSVs, checked against values worked out by hand (sums,
// deviations, sorted orders and bucket edges written in the comments).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { computeStatistics, type ComputeStatisticsOptions } from '../../server/datavalidation/computeStatistics';
import type { FeatureNameStatistics, Histogram } from '../../server/datavalidation/statisticsProto';
import { tempDir, write } from './helpers';

/** Statistics of a CSV given as rows of cells (joined with commas, one row a line). */
async function stats(t: { after: (fn: () => void) => void }, rows: string[], options?: ComputeStatisticsOptions) {
  const file = write(tempDir(t as never), 'data.csv', rows.join('\n') + '\n');
  return computeStatistics(file, options);
}

function feature(list: FeatureNameStatistics[] | undefined, name: string): FeatureNameStatistics {
  const f = list?.find(x => x.path?.step[0] === name);
  assert.ok(f, `feature ${name}`);
  return f;
}

function histogram(f: FeatureNameStatistics, type: 'STANDARD' | 'QUANTILES'): Histogram {
  const h = f.numStats?.histograms?.find(x => (x.type ?? 'STANDARD') === type);
  assert.ok(h, `${type} histogram`);
  return h;
}

function near(actual: unknown, expected: number, what: string) {
  assert.equal(typeof actual, 'number', what);
  assert.ok(Math.abs((actual as number) - expected) <= 1e-9 * Math.max(1, Math.abs(expected)), `${what}: ${actual} vs ${expected}`);
}

test('an INT column: mean, population std_dev, zeros, median, both histograms', async t => {
  // n: 0 0 1 2 3 5 8 13 21 47 (sum 100, mean 10); m has one value missing.
  const n = [0, 0, 1, 2, 3, 5, 8, 13, 21, 47];
  const { statistics } = await stats(t, ['n,m', ...n.map((v, i) => `${v},${i === 3 ? '' : i}`)]);
  const ds = statistics.datasets[0];
  assert.equal(ds.numExamples, '10');
  const f = feature(ds.features, 'n');
  assert.equal(f.type, 'INT');
  const s = f.numStats!;
  assert.deepEqual(s.commonStats, {
    numNonMissing: '10', numMissing: '0', minNumValues: '1', maxNumValues: '1', avgNumValues: 1, totNumValues: '10',
    numValuesHistogram: { type: 'QUANTILES', buckets: Array(10).fill({ lowValue: 1, highValue: 1, sampleCount: 1 }) },
  });
  assert.equal(s.mean, 10);
  // Deviations -10 -10 -9 -8 -7 -5 -2 3 11 37; squares sum to 1922; population variance 192.2.
  near(s.stdDev, Math.sqrt(192.2), 'stdDev');
  assert.equal(s.numZeros, '2');
  assert.equal(s.min, 0);
  assert.equal(s.max, 47);
  // Ten values: the median is the mean of the 5th and 6th (3 and 5).
  assert.equal(s.median, 4);

  // Width 4.7: [0,4.7) holds 0 0 1 2 3; [4.7,9.4) 5 8; [9.4,14.1) 13; [18.8,23.5) 21; the last, 47.
  const standard = histogram(f, 'STANDARD');
  assert.deepEqual(standard.buckets!.map(b => b.sampleCount), [5, 2, 1, 0, 1, 0, 0, 0, 0, 1]);
  standard.buckets!.forEach((b, i) => {
    near(b.lowValue, i * 4.7, `low ${i}`);
    near(b.highValue, (i + 1) * 4.7, `high ${i}`);
  });
  // Deciles: at rank i (of 10) the mean of the i-th and (i+1)-th values; the ends are min and max.
  const quantiles = histogram(f, 'QUANTILES');
  const bounds = [0, 0, 0.5, 1.5, 2.5, 4, 6.5, 10.5, 17, 34, 47];
  assert.deepEqual(quantiles.buckets, bounds.slice(0, 10).map((low, i) => ({ lowValue: low, highValue: bounds[i + 1], sampleCount: 1 })));
  assert.equal(quantiles.numNan, undefined);

  const m = feature(ds.features, 'm').numStats!;
  assert.equal(m.commonStats!.numNonMissing, '9');
  assert.equal(m.commonStats!.numMissing, '1');
  assert.equal(m.commonStats!.totNumValues, '9');
  // 0 1 2 4 5 6 7 8 9: sum 42.
  near(m.mean, 42 / 9, 'mean of m');
  assert.equal(m.median, 5);
});

test('a FLOAT column with missing values, NaN, -0, spaces and underscores', async t => {
  // Parsed: 2.5 -1.5 (missing) 0 NaN 1000 4 1000.5 NaN -0.
  // In a one-column file an empty line is a blank line (skipped): "" is the missing value.
  const { statistics } = await stats(t, ['f', '2.5', '-1.5', '""', '0', 'nan', '1e3', '" 4 "', '1_000.5', 'NaN', '-0.0']);
  const x = feature(statistics.datasets[0].features, 'f');
  assert.equal(x.type, 'FLOAT');
  const s = x.numStats!;
  assert.equal(s.commonStats!.numNonMissing, '9');
  assert.equal(s.commonStats!.numMissing, '1');
  // Without the NaNs: 7 values summing to 2005.5, mean 286.5; squared deviations sum to 1426449.
  assert.equal(s.mean, 286.5);
  near(s.stdDev, Math.sqrt(1426449 / 7), 'stdDev');
  assert.equal(s.numZeros, '2');
  assert.equal(s.min, -1.5);
  assert.equal(s.max, 1000.5);
  // Sorted -1.5 -0 0 2.5 4 1000 1000.5: the 4th of 7.
  assert.equal(s.median, 2.5);
  assert.equal(histogram(x, 'STANDARD').numNan, '2');
  assert.equal(histogram(x, 'QUANTILES').numNan, '2');
  // Width 100.2: everything but the two values near 1000 is in the first bucket.
  assert.deepEqual(histogram(x, 'STANDARD').buckets!.map(b => b.sampleCount), [5, 0, 0, 0, 0, 0, 0, 0, 0, 2]);
});

test('infinities: min, max and histogram ends say so; NaN-only columns give NaN counts only', async t => {
  const { statistics } = await stats(t, ['g,h', '1,nan', 'inf,NAN', '-Infinity,', '2,nan', '3,-nan']);
  const g = feature(statistics.datasets[0].features, 'g');
  assert.equal(g.type, 'FLOAT');
  const s = g.numStats!;
  assert.equal(s.min, '-Infinity');
  assert.equal(s.max, 'Infinity');
  // +inf and -inf together: the mean is undefined, as in TFDV's sum-based mean.
  assert.equal(s.mean, 'NaN');
  assert.equal(s.median, 2);
  // Equal widths over the finite 1..3 (0.2 each); -inf counts in the first, +inf in the last.
  const b = histogram(g, 'STANDARD').buckets!;
  assert.deepEqual(b.map(x => x.sampleCount), [2, 0, 0, 0, 0, 1, 0, 0, 0, 2]);
  assert.equal(b[0].lowValue, '-Infinity');
  assert.equal(b[9].highValue, 'Infinity');
  near(b[5].lowValue, 2, 'bucket 5 low');

  const h = feature(statistics.datasets[0].features, 'h');
  assert.equal(h.type, 'FLOAT');
  assert.deepEqual(h.numStats, {
    commonStats: h.numStats!.commonStats,
    histograms: [{ numNan: '4', type: 'STANDARD' }, { numNan: '4', type: 'QUANTILES' }],
  });
  assert.equal(h.numStats!.commonStats!.numNonMissing, '4');
});

test('types are inferred as TFDV\'s CSV decoder does (Python int() and float() on the bytes)', async t => {
  const columns: [string, string, string, string][] = [
    // name, first value, second value, expected type
    ['int_spaces_sign', '" 7 "', '+3', 'INT'],
    ['int_underscores', '1_000', '-0', 'INT'],
    ['int64_ends', '9223372036854775807', '-9223372036854775808', 'INT'],
    ['past_int64', '9223372036854775808', '1', 'STRING'],
    ['int_and_float', '1', '2.5', 'FLOAT'],
    ['dots', '.5', '5.', 'FLOAT'],
    ['specials', 'nan', 'Infinity', 'FLOAT'],
    ['exponents', '1e3', '-1E-2', 'FLOAT'],
    ['float_underscores', '1_0.5', '-inf', 'FLOAT'],
    ['double_underscore', '1__0', '1', 'STRING'],
    ['hex', '0x10', '1', 'STRING'],
    ['bad_exponent', '1.5e', '1', 'STRING'],
    ['words', 'true', 'false', 'STRING'],
    ['space_only', '', '" "', 'STRING'],
    ['nothing', '', '', 'STRING'],
  ];
  const { statistics } = await stats(t, [columns.map(c => c[0]).join(','), columns.map(c => c[1]).join(','), columns.map(c => c[2]).join(',')]);
  const features = statistics.datasets[0].features!;
  assert.deepEqual(features.map(f => [f.path!.step[0], f.type]), columns.map(c => [c[0], c[3]]));
  const ends = feature(features, 'int64_ends').numStats!;
  assert.equal(ends.min, -(2 ** 63));
  assert.equal(ends.max, 2 ** 63);
  assert.equal(feature(features, 'int_underscores').numStats!.max, 1000);
  assert.equal(feature(features, 'float_underscores').numStats!.max, 10.5);
  assert.equal(feature(features, 'exponents').numStats!.min, -0.01);
  assert.deepEqual(feature(features, 'nothing').stringStats, { commonStats: { numNonMissing: '0', numMissing: '2', totNumValues: '0' } });
  assert.equal(feature(features, 'space_only').stringStats!.commonStats!.numNonMissing, '1');
});

test('a STRING column: unique, top values (ties: greater value first, as TFDV), avg_length in bytes, rank histogram', async t => {
  // red ×4 (one quoted), blue ×3, then once each: green, é (2 bytes), "a,b"; one missing.
  const s = ['red', 'blue', 'red', '"red"', 'green', 'blue', '"blue"', 'é', '""', 'red', '"a,b"'];
  const { statistics } = await stats(t, ['s', ...s]);
  const f = feature(statistics.datasets[0].features, 's');
  assert.equal(f.type, 'STRING');
  const st = f.stringStats!;
  assert.equal(st.commonStats!.numNonMissing, '10');
  assert.equal(st.commonStats!.numMissing, '1');
  assert.equal(st.unique, '5');
  const order: [string, number][] = [['red', 4], ['blue', 3], ['é', 1], ['green', 1], ['a,b', 1]];
  assert.deepEqual(st.topValues, order.map(([value, frequency]) => ({ value, frequency })));
  // Bytes: 4×3 + 3×4 + 2 + 5 + 3 = 34 over 10 values.
  assert.equal(st.avgLength, 3.4);
  assert.deepEqual(st.rankHistogram, {
    buckets: order.map(([label, sampleCount], rank) => ({ lowRank: String(rank), highRank: String(rank), label, sampleCount })),
  });

  const small = await stats(t, ['s', ...s], { output: { topValues: 2, rankHistogramBuckets: 3 } });
  const st2 = feature(small.statistics.datasets[0].features, 's').stringStats!;
  assert.deepEqual(st2.topValues, [{ value: 'red', frequency: 4 }, { value: 'blue', frequency: 3 }]);
  assert.deepEqual(st2.rankHistogram!.buckets!.map(b => b.label), ['red', 'blue', 'é']);
});

test('a column whose numbers come before its first word is STRING, counting every value as text', async t => {
  const { statistics } = await stats(t, ['mixed,n', '1,1', '2,2', '1,3', 'x,4', '2.0,5']);
  const f = feature(statistics.datasets[0].features, 'mixed');
  assert.equal(f.type, 'STRING');
  assert.equal(f.numStats, undefined);
  assert.equal(f.stringStats!.unique, '4');
  assert.deepEqual(f.stringStats!.topValues, [{ value: '1', frequency: 2 }, { value: 'x', frequency: 1 }, { value: '2.0', frequency: 1 }, { value: '2', frequency: 1 }]);
  assert.equal(f.stringStats!.avgLength, 7 / 5);
  assert.equal(feature(statistics.datasets[0].features, 'n').type, 'INT');
});

test('the output is proto3 JSON: lowerCamelCase names, 64-bit counts as strings, enums by name', async t => {
  const { statistics } = await stats(t, ['id,score,tag', '1,0.5,a', '2,nan,b', '3,1.5,'], { name: 'train' });
  const json = JSON.stringify(statistics);
  assert.deepEqual(JSON.parse(json), statistics);
  const ds = statistics.datasets[0];
  assert.equal(ds.name, 'train');
  assert.equal(ds.numExamples, '3');
  const int64Fields = new Set(['numExamples', 'numNonMissing', 'numMissing', 'minNumValues', 'maxNumValues', 'totNumValues', 'unique', 'numZeros', 'numNan', 'lowRank', 'highRank']);
  const walk = (v: unknown, key: string): void => {
    if (int64Fields.has(key)) assert.match(v as string, /^\d+$/, key);
    if (Array.isArray(v)) v.forEach(x => walk(x, key));
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        assert.match(k, /^[a-z][A-Za-z]*$/, `field name ${k}`);
        walk(x, k);
      }
    } else if (typeof v === 'number') assert.ok(Number.isFinite(v), key);
  };
  walk(statistics, '');
  assert.deepEqual(ds.features!.map(f => [f.path, f.type]), [[{ step: ['id'] }, 'INT'], [{ step: ['score'] }, 'FLOAT'], [{ step: ['tag'] }, 'STRING']]);
  assert.deepEqual(feature(ds.features, 'score').numStats!.histograms!.map(h => h.type), ['STANDARD', 'QUANTILES']);
  // The default name is the file's.
  const unnamed = await stats(t, ['a', '1']);
  assert.equal(unnamed.statistics.datasets[0].name, 'data.csv');
});

test('past the distinct-value cap, counts become approximate and the output says so', async t => {
  // 1000 distinct values once each, and "hot" 300 times; exact counting capped at 100.
  const rows = ['v,n'];
  for (let i = 0; i < 1000; i++) rows.push(`value-${i},${i}`);
  for (let i = 0; i < 300; i++) rows.push(`hot,${i}`);
  const { statistics } = await stats(t, rows, { limits: { distinctCap: 100, sketchK: 64 } });
  const v = feature(statistics.datasets[0].features, 'v');
  const unique = Number(v.stringStats!.unique);
  assert.ok(Math.abs(unique - 1001) <= 20, `unique ${unique} is about 1001`);
  const [top] = v.stringStats!.topValues!;
  assert.equal(top.value, 'hot');
  // A lower bound, short by at most the error the note states.
  const note = v.customStats!.find(c => c.name === 'mlw_counts_approximate')!;
  const error = Number(/short by at most (\d+)/.exec(note.str!)![1]);
  assert.ok((top.frequency as number) <= 300 && (top.frequency as number) >= 300 - error, `hot: ${top.frequency}, error ${error}`);
  assert.equal(v.stringStats!.avgLength, (10 * 7 + 90 * 8 + 900 * 9 + 300 * 3) / 1300);

  const n = feature(statistics.datasets[0].features, 'n');
  assert.ok(n.customStats?.some(c => c.name === 'mlw_quantiles_approximate'));
  // Ranks within the stated error: half of 1300 values (0…999 and 0…299) lie below about 350.
  const median = n.numStats!.median as number;
  const below = (x: number) => Math.min(x, 1000) + Math.min(x, 300);
  assert.ok(Math.abs(below(median) / 1300 - 0.5) <= 0.1, `median ${median}`);
  // Exact while small: no notes.
  const exact = await stats(t, ['v,n', 'a,1', 'b,2']);
  assert.ok(exact.statistics.datasets[0].features!.every(f => f.customStats === undefined));
});

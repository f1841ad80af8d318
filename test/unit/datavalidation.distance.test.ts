// Distances of skew and drift detection, checked against TFDV's own test values
// (tensorflow_data_validation/anomalies/metrics_test.cc) hand computations and SciPy.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  alignHistograms, histogramBuckets, jensenShannonDivergenceCounts, jensenShannonDivergenceFeatures, jensenShannonDivergenceHistograms,
  lInfinityDistance, lInfinityDistanceCounts, lInfinityNorm, sixDigits, vectorDifference, DistanceError,
} from '../../server/datavalidation/distance';
import type { FeatureNameStatistics, Histogram } from '../../server/datavalidation/statisticsProto';

const near = (a: number, b: number, eps = 1e-5) => assert.ok(Math.abs(a - b) < eps, `${a} not near ${b}`);

function tokens(counts: Record<string, number>): FeatureNameStatistics {
  return {
    name: 'bar', type: 'STRING',
    stringStats: {
      commonStats: { maxNumValues: '1' }, unique: String(Object.keys(counts).length),
      rankHistogram: { buckets: Object.entries(counts).map(([label, sampleCount]) => ({ label, sampleCount })) },
    },
  };
}

function hist(buckets: [number, number, number][], numNan = 0, type: 'STANDARD' | 'QUANTILES' = 'STANDARD'): Histogram {
  return { ...(numNan ? { numNan: String(numNan) } : {}), buckets: buckets.map(([lowValue, highValue, sampleCount]) => ({ lowValue, highValue, sampleCount })), type };
}
const numeric = (h: Histogram): FeatureNameStatistics => ({ name: 'float', type: 'FLOAT', numStats: { commonStats: {}, histograms: [h] } });

test('L-infinity norm of a vector: [2,3,4] - [-4,-7,8] has norm 10', () => {
  assert.deepEqual(vectorDifference([2, 3, 4], [-4, -7, 8]), [6, 10, -4]);
  assert.equal(lInfinityNorm(vectorDifference([2, 3, 4], [-4, -7, 8])), 10);
  assert.equal(lInfinityNorm([]), 0);
});

test("L-infinity distance: TFDV's LInftyDistanceTest cases", () => {
  const cases: [Record<string, number>, Record<string, number>, number][] = [
    [{}, {}, 0],
    [{ hello: 0.1, world: 0.9 }, { hello: 0.3, world: 0.7 }, 0.2],
    [{ b: 0.9, c: 0.1 }, { a: 0.3, b: 0.7 }, 0.3],
    [{ a: 0.3, b: 0.7 }, { b: 0.9, c: 0.1 }, 0.3],
  ];
  for (const [a, b, want] of cases) near(lInfinityDistance(tokens(a), tokens(b)).distance, want);
});

test('L-infinity distance names the value with the largest difference (last of equals, in code-point order)', () => {
  assert.deepEqual(lInfinityDistanceCounts(new Map([['a', 3], ['b', 1]]), new Map([['a', 1], ['b', 1]])), { value: 'b', distance: 0.25 });
  const r = lInfinityDistanceCounts(new Map([['x', 1]]), new Map([['y', 1]]));
  assert.deepEqual(r, { value: 'y', distance: 1 });
});

test('L-infinity distance of numeric features without values is 0, as in TFDV', () => {
  assert.equal(lInfinityDistance(numeric(hist([[0, 1, 5]])), numeric(hist([[5, 6, 5]]))).distance, 0);
});

test("JSD of histograms with different bucket boundaries: TFDV's 0.65563906222", () => {
  const h1 = hist([[1, 2, 2], [2, 3, 2]]);
  const h2 = hist([[2, 4, 2], [4, 6, 2]]);
  const [c1, c2] = alignHistograms(histogramBuckets(h1), histogramBuckets(h2));
  // Rebucketed onto 1, 2, 3, 4, 6 as TFDV's test comments show.
  assert.deepEqual(c1, [2, 2, 0, 0]);
  assert.deepEqual(c2, [0, 1, 1, 2]);
  near(jensenShannonDivergenceHistograms(h1, h2), 0.65563906222);
  near(jensenShannonDivergenceFeatures(numeric(h1), numeric(h2)), 0.65563906222);
  // Symmetric.
  near(jensenShannonDivergenceHistograms(h2, h1), 0.65563906222);
});

test("JSD of histograms: TFDV's other cases", () => {
  const same = hist([[1, 2.3333333, 2.9866667], [2.3333333, 3.6666667, 1.0066667], [3.6666667, 5, 2.0066667]], 1);
  near(jensenShannonDivergenceHistograms(same, same), 0);
  near(jensenShannonDivergenceHistograms(hist([[0, 1, 2], [1, 2, 2]]), hist([[3, 4, 2], [4, 6, 2]])), 1);
  near(jensenShannonDivergenceHistograms(hist([[1, 1, 4]]), hist([[2, 4, 2], [4, 6, 2]])), 1);
  near(jensenShannonDivergenceHistograms(hist([[1, 1, 4]]), hist([[2, 2, 4]])), 1);
  near(jensenShannonDivergenceHistograms(hist([[10, 10, 21]]), hist([[0, 4, 150], [4, 12, 200], [12, 20, 20]])), 1);
  near(jensenShannonDivergenceHistograms(hist([[1, 2, 3]], 1), hist([[1, 2, 4]])), 0.13792538096);
});

test('JSD of histograms: errors as in TFDV', () => {
  assert.throws(() => jensenShannonDivergenceHistograms({ buckets: [] }, hist([[0, 4, 10]])), DistanceError);
  assert.throws(() => jensenShannonDivergenceHistograms(hist([[0, 4, 10]]), hist([[0, 4, 0]])), DistanceError);
  const q = hist([[1, 2, 3]], 0, 'QUANTILES');
  // DEFAULT selects the STANDARD histogram, which a quantiles-only feature lacks.
  assert.throws(() => jensenShannonDivergenceFeatures(numeric(q), numeric(q)), DistanceError);
  near(jensenShannonDivergenceFeatures(numeric(q), numeric(q), 'QUANTILES'), 0);
});

test('JSD of histograms: infinite buckets mismatch, point buckets align', () => {
  // Each histogram's infinite mass is a bucket the other has empty.
  near(jensenShannonDivergenceHistograms(hist([[-Infinity, 0, 1]]), hist([[-Infinity, 0, 1]])), 1);
  near(jensenShannonDivergenceHistograms(hist([[3, 3, 2], [0, 1, 2]]), hist([[3, 3, 2], [0, 1, 2]])), 0);
});

test('JSD of value counts: categorical features', () => {
  // P = (1/2, 1/2, 0), Q = (0, 1/2, 1/2): M = (1/4, 1/2, 1/4); KL(P‖M) = KL(Q‖M) = 1/2.
  near(jensenShannonDivergenceCounts(new Map([['a', 1], ['b', 1]]), new Map([['b', 1], ['c', 1]])), 0.5);
  // P = (0.1, 0.9), Q = (0.3, 0.7), worked out by hand with log2.
  const p = [0.1, 0.9];
  const q = [0.3, 0.7];
  const m = p.map((x, i) => (x + q[i]) / 2);
  const want = (p.reduce((s, x, i) => s + x * Math.log2(x / m[i]), 0) + q.reduce((s, x, i) => s + x * Math.log2(x / m[i]), 0)) / 2;
  near(jensenShannonDivergenceFeatures(tokens({ hello: 0.1, world: 0.9 }), tokens({ hello: 0.3, world: 0.7 })), want);
  near(jensenShannonDivergenceCounts(new Map([['a', 5]]), new Map([['b', 5]])), 1);
  near(jensenShannonDivergenceCounts(new Map([['a', 5], ['b', 3]]), new Map([['a', 10], ['b', 6]])), 0);
  assert.throws(() => jensenShannonDivergenceCounts(new Map(), new Map([['a', 1]])), DistanceError);
  assert.throws(() => jensenShannonDivergenceCounts(new Map([['a', 0]]), new Map([['a', 1]])), DistanceError);
  // One categorical, one numeric.
  assert.throws(() => jensenShannonDivergenceFeatures(tokens({ a: 1 }), numeric(hist([[0, 1, 1]]))), /both numeric or both string/);
});

test('sixDigits prints as absl::SixDigits (%.6g)', () => {
  assert.equal(sixDigits(0.2), '0.2');
  assert.equal(sixDigits(0.25), '0.25');
  assert.equal(sixDigits(1), '1');
  assert.equal(sixDigits(0.65563906222), '0.655639');
  assert.equal(sixDigits(1234567), '1.23457e+06');
  assert.equal(sixDigits(0.00001), '1e-05');
  assert.equal(sixDigits(100000), '100000');
  assert.equal(sixDigits(0.1 + 0.2), '0.3');
});

test('categorical JSD equals SciPy (jensenshannon(p, q, base=2) squared) on random value counts', () => {
  // SciPy is an independent implementation of the same formula; the counts overlap only partly so
  // values present on one side only are exercised, as TFDV's union of values does.
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const cases = Array.from({ length: 20 }, () => {
    const side = (offset: number) => Object.fromEntries(
      Array.from({ length: 1 + Math.floor(rand() * 8) }, (_, i) => [`v${i + offset}`, 1 + Math.floor(rand() * 50)]));
    return [side(0), side(Math.floor(rand() * 5))];
  });
  const script = [
    'import json, sys', 'from scipy.spatial.distance import jensenshannon',
    'out = []',
    'for a, b in json.load(sys.stdin):',
    '    keys = sorted(set(a) | set(b))',
    '    out.append(float(jensenshannon([a.get(k, 0) for k in keys], [b.get(k, 0) for k in keys], base=2) ** 2))',
    'print(json.dumps(out))',
  ].join('\n');
  const py = spawnSync('python3', ['-c', script], { input: JSON.stringify(cases), encoding: 'utf8' });
  assert.equal(py.status, 0, `python3 with scipy is needed (Debian: python3-scipy): ${py.stderr}`);
  const want: number[] = JSON.parse(py.stdout);
  cases.forEach(([a, b], i) => near(jensenShannonDivergenceCounts(new Map(Object.entries(a)), new Map(Object.entries(b))), want[i], 1e-9));
  assert.ok(want.some(v => v > 0.05 && v < 0.95), 'the cases cover intermediate divergences');
});

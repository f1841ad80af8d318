#!/usr/bin/env node
// Writes the demo workspace's data validation and model files with the built CLI (run
// `npm run build` first), so that `npm start` has something for every view:
//
//   dataset-v1/schema.pbtxt, dataset-v2/schema.pbtxt   inferred from dataset-v1/train.csv
//   serving/requests.csv (+ the same schema.pbtxt)     serving data with problems to find
//   sensors/readings.csv                               600 rows of 6 correlated sensor values
//   sensors/autoencoder.train.json                     an autoencoder (6 → 3 → 6) on them
//   mlruns/                                            its training run (MLflow's file store)
//   sensors/autoencoder.onnx                           the trained model exported to ONNX
//
//   node scripts/make-demo-ml.mjs
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const demo = join(root, 'demo', 'workspace');
const mlw = (...args) => execFileSync(process.execPath, [join(root, 'dist', 'cli.js'), ...args], { cwd: demo, stdio: ['ignore', 'pipe', 'inherit'] }).toString();

// A schema for the churn data, beside both versions (so their Merkle diff still finds it equal).
// Domains only for low-cardinality strings (contract, internet_service), not the 52 customer ids.
mlw('schema', 'infer', 'dataset-v1/train.csv', '-o', 'dataset-v1/schema.pbtxt', '--force', '--max-domain-size', '20');
cpSync(join(demo, 'dataset-v1', 'schema.pbtxt'), join(demo, 'dataset-v2', 'schema.pbtxt'));

// A day of serving requests with the problems inline diagnostics are for: a contract value the
// schema does not know, a missing required value and a row with a field too few.
const [header, ...evalRows] = readFileSync(join(demo, 'dataset-v2', 'eval.csv'), 'utf8').trim().split('\n');
const requests = evalRows.slice(0, 30).map(r => r.split(',').slice(0, -1));
requests[4][4] = 'three-year';
requests[11][5] = '';
requests[17].pop();
requests[23][4] = 'three-year';
mkdirSync(join(demo, 'serving'), { recursive: true });
writeFileSync(join(demo, 'serving', 'requests.csv'), `${header.split(',').slice(0, -1).join(',')}\n${requests.map(r => r.join(',')).join('\n')}\n`);
cpSync(join(demo, 'dataset-v1', 'schema.pbtxt'), join(demo, 'serving', 'schema.pbtxt'));

// Sensor readings driven by two hidden factors plus noise: an autoencoder with a 3-unit
// bottleneck reconstructs them well, and rows that break the correlation stand out.
let seed = 20261125;
const random = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32);
const gauss = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const columns = ['temperature', 'pressure', 'vibration', 'current', 'flow', 'humidity'];
const rows = Array.from({ length: 600 }, () => {
  const load = gauss();
  const ambient = gauss();
  const values = [0.8 * load + 0.3 * ambient, 0.6 * load, 0.9 * load - 0.2 * ambient, 0.7 * load, -0.5 * load + 0.4 * ambient, 0.9 * ambient];
  return values.map(v => (v + 0.05 * gauss()).toFixed(4)).join(',');
});
mkdirSync(join(demo, 'sensors'), { recursive: true });
writeFileSync(join(demo, 'sensors', 'readings.csv'), `${columns.join(',')}\n${rows.join('\n')}\n`);
writeFileSync(join(demo, 'sensors', 'autoencoder.train.json'), `${JSON.stringify({
  name: 'sensor-autoencoder',
  model: { layers: [
    { type: 'Dense', units: 3, activation: 'tanh' },
    { type: 'Dense', units: 6, activation: 'linear' },
  ] },
  data: { csv: 'readings.csv', autoencoder: true },
  epochs: 40, batchSize: 32, validationSplit: 0.2, seed: 7,
  optimizer: { type: 'adam', learningRate: 0.01 },
  loss: 'meanSquaredError',
  earlyStopping: { monitor: 'val_loss', patience: 5, restoreBestWeights: true },
}, null, 2)}\n`);

// Train it as a run in demo/workspace/mlruns, then export the trained model to ONNX.
rmSync(join(demo, 'mlruns'), { recursive: true, force: true });
const trained = JSON.parse(mlw('train', 'sensors/autoencoder.train.json', '--tracking-uri', 'mlruns', '--json'));
const experiment = readdirSync(join(demo, 'mlruns')).find(d => readdirSync(join(demo, 'mlruns', d)).includes(trained.runId));
const modelDir = join('mlruns', experiment, trained.runId, 'artifacts', 'model');
rmSync(join(demo, 'sensors', 'autoencoder.onnx'), { force: true });
mlw('onnx', 'export', modelDir, '-o', 'sensors/autoencoder.onnx');
console.log(`demo: schema.pbtxt ×2, sensors/ (run ${trained.runId}, autoencoder.onnx)`);

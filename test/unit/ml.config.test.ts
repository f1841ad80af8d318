// Training configurations (server/ml/config.ts) and CSV training data (data.ts): defaults, both
// spellings of Keras' options, and every bad input an error naming the file, the field, and
// where it is (line and column).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { loadTrainConfig, parseTrainConfig } from '../../server/ml/config';
import { loadCsvDataset } from '../../server/ml/data';
import { tempDir } from './helpers';

const FILE = '/work/lstm.train.json';
const GOOD = {
  model: { layers: [{ type: 'LSTM', units: 16, return_sequences: true, inputShape: [10, 1] }, { type: 'Flatten' }, { type: 'Dense', units: 3, activation: 'softmax' }] },
  data: { csv: 'data/train.csv', target: 'label' },
  loss: 'categorical_crossentropy',
  metrics: ['accuracy'],
};

/** The UserError parsing `text` throws. */
function failure(text: string): UserError {
  try {
    parseTrainConfig(text, FILE);
  } catch (err) {
    assert.ok(err instanceof UserError, `expected a UserError, got ${err}`);
    assert.equal(err.file, FILE);
    return err;
  }
  assert.fail('expected an error');
}

test('a configuration gets Keras defaults; snake_case options and aliases are read as tfjs spells them', () => {
  const c = parseTrainConfig(JSON.stringify(GOOD), FILE);
  assert.equal(c.loss, 'categoricalCrossentropy');
  assert.deepEqual(c.metrics, ['accuracy']);
  assert.deepEqual(c.model.layers[0], { type: 'LSTM', units: 16, returnSequences: true, inputShape: [10, 1] });
  assert.equal(c.data.csv, '/work/data/train.csv');
  assert.deepEqual({ epochs: c.epochs, batchSize: c.batchSize, validationSplit: c.validationSplit, shuffle: c.shuffle, optimizer: c.optimizer }, { epochs: 10, batchSize: 32, validationSplit: 0, shuffle: true, optimizer: { type: 'adam' } });
  assert.equal(c.name, 'lstm');
  assert.equal(c.experiment, 'Default');
  assert.equal(c.backend, 'auto');
  const es = parseTrainConfig(JSON.stringify({ ...GOOD, validationSplit: 0.2, earlyStopping: { patience: 3, restore_best_weights: true }, optimizer: { type: 'SGD', learning_rate: 0.1 } }), FILE);
  assert.deepEqual(es.earlyStopping, { monitor: 'val_loss', patience: 3, minDelta: 0, mode: 'auto', baseline: undefined, restoreBestWeights: true, startFromEpoch: 0 });
  assert.deepEqual(es.optimizer, { type: 'sgd', learningRate: 0.1 });
  assert.equal(parseTrainConfig(JSON.stringify({ ...GOOD, loss: 'mse' }), FILE).loss, 'meanSquaredError');
});

test('bad fields are errors naming the field, its line and column', () => {
  const text = JSON.stringify({ ...GOOD, model: { layers: [GOOD.model.layers[0], { type: 'Dense', units: 'ten' }] } }, null, 2);
  let e = failure(text);
  assert.equal(e.message, 'model.layers[1].units: expected a positive integer, got "ten"');
  const lines = text.split('\n');
  const line = lines.findIndex(l => l.includes('"ten"')) + 1;
  assert.equal(e.line, line);
  assert.equal(e.column, lines[line - 1].indexOf('"units"') + 1);

  e = failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'Conv9D', units: 2 }] } }));
  assert.match(e.message, /^model\.layers\[0\]\.type: expected a layer type: one of Dense, LSTM, GRU, .*, got "Conv9D"$/);
  e = failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'LSTM', unitz: 2 }] } }));
  assert.match(e.message, /^model\.layers\[0\]\.unitz: unknown field \(expected units, activation, /);
  e = failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'Dense' }] } }));
  assert.equal(e.message, 'model.layers[0]: Dense needs "units"');
  e = failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'Dropout', rate: 1.5 }] } }));
  assert.equal(e.message, 'model.layers[0].rate: expected a number from 0 up to (not including) 1, got 1.5');
  e = failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'Dense', units: 2, activation: 'sigmoidish' }] } }));
  assert.match(e.message, /^model\.layers\[0\]\.activation: expected one of elu, gelu, hardSigmoid/);
  const { loss: _loss, ...noLoss } = GOOD;
  assert.match(failure(JSON.stringify(noLoss)).message, /^loss: a loss is needed: one of meanSquaredError/);
  assert.match(failure(JSON.stringify({ ...GOOD, loss: 'crossentropyish' })).message, /^loss: expected one of /);
  assert.equal(failure(JSON.stringify({ ...GOOD, epochs: 0 })).message, 'epochs: expected a positive integer, got 0');
  assert.match(failure(JSON.stringify({ ...GOOD, batch_size: 2.5 })).message, /^batchSize: expected a positive integer, got 2.5/);
  assert.match(failure(JSON.stringify({ ...GOOD, optimiser: 'adam' })).message, /^optimiser: unknown field \(expected model, data, epochs/);
  assert.match(failure(JSON.stringify({ ...GOOD, optimizer: { type: 'adam', momentum: 0.9 } })).message, /^optimizer\.momentum: unknown field \(expected learningRate, beta1, beta2, epsilon\)$/);
  assert.equal(failure(JSON.stringify({ ...GOOD, earlyStopping: { monitor: 'val_loss' } })).message, 'earlyStopping.monitor: "val_loss" needs a validationSplit above 0');
  assert.equal(failure(JSON.stringify({ ...GOOD, validationSplit: 0.1, earlyStopping: { monitor: 'val_auc' } })).message,
    'earlyStopping.monitor: "val_auc" is not logged; expected one of loss, val_loss, accuracy, val_accuracy');
  assert.equal(failure(JSON.stringify({ ...GOOD, data: { csv: 'x.csv' } })).message, 'data: name the "target" column (or set "autoencoder": true)');
  assert.equal(failure(JSON.stringify({ ...GOOD, data: { csv: 'x.csv', target: 'y', features: ['a', 'y'] } })).message, 'data.target: the target is also listed as a feature');
  assert.equal(failure(JSON.stringify({ ...GOOD, model: { layers: [{ type: 'GRU', units: 4, resetAfter: true, dropout: 0.2 }] } })).message,
    'model.layers[0]: GRU with resetAfter does not support dropout or recurrentDropout here (use a Dropout layer)');
});

test('invalid JSON is an error with the line and column of the fault; a missing file names it', t => {
  const e = failure('{\n  "epochs": 3,\n  "loss": "mse",\n}\n');
  assert.match(e.message, /^not valid JSON: /);
  assert.equal(e.line, 4);
  assert.equal(e.column, 1);
  const dir = tempDir(t);
  assert.throws(() => loadTrainConfig(path.join(dir, 'nope.train.json')), (err: UserError) => err.file === path.join(dir, 'nope.train.json') && /cannot read the training configuration \(ENOENT\)/.test(err.message));
});

test('CSV training data: features and target by name, classes one-hot or as indices, bad cells with line and column', async t => {
  const dir = tempDir(t);
  const csv = path.join(dir, 'd.csv');
  fs.writeFileSync(csv, 'a,b,label,c\n1,2,cat,3\n4,5,dog,6\n7,8,cat,9\n');
  const oneHot = await loadCsvDataset({ csv, target: 'label' }, 'oneHot');
  assert.deepEqual(oneHot.features, ['a', 'b', 'c']);
  assert.deepEqual(Array.from(oneHot.x.values), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(oneHot.classes, ['cat', 'dog']);
  assert.deepEqual(oneHot.y.shape, [3, 2]);
  assert.deepEqual(Array.from(oneHot.y.values), [1, 0, 0, 1, 1, 0]);
  const sparse = await loadCsvDataset({ csv, target: 'label', features: ['c', 'a'] }, 'index');
  assert.deepEqual(Array.from(sparse.x.values), [3, 1, 6, 4, 9, 7]);
  assert.deepEqual(Array.from(sparse.y.values), [0, 1, 0]);
  const auto = await loadCsvDataset({ csv, features: ['a', 'b'], autoencoder: true }, 'value');
  assert.deepEqual(auto.y, auto.x);
  // Numeric classes sort as numbers: 2 before 10.
  fs.writeFileSync(csv, 'x,y\n1,10\n2,2\n3,10\n');
  assert.deepEqual((await loadCsvDataset({ csv, target: 'y' }, 'index')).classes, ['2', '10']);

  const bad = async (content: string, spec: { target?: string; features?: string[] }, pattern: RegExp, line?: number, column?: number) => {
    fs.writeFileSync(csv, content);
    await assert.rejects(loadCsvDataset({ csv, ...spec }, 'value'), (e: UserError) => {
      assert.ok(e instanceof UserError);
      assert.equal(e.file, csv);
      assert.match(e.message, pattern);
      if (line !== undefined) assert.equal(e.line, line);
      if (column !== undefined) assert.equal(e.column, column);
      return true;
    });
  };
  await bad('a,b,y\n1,2,3\n4,x5,6\n', { target: 'y' }, /^column "b": "x5" is not a number \(features must be numeric\)$/, 3, 3);
  await bad('a,b,y\n1,,3\n', { target: 'y' }, /^column "b": missing value/, 2, 3);
  await bad('a,b,y\n1,2,3\n4,5\n', { target: 'y' }, /expected 3 fields as in the header, found 2/, 3);
  await bad('a,b,y\n1,2,cat\n', { target: 'y' }, /^column "y": "cat" is not a number \(the loss needs numeric targets; use a categorical loss for classes\)$/, 2, 5);
  await bad('a,b,y\n1,2,3\n', { target: 'z' }, /^data\.target: no column "z" in the header \(columns: a, b, y\)$/, 1);
  await bad('a,b,y\n1,2,3\n', { target: 'y', features: ['a', 'q'] }, /^data\.features: no column "q"/, 1);
  await bad('a,b,y\n', { target: 'y' }, /the file has a header but no rows/);
});

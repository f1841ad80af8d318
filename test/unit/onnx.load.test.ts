// Loading ONNX models: valid files decode; truncated, garbage, empty, oversized and missing files
// are UserErrors naming the file; external data is resolved beside the model and read exactly.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { UserError } from '../../server/common/errors';
import {
  PROTOBUF_MAX_BYTES, checkExternalData, decodeOnnxModel, externalDataRef, loadOnnxModel, longToBigInt, longToNumber, longToString,
  readExternalData,
} from '../../server/onnx/load';
import { tempDir } from './helpers';
import { FLOAT, attr, encode, floatTensor, mlpModel, model, node, valueInfo } from './onnx.viewer.models';

function isUserErrorFor(file: string, message: RegExp) {
  return (e: unknown) => {
    assert.ok(e instanceof UserError, `expected a UserError, got ${String(e)}`);
    assert.equal(e.file, file);
    assert.match(e.message, message);
    return true;
  };
}

test('a valid model decodes with its fields and size', async t => {
  const file = path.join(tempDir(t), 'mlp.onnx');
  const bytes = encode(mlpModel());
  fs.writeFileSync(file, bytes);
  const { model: m, sizeBytes } = await loadOnnxModel(file);
  assert.equal(sizeBytes, bytes.length);
  assert.equal(longToNumber(m.irVersion), 8);
  assert.equal(m.producerName, 'mlw-tests');
  assert.deepEqual(m.graph!.node!.map(n => n.opType), ['Gemm', 'Relu', 'Gemm', 'Softmax']);
  assert.deepEqual(m.graph!.initializer!.map(i => i.dims!.map(d => longToNumber(d))), [[4, 3], [3], [3, 2], [2]]);
});

test('a truncated model is "truncated or not an ONNX model", naming the file, wherever it is cut', async t => {
  const dir = tempDir(t);
  const bytes = encode(mlpModel());
  // Cuts inside the graph (a length-delimited field) and in the last message (opset/metadata).
  for (const keep of [10, Math.floor(bytes.length / 2), Math.floor(bytes.length * 0.9), bytes.length - 1]) {
    const file = path.join(dir, `cut${keep}.onnx`);
    fs.writeFileSync(file, bytes.subarray(0, keep));
    await assert.rejects(loadOnnxModel(file), isUserErrorFor(file, /^truncated or not an ONNX model: /));
  }
});

test('garbage, text and empty files are not ONNX models', async t => {
  const dir = tempDir(t);
  let seed = 12345;
  const random = Buffer.from(Array.from({ length: 4096 }, () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
  const cases: [string, Buffer, RegExp][] = [
    ['random.onnx', random, /^truncated or not an ONNX model: /],
    ['text.onnx', Buffer.from('hello world, this is not protobuf\n'), /^truncated or not an ONNX model: /],
    ['zeros.onnx', Buffer.alloc(64), /^truncated or not an ONNX model: /],
    ['empty.onnx', Buffer.alloc(0), /^not an ONNX model: the file is empty/],
    // A valid protobuf message that is not a model (a bare TensorProto).
    ['tensor.onnx', Buffer.from(onnx.TensorProto.encode(floatTensor('w', [2], [1, 2])).finish()), /^truncated or not an ONNX model: /],
  ];
  for (const [name, content, message] of cases) {
    const file = path.join(dir, name);
    fs.writeFileSync(file, content);
    await assert.rejects(loadOnnxModel(file), isUserErrorFor(file, message), name);
    assert.throws(() => decodeOnnxModel(content, file), isUserErrorFor(file, message), name);
  }
});

test('a missing file and a folder are UserErrors naming them', async t => {
  const dir = tempDir(t);
  const missing = path.join(dir, 'nope.onnx');
  await assert.rejects(loadOnnxModel(missing), isUserErrorFor(missing, /file not found/));
  await assert.rejects(loadOnnxModel(dir), isUserErrorFor(dir, /not a file/));
});

test('a model above 2 GB is refused from its size, without reading it', async t => {
  const file = path.join(tempDir(t), 'huge.onnx');
  // A sparse file of 2 GiB: no disk blocks, but stat reports the size.
  fs.writeFileSync(file, '');
  fs.truncateSync(file, PROTOBUF_MAX_BYTES + 1);
  const started = process.memoryUsage().rss;
  await assert.rejects(loadOnnxModel(file), isUserErrorFor(file, /2\.00 GiB, above protobuf's 2 GB limit .*external data/));
  // Had it been read, the process would have grown by 2 GiB.
  assert.ok(process.memoryUsage().rss - started < 512 * 1024 * 1024);

  // The same check at an injected limit, on a real small model.
  const small = path.join(path.dirname(file), 'small.onnx');
  fs.writeFileSync(small, encode(mlpModel()));
  await assert.rejects(loadOnnxModel(small, { maxBytes: 100 }), isUserErrorFor(small, /above protobuf's 2 GB limit/));
});

/** A model whose two initializers live in weights/data.bin at offsets 0 and 64. */
function externalModel(location = 'weights/data.bin', secondLength = 16): onnx.IModelProto {
  const ext = (name: string, offset: number, length: number): onnx.ITensorProto => ({
    name, dims: [length / 4], dataType: FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: location }, { key: 'offset', value: String(offset) }, { key: 'length', value: String(length) }],
  });
  return model({
    name: 'ext',
    input: [valueInfo('X', FLOAT, [4])],
    output: [valueInfo('Y', FLOAT, [4])],
    initializer: [ext('A', 0, 16), ext('B', 64, secondLength)],
    node: [node('Add', ['X', 'A'], ['T']), node('Mul', ['T', 'B'], ['Y'])],
  });
}

test('external data is resolved beside the model and read at its offset and length', async t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'ext.onnx');
  fs.writeFileSync(file, encode(externalModel()));
  const data = Buffer.alloc(80);
  Buffer.from(new Float32Array([1, 2, 3, 4]).buffer).copy(data, 0);
  Buffer.from(new Float32Array([-1, -2, -3, -4]).buffer).copy(data, 64);
  fs.mkdirSync(path.join(dir, 'weights'));
  fs.writeFileSync(path.join(dir, 'weights', 'data.bin'), data);

  const { model: m } = await loadOnnxModel(file);
  const [a, b] = m.graph!.initializer!;
  assert.deepEqual(externalDataRef(a, file), { location: 'weights/data.bin', file: path.join(dir, 'weights', 'data.bin'), offset: 0, length: 16 });
  const bytesA = await readExternalData(a, file);
  const bytesB = await readExternalData(b, file);
  assert.deepEqual(Array.from(new Float32Array(bytesA.buffer, bytesA.byteOffset, 4)), [1, 2, 3, 4]);
  assert.deepEqual(Array.from(new Float32Array(bytesB.buffer, bytesB.byteOffset, 4)), [-1, -2, -3, -4]);
});

test('a missing external data file is a UserError naming the data file and the tensor', async t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'ext.onnx');
  fs.writeFileSync(file, encode(externalModel()));
  await assert.rejects(loadOnnxModel(file), isUserErrorFor(file, /external data file "weights\/data\.bin" of tensor "A" not found \(looked for .*weights\/data\.bin\)/));
  // The graph can still be read when the caller does not need the weights.
  const { model: m } = await loadOnnxModel(file, { checkExternalData: false });
  assert.equal(m.graph!.node!.length, 2);
});

test('external data too short for its tensor, or outside the model folder, is a UserError', async t => {
  const dir = tempDir(t);
  const short = path.join(dir, 'short.onnx');
  fs.writeFileSync(short, encode(externalModel('data.bin', 32))); // B needs bytes 64..96 of an 80-byte file
  fs.writeFileSync(path.join(dir, 'data.bin'), Buffer.alloc(80));
  await assert.rejects(loadOnnxModel(short), isUserErrorFor(short, /"data\.bin" is 80 bytes but tensor "B" needs bytes 64\.\.96/));

  const escaping = path.join(dir, 'escaping.onnx');
  const m = externalModel('../outside.bin');
  fs.writeFileSync(escaping, encode(m));
  await assert.rejects(loadOnnxModel(escaping), isUserErrorFor(escaping, /tensor "A": external data location "\.\.\/outside\.bin" must be a path inside the model's folder/));
  assert.throws(() => checkExternalData(onnx.ModelProto.decode(encode(externalModel('/etc/passwd'))), escaping), /must be a path inside/);
});

test('int64 values convert exactly: INT64_MAX as a string and bigint, small ones as numbers', () => {
  const m = decodeOnnxModel(encode(model({
    name: 'slice',
    input: [valueInfo('X', FLOAT, [10])],
    output: [valueInfo('Y', FLOAT, [10])],
    node: [node('Custom', ['X'], ['Y'], 'n', [attr.int('end', '9223372036854775807'), attr.int('neg', -1), attr.int('small', 42)])],
  })), 'x.onnx');
  const [end, neg, small] = m.graph!.node![0].attribute!;
  assert.equal(longToString(end.i), '9223372036854775807');
  assert.equal(longToBigInt(end.i), 9223372036854775807n);
  assert.equal(longToNumber(neg.i), -1);
  assert.equal(longToBigInt(neg.i), -1n);
  assert.equal(longToNumber(small.i), 42);
  assert.equal(longToString(small.i), '42');
  assert.equal(longToNumber(undefined), 0);
  assert.equal(longToNumber(7), 7);
});

// The viewer's graph builder on hand-built models: node and edge counts, shapes on edges from
// value_info, initializer summaries computed by hand, attributes, operator categories, subgraphs
// reachable, unknown operators and values produced nowhere still drawn.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { loadModelView } from '../../server/onnx/graphModel';
import { summariseTensor, float16ToNumber } from '../../server/onnx/graphTensors';
import { buildModelView, formatFloat, type GraphView } from '../../server/onnx/graphView';
import { findMatches, normaliseQuery } from '../../webviews/onnxViewer/search';
import { tempDir } from './helpers';
import {
  B1, FLOAT, INT64, W1, W2, attr, encode, floatTensor, ifModel, int64Tensor, mlpModel, model, node, valueInfo,
} from './onnx.viewer.models';

/** Decode what we encoded, as the server does with a file. */
function view(m: onnx.IModelProto) {
  const bytes = encode(m);
  return buildModelView(onnx.ModelProto.decode(bytes), bytes.length);
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

test('MLP: 4 nodes, 5 edges labelled with value_info shapes, weights as node rows not edges', () => {
  const v = view(mlpModel());
  const g = v.graphs.get('main')!;
  assert.equal(g.nodes.length, 4);
  assert.deepEqual(g.nodes.map(n => [n.opType, n.name, n.category, n.known]), [
    ['Gemm', 'fc1', 'layer', true], ['Relu', 'relu1', 'activation', true], ['Gemm', 'fc2', 'layer', true], ['Softmax', 'softmax', 'activation', true],
  ]);
  assert.deepEqual(g.inputs.map(i => [i.id, i.name, i.type]), [['i0', 'X', 'float32[batch,4]']]);
  assert.deepEqual(g.outputs.map(o => [o.id, o.name, o.type]), [['o0', 'Y', 'float32[batch,2]']]);
  // X → fc1 → relu1 → fc2 → softmax → Y; W1, B1, W2, B2 are not edges.
  assert.deepEqual(g.edges, [
    { from: 'i0', to: 'n0', tensor: 'X', label: 'batch×4' },
    { from: 'n0', to: 'n1', tensor: 'H', label: 'batch×3' },
    { from: 'n1', to: 'n2', tensor: 'R', label: 'batch×3' },
    { from: 'n2', to: 'n3', tensor: 'Z', label: 'batch×2' },
    { from: 'n3', to: 'o0', tensor: 'Y', label: 'batch×2' },
  ]);
  assert.deepEqual(g.nodes[0].inputs, ['X', 'W1', 'B1']);
  assert.deepEqual(g.nodes[0].attributes.map(a => [a.name, a.type, a.value]), [['alpha', 'float', '1'], ['transB', 'int', '0']]);
  assert.deepEqual(g.nodes[3].attributes.map(a => [a.name, a.value]), [['axis', '1']]);
});

test('initializer summaries: dtype, dims, min/max/mean by hand, first values, raw_data and float_data alike', () => {
  const g = view(mlpModel()).graphs.get('main')!;
  const w1 = g.initializers.W1;
  assert.deepEqual([w1.dtype, w1.dims, w1.count], ['float32', [4, 3], 12]);
  assert.equal(w1.min, -3);
  assert.equal(w1.max, 6);
  assert.equal(w1.mean, 0.875); // (1-2+3+0.5+0+4-1+2+6+0+0-3)/12 = 10.5/12
  assert.deepEqual(w1.first, W1.slice(0, 8));
  const b1 = g.initializers.B1; // stored in float_data
  assert.equal(b1.min, -0.5);
  assert.equal(b1.max, 1);
  assert.ok(Math.abs(b1.mean! - mean(B1.map(Math.fround))) < 1e-12);
  assert.deepEqual([g.initializers.W2.min, g.initializers.W2.max, g.initializers.W2.mean], [1, 6, mean(W2)]);
  assert.equal(g.initializers.B2.mean, 0);
  assert.equal(g.values.W1.type, 'float32[4,3]');
});

test('model properties: format, producer, opsets, metadata, inputs/outputs, parameter count', () => {
  const m = view(mlpModel()).model;
  assert.equal(m.format, 'ONNX v8');
  assert.equal(m.irVersion, 8);
  assert.equal(m.producerName, 'mlw-tests');
  assert.equal(m.producerVersion, '1.0');
  assert.equal(m.docString, 'MLP used by the tests');
  assert.equal(m.graphName, 'mlp');
  assert.deepEqual(m.opsets, [{ domain: 'ai.onnx', version: 17 }]);
  assert.deepEqual(m.metadata, [{ key: 'author', value: 'tests' }, { key: 'license', value: 'MIT' }]);
  assert.deepEqual(m.inputs.map(i => `${i.name}: ${i.type}`), ['X: float32[batch,4]']);
  assert.deepEqual(m.outputs.map(o => `${o.name}: ${o.type}`), ['Y: float32[batch,2]']);
  assert.equal(m.parameterCount, 12 + 3 + 6 + 2);
  assert.equal(m.nodeCount, 4);
  assert.equal(m.totalNodeCount, 4);
});

test('If: both branches are graphs reachable from the node, using X from the outer scope', () => {
  const v = view(ifModel());
  const main = v.graphs.get('main')!;
  assert.equal(main.nodes.length, 1);
  const ifNode = main.nodes[0];
  assert.equal(ifNode.category, 'control');
  assert.deepEqual(ifNode.subgraphs, [
    { label: 'then_branch', graphId: 'main/0.then_branch' },
    { label: 'else_branch', graphId: 'main/0.else_branch' },
  ]);
  assert.deepEqual(ifNode.attributes.map(a => [a.name, a.type, a.graphIds]), [
    ['then_branch', 'graph', ['main/0.then_branch']], ['else_branch', 'graph', ['main/0.else_branch']],
  ]);
  // cond is the If's input; X reaches it because its branches read X.
  assert.deepEqual(main.edges.map(e => `${e.from}->${e.to}:${e.tensor}`), ['i0->n0:cond', 'i1->n0:X', 'n0->o0:Y']);

  const thenGraph = v.graphs.get('main/0.then_branch')!;
  assert.deepEqual(thenGraph.path.map(p => p.label), ['branchy', 'choose.then_branch']);
  // X keeps the type it has in the enclosing graph.
  assert.deepEqual(thenGraph.outer.map(t => [t.id, t.name, t.kind, t.type]), [['x0', 'X', 'outer', 'float32[2]']]);
  assert.deepEqual(thenGraph.edges.map(e => `${e.from}->${e.to}:${e.tensor}:${e.label}`), ['x0->n0:X:2', 'n0->o0:then_out:2']);
  const elseGraph = v.graphs.get('main/0.else_branch')!;
  assert.deepEqual(elseGraph.nodes.map(n => n.opType), ['Neg', 'Abs']);
  assert.deepEqual(elseGraph.edges.map(e => `${e.from}->${e.to}:${e.tensor}`), ['x0->n0:X', 'n0->n1:neg', 'n1->o0:else_out']);
  assert.equal(v.model.totalNodeCount, 1 + 1 + 2);
});

test('unknown operators and values produced nowhere are still drawn, and marked', () => {
  const g = view(model({
    name: 'odd',
    input: [valueInfo('X', FLOAT, [3])],
    output: [valueInfo('Y', FLOAT, [3])],
    node: [
      node('FancyOp', ['X', 'ghost'], ['T'], 'fancy', [attr.string('mode', 'wild')], 'com.example'),
      node('Relu', ['T'], ['Y'], 'relu'),
    ],
  })).graphs.get('main')!;
  assert.deepEqual(g.nodes.map(n => [n.opType, n.domain, n.category, n.known]), [['FancyOp', 'com.example', 'custom', false], ['Relu', '', 'activation', true]]);
  assert.deepEqual(g.nodes[0].attributes.map(a => [a.name, a.type, a.value]), [['mode', 'string', 'wild']]);
  assert.deepEqual(g.outer.map(t => [t.id, t.name, t.kind]), [['x0', 'ghost', 'missing']]);
  assert.deepEqual(g.edges.map(e => `${e.from}->${e.to}`), ['i0->n0', 'x0->n0', 'n0->n1', 'n1->o0']);
});

test('initializers listed as graph inputs (IR < 4) are weights, not inputs; Constant values are summarised', () => {
  const g = view(model({
    name: 'old',
    input: [valueInfo('X', FLOAT, [2]), valueInfo('W', FLOAT, [2])],
    output: [valueInfo('Y', FLOAT, [2])],
    initializer: [floatTensor('W', [2], [5, 7])],
    node: [
      node('Constant', [], ['C'], 'const', [attr.tensor('value', int64Tensor('', [3], [4, -8, 10]))]),
      node('Mul', ['X', 'W'], ['T']),
      node('Reshape', ['T', 'C'], ['Y']),
    ],
  }, { irVersion: 3 })).graphs.get('main')!;
  assert.deepEqual(g.inputs.map(i => i.name), ['X']);
  assert.deepEqual(g.edges.map(e => `${e.from}->${e.to}:${e.tensor}`), ['i0->n1:X', 'n1->n2:T', 'n0->n2:C', 'n2->o0:Y']);
  const value = g.nodes[0].attributes[0];
  assert.equal(value.value, 'int64[3]');
  assert.deepEqual([value.tensor!.min, value.tensor!.max, value.tensor!.mean, value.tensor!.first], [-8, 10, 2, [4, -8, 10]]);
  assert.equal(g.values.C.type, 'int64[3]');
  assert.equal(g.edges.find(e => e.tensor === 'C')!.label, '3');
});

test('tensor summaries of float16, int64, bool, double and misshapen tensors', () => {
  // float16 bits: 1.0 = 0x3C00, -2.0 = 0xC000, 0.5 = 0x3800, +inf = 0x7C00.
  assert.deepEqual([0x3c00, 0xc000, 0x3800, 0x7c00, 0x0001].map(float16ToNumber), [1, -2, 0.5, Infinity, 2 ** -24]);
  const half = summariseTensor({ name: 'h', dims: [4], dataType: 10, rawData: new Uint8Array(new Uint16Array([0x3c00, 0xc000, 0x3800, 0x7c00]).buffer) });
  assert.deepEqual([half.dtype, half.min, half.max, half.mean, half.nonFinite], ['float16', -2, 1, (1 - 2 + 0.5) / 3, 1]);
  const int64Raw = summariseTensor({ name: 'i', dims: [3], dataType: INT64, rawData: new Uint8Array(new BigInt64Array([5n, -7n, 11n]).buffer) });
  assert.deepEqual([int64Raw.min, int64Raw.max, int64Raw.mean, int64Raw.first], [-7, 11, 3, [5, -7, 11]]);
  const bools = summariseTensor({ name: 'b', dims: [4], dataType: 9, int32Data: [1, 0, 1, 1] });
  assert.deepEqual([bools.dtype, bools.mean, bools.first], ['bool', 0.75, [1, 0, 1, 1]]);
  const doubles = summariseTensor({ name: 'd', dims: [2], dataType: 11, doubleData: [0.1, 0.2] });
  assert.equal(doubles.mean, (0.1 + 0.2) / 2);
  const strings = summariseTensor({ name: 's', dims: [2], dataType: 8, stringData: [new TextEncoder().encode('cat'), new TextEncoder().encode('dog')] });
  assert.deepEqual([strings.dtype, strings.first, strings.min], ['string', ['cat', 'dog'], undefined]);
  const short = summariseTensor(floatTensor('w', [2, 3], [1, 2, 3]));
  assert.equal(short.note, 'holds 3 values but its shape needs 6');
  // An unaligned raw_data slice (as protobuf hands them out of a file buffer) reads the same.
  const buf = new Uint8Array(13);
  buf.set(new Uint8Array(new Float32Array([1.5, -2.5, 4]).buffer), 1);
  const unaligned = summariseTensor({ name: 'u', dims: [3], dataType: FLOAT, rawData: buf.subarray(1) });
  assert.deepEqual([unaligned.min, unaligned.max, unaligned.mean], [-2.5, 4, 1]);
});

test('external initializers are summarised from their data file', async t => {
  const dir = tempDir(t);
  const file = path.join(dir, 'ext.onnx');
  const ext: onnx.ITensorProto = {
    name: 'W', dims: [4], dataType: FLOAT, dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: 'w.bin' }, { key: 'offset', value: '8' }, { key: 'length', value: '16' }],
  };
  fs.writeFileSync(file, encode(model({
    name: 'ext', input: [valueInfo('X', FLOAT, [4])], output: [valueInfo('Y', FLOAT, [4])], initializer: [ext], node: [node('Add', ['X', 'W'], ['Y'])],
  })));
  const data = Buffer.alloc(24);
  Buffer.from(new Float32Array([2, -4, 8, 10]).buffer).copy(data, 8);
  fs.writeFileSync(path.join(dir, 'w.bin'), data);
  const { view: v } = await loadModelView(file);
  const w = v.graphs.get('main')!.initializers.W;
  assert.deepEqual([w.external, w.min, w.max, w.mean, w.first], ['w.bin', -4, 10, 4, [2, -4, 8, 10]]);
  // Over the budget, the summary says where the values are instead of reading them.
  const { view: lazy } = await loadModelView(file, { externalBudgetBytes: 8 });
  assert.equal(lazy.graphs.get('main')!.initializers.W.note, 'values not read: they are in an external data file');
});

test('model-local functions are known operators whose body is a reachable graph', () => {
  const v = view(model({
    name: 'with-fn',
    input: [valueInfo('X', FLOAT, [2])],
    output: [valueInfo('Y', FLOAT, [2])],
    node: [node('Square', ['X'], ['Y'], 'sq', [], 'custom.fn')],
  }, {
    irVersion: 8,
    opsetImport: [{ domain: '', version: 17 }, { domain: 'custom.fn', version: 1 }],
    functions: [{ name: 'Square', domain: 'custom.fn', input: ['a'], output: ['b'], node: [node('Mul', ['a', 'a'], ['b'])], opsetImport: [{ domain: '', version: 17 }] }],
  }));
  const sq = v.graphs.get('main')!.nodes[0];
  assert.equal(sq.known, true);
  assert.deepEqual(sq.subgraphs, [{ label: 'function body', graphId: 'function:custom.fn:Square' }]);
  const body = v.graphs.get('function:custom.fn:Square')!;
  assert.deepEqual(body.edges.map(e => `${e.from}->${e.to}:${e.tensor}`), ['i0->n0:a', 'n0->o0:b']);
  assert.deepEqual(v.model.functions, ['custom.fn.Square']);
});

test('float attributes print as the shortest decimal of their float32', () => {
  assert.equal(formatFloat(Math.fround(0.1)), '0.1');
  assert.equal(formatFloat(Math.fround(1e-5)), '0.00001');
  assert.equal(formatFloat(Math.fround(0.333333)), '0.333333');
  assert.equal(formatFloat(3), '3');
  assert.equal(formatFloat(-Infinity), '-Infinity');
});

test('search finds nodes by name, op type, tensor name and shape', () => {
  const g: GraphView = view(mlpModel()).graphs.get('main')!;
  assert.deepEqual(findMatches(g, 'gemm'), ['n0', 'n2']);
  assert.deepEqual(findMatches(g, 'RELU1'), ['n1']);
  assert.deepEqual(findMatches(g, 'W2'), ['n2']);
  // Shapes in any spelling: "batch,3", "[batch, 3]", "batchx3" are batch×3 (H and R).
  assert.deepEqual(normaliseQuery('[batch, 3]'), { text: '[batch, 3]', shape: 'batch×3' });
  for (const q of ['batch,3', '[batch, 3]', 'batch x 3']) assert.deepEqual(findMatches(g, q), ['n0', 'n1', 'n2'], q);
  assert.deepEqual(findMatches(g, '4x3'), ['n0']); // W1's dims
  assert.deepEqual(findMatches(g, 'batch,4'), ['i0', 'n0']);
  assert.deepEqual(findMatches(g, 'nothing-like-this'), []);
  assert.deepEqual(findMatches(g, '  '), []);
});

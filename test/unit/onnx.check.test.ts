// `mlw onnx check` and `mlw onnx inspect` on hand-built models whose problems and counts are
// known by construction.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { onnx } from 'onnx-proto';
import { checkModel, checkModelFile, type CheckProblem } from '../../server/onnx/check';
import { mlw, tempDir } from './helpers';
import { FLOAT, floatTensor, INT64, modelBytes, node, valueInfo, type ModelSpec } from './onnx.testModels';
import { onnx as proto } from 'onnx-proto';

const BOOL = proto.TensorProto.DataType.BOOL;

function decode(spec: ModelSpec): onnx.ModelProto {
  return proto.ModelProto.decode(modelBytes(spec));
}

function problems(spec: ModelSpec): CheckProblem[] {
  return checkModel(decode(spec));
}

/** x → Relu → a → Neg → y */
const valid: ModelSpec = {
  nodes: [node('Relu', ['x'], ['a'], 'relu'), node('Neg', ['a'], ['y'], 'neg')],
  inputs: [valueInfo('x', FLOAT, ['batch', 3])],
  outputs: [valueInfo('y', FLOAT, ['batch', 3])],
};

test('a valid model has no problems', () => {
  assert.deepEqual(problems(valid), []);
});

test('an input no graph input, initializer or earlier node defines', () => {
  const p = problems({ ...valid, nodes: [node('Relu', ['x'], ['a'], 'relu'), node('Add', ['a', 'ghost'], ['y'], 'add2')] });
  assert.deepEqual(p, [{ where: 'node 1 "add2" (Add)', message: 'input "ghost" is not defined by a graph input, an initializer or an earlier node' }]);
});

test('empty input names are optional inputs and allowed', () => {
  const clip = node('Clip', ['x', '', 'hi'], ['y'], 'clip');
  assert.deepEqual(problems({ ...valid, nodes: [clip], initializers: [floatTensor('hi', [], [6])] }), []);
});

test('a cycle is reported once, with its path', () => {
  const p = problems({
    ...valid,
    nodes: [node('Add', ['x', 'c'], ['a'], 'n0'), node('Relu', ['a'], ['b'], 'n1'), node('Neg', ['b'], ['c'], 'n2'), node('Identity', ['c'], ['y'], 'out')],
  });
  assert.deepEqual(p, [{ where: 'node 0 "n0" (Add)', message: 'cycle: node 0 "n0" (Add) → node 1 "n1" (Relu) → node 2 "n2" (Neg) → node 0 "n0" (Add)' }]);
  const self = problems({ ...valid, nodes: [node('Add', ['x', 'y'], ['y'], 'loop')] });
  assert.deepEqual(self, [{ where: 'node 0 "loop" (Add)', message: 'cycle: node 0 "loop" (Add) → node 0 "loop" (Add)' }]);
});

test('nodes out of topological order (but acyclic) are reported as such', () => {
  const p = problems({ ...valid, nodes: [node('Neg', ['a'], ['y'], 'neg'), node('Relu', ['x'], ['a'], 'relu')] });
  assert.deepEqual(p, [{ where: 'node 0 "neg" (Neg)', message: 'input "a" is produced by a later node, node 1 "relu" (Relu): nodes must be in topological order' }]);
});

test('duplicate outputs: two nodes writing one name, a node overwriting a graph input or an initializer', () => {
  const p = problems({
    nodes: [node('Relu', ['x'], ['y'], 'first'), node('Neg', ['x'], ['y'], 'second'), node('Abs', ['x'], ['x'], ''), node('Abs', ['x'], ['w'], 'third')],
    inputs: [valueInfo('x', FLOAT, [3])],
    outputs: [valueInfo('y', FLOAT, [3])],
    initializers: [floatTensor('w', [3], [1, 2, 3])],
  });
  assert.deepEqual(p, [
    { where: 'node 1 "second" (Neg)', message: 'output "y" is already produced by node 0 "first" (Relu)' },
    { where: 'node 2 (Abs)', message: 'output "x" is already produced by a graph input' },
    { where: 'node 3 "third" (Abs)', message: 'output "w" is already produced by an initializer' },
  ]);
});

test('missing ir_version and opset_import', () => {
  assert.deepEqual(problems({ ...valid, opsets: [] }), [{ where: 'model', message: 'opset_import is empty: the model names no operator set version' }]);
  assert.deepEqual(problems({ ...valid, irVersion: 0 }), [{ where: 'model', message: 'ir_version is missing' }]);
});

test('operators: unknown ones in the ONNX domains, domains not imported; custom imported domains are fine', () => {
  const p = problems({
    ...valid,
    opsets: [{ domain: '', version: 17 }, { domain: 'com.example', version: 1 }],
    nodes: [
      node('Frobnicate', ['x'], ['a'], 'frob'),
      node('Special', ['a'], ['b'], 'mine', { domain: 'com.example' }),
      node('Other', ['b'], ['y'], 'theirs', { domain: 'org.elsewhere' }),
    ],
  });
  assert.deepEqual(p, [
    { where: 'node 0 "frob" (Frobnicate)', message: 'Frobnicate is not an operator of the ONNX domain "ai.onnx"' },
    { where: 'node 2 "theirs" (Other)', message: 'domain "org.elsewhere" of operator Other is not in opset_import' },
  ]);
});

test('graph outputs must be produced and declared once', () => {
  const p = problems({ ...valid, outputs: [valueInfo('y', FLOAT, [3]), valueInfo('y', FLOAT, [3]), valueInfo('nothing', FLOAT, [3])] });
  assert.deepEqual(p, [
    { where: 'graph', message: 'graph output "y" is declared twice' },
    { where: 'graph', message: 'graph output "nothing" is not produced by any node, input or initializer' },
  ]);
});

/** If: then_branch reads an outer input and an earlier node's output; else_branch reads what `elseReads` says. */
function ifModel(elseReads: string): ModelSpec {
  const branch = (name: string, reads: string): onnx.IGraphProto => ({
    name,
    node: [node('Identity', [reads], [`${name}_out`], `${name}_id`)],
    output: [valueInfo(`${name}_out`, FLOAT, [3])],
  });
  return {
    nodes: [
      node('Relu', ['x'], ['a'], 'relu'),
      node('If', ['cond'], ['picked'], 'if', {
        attribute: [
          { name: 'then_branch', type: proto.AttributeProto.AttributeType.GRAPH, g: branch('then', 'a') },
          { name: 'else_branch', type: proto.AttributeProto.AttributeType.GRAPH, g: branch('else', elseReads) },
        ],
      }),
      node('Neg', ['picked'], ['late'], 'neg'),
      node('Identity', ['late'], ['y'], 'out'),
    ],
    inputs: [valueInfo('x', FLOAT, [3]), valueInfo('cond', BOOL, [])],
    outputs: [valueInfo('y', FLOAT, [3])],
  };
}

test('subgraphs see the names of the enclosing graph defined before their node', () => {
  assert.deepEqual(problems(ifModel('x')), []);
  assert.deepEqual(problems(ifModel('nowhere')), [
    { where: 'node 1 "if" (If) else_branch: node 0 "else_id" (Identity)', message: 'input "nowhere" is not defined by a graph input, an initializer or an earlier node' },
  ]);
  // "late" is produced after the If: the branch reading it makes a cycle If → Neg → If.
  const late = problems(ifModel('late'));
  assert.ok(late.some(p => p.message === 'input "late" is not defined by a graph input, an initializer or an earlier node' && p.where.startsWith('node 1 "if" (If) else_branch')), JSON.stringify(late));
  assert.ok(late.some(p => /^cycle: node 1 "if" \(If\) → node 2 "neg" \(Neg\) → node 1/.test(p.message)), JSON.stringify(late));
});

test('a Loop body\'s own inputs are defined inside it', () => {
  const body: onnx.IGraphProto = {
    name: 'body',
    input: [valueInfo('i', INT64, []), valueInfo('c', BOOL, []), valueInfo('acc', FLOAT, [3])],
    node: [node('Add', ['acc', 'x'], ['acc_next'], 'step'), node('Identity', ['c'], ['c_next'], 'keep')],
    output: [valueInfo('c_next', BOOL, []), valueInfo('acc_next', FLOAT, [3])],
  };
  const spec: ModelSpec = {
    nodes: [node('Loop', ['n', '', 'x'], ['y'], 'loop', { attribute: [{ name: 'body', type: proto.AttributeProto.AttributeType.GRAPH, g: body }] })],
    inputs: [valueInfo('x', FLOAT, [3]), valueInfo('n', INT64, [])],
    outputs: [valueInfo('y', FLOAT, [3])],
  };
  assert.deepEqual(problems(spec), []);
});

// ---- files and the command line --------------------------------------------------------------

test('mlw onnx check: exit 0 when clean, 1 with each problem listed, 2 for files that are no model', t => {
  const dir = tempDir(t, 'mlw-onnx-check-');
  fs.writeFileSync(path.join(dir, 'ok.onnx'), modelBytes(valid));
  fs.writeFileSync(path.join(dir, 'bad.onnx'), modelBytes({ ...valid, nodes: [node('Relu', ['x'], ['a'], 'relu'), node('Add', ['a', 'ghost'], ['y'], 'add2')], irVersion: 0 }));
  const bytes = modelBytes(valid);
  fs.writeFileSync(path.join(dir, 'truncated.onnx'), bytes.subarray(0, bytes.length - 5));
  fs.writeFileSync(path.join(dir, 'empty.onnx'), '');

  const ok = mlw(dir, 'onnx', 'check', 'ok.onnx');
  assert.equal(ok.status, 0, ok.stderr);
  assert.equal(ok.stdout, 'ok.onnx: ok (2 nodes)\n');

  const bad = mlw(dir, 'onnx', 'check', 'bad.onnx');
  assert.equal(bad.status, 1);
  assert.equal(bad.stdout, [
    'bad.onnx: model: ir_version is missing',
    'bad.onnx: node 1 "add2" (Add): input "ghost" is not defined by a graph input, an initializer or an earlier node',
    '2 problems', '',
  ].join('\n'));
  const json = mlw(dir, 'onnx', 'check', 'bad.onnx', '--json');
  assert.equal(json.status, 1);
  assert.equal(JSON.parse(json.stdout).problems.length, 2);

  for (const name of ['truncated.onnx', 'empty.onnx', 'missing.onnx']) {
    const r = mlw(dir, 'onnx', 'check', name);
    assert.equal(r.status, 2, name);
    assert.match(r.stderr, new RegExp(`^mlw: ${name.replace('.', '\\.')}: (truncated or not an ONNX model|not an ONNX model: the file is empty|file not found)`), r.stderr);
  }
});

test('external data: a missing data file is a problem naming it', t => {
  const dir = tempDir(t, 'mlw-onnx-check-');
  const external: onnx.ITensorProto = {
    name: 'w', dims: [3], dataType: FLOAT, dataLocation: proto.TensorProto.DataLocation.EXTERNAL,
    externalData: [{ key: 'location', value: 'weights.data' }, { key: 'offset', value: '0' }, { key: 'length', value: '12' }],
  };
  const file = path.join(dir, 'ext.onnx');
  fs.writeFileSync(file, modelBytes({ ...valid, nodes: [node('Add', ['x', 'w'], ['y'], 'add')], inputs: [valueInfo('x', FLOAT, [3])], initializers: [external] }));
  const r = checkModelFile(file);
  assert.equal(r.problems.length, 1);
  assert.equal(r.problems[0].where, 'external data');
  assert.match(r.problems[0].message, /external data file "weights\.data" of tensor "w" not found/);
  fs.writeFileSync(path.join(dir, 'weights.data'), Buffer.from(new Float32Array([1, 2, 3]).buffer));
  assert.deepEqual(checkModelFile(file).problems, []);
});

// ---- inspect -----------------------------------------------------------------------------------

test('mlw onnx inspect --json on a hand-built model: every figure counted by hand', t => {
  const dir = tempDir(t, 'mlw-onnx-inspect-');
  const branch = (name: string): onnx.IGraphProto => ({ name, node: [node('Identity', ['x'], [`${name}_out`])], output: [valueInfo(`${name}_out`, FLOAT, null as never)] });
  const bytes = proto.ModelProto.encode(proto.ModelProto.create({
    irVersion: 8,
    producerName: 'hand-made',
    producerVersion: '1.2',
    opsetImport: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
    graph: {
      name: 'g',
      input: [
        valueInfo('x', FLOAT, ['batch', 3]),
        valueInfo('mask', BOOL, ['batch', null]),
        valueInfo('w_default', FLOAT, [3]), // also an initializer: a weight with a default, not a required input
        valueInfo('scalar', INT64, []),
        { name: 'anyrank', type: { tensorType: { elemType: FLOAT } } },
      ],
      initializer: [floatTensor('w_default', [3], [1, 2, 3]), floatTensor('w', [3], [4, 5, 6])],
      node: [
        node('Add', ['x', 'w'], ['a1']),
        node('Add', ['a1', 'w_default'], ['a2']),
        node('Mul', ['a2', 'a2'], ['m']),
        node('Add', ['m', 'x'], ['y']),
        node('Identity', ['scalar'], ['s_out']),
        node('If', ['cond'], ['if_out'], 'if', {
          attribute: [
            { name: 'then_branch', type: proto.AttributeProto.AttributeType.GRAPH, g: branch('then') },
            { name: 'else_branch', type: proto.AttributeProto.AttributeType.GRAPH, g: branch('else') },
          ],
        }),
      ],
      output: [valueInfo('y', FLOAT, ['batch', 3]), valueInfo('s_out', INT64, []), { name: 'if_out', type: { tensorType: { elemType: FLOAT } } }],
    },
  })).finish();
  fs.writeFileSync(path.join(dir, 'm.onnx'), bytes);
  const r = mlw(dir, 'onnx', 'inspect', 'm.onnx', '--json');
  assert.equal(r.status, 0, r.stderr);
  const got = JSON.parse(r.stdout);
  assert.deepEqual(
    {
      irVersion: got.irVersion, producerName: got.producerName, opsetImports: got.opsetImports, inputs: got.inputs, outputs: got.outputs,
      nodeCount: got.nodeCount, opTypes: got.opTypes, initializerCount: got.initializerCount, subgraphNodeCount: got.subgraphNodeCount,
    },
    {
      irVersion: 8,
      producerName: 'hand-made',
      opsetImports: [{ domain: '', version: 17 }, { domain: 'ai.onnx.ml', version: 3 }],
      inputs: [
        { name: 'x', elemType: 1, shape: ['batch', 3] },
        { name: 'mask', elemType: 9, shape: ['batch', null] },
        { name: 'scalar', elemType: 7, shape: [] },
        { name: 'anyrank', elemType: 1, shape: null },
      ],
      outputs: [
        { name: 'y', elemType: 1, shape: ['batch', 3] },
        { name: 's_out', elemType: 7, shape: [] },
        { name: 'if_out', elemType: 1, shape: null },
      ],
      nodeCount: 6,
      opTypes: { Add: 3, Mul: 1, Identity: 1, If: 1 },
      initializerCount: 2,
      subgraphNodeCount: 2,
    },
  );

  const text = mlw(dir, 'onnx', 'inspect', 'm.onnx');
  assert.equal(text.status, 0, text.stderr);
  assert.match(text.stdout, /^m\.onnx: \d+ B, IR version 8, opsets ai\.onnx 17, ai\.onnx\.ml 3, produced by hand-made 1\.2\n/);
  assert.match(text.stdout, /\n {2}mask {5}bool \[batch, \?\]\n/);
  assert.match(text.stdout, /\n {2}anyrank {2}float32 \[unknown rank\]\n/);
  assert.match(text.stdout, /\n6 nodes \(\+ 2 in subgraphs\), 2 initializers\noperators: Add ×3, Identity ×1, If ×1, Mul ×1\n$/);
});

test('mlw onnx inspect of a file that is not a model is exit 2 with the reason', t => {
  const dir = tempDir(t, 'mlw-onnx-inspect-');
  fs.writeFileSync(path.join(dir, 'junk.onnx'), Buffer.from('this is not protobuf at all \xff\xff\xff'));
  const r = mlw(dir, 'onnx', 'inspect', 'junk.onnx');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^mlw: junk\.onnx: truncated or not an ONNX model/);
});

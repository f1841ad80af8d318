// Hand-built ONNX models for the loader, graph-view and viewer tests, encoded with onnx-proto
// (the same protobuf schema ONNX's own onnx.proto defines). Every value in them is chosen here,
// so tests can compute expectations by hand.
import { onnx } from 'onnx-proto';

export const FLOAT = onnx.TensorProto.DataType.FLOAT;
export const INT64 = onnx.TensorProto.DataType.INT64;
export const BOOL = onnx.TensorProto.DataType.BOOL;

/** A tensor-typed value: dims are numbers (fixed) or strings (symbolic, e.g. "batch"). */
export function valueInfo(name: string, elemType: number, shape: (number | string)[] | undefined): onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType,
        shape: shape === undefined ? undefined : { dim: shape.map(d => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** A float tensor with its values in raw_data (little-endian float32, as ONNX stores them). */
export function floatTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  const raw = new Uint8Array(new Float32Array(values).buffer);
  return { name, dims, dataType: FLOAT, rawData: raw };
}

/** A float tensor with its values in float_data (the other way ONNX stores floats). */
export function floatDataTensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: FLOAT, floatData: values };
}

export function int64Tensor(name: string, dims: number[], values: number[]): onnx.ITensorProto {
  return { name, dims, dataType: INT64, int64Data: values };
}

export function node(opType: string, inputs: string[], outputs: string[], name = '', attribute: onnx.IAttributeProto[] = [], domain = ''): onnx.INodeProto {
  return { opType, input: inputs, output: outputs, name, attribute, domain };
}

const AT = onnx.AttributeProto.AttributeType;
export const attr = {
  int: (name: string, i: number | string): onnx.IAttributeProto =>
    ({ name, type: AT.INT, i: typeof i === 'string' ? (onnx.AttributeProto.fromObject({ i }).i) : i }),
  float: (name: string, f: number): onnx.IAttributeProto => ({ name, type: AT.FLOAT, f }),
  ints: (name: string, ints: number[]): onnx.IAttributeProto => ({ name, type: AT.INTS, ints }),
  string: (name: string, s: string): onnx.IAttributeProto => ({ name, type: AT.STRING, s: new TextEncoder().encode(s) }),
  graph: (name: string, g: onnx.IGraphProto): onnx.IAttributeProto => ({ name, type: AT.GRAPH, g }),
  tensor: (name: string, t: onnx.ITensorProto): onnx.IAttributeProto => ({ name, type: AT.TENSOR, t }),
};

export function model(graph: onnx.IGraphProto, extra: Partial<onnx.IModelProto> = {}): onnx.IModelProto {
  return {
    irVersion: 8,
    producerName: 'mlw-tests',
    producerVersion: '1.0',
    opsetImport: [{ domain: '', version: 17 }],
    graph,
    ...extra,
  };
}

export function encode(m: onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(onnx.ModelProto.create(m)).finish();
}

// Weights of the MLP, chosen so min/max/mean are easy to compute by hand.
export const W1 = [1, -2, 3, 0.5, 0, 4, -1, 2, 6, 0, 0, -3]; // [4,3]: min -3, max 6, mean 10.5/12 = 0.875
export const B1 = [0.5, -0.5, 1]; // mean 1/3
export const W2 = [1, 2, 3, 4, 5, 6]; // [3,2]: min 1, max 6, mean 3.5
export const B2 = [0, 0];

/**
 * X[batch,4] → Gemm(W1,B1) → H[batch,3] → Relu → R[batch,3] → Gemm(W2,B2, transB=0) → Z[batch,2]
 * → Softmax(axis=1) → Y[batch,2]. 4 nodes, 4 initializers; H, R, Z have value_info.
 */
export function mlpModel(): onnx.IModelProto {
  return model({
    name: 'mlp',
    docString: 'A two-layer perceptron',
    input: [valueInfo('X', FLOAT, ['batch', 4])],
    output: [valueInfo('Y', FLOAT, ['batch', 2])],
    valueInfo: [valueInfo('H', FLOAT, ['batch', 3]), valueInfo('R', FLOAT, ['batch', 3]), valueInfo('Z', FLOAT, ['batch', 2])],
    initializer: [floatTensor('W1', [4, 3], W1), floatDataTensor('B1', [3], B1), floatTensor('W2', [3, 2], W2), floatTensor('B2', [2], B2)],
    node: [
      node('Gemm', ['X', 'W1', 'B1'], ['H'], 'fc1', [attr.float('alpha', 1), attr.int('transB', 0)]),
      node('Relu', ['H'], ['R'], 'relu1'),
      node('Gemm', ['R', 'W2', 'B2'], ['Z'], 'fc2', [attr.float('alpha', 1)]),
      node('Softmax', ['Z'], ['Y'], 'softmax', [attr.int('axis', 1)]),
    ],
  }, {
    docString: 'MLP used by the tests',
    metadataProps: [{ key: 'author', value: 'tests' }, { key: 'license', value: 'MIT' }],
  });
}

/**
 * cond (bool scalar), X[2] → If(cond) → Y[2]; then_branch: Add(X, X) (X from the outer scope),
 * else_branch: Neg(X) then Abs. The If node is the only node of the main graph.
 */
export function ifModel(): onnx.IModelProto {
  const thenBranch: onnx.IGraphProto = {
    name: 'then_graph',
    input: [],
    output: [valueInfo('then_out', FLOAT, [2])],
    node: [node('Add', ['X', 'X'], ['then_out'], 'double')],
  };
  const elseBranch: onnx.IGraphProto = {
    name: 'else_graph',
    input: [],
    output: [valueInfo('else_out', FLOAT, [2])],
    node: [node('Neg', ['X'], ['neg'], 'negate'), node('Abs', ['neg'], ['else_out'], 'abs')],
  };
  return model({
    name: 'branchy',
    input: [valueInfo('cond', BOOL, []), valueInfo('X', FLOAT, [2])],
    output: [valueInfo('Y', FLOAT, [2])],
    node: [node('If', ['cond'], ['Y'], 'choose', [attr.graph('then_branch', thenBranch), attr.graph('else_branch', elseBranch)])],
  });
}

/**
 * A chain of `blocks` blocks of Conv → BatchNormalization → Relu on [1,4,8,8] tensors, with a
 * residual Add joining every block's input to its output: 4 nodes per block.
 */
export function chainModel(blocks: number): onnx.IModelProto {
  const nodes: onnx.INodeProto[] = [];
  const inits: onnx.ITensorProto[] = [];
  const values: onnx.IValueInfoProto[] = [];
  const w = Array.from({ length: 4 * 4 * 3 * 3 }, (_, i) => ((i % 7) - 3) / 10);
  let x = 'input';
  for (let b = 0; b < blocks; b++) {
    const p = `b${b}`;
    inits.push(floatTensor(`${p}.w`, [4, 4, 3, 3], w));
    for (const k of ['scale', 'bias', 'mean', 'var']) inits.push(floatTensor(`${p}.bn.${k}`, [4], [1, 1, 1, 1]));
    nodes.push(node('Conv', [x, `${p}.w`], [`${p}.conv`], `${p}/conv`, [attr.ints('pads', [1, 1, 1, 1]), attr.ints('kernel_shape', [3, 3])]));
    nodes.push(node('BatchNormalization', [`${p}.conv`, `${p}.bn.scale`, `${p}.bn.bias`, `${p}.bn.mean`, `${p}.bn.var`], [`${p}.bn`], `${p}/bn`));
    nodes.push(node('Relu', [`${p}.bn`], [`${p}.relu`], `${p}/relu`));
    const out = b === blocks - 1 ? 'output' : `${p}.out`;
    nodes.push(node('Add', [x, `${p}.relu`], [out], `${p}/add`));
    for (const v of ['conv', 'bn', 'relu']) values.push(valueInfo(`${p}.${v}`, FLOAT, [1, 4, 8, 8]));
    if (out !== 'output') values.push(valueInfo(out, FLOAT, [1, 4, 8, 8]));
    x = out;
  }
  return model({
    name: `chain${blocks}`,
    input: [valueInfo('input', FLOAT, [1, 4, 8, 8])],
    output: [valueInfo('output', FLOAT, [1, 4, 8, 8])],
    initializer: inits,
    valueInfo: values,
    node: nodes,
  });
}

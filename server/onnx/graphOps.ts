// Operator categories for colouring the graph, in the spirit of Netron's: layers, activations,
// pooling, normalisation, tensor/shape manipulation, element-wise maths, logic, data sources and
// control flow. An operator listed here is a standard ONNX one (ai.onnx, ai.onnx.ml or
// ai.onnx.preview.training); anything else is drawn as "custom" and marked as unknown.

export type OpCategory =
  | 'layer' | 'activation' | 'pool' | 'normalization' | 'tensor' | 'math' | 'logic' | 'data' | 'control' | 'custom';

export const OP_CATEGORY_LABELS: Record<OpCategory, string> = {
  layer: 'Layer',
  activation: 'Activation',
  pool: 'Pooling',
  normalization: 'Normalization',
  tensor: 'Shape / tensor',
  math: 'Math',
  logic: 'Logic',
  data: 'Data / constant',
  control: 'Control flow',
  custom: 'Unknown operator',
};

const words = (s: string) => s.trim().split(/\s+/);

const ONNX_OPS: Record<Exclude<OpCategory, 'custom'>, string[]> = {
  layer: words(`Conv ConvInteger ConvTranspose DeformConv QLinearConv Gemm MatMul MatMulInteger QLinearMatMul
    LSTM GRU RNN Einsum Attention RotaryEmbedding`),
  activation: words(`Relu LeakyRelu PRelu Sigmoid HardSigmoid Tanh Elu Selu Celu Gelu Mish Softmax LogSoftmax
    Softplus Softsign ThresholdedRelu HardSwish Hardmax Shrink Swish`),
  pool: words(`MaxPool AveragePool GlobalAveragePool GlobalMaxPool LpPool GlobalLpPool MaxRoiPool MaxUnpool RoiAlign`),
  normalization: words(`BatchNormalization InstanceNormalization LayerNormalization GroupNormalization
    LpNormalization LRN MeanVarianceNormalization RMSNormalization SkipLayerNormalization Dropout`),
  tensor: words(`Reshape Flatten Squeeze Unsqueeze Transpose Concat Split Slice Gather GatherElements GatherND
    Scatter ScatterElements ScatterND Expand Tile Pad Shape Size Resize Upsample DepthToSpace SpaceToDepth
    Identity Cast CastLike Compress OneHot NonZero TopK Unique ReverseSequence Trilu CenterCropPad Col2Im
    GridSample AffineGrid ImageDecoder SplitToSequence ConcatFromSequence SequenceAt SequenceConstruct
    SequenceEmpty SequenceErase SequenceInsert SequenceLength Optional OptionalGetElement OptionalHasElement
    QuantizeLinear DequantizeLinear DynamicQuantizeLinear TensorScatter`),
  math: words(`Add Sub Mul Div Pow Sqrt Exp Log Abs Neg Reciprocal Floor Ceil Round Sign Clip Min Max Mean Sum
    Erf Sin Cos Tan Asin Acos Atan Sinh Cosh Asinh Acosh Atanh Mod Det CumSum CumProd ReduceSum ReduceMean
    ReduceMax ReduceMin ReduceProd ReduceL1 ReduceL2 ReduceLogSum ReduceLogSumExp ReduceSumSquare ArgMax ArgMin
    BitShift BitwiseAnd BitwiseOr BitwiseXor BitwiseNot DFT STFT MelWeightMatrix HannWindow HammingWindow
    BlackmanWindow NegativeLogLikelihoodLoss SoftmaxCrossEntropyLoss NonMaxSuppression TfIdfVectorizer
    StringNormalizer StringConcat StringSplit RegexFullMatch`),
  logic: words(`And Or Xor Not Equal Greater GreaterOrEqual Less LessOrEqual Where IsNaN IsInf`),
  data: words(`Constant ConstantOfShape RandomNormal RandomUniform RandomNormalLike RandomUniformLike Multinomial
    Bernoulli EyeLike Range`),
  control: words(`If Loop Scan SequenceMap`),
};

// ai.onnx.ml: classic machine-learning operators (scikit-learn converters).
const ONNX_ML_OPS: Record<string, OpCategory> = {
  ...Object.fromEntries(words(`LinearClassifier LinearRegressor SVMClassifier SVMRegressor TreeEnsembleClassifier
    TreeEnsembleRegressor TreeEnsemble`).map(op => [op, 'layer'])),
  ...Object.fromEntries(words(`ArrayFeatureExtractor Binarizer CastMap CategoryMapper DictVectorizer FeatureVectorizer
    Imputer LabelEncoder Normalizer OneHotEncoder Scaler ZipMap`).map(op => [op, 'tensor'])),
};

const TRAINING_OPS: Record<string, OpCategory> = { Adagrad: 'math', Adam: 'math', Momentum: 'math', Gradient: 'math' };

const DEFAULT_OPS: Record<string, OpCategory> = Object.fromEntries(
  Object.entries(ONNX_OPS).flatMap(([category, ops]) => ops.map(op => [op, category as OpCategory])),
);

const DOMAINS: Record<string, Record<string, OpCategory>> = {
  '': DEFAULT_OPS,
  'ai.onnx': DEFAULT_OPS,
  'ai.onnx.ml': ONNX_ML_OPS,
  'ai.onnx.preview.training': TRAINING_OPS,
};

export interface OpInfo {
  category: OpCategory;
  /** False for operators outside the ONNX standard domains (custom or vendor operators). */
  known: boolean;
}

export function opInfo(opType: string, domain: string): OpInfo {
  const category = DOMAINS[domain]?.[opType];
  return category ? { category, known: true } : { category: 'custom', known: false };
}

/**
 * The TFDV schema: tensorflow_metadata's `Schema` message (schema.proto, package
 * tensorflow.metadata.v0) as TypeScript types, and the table of its fields that the text-format
 * reader and writer (schemaText.ts) are driven by.
 *
 * Objects mirror the protobuf messages field for field, with the proto field names (snake_case,
 * as in `schema.pbtxt`):
 * - an optional field absent from the text is `undefined`; present, it is set even to its default
 *   value (proto2 keeps presence: `min_count: 0` is not the same as no `min_count`);
 * - repeated fields are always arrays (empty when absent), map fields always objects;
 * - enums are their value names (`type: 'INT'`);
 * - int64/uint64 are `number` when within ±(2^53 - 1) and `bigint` beyond, so the int64 extremes
 *   of an `int_domain` stay exact (`<` and `>` compare numbers and bigints directly; JSON needs
 *   `int64JsonReplacer`); int32/uint32 are numbers;
 * - float and double are numbers (NaN and ±Infinity included);
 * - bytes are base64 strings (as in protobuf's JSON mapping).
 * Oneof members are plain optional fields; at most one of each oneof may be set.
 *
 * Every message of schema.proto is here (with derived_feature.proto and path.proto, which it
 * imports), plus two fields older tensorflow_metadata releases had and TFDV wrote:
 * `Schema.generate_legacy_feature_spec` and `Feature.derived_source`.
 */

export type Int64 = number | bigint;

export type FeatureType = 'TYPE_UNKNOWN' | 'BYTES' | 'INT' | 'FLOAT' | 'STRUCT';
export type LifecycleStage =
  | 'UNKNOWN_STAGE' | 'PLANNED' | 'ALPHA' | 'BETA' | 'PRODUCTION' | 'DEPRECATED' | 'DEBUG_ONLY' | 'DISABLED'
  | 'VALIDATION_DERIVED';
export type StringDomainCategorical = 'CATEGORICAL_UNSPECIFIED' | 'CATEGORICAL_YES' | 'CATEGORICAL_NO';
export type IntegerTimeFormat =
  | 'FORMAT_UNKNOWN' | 'UNIX_DAYS' | 'UNIX_SECONDS' | 'UNIX_MILLISECONDS' | 'UNIX_MICROSECONDS' | 'UNIX_NANOSECONDS';
export type IntegerTimeOfDayFormat = 'FORMAT_UNKNOWN' | 'PACKED_64_NANOS';
export type HistogramSelectionType = 'DEFAULT' | 'QUANTILES' | 'STANDARD';
export type RowPartitionDType = 'UNSPECIFIED' | 'INT64' | 'INT32';
export type SequentialStatus = 'SEQUENTIAL_UNSPECIFIED' | 'SEQUENTIAL_YES' | 'SEQUENTIAL_NO';
export type SliceValueTypes = 'VALUE_TYPE_DEFAULT' | 'VALUE_TYPE_INTEGER' | 'VALUE_TYPE_FLOAT' | 'VALUE_TYPE_UNSUPPORTED';

export interface Schema {
  feature: Feature[];
  string_domain: StringDomain[];
  default_environment: string[];
  sparse_feature: SparseFeature[];
  /** Legacy: older tensorflow_metadata releases had it, and TFDV wrote it as false. */
  generate_legacy_feature_spec?: boolean;
  annotation?: Annotation;
  float_domain: FloatDomain[];
  int_domain: IntDomain[];
  dataset_constraints?: DatasetConstraints;
  weighted_feature: WeightedFeature[];
  tensor_representation_group: Record<string, TensorRepresentationGroup>;
  represent_variable_length_as_ragged?: boolean;
}

export interface Feature {
  name?: string;
  deprecated?: boolean;
  // oneof presence_constraints
  presence?: FeaturePresence;
  group_presence?: FeaturePresenceWithinGroup;
  // oneof shape_type
  shape?: FixedShape;
  value_count?: ValueCount;
  value_counts?: ValueCountList;
  type?: FeatureType;
  // oneof domain_info
  /** Name of a schema-level `string_domain`. */
  domain?: string;
  int_domain?: IntDomain;
  float_domain?: FloatDomain;
  string_domain?: StringDomain;
  bool_domain?: BoolDomain;
  struct_domain?: StructDomain;
  natural_language_domain?: NaturalLanguageDomain;
  image_domain?: ImageDomain;
  mid_domain?: MIDDomain;
  url_domain?: URLDomain;
  time_domain?: TimeDomain;
  time_of_day_domain?: TimeOfDayDomain;
  distribution_constraints?: DistributionConstraints;
  annotation?: Annotation;
  skew_comparator?: FeatureComparator;
  drift_comparator?: FeatureComparator;
  in_environment: string[];
  not_in_environment: string[];
  lifecycle_stage?: LifecycleStage;
  unique_constraints?: UniqueConstraints;
  /** Legacy name of validation_derived_source (field 33, now reserved). */
  derived_source?: DerivedFeatureSource;
  validation_derived_source?: DerivedFeatureSource;
  sequence_metadata?: SequenceMetadata;
}

export interface ValueCountList { value_count: ValueCount[] }
export interface ValueCount { min?: Int64; max?: Int64 }
export interface FixedShape { dim: FixedShapeDim[] }
export interface FixedShapeDim { size?: Int64; name?: string }
export interface FeaturePresence { min_fraction?: number; min_count?: Int64 }
export interface FeaturePresenceWithinGroup { required?: boolean }

export interface IntDomain { name?: string; min?: Int64; max?: Int64; is_categorical?: boolean }
export interface FloatDomain {
  name?: string;
  /** float (32-bit) in the proto: written with the shortest digits that read back the same float. */
  min?: number;
  max?: number;
  disallow_nan?: boolean;
  disallow_inf?: boolean;
  is_embedding?: boolean;
  is_categorical?: boolean;
  embedding_dim?: Int64;
}
export interface StringDomain { name?: string; value: string[]; is_categorical?: StringDomainCategorical }
export interface BoolDomain { name?: string; true_value?: string; false_value?: string }
export interface StructDomain { feature: Feature[]; sparse_feature: SparseFeature[] }
export interface NaturalLanguageDomain {
  vocabulary?: string;
  coverage?: FeatureCoverageConstraints;
  token_constraints: SequenceValueConstraints[];
  location_constraint_regex?: string;
  sequence_length_constraints?: SequenceLengthConstraints;
}
export interface FeatureCoverageConstraints {
  min_coverage?: number;
  min_avg_token_length?: number;
  excluded_string_tokens: string[];
  excluded_int_tokens: Int64[];
  oov_string_tokens: string[];
}
export interface SequenceValueConstraints {
  // oneof value
  int_value?: Int64;
  string_value?: string;
  min_per_sequence?: Int64;
  max_per_sequence?: Int64;
  min_fraction_of_sequences?: number;
  max_fraction_of_sequences?: number;
}
export interface SequenceLengthConstraints {
  excluded_int_value: Int64[];
  excluded_string_value: string[];
  min_sequence_length?: Int64;
  max_sequence_length?: Int64;
}
export interface ImageDomain { minimum_supported_image_fraction?: number; max_image_byte_size?: Int64 }
export type MIDDomain = Record<string, never>;
export type URLDomain = Record<string, never>;
export interface TimeDomain { string_format?: string; integer_format?: IntegerTimeFormat }
export interface TimeOfDayDomain { string_format?: string; integer_format?: IntegerTimeOfDayFormat }

export interface DistributionConstraints { min_domain_mass?: number }
export interface FeatureComparator {
  infinity_norm?: InfinityNorm;
  jensen_shannon_divergence?: JensenShannonDivergence;
  normalized_abs_difference?: NormalizedAbsoluteDifference;
}
export interface InfinityNorm { threshold?: number }
export interface JensenShannonDivergence { threshold?: number; source?: HistogramSelection }
export interface HistogramSelection { type?: HistogramSelectionType }
export interface NormalizedAbsoluteDifference { threshold?: number }
export interface UniqueConstraints { min?: Int64; max?: Int64 }

export interface DatasetConstraints {
  num_examples_drift_comparator?: NumericValueComparator;
  num_examples_version_comparator?: NumericValueComparator;
  min_examples_count?: Int64;
  max_examples_count?: Int64;
}
export interface NumericValueComparator { min_fraction_threshold?: number; max_fraction_threshold?: number }

export interface Annotation { tag: string[]; comment: string[]; extra_metadata: Any[] }
/**
 * google.protobuf.Any. Written either as `type_url` + `value` (bytes, base64 here), or expanded:
 * `[type.googleapis.com/pkg.Message] { ... }`, whose body cannot be checked without that
 * message's definition, so it is kept as the fields written (`expanded`) and written back as is.
 */
export interface Any { type_url?: string; value?: string; expanded?: TextField[] }
/** A field of a message whose definition is unknown: a scalar as written, or a nested message. */
export interface TextField { name: string; value: string | TextField[] }

export interface WeightedFeature { name?: string; feature?: Path; weight_feature?: Path; lifecycle_stage?: LifecycleStage }
export interface SparseFeature {
  name?: string;
  deprecated?: boolean;
  presence?: FeaturePresence;
  dense_shape?: FixedShape;
  index_feature: SparseFeatureIndexFeature[];
  lifecycle_stage?: LifecycleStage;
  is_sorted?: boolean;
  value_feature?: SparseFeatureValueFeature;
  type?: FeatureType;
}
export interface SparseFeatureIndexFeature { name?: string }
export interface SparseFeatureValueFeature { name?: string }

export interface TensorRepresentationGroup { tensor_representation: Record<string, TensorRepresentation> }
export interface TensorRepresentation {
  // oneof kind
  dense_tensor?: DenseTensor;
  varlen_sparse_tensor?: VarLenSparseTensor;
  sparse_tensor?: SparseTensor;
  ragged_tensor?: RaggedTensor;
}
export interface DefaultValue {
  // oneof kind
  float_value?: number;
  int_value?: Int64;
  /** base64 */
  bytes_value?: string;
  uint_value?: Int64;
}
export interface DenseTensor { column_name?: string; shape?: FixedShape; default_value?: DefaultValue }
export interface VarLenSparseTensor { column_name?: string }
export interface SparseTensor {
  dense_shape?: FixedShape;
  index_column_names: string[];
  value_column_name?: string;
  already_sorted?: boolean;
}
export interface RaggedTensor { feature_path?: Path; row_partition_dtype?: RowPartitionDType; partition: RaggedTensorPartition[] }
export interface RaggedTensorPartition { uniform_row_length?: Int64; row_length?: string }

export interface SequenceMetadata { sequential_status?: SequentialStatus; joint_group?: string; sequence_truncation_limit?: Int64 }
export interface Path { step: string[] }

// derived_feature.proto is proto3: its scalars have no presence, and a default value ("", 0,
// false, the first enum value) reads as absent and is never written.
export interface DerivedFeatureSource {
  deriver_name?: string;
  description?: string;
  source_path: Path[];
  declaratively_configured?: boolean;
  config?: DerivedFeatureConfig;
}
export interface DerivedFeatureConfig {
  // oneof type
  allowlist?: AllowlistDeriver;
  argmax_top_k?: ArgmaxTopK;
  reduce_op?: ReduceOp;
  slice_sql?: SliceSql;
}
/** bytes, base64 */
export interface AllowlistDeriver { allowed_bytes_value: string[]; placeholder_value?: string }
export interface ArgmaxTopK { k?: number }
export interface ReduceOp { op_name?: string }
export interface SliceSql { expression?: string; feature_value_type?: SliceValueTypes; drop_struct_name?: boolean }

/** Message type names (as in the field table) to their TypeScript types. */
export interface MessageTypes {
  Schema: Schema;
  Feature: Feature;
  ValueCountList: ValueCountList;
  ValueCount: ValueCount;
  FixedShape: FixedShape;
  'FixedShape.Dim': FixedShapeDim;
  FeaturePresence: FeaturePresence;
  FeaturePresenceWithinGroup: FeaturePresenceWithinGroup;
  IntDomain: IntDomain;
  FloatDomain: FloatDomain;
  StringDomain: StringDomain;
  BoolDomain: BoolDomain;
  StructDomain: StructDomain;
  NaturalLanguageDomain: NaturalLanguageDomain;
  FeatureCoverageConstraints: FeatureCoverageConstraints;
  SequenceValueConstraints: SequenceValueConstraints;
  SequenceLengthConstraints: SequenceLengthConstraints;
  ImageDomain: ImageDomain;
  MIDDomain: MIDDomain;
  URLDomain: URLDomain;
  TimeDomain: TimeDomain;
  TimeOfDayDomain: TimeOfDayDomain;
  DistributionConstraints: DistributionConstraints;
  FeatureComparator: FeatureComparator;
  InfinityNorm: InfinityNorm;
  JensenShannonDivergence: JensenShannonDivergence;
  HistogramSelection: HistogramSelection;
  NormalizedAbsoluteDifference: NormalizedAbsoluteDifference;
  UniqueConstraints: UniqueConstraints;
  DatasetConstraints: DatasetConstraints;
  NumericValueComparator: NumericValueComparator;
  Annotation: Annotation;
  Any: Any;
  WeightedFeature: WeightedFeature;
  SparseFeature: SparseFeature;
  'SparseFeature.IndexFeature': SparseFeatureIndexFeature;
  'SparseFeature.ValueFeature': SparseFeatureValueFeature;
  TensorRepresentationGroup: TensorRepresentationGroup;
  TensorRepresentation: TensorRepresentation;
  'TensorRepresentation.DefaultValue': DefaultValue;
  'TensorRepresentation.DenseTensor': DenseTensor;
  'TensorRepresentation.VarLenSparseTensor': VarLenSparseTensor;
  'TensorRepresentation.SparseTensor': SparseTensor;
  'TensorRepresentation.RaggedTensor': RaggedTensor;
  'TensorRepresentation.RaggedTensor.Partition': RaggedTensorPartition;
  SequenceMetadata: SequenceMetadata;
  Path: Path;
  DerivedFeatureSource: DerivedFeatureSource;
  DerivedFeatureConfig: DerivedFeatureConfig;
  AllowlistDeriver: AllowlistDeriver;
  ArgmaxTopK: ArgmaxTopK;
  ReduceOp: ReduceOp;
  SliceSql: SliceSql;
}
export type MessageName = keyof MessageTypes;

// ---------------------------------------------------------------------------------------------
// The field table: what the text format needs of schema.proto (names, numbers, types, oneofs).

export type ScalarKind = 'string' | 'bytes' | 'bool' | 'int32' | 'uint32' | 'int64' | 'uint64' | 'float' | 'double';

export interface FieldInfo {
  name: string;
  number: number;
  kind: ScalarKind | 'enum' | 'message' | 'map';
  /** The message or enum type; for a map, the type of its values (its keys are strings). */
  type?: string;
  repeated?: boolean;
  oneof?: string;
  /** proto3 singular scalar: no presence, so its default value is never written. */
  implicit?: boolean;
}

export interface MessageInfo {
  name: string;
  /** As protobuf names it in messages: tensorflow.metadata.v0.Feature. */
  fullName: string;
  /** In field-number order: the order protobuf's text printer writes them. */
  fields: FieldInfo[];
}

export interface EnumInfo {
  name: string;
  values: [name: string, number: number][];
}

type FieldSpec = [number: number, name: string, kind: FieldInfo['kind'], type?: string, flags?: string];

/** flags: "repeated", "implicit", "oneof:NAME" separated by spaces. */
function message(name: string, specs: FieldSpec[], pkg = 'tensorflow.metadata.v0'): MessageInfo {
  const fields = specs.map(([number, fieldName, kind, type, flags = '']): FieldInfo => {
    const words = flags.split(' ');
    const oneof = words.find(w => w.startsWith('oneof:'))?.slice('oneof:'.length);
    return {
      name: fieldName, number, kind, ...(type ? { type } : {}),
      ...(words.includes('repeated') ? { repeated: true } : {}),
      ...(words.includes('implicit') ? { implicit: true } : {}),
      ...(oneof ? { oneof } : {}),
    };
  });
  fields.sort((a, b) => a.number - b.number);
  return { name, fullName: `${pkg}.${name}`, fields };
}

const R = 'repeated';
const P3 = 'implicit';

export const MESSAGES: Record<string, MessageInfo> = Object.fromEntries([
  message('Schema', [
    [1, 'feature', 'message', 'Feature', R],
    [4, 'string_domain', 'message', 'StringDomain', R],
    [5, 'default_environment', 'string', undefined, R],
    [6, 'sparse_feature', 'message', 'SparseFeature', R],
    [7, 'generate_legacy_feature_spec', 'bool'],
    [8, 'annotation', 'message', 'Annotation'],
    [9, 'float_domain', 'message', 'FloatDomain', R],
    [10, 'int_domain', 'message', 'IntDomain', R],
    [11, 'dataset_constraints', 'message', 'DatasetConstraints'],
    [12, 'weighted_feature', 'message', 'WeightedFeature', R],
    [13, 'tensor_representation_group', 'map', 'TensorRepresentationGroup'],
    [14, 'represent_variable_length_as_ragged', 'bool'],
  ]),
  message('ValueCountList', [[1, 'value_count', 'message', 'ValueCount', R]]),
  message('Feature', [
    [1, 'name', 'string'],
    [2, 'deprecated', 'bool'],
    [5, 'value_count', 'message', 'ValueCount', 'oneof:shape_type'],
    [6, 'type', 'enum', 'FeatureType'],
    [7, 'domain', 'string', undefined, 'oneof:domain_info'],
    [9, 'int_domain', 'message', 'IntDomain', 'oneof:domain_info'],
    [10, 'float_domain', 'message', 'FloatDomain', 'oneof:domain_info'],
    [11, 'string_domain', 'message', 'StringDomain', 'oneof:domain_info'],
    [13, 'bool_domain', 'message', 'BoolDomain', 'oneof:domain_info'],
    [14, 'presence', 'message', 'FeaturePresence', 'oneof:presence_constraints'],
    [15, 'distribution_constraints', 'message', 'DistributionConstraints'],
    [16, 'annotation', 'message', 'Annotation'],
    [17, 'group_presence', 'message', 'FeaturePresenceWithinGroup', 'oneof:presence_constraints'],
    [18, 'skew_comparator', 'message', 'FeatureComparator'],
    [19, 'not_in_environment', 'string', undefined, R],
    [20, 'in_environment', 'string', undefined, R],
    [21, 'drift_comparator', 'message', 'FeatureComparator'],
    [22, 'lifecycle_stage', 'enum', 'LifecycleStage'],
    [23, 'shape', 'message', 'FixedShape', 'oneof:shape_type'],
    [24, 'natural_language_domain', 'message', 'NaturalLanguageDomain', 'oneof:domain_info'],
    [25, 'image_domain', 'message', 'ImageDomain', 'oneof:domain_info'],
    [26, 'mid_domain', 'message', 'MIDDomain', 'oneof:domain_info'],
    [27, 'url_domain', 'message', 'URLDomain', 'oneof:domain_info'],
    [28, 'time_domain', 'message', 'TimeDomain', 'oneof:domain_info'],
    [29, 'struct_domain', 'message', 'StructDomain', 'oneof:domain_info'],
    [30, 'time_of_day_domain', 'message', 'TimeOfDayDomain', 'oneof:domain_info'],
    [31, 'unique_constraints', 'message', 'UniqueConstraints'],
    [32, 'value_counts', 'message', 'ValueCountList', 'oneof:shape_type'],
    [33, 'derived_source', 'message', 'DerivedFeatureSource'],
    [34, 'validation_derived_source', 'message', 'DerivedFeatureSource'],
    [35, 'sequence_metadata', 'message', 'SequenceMetadata'],
  ]),
  message('Annotation', [
    [1, 'tag', 'string', undefined, R],
    [2, 'comment', 'string', undefined, R],
    [3, 'extra_metadata', 'message', 'Any', R],
  ]),
  message('NumericValueComparator', [
    [1, 'min_fraction_threshold', 'double'],
    [2, 'max_fraction_threshold', 'double'],
  ]),
  message('DatasetConstraints', [
    [1, 'num_examples_drift_comparator', 'message', 'NumericValueComparator'],
    [2, 'num_examples_version_comparator', 'message', 'NumericValueComparator'],
    [3, 'min_examples_count', 'int64'],
    [4, 'max_examples_count', 'int64'],
  ]),
  message('FixedShape', [[2, 'dim', 'message', 'FixedShape.Dim', R]]),
  message('FixedShape.Dim', [[1, 'size', 'int64'], [2, 'name', 'string']]),
  message('ValueCount', [[1, 'min', 'int64'], [2, 'max', 'int64']]),
  message('WeightedFeature', [
    [1, 'name', 'string'],
    [2, 'feature', 'message', 'Path'],
    [3, 'weight_feature', 'message', 'Path'],
    [4, 'lifecycle_stage', 'enum', 'LifecycleStage'],
  ]),
  message('SparseFeature', [
    [1, 'name', 'string'],
    [2, 'deprecated', 'bool'],
    [4, 'presence', 'message', 'FeaturePresence'],
    [5, 'dense_shape', 'message', 'FixedShape'],
    [6, 'index_feature', 'message', 'SparseFeature.IndexFeature', R],
    [7, 'lifecycle_stage', 'enum', 'LifecycleStage'],
    [8, 'is_sorted', 'bool'],
    [9, 'value_feature', 'message', 'SparseFeature.ValueFeature'],
    [10, 'type', 'enum', 'FeatureType'],
  ]),
  message('SparseFeature.IndexFeature', [[1, 'name', 'string']]),
  message('SparseFeature.ValueFeature', [[1, 'name', 'string']]),
  message('DistributionConstraints', [[1, 'min_domain_mass', 'double']]),
  message('FeatureCoverageConstraints', [
    [1, 'min_coverage', 'float'],
    [2, 'min_avg_token_length', 'float'],
    [3, 'excluded_string_tokens', 'string', undefined, R],
    [4, 'excluded_int_tokens', 'int64', undefined, R],
    [5, 'oov_string_tokens', 'string', undefined, R],
  ]),
  message('SequenceValueConstraints', [
    [1, 'int_value', 'int64', undefined, 'oneof:value'],
    [2, 'string_value', 'string', undefined, 'oneof:value'],
    [3, 'min_per_sequence', 'int64'],
    [4, 'max_per_sequence', 'int64'],
    [5, 'min_fraction_of_sequences', 'float'],
    [6, 'max_fraction_of_sequences', 'float'],
  ]),
  message('SequenceLengthConstraints', [
    [1, 'excluded_int_value', 'int64', undefined, R],
    [2, 'excluded_string_value', 'string', undefined, R],
    [3, 'min_sequence_length', 'int64'],
    [4, 'max_sequence_length', 'int64'],
  ]),
  message('IntDomain', [[1, 'name', 'string'], [3, 'min', 'int64'], [4, 'max', 'int64'], [5, 'is_categorical', 'bool']]),
  message('FloatDomain', [
    [1, 'name', 'string'],
    [3, 'min', 'float'],
    [4, 'max', 'float'],
    [5, 'disallow_nan', 'bool'],
    [6, 'disallow_inf', 'bool'],
    [7, 'is_embedding', 'bool'],
    [8, 'is_categorical', 'bool'],
    [9, 'embedding_dim', 'int64'],
  ]),
  message('StructDomain', [
    [1, 'feature', 'message', 'Feature', R],
    [2, 'sparse_feature', 'message', 'SparseFeature', R],
  ]),
  message('StringDomain', [
    [1, 'name', 'string'],
    [2, 'value', 'string', undefined, R],
    [3, 'is_categorical', 'enum', 'StringDomain.Categorical'],
  ]),
  message('BoolDomain', [[1, 'name', 'string'], [2, 'true_value', 'string'], [3, 'false_value', 'string']]),
  message('NaturalLanguageDomain', [
    [1, 'vocabulary', 'string'],
    [2, 'coverage', 'message', 'FeatureCoverageConstraints'],
    [3, 'token_constraints', 'message', 'SequenceValueConstraints', R],
    [4, 'location_constraint_regex', 'string'],
    [5, 'sequence_length_constraints', 'message', 'SequenceLengthConstraints'],
  ]),
  message('ImageDomain', [[1, 'minimum_supported_image_fraction', 'float'], [2, 'max_image_byte_size', 'int64']]),
  message('MIDDomain', []),
  message('URLDomain', []),
  message('TimeDomain', [
    [1, 'string_format', 'string', undefined, 'oneof:format'],
    [2, 'integer_format', 'enum', 'TimeDomain.IntegerTimeFormat', 'oneof:format'],
  ]),
  message('TimeOfDayDomain', [
    [1, 'string_format', 'string', undefined, 'oneof:format'],
    [2, 'integer_format', 'enum', 'TimeOfDayDomain.IntegerTimeOfDayFormat', 'oneof:format'],
  ]),
  message('FeaturePresence', [[1, 'min_fraction', 'double'], [2, 'min_count', 'int64']]),
  message('FeaturePresenceWithinGroup', [[1, 'required', 'bool']]),
  message('InfinityNorm', [[1, 'threshold', 'double']]),
  message('HistogramSelection', [[1, 'type', 'enum', 'HistogramSelection.Type']]),
  message('JensenShannonDivergence', [[1, 'threshold', 'double'], [2, 'source', 'message', 'HistogramSelection']]),
  message('NormalizedAbsoluteDifference', [[1, 'threshold', 'double']]),
  message('FeatureComparator', [
    [1, 'infinity_norm', 'message', 'InfinityNorm'],
    [2, 'jensen_shannon_divergence', 'message', 'JensenShannonDivergence'],
    [3, 'normalized_abs_difference', 'message', 'NormalizedAbsoluteDifference'],
  ]),
  message('UniqueConstraints', [[1, 'min', 'int64'], [2, 'max', 'int64']]),
  message('TensorRepresentation', [
    [1, 'dense_tensor', 'message', 'TensorRepresentation.DenseTensor', 'oneof:kind'],
    [2, 'varlen_sparse_tensor', 'message', 'TensorRepresentation.VarLenSparseTensor', 'oneof:kind'],
    [3, 'sparse_tensor', 'message', 'TensorRepresentation.SparseTensor', 'oneof:kind'],
    [4, 'ragged_tensor', 'message', 'TensorRepresentation.RaggedTensor', 'oneof:kind'],
  ]),
  message('TensorRepresentation.DefaultValue', [
    [1, 'float_value', 'double', undefined, 'oneof:kind'],
    [2, 'int_value', 'int64', undefined, 'oneof:kind'],
    [3, 'bytes_value', 'bytes', undefined, 'oneof:kind'],
    [4, 'uint_value', 'uint64', undefined, 'oneof:kind'],
  ]),
  message('TensorRepresentation.DenseTensor', [
    [1, 'column_name', 'string'],
    [2, 'shape', 'message', 'FixedShape'],
    [3, 'default_value', 'message', 'TensorRepresentation.DefaultValue'],
  ]),
  message('TensorRepresentation.VarLenSparseTensor', [[1, 'column_name', 'string']]),
  message('TensorRepresentation.SparseTensor', [
    [1, 'dense_shape', 'message', 'FixedShape'],
    [2, 'index_column_names', 'string', undefined, R],
    [3, 'value_column_name', 'string'],
    [4, 'already_sorted', 'bool'],
  ]),
  message('TensorRepresentation.RaggedTensor', [
    [1, 'feature_path', 'message', 'Path'],
    [2, 'row_partition_dtype', 'enum', 'TensorRepresentation.RowPartitionDType'],
    [3, 'partition', 'message', 'TensorRepresentation.RaggedTensor.Partition', R],
  ]),
  message('TensorRepresentation.RaggedTensor.Partition', [
    [1, 'uniform_row_length', 'int64', undefined, 'oneof:kind'],
    [2, 'row_length', 'string', undefined, 'oneof:kind'],
  ]),
  message('TensorRepresentationGroup', [[1, 'tensor_representation', 'map', 'TensorRepresentation']]),
  message('SequenceMetadata', [
    [3, 'sequential_status', 'enum', 'SequenceMetadata.SequentialStatus'],
    [4, 'joint_group', 'string'],
    [5, 'sequence_truncation_limit', 'int64'],
  ]),
  message('Path', [[1, 'step', 'string', undefined, R]]),
  message('DerivedFeatureSource', [
    [1, 'deriver_name', 'string', undefined, P3],
    [2, 'description', 'string', undefined, P3],
    [3, 'source_path', 'message', 'Path', R],
    [4, 'declaratively_configured', 'bool', undefined, P3],
    [5, 'config', 'message', 'DerivedFeatureConfig'],
  ]),
  message('DerivedFeatureConfig', [
    [1, 'allowlist', 'message', 'AllowlistDeriver', 'oneof:type'],
    [2, 'argmax_top_k', 'message', 'ArgmaxTopK', 'oneof:type'],
    [3, 'reduce_op', 'message', 'ReduceOp', 'oneof:type'],
    [4, 'slice_sql', 'message', 'SliceSql', 'oneof:type'],
  ]),
  message('AllowlistDeriver', [[1, 'allowed_bytes_value', 'bytes', undefined, R], [2, 'placeholder_value', 'bytes', undefined, P3]]),
  message('ArgmaxTopK', [[1, 'k', 'uint32', undefined, P3]]),
  message('ReduceOp', [[1, 'op_name', 'string', undefined, P3]]),
  message('SliceSql', [
    [1, 'expression', 'string', undefined, P3],
    [2, 'feature_value_type', 'enum', 'SliceValueTypes', P3],
    [3, 'drop_struct_name', 'bool', undefined, P3],
  ]),
  message('Any', [[1, 'type_url', 'string', undefined, P3], [2, 'value', 'bytes', undefined, P3]], 'google.protobuf'),
].map(m => [m.name, m]));

export const ENUMS: Record<string, EnumInfo> = Object.fromEntries(([
  ['FeatureType', [['TYPE_UNKNOWN', 0], ['BYTES', 1], ['INT', 2], ['FLOAT', 3], ['STRUCT', 4]]],
  ['LifecycleStage', [
    ['UNKNOWN_STAGE', 0], ['PLANNED', 1], ['ALPHA', 2], ['BETA', 3], ['PRODUCTION', 4], ['DEPRECATED', 5],
    ['DEBUG_ONLY', 6], ['DISABLED', 7], ['VALIDATION_DERIVED', 9],
  ]],
  ['StringDomain.Categorical', [['CATEGORICAL_UNSPECIFIED', 0], ['CATEGORICAL_YES', 1], ['CATEGORICAL_NO', 2]]],
  ['TimeDomain.IntegerTimeFormat', [
    ['FORMAT_UNKNOWN', 0], ['UNIX_DAYS', 5], ['UNIX_SECONDS', 1], ['UNIX_MILLISECONDS', 2], ['UNIX_MICROSECONDS', 3],
    ['UNIX_NANOSECONDS', 4],
  ]],
  ['TimeOfDayDomain.IntegerTimeOfDayFormat', [['FORMAT_UNKNOWN', 0], ['PACKED_64_NANOS', 1]]],
  ['HistogramSelection.Type', [['DEFAULT', 0], ['QUANTILES', 1], ['STANDARD', 2]]],
  ['TensorRepresentation.RowPartitionDType', [['UNSPECIFIED', 0], ['INT64', 1], ['INT32', 2]]],
  ['SequenceMetadata.SequentialStatus', [['SEQUENTIAL_UNSPECIFIED', 0], ['SEQUENTIAL_YES', 1], ['SEQUENTIAL_NO', 2]]],
  ['SliceValueTypes', [['VALUE_TYPE_DEFAULT', 0], ['VALUE_TYPE_INTEGER', 1], ['VALUE_TYPE_FLOAT', 2], ['VALUE_TYPE_UNSUPPORTED', 3]]],
] as [string, [string, number][]][]).map(([name, values]) => [name, { name, values }]));

/** A message with every repeated field an empty array and every map an empty object. */
export function newMessage<K extends MessageName>(type: K, init: Partial<MessageTypes[K]> = {}): MessageTypes[K] {
  const info = MESSAGES[type];
  if (!info) throw new Error(`unknown message type ${type}`);
  const out: Record<string, unknown> = {};
  for (const f of info.fields) {
    if (f.repeated) out[f.name] = [];
    else if (f.kind === 'map') out[f.name] = {};
  }
  return Object.assign(out, init) as MessageTypes[K];
}

/** For JSON.stringify: int64 values beyond 2^53 become decimal strings (as protobuf's JSON does). */
export function int64JsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

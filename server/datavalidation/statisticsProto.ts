// tensorflow_metadata's DatasetFeatureStatisticsList (tensorflow_metadata/proto/v0/
// statistics.proto) in the proto3 JSON mapping: lowerCamelCase names, 64-bit integers as
// decimal strings, enums by name, non-finite doubles as "NaN", "Infinity", "-Infinity".
// Every field is optional, as in proto3 JSON where a default value (0, "", empty) may be
// left out; read a missing count as 0. Only the messages and fields used here are declared.

/** A double or float in proto3 JSON. */
export type JsonDouble = number | 'NaN' | 'Infinity' | '-Infinity';
/** A uint64/int64 in proto3 JSON: a decimal string. */
export type JsonInt64 = string;

export type FeatureType = 'INT' | 'FLOAT' | 'STRING' | 'BYTES' | 'STRUCT';
export type HistogramType = 'STANDARD' | 'QUANTILES';

export interface DatasetFeatureStatisticsList {
  datasets: DatasetFeatureStatistics[];
}

export interface DatasetFeatureStatistics {
  name?: string;
  numExamples?: JsonInt64;
  features?: FeatureNameStatistics[];
}

export interface Path {
  step: string[];
}

export interface FeatureNameStatistics {
  /** This module writes `path`, never `name` (the proto's oneof allows either). */
  name?: string;
  path?: Path;
  type?: FeatureType;
  numStats?: NumericStatistics;
  stringStats?: StringStatistics;
  bytesStats?: BytesStatistics;
  customStats?: CustomStatistic[];
}

export interface CommonStatistics {
  numNonMissing?: JsonInt64;
  numMissing?: JsonInt64;
  minNumValues?: JsonInt64;
  maxNumValues?: JsonInt64;
  avgNumValues?: JsonDouble;
  totNumValues?: JsonInt64;
  numValuesHistogram?: Histogram;
}

export interface NumericStatistics {
  commonStats?: CommonStatistics;
  mean?: JsonDouble;
  stdDev?: JsonDouble;
  numZeros?: JsonInt64;
  min?: JsonDouble;
  median?: JsonDouble;
  max?: JsonDouble;
  histograms?: Histogram[];
}

export interface Histogram {
  numNan?: JsonInt64;
  numUndefined?: JsonInt64;
  buckets?: HistogramBucket[];
  type?: HistogramType;
  name?: string;
}

export interface HistogramBucket {
  lowValue?: JsonDouble;
  highValue?: JsonDouble;
  sampleCount?: JsonDouble;
}

export interface StringStatistics {
  commonStats?: CommonStatistics;
  unique?: JsonInt64;
  topValues?: FreqAndValue[];
  avgLength?: JsonDouble;
  rankHistogram?: RankHistogram;
}

export interface FreqAndValue {
  value?: string;
  frequency?: JsonDouble;
}

export interface RankHistogram {
  buckets?: RankHistogramBucket[];
  name?: string;
}

export interface RankHistogramBucket {
  lowRank?: JsonInt64;
  highRank?: JsonInt64;
  label?: string;
  sampleCount?: JsonDouble;
}

export interface BytesStatistics {
  commonStats?: CommonStatistics;
  unique?: JsonInt64;
  avgNumBytes?: JsonDouble;
  minNumBytes?: JsonDouble;
  maxNumBytes?: JsonDouble;
}

export interface CustomStatistic {
  name?: string;
  num?: JsonDouble;
  str?: string;
  histogram?: Histogram;
  rankHistogram?: RankHistogram;
}

/** A double for proto3 JSON. */
export function jsonDouble(x: number): JsonDouble {
  if (Number.isFinite(x)) return x;
  return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
}

/** A JSON double back to a number (a missing field is 0, its proto3 default). */
export function fromJsonDouble(x: JsonDouble | undefined): number {
  return x === undefined ? 0 : typeof x === 'number' ? x : Number(x);
}

/** A JSON int64 back to a number (a missing field is 0); exact up to 2^53. */
export function fromJsonInt64(x: JsonInt64 | undefined): number {
  return x === undefined ? 0 : Number(x);
}

// Reading ONNX models: the protobuf decode (onnx-proto, the static protobufjs code of onnx.proto
// v1.10), the checks that turn bad files into UserErrors naming the file, tensors whose bytes live
// in external data files, and int64 (Long) conversions.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type Long from 'long';
import { onnx } from 'onnx-proto';
import { UserError } from '../common/errors';

/**
 * Protobuf cannot serialise or parse a message of 2 GiB or more (sizes are signed 32-bit); models
 * above it keep their weights in external data files.
 */
export const PROTOBUF_MAX_BYTES = 2 ** 31 - 1;

export interface LoadedOnnxModel {
  model: onnx.ModelProto;
  sizeBytes: number;
}

export interface LoadOptions {
  /** Refuse files larger than this without reading them (default PROTOBUF_MAX_BYTES; tests lower it). */
  maxBytes?: number;
  /** Check that every external data file exists and is long enough (default true). */
  checkExternalData?: boolean;
}

/** Decodes a serialised ModelProto; anything that is not one is a UserError naming `file`. */
export function decodeOnnxModel(bytes: Uint8Array, file: string): onnx.ModelProto {
  if (bytes.length === 0) throw new UserError('not an ONNX model: the file is empty', file);
  let model: onnx.ModelProto;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (err) {
    // protobufjs says "index out of range: 812 + 10 > 815" or "invalid wire type 6 at offset 3".
    throw new UserError(`truncated or not an ONNX model: ${err instanceof Error ? err.message : String(err)}`, file);
  }
  // Protobuf skips unknown fields, so some random bytes decode "successfully" into an empty message.
  if (!model.graph) throw new UserError('truncated or not an ONNX model: it has no graph', file);
  if (longToNumber(model.irVersion) <= 0) throw new UserError('truncated or not an ONNX model: it has no ir_version', file);
  return model;
}

/** Reads and decodes a model file, refusing files protobuf cannot parse before reading them. */
export async function loadOnnxModel(file: string, options: LoadOptions = {}): Promise<LoadedOnnxModel> {
  let stat: fs.Stats;
  try {
    stat = await fs.promises.stat(file);
  } catch (err) {
    throw new UserError(fileErrorReason(err, 'cannot read the model'), file);
  }
  if (!stat.isFile()) throw new UserError('not a file', file);
  checkModelSize(stat.size, file, options.maxBytes);
  let bytes: Buffer;
  try {
    bytes = await fs.promises.readFile(file);
  } catch (err) {
    throw new UserError(fileErrorReason(err, 'cannot read the model'), file);
  }
  const model = decodeOnnxModel(bytes, file);
  if (options.checkExternalData !== false) checkExternalData(model, file);
  return { model, sizeBytes: stat.size };
}

/** Throws the ">2 GB" UserError for a file of `sizeBytes`. */
export function checkModelSize(sizeBytes: number, file: string, maxBytes = PROTOBUF_MAX_BYTES): void {
  if (sizeBytes > maxBytes) {
    throw new UserError(
      `the model is ${formatSize(sizeBytes)}, above protobuf's 2 GB limit (${formatSize(maxBytes)}); ` +
      'models this large must keep their weights in external data files (onnx.save_model(..., save_as_external_data=True))',
      file,
    );
  }
}

// ---- external data -----------------------------------------------------------------------------

export interface ExternalDataRef {
  /** The path as written in the model (relative to the model's folder). */
  location: string;
  /** Resolved absolute path. */
  file: string;
  offset: number;
  /** Bytes to read; undefined = to the end of the file. */
  length?: number;
}

export function isExternal(tensor: onnx.ITensorProto): boolean {
  return tensor.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL;
}

/**
 * Where an initializer's bytes live (`external_data` entries location/offset/length), resolved
 * against the model's folder. `modelFile` is named in errors.
 */
export function externalDataRef(tensor: onnx.ITensorProto, modelFile: string): ExternalDataRef {
  const entries = new Map<string, string>();
  for (const e of tensor.externalData ?? []) entries.set(e.key ?? '', e.value ?? '');
  const what = `tensor "${tensor.name ?? ''}"`;
  const location = entries.get('location');
  if (!location) throw new UserError(`${what} is stored externally but its external_data has no location`, modelFile);
  // As onnx.checker: the data must lie inside the model's folder.
  const normalised = path.normalize(location);
  if (path.isAbsolute(location) || normalised === '..' || normalised.startsWith(`..${path.sep}`)) {
    throw new UserError(`${what}: external data location "${location}" must be a path inside the model's folder`, modelFile);
  }
  const offset = entries.has('offset') ? parseIntEntry(entries.get('offset')!, 'offset', what, modelFile) : 0;
  const length = entries.has('length') ? parseIntEntry(entries.get('length')!, 'length', what, modelFile) : undefined;
  return { location, file: path.join(path.dirname(modelFile), normalised), offset, length };
}

/** Every initializer (in the graph and its subgraphs) whose data is external. */
export function externalTensors(model: onnx.IModelProto): onnx.ITensorProto[] {
  const out: onnx.ITensorProto[] = [];
  const visit = (graph: onnx.IGraphProto | null | undefined) => {
    if (!graph) return;
    for (const t of graph.initializer ?? []) if (isExternal(t)) out.push(t);
    for (const node of graph.node ?? []) {
      for (const a of node.attribute ?? []) {
        if (a.t && isExternal(a.t)) out.push(a.t);
        for (const t of a.tensors ?? []) if (isExternal(t)) out.push(t);
        visit(a.g);
        for (const g of a.graphs ?? []) visit(g);
      }
    }
  };
  visit(model.graph);
  return out;
}

/** Checks that every external data file exists and holds the ranges the model points to. */
export function checkExternalData(model: onnx.IModelProto, modelFile: string): void {
  const sizes = new Map<string, number>();
  for (const tensor of externalTensors(model)) {
    const ref = externalDataRef(tensor, modelFile);
    let size = sizes.get(ref.file);
    if (size === undefined) {
      size = externalFileSize(ref, tensor, modelFile);
      sizes.set(ref.file, size);
    }
    checkRange(ref, size, tensor, modelFile);
  }
}

/** Reads the bytes of an externally stored tensor. */
export async function readExternalData(tensor: onnx.ITensorProto, modelFile: string): Promise<Uint8Array> {
  const ref = externalDataRef(tensor, modelFile);
  const size = externalFileSize(ref, tensor, modelFile);
  checkRange(ref, size, tensor, modelFile);
  const length = ref.length ?? size - ref.offset;
  const buffer = Buffer.alloc(length);
  const handle = await fs.promises.open(ref.file, 'r');
  try {
    let done = 0;
    while (done < length) {
      const { bytesRead } = await handle.read(buffer, done, length - done, ref.offset + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    if (done < length) throw new UserError(`external data file "${ref.location}" ended after ${done} of ${length} bytes of tensor "${tensor.name ?? ''}"`, modelFile);
  } finally {
    await handle.close();
  }
  return buffer;
}

function externalFileSize(ref: ExternalDataRef, tensor: onnx.ITensorProto, modelFile: string): number {
  try {
    const stat = fs.statSync(ref.file);
    if (!stat.isFile()) throw new UserError(`external data "${ref.location}" of tensor "${tensor.name ?? ''}" is not a file (${ref.file})`, modelFile);
    return stat.size;
  } catch (err) {
    if (err instanceof UserError) throw err;
    const reason = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'not found' : fileErrorReason(err, 'cannot be read');
    throw new UserError(`external data file "${ref.location}" of tensor "${tensor.name ?? ''}" ${reason} (looked for ${ref.file})`, modelFile);
  }
}

function checkRange(ref: ExternalDataRef, size: number, tensor: onnx.ITensorProto, modelFile: string): void {
  const end = ref.offset + (ref.length ?? 0);
  if (ref.offset > size || end > size) {
    throw new UserError(
      `external data file "${ref.location}" is ${size} bytes but tensor "${tensor.name ?? ''}" needs bytes ${ref.offset}..${end}`, modelFile);
  }
}

function parseIntEntry(value: string, key: string, what: string, modelFile: string): number {
  if (!/^\d+$/.test(value.trim())) throw new UserError(`${what}: external_data ${key} "${value}" is not a non-negative integer`, modelFile);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new UserError(`${what}: external_data ${key} ${value} is too large`, modelFile);
  return n;
}

// ---- int64 -------------------------------------------------------------------------------------

/** protobufjs decodes int64 fields as Long (when the `long` package is present) or number. */
export type Int64 = number | Long | null | undefined;

function isLong(v: unknown): v is Long {
  return typeof v === 'object' && v !== null && typeof (v as Long).toNumber === 'function';
}

/** The value as a number (undefined/null → 0); beyond 2^53 it is rounded, as JavaScript numbers are. */
export function longToNumber(v: Int64): number {
  if (v === null || v === undefined) return 0;
  return isLong(v) ? v.toNumber() : v;
}

/** The exact value as a bigint. */
export function longToBigInt(v: Int64): bigint {
  if (v === null || v === undefined) return 0n;
  if (isLong(v)) return BigInt(v.toString());
  return BigInt(Math.trunc(v));
}

/** The exact decimal value, for display (INT64_MAX stays 9223372036854775807). */
export function longToString(v: Int64): string {
  if (v === null || v === undefined) return '0';
  return v.toString();
}

// ---- helpers -----------------------------------------------------------------------------------

function fileErrorReason(err: unknown, fallback: string): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ENOENT') return 'file not found';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'is a folder';
  return `${fallback}: ${err instanceof Error ? err.message : String(err)}`;
}

function formatSize(n: number): string {
  if (n >= 1024 ** 3) return `${(n / 1024 ** 3).toFixed(2)} GiB`;
  if (n >= 1024 ** 2) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  return `${n} bytes`;
}

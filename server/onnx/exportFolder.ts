// Export of a model folder (model.json + weights) to an .onnx file, then the parity check.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../common/atomicWrite';
import { describeError, throwIfAborted, UserError } from '../common/errors';
import { checkTopology, exportLayersModel, type ExportResult, type TensorDescription } from './export';
import { loadLayersModel, readModelFolder } from './modelFolder';
import { checkParity, type ParityReport } from './parity';

/** Parity differences above this are reported as a problem (float32 arithmetic in a different order stays far below). */
export const DEFAULT_PARITY_TOLERANCE = 1e-4;

export interface ExportFolderOptions {
  opset?: number;
  /** Skip the parity check. */
  noParity?: boolean;
  tolerance?: number;
  threads?: number;
  producerVersion?: string;
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
}

export interface ExportFolderResult {
  /** The model.json read. */
  source: string;
  /** The .onnx file written. */
  file: string;
  bytes: number;
  opset: number;
  input: TensorDescription;
  output: TensorDescription;
  layers: ExportResult['layers'];
  /** The parity report, or why it could not be made (e.g. ONNX Runtime is missing). */
  parity: (ParityReport & { tolerance: number; ok: boolean }) | { error: string } | { skipped: true };
}

export async function exportModelFolder(dirOrFile: string, output: string, options: ExportFolderOptions = {}): Promise<ExportFolderResult> {
  const progress = options.onProgress ?? (() => {});
  progress('reading the model');
  const folder = await readModelFolder(dirOrFile);
  // Every unsupported layer is listed before TensorFlow.js tries (and fails) to build them.
  checkTopology(folder.topology, folder.file);
  throwIfAborted(options.signal);
  progress('loading it in TensorFlow.js');
  const model = await loadLayersModel(folder);
  try {
    throwIfAborted(options.signal);
    progress('converting to ONNX');
    let exported: ExportResult;
    try {
      exported = exportLayersModel(model, { opset: options.opset, source: path.relative(path.dirname(output), folder.file) || folder.file, producerVersion: options.producerVersion });
    } catch (err) {
      if (err instanceof UserError && !err.file) throw new UserError(err.message, folder.file);
      throw err;
    }
    if (fs.existsSync(output) && fs.statSync(output).isDirectory()) throw new UserError('is a folder', output);
    writeFileAtomic(output, exported.bytes);
    let parity: ExportFolderResult['parity'] = { skipped: true };
    if (!options.noParity) {
      throwIfAborted(options.signal);
      progress('checking parity with ONNX Runtime');
      const tolerance = options.tolerance ?? DEFAULT_PARITY_TOLERANCE;
      try {
        const report = await checkParity(model, exported, { threads: options.threads });
        parity = { ...report, tolerance, ok: report.maxAbsDiff <= tolerance };
      } catch (err) {
        parity = { error: describeError(err) };
      }
    }
    return {
      source: folder.file, file: output, bytes: exported.bytes.length, opset: exported.opset,
      input: exported.input, output: exported.output, layers: exported.layers, parity,
    };
  } finally {
    model.dispose();
  }
}

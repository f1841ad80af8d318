// Reads a model file into the viewer's ModelView: decode (load.ts), read externally stored weights
// for their summaries (up to a budget, so a 10 GB model opens without reading 10 GB), build.
import * as fs from 'node:fs';
import { throwIfAborted } from '../common/errors';
import { buildModelView, type ModelView } from './graphView';
import { externalDataRef, externalTensors, loadOnnxModel, readExternalData } from './load';

export interface LoadViewOptions {
  signal?: AbortSignal;
  onProgress?: (message: string) => void;
  /** Read at most this many bytes of external data for summaries (default 1 GiB). */
  externalBudgetBytes?: number;
}

export interface LoadedModelView {
  view: ModelView;
  loadMs: number;
  buildMs: number;
}

export async function loadModelView(file: string, options: LoadViewOptions = {}): Promise<LoadedModelView> {
  const started = performance.now();
  options.onProgress?.('reading the model');
  const { model, sizeBytes } = await loadOnnxModel(file);
  throwIfAborted(options.signal);

  const externalData = new Map<string, Uint8Array>();
  let budget = options.externalBudgetBytes ?? 2 ** 30;
  const external = externalTensors(model);
  for (const [k, tensor] of external.entries()) {
    throwIfAborted(options.signal);
    // Without a length entry the data runs to the end of the file: count the file's size.
    const ref = externalDataRef(tensor, file);
    const length = ref.length ?? (await fs.promises.stat(ref.file)).size - ref.offset;
    if (length > budget) continue;
    options.onProgress?.(`reading external weights (${k + 1} of ${external.length})`);
    const bytes = await readExternalData(tensor, file);
    budget -= bytes.length;
    externalData.set(tensor.name ?? '', bytes);
  }
  const loadMs = performance.now() - started;

  options.onProgress?.('building the graph');
  const view = buildModelView(model, sizeBytes, { externalData });
  return { view, loadMs: Math.round(loadMs), buildMs: Math.round(performance.now() - started - loadMs) };
}

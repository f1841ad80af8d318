// Which TensorFlow.js backend trains: tfjs-node (native TensorFlow) when it is installed, else
// the wasm backend (XNNPACK, SIMD), else the pure-JS cpu backend. The choice and why are
// reported to the user (training results, `mlw/ml/backend`, `mlw train`).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { UserError } from '../common/errors';
import { patchWasmKernels } from './wasmKernels';

import { BACKEND_NAMES, type BackendName } from './config';

export { BACKEND_NAMES, type BackendName };

export interface BackendChoice {
  name: BackendName;
  /** One line for the user: what was chosen and why the faster ones were not. */
  description: string;
  /** The faster backends that were tried and why they were not used. */
  skipped: { name: BackendName; reason: string }[];
}

export interface BackendOptions {
  /** 'auto' (default) picks the fastest that works; a name insists on that one. */
  backend?: BackendName | 'auto';
  /** Folders to look for the wasm binaries in, first match wins (default: see wasmFolders()). */
  wasmFolders?: string[];
  /** Loads tfjs-node; replaceable so tests can simulate it being installed or broken. */
  loadNode?: () => unknown;
}

const WASM_BINARY = 'tfjs-backend-wasm-simd.wasm';

/**
 * Where the wasm binaries are: dist/wasm beside the bundle (the build copies them there), or the
 * package's own dist folder when running from out/ (tests, benchmarks).
 */
export function wasmFolders(): string[] {
  const folders = [path.join(__dirname, 'wasm')];
  try {
    folders.push(path.join(path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist'));
  } catch { /* bundled without node_modules: dist/wasm only */ }
  return folders;
}

function loadTfjsNode(): unknown {
  // Optional dependency, external to the bundles: present only when the user installed it.
  return require('@tensorflow/tfjs-node');
}

function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  return message.split('\n')[0];
}

let chosen: BackendChoice | undefined;

/**
 * Selects and initialises the backend (once per thread: tfjs keeps one global engine). Later
 * calls return the first choice.
 */
export async function selectBackend(tf: typeof TF, options: BackendOptions = {}): Promise<BackendChoice> {
  if (chosen) return chosen;
  const want = options.backend ?? 'auto';
  if (want !== 'auto' && !BACKEND_NAMES.includes(want)) {
    throw new UserError(`unknown backend "${want}" (expected auto, ${BACKEND_NAMES.join(', ')})`);
  }
  // Production mode: no per-op debug checks, no console banners (stdout may be a protocol).
  tf.enableProdMode();
  const skipped: BackendChoice['skipped'] = [];
  const attempts: Record<BackendName, () => Promise<string | undefined>> = {
    tensorflow: async () => {
      try {
        (options.loadNode ?? loadTfjsNode)();
      } catch (err) {
        const missing = (err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND';
        return missing ? '@tensorflow/tfjs-node is not installed' : `@tensorflow/tfjs-node failed to load: ${firstLine(err)}`;
      }
      if (!tf.findBackendFactory('tensorflow')) return '@tensorflow/tfjs-node loaded but registered no backend';
      return (await tf.setBackend('tensorflow')) ? undefined : 'the tensorflow backend failed to initialise';
    },
    wasm: async () => {
      const folder = (options.wasmFolders ?? wasmFolders()).find(d => fs.existsSync(path.join(d, WASM_BINARY)));
      if (!folder) return `the wasm binaries (${WASM_BINARY}) were not found in ${(options.wasmFolders ?? wasmFolders()).join(', ')}`;
      try {
        const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
        wasm.setWasmPaths(folder + path.sep);
        if (!(await tf.setBackend('wasm'))) return `the wasm backend failed to initialise from ${folder}`;
      } catch (err) {
        return `the wasm backend failed to initialise: ${firstLine(err)}`;
      }
      patchWasmKernels(tf);
      return undefined;
    },
    cpu: async () => ((await tf.setBackend('cpu')) ? undefined : 'the cpu backend failed to initialise'),
  };
  const order: BackendName[] = want === 'auto' ? [...BACKEND_NAMES] : [want];
  for (const name of order) {
    const reason = await attempts[name]();
    if (reason === undefined) {
      const why = skipped.length ? ` (${skipped.map(s => `${s.name}: ${s.reason}`).join('; ')})` : '';
      chosen = { name, description: `TensorFlow.js backend: ${name}${why}`, skipped };
      return chosen;
    }
    if (want !== 'auto') throw new UserError(`backend ${name} is not available: ${reason}`);
    skipped.push({ name, reason });
  }
  throw new Error(`no TensorFlow.js backend could be initialised: ${skipped.map(s => `${s.name}: ${s.reason}`).join('; ')}`);
}

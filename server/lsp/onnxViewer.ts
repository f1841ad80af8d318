// The ONNX viewer's request: a model's graph (or one of its subgraphs), laid out. The decoded
// model is summarised once per file version and kept, with the layouts made so far, for the
// last few files, so entering a subgraph or reopening a model does not read it again.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { onnxGraphRequest, type OnnxGraphResult } from '../../shared/protocol';
import { UserError } from '../common/errors';
import { layoutGraph, type GraphLayout } from '../onnx/graphLayout';
import { loadModelView } from '../onnx/graphModel';
import { MAIN_GRAPH_ID, type ModelView } from '../onnx/graphView';
import { runJob } from './progress';

interface CachedModel {
  mtimeMs: number;
  size: number;
  view: ModelView;
  loadMs: number;
  buildMs: number;
  layouts: Map<string, GraphLayout>;
}

const MAX_CACHED_MODELS = 4;

export function registerOnnxViewer(connection: Connection): void {
  const cache = new Map<string, CachedModel>();

  connection.onRequest(onnxGraphRequest, (params, token) =>
    runJob(connection, 'Opening ONNX model', params, token, async (job): Promise<OnnxGraphResult> => {
      const file = params.file;
      if (typeof file !== 'string' || !file) throw new UserError('no file given');
      if (!path.isAbsolute(file)) throw new UserError('the path must be absolute', file);
      let stat: fs.Stats;
      try {
        stat = await fs.promises.stat(file);
      } catch {
        throw new UserError('file not found', file);
      }

      let entry = cache.get(file);
      let fresh = false;
      if (!entry || entry.mtimeMs !== stat.mtimeMs || entry.size !== stat.size) {
        const loaded = await loadModelView(file, { signal: job.signal, onProgress: m => job.report(m) });
        entry = { mtimeMs: stat.mtimeMs, size: stat.size, ...loaded, layouts: new Map() };
        fresh = true;
      }
      // Most recently used last.
      cache.delete(file);
      cache.set(file, entry);
      while (cache.size > MAX_CACHED_MODELS) cache.delete(cache.keys().next().value!);

      const graphId = params.graphId || MAIN_GRAPH_ID;
      const graph = entry.view.graphs.get(graphId);
      if (!graph) throw new UserError(`the model has no graph "${graphId}"`, file);
      let layout = entry.layouts.get(graphId);
      let layoutMs = 0;
      if (!layout) {
        job.report(`laying out ${graph.nodes.length.toLocaleString('en-US')} nodes`);
        layout = await layoutGraph(graph, job.signal);
        layoutMs = layout.layoutMs;
        entry.layouts.set(graphId, layout);
      }
      return {
        model: entry.view.model,
        graph,
        layout,
        timings: { loadMs: fresh ? entry.loadMs : 0, buildMs: fresh ? entry.buildMs : 0, layoutMs },
      };
    }));
}

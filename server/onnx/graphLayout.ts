// Positions for a graph view: node boxes sized by graphBoxes.ts, laid out top-down by ELK's
// layered algorithm (the Sugiyama method: layers, crossing minimisation, node placement, edge
// routing) on a worker thread, so the server keeps answering while a large graph is laid out.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { ElkExtendedEdge, ElkNode } from 'elkjs/lib/elk-api';
import { CancelledError, throwIfAborted } from '../common/errors';
import { boxSize, nodeBox, terminalBox } from './graphBoxes';
import type { LayoutWorkerReply } from './graphLayoutWorker';
import type { GraphView } from './graphView';

export interface GraphLayout {
  width: number;
  height: number;
  /** By endpoint id (nodes "n<k>", inputs "i<k>", outputs "o<k>", outer values "x<k>"): x, y, width, height. */
  boxes: Record<string, [number, number, number, number]>;
  /** Per edge of the view (same order): the polyline's points, x0, y0, x1, y1, … */
  edges: number[][];
  /** Time the layout took. */
  layoutMs: number;
}

/** ELK options: top-down, room between layers for the shape labels, ONNX's order kept where possible. */
function layoutOptions(nodeCount: number): Record<string, string> {
  return {
    'elk.algorithm': 'layered',
    'elk.direction': 'DOWN',
    'elk.edgeRouting': 'POLYLINE',
    'elk.spacing.nodeNode': '24',
    'elk.spacing.edgeNode': '12',
    'elk.spacing.edgeEdge': '8',
    'elk.layered.spacing.nodeNodeBetweenLayers': '40',
    'elk.layered.spacing.edgeNodeBetweenLayers': '14',
    'elk.layered.considerModelOrder.strategy': 'NODES_AND_EDGES',
    // Fewer crossing-minimisation sweeps on big graphs: the order ONNX gives is already good.
    'elk.layered.thoroughness': nodeCount > 1000 ? '1' : '7',
    'elk.padding': '[top=24,left=24,bottom=24,right=24]',
  };
}

/** The graph as ELK takes it: every node and terminal with its size, every edge. */
export function elkGraph(view: GraphView): ElkNode {
  const children: ElkNode[] = [];
  for (const t of [...view.inputs, ...view.outer]) children.push({ id: t.id, ...boxSize(terminalBox(t), true) });
  for (const n of view.nodes) children.push({ id: n.id, ...boxSize(nodeBox(n, view)) });
  for (const t of view.outputs) children.push({ id: t.id, ...boxSize(terminalBox(t), true) });
  const edges: ElkExtendedEdge[] = view.edges.map((e, k) => ({ id: `e${k}`, sources: [e.from], targets: [e.to] }));
  return { id: 'root', layoutOptions: layoutOptions(view.nodes.length), children, edges };
}

const round = (v: number) => Math.round(v * 10) / 10;

export function toLayout(laidOut: ElkNode, edgeCount: number, layoutMs: number): GraphLayout {
  const boxes: GraphLayout['boxes'] = {};
  for (const c of laidOut.children ?? []) boxes[c.id] = [round(c.x ?? 0), round(c.y ?? 0), c.width ?? 0, c.height ?? 0];
  const edges: number[][] = Array.from({ length: edgeCount }, () => []);
  for (const e of (laidOut.edges ?? []) as ElkExtendedEdge[]) {
    const k = Number(e.id.slice(1));
    const points: number[] = [];
    for (const s of e.sections ?? []) {
      for (const p of [s.startPoint, ...(s.bendPoints ?? []), s.endPoint]) points.push(round(p.x), round(p.y));
    }
    edges[k] = points;
  }
  return { width: Math.ceil(laidOut.width ?? 0), height: Math.ceil(laidOut.height ?? 0), boxes, edges, layoutMs };
}

/** Lays out a graph on a worker thread; aborting the signal stops the worker at once. */
export async function layoutGraph(view: GraphView, signal?: AbortSignal): Promise<GraphLayout> {
  const started = performance.now();
  const laidOut = await runElk(elkGraph(view), signal);
  return toLayout(laidOut, view.edges.length, Math.round(performance.now() - started));
}

/** Runs ELK on a worker thread (with the large stack it needs on long chains). */
export async function runElk(graph: ElkNode, signal?: AbortSignal): Promise<ElkNode> {
  throwIfAborted(signal);
  // The worker script sits beside this module both in dist/ (bundled) and out/ (compiled).
  const worker = new Worker(path.join(__dirname, 'graphLayoutWorker.js'), { resourceLimits: { stackSizeMb: 256 } });
  try {
    return await new Promise<ElkNode>((resolve, reject) => {
      const onAbort = () => reject(new CancelledError());
      signal?.addEventListener('abort', onAbort, { once: true });
      worker.once('message', (reply: LayoutWorkerReply) => {
        signal?.removeEventListener('abort', onAbort);
        if (reply.ok) resolve(reply.graph);
        else reject(new Error(`graph layout failed: ${reply.error}`));
      });
      worker.once('error', err => reject(new Error(`graph layout failed: ${err.message}`)));
      worker.postMessage(graph);
    });
  } finally {
    void worker.terminate();
  }
}

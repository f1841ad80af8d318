// Worker thread that lays out one graph with ELK's layered algorithm (elkjs). ELK recurses deeply
// on long chains, so the thread is started with a large stack (graphLayout.ts).
import { parentPort } from 'node:worker_threads';
import ELK from 'elkjs/lib/elk.bundled.js';
import type { ElkNode } from 'elkjs/lib/elk-api';

export type LayoutWorkerReply = { ok: true; graph: ElkNode } | { ok: false; error: string };

const elk = new ELK();

parentPort!.on('message', (graph: ElkNode) => {
  elk.layout(graph).then(
    laidOut => parentPort!.postMessage({ ok: true, graph: laidOut } satisfies LayoutWorkerReply),
    (err: unknown) => parentPort!.postMessage({ ok: false, error: err instanceof Error ? err.message : String(err) } satisfies LayoutWorkerReply),
  );
});

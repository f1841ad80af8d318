// Browser side of the viewer benchmark (bundled by run.ts): draws a laid-out graph the way the
// viewer does (only what is in view) and, as the peer, every box and edge at once.
import type { GraphLayout } from '../../server/onnx/graphLayout';
import type { GraphView } from '../../server/onnx/graphView';
import { s } from '../../webviews/common/dom';
import { GraphCanvas } from '../../webviews/onnxViewer/graphCanvas';

const afterPaint = () => new Promise<void>(resolve => requestAnimationFrame(() => setTimeout(resolve, 0)));

async function firstPaint(graph: GraphView, layout: GraphLayout, mode: 'culled' | 'all'): Promise<{ ms: number; elements: number }> {
  const host = document.getElementById('host')!;
  host.replaceChildren();
  await afterPaint();
  const started = performance.now();
  const canvas = new GraphCanvas({ select: () => undefined, openGraph: () => undefined, zoomed: () => undefined });
  host.append(canvas.element);
  canvas.setGraph(graph, layout);
  if (mode === 'all') {
    // Everything in the DOM, at the same place and scale as the viewer starts.
    const viewport = canvas.svg.querySelector('g.viewport')!;
    viewport.replaceChildren(...canvas.buildAll());
    viewport.append(s('g'));
  }
  await afterPaint();
  return { ms: performance.now() - started, elements: canvas.svg.querySelectorAll('*').length };
}

(window as unknown as { bench: unknown }).bench = { firstPaint };

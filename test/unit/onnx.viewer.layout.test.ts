// Layout of graph views by ELK on a worker thread: every box placed at the size asked for, no
// two boxes overlapping, every edge pointing down from its source's bottom to its target's top,
// also for a 3,000-node model (ELK recurses deeply on long chains); cancellation stops it.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { onnx } from 'onnx-proto';
import { CancelledError } from '../../server/common/errors';
import { boxSize, nodeBox, terminalBox } from '../../server/onnx/graphBoxes';
import { layoutGraph, type GraphLayout } from '../../server/onnx/graphLayout';
import { buildModelView, type GraphView } from '../../server/onnx/graphView';
import { chainModel, encode, ifModel, mlpModel } from './onnx.viewer.models';

function mainGraph(m: onnx.IModelProto, id = 'main'): GraphView {
  const bytes = encode(m);
  return buildModelView(onnx.ModelProto.decode(bytes), bytes.length).graphs.get(id)!;
}

/** The checks every layout must pass. */
function checkLayout(g: GraphView, layout: GraphLayout): void {
  const ids = [...g.inputs, ...g.outer, ...g.outputs].map(t => t.id).concat(g.nodes.map(n => n.id));
  assert.deepEqual(Object.keys(layout.boxes).sort(), [...ids].sort());
  for (const n of g.nodes) {
    const [, , w, h] = layout.boxes[n.id];
    assert.deepEqual({ width: w, height: h }, boxSize(nodeBox(n, g)), n.id);
  }
  for (const t of [...g.inputs, ...g.outputs, ...g.outer]) {
    const [, , w, h] = layout.boxes[t.id];
    assert.deepEqual({ width: w, height: h }, boxSize(terminalBox(t), true), t.id);
  }
  // No overlaps: sweep boxes by top edge.
  const boxes = Object.entries(layout.boxes).sort((a, b) => a[1][1] - b[1][1]);
  for (let i = 0; i < boxes.length; i++) {
    const [ida, [ax, ay, aw, ah]] = boxes[i];
    for (let j = i + 1; j < boxes.length && boxes[j][1][1] < ay + ah; j++) {
      const [idb, [bx, , bw]] = boxes[j];
      assert.ok(bx >= ax + aw || ax >= bx + bw, `${ida} and ${idb} overlap`);
    }
  }
  assert.equal(layout.edges.length, g.edges.length);
  g.edges.forEach((e, k) => {
    const [sx, sy, sw, sh] = layout.boxes[e.from];
    const [tx, ty, tw] = layout.boxes[e.to];
    const p = layout.edges[k];
    assert.ok(p.length >= 4, `edge ${k} has a route`);
    assert.ok(sy + sh <= ty, `edge ${k} (${e.from}→${e.to}) goes down`);
    const [x0, y0, x1, y1] = [p[0], p[1], p[p.length - 2], p[p.length - 1]];
    assert.ok(Math.abs(y0 - (sy + sh)) <= 1 && x0 >= sx - 1 && x0 <= sx + sw + 1, `edge ${k} starts on the bottom of ${e.from}`);
    assert.ok(Math.abs(y1 - ty) <= 1 && x1 >= tx - 1 && x1 <= tx + tw + 1, `edge ${k} ends on the top of ${e.to}`);
  });
  for (const [x, y, w, h] of Object.values(layout.boxes)) assert.ok(x >= 0 && y >= 0 && x + w <= layout.width && y + h <= layout.height);
}

test('the MLP is laid out top-down in its order: X, fc1, relu1, fc2, softmax, Y', async () => {
  const g = mainGraph(mlpModel());
  const layout = await layoutGraph(g);
  checkLayout(g, layout);
  const order = ['i0', 'n0', 'n1', 'n2', 'n3', 'o0'].map(id => layout.boxes[id][1]);
  assert.deepEqual([...order].sort((a, b) => a - b), order);
});

test('a subgraph with a value from the outer scope is laid out', async () => {
  const g = mainGraph(ifModel(), 'main/0.else_branch');
  checkLayout(g, await layoutGraph(g));
});

test('3,000 nodes (750 residual blocks) are laid out on the worker thread without overflowing its stack', async () => {
  const g = mainGraph(chainModel(750));
  assert.equal(g.nodes.length, 3000);
  // Per block: in→conv, conv→bn, bn→relu, relu→add, in→add; then the last add → output.
  assert.equal(g.edges.length, 750 * 5 + 1);
  const layout = await layoutGraph(g);
  checkLayout(g, layout);
});

test('aborting stops a layout', async () => {
  const g = mainGraph(chainModel(750));
  const abort = new AbortController();
  const pending = layoutGraph(g, abort.signal);
  setTimeout(() => abort.abort(), 50);
  await assert.rejects(pending, (e: unknown) => e instanceof CancelledError);
  // Aborted before it starts: no worker at all.
  await assert.rejects(layoutGraph(g, abort.signal), (e: unknown) => e instanceof CancelledError);
});

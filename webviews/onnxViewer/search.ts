// Finding things in a graph: nodes by name, operator type, tensor name or shape; inputs and
// outputs by name or shape. Pure functions (no DOM), so they are tested directly.
import type { GraphView } from '../../server/onnx/graphView';

/**
 * A query that looks like a shape ("1,4,8,8", "[batch, 3]", "4x8") is compared with shapes in
 * their "1×4×8×8" form; anything else is compared as text.
 */
export function normaliseQuery(query: string): { text: string; shape?: string } {
  const text = query.trim().toLowerCase();
  const inner = text.replace(/^[[(]\s*/, '').replace(/\s*[\])]$/, '');
  const parts = inner.split(/\s*[,x×*]\s*/);
  const looksLikeShape = parts.length > 1 && parts.every(p => /^(\d+|\?|[a-z_][\w]*)$/.test(p)) && parts.some(p => /^\d+$/.test(p));
  return looksLikeShape ? { text, shape: parts.join('×') } : { text };
}

/** Ids of the endpoints (nodes "n<k>", terminals) matching the query, in drawing order. */
export function findMatches(graph: GraphView, query: string): string[] {
  const { text, shape } = normaliseQuery(query);
  if (!text) return [];
  const shapeOf = (name: string) => graph.values[name]?.shape?.toLowerCase();
  const matchesValue = (name: string) => {
    if (!name) return false;
    if (name.toLowerCase().includes(text)) return true;
    const s = shapeOf(name) ?? (graph.initializers[name] ? graph.initializers[name].dims.join('×') : undefined);
    return s !== undefined && s !== '' && (s.includes(shape ?? text));
  };
  const ids: string[] = [];
  for (const t of graph.inputs) if (matchesValue(t.name)) ids.push(t.id);
  for (const t of graph.outer) if (matchesValue(t.name)) ids.push(t.id);
  for (const n of graph.nodes) {
    if (n.name.toLowerCase().includes(text) || n.opType.toLowerCase().includes(text) || n.inputs.some(matchesValue) || n.outputs.some(matchesValue)) {
      ids.push(n.id);
    }
  }
  for (const t of graph.outputs) if (matchesValue(t.name)) ids.push(t.id);
  return ids;
}

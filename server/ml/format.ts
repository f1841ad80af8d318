// How training figures are shown (progress, CLI summaries). No TensorFlow.js here: the CLI
// and the server's main thread use it.

/** 45s, 3m05s, 1h02m. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** "loss 0.1234 · acc 0.9120 · val_loss 1.234e-5". */
export function formatLogs(logs: Record<string, number>): string {
  const value = (v: number) => (Math.abs(v) >= 1e4 || (Math.abs(v) < 1e-3 && v !== 0) ? v.toExponential(3) : v.toFixed(4));
  return Object.entries(logs).map(([k, v]) => `${k} ${value(v)}`).join(' · ');
}

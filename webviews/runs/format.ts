// Numbers, times and durations as the runs view shows them (en-US digits, like the CLI).

const significant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 6 });
const integer = new Intl.NumberFormat('en-US');

/** A metric value: up to 6 significant digits, exponents when very large or small. */
export function formatValue(x: number | string | null | undefined): string {
  if (x === null || x === undefined) return '—';
  if (typeof x === 'string') return x === 'Infinity' ? '∞' : x === '-Infinity' ? '−∞' : x;
  if (Number.isNaN(x)) return 'NaN';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-4) return x.toExponential(3).replace(/\.?0+e/, 'e').replace('e+', 'e').replace(/-/g, '−');
  if (Number.isInteger(x)) return integer.format(x).replace('-', '−');
  return significant.format(x).replace('-', '−');
}

/** Axis ticks: short. */
export function formatTick(x: number): string {
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e6 || a < 1e-3) return x.toExponential(1).replace('.0e', 'e').replace('e+', 'e').replace(/-/g, '−');
  if (a >= 1000) return `${Number((x / 1000).toPrecision(3))}k`.replace('-', '−');
  return String(Number(x.toPrecision(4))).replace('-', '−');
}

/** "Jan 2, 2026, 03:04:05" in local time. */
export function formatTime(ms: number | undefined): string {
  if (!ms) return '—';
  return new Date(ms).toLocaleString('en-US', { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
}

/** "850 ms", "12.3 s", "3 min 05 s", "1 h 02 min". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min ${String(s % 60).padStart(2, '0')} s`;
}

/** Seconds on a relative-time axis: "45 s", "2.5 min", "1.2 h". */
export function formatSeconds(s: number): string {
  const a = Math.abs(s);
  if (a < 120) return `${Number(s.toPrecision(3))} s`;
  if (a < 7200) return `${Number((s / 60).toPrecision(3))} min`;
  return `${Number((s / 3600).toPrecision(3))} h`;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${integer.format(n)} ${n === 1 ? word : many}`;
}

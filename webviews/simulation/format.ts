// Number formatting shared by the simulation views (en-US digits, as the CLI prints them).

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return integer.format(n);
}

/** Simulated time: whole numbers as they are, others with two decimals. */
export function formatTime(t: number): string {
  return Number.isInteger(t) ? String(t) : t.toFixed(2);
}

/** Decimal units, as `mlw sync` prints them. */
export function formatBytes(n: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let i = 0;
  while (n >= 1000 && i < units.length - 1) {
    n /= 1000;
    i++;
  }
  return `${i === 0 ? n : n.toFixed(1)} ${units[i]}`;
}

/** A 1-2-5 step of at least `min`. */
export function niceStep(min: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(min, 1e-9)));
  for (const m of [1, 2, 5, 10]) if (m * p >= min) return m * p;
  return 10 * p;
}

// Number formatting, fixed to en-US digits so the numbers read the same as the CLI's.

const integer = new Intl.NumberFormat('en-US');
const significant = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 });
const compact = new Intl.NumberFormat('en-US', { notation: 'compact', maximumFractionDigits: 1 });

export function formatCount(n: number): string {
  return Number.isInteger(n) ? integer.format(n) : integer.format(Math.round(n * 10) / 10);
}

/** "1 feature", "1,204 features". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** A statistic: up to 4 significant digits, exponent notation when very large or small. */
export function formatNumber(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '–';
  if (!Number.isFinite(x)) return x > 0 ? '∞' : '−∞';
  if (x === 0) return '0';
  const a = Math.abs(x);
  if (a >= 1e9 || a < 1e-4) return x.toExponential(2).replace('e+', 'e').replace('-', '−');
  if (Number.isInteger(x) && a < 1e6) return integer.format(x).replace('-', '−');
  if (a >= 1e6) return compact.format(x);
  return significant.format(x).replace('-', '−');
}

/** Short axis labels: "1.2k", "3.5M", "0.25". */
export function formatTick(x: number): string {
  if (!Number.isFinite(x)) return formatNumber(x);
  const a = Math.abs(x);
  if (a >= 1000) return compact.format(x).replace('-', '−');
  if (a === 0) return '0';
  if (a < 0.01) return x.toExponential(0).replace('-', '−');
  return String(Number(x.toPrecision(3))).replace('-', '−');
}

/** A share (0..1) as "2.2 %"; tiny but non-zero shares as "<0.1 %". */
export function formatShare(p: number, digits = 1): string {
  if (!Number.isFinite(p)) return '–';
  const pct = p * 100;
  if (pct > 0 && pct < 0.1) return '<0.1 %';
  if (pct >= 99.95 && pct < 100) return '>99.9 %';
  return `${pct.toFixed(pct === 0 || pct === 100 ? 0 : digits)} %`;
}

/** A distance (0..1): three decimals, as TFDV reports thresholds. */
export function formatDistance(x: number): string {
  return x >= 0.0005 || x === 0 ? x.toFixed(3) : '<0.001';
}

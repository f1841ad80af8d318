// Number, size and time formatting. Fixed to en-US digits so the numbers read the same as the
// CLI's and tests can compare text.

import type { EntryKind } from '../../server/merkle/tree';

const integer = new Intl.NumberFormat('en-US');

export function formatCount(n: number): string {
  return integer.format(n);
}

/** "1 file", "1,204 files". */
export function plural(n: number, word: string, many = `${word}s`): string {
  return `${formatCount(n)} ${n === 1 ? word : many}`;
}

/** Binary units like VS Code's own file sizes: 1 KB = 1024 B. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${formatCount(n)} B`;
  const units = ['KB', 'MB', 'GB', 'TB', 'PB'];
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const min = Math.floor(ms / 60_000);
  return `${min} min ${Math.round((ms % 60_000) / 1000)} s`;
}

/** A share as "2.2 %"; tiny but non-zero shares as "<0.1 %" rather than a misleading "0.0 %". */
export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return '0 %';
  const p = (part / whole) * 100;
  if (p > 0 && p < 0.1) return '<0.1 %';
  return `${p.toFixed(1)} %`;
}

export function kindLabel(kind: EntryKind | undefined): string {
  return kind === 'dir' ? 'folder' : kind ?? '';
}

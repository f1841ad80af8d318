// Everything above the tree: the two sides, the summary of changes and the problems list.

import type { DiffSide, MerkleDiffView } from '../../shared/webviewProtocol';
import { h } from '../common/dom';
import { formatCount, formatDuration, formatPercent, kindLabel, plural } from './format';

/** The two sides as cards with the relation of their roots between them. */
export function renderSides(view: MerkleDiffView): HTMLElement {
  const identical = view.a.root === view.b.root;
  const relation = h(
    'div',
    { class: 'relation', 'data-identical': String(identical), title: identical ? 'Root hashes are equal' : 'Root hashes differ' },
    identical ? '=' : '≠',
  );
  return h('header', { id: 'sides', class: 'sides' }, sideCard('A', view.a), relation, sideCard('B', view.b));
}

function sideCard(letter: 'A' | 'B', side: DiffSide): HTMLElement {
  // The hash element holds the full hash and CSS cuts it to 12 digits: copying or double-clicking
  // still yields the whole hash.
  const hash = h('span', { class: 'hash', title: `${side.root}\nDouble-click to select the full hash` }, h('span', { class: 'hash-text' }, side.root));
  return h(
    'section',
    { class: 'side-card', id: `side-${letter.toLowerCase()}`, 'data-side': letter, 'data-root': side.root, 'aria-label': `Side ${letter}` },
    h('span', { class: 'side-letter', 'aria-hidden': 'true' }, letter),
    h(
      'div',
      { class: 'side-main' },
      h('div', { class: 'side-title' }, h('span', { class: 'side-label', title: side.path }, side.label), h('span', { class: 'kind-chip' }, side.kind)),
      h('div', { class: 'side-root' }, h('span', { class: 'muted' }, 'root'), hash),
    ),
  );
}

/** Counts coloured like git decorations, then what the Merkle descent saved. */
export function renderSummary(view: MerkleDiffView): HTMLElement {
  const kinds = view.kindChanged;
  const kindTitle = kinds.length
    ? `Kind changes (also counted as modified):\n${kinds.slice(0, 20).map(k => `${k.path}: ${kindLabel(k.from)} → ${kindLabel(k.to)}`).join('\n')}${kinds.length > 20 ? `\n… ${kinds.length - 20} more` : ''}`
    : undefined;
  const counts = h(
    'div',
    { class: 'counts' },
    countChip('added', 'A', view.added, 'added', 'Files only in B'),
    countChip('removed', 'D', view.removed, 'removed', 'Files only in A'),
    countChip('modified', 'M', view.modified, 'modified', 'Paths in both sides whose content or kind differs'),
    kinds.length > 0 && countChip('kind', 'T', kinds.length, kinds.length === 1 ? 'kind change' : 'kind changes', kindTitle),
  );
  return h('section', { id: 'summary', class: 'summary', 'aria-label': 'Summary' }, counts, efficiency(view));
}

function countChip(id: string, letter: string, n: number, label: string, title?: string): HTMLElement {
  return h(
    'span',
    { class: `count${n === 0 ? ' zero' : ''}`, id: `count-${id}`, 'data-count': n, 'data-status': id, title },
    h('span', { class: 'badge', 'aria-hidden': 'true' }, letter),
    h('span', { class: 'n' }, formatCount(n)),
    ` ${label}`,
  );
}

/** "31 hash comparisons for 1,412 nodes (2.2 %)" with a bar showing that share. */
function efficiency(view: MerkleDiffView): HTMLElement {
  const share = view.nodes > 0 ? Math.min(1, view.comparisons / view.nodes) : 0;
  const fill = h('span', { class: 'meter-fill' });
  fill.style.width = `${(share * 100).toFixed(2)}%`;
  const title =
    'Equal hashes end the descent, so only branches that differ are compared.\n' +
    `A full walk would compare all ${formatCount(view.nodes)} nodes.`;
  return h(
    'div',
    { class: 'efficiency', id: 'efficiency', title },
    h(
      'span',
      { class: 'efficiency-text' },
      h('strong', {}, formatCount(view.comparisons)),
      ` hash ${view.comparisons === 1 ? 'comparison' : 'comparisons'} for `,
      h('strong', {}, formatCount(view.nodes)),
      ` ${view.nodes === 1 ? 'node' : 'nodes'} (${formatPercent(view.comparisons, view.nodes)})`,
    ),
    h('span', { class: 'meter', role: 'img', 'aria-label': `${formatPercent(view.comparisons, view.nodes)} of nodes compared` }, fill),
    h('span', { class: 'duration', id: 'duration', title: 'Time spent scanning and hashing both sides' }, formatDuration(view.durationMs)),
  );
}

/** Files that could not be hashed, collapsed by default behind a one-line warning. */
export function renderProblems(view: MerkleDiffView, open: boolean, onToggle: (open: boolean) => void): HTMLElement | null {
  const problems = view.problems;
  if (problems.length === 0) return null;
  const shown = problems.slice(0, 1000);
  const list = h(
    'ul',
    { class: 'problem-list' },
    ...shown.map(p =>
      h(
        'li',
        { 'data-path': p.path, 'data-side': p.side },
        h('span', { class: 'side-chip', title: `Side ${p.side}` }, p.side),
        h('span', { class: 'problem-path', title: p.path }, p.path),
        h('span', { class: 'problem-reason', title: p.reason }, p.reason),
      ),
    ),
    problems.length > shown.length && h('li', { class: 'more muted' }, `… and ${formatCount(problems.length - shown.length)} more`),
  );
  const details = h(
    'details',
    { id: 'problems', class: 'problems', open },
    h(
      'summary',
      {},
      h('span', { class: 'warning-glyph', 'aria-hidden': 'true' }, '⚠'),
      h('span', { class: 'problems-title' }, `${plural(problems.length, 'file')} could not be hashed`),
      h('span', { class: 'muted' }, ' — left out of the counts'),
    ),
    list,
  );
  details.addEventListener('toggle', () => onToggle(details.open));
  return details;
}

/** The calm message shown instead of a tree when the roots match. */
export function renderIdentical(view: MerkleDiffView): HTMLElement {
  const files = view.tree.files;
  return h(
    'div',
    { id: 'identical', class: 'identical', role: 'status' },
    h('div', { class: 'identical-mark', 'aria-hidden': 'true' }, '='),
    h('div', { class: 'identical-title' }, 'The two sides are identical'),
    h(
      'p',
      { class: 'muted' },
      files !== undefined ? `Both hold the same ${plural(files, 'file')}. ` : '',
      'The root hashes match, so a single comparison proved it — nothing below the roots needed to be looked at.',
    ),
  );
}

// The replica sync view: what the Merkle exchange cost against sending everything, the trees of
// the first exchange with the ranges and nodes that differed highlighted, how the cost grows
// with d and K, and what moving ranges costs in rebuilt trees.
import type { RangeTreeView, SyncResult } from '../../server/simulation/sync/antiEntropy';
import type { SyncView } from '../../shared/webviewProtocol';
import { h } from '../common/dom';
import { formatBytes, formatCount } from './format';

export function renderSync(view: SyncView, rerun: HTMLElement): HTMLElement {
  const r = view.result;
  return h('div', { class: 'sync' },
    h('header', { class: 'sim-header' },
      h('div', { class: 'title-row' }, h('h1', {}, view.title), rerun),
      h('div', { class: 'summary', id: 'summary' },
        stat('Replicas', String(r.replicas)),
        stat('Keys', formatCount(r.keys)),
        stat('Diverged', formatCount(r.diverged)),
        stat('Trees', `${r.ranges} ranges × branching ${r.branching}, depth ${r.depth}`),
        h('span', { class: `badge ${r.inSync ? 'ok' : 'danger'}`, id: 'in-sync' }, r.inSync ? `In sync after ${r.rounds} pass${r.rounds === 1 ? '' : 'es'}` : 'Not in sync'))),
    costTable(r),
    trees(r),
    view.scaling?.length ? scaling(view.scaling, r.branching) : null,
    rebuild(r),
    exchanges(r));
}

function stat(label: string, value: string): HTMLElement {
  return h('span', { class: 'stat' }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value));
}

function ratio(a: number, b: number): string {
  if (b === 0) return a === 0 ? '—' : '∞';
  const x = a / b;
  return x >= 0.01 ? `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %` : `${(x * 100).toFixed(4)} %`;
}

function costTable(r: SyncResult): HTMLElement {
  const row = (name: string, merkle: string, full: string, share: string, title?: string) =>
    h('tr', { title }, h('th', { scope: 'row' }, name), h('td', { class: 'num' }, merkle), h('td', { class: 'num' }, full), h('td', { class: 'num' }, share));
  return h('section', {},
    h('h2', {}, 'Cost of the synchronisation'),
    h('table', { class: 'data-table', id: 'cost-table' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'Merkle trees'), h('th', { class: 'num' }, 'Send everything'), h('th', { class: 'num' }, 'Merkle ÷ everything'))),
      h('tbody', {},
        row('Hashes exchanged', formatCount(r.hashesExchanged), '0', '—', 'Range roots, the children of differing nodes, the per-key hashes of differing leaves'),
        row('Keys transferred', formatCount(r.keysTransferred), formatCount(r.full.keysTransferred), ratio(r.keysTransferred, r.full.keysTransferred)),
        row('Bytes transferred', formatBytes(r.bytesTransferred), formatBytes(r.full.bytesTransferred), ratio(r.bytesTransferred, r.full.bytesTransferred), 'Records (key + value) and 32-byte hashes'),
        row('Round trips', formatCount(r.roundTrips), formatCount(r.full.roundTrips), '—', 'One per tree level compared, one for per-key hashes, one for the records'))));
}

function trees(r: SyncResult): HTMLElement {
  const differing = r.trees.filter(t => t.levels[0]?.differing.length).length;
  return h('section', {},
    h('h2', {}, 'Trees, replica 1 against replica 2 (first exchange)'),
    h('p', { class: 'muted' },
      `${differing} of ${r.ranges} ranges differ. Each row is one level of a range's tree, the root on top; `,
      h('span', { class: 'key differ' }, 'differing'), ' nodes are marked, ', h('span', { class: 'key compared' }, 'compared'),
      ' ones (children of a differing node) are outlined; the rest were never looked at.'),
    h('div', { class: 'trees', id: 'trees' }, ...r.trees.map((t, q) => treeRow(t, q, r.branching))));
}

function treeRow(t: RangeTreeView, q: number, branching: number): HTMLElement {
  const differs = (t.levels[0]?.differing.length ?? 0) > 0;
  const leaves = t.levels.at(-1);
  const levels = h('div', { class: 'tree-levels', role: 'img', 'aria-label': `range ${q + 1}: ${differs ? 'differs' : 'equal'}` },
    ...t.levels.map((level, l) => {
      const width = branching ** l;
      const bar = h('div', { class: 'level', 'data-level': l, title: `level ${l}: ${formatCount(level.compared)} of ${formatCount(width)} nodes compared, ${formatCount(level.differing.length)}${level.truncated ? '+' : ''} differ` });
      // Compared nodes are the children of the previous level's differing ones.
      const parents = l === 0 ? [0] : t.levels[l - 1].differing;
      for (const p of l === 0 ? [] : parents) bar.appendChild(mark('compared', (p * branching) / width, branching / width));
      for (const d of level.differing) bar.appendChild(mark('differ', d / width, 1 / width));
      return bar;
    }));
  return h('div', { class: `tree-row${differs ? ' differs' : ''}`, 'data-range': q },
    h('div', { class: 'tree-label' },
      h('strong', {}, `Range ${q + 1}`),
      h('span', { class: 'muted' }, ` keys ${formatCount(t.lo)}–${formatCount(t.lo + t.size - 1)}`),
      h('span', { class: `chip ${differs ? 'differ' : 'equal'}` }, differs ? `${formatCount(leaves?.differing.length ?? 0)} leaves differ` : 'equal root')),
    levels);
}

/** A mark at a fraction of the level's width (at least 2 px wide so single nodes show). */
function mark(kind: 'differ' | 'compared', at: number, width: number): HTMLElement {
  const m = h('span', { class: `node-mark ${kind}` });
  m.style.left = `${(at * 100).toFixed(4)}%`;
  m.style.width = `max(2px, ${(width * 100).toFixed(4)}%)`;
  return m;
}

function scaling(rows: NonNullable<SyncView['scaling']>, branching: number): HTMLElement {
  return h('section', {},
    h('h2', {}, 'How the cost grows: O(d · log K)'),
    h('p', { class: 'muted' }, `Two replicas, one range, branching ${branching}. The hashes per diverged key stay within a constant times log K as K grows a hundredfold; with more diverged keys the upper levels are shared, so each key costs less.`),
    h('table', { class: 'data-table', id: 'scaling-table' },
      h('thead', {}, h('tr', {}, ...['Keys K', 'Diverged d', 'Hashes', 'Hashes ÷ (d · log K)', 'Bytes', 'Send everything'].map((c, k) => h('th', { class: k === 0 || k === 1 ? '' : 'num' }, c)))),
      h('tbody', {}, ...rows.map(s => h('tr', {},
        h('td', {}, formatCount(s.keys)), h('td', {}, formatCount(s.diverged)), h('td', { class: 'num' }, formatCount(s.hashesExchanged)),
        h('td', { class: 'num' }, s.perLogK.toFixed(2)), h('td', { class: 'num' }, formatBytes(s.bytesTransferred)), h('td', { class: 'num' }, formatBytes(s.fullBytes)))))));
}

function rebuild(r: SyncResult): HTMLElement {
  const b = r.rebuild;
  const row = (what: string, m: { treesRebuilt: number; keysRehashed: number }) =>
    h('tr', {}, h('th', { scope: 'row' }, what), h('td', { class: 'num' }, formatCount(m.treesRebuilt)), h('td', { class: 'num' }, formatCount(m.keysRehashed)), h('td', { class: 'num' }, ratio(m.keysRehashed, b.allTrees)));
  return h('section', {},
    h('h2', {}, 'Moving ranges: trees to rebuild'),
    h('p', { class: 'muted' }, `${b.clusterNodes} nodes with one token each, ${r.replicas} replicas per range. When a node joins or leaves, range boundaries move and every tree of a changed range is rebuilt from its keys, at each replica holding it.`),
    h('table', { class: 'data-table', id: 'rebuild-table' },
      h('thead', {}, h('tr', {}, h('th', {}, ''), h('th', { class: 'num' }, 'Trees rebuilt'), h('th', { class: 'num' }, 'Keys rehashed'), h('th', { class: 'num' }, 'Share of all trees'))),
      h('tbody', {}, row('A node joins', b.join), row('A node leaves', b.leave))));
}

function exchanges(r: SyncResult): HTMLElement {
  return h('details', { class: 'exchanges' },
    h('summary', {}, `${r.exchanges.length} exchange${r.exchanges.length === 1 ? '' : 's'} between replicas`),
    h('table', { class: 'data-table' },
      h('thead', {}, h('tr', {}, ...['Replicas', 'Hashes', 'Keys', 'Bytes', 'Round trips'].map((c, k) => h('th', { class: k ? 'num' : '' }, c)))),
      h('tbody', {}, ...r.exchanges.map(e => h('tr', {},
        h('td', {}, `${e.a + 1} ↔ ${e.b + 1}`), h('td', { class: 'num' }, formatCount(e.hashes)), h('td', { class: 'num' }, formatCount(e.keys)),
        h('td', { class: 'num' }, formatBytes(e.bytes)), h('td', { class: 'num' }, formatCount(e.roundTrips)))))));
}

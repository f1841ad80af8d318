// The diff tree, drawn as a windowed list so 20,000 rows stay responsive:
// - every DiffNode becomes a Row record once per view (cheap: no DOM);
// - filtering, expanding and "show unchanged" recompute which rows are visible in one pass;
// - row elements are made on first need and absolutely positioned; up to FULL_RENDER visible
//   rows are all in the DOM, beyond that only those near the viewport (plus the focused one).

import type { DiffNode } from '../../server/merkle/diff';
import type { MerkleDiffView } from '../../shared/webviewProtocol';
import { h } from '../common/dom';
import { formatBytes, formatCount, kindLabel, plural } from './format';

type Side = 'A' | 'B';

/** Visible rows up to which every row is in the DOM (simple for tests, cheap enough to lay out). */
const FULL_RENDER = 2000;
/** Rows rendered above and below the viewport when windowing. */
const OVERSCAN = 40;

export interface TreeCallbacks {
  open(path: string): void;
  reveal(path: string, side: Side): void;
  /** Expanded folders or the focused row changed: time to save state. */
  changed(): void;
}

export interface TreeStats {
  /** Rows visible now. */
  visible: number;
  /** Rows matching the filter themselves (ancestors kept for context not included). */
  matches: number;
}

interface Row {
  node: DiffNode;
  depth: number;
  /** Index of the parent row, -1 at the top level. */
  parent: number;
  folder: boolean;
  kindChange: boolean;
  /** Has children in the data (equal folders never do). */
  expandable: boolean;
  /** A file or link on some side, so there is something to open. */
  openable: boolean;
  /** Why this path (or a folder above it) could not be hashed. */
  problem?: string;
  /** Changed files below a differing folder. */
  changed: number;
  pathLower: string;
  // Recomputed by update().
  shown: boolean;
  expanded: boolean;
  /** Position among the visible rows. */
  pos: number;
  // The element, made on first render, and what was last written to it.
  el?: HTMLElement;
  top: number;
  ariaExpanded?: boolean;
  highlighted: string;
  decorated: boolean;
}

export class DiffTree {
  private rows: Row[] = [];
  private byPath = new Map<string, number>();
  /** Indices of visible rows in display order: what the arrow keys walk. */
  private visible: number[] = [];
  /** Indices of rows whose elements are in the DOM, in display order. */
  private attached: number[] = [];
  private active = -1;
  /** Whether the active row also shows as selected (not before the user picked something). */
  private selected = false;
  private filter = '';
  private showUnchanged = true;
  /** While filtering, folders start expanded so matches show; collapsing then is temporary. */
  private filterCollapsed = new Set<string>();
  private revealSides: Side[] = [];
  private rowHeight = 22;
  private frame = 0;

  constructor(
    readonly element: HTMLElement,
    /** Folders the user collapsed; differing folders start expanded. Kept across views. */
    private readonly collapsed: Set<string>,
    private readonly callbacks: TreeCallbacks,
  ) {
    element.setAttribute('role', 'tree');
    element.setAttribute('aria-label', 'Differences');
    element.addEventListener('click', e => this.onClick(e));
    element.addEventListener('keydown', e => this.onKeyDown(e));
    element.addEventListener('mouseover', e => {
      const i = this.rowIndexOf(e.target);
      if (i >= 0) this.decorate(this.rows[i]);
    });
    const later = () => {
      if (this.visible.length > FULL_RENDER && !this.frame) this.frame = requestAnimationFrame(() => this.renderWindow());
    };
    window.addEventListener('scroll', later, { passive: true });
    window.addEventListener('resize', later);
  }

  /** Takes a new view, keeping filter, collapsed folders and the focused row (by path). */
  setView(view: MerkleDiffView, activePath?: string): TreeStats {
    const hadFocus = this.element.contains(document.activeElement);
    const previous = activePath ?? this.activePath();
    this.rows = [];
    this.byPath.clear();
    this.attached = [];
    this.active = -1;
    this.element.replaceChildren();
    this.rowHeight = parseFloat(getComputedStyle(this.element).getPropertyValue('--row-height')) || 22;
    this.revealSides = (['A', 'B'] as const).filter(s => (s === 'A' ? view.a : view.b).kind === 'folder');

    const problems = new Map(view.problems.map(p => [p.path, `${p.side}: ${p.reason}`]));
    this.addRows(view.tree.children ?? [], 0, -1, problems, undefined);
    const stats = this.update();

    // A remembered row shows as selected; otherwise the first row only takes the tab stop.
    const keep = previous !== undefined ? this.byPath.get(previous) : undefined;
    const restored = keep !== undefined && this.rows[keep].shown;
    this.setActive(restored ? keep : this.visible[0] ?? -1, hadFocus, restored || hadFocus);
    return stats;
  }

  setFilter(text: string): TreeStats {
    const f = text.trim().toLowerCase();
    if (f === this.filter) return this.stats(this.visible.length);
    this.filter = f;
    this.filterCollapsed.clear();
    return this.refresh();
  }

  setShowUnchanged(show: boolean): TreeStats {
    this.showUnchanged = show;
    return this.refresh();
  }

  expandAll(): TreeStats {
    this.currentCollapsed().clear();
    this.callbacks.changed();
    return this.refresh();
  }

  collapseAll(): TreeStats {
    const set = this.currentCollapsed();
    for (const r of this.rows) if (r.expandable) set.add(r.node.path);
    this.callbacks.changed();
    return this.refresh();
  }

  activePath(): string | undefined {
    return this.rows[this.active]?.node.path;
  }

  /** The row the user picked, if any (the default tab stop is not a choice worth remembering). */
  selectedPath(): string | undefined {
    return this.selected ? this.activePath() : undefined;
  }

  /** Moves keyboard focus to the first visible row (the filter box's Down key: the first result). */
  focusFirst(): void {
    if (this.visible.length) this.setActive(this.visible[0], true);
  }

  // ---- rows --------------------------------------------------------------------------------

  /** Appends rows in display order (pre-order); returns how many changed files lie below. */
  private addRows(nodes: DiffNode[], depth: number, parent: number, problems: Map<string, string>, inherited: string | undefined): number {
    let changed = 0;
    for (const node of nodes) {
      const index = this.rows.length;
      // A folder that could not be read makes everything below it unknown too.
      const problem = problems.get(node.path) ?? inherited;
      const row: Row = {
        node,
        depth,
        parent,
        folder: node.kindA === 'dir' || node.kindB === 'dir',
        kindChange: node.kindA !== undefined && node.kindB !== undefined && node.kindA !== node.kindB,
        expandable: (node.children?.length ?? 0) > 0,
        openable: [node.kindA, node.kindB].some(k => k === 'file' || k === 'link'),
        problem,
        changed: 0,
        pathLower: node.path.toLowerCase(),
        shown: false,
        expanded: false,
        pos: -1,
        top: -1,
        highlighted: '',
        decorated: false,
      };
      this.rows.push(row);
      this.byPath.set(node.path, index);
      row.changed = node.children ? this.addRows(node.children, depth + 1, index, problems, problem) : 0;
      changed += node.children?.length ? row.changed : node.status === 'equal' ? 0 : 1;
    }
    return changed;
  }

  /** The row's element, made on first need by cloning a prepared row. */
  private elementOf(i: number): HTMLElement {
    const r = this.rows[i];
    if (r.el) return r.el;
    const node = r.node;
    const el = rowTemplate().cloneNode(true) as HTMLElement;
    const [twisty, badge, name, desc, size] = el.children as unknown as HTMLElement[];
    if (r.folder) el.classList.add('folder');
    if (r.kindChange) el.classList.add('kind-changed');
    el.setAttribute('aria-level', String(r.depth + 1));
    if (r.folder && !r.expandable) el.setAttribute('aria-expanded', 'false');
    el.dataset.path = node.path;
    el.dataset.status = node.status;
    el.dataset.kind = node.kindB ?? node.kindA ?? 'file';
    // Indentation through a custom property (CSSOM, allowed by the CSP); CSS does the maths.
    el.style.setProperty('--depth', String(r.depth));
    if (!r.expandable) twisty.className = r.folder ? 'twisty inert' : 'twisty none';
    badge.textContent = badgeLetter(node, r.kindChange);
    name.textContent = node.name;
    desc.textContent = describe(r);
    size.textContent = sizeText(node);
    if (r.problem) {
      el.classList.add('problem');
      el.insertBefore(h('span', { class: 'problem-mark', title: `Could not be hashed (${r.problem})` }, '⚠'), desc);
    }
    if (i === this.active) markActive(el, true, this.selected);
    r.el = el;
    return el;
  }

  /** Writes what changed since the row was last drawn: position, expansion, filter highlight. */
  private sync(r: Row): void {
    const el = r.el!;
    const top = r.pos * this.rowHeight;
    if (r.top !== top) {
      r.top = top;
      el.style.top = `${top}px`;
    }
    if (r.expandable && r.ariaExpanded !== r.expanded) {
      r.ariaExpanded = r.expanded;
      el.setAttribute('aria-expanded', String(r.expanded));
    }
    if (r.highlighted !== this.filter) this.highlight(r);
  }

  /** Marks the filter text inside the row's name. */
  private highlight(r: Row): void {
    r.highlighted = this.filter;
    const nameEl = r.el!.children[2];
    const name = r.node.name;
    const at = this.filter ? name.toLowerCase().indexOf(this.filter) : -1;
    if (at < 0) {
      nameEl.textContent = name;
      return;
    }
    const end = at + this.filter.length;
    nameEl.replaceChildren(name.slice(0, at), h('mark', {}, name.slice(at, end)), name.slice(end));
  }

  /**
   * Tooltips and hover actions (reveal, and Open for folders that are files on the other side),
   * added on first hover or focus: thousands of rows need none of it until then.
   */
  private decorate(r: Row): void {
    if (r.decorated || !r.el) return;
    r.decorated = true;
    const node = r.node;
    const [, badge, name] = r.el.children as unknown as HTMLElement[];
    badge.title = statusTitle(node, r.kindChange);
    name.title = node.path;
    const sizeTip = sizeTitle(node);
    if (sizeTip) r.el.querySelector<HTMLElement>('.size')!.title = sizeTip;

    const buttons: HTMLElement[] = [];
    if (r.expandable && r.openable) buttons.push(actionButton('open', 'Open', `Open ${node.path}`));
    for (const side of this.revealSides) {
      if ((side === 'A' ? node.kindA : node.kindB) === undefined) continue;
      const label = this.revealSides.length > 1 ? `Reveal ${side}` : 'Reveal';
      buttons.push(actionButton('reveal', label, `Reveal ${node.path} of side ${side} in the Explorer`, side));
    }
    if (buttons.length) r.el.insertBefore(h('span', { class: 'actions' }, ...buttons), r.el.querySelector('.size'));
  }

  // ---- visibility --------------------------------------------------------------------------

  private refresh(): TreeStats {
    // Asked first: hiding the focused row takes the focus with it.
    const hadFocus = this.element.contains(document.activeElement);
    const stats = this.update();
    this.keepActiveVisible(hadFocus);
    return stats;
  }

  /**
   * Recomputes which rows show. A row is kept if it passes the filter and the "show unchanged"
   * toggle, or if a descendant is kept (ancestors give matches their context); kept rows show
   * when every ancestor is expanded.
   */
  private update(): TreeStats {
    const { rows, filter } = this;
    const n = rows.length;
    const keep = new Uint8Array(n);
    let matches = 0;
    // Children follow their parent, so a backward pass sees every descendant first.
    for (let i = n - 1; i >= 0; i--) {
      const r = rows[i];
      if ((this.showUnchanged || r.node.status !== 'equal') && (!filter || r.pathLower.includes(filter))) {
        keep[i] = 1;
        matches++;
      }
      if (keep[i] && r.parent >= 0) keep[r.parent] = 1;
    }
    const collapsed = this.currentCollapsed();
    this.visible = [];
    for (let i = 0; i < n; i++) {
      const r = rows[i];
      const parent = rows[r.parent];
      r.expanded = r.expandable && !collapsed.has(r.node.path);
      r.shown = keep[i] === 1 && (!parent || (parent.shown && parent.expanded));
      r.pos = r.shown ? this.visible.push(i) - 1 : -1;
    }
    this.element.style.height = `${this.visible.length * this.rowHeight}px`;
    this.renderWindow();
    return this.stats(matches);
  }

  private stats(matches: number): TreeStats {
    return { visible: this.visible.length, matches: this.filter ? matches : this.visible.length };
  }

  /** Puts the elements of the rows near the viewport (all, for small trees) into the DOM. */
  private renderWindow(): void {
    this.frame = 0;
    const want = this.wantedRows();
    const wanted = new Set(want);
    for (const i of this.attached) if (!wanted.has(i)) this.rows[i].el!.remove();
    // Insert in display order, keeping attached elements where they are (the focused one too).
    let next: ChildNode | null = this.element.firstChild;
    for (const i of want) {
      const el = this.elementOf(i);
      if (el === next) next = el.nextSibling;
      else this.element.insertBefore(el, next);
      this.sync(this.rows[i]);
    }
    this.attached = want;
  }

  private wantedRows(): number[] {
    const n = this.visible.length;
    if (n <= FULL_RENDER) return this.visible.slice();
    const top = -this.element.getBoundingClientRect().top;
    const from = Math.max(0, Math.floor(top / this.rowHeight) - OVERSCAN);
    const to = Math.min(n, Math.ceil((top + window.innerHeight) / this.rowHeight) + OVERSCAN);
    const want = this.visible.slice(from, to);
    // The focused row stays in the DOM wherever it is, so focus survives scrolling away.
    const active = this.rows[this.active];
    if (active?.shown && (active.pos < from || active.pos >= to)) {
      want.push(this.active);
      want.sort((a, b) => a - b);
    }
    return want;
  }

  private currentCollapsed(): Set<string> {
    return this.filter ? this.filterCollapsed : this.collapsed;
  }

  private toggle(i: number, expand?: boolean): void {
    const r = this.rows[i];
    if (!r.expandable || expand === r.expanded) return;
    const set = this.currentCollapsed();
    if (r.expanded) set.add(r.node.path);
    else set.delete(r.node.path);
    this.update();
    this.callbacks.changed();
  }

  // ---- focus and selection -----------------------------------------------------------------

  /** Roving tabindex: exactly one row is reachable with Tab, the active one. */
  private setActive(i: number, focus: boolean, select = true): void {
    const old = this.rows[this.active];
    if (old?.el) markActive(old.el, false, false);
    this.active = i;
    this.selected = select;
    const r = this.rows[i];
    if (!r) return;
    if (!r.el?.isConnected) this.renderWindow();
    const el = this.elementOf(i);
    markActive(el, true, select);
    if (focus) {
      el.focus({ preventScroll: true });
      el.scrollIntoView({ block: 'nearest' });
      this.decorate(r);
    }
  }

  /** After collapsing or filtering, the active row may be gone: fall back to its nearest shown ancestor. */
  private keepActiveVisible(hadFocus: boolean): void {
    let i = this.active;
    while (i >= 0 && !this.rows[i].shown) i = this.rows[i].parent;
    const next = i >= 0 ? i : this.visible[0] ?? -1;
    if (next === this.active) return;
    this.setActive(next, hadFocus, this.selected || hadFocus);
    this.callbacks.changed();
  }

  private moveBy(delta: number): void {
    if (!this.visible.length) return;
    const at = this.rows[this.active]?.pos ?? -1;
    const to = Math.max(0, Math.min(this.visible.length - 1, at < 0 ? 0 : at + delta));
    this.setActive(this.visible[to], true);
    this.callbacks.changed();
  }

  private rowIndexOf(target: EventTarget | null): number {
    const el = target instanceof Element ? target.closest<HTMLElement>('.row') : null;
    return el ? this.byPath.get(el.dataset.path!) ?? -1 : -1;
  }

  // ---- input -------------------------------------------------------------------------------

  private onClick(e: MouseEvent): void {
    const i = this.rowIndexOf(e.target);
    if (i < 0) return;
    const r = this.rows[i];
    const target = e.target as Element;
    const action = target.closest<HTMLElement>('[data-action]');
    this.setActive(i, true);
    this.callbacks.changed();
    if (action?.dataset.action === 'reveal') this.callbacks.reveal(r.node.path, action.dataset.side as Side);
    else if (action?.dataset.action === 'open') this.callbacks.open(r.node.path);
    else if (r.expandable) this.toggle(i);
    else if (r.openable && !target.closest('.twisty')) this.callbacks.open(r.node.path);
  }

  private onKeyDown(e: KeyboardEvent): void {
    if (e.altKey || e.ctrlKey || e.metaKey || this.active < 0) return;
    const r = this.rows[this.active];
    switch (e.key) {
      case 'ArrowDown':
        this.moveBy(1);
        break;
      case 'ArrowUp':
        this.moveBy(-1);
        break;
      case 'PageDown':
        this.moveBy(this.pageSize());
        break;
      case 'PageUp':
        this.moveBy(-this.pageSize());
        break;
      case 'Home':
        this.moveBy(-this.visible.length);
        break;
      case 'End':
        this.moveBy(this.visible.length);
        break;
      case 'ArrowRight':
        if (r.expandable && !r.expanded) this.toggle(this.active, true);
        else if (r.expanded) this.moveBy(1);
        break;
      case 'ArrowLeft':
        if (r.expanded) this.toggle(this.active, false);
        else if (r.parent >= 0) {
          this.setActive(r.parent, true);
          this.callbacks.changed();
        }
        break;
      case 'Enter':
        if (r.openable && !r.expandable) this.callbacks.open(r.node.path);
        else this.toggle(this.active);
        break;
      case ' ':
        this.toggle(this.active);
        break;
      default:
        return;
    }
    e.preventDefault();
  }

  private pageSize(): number {
    return Math.max(1, Math.floor(window.innerHeight / this.rowHeight) - 4);
  }
}

// ---- row text ------------------------------------------------------------------------------

function badgeLetter(node: DiffNode, kindChange: boolean): string {
  if (kindChange) return 'T';
  return { equal: '', added: 'A', removed: 'D', modified: 'M' }[node.status];
}

function statusTitle(node: DiffNode, kindChange: boolean): string {
  if (kindChange) return `Kind changed: ${kindLabel(node.kindA)} → ${kindLabel(node.kindB)}`;
  return { equal: 'Unchanged', added: 'Added (only in B)', removed: 'Deleted (only in A)', modified: 'Modified' }[node.status];
}

/** Dim text after the name: what a folder holds, or what a kind change was. */
function describe(r: Row): string {
  const node = r.node;
  if (r.kindChange) {
    const files = node.children ? ` · ${plural(node.files ?? node.children.length, 'file')}` : '';
    return `${kindLabel(node.kindA)} → ${kindLabel(node.kindB)}${files}`;
  }
  const kind = node.kindB ?? node.kindA;
  if (kind === 'link') return 'link';
  if (kind !== 'dir') return '';
  if (node.status === 'equal') return `(${plural(node.files ?? 0, 'file')}, unchanged)`;
  if (node.children?.length === 0) return 'empty folder';
  const files = node.files ? plural(node.files, 'file') : '';
  // Differing folders say how many changed files lie below them.
  if (node.status === 'modified') return `${formatCount(r.changed)} changed${files ? ` · ${files}` : ''}`;
  return files;
}

function sizeText(node: DiffNode): string {
  if (node.kindA === 'dir' || node.kindB === 'dir') return '';
  if (node.status === 'modified' && node.sizeA !== undefined && node.sizeB !== undefined) return `${formatBytes(node.sizeA)} → ${formatBytes(node.sizeB)}`;
  const size = node.sizeB ?? node.sizeA;
  return size === undefined ? '' : formatBytes(size);
}

function sizeTitle(node: DiffNode): string | undefined {
  if (node.kindA === 'dir' || node.kindB === 'dir') return undefined;
  const bytes = (n: number | undefined) => (n === undefined ? '—' : `${formatCount(n)} bytes`);
  if (node.status === 'modified') return `A: ${bytes(node.sizeA)}\nB: ${bytes(node.sizeB)}`;
  return bytes(node.sizeB ?? node.sizeA);
}

function markActive(el: HTMLElement, active: boolean, selected: boolean): void {
  el.tabIndex = active ? 0 : -1;
  el.classList.toggle('selected', active && selected);
  el.setAttribute('aria-selected', String(active && selected));
}

let template: HTMLElement | undefined;

/** The empty row every row is cloned from. */
function rowTemplate(): HTMLElement {
  template ??= h(
    'div',
    { class: 'row', role: 'treeitem', tabindex: -1, 'aria-selected': 'false' },
    h('span', { class: 'twisty', 'aria-hidden': 'true' }),
    h('span', { class: 'badge' }),
    h('span', { class: 'name' }),
    h('span', { class: 'desc' }),
    h('span', { class: 'size' }),
  );
  return template;
}

function actionButton(action: string, label: string, title: string, side?: Side): HTMLElement {
  // Not in the tab order: the row is the focus stop, and Enter/clicks cover the same ground.
  return h('button', { type: 'button', class: 'action', 'data-action': action, 'data-side': side, title, tabindex: -1 }, label);
}

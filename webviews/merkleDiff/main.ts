// Merkle diff webview: shows what the extension host sends (shared/webviewProtocol.ts) and posts
// the user's wishes back. Runs in the browser; no Node APIs.

import type { MerkleDiffFromWebview, MerkleDiffToWebview, MerkleDiffView } from '../../shared/webviewProtocol';
import { byId, h, replaceChildren } from '../common/dom';
import { formatCount } from './format';
import { renderIdentical, renderProblems, renderSides, renderSummary } from './header';
import { createToolbar } from './toolbar';
import { DiffTree, type TreeStats } from './tree';

/** What survives a reload of the webview (vscode.setState). */
interface SavedState {
  filter: string;
  showUnchanged: boolean;
  /** Folders the user collapsed: differing folders are expanded unless listed here. */
  collapsed: string[];
  /** Path of the row the user last picked. */
  active?: string;
  problemsOpen: boolean;
}

interface VsCodeApi {
  postMessage(message: MerkleDiffFromWebview): void;
  getState(): unknown;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const state = loadState(vscode.getState());
const collapsed = new Set(state.collapsed);
let current: MerkleDiffView | undefined;

// ---- page skeleton, built once ------------------------------------------------------------

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.replaceChildren(
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('div', { class: 'progress-bar' }), h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
  h('div', { id: 'content', hidden: true }, h('div', { id: 'overview' }), h('div', { id: 'toolbar-slot' }), h('div', { id: 'diff-tree', class: 'diff-tree' }), h('div', { id: 'no-match', class: 'no-match', hidden: true })),
);

const tree = new DiffTree(byId('diff-tree'), collapsed, {
  open: path => post({ type: 'open', path }),
  reveal: (path, side) => post({ type: 'reveal', path, side }),
  changed: save,
});

const toolbar = createToolbar(state, {
  filter: text => {
    state.filter = text;
    save();
    showStats(tree.setFilter(text));
  },
  showUnchanged: show => {
    state.showUnchanged = show;
    save();
    showStats(tree.setShowUnchanged(show));
  },
  expandAll: () => showStats(tree.expandAll()),
  collapseAll: () => showStats(tree.collapseAll()),
  refresh: () => post({ type: 'refresh' }),
  focusTree: () => tree.focusFirst(),
});
byId('toolbar-slot').replaceWith(toolbar.element);
tree.setFilter(state.filter);
tree.setShowUnchanged(state.showUnchanged);

// Ctrl/Cmd+F jumps to the filter: the webview has no find widget of its own.
document.addEventListener('keydown', e => {
  if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'f' && current) {
    toolbar.filterInput.focus();
    toolbar.filterInput.select();
    e.preventDefault();
  }
});

window.addEventListener('message', (e: MessageEvent<MerkleDiffToWebview>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  switch (m.type) {
    case 'show':
      show(m.view);
      break;
    case 'busy':
      showBusy(m.message);
      break;
    case 'error':
      showError(m.message);
      break;
  }
});

showBusy('Loading comparison…');
post({ type: 'ready' });

// ---- states ---------------------------------------------------------------------------------

function show(view: MerkleDiffView): void {
  // On the first view restore the saved focus; on later ones (refresh) keep the live one.
  const first = current === undefined;
  const scrollY = first ? 0 : window.scrollY;
  current = view;
  const identical = view.a.root === view.b.root;
  setPageState(identical ? 'identical' : 'ready');

  replaceChildren(
    byId('overview'),
    renderSides(view),
    renderSummary(view),
    renderProblems(view, state.problemsOpen, open => {
      state.problemsOpen = open;
      save();
    }),
    identical && renderIdentical(view),
  );
  toolbar.element.hidden = identical;
  tree.element.hidden = identical;
  showStats(tree.setView(view, first ? state.active : undefined));
  window.scrollTo(0, scrollY);
}

function showBusy(message: string): void {
  byId('busy-message').textContent = message;
  // With results on screen the old view stays (dimmed) under a slim progress line.
  app.classList.toggle('has-view', current !== undefined);
  setPageState('busy');
}

function showError(message: string): void {
  const retry = h('button', { type: 'button', class: 'button', id: 'retry' }, 'Try again');
  retry.addEventListener('click', () => post({ type: 'refresh' }));
  replaceChildren(
    byId('error'),
    h('div', { class: 'error-title' }, h('span', { class: 'error-glyph', 'aria-hidden': 'true' }, '!'), 'The comparison could not be completed'),
    h('pre', { class: 'error-message' }, message),
    h('div', { class: 'error-actions' }, retry),
  );
  setPageState('error');
}

/** One attribute drives which parts show (see merkleDiff.css); tests can wait on it too. */
function setPageState(s: 'busy' | 'error' | 'ready' | 'identical'): void {
  app.dataset.state = s;
  byId('busy').hidden = s !== 'busy';
  byId('error').hidden = s !== 'error';
  byId('content').hidden = s === 'error' || (s === 'busy' && !current);
}

/** The match count next to the filter and the empty-result message. */
function showStats(stats: TreeStats): void {
  const filtering = state.filter.trim() !== '';
  toolbar.setMatchInfo(filtering ? (stats.matches ? `${formatCount(stats.matches)} ${stats.matches === 1 ? 'match' : 'matches'}` : 'No matches') : '');
  const empty = byId('no-match');
  empty.hidden = stats.visible > 0 || !current || current.a.root === current.b.root;
  if (empty.hidden) return;
  if (filtering) {
    const clear = h('button', { type: 'button', class: 'link-button' }, 'Clear filter');
    clear.addEventListener('click', () => {
      toolbar.filterInput.value = '';
      toolbar.filterInput.dispatchEvent(new Event('input'));
      toolbar.filterInput.focus();
    });
    replaceChildren(empty, `No paths match “${state.filter.trim()}”. `, clear);
  } else {
    replaceChildren(empty, 'No differences to list. Turn on “Show unchanged” to see the unchanged entries.');
  }
}

// ---- messages and state ---------------------------------------------------------------------

function post(message: MerkleDiffFromWebview): void {
  vscode.postMessage(message);
}

function save(): void {
  vscode.setState({ ...state, collapsed: [...collapsed], active: tree.selectedPath() });
}

/** Accepts whatever an older version saved, filling in defaults. */
function loadState(saved: unknown): SavedState {
  const s = (saved && typeof saved === 'object' ? saved : {}) as Partial<SavedState>;
  return {
    filter: typeof s.filter === 'string' ? s.filter : '',
    showUnchanged: typeof s.showUnchanged === 'boolean' ? s.showUnchanged : true,
    collapsed: Array.isArray(s.collapsed) ? s.collapsed.filter(p => typeof p === 'string') : [],
    active: typeof s.active === 'string' ? s.active : undefined,
    problemsOpen: s.problemsOpen === true,
  };
}

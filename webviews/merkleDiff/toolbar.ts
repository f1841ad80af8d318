// Filter box, "Show unchanged", expand/collapse all and refresh. Sticks to the top while the
// tree scrolls, so the filter is always at hand.

import { h } from '../common/dom';

export interface ToolbarActions {
  filter(text: string): void;
  showUnchanged(show: boolean): void;
  expandAll(): void;
  collapseAll(): void;
  refresh(): void;
  /** Down arrow in the filter box: continue into the tree. */
  focusTree(): void;
}

export interface Toolbar {
  element: HTMLElement;
  filterInput: HTMLInputElement;
  setMatchInfo(text: string): void;
}

export function createToolbar(initial: { filter: string; showUnchanged: boolean }, actions: ToolbarActions): Toolbar {
  const filterInput = h('input', {
    id: 'filter',
    type: 'text',
    class: 'filter-input',
    placeholder: 'Filter paths',
    'aria-label': 'Filter paths (case-insensitive)',
    title: 'Filter paths (case-insensitive). Esc clears, ↓ moves into the tree.',
    spellcheck: 'false',
    autocomplete: 'off',
  });
  filterInput.value = initial.filter;
  filterInput.addEventListener('input', () => actions.filter(filterInput.value));
  filterInput.addEventListener('keydown', e => {
    if (e.key === 'Escape' && filterInput.value) {
      filterInput.value = '';
      actions.filter('');
      e.preventDefault();
    } else if (e.key === 'ArrowDown' || e.key === 'Enter') {
      actions.focusTree();
      e.preventDefault();
    }
  });

  const checkbox = h('input', { id: 'show-unchanged', type: 'checkbox', class: 'checkbox' });
  checkbox.checked = initial.showUnchanged;
  checkbox.addEventListener('change', () => actions.showUnchanged(checkbox.checked));

  const matchInfo = h('span', { id: 'match-info', class: 'match-info', 'aria-live': 'polite' });
  const button = (id: string, label: string, title: string, run: () => void) => {
    const b = h('button', { id, type: 'button', class: 'button text', title }, label);
    b.addEventListener('click', run);
    return b;
  };

  const element = h(
    'div',
    { id: 'toolbar', class: 'toolbar sticky', role: 'toolbar', 'aria-label': 'Tree options' },
    h('div', { class: 'filter-box' }, h('span', { class: 'filter-glyph', 'aria-hidden': 'true' }), filterInput, matchInfo),
    h('label', { class: 'check', for: 'show-unchanged', title: 'Show files and folders that are the same on both sides' }, checkbox, 'Show unchanged'),
    h('span', { class: 'spacer' }),
    button('expand-all', 'Expand all', 'Expand every folder that differs', actions.expandAll),
    button('collapse-all', 'Collapse all', 'Collapse every folder', actions.collapseAll),
    button('refresh', '↻ Refresh', 'Compare the two sides again', actions.refresh),
  );

  return { element, filterInput, setMatchInfo: text => (matchInfo.textContent = text) };
}

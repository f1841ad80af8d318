// Simulation webview: an election's space-time diagram (election.ts) or a replica sync's trees
// and costs (sync.ts), from what the extension host sends (shared/webviewProtocol.ts). Runs in
// the browser; no Node APIs.
import type { SimulationFromWebview, SimulationToWebview, SimulationView } from '../../shared/webviewProtocol';
import { byId, h, replaceChildren } from '../common/dom';
import { ElectionDiagram } from './election';
import { renderSync } from './sync';

interface VsCodeApi {
  postMessage(message: SimulationFromWebview): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
let diagram: ElectionDiagram | undefined;

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.replaceChildren(
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('div', { class: 'progress-bar' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
  h('div', { id: 'content' }),
);

window.addEventListener('message', (e: MessageEvent<SimulationToWebview>) => {
  const m = e.data;
  if (!m || typeof m !== 'object') return;
  if (m.type === 'show') show(m.view);
  else if (m.type === 'busy') {
    byId('busy-message').textContent = m.message;
    byId('busy').hidden = false;
    app.dataset.state = 'busy';
  } else if (m.type === 'error') {
    replaceChildren(byId('error'), h('pre', { class: 'error-message' }, m.message));
    byId('error').hidden = false;
    app.dataset.state = 'error';
  }
});
post({ type: 'ready' });

function show(view: SimulationView): void {
  byId('busy').hidden = true;
  byId('error').hidden = true;
  diagram?.dispose();
  diagram = undefined;
  const content = byId('content');
  const rerun = seedControl(view.result.seed);
  if (view.kind === 'election') {
    diagram = new ElectionDiagram(view, rerun);
    replaceChildren(content, diagram.element);
    diagram.attached();
  } else {
    replaceChildren(content, renderSync(view, rerun));
  }
  app.dataset.state = 'ready';
  app.dataset.kind = view.kind;
}

/** "Seed [ 1 ] Run again": the same scenario with another seed. */
function seedControl(seed = 1): HTMLElement {
  const input = h('input', { type: 'text', id: 'seed', class: 'seed-input', value: String(seed), 'aria-label': 'Seed', inputmode: 'numeric', size: 6 });
  const button = h('button', { type: 'button', class: 'button secondary', id: 'rerun', title: 'Run the same scenario again with this seed' }, 'Run again');
  const go = () => {
    const n = Number(input.value);
    if (Number.isInteger(n) && n >= 0) post({ type: 'rerun', seed: n });
    else input.setCustomValidity('a whole number');
  };
  button.addEventListener('click', go);
  input.addEventListener('keydown', e => { if (e.key === 'Enter') go(); });
  return h('div', { class: 'rerun' }, h('label', { for: 'seed', class: 'muted' }, 'Seed'), input, button);
}

function post(message: SimulationFromWebview): void {
  vscode.postMessage(message);
}

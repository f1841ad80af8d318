// End to end on a copy of demo/workspace, what `npm start` opens: the serving data's problems
// appear in the Problems panel, the Runs view shows the autoencoder's training run, its ONNX
// model opens in the graph viewer, and the riff opens in the piano roll with all its notes.
// Screenshots go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Midi } from '@tonejs/midi';
import { repoRoot, vscodeSuite, waitFor } from './vscodeWeb';

const DEMO = path.join(repoRoot, 'demo', 'workspace');

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-demo-'));
  fs.cpSync(DEMO, ws, { recursive: true });
  return ws;
}

describe('The demo workspace in VS Code', { timeout: 180_000 }, () => {
  const { vsc, step } = vscodeSuite({ workspace: makeWorkspace, theme: 'Default Dark Modern', name: 'demo-dark', viewport: { width: 1400, height: 860 } });

  /** Quick open (Ctrl+P), then the file by name. */
  async function quickOpen(file: string): Promise<void> {
    await vsc().page.click('.part.sidebar .composite.title');
    await vsc().page.keyboard.press('Control+P');
    await vsc().waitForQuickInput();
    await vsc().pickQuickItem(file);
    await waitFor(`an editor tab for ${file}`, async () => (await vsc().tabTitles()).some(t => t.startsWith(file)), { timeout: 10_000 });
  }

  it('marks the problems of serving/requests.csv against its schema', t => step(t, 'serving-problems', async () => {
    await quickOpen('requests.csv');
    await vsc().runCommand('Problems: Focus on Problems View');
    const rows = await waitFor('the unknown contract value and the missing label column in the Problems panel', async () => {
      const all = await vsc().page.$$eval('.markers-panel .monaco-list-row', els => els.map(e => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
      return all.some(r => /three-year/.test(r)) && all.some(r => /churned/.test(r)) ? all : undefined;
    }, { timeout: 30_000 });
    assert.ok(rows.length >= 3, JSON.stringify(rows));
    await vsc().screenshot('serving-problems');
    await vsc().page.keyboard.press('Control+J');
  }));

  it("shows the autoencoder's training run in the Runs view", t => step(t, 'runs', async () => {
    await vsc().page.click('.part.activitybar .action-item .action-label[aria-label^="ML Workbench"]');
    await vsc().parkMouse();
    const labels = await waitFor('the training run in the Runs view', async () => {
      const all = await vsc().page.$$eval('.part.sidebar .monaco-list-row .label-name', els => els.map(e => (e.textContent ?? '').trim()));
      return all.includes('sensor-autoencoder') ? all : undefined;
    }, { timeout: 20_000 });
    assert.ok(labels.includes('Default'), JSON.stringify(labels));
    await vsc().screenshot('runs');
    await vsc().page.click('.part.activitybar .action-item .action-label[aria-label^="Explorer"]');
  }));

  it('opens sensors/autoencoder.onnx in the graph viewer', t => step(t, 'onnx', async () => {
    await quickOpen('autoencoder.onnx');
    const frame = await vsc().waitForWebview('#app.onnx-viewer svg.graph[data-node-count]', { timeout: 60_000, what: 'the ONNX viewer' });
    // Dense(3, tanh) → Dense(6): Gemm, Tanh, Gemm.
    assert.equal(await frame.getAttribute('svg.graph', 'data-node-count'), '3');
    await vsc().parkMouse();
    await vsc().screenshot('onnx');
    await vsc().closeAllEditors();
  }));

  it('opens music/shred-riff.mid in the piano roll with every note drawn', t => step(t, 'piano-roll', async () => {
    const notes = new Midi(fs.readFileSync(path.join(DEMO, 'music', 'shred-riff.mid'))).tracks.reduce((n, tr) => n + tr.notes.length, 0);
    await quickOpen('shred-riff.mid');
    const frame = await vsc().waitForWebview(`#roll-notes[data-note-count="${notes}"]`, { timeout: 30_000, what: `the piano roll with ${notes} notes` });
    // Fit shows the whole piece: every note is then drawn.
    await frame.click('button[title="Show the whole piece"]');
    await waitFor('every note drawn after Fit', async () => (await frame.getAttribute('#roll-notes', 'data-visible-notes')) === String(notes), { timeout: 10_000 });
    await vsc().parkMouse();
    await vsc().screenshot('piano-roll');
  }));
});

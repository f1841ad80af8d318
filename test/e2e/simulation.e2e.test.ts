// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: run a Bully election with the leader dead from the start through the command
// palette's quick inputs, and check the simulation view's space-time diagram (one labelled lane
// per node) and the reported leader; then a replica sync and its cost table. Runs once in a dark
// and once in a light theme; screenshots of each step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const ELECTION_COMMAND = 'ML Workbench: Run Leader Election Simulation…';
const SYNC_COMMAND = 'ML Workbench: Run Replica Sync Simulation…';
const NODES = 12;

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-sim-'));
  fs.writeFileSync(path.join(ws, 'README.md'), '# Simulations\n');
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Simulations in VS Code (${theme})`, { timeout: 120_000 }, () => {
    const { vsc, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `simulation-${name}` });

    /** Types into the visible input box (replacing its value) and presses Enter. */
    async function answer(title: RegExp, text: string): Promise<void> {
      await vsc().waitForQuickInput(title);
      await vsc().page.fill('.quick-input-widget .quick-input-box input', text);
      await vsc().page.keyboard.press('Enter');
    }

    it('runs a Bully election with the leader dead from the palette', t => step(t, 'election-inputs', async () => {
      await vsc().runCommand(ELECTION_COMMAND, { screenshot: 'palette' });
      await vsc().waitForQuickInput(/Leader Election Simulation \(1\/5\)/);
      await vsc().pickQuickItem('Bully');
      await answer(/\(2\/5\)/, String(NODES));
      await vsc().waitForQuickInput(/\(3\/5\)/);
      await vsc().screenshot('pick-failures');
      await vsc().pickQuickItem(`Leader ${NODES} is dead from the start`);
      await vsc().pickQuickItem('No partition', { title: /\(4\/5\)/ });
      await answer(/\(5\/5\)/, '7');
    }));

    it('shows one labelled lane per node and the highest live rank as the leader', t => step(t, 'election-view', async () => {
      await waitFor('an editor tab "Election: bully, 12 nodes, seed 7"', async () => (await vsc().tabTitles()).find(x => x.includes(`Election: bully, ${NODES} nodes, seed 7`)), { timeout: 20_000 });
      const frame = await vsc().waitForWebview('#lane-labels .lane-label', { timeout: 20_000, what: 'the lanes of the space-time diagram' });
      const lanes = await frame.$$eval('#lane-labels .lane-label', els => els.map(e => ({ node: e.getAttribute('data-node'), text: (e.textContent ?? '').trim(), leader: e.classList.contains('is-leader') })));
      assert.equal(lanes.length, NODES);
      // Lanes by rank, highest on top, each labelled with its node.
      assert.deepEqual(lanes.map(l => l.node), Array.from({ length: NODES }, (_, i) => String(NODES - i)));
      for (const l of lanes) assert.match(l.text, new RegExp(`^n${l.node}`));
      assert.deepEqual(lanes.filter(l => l.leader).map(l => l.node), [String(NODES - 1)]);
      const leader = await frame.getAttribute('#leader', 'data-leader');
      assert.equal(leader, String(NODES - 1));
      // Bully from node 1 with node 12 dead: (n−1)² + n − 2 = 131 messages.
      assert.equal(await frame.getAttribute('#messages', 'data-count'), String((NODES - 1) ** 2 + NODES - 2));
      assert.equal(await frame.getAttribute('#legend .legend-item[data-type="election"]', 'data-count'), String(((NODES - 1) * NODES) / 2));
      // The canvas has been drawn at the size of the diagram.
      const size = await frame.$eval('#diagram-canvas', c => [(c as HTMLCanvasElement).width, (c as HTMLCanvasElement).height]);
      assert.ok(size[0] > 200 && size[1] > 200, `canvas ${size}`);
      await vsc().parkMouse();
      await vsc().screenshot('election-diagram');
    }));

    it('replays step by step and zooms', t => step(t, 'election-replay', async () => {
      const frame = await vsc().waitForWebview('#controls');
      await frame.click('#to-start');
      const count = (type: string) => frame.textContent(`#legend .legend-item[data-type="${type}"] strong`);
      // At t = 0 only node 1's ELECTION messages (to the 11 higher ranks) have been sent.
      assert.match((await frame.textContent('#time-label')) ?? '', /^t = 0 \//);
      assert.equal(await count('election'), `${NODES - 1} / ${((NODES - 1) * NODES) / 2}`);
      await frame.click('#step-forward');
      assert.match((await frame.textContent('#time-label')) ?? '', /^t = 1 \//);
      // At t = 1 the 10 live receivers answer OK and send their own ELECTIONs (all of them now).
      assert.equal(await count('ok'), `${NODES - 2} / ${((NODES - 2) * (NODES - 1)) / 2}`);
      assert.equal(await count('election'), `${((NODES - 1) * NODES) / 2} / ${((NODES - 1) * NODES) / 2}`);
      await frame.click('#zoom-in');
      await frame.click('#zoom-in');
      await vsc().screenshot('election-replay');
      await frame.click('#to-end');
    }));

    it('runs a replica sync and shows its cost against sending everything', t => step(t, 'sync', async () => {
      await vsc().runCommand(SYNC_COMMAND);
      await answer(/Replica Sync Simulation \(1\/5\)/, '3');
      await answer(/\(2\/5\)/, '20000');
      await answer(/\(3\/5\)/, '40');
      await vsc().pickQuickItem('16', { title: /\(4\/5\)/ });
      await answer(/\(5\/5\)/, '1');
      const frame = await vsc().waitForWebview('#cost-table', { timeout: 30_000, what: 'the sync cost table' });
      const rows = await frame.$$eval('#cost-table tbody tr', trs => trs.map(tr => [...tr.children].map(c => (c.textContent ?? '').trim())));
      const keys = rows.find(r => r[0] === 'Keys transferred');
      assert.ok(keys, JSON.stringify(rows));
      assert.ok(Number(keys[1].replace(/,/g, '')) >= 40, `keys ${keys}`);
      assert.equal(await frame.textContent('#in-sync'), 'In sync after 1 pass');
      assert.ok((await frame.$$('#trees .tree-row.differs')).length >= 1);
      await vsc().parkMouse();
      await vsc().screenshot('sync-view');
    }));
  });
}

// End to end in a real VS Code: snapshot the workspace, edit a file, compare the workspace with
// the snapshot and see the old content in the diff editor; then kill the server process and
// check the extension starts a new one that still answers.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { vscodeSuite, waitFor } from './vscodeWeb';

const serverPids = (log: string) => [...log.matchAll(/server running: pid (\d+)/g)].map(m => Number(m[1]));

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-snap-'));
  fs.mkdirSync(path.join(ws, 'data'));
  fs.writeFileSync(path.join(ws, 'data', 'labels.csv'), 'id,label\n1,cat\n2,dog\n');
  fs.writeFileSync(path.join(ws, 'README.md'), '# project\n');
  return ws;
}

describe('Snapshots and server restarts in VS Code', { timeout: 90_000 }, () => {
  const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme: 'Default Dark Modern', name: 'snapshot', serverStartTest: false });

  it('snapshots the workspace into .mlw/snapshots', t => step(t, 'snapshot', async () => {
    await vsc().waitForOutput(/server running: pid \d+/, { timeout: 30_000 });
    await vsc().runCommand('ML Workbench: Snapshot Workspace');
    const dir = path.join(workspace(), '.mlw', 'snapshots');
    const files = await waitFor('a snapshot file in .mlw/snapshots', async () => {
      const found = fs.existsSync(dir) ? fs.readdirSync(dir).filter(f => f.endsWith('.json')) : [];
      return found.length ? found : undefined;
    }, { timeout: 15_000 });
    const snap = JSON.parse(fs.readFileSync(path.join(dir, files[0]), 'utf8'));
    assert.equal(snap.format, 'mlw-merkle-snapshot');
    assert.deepEqual(snap.entries.map((e: unknown[]) => e[0]).sort(), ['README.md', 'data', 'data/labels.csv']);
    await waitFor('the "Snapshot … saved" notification', async () => (await vsc().notifications()).find(n => /Snapshot of .* saved/.test(n)));
  }));

  it('compares the edited workspace with the snapshot and diffs against the kept content', t => step(t, 'compare-with-snapshot', async () => {
    fs.writeFileSync(path.join(workspace(), 'data', 'labels.csv'), 'id,label\n1,cat\n2,bird\n');
    await vsc().runCommand('ML Workbench: Compare Workspace with Snapshot…');
    await vsc().waitForQuickInput(/with snapshot/);
    await vsc().page.keyboard.press('Enter'); // the newest snapshot comes first
    const frame = await vsc().waitForWebview('#diff-tree .row[data-path="data/labels.csv"]', { timeout: 20_000, what: 'the labels.csv row' });
    assert.equal(await frame.getAttribute('#diff-tree .row[data-path="data/labels.csv"]', 'data-status'), 'modified');
    assert.equal(await frame.getAttribute('#diff-tree .row[data-path="README.md"]', 'data-status'), 'equal');
    await frame.click('#diff-tree .row[data-path="data/labels.csv"]');
    await vsc().parkMouse();
    const editor = await vsc().waitForSelector('.part.editor .monaco-diff-editor', { timeout: 15_000, what: 'a diff editor' });
    // The original side shows what the snapshot kept, the modified side the file now.
    await waitFor('both versions in the diff editor', async () => {
      const text = (await editor!.textContent()) ?? '';
      return text.includes('2,dog') && text.includes('2,bird') ? text : undefined;
    }, { timeout: 10_000 });
    await vsc().screenshot('snapshot-diff');
  }));

  it('restarts the server when it crashes', t => step(t, 'restart', async () => {
    const [pid] = serverPids(vsc().outputChannelLog());
    assert.ok(pid, 'the output names the server pid');
    process.kill(pid, 'SIGKILL');
    const next = await waitFor('a new server process', async () => serverPids(vsc().outputChannelLog()).find(p => p !== pid), { timeout: 30_000 });
    assert.notEqual(next, pid);
    assert.throws(() => process.kill(pid, 0), 'the old server is gone');
    process.kill(next, 0); // and the new one runs
    // The new server answers: a comparison still works.
    await vsc().runCommand('ML Workbench: Compare Workspace with Snapshot…');
    await vsc().waitForQuickInput(/with snapshot/);
    await vsc().page.keyboard.press('Enter');
    await waitFor('a second Merkle Diff tab', async () => ((await vsc().tabTitles()).filter(x => x.startsWith('Merkle Diff')).length >= 2 ? true : undefined), { timeout: 20_000 });
    await waitFor('the second webview to show its tree', async () => {
      let trees = 0;
      for (const f of vsc().page.frames()) if (await f.$('#diff-tree .row').catch(() => null)) trees++;
      return trees >= 2 ? true : undefined;
    }, { timeout: 20_000 });
    const [item] = await vsc().statusBarItems(/ML Workbench/);
    assert.ok(item && !item.icons.some(i => /error|sync/.test(i)), `status bar after restart: ${JSON.stringify(item)}`);
    await vsc().screenshot('after-restart');
  }));
});

// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: compare two folders from the command palette, check the Merkle diff webview
// lists exactly what changed, and open the diff editor of a modified file from it. Runs once in
// a dark and once in a light theme; screenshots of each step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const COMPARE_COMMAND = 'ML Workbench: Compare Folders (Merkle)…';
/** What differs between left/ and right/, by status. Everything else is equal. */
const EXPECTED: Record<string, 'modified' | 'added' | 'removed'> = {
  'data/train.csv': 'modified',
  'notes/new.md': 'added',
  'old.txt': 'removed',
};

function trainCsv(rows: number, changed: boolean): string {
  const lines = ['id,sepal_length,sepal_width,petal_length,petal_width,label'];
  for (let i = 1; i <= rows; i++) {
    const label = ['setosa', 'versicolor', 'virginica'][i % 3];
    const w = changed && i === 7 ? '9.9' : (1 + (i % 10) / 10).toFixed(1);
    lines.push(`${i},${(4.5 + (i % 7) / 5).toFixed(1)},${(2.8 + (i % 5) / 10).toFixed(1)},${(1.2 + (i % 9) / 4).toFixed(2)},${w},${label}`);
  }
  return lines.join('\n') + '\n';
}

/** left/ and right/ with nested folders; right differs from left exactly as EXPECTED says. */
function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-ws-'));
  const left: Record<string, string> = {
    'README.md': '# Iris experiment\n\nTwo copies of the same dataset to compare.\n',
    'old.txt': 'this file only exists on the left\n',
    'data/train.csv': trainCsv(30, false),
    'data/eval.csv': trainCsv(10, false),
    'data/raw/labels.json': JSON.stringify({ classes: ['setosa', 'versicolor', 'virginica'] }, null, 2) + '\n',
    'notes/ideas.md': '- try a deeper tree\n- normalise petal features\n',
    'src/model.py': 'def predict(x):\n    return 0\n',
    'src/utils/helpers.py': 'def load(path):\n    return open(path).read()\n',
  };
  const right: Record<string, string> = { ...left, 'data/train.csv': trainCsv(30, true), 'notes/new.md': '# New notes\n' };
  delete right['old.txt'];
  for (const [side, files] of Object.entries({ left, right })) {
    for (const [rel, content] of Object.entries(files)) {
      const p = path.join(ws, side, rel);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, content);
    }
  }
  return ws;
}

const isAncestor = (folder: string, p: string) => folder === '' || folder === '.' || p.startsWith(`${folder}/`);

interface Row {
  path: string;
  status: string;
}

for (const [name, theme] of THEMES) {
  describe(`Merkle compare in VS Code (${theme})`, { timeout: 90_000 }, () => {
    const { vsc, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `merkle-${name}`, serverStartTest: false });

    it('activates the extension, whose status bar item shows the server running', t => step(t, 'activation', async () => {
      await vsc().waitForActivation({ timeout: 20_000 });
      const item = await waitFor('a status bar item "ML Workbench" that is not starting or in error', async () => {
        const [found] = await vsc().statusBarItems(/ML Workbench|MLW/);
        if (!found) return undefined;
        const settled = !found.icons.some(i => /sync|loading|spin/.test(i));
        return settled ? found : undefined;
      }, { timeout: 20_000 });
      assert.ok(!/error-kind|warning-kind/.test(item.classes) && !item.icons.some(i => /codicon-error/.test(i)),
        `the status bar item shows an error state: ${JSON.stringify(item)}`);
      await vsc().waitForOutput(/server running/i, { timeout: 15_000 });
    }));

    it('asks for folder A, then folder B, from the command palette', t => step(t, 'quick-picks', async () => {
      await vsc().runCommand(COMPARE_COMMAND, { screenshot: 'palette' });
      const titleA = await vsc().waitForQuickInput(/pick folder A \(1\/2\)/);
      assert.match(titleA, /Compare Folders \(Merkle\)/);
      const labels = await waitFor('folder rows in the first quick pick', async () => {
        const rows = (await vsc().quickRows()).map(r => r.label);
        return rows.includes('left') && rows.includes('right') ? rows : undefined;
      });
      for (const l of ['left', 'left/data', 'right', 'right/notes']) assert.ok(labels.includes(l), `quick pick A lacks "${l}": ${JSON.stringify(labels)}`);
      await vsc().screenshot('pick-folder-A');
      await vsc().pickQuickItem('left');

      const titleB = await vsc().waitForQuickInput(/\(2\/2\)/);
      assert.match(titleB, /pick folder B/);
      await vsc().screenshot('pick-folder-B');
      await vsc().pickQuickItem('right');
    }));

    it('shows the Merkle diff webview listing exactly the changed files', t => step(t, 'webview', async () => {
      await waitFor('an editor tab "Merkle Diff: left ↔ right"', async () => (await vsc().tabTitles()).find(x => x.includes('Merkle Diff: left ↔ right')),
        { timeout: 20_000 });
      const frame = await vsc().waitForWebview('#diff-tree .row', { timeout: 20_000, what: 'the webview tree (#diff-tree .row)' });
      const readRows = () => frame.$$eval('#diff-tree .row', els => els.map(e => ({ path: e.getAttribute('data-path') ?? '', status: e.getAttribute('data-status') ?? '' })));
      let rows: Row[] = await readRows();
      // Collapsed folders may not render their children: open the ancestors of what we expect.
      for (const expected of Object.keys(EXPECTED)) {
        const parts = expected.split('/');
        for (let i = 1; i < parts.length; i++) {
          const folder = parts.slice(0, i).join('/');
          if (!rows.some(r => r.path === expected) && rows.some(r => r.path === folder)) {
            await frame.click(`#diff-tree .row[data-path="${folder}"]`);
            rows = await waitFor(`the children of ${folder} in the tree`, async () => {
              const now = await readRows();
              return now.some(r => isAncestor(folder, r.path) && r.path !== folder) ? now : undefined;
            }, { timeout: 3_000 }).catch(() => rows);
          }
        }
      }
      for (const r of rows) assert.match(r.status, /^(equal|added|removed|modified)$/, `row ${r.path} has data-status "${r.status}"`);
      const changed = rows.filter(r => r.status !== 'equal');
      for (const [p, status] of Object.entries(EXPECTED)) {
        const row = changed.find(r => r.path === p);
        assert.ok(row, `no non-equal row for ${p}; non-equal rows: ${JSON.stringify(changed)}`);
        assert.equal(row.status, status, `row ${p}`);
      }
      const unexpected = changed.filter(r => !(r.path in EXPECTED) && !Object.keys(EXPECTED).some(p => isAncestor(r.path, p)));
      assert.deepEqual(unexpected, [], 'rows marked changed that are neither an expected file nor one of their folders');
      for (const r of changed.filter(r => !(r.path in EXPECTED))) assert.equal(r.status, 'modified', `folder row ${r.path || '(root)'}`);
      // What changed must be in sight without any clicking (folders with changes start open).
      for (const p of Object.keys(EXPECTED)) {
        assert.ok(await frame.isVisible(`#diff-tree .row[data-path="${p}"]`), `row ${p} is in the DOM but not visible`);
      }
      assert.ok(rows.some(r => r.status === 'equal' && r.path === 'data/eval.csv') || !rows.some(r => r.path === 'data/eval.csv'),
        'data/eval.csv is shown but not as equal');
      // The progress notification of the comparison goes once it is done.
      await waitFor('the "Comparing left ↔ right" progress notification to close', async () =>
        !(await vsc().notifications()).some(n => n.startsWith('Comparing')), { timeout: 5_000 });
      await vsc().screenshot('webview');
    }));

    it('opens the diff editor of a modified file clicked in the webview', t => step(t, 'diff-editor', async () => {
      const found = await vsc().findInWebviews('#diff-tree .row[data-path="data/train.csv"]');
      assert.ok(found, 'row data/train.csv is gone from the webview');
      await found.element.click();
      await vsc().parkMouse();
      await vsc().waitForSelector('.part.editor .monaco-diff-editor', { timeout: 15_000, what: 'a diff editor after clicking data/train.csv' });
      const tab = await waitFor('an editor tab for train.csv', async () => (await vsc().tabTitles()).find(x => x.includes('train.csv')));
      assert.ok(tab);
      // Let the diff computation paint its decorations before the picture is taken.
      await vsc().waitForSelector('.monaco-diff-editor .char-insert, .monaco-diff-editor .line-insert, .monaco-diff-editor .gutter-insert',
        { timeout: 10_000, state: 'attached', what: 'the diff editor to mark the changed line' }).catch(() => undefined);
      await vsc().screenshot('diff-editor');
    }));
  });
}

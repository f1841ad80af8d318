// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: open CSVs beside a schema.pbtxt and see the server's diagnostic for a value out
// of the string domain in the Problems panel; then run "Compare Datasets (Skew/Drift)…" through
// its quick picks and check the skew report marks the skewed feature as anomalous. Runs once in
// a dark and once in a light theme; screenshots of each step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const COMPARE_COMMAND = 'ML Workbench: Compare Datasets (Skew/Drift)…';

/** Training: color ¾ red, ¼ green. Serving: ¼ red, ¾ green (L∞ ½ > 0.1), one "purple" (out of the domain). */
function csv(rows: number, serving: boolean): string {
  const lines = ['id,age,color'];
  for (let i = 1; i <= rows; i++) {
    const red = serving ? i % 4 === 0 : i % 4 !== 0;
    const color = serving && i === 5 ? 'purple' : red ? 'red' : 'green';
    lines.push(`${i},${20 + (i % 40)},${color}`);
  }
  return lines.join('\n') + '\n';
}

const SCHEMA = `feature {
  name: "id"
  type: INT
}
feature {
  name: "age"
  type: INT
  int_domain { min: 0 max: 120 }
}
feature {
  name: "color"
  type: BYTES
  domain: "color"
  skew_comparator { infinity_norm { threshold: 0.1 } }
  drift_comparator { infinity_norm { threshold: 0.1 } }
}
string_domain {
  name: "color"
  value: "red"
  value: "green"
}
`;

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-dv-'));
  fs.mkdirSync(path.join(ws, 'data'));
  fs.writeFileSync(path.join(ws, 'data', 'train.csv'), csv(40, false));
  fs.writeFileSync(path.join(ws, 'data', 'serving.csv'), csv(40, true));
  fs.writeFileSync(path.join(ws, 'data', 'schema.pbtxt'), SCHEMA);
  fs.mkdirSync(path.join(ws, 'fresh'));
  fs.writeFileSync(path.join(ws, 'fresh', 'fresh.csv'), csv(12, false));
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Data validation in VS Code (${theme})`, { timeout: 120_000 }, () => {
    const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `datavalidation-${name}` });

    /** Quick open (Ctrl+P), then the file by name. */
    async function openFile(file: string): Promise<void> {
      await vsc().page.click('.part.sidebar .composite.title'); // focus the workbench, not a webview
      await vsc().page.keyboard.press('Control+P');
      await vsc().waitForQuickInput();
      await vsc().pickQuickItem(file);
      const activeTab = () => vsc().page.$eval('.part.editor .tabs-container .tab.active', e => (e.getAttribute('aria-label') ?? '').trim()).catch(() => '');
      const active = await waitFor(`the active editor tab to be ${file}`, async () => (await activeTab()).startsWith(file), { timeout: 3_000 }).catch(() => false);
      if (!active) {
        // Quick open can land behind a webview that keeps focus: open it from the explorer instead.
        await vsc().page.click(`.part.sidebar .monaco-list-row[aria-label^="${file}"]`);
        await waitFor(`the active editor tab to be ${file}`, async () => (await activeTab()).startsWith(file), { timeout: 10_000 });
      }
    }

    it('shows the out-of-domain value of serving.csv in the Problems panel', t => step(t, 'diagnostics', async () => {
      await openFile('train.csv');
      await openFile('serving.csv');
      await vsc().runCommand('Problems: Focus on Problems View');
      const text = await waitFor('a problem naming "purple" in the Problems panel', async () => {
        const rows = await vsc().page.$$eval('.markers-panel .monaco-list-row', els => els.map(e => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
        return rows.find(r => /purple/.test(r));
      }, { timeout: 20_000 });
      assert.match(text, /color/);
      // The editor marks the cell too.
      await vsc().waitForSelector('.part.editor .squiggly-error', { timeout: 10_000, state: 'attached', what: 'an error squiggle in serving.csv' });
      await vsc().screenshot('problems');
    }));

    it('compares train.csv (training) with serving.csv through the quick picks', t => step(t, 'quick-picks', async () => {
      await openFile('train.csv');
      await vsc().runCommand(COMPARE_COMMAND, { screenshot: 'palette' });
      const modeTitle = await vsc().waitForQuickInput(/\(2\/4\)/);
      assert.match(modeTitle, /train\.csv/);
      await vsc().screenshot('pick-mode');
      await vsc().pickQuickItem('Skew');
      await vsc().waitForQuickInput(/serving data .*\(3\/4\)/);
      const rows = (await vsc().quickRows()).map(r => r.label);
      assert.ok(rows.includes('serving.csv') && !rows.includes('train.csv'), `CSV rows: ${JSON.stringify(rows)}`);
      await vsc().pickQuickItem('serving.csv');
      await vsc().waitForQuickInput(/schema.*\(4\/4\)/);
      const schemaRows = await vsc().quickRows();
      assert.equal(schemaRows[0]?.label, 'schema.pbtxt', 'the schema beside the data comes first');
      await vsc().screenshot('pick-schema');
      await vsc().page.keyboard.press('Enter');
      await vsc().parkMouse();
    }));

    it('shows the skew report with the skewed feature anomalous', t => step(t, 'report', async () => {
      await waitFor('an editor tab "Skew Report: train.csv vs serving.csv"', async () => (await vsc().tabTitles()).find(x => x.includes('Skew Report: train.csv vs serving.csv')),
        { timeout: 20_000 });
      const frame = await vsc().waitForWebview('#features .feature[data-feature="color"]', { timeout: 20_000, what: 'the color feature in the report' });
      const rows = await frame.$$eval('#features .feature', els => els.map(e => ({ feature: e.getAttribute('data-feature'), anomalous: e.getAttribute('data-anomalous') })));
      assert.deepEqual(rows.find(r => r.feature === 'color'), { feature: 'color', anomalous: 'true' });
      assert.deepEqual(rows.filter(r => r.anomalous === 'true').map(r => r.feature), ['color'], JSON.stringify(rows));
      assert.deepEqual(rows.map(r => r.feature).sort(), ['age', 'color', 'id']);
      assert.equal(await frame.getAttribute('#app', 'data-mode'), 'skew');
      // The distance of color against its threshold.
      const distance = await frame.$eval('#features .feature[data-feature="color"] .distance', e => ({ above: e.getAttribute('data-above'), text: e.textContent }));
      assert.equal(distance.above, 'true');
      assert.match(distance.text ?? '', /L∞\s*0\.500\s*>\s*0\.100/);
      await waitFor('the summary notification', async () => (await vsc().notifications()).find(n => /1 anomaly in train\.csv/.test(n)), { timeout: 10_000 });
      await waitFor('the progress notification to close', async () => !(await vsc().notifications()).some(n => /^Skew /.test(n)), { timeout: 5_000 });
      await vsc().page.keyboard.press('Control+J'); // hide the Problems panel: the report gets the height
      await vsc().parkMouse();
      await vsc().screenshot('skew-report');
    }));

    it('validates serving.csv against the schema beside it', t => step(t, 'validate', async () => {
      await openFile('serving.csv');
      await vsc().runCommand('ML Workbench: Validate Against Schema…');
      await vsc().waitForQuickInput(/Validate serving\.csv: pick the schema/);
      await vsc().page.keyboard.press('Enter'); // schema.pbtxt beside it comes first
      await waitFor('an editor tab "Validation: serving.csv"', async () => (await vsc().tabTitles()).find(x => x.includes('Validation: serving.csv')), { timeout: 20_000 });
      const frame = await waitFor('the validation report', async () => {
        for (const f of vsc().page.frames()) {
          const mode = await f.getAttribute('#app', 'data-mode', { timeout: 100 }).catch(() => null);
          const single = await f.$('#app.single #features .feature[data-feature="color"]').catch(() => null);
          if (mode === 'statistics' && single) return f;
        }
        return undefined;
      }, { timeout: 20_000 });
      assert.equal(await frame.getAttribute('#app.single #features .feature[data-feature="color"]', 'data-anomalous'), 'true');
      assert.equal(await frame.getAttribute('#app.single #features .feature[data-feature="age"]', 'data-anomalous'), 'false');
      await waitFor('the summary notification', async () => (await vsc().notifications()).find(n => /1 anomaly in serving\.csv/.test(n)), { timeout: 10_000 });
      await vsc().screenshot('validation-report');
    }));

    it('infers a schema for a CSV without one and opens it', t => step(t, 'infer-schema', async () => {
      await openFile('fresh.csv');
      await vsc().runCommand('ML Workbench: Infer Schema');
      const file = path.join(workspace(), 'fresh', 'schema.pbtxt');
      const text = await waitFor('fresh/schema.pbtxt on disk', async () => fs.existsSync(file) && fs.readFileSync(file, 'utf8'), { timeout: 20_000 });
      assert.match(text, /string_domain \{\n {2}name: "color"\n {2}value: "green"\n {2}value: "red"\n\}/);
      await waitFor('an editor tab for schema.pbtxt', async () => (await vsc().tabTitles()).find(x => x.startsWith('schema.pbtxt')), { timeout: 10_000 });
      await vsc().screenshot('inferred-schema');
    }));

    it('applies the quick fix that adds the value to the domain, and the problem goes', t => step(t, 'quick-fix', async () => {
      await openFile('serving.csv');
      // The "purple" cell: line 6, column 6.
      await vsc().page.keyboard.press('Control+G');
      await vsc().waitForQuickInput();
      await vsc().page.keyboard.type('6:6');
      await vsc().page.keyboard.press('Enter');
      await vsc().page.keyboard.press('Control+.');
      const action = await vsc().waitForSelector('.action-widget .monaco-list-row', { timeout: 10_000, what: 'the quick fix menu' });
      assert.ok(action);
      const labels = await vsc().page.$$eval('.action-widget .monaco-list-row', els => els.map(e => e.textContent?.trim() ?? ''));
      assert.ok(labels.some(l => /Add 'purple' to the domain of color/.test(l)), `no "Add 'purple'" fix among ${JSON.stringify(labels)}`);
      await vsc().screenshot('quick-fix-menu');
      // The first fix is focused: the one that adds the value (the server lists it first).
      const focused = await vsc().page.$eval('.action-widget .monaco-list-row.focused', e => e.textContent?.trim() ?? '');
      assert.match(focused, /Add 'purple' to the domain of color/);
      await vsc().page.keyboard.press('Enter');
      const schemaFile = path.join(workspace(), 'data', 'schema.pbtxt');
      // VS Code saves files a code action edits (files.refactoring.autoSave); the server then re-reads it.
      await waitFor('"purple" in schema.pbtxt on disk', async () => /value: "purple"/.test(fs.readFileSync(schemaFile, 'utf8')), { timeout: 15_000 });
      await vsc().runCommand('Problems: Focus on Problems View');
      await waitFor('no problem naming "purple" in the Problems panel', async () => {
        const rows = await vsc().page.$$eval('.markers-panel .monaco-list-row', els => els.map(e => (e.getAttribute('aria-label') ?? e.textContent ?? '').trim()));
        return !rows.some(r => /purple/.test(r));
      }, { timeout: 20_000 });
      await vsc().screenshot('quick-fix-applied');
    }));
  });
}

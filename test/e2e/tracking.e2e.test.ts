// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: a workspace whose mlruns/ store is written by the file store; the Runs view in
// the ML Workbench activity bar container lists experiment → runs → parameters and metrics; a
// metric opens the run's charts (uPlot canvas, legend with the latest value in the theme's
// colour); an artifact opens in an editor; "Compare Runs…" overlays two runs and marks the
// parameters that differ. Runs in a dark and a light theme; screenshots go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { FileStore } from '../../server/tracking/fileStore';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const T0 = Date.UTC(2026, 2, 14, 9, 30, 0);
const LOSS_A = [1.0, 0.6, 0.4, 0.3, 0.25];
const LOSS_B = [1.0, 0.9, 0.8, 0.7, 0.65];

async function makeWorkspace(): Promise<string> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-tracking-'));
  const store = new FileStore(path.join(ws, 'mlruns'));
  const iris = await store.experimentId('iris');
  const log = async (name: string, start: number, params: Record<string, string | number>, loss: number[], status: 'FINISHED' | 'FAILED') => {
    const run = await store.startRun(iris, { runName: name, startTime: start });
    await run.logParams(params);
    await run.logMetrics(loss.flatMap((v, step) => [
      { key: 'loss', value: v, step, timestamp: start + (step + 1) * 60_000 },
      { key: 'accuracy', value: 1 - v / 2, step, timestamp: start + (step + 1) * 60_000 },
    ]));
    await run.setTags({ note: `learning rate ${params.lr}` });
    await run.end(status, start + 6 * 60_000);
    return run;
  };
  const a = await log('lr-0.1', T0, { lr: 0.1, layers: 2, optimizer: 'adam' }, LOSS_A, 'FINISHED');
  fs.mkdirSync(path.join(a.localArtifactDir, 'eval'), { recursive: true });
  fs.writeFileSync(path.join(a.localArtifactDir, 'eval', 'report.txt'), 'accuracy: 0.875\n');
  await log('lr-0.01', T0 + 3_600_000, { lr: 0.01, layers: 2, optimizer: 'adam', dropout: 0.2 }, LOSS_B, 'FAILED');
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Run tracking in VS Code (${theme})`, { timeout: 150_000 }, () => {
    const { vsc, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `tracking-${name}` });

    /** The row of the Runs view whose label is `label` (the first one, from `after` on). */
    async function treeRow(label: string): Promise<string> {
      return waitFor(`a row "${label}" in the Runs view`, async () => {
        const rows = await vsc().page.$$eval('.part.sidebar .monaco-list-row', els => els.map(e => ({
          index: e.getAttribute('data-index'),
          label: (e.querySelector('.label-name')?.textContent ?? '').trim(),
          description: (e.querySelector('.label-description')?.textContent ?? '').trim(),
        })));
        const row = rows.find(r => r.label === label);
        return row ? `.part.sidebar .monaco-list-row[data-index="${row.index}"]` : undefined;
      }, { timeout: 15_000 });
    }

    async function rowDescription(selector: string): Promise<string> {
      return vsc().page.$eval(selector, e => (e.querySelector('.label-description')?.textContent ?? '').trim());
    }

    it('opens the Runs view: experiment → runs → parameters and metrics', t => step(t, 'runs-view', async () => {
      await vsc().page.click('.part.activitybar .action-item .action-label[aria-label^="ML Workbench"]');
      await vsc().parkMouse();
      const experiment = await treeRow('iris');
      assert.equal(await rowDescription(experiment), '2 runs');
      // Newest first.
      const labels = await vsc().page.$$eval('.part.sidebar .monaco-list-row .label-name', els => els.map(e => (e.textContent ?? '').trim()));
      assert.ok(labels.indexOf('lr-0.01') < labels.indexOf('lr-0.1'), JSON.stringify(labels));
      await vsc().page.click(await treeRow('lr-0.1'));
      const loss = await treeRow('loss');
      assert.equal(await rowDescription(loss), '0.25 · step 4');
      assert.equal(await rowDescription(await treeRow('lr')), '0.1');
      await vsc().screenshot('runs-view');
    }));

    let runFrame: Frame;
    it('opens the run chart from a metric: the loss curve with its latest value', t => step(t, 'run-chart', async () => {
      await vsc().page.click(await treeRow('loss'));
      await waitFor('an editor tab "Run: lr-0.1"', async () => (await vsc().tabTitles()).find(x => x.includes('Run: lr-0.1')), { timeout: 15_000 });
      runFrame = await vsc().waitForWebview('#app:not(.compare) .metric-card[data-metric="loss"] .uplot canvas', { timeout: 20_000, what: 'the loss chart' });
      const card = '#app:not(.compare) .metric-card[data-metric="loss"]';
      assert.equal(await runFrame.getAttribute(card, 'data-points'), String(LOSS_A.length));
      assert.equal(await runFrame.getAttribute(card, 'data-series'), '1');
      assert.match(await runFrame.getAttribute(card, 'class') ?? '', /focused/, 'the clicked metric is highlighted');
      // Legend: the x series and the run; the run shows its latest value.
      const legend = await runFrame.$$eval(`${card} .u-legend .u-series`, rows => rows.map(r => ({
        label: (r.querySelector('.u-label')?.textContent ?? '').trim(),
        value: (r.querySelector('.u-value')?.textContent ?? '').trim(),
      })));
      assert.deepEqual(legend, [{ label: 'Step', value: '4' }, { label: 'lr-0.1', value: '0.25' }]);
      // The series is drawn in the theme's first chart colour.
      const colours = await runFrame.$eval(`${card} .u-legend .u-series:nth-child(2) .u-marker`, m => {
        const probe = document.createElement('span');
        probe.style.color = 'var(--vscode-charts-blue)';
        document.body.appendChild(probe);
        const want = getComputedStyle(probe).color;
        probe.remove();
        return { marker: getComputedStyle(m).borderTopColor, want };
      });
      assert.equal(colours.marker, colours.want);
      const canvas = await runFrame.$eval(`${card} .uplot canvas`, c => ({ w: (c as HTMLCanvasElement).width, h: (c as HTMLCanvasElement).height }));
      assert.ok(canvas.w > 200 && canvas.h > 100, JSON.stringify(canvas));
      assert.deepEqual(await runFrame.$$eval('#params-table tbody tr', rows => rows.map(r => r.getAttribute('data-key'))), ['layers', 'lr', 'optimizer']);
      await vsc().screenshot('run-chart');
    }));

    it('switches the x axis to time', t => step(t, 'time-axis', async () => {
      await runFrame.click('.segment[data-value="time"]');
      await waitFor('the x legend to read Time', async () =>
        (await runFrame.$eval('#app:not(.compare) .metric-card[data-metric="loss"] .u-legend .u-series:first-child .u-label', e => e.textContent)) === 'Time');
      const x = await runFrame.$eval('#app:not(.compare) .metric-card[data-metric="loss"] .u-legend .u-series:first-child .u-value', e => (e.textContent ?? '').trim());
      assert.equal(x, '5 min', 'the last point, 300 s after the start');
      await runFrame.click('.segment[data-value="step"]');
    }));

    it('opens an artifact from the Runs view', t => step(t, 'artifact', async () => {
      await vsc().page.click(await treeRow('Artifacts'));
      await vsc().page.click(await treeRow('eval'));
      await vsc().page.click(await treeRow('report.txt'));
      await waitFor('an editor tab "report.txt"', async () => (await vsc().tabTitles()).find(x => x.startsWith('report.txt')), { timeout: 15_000 });
      await vsc().waitForSelector('.part.editor .view-lines', { what: 'the artifact in an editor' });
      // Monaco renders spaces as no-break spaces.
      const text = await vsc().page.$eval('.part.editor .editor-instance .view-lines', e => (e.textContent ?? '').replace(/\u00a0/g, ' '));
      assert.match(text, /accuracy: 0\.875/);
    }));

    it('compares two runs: metrics overlaid, differing parameters marked', t => step(t, 'compare', async () => {
      await vsc().runCommand('ML Workbench: Compare Runs…', { screenshot: 'compare-palette' });
      await vsc().waitForQuickInput(/Compare Runs \(1\/2\)/);
      await vsc().pickQuickItem('lr-0.1');
      await vsc().waitForQuickInput(/Compare Runs \(2\/2\)/);
      const rows = (await vsc().quickRows()).map(r => r.label);
      assert.deepEqual(rows, ['lr-0.01'], 'the first run is not offered again');
      await vsc().pickQuickItem('lr-0.01');
      await waitFor('an editor tab "Compare: lr-0.1 ↔ lr-0.01"', async () => (await vsc().tabTitles()).find(x => x.includes('Compare: lr-0.1 ↔ lr-0.01')), { timeout: 15_000 });
      const frame = await vsc().waitForWebview('#app.compare .metric-card[data-metric="loss"] .uplot canvas', { timeout: 20_000, what: 'the compared loss chart' });
      const card = '#app.compare .metric-card[data-metric="loss"]';
      assert.equal(await frame.getAttribute(card, 'data-series'), '2');
      const legend = await frame.$$eval(`${card} .u-legend .u-series`, r => r.map(x => [(x.querySelector('.u-label')?.textContent ?? '').trim(), (x.querySelector('.u-value')?.textContent ?? '').trim()]));
      assert.deepEqual(legend, [['Step', '4'], ['lr-0.1', '0.25'], ['lr-0.01', '0.65']]);
      const params = await frame.$$eval('#params-table tbody tr', trs => trs.map(tr => ({
        key: tr.getAttribute('data-key'),
        differs: tr.classList.contains('differs'),
        values: [...tr.querySelectorAll('td')].map(td => (td.textContent ?? '').trim()),
      })));
      assert.deepEqual(params, [
        { key: 'dropout', differs: true, values: ['—', '0.2'] },
        { key: 'layers', differs: false, values: ['2', '2'] },
        { key: 'lr', differs: true, values: ['0.1', '0.01'] },
        { key: 'optimizer', differs: false, values: ['adam', 'adam'] },
      ]);
      await vsc().screenshot('compare');
      await frame.click('#only-differences');
      await waitFor('only the differing parameters', async () =>
        JSON.stringify(await frame.$$eval('#params-table tbody tr', trs => trs.map(tr => tr.getAttribute('data-key')))) === '["dropout","lr"]');
      await frame.$eval('#params-table', e => e.scrollIntoView());
      await vsc().screenshot('compare-differences');
    }));
  });
}

// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: clicking a .onnx file in the explorer opens the graph viewer; the drawing has
// as many nodes as the model; clicking a node shows its properties; search selects; an If's
// branch is entered and left by the breadcrumb; the graph is exported as SVG; a corrupt file
// shows its error; a 3,000-node model opens (layout and first-paint times are printed). Runs in a
// dark and a light theme; screenshots of each step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { chainModel, encode, ifModel, mlpModel } from '../unit/onnx.viewer.models';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-onnx-'));
  fs.writeFileSync(path.join(ws, 'mlp.onnx'), encode(mlpModel()));
  fs.writeFileSync(path.join(ws, 'branchy.onnx'), encode(ifModel()));
  const bytes = encode(mlpModel());
  fs.writeFileSync(path.join(ws, 'broken.onnx'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  fs.writeFileSync(path.join(ws, 'chain3000.onnx'), encode(chainModel(750)));
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`ONNX graph viewer in VS Code (${theme})`, { timeout: 240_000 }, () => {
    const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `onnxviewer-${name}`, viewport: { width: 1400, height: 860 } });

    /** The viewer's frame once it shows `selector` (other editors are closed first, so it is the only one). */
    async function viewer(selector: string, timeout = 30_000): Promise<Frame> {
      return vsc().waitForWebview(`#app.onnx-viewer ${selector}`, { timeout, what: `the ONNX viewer showing ${selector}` });
    }

    it('opens mlp.onnx from the explorer and draws its 4 nodes', t => step(t, 'open-mlp', async () => {
      await vsc().openFromExplorer('mlp.onnx');
      const frame = await viewer('svg.graph[data-node-count]');
      assert.equal(await frame.getAttribute('svg.graph', 'data-node-count'), '4');
      // Small graphs are drawn whole: every node is in the SVG, with its op type.
      const titles = await frame.$$eval('svg.graph .box.node .box-title', els => els.map(e => e.textContent));
      assert.deepEqual([...titles].sort(), ['Gemm', 'Gemm', 'Relu', 'Softmax']);
      assert.equal(await frame.$$eval('svg.graph .box.terminal', els => els.length), 2);
      assert.equal(await frame.$$eval('svg.graph .edge', els => els.length), 5);
      // Edges carry the shapes from value_info; categories colour the nodes.
      const labels = await frame.$$eval('svg.graph .edge-label', els => els.map(e => e.textContent));
      assert.ok(labels.includes('batch×3') && labels.includes('batch×4'), JSON.stringify(labels));
      assert.equal(await frame.$$eval('svg.graph .box.node.cat-layer', els => els.length), 2);
      // With nothing selected, the panel shows the model's properties.
      const panel = await frame.textContent('#panel');
      assert.match(panel ?? '', /ONNX v8/);
      assert.match(panel ?? '', /mlw-tests 1\.0/);
      assert.match(panel ?? '', /ai\.onnx v17/);
      assert.match(panel ?? '', /float32\[batch,4\]/);
      assert.equal(await frame.$eval('#run-model', e => (e as HTMLButtonElement).disabled), false, 'Run Model… is available');
      await vsc().parkMouse();
      await vsc().screenshot('mlp-model');
    }));

    it('clicking a node shows its op type, attributes and weights', t => step(t, 'node-properties', async () => {
      const frame = await viewer('svg.graph [data-id="n0"]');
      await frame.click('svg.graph [data-id="n0"] .box-title');
      await frame.waitForSelector('#panel .op-badge', { timeout: 5_000 });
      assert.equal(await frame.textContent('#panel .op-badge'), 'Gemm');
      const attrs = await frame.$$eval('#panel dl.attributes dt, #panel dl.attributes dd', els => els.map(e => e.textContent?.trim()));
      assert.deepEqual(attrs, ['alpha', '1', 'transB', '0']);
      const panel = (await frame.textContent('#panel')) ?? '';
      // W1: min -3, max 6, mean 10.5/12.
      assert.match(panel, /float32\[4,3\] · 12 values/);
      assert.match(panel, /min -3\s*max 6\s*mean 0\.875/);
      assert.equal(await frame.getAttribute('svg.graph [data-id="n0"]', 'class').then(c => c?.includes('selected')), true);
      await vsc().parkMouse();
      await vsc().screenshot('node-selected');
    }));

    it('search finds the Relu by name and selects it', t => step(t, 'search', async () => {
      const frame = await viewer('#search');
      await frame.fill('#search', 'relu1');
      await frame.press('#search', 'Enter');
      await waitFor('"1 of 1" beside the search box', async () => (await frame.textContent('#search-count')) === '1 of 1', { timeout: 5_000 });
      assert.equal(await frame.textContent('#panel .op-badge'), 'Relu');
      await frame.fill('#search', 'batch,3');
      await frame.press('#search', 'Enter');
      await waitFor('3 shape matches', async () => (await frame.textContent('#search-count')) === '1 of 3', { timeout: 5_000 });
      await vsc().screenshot('search');
      await frame.fill('#search', '');
      await frame.press('#search', 'Escape');
    }));

    it('runs the model on random inputs and shows its softmax output', t => step(t, 'run', async () => {
      const frame = await viewer('#run-model:not([disabled])');
      await frame.click('#run-model');
      await vsc().pickQuickItem('Random inputs', { title: 'Run mlp.onnx' });
      const values = await waitFor('the run results in the panel', async () => {
        const text = await frame.textContent('#run-slot pre.run-values').catch(() => null);
        return text ?? undefined;
      }, { timeout: 60_000 });
      // Y = softmax(...) of one row (batch 1): two probabilities summing to 1.
      const y = JSON.parse(values) as number[][];
      assert.equal(y.length, 1);
      assert.equal(y[0].length, 2);
      assert.ok(Math.abs(y[0][0] + y[0][1] - 1) < 1e-5, `softmax row sums to ${y[0][0] + y[0][1]}`);
      assert.match((await frame.textContent('#run-slot')) ?? '', /Latency\s*[\d.]+ (ms|s)/);
      await vsc().parkMouse();
      await vsc().screenshot('run');
    }));

    it('exports the graph as SVG where the user says', t => step(t, 'export-svg', async () => {
      const frame = await viewer('#export-svg');
      const target = path.join(workspace(), `mlp-${name}.svg`);
      await frame.click('#export-svg');
      await vsc().answerSaveDialog(target);
      const svg = await waitFor(`${target} to be written`, () => (fs.existsSync(target) ? fs.readFileSync(target, 'utf8') : undefined), { timeout: 10_000 });
      assert.match(svg, /^<\?xml/);
      assert.equal((svg.match(/class="box node /g) ?? []).length, 4);
      assert.match(svg, />Softmax</);
      // Colours are written in, not left as VS Code variables that exist only in the webview.
      assert.doesNotMatch(svg, /var\(--vscode/);

      // PNG: the same drawing at twice its size (small graphs are rendered at 2× for sharpness).
      const png = path.join(workspace(), `mlp-${name}.png`);
      await frame.click('#export-png');
      await vsc().answerSaveDialog(png);
      const bytes = await waitFor(`${png} to be written`, () => (fs.existsSync(png) ? fs.readFileSync(png) : undefined), { timeout: 15_000 });
      assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
      const svgWidth = Number(/<svg[^>]* width="(\d+)"/.exec(svg)![1]);
      const svgHeight = Number(/<svg[^>]* height="(\d+)"/.exec(svg)![1]);
      assert.deepEqual([bytes.readUInt32BE(16), bytes.readUInt32BE(20)], [svgWidth * 2, svgHeight * 2], 'PNG size (IHDR)');
      await vsc().parkMouse();
    }));

    it('enters the If node\'s then-branch and comes back by the breadcrumb', t => step(t, 'subgraph', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('branchy.onnx');
      let frame = await viewer('svg.graph [data-id="n0"]');
      assert.equal(await frame.getAttribute('svg.graph', 'data-node-count'), '1');
      await frame.dblclick('svg.graph [data-id="n0"] .box-title');
      frame = await viewer('.breadcrumb .crumb.current');
      await waitFor('the breadcrumb to end in choose.then_branch', async () => (await frame.textContent('.breadcrumb .crumb.current')) === 'choose.then_branch', { timeout: 10_000 });
      const titles = await frame.$$eval('svg.graph .box.node .box-title', els => els.map(e => e.textContent));
      assert.deepEqual(titles, ['Add']);
      assert.equal(await frame.$$eval('svg.graph .box.terminal.outer', els => els.length), 1, 'X from the enclosing graph');
      await vsc().parkMouse();
      await vsc().screenshot('then-branch');
      await frame.click('.breadcrumb button.crumb');
      await waitFor('the main graph again', async () => (await frame.textContent('.breadcrumb .crumb.current')) === 'branchy', { timeout: 10_000 });
      assert.equal(await frame.$$eval('svg.graph .box.node .box-title', els => els.map(e => e.textContent).join()), 'If');
    }));

    it('shows the error of a corrupt file instead of a blank page', t => step(t, 'corrupt', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('broken.onnx');
      const frame = await viewer('#error:not([hidden]) .error-message');
      const message = (await frame.textContent('#error .error-message')) ?? '';
      assert.match(message, /broken\.onnx: truncated or not an ONNX model: /);
      await vsc().parkMouse();
      await vsc().screenshot('corrupt');
    }));

    it('opens a 3,000-node model', t => step(t, 'large', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('chain3000.onnx');
      const frame = await viewer('svg.graph[data-node-count="3000"]', 120_000);
      await frame.waitForSelector('#app[data-first-paint-ms]', { state: 'attached', timeout: 10_000 });
      const drawn = Number(await frame.getAttribute('svg.graph', 'data-drawn-nodes'));
      // Only what is in view is in the DOM.
      assert.ok(drawn > 0 && drawn < 3000, `drawn nodes: ${drawn}`);
      const status = (await frame.textContent('#status')) ?? '';
      assert.match(status, /^3,000 nodes · 3,751 edges · layout /);
      console.log(`[${name}] 3,000-node model: ${status}; ${drawn} nodes in the DOM; first paint ${await frame.getAttribute('#app', 'data-first-paint-ms')} ms`);
      await vsc().parkMouse();
      await vsc().screenshot('large-top');
      // Fit: the whole model at a glance, drawn without text.
      await frame.click('#zoom-fit');
      await waitFor('the zoomed-out drawing', async () => (await frame.getAttribute('svg.graph', 'class'))?.includes('lod-titles'), { timeout: 5_000 });
      await vsc().parkMouse();
      await vsc().screenshot('large-fit');
      await frame.fill('#search', 'b700/conv');
      await frame.press('#search', 'Enter');
      await waitFor('the match', async () => (await frame.textContent('#search-count')) === '1 of 1', { timeout: 5_000 });
      assert.equal(await frame.textContent('#panel .op-badge'), 'Conv');
      await vsc().parkMouse();
      await vsc().screenshot('large-search');
    }));
  });
}

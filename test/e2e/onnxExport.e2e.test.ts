// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: "Export Model to ONNX…" on a TensorFlow.js model folder writes model.onnx and
// reports the parity check, which needs the installed extension's server to load
// onnxruntime-node from the package; a second export asks before replacing the file. Runs in a
// dark and a light theme; screenshots of each step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import { saveModelFolder } from '../../server/onnx/modelFolder';
import { sequential, tf } from '../unit/onnx.testModels';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const EXPORT_COMMAND = 'ML Workbench: Export Model to ONNX…';

async function makeWorkspace(): Promise<string> {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-onnx-export-'));
  await saveModelFolder(sequential([
    tf.layers.lstm({ units: 8, inputShape: [10, 1], returnSequences: true, name: 'lstm' }),
    tf.layers.dropout({ rate: 0.2, name: 'dropout' }),
    tf.layers.flatten({ name: 'flatten' }),
    tf.layers.dense({ units: 5, activation: 'softmax', name: 'scores' }),
  ]), path.join(ws, 'models', 'melody'));
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Export to ONNX in VS Code (${theme})`, { timeout: 180_000 }, () => {
    const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `onnxexport-${name}` });
    const onnxFile = () => path.join(workspace(), 'models', 'melody', 'model.onnx');

    it('exports the model picked from the workspace and reports parity with TensorFlow.js', t => step(t, 'export', async () => {
      await vsc().runCommand(EXPORT_COMMAND, { screenshot: 'palette' });
      await vsc().waitForQuickInput(/Export Model to ONNX/);
      const rows = await vsc().quickRows();
      assert.deepEqual(rows.map(r => r.label), ['melody', 'Browse…']);
      await vsc().screenshot('pick-model');
      await vsc().pickQuickItem('melody');
      const message = await waitFor('the export notification', async () => (await vsc().notifications()).find(n => /^Exported /.test(n)), { timeout: 60_000 });
      assert.match(message, /Exported models\/melody\/model\.onnx \(opset 17, 4 layers\)\. Same outputs as TensorFlow\.js: max abs difference \d\.\de[-+]\d+ on 10 values \(tolerance 0\.0001\)\./);
      await waitFor('the progress notification to close', async () => !(await vsc().notifications()).some(n => /^Exporting /.test(n)), { timeout: 10_000 });
      await vsc().parkMouse();
      await vsc().screenshot('exported');
      const model = onnx.ModelProto.decode(fs.readFileSync(onnxFile()));
      assert.deepEqual(model.graph!.node!.map(n => n.opType), ['Transpose', 'LSTM', 'Squeeze', 'Transpose', 'Flatten', 'Gemm', 'Softmax']);
      await vsc().waitForOutput(/lstm \(LSTM\) → Transpose, LSTM, Squeeze, Transpose/);
    }));

    it('asks before replacing model.onnx', t => step(t, 'replace', async () => {
      const before = fs.statSync(onnxFile()).mtimeMs;
      await vsc().page.click('.notifications-toasts .notification-toast .codicon-notifications-clear').catch(() => undefined);
      await vsc().runCommand(EXPORT_COMMAND);
      await vsc().pickQuickItem('melody');
      const dialog = await vsc().waitForSelector('.monaco-dialog-box', { timeout: 10_000, what: 'the replace dialog' });
      assert.match((await dialog!.textContent()) ?? '', /models\/melody\/model\.onnx exists already\. Replace it\?/);
      await vsc().screenshot('replace-dialog');
      await vsc().page.click('.monaco-dialog-box .dialog-buttons a.monaco-button:has-text("Replace")');
      await waitFor('model.onnx to be rewritten', () => fs.statSync(onnxFile()).mtimeMs > before, { timeout: 60_000 });
      await waitFor('the export notification', async () => (await vsc().notifications()).find(n => /^Exported .*Same outputs as TensorFlow\.js/.test(n)), { timeout: 30_000 });
      await waitFor('the progress notification to close', async () => !(await vsc().notifications()).some(n => /^Exporting /.test(n)), { timeout: 10_000 });
      await vsc().parkMouse();
      await vsc().screenshot('replaced');
    }));
  });
}

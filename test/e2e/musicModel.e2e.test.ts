// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: "Train Music Model on MIDI…" from the palette on a folder of MIDI files (the
// phrase corpus of the unit tests), default track, 3 epochs, with the epoch shown in the
// progress notification; then "Generate MIDI…" with that model, 60 notes at temperature 1 and
// seed 7, which writes generated/<model>-7.mid and opens it in the piano roll with 60 notes that
// play. Runs in a dark and a light theme; screenshots go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Midi } from '@tonejs/midi';
import { phraseFile } from '../unit/music.modelPhrase';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const NOTES = 60;
const SEED = 7;

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-music-model-'));
  phraseFile(ws, 'corpus/a.mid', 16);
  phraseFile(ws, 'corpus/b.mid', 12);
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Music model in VS Code (${theme})`, { timeout: 300_000 }, () => {
    const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `musicmodel-${name}`, viewport: { width: 1400, height: 860 } });

    /** Waits for the quick input titled `title`, then for its rows to settle, and returns them. */
    async function rowsOf(title: string) {
      await vsc().waitForQuickInput(title, 30_000);
      let previous = '';
      return waitFor(`the rows of "${title}"`, async () => {
        const rows = await vsc().quickRows();
        const now = JSON.stringify(rows);
        const stable = rows.length > 0 && now === previous;
        previous = now;
        return stable ? rows : undefined;
      }, { timeout: 15_000, interval: 200 });
    }

    async function typeInInputBox(title: string, text: string): Promise<void> {
      await vsc().waitForQuickInput(title, 30_000);
      await vsc().page.fill('.quick-input-widget .quick-input-box input', text);
      await vsc().page.keyboard.press('Enter');
    }

    it('trains a model from the palette on a folder of MIDI files, showing the epochs as it goes', t => step(t, 'train', async () => {
      await vsc().runCommand('ML Workbench: Train Music Model on MIDI…');
      const corpusRows = await rowsOf('Train Music Model: the corpus');
      const folder = corpusRows.find(r => /corpus\/$/.test(r.label));
      assert.ok(folder, JSON.stringify(corpusRows));
      assert.deepEqual(corpusRows.filter(r => /\.mid$/.test(r.label)).map(r => r.label.trim()).sort(), ['a.mid', 'b.mid']);
      await vsc().page.click(`.quick-input-widget .quick-input-list .monaco-list-row[data-index="${folder.index}"] .quick-input-list-checkbox, ` +
        `.quick-input-widget .quick-input-list .monaco-list-row[data-index="${folder.index}"] .monaco-custom-toggle`);
      await vsc().screenshot('pick-corpus');
      await vsc().page.keyboard.press('Enter');

      const tracks = await rowsOf('the track to learn');
      assert.equal(tracks[0].label, 'Each file\'s melodic track with the most notes');
      assert.match(tracks[0].description, /Lead \(distortion guitar\) in 2 files/);
      assert.ok(tracks.some(r => r.label === 'Lead' && /in 2 files of 2/.test(r.description)), JSON.stringify(tracks));
      await vsc().screenshot('pick-track');
      await vsc().page.keyboard.press('Enter');
      await typeInInputBox('Train Music Model: epochs', '3');

      const progress = await waitFor('an epoch in the progress notification', async () => (await vsc().notifications()).find(n => /epoch \d\/3/.test(n)), { timeout: 120_000, interval: 100 });
      console.log(`[${name}] progress: ${progress}`);
      await vsc().parkMouse();
      await vsc().screenshot('training');
      const done = await waitFor('the training to finish', async () => (await vsc().notifications()).find(n => /^Trained music-a: 3 epochs/.test(n)), { timeout: 180_000 });
      console.log(`[${name}] ${done}`);
      await vsc().screenshot('trained');
      const runs = fs.readdirSync(path.join(workspace(), 'mlruns')).filter(d => /^\d+$/.test(d) && d !== '0');
      assert.equal(runs.length, 1, 'one experiment (Music) besides Default');
    }));

    it('generates MIDI with it, which opens in the piano roll with the notes asked for and plays', t => step(t, 'generate', async () => {
      await vsc().runCommand('ML Workbench: Generate MIDI…');
      const models = await rowsOf('Generate MIDI: the model');
      assert.equal(models[0].label, 'music-a');
      assert.match(models[0].description, /loss [\d.]+ · 15 tokens · 2 files/);
      await vsc().screenshot('pick-model');
      await vsc().page.keyboard.press('Enter');
      await typeInInputBox('Generate MIDI: notes', String(NOTES));
      await rowsOf('how to choose each next token');
      await vsc().pickQuickItem('Temperature 1.0', { screenshot: 'pick-temperature' });
      await typeInInputBox('Generate MIDI: seed', String(SEED));

      const frame = await vsc().waitForWebview(`#app.piano-roll #roll-notes[data-note-count="${NOTES}"]`, { timeout: 60_000, what: `the piano roll with ${NOTES} notes` });
      assert.ok((await vsc().tabTitles()).some(t => t.startsWith(`music-a-${SEED}.mid`)), JSON.stringify(await vsc().tabTitles()));
      const file = path.join(workspace(), 'generated', `music-a-${SEED}.mid`);
      const midi = new Midi(fs.readFileSync(file));
      assert.equal(midi.tracks.flatMap(tr => tr.notes).length, NOTES);
      await vsc().parkMouse();
      await vsc().screenshot('generated');
      await frame.click('#play');
      await waitFor('the playhead to move', async () => Number(await frame.getAttribute('#roll-notes', 'data-playhead-seconds')) > 0.2, { timeout: 10_000 });
      await frame.click('#stop');
      assert.match(vsc().outputChannelLog(), new RegExp(`generated .*music-a-${SEED}\\.mid: ${NOTES} notes`));
    }));
  });
}

// End to end, in a real VS Code (code-server in headless Chromium) with the extension installed
// from its .vsix: clicking a .mid file in the explorer opens the piano roll, which draws as many
// notes as the file holds (written byte by byte by the test) with one row per track; pressing
// play moves the playhead, Space pauses it, a click on the ruler plays from there; hovering a
// note names it; mute marks a track silent; the command offers the workspace's MIDI files; a
// 20,000-note file draws only what is in view; a truncated file shows its error, and an invalid
// key signature a warning above the roll. Runs in a dark and a light theme; screenshots of each
// step go to test-artifacts/e2e/.
import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Frame } from 'playwright-core';
import { conductorTrack, meta, notesTrack, smf, type TestNote } from '../unit/music.midiBytes';
import { THEMES, vscodeSuite, waitFor } from './vscodeWeb';

const PPQ = 480;
// 120 bpm: a quarter note is 0.5 s. Melody: 16 eighth notes over two bars (4 s), starting on E4.
const MELODY_PITCHES = [64, 66, 67, 69, 71, 69, 67, 66, 64, 62, 64, 66, 67, 66, 64, 62];
const MELODY: TestNote[] = MELODY_PITCHES.map((pitch, i) => ({ pitch, tick: i * (PPQ / 2), duration: PPQ / 2, velocity: 90 + (i % 4) * 10 }));
// Chords: four half-note triads (E minor, C, D, E minor), 12 notes.
const CHORDS: TestNote[] = [[52, 55, 59], [48, 52, 55], [50, 54, 57], [52, 55, 59]]
  .flatMap((chord, i) => chord.map(pitch => ({ pitch, tick: i * 2 * PPQ, duration: 2 * PPQ, velocity: 70 })));
const NOTE_COUNT = MELODY.length + CHORDS.length;
const LARGE = 20_000;

function makeWorkspace(): string {
  const ws = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-e2e-midi-'));
  const bytes = smf(1, PPQ, [
    conductorTrack(120),
    notesTrack(MELODY, { name: 'Melody', channel: 0, program: 30 }),
    notesTrack(CHORDS, { name: 'Chords', channel: 1, program: 0 }),
  ]);
  fs.writeFileSync(path.join(ws, 'phrase.mid'), bytes);
  // The same file cut in the middle of its second track.
  fs.writeFileSync(path.join(ws, 'broken.mid'), bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  // A key signature with mode 255: read, with a warning.
  fs.writeFileSync(path.join(ws, 'odd-key.mid'), smf(1, PPQ, [
    conductorTrack(120, [{ tick: 0, bytes: meta.keySignature(-4, 255) }]),
    notesTrack(MELODY, { name: 'Melody', channel: 0, program: 30 }),
  ]));
  // 20,000 notes: four tracks of sixteenth-note arpeggios over 313 bars.
  const dense = [0, 1, 2, 3].map(track => notesTrack(Array.from({ length: LARGE / 4 }, (_, i) => ({
    pitch: 36 + track * 12 + [0, 4, 7, 12, 16, 12, 7, 4][i % 8] + (Math.floor(i / 64) % 5), tick: i * (PPQ / 4), duration: PPQ / 4, velocity: 40 + (i % 80),
  })), { name: `Voice ${track + 1}`, channel: track, program: track * 8 }));
  fs.writeFileSync(path.join(ws, 'dense.mid'), smf(1, PPQ, [conductorTrack(140), ...dense]));
  return ws;
}

for (const [name, theme] of THEMES) {
  describe(`Piano roll in VS Code (${theme})`, { timeout: 180_000 }, () => {
    const { vsc, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `pianoroll-${name}`, viewport: { width: 1400, height: 860 } });

    async function roll(selector: string, timeout = 30_000): Promise<Frame> {
      return vsc().waitForWebview(`#app.piano-roll ${selector}`, { timeout, what: `the piano roll showing ${selector}` });
    }

    const playhead = async (frame: Frame) => Number(await frame.getAttribute('#roll-notes', 'data-playhead-seconds'));

    it('opens phrase.mid from the explorer and draws its notes and tracks', t => step(t, 'open', async () => {
      await vsc().openFromExplorer('phrase.mid');
      // The canvas exists (count 0) before the file's notes arrive: wait for them.
      const frame = await roll(`#roll-notes[data-note-count="${NOTE_COUNT}"]`);
      assert.equal(await frame.getAttribute('#roll-notes', 'data-note-count'), String(NOTE_COUNT));
      // The whole two-bar phrase fits the view, so every note is drawn.
      await waitFor('all notes drawn', async () => (await frame.getAttribute('#roll-notes', 'data-visible-notes')) === String(NOTE_COUNT), { timeout: 5_000 });
      const rows = await frame.$$eval('.track', els => els.map(e => ['.track-name', '.track-instrument', '.track-detail'].map(c => e.querySelector(c)?.textContent)));
      assert.deepEqual(rows, [
        ['Melody', 'distortion guitar', 'channel 1 · 16 notes'],
        ['Chords', 'acoustic grand piano', 'channel 2 · 12 notes'],
      ]);
      assert.match((await frame.textContent('#info')) ?? '', /^120 bpm · 4\/4 · 28 notes · 0:04\.0$/);
      assert.equal(await frame.getAttribute('#app', 'data-playing'), 'false');
      assert.equal(await playhead(frame), 0);
      await vsc().parkMouse();
      await vsc().screenshot('piano-roll');
    }));

    it('names the note under the pointer', t => step(t, 'tooltip', async () => {
      const frame = await roll('#roll-notes[data-px-per-quarter]');
      const px = Number(await frame.getAttribute('#roll-notes', 'data-px-per-quarter'));
      const row = Number(await frame.getAttribute('#roll-notes', 'data-row-height'));
      const scroll = await frame.$eval('.roll-viewport', e => ({ left: e.scrollLeft, top: e.scrollTop }));
      // The fifth melody note: B4 (71), on beat 3 of bar 1 (1.0 s), an eighth long.
      const x = 2 * px + px / 4 - scroll.left;
      const y = (127 - 71) * row + row / 2 - scroll.top;
      await frame.hover('.roll-viewport', { position: { x, y } });
      await frame.waitForSelector('.roll-tooltip:not([hidden])', { timeout: 5_000 });
      const text = (await frame.textContent('.roll-tooltip')) ?? '';
      assert.match(text, /^B4 · Melody \(distortion guitar, channel 1\)/);
      assert.match(text, /Startbar 1, beat 3 · 0:01\.000/);
      assert.match(text, /Length0\.5 beats · 0\.250 s/);
      assert.match(text, /Velocity90/);
      await vsc().screenshot('tooltip');
      await vsc().parkMouse();
    }));

    it('plays: the playhead moves, Space pauses, the ruler plays from where it is clicked', t => step(t, 'play', async () => {
      const frame = await roll('#play');
      await frame.click('#play');
      await waitFor('data-playing="true"', async () => (await frame.getAttribute('#app', 'data-playing')) === 'true', { timeout: 10_000 });
      const moving = await waitFor('the playhead to pass 0.4 s', async () => {
        const s = await playhead(frame);
        return s > 0.4 ? s : undefined;
      }, { timeout: 10_000 });
      assert.ok(moving < 3, `playhead at ${moving} s`);
      await vsc().screenshot('playing');
      // Space (focus on the roll, not a button) pauses; the playhead then stays put.
      await frame.focus('.roll-viewport');
      await vsc().page.keyboard.press('Space');
      await waitFor('data-playing="false"', async () => (await frame.getAttribute('#app', 'data-playing')) === 'false', { timeout: 5_000 });
      const paused = await playhead(frame);
      await new Promise(r => setTimeout(r, 400));
      assert.equal(await playhead(frame), paused);
      assert.ok(paused > 0.4, `paused at ${paused} s`);
      // The ruler at bar 2 (beat 5, 2.0 s): playback goes on from there.
      const px = Number(await frame.getAttribute('#roll-notes', 'data-px-per-quarter'));
      const left = await frame.$eval('.roll-viewport', e => e.scrollLeft);
      await frame.click('#roll-ruler', { position: { x: 4 * px - left, y: 12 } });
      await waitFor('playing again', async () => (await frame.getAttribute('#app', 'data-playing')) === 'true', { timeout: 5_000 });
      const from = await waitFor('the playhead beyond 2.0 s', async () => {
        const s = await playhead(frame);
        return s > 2.0 ? s : undefined;
      }, { timeout: 5_000 });
      assert.ok(from < 3.5, `after the click the playhead is at ${from} s`);
      // At the end (4 s) playback stops and the playhead returns to the start.
      await waitFor('the end of the piece', async () => (await frame.getAttribute('#app', 'data-playing')) === 'false', { timeout: 10_000 });
      assert.equal(await playhead(frame), 0);
    }));

    it('mutes a track', t => step(t, 'mute', async () => {
      const frame = await roll('.track[data-track] .mute');
      await frame.click('.track:nth-child(2) .mute');
      assert.equal(await frame.getAttribute('.track:nth-child(2) .mute', 'aria-pressed'), 'true');
      assert.equal(await frame.$eval('.track:nth-child(2)', e => e.classList.contains('silent')), true);
      // Solo on the muted track's neighbour leaves only it audible.
      await frame.click('.track:nth-child(1) .solo');
      assert.deepEqual(await frame.$$eval('.track', els => els.map(e => e.classList.contains('silent'))), [false, true]);
      await vsc().parkMouse();
      await vsc().screenshot('muted');
      await frame.click('.track:nth-child(1) .solo');
      await frame.click('.track:nth-child(2) .mute');
    }));

    it('"Open in Piano Roll" offers the workspace\'s MIDI files', t => step(t, 'command', async () => {
      await vsc().closeAllEditors();
      await vsc().runCommand('ML Workbench: Open in Piano Roll');
      await vsc().waitForQuickInput('Open in Piano Roll');
      const labels = (await vsc().quickRows()).map(r => r.label).sort();
      assert.deepEqual(labels, ['broken.mid', 'dense.mid', 'odd-key.mid', 'phrase.mid']);
      await vsc().pickQuickItem('phrase.mid');
      const frame = await roll(`#roll-notes[data-note-count="${NOTE_COUNT}"]`);
      assert.equal(await frame.getAttribute('#app', 'data-state'), 'ready');
    }));

    it('opens a 20,000-note file, drawing only what is in view; Fit shows all of it', t => step(t, 'large', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('dense.mid');
      const frame = await roll(`#roll-notes[data-note-count="${LARGE}"][data-draw-ms]`);
      const visible = Number(await frame.getAttribute('#roll-notes', 'data-visible-notes'));
      assert.ok(visible > 0 && visible < LARGE, `visible notes: ${visible}`);
      const firstDraw = await frame.getAttribute('#roll-notes', 'data-draw-ms');
      await vsc().parkMouse();
      await vsc().screenshot('large');
      // Ctrl+wheel over the roll zooms in on time.
      const before = Number(await frame.getAttribute('#roll-notes', 'data-px-per-quarter'));
      await frame.hover('.roll-viewport', { position: { x: 200, y: 200 } });
      await vsc().page.keyboard.down('Control');
      await vsc().page.mouse.wheel(0, -300);
      await vsc().page.keyboard.up('Control');
      await waitFor('a larger zoom', async () => Number(await frame.getAttribute('#roll-notes', 'data-px-per-quarter')) > before * 1.5, { timeout: 5_000 });
      await frame.click('button:has-text("Fit")');
      await waitFor('every note drawn', async () => (await frame.getAttribute('#roll-notes', 'data-visible-notes')) === String(LARGE), { timeout: 5_000 }).catch(() => undefined);
      const fitted = Number(await frame.getAttribute('#roll-notes', 'data-visible-notes'));
      console.log(`[${name}] ${LARGE} notes: ${visible} in the first view drawn in ${firstDraw} ms; after Fit ${fitted} in ${await frame.getAttribute('#roll-notes', 'data-draw-ms')} ms`);
      await vsc().screenshot('large-fit');
      // Playing it schedules all 20,000 notes and the playhead still moves.
      await frame.click('#play');
      await waitFor('the playhead to move', async () => (await playhead(frame)) > 0.2, { timeout: 10_000 });
      await frame.click('#stop');
    }));

    it('shows the error of a truncated file instead of a blank panel', t => step(t, 'corrupt', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('broken.mid');
      const frame = await roll('#error:not([hidden]) .error-message');
      assert.match((await frame.textContent('#error .error-title')) ?? '', /Cannot show broken\.mid/);
      assert.match((await frame.textContent('#error .error-message')) ?? '', /^truncated: track \d \(at byte \d+\) declares \d+ bytes but only \d+ remain$/);
      assert.equal(await frame.getAttribute('#app', 'data-state'), 'error');
      await vsc().parkMouse();
      await vsc().screenshot('corrupt');
    }));

    it('shows a file with an invalid key signature, with the warning above the roll', t => step(t, 'warning', async () => {
      await vsc().closeAllEditors();
      await vsc().openFromExplorer('odd-key.mid');
      const frame = await roll(`#roll-notes[data-note-count="${MELODY.length}"]`);
      assert.equal(await frame.isVisible('#warnings'), true);
      assert.match((await frame.textContent('#warnings summary')) ?? '', /1 warning while reading the file/);
      await frame.click('#warnings summary');
      assert.match((await frame.textContent('#warnings li')) ?? '', /^track 1 at tick 0: invalid key signature: mode 255 \(0 major or 1 minor allowed\); ignored$/);
      await vsc().parkMouse();
      await vsc().screenshot('warning');
    }));
  });
}

// The piano roll's musical time (webviews/pianoRoll/timeline.ts, plain code): bars and beats
// across time signature changes counted by hand, and seconds across tempo changes checked
// against @tonejs/midi's own tempo map (a second implementation) where both define them alike.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { Midi } from '@tonejs/midi';
import { Timeline } from '../../webviews/pianoRoll/timeline';

const PPQ = 480;

test('bars and beats across 4/4 → 3/4 → 6/8, with a bar cut short by a change', () => {
  const tl = new Timeline(PPQ, [], [
    { ticks: 0, numerator: 4, denominator: 4 },
    { ticks: 2 * 4 * PPQ, numerator: 3, denominator: 4 }, // bar 3
    // 1.5 bars of 3/4 later (mid-bar): 6/8 starts a new bar there.
    { ticks: 2 * 4 * PPQ + 1.5 * 3 * PPQ, numerator: 6, denominator: 8 },
  ], 20 * PPQ);
  assert.deepEqual(tl.bars.slice(0, 6).map(b => [b.number, b.ticks, b.beats, b.beatTicks]), [
    [1, 0, 4, 480],
    [2, 1920, 4, 480],
    [3, 3840, 3, 480],
    [4, 5280, 3, 480], // cut short after 1.5 beats by the 6/8 at 6000
    [5, 6000, 6, 240],
    [6, 7440, 6, 240],
  ]);
  assert.deepEqual(tl.barBeat(0), { bar: 1, beat: 1 });
  assert.deepEqual(tl.barBeat(480 * 2.5), { bar: 1, beat: 3.5 });
  assert.deepEqual(tl.barBeat(3840 + 480), { bar: 3, beat: 2 });
  assert.deepEqual(tl.barBeat(6000 + 240 * 5), { bar: 5, beat: 6 });
  // Bars are laid out up to the end asked for; beyond it they continue alike.
  const last = tl.bars[tl.bars.length - 1];
  assert.ok(last.ticks <= 20 * PPQ && last.ticks + 6 * 240 > 20 * PPQ);
  assert.deepEqual(tl.barBeat(last.ticks + 6 * 240 * 2 + 240), { bar: last.number + 2, beat: 2 });
});

test('seconds ↔ ticks across tempo changes agree with @tonejs/midi\'s header', () => {
  const tempos = [{ ticks: 0, bpm: 100 }, { ticks: 1000, bpm: 150 }, { ticks: 5000, bpm: 72.5 }];
  const midi = new Midi();
  midi.fromJSON({ header: { name: '', ppq: PPQ, tempos, timeSignatures: [], keySignatures: [], meta: [] }, tracks: [] });
  const tl = new Timeline(PPQ, tempos, [], 10_000);
  for (const ticks of [0, 1, 480, 999, 1000, 1001, 3333, 5000, 7777, 12_345]) {
    const expected = midi.header.ticksToSeconds(ticks);
    assert.ok(Math.abs(tl.seconds(ticks) - expected) < 1e-9, `ticks ${ticks}: ${tl.seconds(ticks)} vs ${expected}`);
    assert.ok(Math.abs(tl.ticks(expected) - ticks) < 1e-6, `back to ticks ${ticks}: ${tl.ticks(expected)}`);
  }
  // By hand: 1000 ticks at 100 bpm = 1000/480 × 0.6 s = 1.25 s.
  assert.ok(Math.abs(tl.seconds(1000) - 1.25) < 1e-12);
  assert.equal(tl.bpmAt(4999), 150);
});

test('before the first tempo event, 120 bpm (the MIDI standard\'s default)', () => {
  const tl = new Timeline(PPQ, [{ ticks: 960, bpm: 60 }], [], 4000);
  assert.equal(tl.seconds(960), 1); // two quarters at 120 bpm
  assert.equal(tl.seconds(1440), 2); // then one at 60 bpm
});

// Key finding (Krumhansl–Schmuckler) and transposition to a key.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { detectKey, parseKey, rankKeys, transposePitches, transpositionTo } from '../../server/music/key';

const scale = (pitches: number[], duration = 1) => pitches.map(pitch => ({ pitch, duration }));
const C_MAJOR = [60, 62, 64, 65, 67, 69, 71, 72];

test('a C major scale is C major, with the correlation numpy.corrcoef gives', () => {
  assert.equal(detectKey(scale(C_MAJOR)).name, 'C major');
  // The seven pitch classes once each: numpy.corrcoef([1,0,1,0,1,1,0,1,0,1,0,1], MAJOR_PROFILE)[0, 1].
  const plain = detectKey(scale(C_MAJOR.slice(0, 7)));
  assert.equal(plain.name, 'C major');
  assert.ok(Math.abs(plain.correlation - 0.7564070930899863) < 1e-12, String(plain.correlation));
  // Its relative minor comes close behind, with the same pitch classes (numpy: 0.712127265439587).
  const aMinor = rankKeys([1, 0, 1, 0, 1, 1, 0, 1, 0, 1, 0, 1]).find(k => k.name === 'A minor')!;
  assert.ok(Math.abs(aMinor.correlation - 0.712127265439587) < 1e-12, String(aMinor.correlation));
});

test('minor melodies: A harmonic minor, and an F minor riff (the seed\'s key)', () => {
  // A harmonic minor with the tonic held longest.
  const aMinor = [...scale([57, 59, 60, 62, 64, 65, 68, 69]), { pitch: 57, duration: 4 }, { pitch: 64, duration: 2 }];
  assert.equal(detectKey(aMinor).name, 'A minor');
  // F minor: F Ab C arpeggios with Bb, Eb and Db passing, tonic and fifth long.
  const fMinor = [
    { pitch: 53, duration: 4 }, { pitch: 56, duration: 2 }, { pitch: 60, duration: 3 }, { pitch: 58, duration: 1 },
    { pitch: 56, duration: 1 }, { pitch: 55, duration: 1 }, { pitch: 53, duration: 4 }, { pitch: 51, duration: 1 },
    { pitch: 49, duration: 1 }, { pitch: 48, duration: 3 }, { pitch: 53, duration: 4 },
  ];
  assert.equal(detectKey(fMinor).name, 'F minor');
});

test('moving every pitch by k semitones moves the key by k (all 12 shifts, both modes)', () => {
  const aMinor = [...scale([57, 59, 60, 62, 64, 65, 68, 69]), { pitch: 57, duration: 4 }];
  for (const notes of [scale(C_MAJOR), aMinor]) {
    const base = detectKey(notes);
    for (let k = -6; k <= 6; k++) {
      const moved = detectKey(transposePitches(notes, k).notes);
      assert.equal(moved.tonic, (base.tonic + k + 12) % 12, `shift ${k}`);
      assert.equal(moved.mode, base.mode);
      assert.ok(Math.abs(moved.correlation - base.correlation) < 1e-12);
    }
  }
});

test('transposition to a key: the nearest way (−6 … +5), keeping the mode or aligning the relative key', () => {
  const fMinor = { tonic: 5, mode: 'minor' as const };
  assert.equal(transpositionTo(fMinor, parseKey('C')), -5); // the seed's F minor → C (minor)
  assert.equal(transpositionTo(fMinor, parseKey('C minor')), -5);
  assert.equal(transpositionTo(fMinor, parseKey('A minor')), 4);
  // F minor's relative major is Ab major; to C major that is 4 up.
  assert.equal(transpositionTo(fMinor, parseKey('C major')), 4);
  // C major → A minor: A minor is its relative minor, nothing moves.
  assert.equal(transpositionTo({ tonic: 0, mode: 'major' }, parseKey('Am')), 0);
  assert.equal(transpositionTo({ tonic: 6, mode: 'major' }, parseKey('C')), -6);
  assert.equal(transpositionTo({ tonic: 11, mode: 'major' }, parseKey('C')), 1);
  assert.deepEqual(parseKey('Bb'), { tonic: 10, mode: undefined });
  assert.deepEqual(parseKey('f# min'), { tonic: 6, mode: 'minor' });
  assert.throws(() => parseKey('H major'), /"H major" is not a key/);
});

test('transposing keeps pitches in MIDI\'s range by octaves, and counts those it folded', () => {
  const r = transposePitches([{ pitch: 2 }, { pitch: 60 }, { pitch: 126 }], -5);
  assert.deepEqual(r.notes.map(n => n.pitch), [9, 55, 121]);
  assert.equal(r.folded, 1);
  const up = transposePitches([{ pitch: 125 }], 5);
  assert.deepEqual(up.notes.map(n => n.pitch), [118]);
  assert.throws(() => detectKey([]), /no notes to find a key in/);
});

// Bad MIDI input, written byte by byte: what cannot be read fails with a message naming the file
// and, where it applies, the track and byte; what can be read around (an invalid key signature,
// a zero tempo, an unknown chunk) is a warning; in a corpus, bad files are reported and the
// others load.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { encodeCorpus, loadCorpus } from '../../server/music/corpus';
import { inspectMidi } from '../../server/music/inspect';
import { parseMidiBytes, readMidiFile } from '../../server/music/midiFile';
import { chooseTrack } from '../../server/music/tracks';
import { tempDir } from './helpers';
import { conductorTrack, meta, notesTrack, smf, trackChunk, vlq, type TestNote } from './music.midiBytes';

const NOTES: TestNote[] = [60, 62, 64, 65].map((pitch, i) => ({ pitch, tick: i * 480, duration: 480 }));
const good = () => smf(1, 480, [conductorTrack(), notesTrack(NOTES, { name: 'Lead' })]);

/** Parsing throws a UserError naming `file` whose message matches. */
function rejects(bytes: Uint8Array, message: RegExp, file = 'bad.mid'): void {
  assert.throws(() => parseMidiBytes(bytes, file), (e: unknown) => {
    assert.ok(e instanceof UserError, `not a UserError: ${e}`);
    assert.equal(e.file, file);
    assert.match(e.message, message);
    return true;
  });
}

test('the VLQ writer of these tests encodes as the SMF specification\'s examples', () => {
  // SMF 1.0, "Variable-Length Quantities" table.
  assert.deepEqual(vlq(0), [0x00]);
  assert.deepEqual(vlq(0x40), [0x40]);
  assert.deepEqual(vlq(0x7f), [0x7f]);
  assert.deepEqual(vlq(0x80), [0x81, 0x00]);
  assert.deepEqual(vlq(0x2000), [0xc0, 0x00]);
  assert.deepEqual(vlq(0x3fff), [0xff, 0x7f]);
  assert.deepEqual(vlq(0x4000), [0x81, 0x80, 0x00]);
  assert.deepEqual(vlq(0x0fffffff), [0xff, 0xff, 0xff, 0x7f]);
});

test('not a MIDI file, empty, or cut inside the header', () => {
  rejects(Buffer.from('name,value\n'), /^not a Standard MIDI File: it starts with bytes 6e 61 6d 65 \("name"\), not "MThd"$/);
  rejects(Buffer.from('RIFF\0\0\0\0RMIDdata'), /\(a RIFF file: save it as a plain Standard MIDI File\)/);
  rejects(Buffer.alloc(0), /^the file is empty$/);
  rejects(good().subarray(0, 10), /^truncated: 10 bytes, shorter than the 14-byte MThd header$/);
});

test('truncated: a track cut short, and fewer tracks than the header announces', () => {
  const conductor = conductorTrack();
  const bytes = good();
  // Track 2 starts after the 14-byte header and the conductor chunk; its data after 8 more bytes.
  const track2At = 14 + conductor.length;
  const declared = bytes.readUInt32BE(track2At + 4);
  const cut = bytes.subarray(0, track2At + 8 + 5);
  rejects(cut, new RegExp(`^truncated: track 2 \\(at byte ${track2At}\\) declares ${declared} bytes but only 5 remain$`));
  rejects(bytes.subarray(0, track2At), /^truncated: the header announces 2 tracks but the file holds 1$/);
  rejects(bytes.subarray(0, track2At + 3), new RegExp(`^truncated at byte ${track2At}: 3 byte\\(s\\) where the header of track 2 should start$`));
});

test('SMPTE time division is refused, naming its frame rate and resolution', () => {
  // 0xE7 = -25 (frames per second), 0x28 = 40 ticks per frame.
  const bytes = smf(1, 0xe728, [conductorTrack(), notesTrack(NOTES)]);
  rejects(bytes, /^uses SMPTE time division \(25 frames per second × 40 ticks per frame\); only files timed in ticks per quarter note are supported$/);
});

test('corrupt events name the track and byte', () => {
  const header = 14;
  // A data byte above 0x7f in a note-on (its velocity byte).
  const highData = smf(0, 480, [trackChunk([{ tick: 0, bytes: [0x90, 60, 0x90] }])]);
  rejects(highData, new RegExp(`^track 1, byte ${header + 8 + 3}: data byte 0x90 of a channel message is above 0x7f$`));
  // Running status with no status before it.
  const noStatus = smf(0, 480, [trackChunk([{ tick: 0, bytes: [60, 100] }])]);
  rejects(noStatus, new RegExp(`^track 1, byte ${header + 8 + 1}: data byte 0x3c where an event's status byte is needed \\(no running status yet\\)$`));
  // The chunk's length is right but its last event is incomplete.
  const cutEvent = smf(0, 480, [trackChunk([{ tick: 0, bytes: [0x90, 60] }], { endOfTrack: false })]);
  rejects(cutEvent, new RegExp(`^track 1, byte ${header + 8}: the track's data ends inside a channel message \\(2 byte\\(s\\) needed, 1 left\\)$`));
  // A tempo event of the wrong length.
  const badTempo = smf(0, 480, [trackChunk([{ tick: 0, bytes: [0xff, 0x51, 0x02, 0x07, 0xa1] }])]);
  rejects(badTempo, /^track 1, byte 22: a tempo event must hold 3 bytes, this one holds 2$/);
  // A system real-time byte where an event should start.
  const realtime = smf(0, 480, [trackChunk([{ tick: 0, bytes: [0xf8] }])]);
  rejects(realtime, /^track 1, byte 22: status byte 0xf8 is not allowed in a MIDI file$/);
});

test('a key signature with mode 255 (or 9 sharps) is a warning; the notes still read, and no key is taken from it', () => {
  const bytes = smf(1, 480, [
    conductorTrack(120, [{ tick: 0, bytes: meta.keySignature(-3, 255) }, { tick: 960, bytes: meta.keySignature(9, 0) }, { tick: 1440, bytes: meta.keySignature(-3, 1) }]),
    notesTrack(NOTES, { name: 'Lead' }),
  ]);
  const loaded = parseMidiBytes(bytes, 'keys.mid');
  assert.deepEqual(loaded.warnings.map(w => w.message), [
    'track 1 at tick 0: invalid key signature: mode 255 (0 major or 1 minor allowed); ignored',
    'track 1 at tick 960: invalid key signature: 9 sharps/flats (−7…7 allowed); ignored',
  ]);
  // @tonejs/midi alone would report the first as "Eb minor" and the second with an undefined key.
  assert.deepEqual(loaded.midi.header.keySignatures, [{ ticks: 1440, key: 'Eb', scale: 'minor' }]);
  assert.equal(inspectMidi(loaded).tracks[1].noteCount, 4);
});

test('a zero tempo is ignored with a warning (times at 120 bpm); unknown chunks and trailing bytes are skipped', () => {
  const zeroTempo = smf(1, 480, [trackChunk([{ tick: 0, bytes: [0xff, 0x51, 0x03, 0, 0, 0] }]), notesTrack(NOTES)]);
  const loaded = parseMidiBytes(zeroTempo, 'zero.mid');
  assert.deepEqual(loaded.warnings.map(w => w.message), ['track 1 at tick 0: a tempo of 0 microseconds per beat; ignored']);
  assert.equal(inspectMidi(loaded).durationSeconds, 2);
  const alien = [...Buffer.from('XFIH'), 0, 0, 0, 3, 1, 2, 3];
  const withAlien = smf(1, 480, [conductorTrack(), alien, notesTrack(NOTES)], 2);
  const read = parseMidiBytes(Buffer.concat([withAlien, Buffer.from([0, 0])]), 'alien.mid');
  assert.deepEqual(read.warnings.map(w => w.message), ['unknown chunk "XFIH" (3 bytes) skipped', '2 stray byte(s) after the last track, ignored']);
  assert.equal(read.midi.tracks[0].notes.length, 4);
});

test('no notes, or only drums: inspect still answers; choosing a track says why there is none', () => {
  const empty = parseMidiBytes(smf(1, 480, [conductorTrack(), trackChunk([{ tick: 0, bytes: meta.trackName('silence') }])]), 'empty.mid');
  assert.deepEqual(inspectMidi(empty).tracks.map(t => t.noteCount), [0, 0]);
  assert.equal(inspectMidi(empty).durationSeconds, 0);
  assert.throws(() => chooseTrack(empty), (e: unknown) => e instanceof UserError && e.file === 'empty.mid' && e.message === 'no notes in this file');
  const drums = parseMidiBytes(smf(1, 480, [conductorTrack(), notesTrack(NOTES.map(n => ({ ...n, pitch: 36 })), { channel: 9 })]), 'drums.mid');
  assert.throws(() => chooseTrack(drums), /: only drum tracks \(channel 10\) have notes; include drums to use them$/);
  assert.equal(chooseTrack(drums, { includeDrums: true }).noteCount, 4);
});

test('a corpus reports its bad files and loads the rest; with none usable, the error lists why', t => {
  const dir = tempDir(t, 'mlw-music-');
  const file = (name: string, bytes: Uint8Array) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, bytes);
    return p;
  };
  const ok = file('ok.mid', good());
  const broken = file('broken.mid', good().subarray(0, 30));
  const drums = file('drums.mid', smf(1, 480, [conductorTrack(), notesTrack(NOTES, { channel: 9 })]));
  const missing = path.join(dir, 'missing.mid');
  const corpus = loadCorpus([ok, broken, drums, missing]);
  assert.deepEqual(corpus.files.map(f => path.basename(f.file)), ['ok.mid']);
  assert.deepEqual(corpus.problems.map(p => [path.basename(p.file), p.message]), [
    ['broken.mid', `truncated: track 1 (at byte 14) declares ${conductorTrack().length - 8} bytes but only 8 remain`],
    ['drums.mid', 'only drum tracks (channel 10) have notes; include drums to use them'],
    ['missing.mid', 'no such file'],
  ]);
  assert.equal(encodeCorpus([ok, broken]).sequences.length, 1);
  assert.throws(() => encodeCorpus([broken, missing]), /: none of the 2 MIDI file\(s\) could be used \(broken\.mid: truncated: .*; missing\.mid: no such file\)$/);
  assert.throws(() => readMidiFile(dir), /is a folder, not a MIDI file/);
});

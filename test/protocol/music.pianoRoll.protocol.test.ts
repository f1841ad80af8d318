// The piano roll request of the built server over LSP: a MIDI file read from disk or sent as
// bytes comes back as notes per track with the tempo map; a bad file comes back as a user error
// naming the file and the reason.
import { test, before, after } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ResponseError } from 'vscode-languageserver-protocol/node';
import { musicPianoRollRequest, serverInfoRequest, USER_ERROR_CODE, type UserErrorData } from '../../shared/protocol';
import { conductorTrack, meta, notesTrack, smf } from '../unit/music.midiBytes';
import { startServer, type TestServer } from './server';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-music-protocol-'));
let server: TestServer;

const bytes = smf(1, 480, [
  conductorTrack(150, [{ tick: 1920, bytes: meta.tempo(75) }]),
  notesTrack([0, 1, 2, 3, 4, 5].map(i => ({ pitch: 60 + i, tick: i * 480, duration: 480, velocity: 64 + i })), { name: 'Up', program: 81 }),
  notesTrack([{ pitch: 36, tick: 0, duration: 120 }, { pitch: 38, tick: 960, duration: 120 }], { name: 'Kit', channel: 9 }),
]);

before(async () => {
  server = await startServer({ cacheDir: path.join(tmp, 'cache'), fileWatcher: { enabled: false, exclude: [] } });
});

after(async () => {
  await server?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

test('the server lists music among its capabilities', async () => {
  assert.ok((await server.conn.sendRequest(serverInfoRequest)).capabilities.includes('music'));
});

test('a MIDI file on disk: tracks, notes by time, tempo map, duration', async () => {
  const file = path.join(tmp, 'up.mid');
  fs.writeFileSync(file, bytes);
  const d = await server.conn.sendRequest(musicPianoRollRequest, { file });
  assert.equal(d.name, 'up.mid');
  assert.equal(d.ppq, 480);
  assert.equal(d.noteCount, 8);
  assert.deepEqual(d.tracks.map(t => [t.name, t.instrument, t.drums, t.pitch.length]), [['Up', 'lead 2 (sawtooth)', false, 6], ['Kit', 'standard kit', true, 2]]);
  assert.deepEqual(d.tracks[0].pitch, [60, 61, 62, 63, 64, 65]);
  assert.deepEqual(d.tracks[0].velocity, [64, 65, 66, 67, 68, 69]);
  assert.deepEqual(d.tempos, [{ ticks: 0, bpm: 150 }, { ticks: 1920, bpm: 75 }]);
  // 4 quarters at 150 bpm (1.6 s), then 2 at 75 bpm (1.6 s).
  assert.ok(Math.abs(d.durationSeconds - 3.2) < 1e-9, String(d.durationSeconds));
});

test('the same file sent as bytes reads the same', async () => {
  const fromDisk = await server.conn.sendRequest(musicPianoRollRequest, { file: path.join(tmp, 'up.mid') });
  const sent = await server.conn.sendRequest(musicPianoRollRequest, { file: 'vscode-remote://host/up.mid', data: bytes.toString('base64') });
  assert.deepEqual(sent, fromDisk);
});

test('a truncated file, a missing one and a relative path are user errors naming the file', async () => {
  const broken = path.join(tmp, 'broken.mid');
  fs.writeFileSync(broken, bytes.subarray(0, 40));
  const expectUserError = async (params: { file: string; data?: string }, message: RegExp, file: string) => {
    await assert.rejects(server.conn.sendRequest(musicPianoRollRequest, params), (e: unknown) => {
      assert.ok(e instanceof ResponseError, String(e));
      assert.equal(e.code, USER_ERROR_CODE);
      assert.equal((e.data as UserErrorData).file, file);
      assert.match(e.message, message);
      return true;
    });
  };
  await expectUserError({ file: broken }, /broken\.mid: truncated: track 1 \(at byte 14\) declares \d+ bytes but only 18 remain$/, broken);
  await expectUserError({ file: path.join(tmp, 'none.mid') }, /none\.mid: no such file$/, path.join(tmp, 'none.mid'));
  await expectUserError({ file: 'up.mid' }, /up\.mid: the path must be absolute$/, 'up.mid');
  await expectUserError({ file: '/x/text.mid', data: Buffer.from('hello').toString('base64') }, /not a Standard MIDI File/, '/x/text.mid');
});

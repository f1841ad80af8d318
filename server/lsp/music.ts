// The music requests: a MIDI file parsed for the piano roll.
import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import { musicPianoRollRequest } from '../../shared/protocol';
import { UserError } from '../common/errors';
import { MAX_MIDI_BYTES, parseMidiBytes, readMidiFile } from '../music/midiFile';
import { pianoRollData } from '../music/pianoRoll';
import { toResponseError } from './progress';

export function registerMusic(connection: Connection): void {
  connection.onRequest(musicPianoRollRequest, params => {
    try {
      if (typeof params?.file !== 'string' || !params.file) throw new UserError('no MIDI file given');
      const name = path.basename(params.file);
      if (params.data !== undefined) {
        if (typeof params.data !== 'string') throw new UserError('the file data must be base64 text', params.file);
        if (params.data.length > (MAX_MIDI_BYTES * 4) / 3 + 4) throw new UserError(`larger than the ${MAX_MIDI_BYTES / 1024 / 1024} MB a MIDI file may have here`, params.file);
        return pianoRollData(parseMidiBytes(Buffer.from(params.data, 'base64'), params.file), name);
      }
      if (!path.isAbsolute(params.file)) throw new UserError('the path must be absolute', params.file);
      return pianoRollData(readMidiFile(params.file), name);
    } catch (err) {
      throw toResponseError(err);
    }
  });
}

// `mlw midi …`: what a MIDI file holds, and how it tokenises.
import { UserError } from '../common/errors';
import { loadCorpusFile } from '../music/corpus';
import { inspectMidi, type InspectResult } from '../music/inspect';
import type { MidiWarning } from '../music/midiCheck';
import { readMidiFile } from '../music/midiFile';
import { parseGrid } from '../music/tokens';
import { describeTrack } from '../music/tracks';
import { EXIT_SAME, formatCount, parse, printJson, type Command } from './common';

function oneFile(command: string, positionals: string[]): string {
  if (positionals.length !== 1) throw new UserError(`expected one MIDI file, got ${positionals.length} argument(s) (see: mlw ${command} --help)`);
  return positionals[0];
}

function warn(file: string, warnings: readonly (MidiWarning | string)[]): void {
  for (const w of warnings) process.stderr.write(`mlw: warning: ${file}: ${typeof w === 'string' ? w : w.message}\n`);
}

function formatSeconds(s: number): string {
  const m = Math.floor(s / 60);
  return `${m}:${(s - m * 60).toFixed(3).padStart(6, '0')}`;
}

function printInspect(file: string, r: InspectResult): void {
  const bpm = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));
  const lines = [
    `${file}: format ${r.format}, ${r.ticksPerBeat} ticks per quarter note, ${formatSeconds(r.durationSeconds)} (${r.durationSeconds.toFixed(3)} s)`,
    `tempo: ${r.tempos.length ? r.tempos.map(t => `${bpm(t.bpm)} bpm at tick ${t.ticks}`).join(', ') : 'none set (120 bpm)'}`,
    `${r.tracks.length} track(s):`,
    ...r.tracks.map((t, i) => `  ${String(i + 1).padStart(2)}  ${formatCount(t.noteCount).padStart(7)} notes  channels ${t.channels.length ? t.channels.join(',') : '-'}  ${t.instrument ?? '(no channel messages)'}${t.name ? `  "${t.name}"` : ''}`),
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

const inspect: Command = {
  summary: 'Show the format, tempo and tracks of a MIDI file (channels 0-based; notes = note-ons with velocity > 0)',
  usage: 'midi inspect FILE.mid [--json]',
  async run(args) {
    const { values, positionals } = parse('midi inspect', args, { json: { type: 'boolean' } });
    const file = oneFile('midi inspect', positionals);
    const loaded = readMidiFile(file);
    warn(file, loaded.warnings);
    const result = inspectMidi(loaded);
    if (values.json) printJson(result);
    else printInspect(file, result);
    return EXIT_SAME;
  },
};

const tokens: Command = {
  summary: 'Show the tokens a MIDI track becomes (pitches like G#5, chords like C4.E4.G4, d:N durations and t:N time shifts in grid steps)',
  usage: 'midi tokens FILE.mid [--grid 1/16] [--track INDEX|NAME] [--drums] [--transpose KEY] [--max-steps N] [--json]',
  async run(args) {
    const { values, positionals } = parse('midi tokens', args, {
      grid: { type: 'string' }, track: { type: 'string' }, drums: { type: 'boolean' }, transpose: { type: 'string' },
      'max-steps': { type: 'string' }, json: { type: 'boolean' },
    });
    const file = oneFile('midi tokens', positionals);
    const grid = parseGrid(values.grid ?? '1/16');
    let maxSteps: number | undefined;
    if (values['max-steps'] !== undefined) {
      maxSteps = Number(values['max-steps']);
      if (!Number.isInteger(maxSteps) || maxSteps < 1) throw new UserError(`--max-steps must be a positive integer, not "${values['max-steps']}"`);
    }
    const r = loadCorpusFile(file, { grid, maxSteps, track: values.track, includeDrums: values.drums, transposeTo: values.transpose });
    warn(file, r.warnings);
    if (values.json) {
      printJson({
        file,
        grid: grid.label,
        maxSteps: maxSteps ?? grid.division * 2,
        track: r.track,
        key: { name: r.key.name, correlation: r.key.correlation },
        transposedBy: r.transposedBy,
        noteCount: r.notes.length,
        distinctTokens: new Set(r.tokens).size,
        tokens: r.tokens,
      });
      return EXIT_SAME;
    }
    const header = `# ${file}: track ${r.track.index} ${describeTrack(r.track)}, ${formatCount(r.notes.length)} notes on grid ${grid.label}, ` +
      `key ${r.key.name}${r.transposedBy ? `, transposed by ${r.transposedBy > 0 ? '+' : ''}${r.transposedBy}` : ''}; ` +
      `${formatCount(r.tokens.length)} tokens, ${formatCount(new Set(r.tokens).size)} distinct`;
    // One line per onset: its time shift, then its notes and durations.
    const lines: string[] = [];
    let line: string[] = [];
    for (const t of r.tokens) {
      if (t.startsWith('t:') && line.length && !line[line.length - 1].startsWith('t:')) {
        lines.push(line.join(' '));
        line = [];
      }
      line.push(t);
    }
    if (line.length) lines.push(line.join(' '));
    process.stdout.write(`${header}\n${lines.join('\n')}\n`);
    return EXIT_SAME;
  },
};

export const musicCommands: Record<string, Command> = {
  'midi inspect': inspect,
  'midi tokens': tokens,
};

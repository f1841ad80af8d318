// General MIDI instrument names, as @tonejs/midi gives them ("acoustic grand piano", "distortion
// guitar"; drum kits on channel 10 as "standard kit", "room kit"…), read once through its API.
import { Midi } from '@tonejs/midi';

/** MIDI channel 10, the General MIDI percussion channel, 0-based. */
export const DRUM_CHANNEL = 9;

const melodic: { name: string; family: string }[] = [];
const kits: (string | undefined)[] = [];
{
  const track = new Midi().addTrack();
  for (let program = 0; program < 128; program++) {
    track.channel = 0;
    track.instrument.number = program;
    melodic.push({ name: track.instrument.name, family: track.instrument.family });
    track.channel = DRUM_CHANNEL;
    kits.push(track.instrument.name);
  }
}

/** The instrument's name: the GM program's, or for the drum channel the kit's ("standard kit" when unnamed). */
export function instrumentName(program: number, channel: number): string {
  if (channel === DRUM_CHANNEL) return kits[program] ?? 'standard kit';
  return melodic[program]?.name ?? `program ${program}`;
}

/** "piano", "guitar", … or "drums" on the drum channel. */
export function instrumentFamily(program: number, channel: number): string {
  if (channel === DRUM_CHANNEL) return 'drums';
  return melodic[program]?.family ?? 'unknown';
}

/** The GM program named `name` (case-insensitive), or undefined. */
export function programByName(name: string): number | undefined {
  const i = melodic.findIndex(m => m.name.toLowerCase() === name.trim().toLowerCase());
  return i < 0 ? undefined : i;
}

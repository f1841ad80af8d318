// Playback with Tone.js: one synthesiser per track (no samples: nothing to download), notes
// scheduled on Tone's transport, mute/solo decided as each note comes due. The audio context
// is made on the first play (browsers let it start only after a click or key press), with
// Tone's timeout clock: its default clock runs in a worker made from a blob: URL, which the
// webview's Content-Security-Policy does not allow.
import './toneSetup';
import { Context } from 'tone/build/esm/core/context/Context.js';
import { setContext } from 'tone/build/esm/core/Global.js';
import { Part } from 'tone/build/esm/event/Part.js';
import { MembraneSynth } from 'tone/build/esm/instrument/MembraneSynth.js';
import { MetalSynth } from 'tone/build/esm/instrument/MetalSynth.js';
import { PolySynth } from 'tone/build/esm/instrument/PolySynth.js';
import { Synth } from 'tone/build/esm/instrument/Synth.js';

export interface PlayerNote {
  /** Seconds from the start. */
  time: number;
  duration: number;
  pitch: number;
  /** 0 … 1 */
  velocity: number;
}

export interface PlayerTrack {
  index: number;
  drums: boolean;
  family: string;
  notes: PlayerNote[];
}

type Voice = { play(note: PlayerNote, time: number): void; release(): void; dispose(): void };

/** Oscillator shapes by GM family: soft ones for keys and winds, brighter ones for strings and leads. */
function oscillatorFor(family: string): 'triangle' | 'sine' | 'sawtooth' | 'square' {
  if (/organ|pipe|flute|ethnic/.test(family)) return 'sine';
  if (/guitar|strings|ensemble|brass|lead/.test(family)) return 'sawtooth';
  if (/reed/.test(family)) return 'square';
  return 'triangle';
}

function midiToFrequency(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

function melodicVoice(family: string): Voice {
  const type = oscillatorFor(family);
  const sustained = /organ|strings|ensemble|pad|brass|reed|pipe/.test(family);
  const synth = new PolySynth(Synth, {
    oscillator: { type },
    envelope: sustained ? { attack: 0.02, decay: 0.2, sustain: 0.7, release: 0.4 } : { attack: 0.004, decay: 0.4, sustain: 0.25, release: 0.6 },
  }).toDestination();
  synth.maxPolyphony = 64;
  // Bright waves are louder to the ear: lower them.
  synth.volume.value = type === 'sawtooth' || type === 'square' ? -20 : -12;
  return {
    play: (n, time) => synth.triggerAttackRelease(midiToFrequency(n.pitch), Math.max(0.03, n.duration), time, n.velocity),
    release: () => synth.releaseAll(),
    dispose: () => synth.dispose(),
  };
}

/** GM drum notes: bass drums and toms are pitched membranes, the rest metallic noise. */
const MEMBRANES = new Set([35, 36, 41, 43, 45, 47, 48, 50]);

function drumVoice(): Voice {
  const membrane = new PolySynth(MembraneSynth, { envelope: { attack: 0.001, decay: 0.3, sustain: 0, release: 0.1 } }).toDestination();
  const metal = new PolySynth(MetalSynth, { envelope: { attack: 0.001, decay: 0.08, release: 0.05 }, harmonicity: 5.1, modulationIndex: 32, resonance: 4000, octaves: 1.5 }).toDestination();
  membrane.maxPolyphony = 16;
  metal.maxPolyphony = 16;
  membrane.volume.value = -8;
  metal.volume.value = -26;
  return {
    play: (n, time) => {
      if (MEMBRANES.has(n.pitch)) membrane.triggerAttackRelease(midiToFrequency(n.pitch - 12), 0.2, time, n.velocity);
      else metal.triggerAttackRelease(200 + (n.pitch - 35) * 12, 0.05, time, n.velocity * 0.8);
    },
    release: () => {
      membrane.releaseAll();
      metal.releaseAll();
    },
    dispose: () => {
      membrane.dispose();
      metal.dispose();
    },
  };
}

export class Player {
  private context: Context | undefined;
  private voices = new Map<number, Voice>();
  private parts: Part[] = [];
  private tracks: PlayerTrack[] = [];
  private endSeconds = 0;
  private endEvent: number | undefined;

  /** `audible(track)` is asked as each note comes due; `ended` when playback reaches the end. */
  constructor(private readonly audible: (track: number) => boolean, private readonly ended: () => void) {}

  /** The notes to play; playback stops. */
  load(tracks: PlayerTrack[], endSeconds: number): void {
    this.stop();
    this.tracks = tracks;
    this.endSeconds = endSeconds;
    if (this.context) this.schedule(this.context);
  }

  get playing(): boolean {
    return this.context?.transport.state === 'started';
  }

  /** Seconds from the start of the piece that sound now. */
  position(): number {
    const ctx = this.context;
    if (!ctx || ctx.transport.state === 'stopped') return this.pendingStart;
    // The transport runs ahead of what is heard by the context's look-ahead.
    return Math.max(0, ctx.transport.getSecondsAtTime(ctx.immediate()));
  }

  /** Where play() starts while stopped. */
  private pendingStart = 0;

  /** Starts (or resumes) at `from` seconds, or where it stands. Rejects when audio cannot start. */
  async play(from?: number): Promise<void> {
    const ctx = this.ensureContext();
    if (ctx.state !== 'running') await ctx.resume();
    if (ctx.state !== 'running') throw new Error(`the audio output is ${ctx.state}`);
    const start = Math.min(Math.max(0, from ?? this.position()), this.endSeconds);
    this.releaseAll();
    ctx.transport.start(undefined, start);
  }

  pause(): void {
    const ctx = this.context;
    if (!ctx || ctx.transport.state !== 'started') return;
    ctx.transport.pause();
    this.releaseAll();
  }

  /** Stops and goes back to `to` seconds (the start by default). */
  stop(to = 0): void {
    this.pendingStart = to;
    const ctx = this.context;
    if (!ctx) return;
    ctx.transport.stop();
    ctx.transport.seconds = to;
    this.releaseAll();
  }

  /** Moves the playhead; playback continues from there if it was playing. */
  seek(seconds: number): void {
    const ctx = this.context;
    const to = Math.min(Math.max(0, seconds), this.endSeconds);
    if (!ctx || ctx.transport.state === 'stopped') {
      this.pendingStart = to;
      if (ctx) ctx.transport.seconds = to;
      return;
    }
    this.releaseAll();
    ctx.transport.seconds = to;
  }

  /** Silences a track at once (notes still sounding) when it is muted. */
  silence(track: number): void {
    this.voices.get(track)?.release();
  }

  dispose(): void {
    this.stop();
    this.clearSchedule();
    void this.context?.dispose();
    this.context = undefined;
  }

  private ensureContext(): Context {
    if (!this.context) {
      this.context = new Context({ clockSource: 'timeout', latencyHint: 'interactive', lookAhead: 0.1 });
      setContext(this.context);
      this.schedule(this.context);
    }
    return this.context;
  }

  private releaseAll(): void {
    for (const v of this.voices.values()) v.release();
  }

  private clearSchedule(): void {
    for (const p of this.parts) p.dispose();
    this.parts = [];
    for (const v of this.voices.values()) v.dispose();
    this.voices.clear();
    if (this.endEvent !== undefined) this.context?.transport.clear(this.endEvent);
    this.endEvent = undefined;
  }

  private schedule(ctx: Context): void {
    this.clearSchedule();
    for (const track of this.tracks) {
      const voice = track.drums ? drumVoice() : melodicVoice(track.family);
      this.voices.set(track.index, voice);
      const part = new Part<PlayerNote>((time, note) => {
        if (this.audible(track.index)) voice.play(note, time);
      }, track.notes); // Tone reads each note's `time`
      part.start(0);
      this.parts.push(part);
    }
    // A moment after the last note ends, playback ends (the UI is told outside the audio thread's timing).
    this.endEvent = ctx.transport.scheduleOnce(() => setTimeout(() => this.ended(), 0), this.endSeconds + 0.3);
  }
}

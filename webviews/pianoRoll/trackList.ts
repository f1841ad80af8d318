// The track list beside the roll: colour, name, instrument and note count of each track, with
// mute and solo toggles.
import type { MusicPianoRollData } from '../../shared/protocol';
import { h } from '../common/dom';
import { formatCount } from './format';

type Track = MusicPianoRollData['tracks'][number];

export interface TrackState {
  muted: Set<number>;
  solo: Set<number>;
}

/** Whether a track is heard: not muted, and soloed when any track is. */
export function audible(state: TrackState, track: number): boolean {
  return !state.muted.has(track) && (state.solo.size === 0 || state.solo.has(track));
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

export class TrackList {
  readonly element = h('div', { class: 'tracks', role: 'region', 'aria-label': 'Tracks' });

  constructor(private readonly state: TrackState, private readonly changed: () => void) {}

  render(tracks: readonly Track[], colour: (position: number) => string): void {
    const rows = tracks.map((t, position) => {
      const mute = h('button', { class: 'track-toggle mute', title: 'Mute', 'aria-label': `Mute ${t.label}`, 'aria-pressed': String(this.state.muted.has(t.index)) }, 'M');
      const solo = h('button', { class: 'track-toggle solo', title: 'Solo', 'aria-label': `Solo ${t.label}`, 'aria-pressed': String(this.state.solo.has(t.index)) }, 'S');
      mute.addEventListener('click', () => this.toggle(this.state.muted, t.index));
      solo.addEventListener('click', () => this.toggle(this.state.solo, t.index));
      const swatch = h('span', { class: 'track-swatch', 'aria-hidden': 'true' });
      swatch.style.background = colour(position);
      const detail = `${t.drums ? 'channel 10, drums' : `channel ${t.channel + 1}`} · ${formatCount(t.pitch.length)} notes`;
      return h('li', { class: 'track', 'data-track': t.index, title: t.label },
        swatch,
        h('div', { class: 'track-text' },
          h('div', { class: 'track-name' }, t.name || capitalise(t.instrument)),
          t.name ? h('div', { class: 'track-instrument' }, t.instrument) : null,
          h('div', { class: 'track-detail' }, detail)),
        mute, solo);
    });
    this.element.replaceChildren(
      h('div', { class: 'tracks-title' }, `Tracks`, h('span', { class: 'muted' }, ` ${tracks.length}`)),
      tracks.length ? h('ul', { class: 'track-list' }, ...rows) : h('p', { class: 'muted tracks-empty' }, 'No notes in this file.'),
    );
    this.refresh();
  }

  private toggle(set: Set<number>, track: number): void {
    if (set.has(track)) set.delete(track);
    else set.add(track);
    this.refresh();
    this.changed();
  }

  /** Mirrors the state on the rows: pressed buttons, and tracks that are not heard. */
  refresh(): void {
    for (const row of this.element.querySelectorAll<HTMLElement>('.track')) {
      const index = Number(row.dataset.track);
      row.querySelector('.mute')!.setAttribute('aria-pressed', String(this.state.muted.has(index)));
      row.querySelector('.solo')!.setAttribute('aria-pressed', String(this.state.solo.has(index)));
      row.classList.toggle('silent', !audible(this.state, index));
    }
  }

  /** Colours again after a theme change. */
  recolour(colour: (position: number) => string): void {
    this.element.querySelectorAll<HTMLElement>('.track-swatch').forEach((s, i) => { s.style.background = colour(i); });
  }
}

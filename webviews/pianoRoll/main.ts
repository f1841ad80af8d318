// Piano roll webview: shows the MIDI file the host sends (shared/webviewProtocol.ts), plays it
// with Tone.js, and reports the state on data attributes (#app[data-state], [data-playing];
// #roll-notes[data-note-count], [data-playhead-seconds]). Runs in the browser; no Node APIs.
import type { MusicPianoRollData } from '../../shared/protocol';
import type { PianoRollFromWebview, PianoRollToWebview } from '../../shared/webviewProtocol';
import { byId, h, s } from '../common/dom';
import { onThemeChange } from './colors';
import { formatBeats, formatCount, formatSeconds } from './format';
import { Player, type PlayerTrack } from './player';
import { PianoRoll, type RollView } from './roll';
import { Timeline } from './timeline';
import { TrackList, audible, type TrackState } from './trackList';

interface SavedState {
  name: string;
  view?: RollView;
  muted: number[];
  solo: number[];
}

interface VsCodeApi {
  postMessage(message: PianoRollFromWebview): void;
  getState(): SavedState | undefined;
  setState(state: SavedState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();
const post = (m: PianoRollFromWebview) => vscode.postMessage(m);
const saved = vscode.getState();

let data: MusicPianoRollData | undefined;
let timeline: Timeline | undefined;
const trackState: TrackState = { muted: new Set(saved?.muted ?? []), solo: new Set(saved?.solo ?? []) };

// ---- icons (inline SVG, coloured by the text colour) ----------------------------------------

const icon = (...children: SVGElement[]) => s('svg', { viewBox: '0 0 16 16', width: 16, height: 16, 'aria-hidden': 'true', class: 'icon' }, ...children);
const playIcon = () => icon(s('path', { d: 'M4 2.5v11l9.5-5.5z' }));
const pauseIcon = () => icon(s('rect', { x: 3.5, y: 2.5, width: 3, height: 11 }), s('rect', { x: 9.5, y: 2.5, width: 3, height: 11 }));
const stopIcon = () => icon(s('rect', { x: 3.5, y: 3.5, width: 9, height: 9 }));

// ---- page skeleton ------------------------------------------------------------------------

const app = document.getElementById('app') ?? document.body.appendChild(h('div', { id: 'app' }));
app.classList.add('piano-roll');
const playButton = h('button', { id: 'play', class: 'button tool', title: 'Play (Space)', 'aria-label': 'Play', disabled: true }, playIcon());
const stopButton = h('button', { id: 'stop', class: 'button tool', title: 'Stop and go to the start', 'aria-label': 'Stop', disabled: true }, stopIcon());
const position = h('span', { id: 'position', class: 'position mono', title: 'Bar.beat' }, '1.1');
const clock = h('span', { id: 'clock', class: 'clock mono' }, '0:00.0');
const info = h('span', { id: 'info', class: 'info muted' });
const audioNote = h('span', { id: 'audio-note', class: 'audio-note', role: 'status', hidden: true });
const zoomOut = h('button', { class: 'button tool', title: 'Zoom out (Ctrl+wheel)', 'aria-label': 'Zoom out' }, '−');
const zoomFit = h('button', { class: 'button tool text-tool', title: 'Show the whole piece' }, 'Fit');
const zoomIn = h('button', { class: 'button tool', title: 'Zoom in (Ctrl+wheel)', 'aria-label': 'Zoom in' }, '+');
const warnings = h('details', { id: 'warnings', class: 'warnings', hidden: true });

const roll = new PianoRoll({
  seek: ticks => void seekTo(ticks),
  viewChanged: () => saveState(),
});
const tracks = new TrackList(trackState, () => tracksChanged());
const player = new Player(track => audible(trackState, track), () => ended());

app.replaceChildren(
  h('div', { id: 'busy', class: 'busy', role: 'status', hidden: true }, h('div', { class: 'progress-bar' }), h('span', { class: 'spinner', 'aria-hidden': 'true' }), h('span', { id: 'busy-message' })),
  h('div', { id: 'error', class: 'error-panel', role: 'alert', hidden: true }),
  h('div', { id: 'content', class: 'content', hidden: true },
    h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': 'Playback' },
      h('div', { class: 'transport' }, playButton, stopButton),
      h('div', { class: 'readout' }, position, clock),
      info,
      audioNote,
      h('div', { class: 'spacer' }),
      h('div', { class: 'zoom', role: 'group', 'aria-label': 'Zoom' }, zoomOut, zoomFit, zoomIn)),
    warnings,
    h('div', { class: 'main' }, tracks.element, roll.element)),
);

function setState(state: 'busy' | 'error' | 'ready'): void {
  app.setAttribute('data-state', state);
  byId('busy').hidden = state !== 'busy';
  byId('error').hidden = state !== 'error';
  byId('content').hidden = state === 'error' || (state === 'busy' && !app.classList.contains('has-view'));
}

function saveState(): void {
  if (!data) return;
  vscode.setState({ name: data.name, view: roll.view, muted: [...trackState.muted], solo: [...trackState.solo] });
}

// ---- showing a file -----------------------------------------------------------------------

function show(next: MusicPianoRollData): void {
  const sameFile = data?.name === next.name || saved?.name === next.name;
  const view = data?.name === next.name ? roll.view : saved?.name === next.name ? saved.view : undefined;
  if (!sameFile) {
    trackState.muted.clear();
    trackState.solo.clear();
  }
  // Mute/solo only of tracks the file still has.
  const present = new Set(next.tracks.map(t => t.index));
  for (const set of [trackState.muted, trackState.solo]) for (const i of [...set]) if (!present.has(i)) set.delete(i);

  data = next;
  const bar = next.timeSignatures[0] ? (next.ppq * 4 * next.timeSignatures[0].numerator) / next.timeSignatures[0].denominator : next.ppq * 4;
  timeline = new Timeline(next.ppq, next.tempos, next.timeSignatures, next.durationTicks + 2 * bar);
  const tl = timeline;
  app.classList.add('has-view');
  setState('ready');
  roll.setData(next, tl, view);
  tracks.render(next.tracks, i => roll.trackColour(i));
  tracks.refresh();
  roll.setDimmed(dimmedTracks());
  const playerTracks: PlayerTrack[] = next.tracks.map(t => ({
    index: t.index,
    drums: t.drums,
    family: t.family,
    notes: t.ticks.map((ticks, i) => {
      const time = tl.seconds(ticks);
      return { time, duration: tl.seconds(ticks + t.durationTicks[i]) - time, pitch: t.pitch[i], velocity: t.velocity[i] / 127 };
    }),
  }));
  player.load(playerTracks, next.durationSeconds);
  playButton.disabled = next.noteCount === 0;
  stopButton.disabled = next.noteCount === 0;
  showInfo(next);
  showWarnings(next.warnings);
  updatePlayhead(0, false);
  setPlaying(false);
  saveState();
}

function showInfo(d: MusicPianoRollData): void {
  const bpms = [...new Set(d.tempos.map(t => Math.round(t.bpm * 10) / 10))];
  const tempo = bpms.length === 1 ? `${bpms[0]} bpm` : `${Math.min(...bpms)}–${Math.max(...bpms)} bpm`;
  const sig = d.timeSignatures[0] ? `${d.timeSignatures[0].numerator}/${d.timeSignatures[0].denominator}` : '4/4';
  const parts = [tempo, sig, d.keySignatures[0]?.name, `${formatCount(d.noteCount)} notes`, formatSeconds(d.durationSeconds, 1)];
  info.textContent = parts.filter(Boolean).join(' · ');
  info.title = `${d.name}: format ${d.format}, ${d.ppq} ticks per quarter note`;
}

function showWarnings(list: string[]): void {
  warnings.hidden = list.length === 0;
  warnings.replaceChildren(
    h('summary', {}, h('span', { class: 'warning-glyph', 'aria-hidden': 'true' }, '!'), `${list.length} warning${list.length === 1 ? '' : 's'} while reading the file`),
    h('ul', {}, ...list.map(w => h('li', { class: 'mono' }, w))),
  );
}

function showError(file: string, message: string): void {
  player.stop();
  setPlaying(false);
  const reload = h('button', { class: 'button secondary' }, 'Reload');
  reload.addEventListener('click', () => post({ type: 'reload' }));
  byId('error').replaceChildren(
    h('div', { class: 'error-title' }, h('span', { class: 'error-glyph', 'aria-hidden': 'true' }, '!'), `Cannot show ${file}`),
    h('div', { id: 'error-message', class: 'error-message' }, message),
    reload,
  );
  app.classList.remove('has-view');
  data = undefined;
  setState('error');
}

// ---- playback -----------------------------------------------------------------------------

let animation = 0;

function setPlaying(playing: boolean): void {
  app.setAttribute('data-playing', String(playing));
  playButton.replaceChildren(playing ? pauseIcon() : playIcon());
  playButton.title = playing ? 'Pause (Space)' : 'Play (Space)';
  playButton.setAttribute('aria-label', playing ? 'Pause' : 'Play');
  cancelAnimationFrame(animation);
  if (playing) animation = requestAnimationFrame(tick);
}

function tick(): void {
  updatePlayhead(player.position(), true);
  animation = requestAnimationFrame(tick);
}

function updatePlayhead(seconds: number, follow: boolean): void {
  if (!timeline || !data) return;
  const ticks = timeline.ticks(seconds);
  roll.setPlayhead(ticks, seconds, follow);
  const { bar, beat } = timeline.barBeat(ticks);
  position.textContent = `${bar}.${formatBeats(Math.floor(beat))}`;
  clock.textContent = `${formatSeconds(seconds, 1)} / ${formatSeconds(data.durationSeconds, 1)}`;
}

async function play(from?: number): Promise<void> {
  if (!data || data.noteCount === 0) return;
  try {
    await player.play(from);
    audioNote.hidden = true;
    setPlaying(true);
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    audioNote.textContent = `No sound: ${message}`;
    audioNote.hidden = false;
    post({ type: 'audioError', message });
  }
}

function togglePlay(): void {
  if (player.playing) {
    player.pause();
    setPlaying(false);
    updatePlayhead(player.position(), false);
  } else {
    void play();
  }
}

function stop(): void {
  player.stop(0);
  setPlaying(false);
  updatePlayhead(0, true);
}

function ended(): void {
  player.stop(0);
  setPlaying(false);
  updatePlayhead(0, true);
}

/** A click on the ruler: play from there (or jump there while playing). */
async function seekTo(ticks: number): Promise<void> {
  if (!timeline) return;
  const seconds = timeline.seconds(ticks);
  if (player.playing) {
    player.seek(seconds);
    updatePlayhead(seconds, false);
  } else {
    updatePlayhead(seconds, false);
    await play(seconds);
  }
}

function dimmedTracks(): Set<number> {
  return new Set((data?.tracks ?? []).map(t => t.index).filter(i => !audible(trackState, i)));
}

function tracksChanged(): void {
  const dimmed = dimmedTracks();
  for (const i of dimmed) player.silence(i);
  roll.setDimmed(dimmed);
  saveState();
}

// ---- input --------------------------------------------------------------------------------

playButton.addEventListener('click', togglePlay);
stopButton.addEventListener('click', stop);
zoomIn.addEventListener('click', () => roll.zoomBy(1.5));
zoomOut.addEventListener('click', () => roll.zoomBy(1 / 1.5));
zoomFit.addEventListener('click', () => roll.fit());

document.addEventListener('keydown', e => {
  const target = e.target as HTMLElement | null;
  // A focused button handles Space itself; text fields keep their keys.
  if (target && (target.tagName === 'BUTTON' || target.tagName === 'INPUT' || target.tagName === 'SUMMARY')) return;
  if (e.key === ' ' && !e.ctrlKey && !e.metaKey && !e.altKey) {
    e.preventDefault();
    togglePlay();
  } else if (e.key === 'Home') {
    e.preventDefault();
    if (player.playing) void seekTo(0);
    else stop();
  } else if ((e.ctrlKey || e.metaKey) && (e.key === '=' || e.key === '+')) {
    e.preventDefault();
    roll.zoomBy(1.5);
  } else if ((e.ctrlKey || e.metaKey) && e.key === '-') {
    e.preventDefault();
    roll.zoomBy(1 / 1.5);
  }
});

onThemeChange(() => {
  roll.themeChanged();
  tracks.recolour(i => roll.trackColour(i));
});

window.addEventListener('message', (e: MessageEvent<PianoRollToWebview>) => {
  const m = e.data;
  switch (m.type) {
    case 'show':
      show(m.data);
      break;
    case 'busy':
      byId('busy-message').textContent = m.message;
      setState('busy');
      break;
    case 'error':
      showError(m.file, m.message);
      break;
  }
});

setState('busy');
post({ type: 'ready' });

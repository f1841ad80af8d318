// The roll itself: notes on a time × pitch grid drawn on canvases (fast for tens of thousands
// of notes: only what the viewport shows is drawn, found by binary search), a bar/beat ruler, a
// keyboard, the playhead, zoom and scroll, and a tooltip for the note under the pointer.
//
// Layers: the grid and notes canvas is redrawn on scroll, zoom, resize and theme changes; the
// overlay (playhead, hovered note) and the ruler and keyboard are cheap and redrawn as the
// playhead moves. A transparent scroll container above them gives native scrollbars.
import type { MusicPianoRollData } from '../../shared/protocol';
import { h } from '../common/dom';
import { readColors, type RollColors } from './colors';
import { formatBeats, formatSeconds, pitchName } from './format';
import type { Timeline } from './timeline';

type RollTrackData = MusicPianoRollData['tracks'][number];

interface RollTrack extends RollTrackData {
  /** Palette slot of its colour. */
  colour: number;
  /** The longest note, for finding the notes that reach into a window from before it. */
  maxDuration: number;
}

export interface RollCallbacks {
  /** A click on the ruler at `ticks`. */
  seek(ticks: number): void;
  /** Zoom or scroll changed (to remember them). */
  viewChanged(): void;
}

export interface RollView {
  pxPerQuarter: number;
  rowHeight: number;
  scrollLeft: number;
  scrollTop: number;
}

const KEYS_WIDTH = 64;
const RULER_HEIGHT = 26;
const MIN_PX_PER_QUARTER = 0.25;
const MAX_PX_PER_QUARTER = 400;
const MIN_ROW = 4;
const MAX_ROW = 28;
const BLACK = new Set([1, 3, 6, 8, 10]);
/** Opacity levels of notes by velocity (1 … 127 in steps of 16). */
const VELOCITY_LEVELS = 8;

const isBlack = (pitch: number) => BLACK.has(pitch % 12);

/** First index i with values[i] >= x (values ascending). */
function lowerBound(values: readonly number[], x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** A canvas sized in CSS pixels, drawn at the device's pixel ratio. */
function sizeCanvas(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D {
  const ratio = window.devicePixelRatio || 1;
  const w = Math.max(1, Math.round(width));
  const hgt = Math.max(1, Math.round(height));
  if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(hgt * ratio)) {
    canvas.width = Math.round(w * ratio);
    canvas.height = Math.round(hgt * ratio);
    canvas.style.width = `${w}px`;
    canvas.style.height = `${hgt}px`;
  }
  const ctx = canvas.getContext('2d')!;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  return ctx;
}

export class PianoRoll {
  readonly element: HTMLElement;
  readonly notesCanvas: HTMLCanvasElement;
  private readonly overlayCanvas: HTMLCanvasElement;
  private readonly rulerCanvas: HTMLCanvasElement;
  private readonly keysCanvas: HTMLCanvasElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly tooltip: HTMLElement;

  private data: MusicPianoRollData | undefined;
  private timeline: Timeline | undefined;
  private tracks: RollTrack[] = [];
  private dimmed = new Set<number>();
  /** Read once the roll is in the document (styles do not apply to detached elements). */
  private themeColors: RollColors | undefined;
  private pxPerQuarter = 24;
  private rowHeight = 10;
  private endTicks = 0;
  private playheadTicks = 0;
  private hovered: { track: RollTrack; i: number } | undefined;
  private frame = 0;
  private dirtyNotes = false;
  private width = 1;
  private height = 1;

  constructor(private readonly callbacks: RollCallbacks) {
    this.notesCanvas = h('canvas', { id: 'roll-notes', class: 'roll-notes', 'data-note-count': 0, 'data-visible-notes': 0, 'data-playhead-seconds': '0.000', 'aria-hidden': 'true' });
    this.overlayCanvas = h('canvas', { class: 'roll-overlay', 'aria-hidden': 'true' });
    this.rulerCanvas = h('canvas', { id: 'roll-ruler', class: 'roll-ruler', title: 'Click to play from here' });
    this.keysCanvas = h('canvas', { class: 'roll-keys', 'aria-hidden': 'true' });
    this.spacer = h('div', { class: 'roll-spacer' });
    this.viewport = h('div', { class: 'roll-viewport', tabindex: 0, role: 'img', 'aria-label': 'Piano roll' }, this.spacer);
    this.tooltip = h('div', { class: 'roll-tooltip', role: 'tooltip', hidden: true });
    this.element = h('div', { class: 'roll' },
      h('div', { class: 'roll-corner' }),
      h('div', { class: 'roll-ruler-box' }, this.rulerCanvas),
      h('div', { class: 'roll-keys-box' }, this.keysCanvas),
      h('div', { class: 'roll-area' }, this.notesCanvas, this.overlayCanvas, this.viewport),
      this.tooltip,
    );

    this.viewport.addEventListener('scroll', () => {
      this.invalidate(true);
      this.callbacks.viewChanged();
    }, { passive: true });
    this.viewport.addEventListener('wheel', e => this.onWheel(e), { passive: false });
    this.keysCanvas.addEventListener('wheel', e => this.forwardWheel(e), { passive: false });
    this.rulerCanvas.addEventListener('wheel', e => this.forwardWheel(e), { passive: false });
    this.viewport.addEventListener('mousemove', e => this.onHover(e));
    this.viewport.addEventListener('mouseleave', () => this.setHovered(undefined));
    this.rulerCanvas.addEventListener('mousedown', e => {
      if (!this.timeline || e.button !== 0) return;
      const x = e.offsetX + this.viewport.scrollLeft;
      this.callbacks.seek(Math.max(0, Math.min(this.endTicks, x / this.pxPerTick)));
    });
    new ResizeObserver(() => this.invalidate(true)).observe(this.viewport);
  }

  private get pxPerTick(): number {
    return this.pxPerQuarter / (this.data?.ppq ?? 480);
  }

  // ---- data and state ---------------------------------------------------------------------

  setData(data: MusicPianoRollData, timeline: Timeline, view?: RollView): void {
    this.data = data;
    this.timeline = timeline;
    this.tracks = data.tracks.map((t, i) => ({ ...t, colour: i % this.colors.tracks.length, maxDuration: t.durationTicks.reduce((m, d) => Math.max(m, d), 0) }));
    const bar = timeline.bars[0] ? timeline.bars[0].beats * timeline.bars[0].beatTicks : data.ppq * 4;
    // One empty bar after the end, so the last note is not flush against the edge.
    this.endTicks = Math.max(data.durationTicks, bar) + bar;
    this.notesCanvas.setAttribute('data-note-count', String(data.noteCount));
    this.hovered = undefined;
    this.tooltip.hidden = true;
    this.layoutSpacer();
    if (view) this.restoreView(view);
    else requestAnimationFrame(() => this.initialView());
    this.invalidate(true);
  }

  /** Tracks drawn faint (muted, or not soloed while others are). */
  setDimmed(dimmed: Set<number>): void {
    this.dimmed = dimmed;
    this.invalidate(true);
  }

  setPlayhead(ticks: number, seconds: number, follow: boolean): void {
    this.playheadTicks = ticks;
    this.notesCanvas.setAttribute('data-playhead-seconds', seconds.toFixed(3));
    if (follow) {
      // Page along when the playhead leaves the view, as DAWs do.
      const x = ticks * this.pxPerTick;
      const left = this.viewport.scrollLeft;
      if (x < left || x > left + this.viewport.clientWidth - 2) this.viewport.scrollLeft = Math.max(0, x - 40);
    }
    this.invalidate(false);
  }

  themeChanged(): void {
    this.themeColors = undefined;
    this.invalidate(true);
  }

  private get colors(): RollColors {
    this.themeColors ??= readColors(this.element);
    return this.themeColors;
  }

  trackColour(position: number): string {
    return this.colors.tracks[position % this.colors.tracks.length];
  }

  get view(): RollView {
    return { pxPerQuarter: this.pxPerQuarter, rowHeight: this.rowHeight, scrollLeft: this.viewport.scrollLeft, scrollTop: this.viewport.scrollTop };
  }

  focus(): void {
    this.viewport.focus();
  }

  // ---- zoom and scroll --------------------------------------------------------------------

  private layoutSpacer(): void {
    this.spacer.style.width = `${Math.ceil(this.endTicks * this.pxPerTick)}px`;
    this.spacer.style.height = `${128 * this.rowHeight}px`;
  }

  private restoreView(view: RollView): void {
    this.pxPerQuarter = Math.min(MAX_PX_PER_QUARTER, Math.max(MIN_PX_PER_QUARTER, view.pxPerQuarter));
    this.rowHeight = Math.min(MAX_ROW, Math.max(MIN_ROW, view.rowHeight));
    this.layoutSpacer();
    this.viewport.scrollLeft = view.scrollLeft;
    this.viewport.scrollTop = view.scrollTop;
  }

  /** Fits a short piece in the width (a long one starts at a readable zoom) and centres its pitches. */
  private initialView(): void {
    if (!this.data) return;
    const quarters = Math.max(1, this.data.durationTicks / this.data.ppq);
    this.pxPerQuarter = Math.min(120, Math.max(10, (this.viewport.clientWidth - 24) / quarters));
    let low = 127;
    let high = 0;
    for (const t of this.tracks) for (const p of t.pitch) {
      if (p < low) low = p;
      if (p > high) high = p;
    }
    if (low > high) [low, high] = [48, 72];
    // Rows as tall as fit the notes' range (with an octave around it), within limits.
    const rows = high - low + 1 + 12;
    this.rowHeight = Math.min(16, Math.max(6, Math.floor(this.viewport.clientHeight / rows)));
    this.layoutSpacer();
    const middle = ((127 - high) + (127 - low) + 1) / 2 * this.rowHeight;
    this.viewport.scrollTop = Math.max(0, middle - this.viewport.clientHeight / 2);
    this.viewport.scrollLeft = 0;
    this.invalidate(true);
    this.callbacks.viewChanged();
  }

  /** The whole piece in the width. */
  fit(): void {
    if (!this.data) return;
    const quarters = Math.max(1, this.endTicks / this.data.ppq);
    this.setZoom(Math.max(MIN_PX_PER_QUARTER, (this.viewport.clientWidth - 4) / quarters), 0);
    this.viewport.scrollLeft = 0;
  }

  /** Horizontal zoom by `factor`, keeping the time under `anchorX` (viewport pixels) in place. */
  zoomBy(factor: number, anchorX = this.playheadAnchor()): void {
    this.setZoom(this.pxPerQuarter * factor, anchorX);
  }

  private playheadAnchor(): number {
    const x = this.playheadTicks * this.pxPerTick - this.viewport.scrollLeft;
    return x >= 0 && x <= this.viewport.clientWidth ? x : 0;
  }

  private setZoom(pxPerQuarter: number, anchorX: number): void {
    const clamped = Math.min(MAX_PX_PER_QUARTER, Math.max(MIN_PX_PER_QUARTER, pxPerQuarter));
    const ticksAtAnchor = (this.viewport.scrollLeft + anchorX) / this.pxPerTick;
    this.pxPerQuarter = clamped;
    this.layoutSpacer();
    this.viewport.scrollLeft = Math.max(0, ticksAtAnchor * this.pxPerTick - anchorX);
    this.invalidate(true);
    this.callbacks.viewChanged();
  }

  private setRowHeight(rowHeight: number, anchorY: number): void {
    const pitchAtAnchor = (this.viewport.scrollTop + anchorY) / this.rowHeight;
    this.rowHeight = Math.min(MAX_ROW, Math.max(MIN_ROW, rowHeight));
    this.layoutSpacer();
    this.viewport.scrollTop = Math.max(0, pitchAtAnchor * this.rowHeight - anchorY);
    this.invalidate(true);
    this.callbacks.viewChanged();
  }

  private onWheel(e: WheelEvent): void {
    if (!(e.ctrlKey || e.metaKey)) return; // plain wheel: native scrolling
    e.preventDefault();
    const rect = this.viewport.getBoundingClientRect();
    const factor = Math.exp(-e.deltaY * 0.002);
    if (e.shiftKey) this.setRowHeight(this.rowHeight * factor, e.clientY - rect.top);
    else this.setZoom(this.pxPerQuarter * factor, e.clientX - rect.left);
  }

  /** Wheel over the ruler or keyboard scrolls the roll (or zooms, with Ctrl). */
  private forwardWheel(e: WheelEvent): void {
    e.preventDefault();
    if (e.ctrlKey || e.metaKey) {
      const rect = this.viewport.getBoundingClientRect();
      this.setZoom(this.pxPerQuarter * Math.exp(-e.deltaY * 0.002), Math.max(0, e.clientX - rect.left));
      return;
    }
    this.viewport.scrollLeft += e.currentTarget === this.rulerCanvas ? e.deltaY + e.deltaX : e.deltaX;
    if (e.currentTarget === this.keysCanvas) this.viewport.scrollTop += e.deltaY;
  }

  // ---- hover and tooltip ------------------------------------------------------------------

  private noteAt(x: number, y: number): { track: RollTrack; i: number } | undefined {
    const pitch = 127 - Math.floor((y + this.viewport.scrollTop) / this.rowHeight);
    const ticks = (x + this.viewport.scrollLeft) / this.pxPerTick;
    const slack = 2 / this.pxPerTick; // thin notes are still easy to point at
    // Topmost first: audible tracks are drawn over faint ones, later over earlier.
    const order = [...this.tracks].reverse().sort((a, b) => Number(this.dimmed.has(a.index)) - Number(this.dimmed.has(b.index)));
    for (const t of order) {
      let i = lowerBound(t.ticks, ticks + slack + 1e-9) - 1;
      for (; i >= 0 && t.ticks[i] >= ticks - t.maxDuration - slack; i--) {
        if (t.pitch[i] === pitch && t.ticks[i] - slack <= ticks && ticks <= t.ticks[i] + t.durationTicks[i] + slack) return { track: t, i };
      }
    }
    return undefined;
  }

  private onHover(e: MouseEvent): void {
    const rect = this.viewport.getBoundingClientRect();
    const x = e.clientX - rect.left;
    const y = e.clientY - rect.top;
    if (x > this.viewport.clientWidth || y > this.viewport.clientHeight) return this.setHovered(undefined);
    const hit = this.noteAt(x, y);
    this.setHovered(hit);
    if (hit) this.showTooltip(hit, e.clientX, e.clientY);
  }

  private setHovered(hit: { track: RollTrack; i: number } | undefined): void {
    if (hit?.track === this.hovered?.track && hit?.i === this.hovered?.i) return;
    this.hovered = hit;
    if (!hit) this.tooltip.hidden = true;
    this.invalidate(false);
  }

  private showTooltip(hit: { track: RollTrack; i: number }, clientX: number, clientY: number): void {
    const tl = this.timeline!;
    const t = hit.track;
    const start = t.ticks[hit.i];
    const duration = t.durationTicks[hit.i];
    const { bar, beat } = tl.barBeat(start);
    const startSeconds = tl.seconds(start);
    const lengthSeconds = tl.seconds(start + duration) - startSeconds;
    const beats = duration / (this.timeline!.bars[tl.barIndexAt(start)].beatTicks);
    const row = (label: string, value: string) => h('div', { class: 'tooltip-row' }, h('span', { class: 'tooltip-label' }, label), h('span', {}, value));
    this.tooltip.replaceChildren(
      h('div', { class: 'tooltip-title' }, h('span', { class: 'tooltip-swatch', 'data-colour': t.colour }), `${pitchName(t.pitch[hit.i])}`, h('span', { class: 'muted' }, ` · ${t.label}`)),
      row('Start', `bar ${bar}, beat ${formatBeats(beat)} · ${formatSeconds(startSeconds)}`),
      row('Length', `${formatBeats(beats)} beat${beats === 1 ? '' : 's'} · ${lengthSeconds.toFixed(3)} s`),
      row('Velocity', String(t.velocity[hit.i])),
    );
    (this.tooltip.querySelector('.tooltip-swatch') as HTMLElement).style.background = this.colors.tracks[t.colour];
    this.tooltip.hidden = false;
    const box = this.tooltip.getBoundingClientRect();
    const left = clientX + 14 + box.width > window.innerWidth ? clientX - 14 - box.width : clientX + 14;
    const top = clientY + 16 + box.height > window.innerHeight ? clientY - 12 - box.height : clientY + 16;
    this.tooltip.style.left = `${Math.max(4, left)}px`;
    this.tooltip.style.top = `${Math.max(4, top)}px`;
  }

  // ---- drawing ----------------------------------------------------------------------------

  /** Redraws at the next animation frame; `notes` when the grid and notes changed too. */
  private invalidate(notes: boolean): void {
    this.dirtyNotes ||= notes;
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.draw();
    });
  }

  /** Draws now (the test hooks read the attributes right after a change). */
  draw(): void {
    const width = this.viewport.clientWidth;
    const height = this.viewport.clientHeight;
    if (width !== this.width || height !== this.height) {
      this.width = width;
      this.height = height;
      this.dirtyNotes = true;
    }
    if (this.dirtyNotes) {
      this.dirtyNotes = false;
      this.drawNotes();
    }
    this.drawOverlay();
    this.drawRuler();
    this.drawKeys();
  }

  /** Visible ticks and pitches. */
  private window(): { t0: number; t1: number; lowPitch: number; highPitch: number } {
    const t0 = this.viewport.scrollLeft / this.pxPerTick;
    const t1 = (this.viewport.scrollLeft + this.width) / this.pxPerTick;
    const highPitch = Math.min(127, 127 - Math.floor(this.viewport.scrollTop / this.rowHeight));
    const lowPitch = Math.max(0, 127 - Math.floor((this.viewport.scrollTop + this.height) / this.rowHeight));
    return { t0, t1, lowPitch, highPitch };
  }

  private x(ticks: number): number {
    return ticks * this.pxPerTick - this.viewport.scrollLeft;
  }

  private y(pitch: number): number {
    return (127 - pitch) * this.rowHeight - this.viewport.scrollTop;
  }

  private drawNotes(): void {
    const started = performance.now();
    const c = this.colors;
    const ctx = sizeCanvas(this.notesCanvas, this.width, this.height);
    ctx.fillStyle = c.background;
    ctx.fillRect(0, 0, this.width, this.height);
    if (!this.data || !this.timeline) return;
    const { t0, t1, lowPitch, highPitch } = this.window();

    // Rows of black keys, and a line under each C.
    ctx.fillStyle = c.blackKeyRow;
    for (let p = lowPitch; p <= highPitch; p++) if (isBlack(p)) ctx.fillRect(0, this.y(p), this.width, this.rowHeight);
    ctx.fillStyle = c.octaveLine;
    for (let p = lowPitch; p <= highPitch; p++) if (p % 12 === 0) ctx.fillRect(0, Math.round(this.y(p) + this.rowHeight) - 1, this.width, 1);

    this.drawBeatLines(ctx, t0, t1, this.height);

    // Past the end of the piece.
    const endX = this.x(this.data.durationTicks);
    if (endX < this.width) {
      ctx.fillStyle = c.endShade;
      ctx.fillRect(Math.max(0, endX), 0, this.width - Math.max(0, endX), this.height);
    }

    // Faint tracks first, so audible notes lie on top. Notes are batched into one path per
    // velocity level (eight levels of opacity), and when zoomed out a note that would cover only
    // pixels its row already painted is counted but not drawn again.
    const order = [...this.tracks].sort((a, b) => Number(this.dimmed.has(b.index)) - Number(this.dimmed.has(a.index)));
    let drawn = 0;
    const pxPerTick = this.pxPerTick;
    const scrollLeft = this.viewport.scrollLeft;
    const rowHeight = this.rowHeight;
    const outline = rowHeight >= 7;
    const paintedTo = new Float64Array(128);
    for (const t of order) {
      const faint = this.dimmed.has(t.index);
      const levels = Array.from({ length: VELOCITY_LEVELS }, () => new Path2D());
      const borders = new Path2D();
      paintedTo.fill(-Infinity);
      const from = lowerBound(t.ticks, t0 - t.maxDuration);
      for (let i = from; i < t.ticks.length && t.ticks[i] <= t1; i++) {
        const pitch = t.pitch[i];
        if (pitch < lowPitch || pitch > highPitch) continue;
        if (t.ticks[i] + t.durationTicks[i] < t0) continue;
        drawn++;
        const x = t.ticks[i] * pxPerTick - scrollLeft;
        const width = t.durationTicks[i] * pxPerTick;
        if (width < 3) {
          if (x < paintedTo[pitch]) continue;
          paintedTo[pitch] = x + 2;
        }
        const y = this.y(pitch);
        levels[faint ? 0 : Math.min(VELOCITY_LEVELS - 1, t.velocity[i] >> 4)].rect(x, y + 1, Math.max(2, width - (outline ? 1 : 0)), rowHeight - 1);
        // A thin outline keeps adjacent notes of one pitch apart.
        if (outline && !faint && width >= 4) borders.rect(Math.round(x) + 0.5, Math.round(y) + 1.5, Math.round(width) - 2, rowHeight - 2);
      }
      ctx.fillStyle = c.tracks[t.colour];
      levels.forEach((path, level) => {
        ctx.globalAlpha = faint ? 0.14 : 0.35 + (0.65 * (level + 1)) / VELOCITY_LEVELS;
        ctx.fill(path);
      });
      if (outline && !faint) {
        ctx.globalAlpha = 0.55;
        ctx.strokeStyle = c.noteBorder;
        ctx.lineWidth = 1;
        ctx.stroke(borders);
      }
    }
    ctx.globalAlpha = 1;
    this.notesCanvas.setAttribute('data-visible-notes', String(drawn));
    // Where things are, for tests that point at a note or a time.
    this.notesCanvas.setAttribute('data-px-per-quarter', String(this.pxPerQuarter));
    this.notesCanvas.setAttribute('data-row-height', String(this.rowHeight));
    this.notesCanvas.setAttribute('data-draw-ms', (performance.now() - started).toFixed(1));
  }

  /** Beat lines (when not too dense) and bar lines across `height`. */
  private drawBeatLines(ctx: CanvasRenderingContext2D, t0: number, t1: number, height: number): void {
    const tl = this.timeline!;
    const c = this.colors;
    const pxPerTick = this.pxPerTick;
    const barStride = this.barStride();
    for (let b = tl.barIndexAt(t0); b < tl.bars.length && tl.bars[b].ticks <= t1; b++) {
      const bar = tl.bars[b];
      const beatPx = bar.beatTicks * pxPerTick;
      if (beatPx >= 8) {
        ctx.fillStyle = c.beatLine;
        for (let k = 1; k < bar.beats; k++) ctx.fillRect(Math.round(this.x(bar.ticks + k * bar.beatTicks)), 0, 1, height);
      }
      if ((bar.number - 1) % barStride === 0) {
        ctx.fillStyle = c.barLine;
        ctx.fillRect(Math.round(this.x(bar.ticks)), 0, 1, height);
      }
    }
  }

  /** Every how many bars a bar line (and number) is drawn, so they stay apart. */
  private barStride(): number {
    const tl = this.timeline!;
    const bar = tl.bars[Math.min(tl.bars.length - 1, tl.barIndexAt(this.viewport.scrollLeft / this.pxPerTick))];
    const barPx = bar.beats * bar.beatTicks * this.pxPerTick;
    for (const stride of [1, 2, 4, 8, 16, 32, 64, 128, 256]) if (barPx * stride >= 36) return stride;
    return 512;
  }

  private drawOverlay(): void {
    const ctx = sizeCanvas(this.overlayCanvas, this.width, this.height);
    ctx.clearRect(0, 0, this.width, this.height);
    if (!this.data) return;
    if (this.hovered) {
      const { track: t, i } = this.hovered;
      ctx.strokeStyle = this.colors.hover;
      ctx.lineWidth = 2;
      ctx.strokeRect(Math.round(this.x(t.ticks[i])) - 0.5, Math.round(this.y(t.pitch[i])), Math.max(3, t.durationTicks[i] * this.pxPerTick) + 1, this.rowHeight + 1);
    }
    const x = Math.round(this.x(this.playheadTicks));
    if (x >= -1 && x <= this.width + 1) {
      ctx.fillStyle = this.colors.playhead;
      ctx.fillRect(x - 1, 0, 2, this.height);
    }
  }

  private drawRuler(): void {
    const c = this.colors;
    const ctx = sizeCanvas(this.rulerCanvas, this.width, RULER_HEIGHT);
    ctx.fillStyle = c.rulerBackground;
    ctx.fillRect(0, 0, this.width, RULER_HEIGHT);
    if (!this.timeline) return;
    const tl = this.timeline;
    const { t0, t1 } = this.window();
    const stride = this.barStride();
    ctx.font = `11px ${c.font}`;
    ctx.textBaseline = 'top';
    for (let b = tl.barIndexAt(t0); b < tl.bars.length && tl.bars[b].ticks <= t1; b++) {
      const bar = tl.bars[b];
      const beatPx = bar.beatTicks * this.pxPerTick;
      if (beatPx >= 8) {
        ctx.fillStyle = c.beatLine;
        for (let k = 1; k < bar.beats; k++) ctx.fillRect(Math.round(this.x(bar.ticks + k * bar.beatTicks)), RULER_HEIGHT - 5, 1, 5);
      }
      if ((bar.number - 1) % stride !== 0) continue;
      const x = Math.round(this.x(bar.ticks));
      ctx.fillStyle = c.barLine;
      ctx.fillRect(x, RULER_HEIGHT - 12, 1, 12);
      ctx.fillStyle = c.rulerText;
      ctx.fillText(String(bar.number), x + 4, 5);
    }
    ctx.fillStyle = c.barLine;
    ctx.fillRect(0, RULER_HEIGHT - 1, this.width, 1);
    // The playhead's marker.
    const x = this.x(this.playheadTicks);
    if (x >= -6 && x <= this.width + 6) {
      ctx.fillStyle = c.playhead;
      ctx.beginPath();
      ctx.moveTo(x - 6, RULER_HEIGHT - 9);
      ctx.lineTo(x + 6, RULER_HEIGHT - 9);
      ctx.lineTo(x, RULER_HEIGHT - 1);
      ctx.closePath();
      ctx.fill();
    }
  }

  /** Pitches sounding at the playhead in audible tracks, with their track's colour. */
  private sounding(): Map<number, string> {
    const out = new Map<number, string>();
    const at = this.playheadTicks;
    if (at <= 0) return out;
    for (const t of this.tracks) {
      if (this.dimmed.has(t.index)) continue;
      for (let i = lowerBound(t.ticks, at + 1e-9) - 1; i >= 0 && t.ticks[i] >= at - t.maxDuration; i--) {
        if (t.ticks[i] + t.durationTicks[i] > at) out.set(t.pitch[i], this.colors.tracks[t.colour]);
      }
    }
    return out;
  }

  private drawKeys(): void {
    const c = this.colors;
    const ctx = sizeCanvas(this.keysCanvas, KEYS_WIDTH, this.height);
    ctx.fillStyle = c.whiteKey;
    ctx.fillRect(0, 0, KEYS_WIDTH, this.height);
    const { lowPitch, highPitch } = this.window();
    const sounding = this.sounding();
    ctx.font = `${Math.min(11, Math.max(8, this.rowHeight - 1))}px ${c.font}`;
    ctx.textBaseline = 'middle';
    for (let p = lowPitch; p <= highPitch; p++) {
      const y = this.y(p);
      const lit = sounding.get(p);
      if (isBlack(p)) {
        ctx.fillStyle = lit ?? c.blackKey;
        ctx.fillRect(0, y, KEYS_WIDTH * 0.62, this.rowHeight);
      } else if (lit) {
        ctx.fillStyle = lit;
        ctx.fillRect(0, y, KEYS_WIDTH, this.rowHeight);
      }
      // A line between white keys where no black key sits (B|C and E|F), and under each C.
      if (p % 12 === 0 || p % 12 === 5) {
        ctx.fillStyle = c.keyBorder;
        ctx.fillRect(0, Math.round(y + this.rowHeight) - 1, KEYS_WIDTH, 1);
      }
      if (p % 12 === 0 && this.rowHeight >= 7) {
        ctx.fillStyle = c.keyLabel;
        ctx.fillText(pitchName(p), KEYS_WIDTH - 26, y + this.rowHeight / 2 + 0.5);
      }
    }
    ctx.fillStyle = c.keyBorder;
    ctx.fillRect(KEYS_WIDTH - 1, 0, 1, this.height);
  }
}

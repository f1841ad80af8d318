// The space-time diagram of an election: one lane per node (time runs left to right), messages
// as arrows coloured by type, crashes and partitions marked, and what each node takes as its
// leader drawn on its lane. The plot is a canvas the size of the visible area, redrawn on
// scroll, zoom and replay, so thousands of lanes and messages stay smooth; the lane labels are
// DOM elements (sticky on the left) so they can be read, selected and tested.
import type { ElectionResult } from '../../server/simulation/election/types';
import type { ElectionView } from '../../shared/webviewProtocol';
import { h, replaceChildren } from '../common/dom';
import { formatCount, formatTime, niceStep } from './format';

const LANE_H = 24;
const AXIS_H = 26;
const LABEL_W = 76;
const PAD = 14;
const MIN_PX_PER_T = 0.02;
const MAX_PX_PER_T = 400;

/** Theme colours for message types, in order (VS Code's chart colours). */
const TYPE_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red', '--vscode-charts-yellow', '--vscode-terminal-ansiCyan'];
const GROUP_COLOURS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple'];

interface Segment {
  from: number;
  to: number;
  /** Rank of the leader, the node itself when it leads, null when it knows none. */
  leader: number | null;
}

interface Lane {
  node: number;
  segments: Segment[];
  down: [number, number][];
  /** Partition group per partition, for the lane's colour strip. */
}

type Order = 'rank' | 'ring';

export class ElectionDiagram {
  readonly element: HTMLElement;
  private readonly r: ElectionResult;
  private readonly lanes: Map<number, Lane>;
  private order: Order;
  private laneOrder: number[] = [];
  private readonly end: number;
  private cursor: number;
  private pxPerT = 1;
  private readonly stepTimes: number[];
  private playing = false;
  private frame = 0;
  private lastFrameTime = 0;
  private colours: Record<string, string> = {};
  private readonly resize: ResizeObserver;

  private readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly labels: HTMLElement;
  private readonly canvas: HTMLCanvasElement;
  private readonly diagram: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly timeLabel: HTMLElement;
  private readonly playButton: HTMLButtonElement;
  private readonly legend: HTMLElement;
  private readonly nowLeaders: HTMLElement;

  constructor(view: ElectionView, rerun: HTMLElement) {
    const r = view.result;
    this.r = r;
    this.end = Math.max(r.endTime, ...(r.trace?.arrive ?? []).slice(-1), 1);
    this.cursor = this.end;
    this.lanes = buildLanes(r, this.end);
    this.order = r.algorithm === 'ring' || r.algorithm === 'chang-roberts' ? 'ring' : 'rank';
    this.stepTimes = stepTimes(r);

    this.legend = h('div', { class: 'legend', id: 'legend', 'aria-label': 'Messages by type' });
    this.nowLeaders = h('span', { class: 'now-leaders', id: 'now-leaders' });
    this.slider = h('input', { type: 'range', min: 0, max: 1000, value: 1000, class: 'scrubber', id: 'scrubber', 'aria-label': 'Replay time' });
    this.timeLabel = h('span', { class: 'time-label mono', id: 'time-label' });
    this.playButton = button('Play', 'Play the run from the cursor', () => this.togglePlay(), 'play');
    const orderSelect = h('select', { class: 'select', id: 'lane-order', 'aria-label': 'Lane order' },
      h('option', { value: 'rank', selected: this.order === 'rank' }, 'Lanes by rank'),
      h('option', { value: 'ring', selected: this.order === 'ring' }, 'Lanes in ring order'));
    orderSelect.addEventListener('change', () => {
      this.order = orderSelect.value as Order;
      this.layout();
    });
    this.slider.addEventListener('input', () => this.setCursor((Number(this.slider.value) / 1000) * this.end));

    const controls = h('div', { class: 'toolbar', id: 'controls', role: 'toolbar', 'aria-label': 'Replay' },
      button('Start', 'Back to the start (t = 0)', () => this.setCursor(0), 'to-start'),
      button('◀ Step', 'Step back to the previous event (Alt+←)', () => this.step(-1), 'step-back'),
      this.playButton,
      button('Step ▶', 'Step to the next event (Alt+→)', () => this.step(1), 'step-forward'),
      button('End', 'Show the whole run', () => this.setCursor(this.end), 'to-end'),
      this.slider,
      this.timeLabel,
      h('span', { class: 'spacer' }),
      button('−', 'Zoom out (Ctrl+wheel)', () => this.zoom(1 / 1.6), 'zoom-out'),
      button('+', 'Zoom in (Ctrl+wheel)', () => this.zoom(1.6), 'zoom-in'),
      button('Fit', 'Fit the whole run in the width', () => this.fit(), 'zoom-fit'),
      orderSelect,
    );

    this.labels = h('div', { class: 'lane-labels', id: 'lane-labels' });
    this.spacer = h('div', { class: 'diagram-spacer' }, this.labels);
    this.scroller = h('div', { class: 'diagram-scroll', id: 'diagram-scroll', tabindex: 0, 'aria-label': 'Space-time diagram: scroll to move, Ctrl+wheel to zoom' }, this.spacer);
    this.canvas = h('canvas', { class: 'diagram-canvas', id: 'diagram-canvas', 'aria-hidden': 'true' });
    const diagram = h('div', { class: 'diagram', id: 'diagram' }, this.scroller, this.canvas);
    this.diagram = diagram;
    this.scroller.addEventListener('scroll', () => this.draw());
    this.scroller.addEventListener('wheel', e => {
      if (!e.ctrlKey && !e.metaKey) return;
      e.preventDefault();
      const rect = this.scroller.getBoundingClientRect();
      this.zoom(e.deltaY < 0 ? 1.25 : 1 / 1.25, e.clientX - rect.left - LABEL_W);
    }, { passive: false });
    this.scroller.addEventListener('click', e => {
      const rect = this.scroller.getBoundingClientRect();
      const x = e.clientX - rect.left - LABEL_W;
      if (x >= 0) this.setCursor(Math.min(this.end, Math.max(0, (x + this.scroller.scrollLeft - PAD) / this.pxPerT)));
    });
    this.scroller.addEventListener('keydown', e => {
      if (e.key === 'ArrowRight' && e.altKey) { this.step(1); e.preventDefault(); }
      if (e.key === 'ArrowLeft' && e.altKey) { this.step(-1); e.preventDefault(); }
    });

    this.element = h('div', { class: 'election' },
      header(view, rerun),
      h('div', { class: 'legend-row' }, this.legend, this.nowLeaders),
      controls,
      diagram,
      details(r),
    );
    this.resize = new ResizeObserver(() => this.draw());
  }

  /** Called once the element is in the document: sizes depend on layout. */
  attached(): void {
    this.readColours();
    this.resize.observe(this.scroller);
    this.layout();
    // Start on what happened: up to the last election message or leader change (heartbeats may
    // run long after); Fit shows the whole run.
    this.fit(Math.min(this.end, activeSpan(this.r) * 1.08 || this.end));
  }

  dispose(): void {
    this.resize.disconnect();
    cancelAnimationFrame(this.frame);
  }

  /** Theme colours, resolved from the CSS variables VS Code sets on the page. */
  private readColours(): void {
    const style = getComputedStyle(document.body);
    const get = (v: string, fallback: string) => style.getPropertyValue(v).trim() || fallback;
    const fg = get('--vscode-foreground', '#888');
    this.colours = {
      fg,
      muted: get('--vscode-descriptionForeground', fg),
      bg: get('--vscode-editor-background', 'transparent'),
      grid: get('--vscode-editorIndentGuide-background1', get('--vscode-widget-border', '#8884')),
      lead: get('--vscode-charts-yellow', '#d7ba7d'),
      down: get('--vscode-disabledForeground', '#888'),
      error: get('--vscode-errorForeground', '#f44'),
      cursor: get('--vscode-focusBorder', '#07f'),
      axisBg: get('--vscode-editorWidget-background', get('--vscode-editor-background', '#222')),
    };
    TYPE_COLOURS.forEach((v, k) => { this.colours[`type${k}`] = get(v, ['#4c9be8', '#e8a14c', '#5fb35f', '#a77fd9', '#e05d5d', '#d7c94c', '#4cc6c6'][k]); });
    GROUP_COLOURS.forEach((v, k) => { this.colours[`group${k}`] = get(v, '#888'); });
  }

  /** Lane order and the DOM labels. */
  private layout(): void {
    const r = this.r;
    this.laneOrder = this.order === 'ring' ? [...r.ring] : [...r.ring].sort((a, b) => b - a);
    const groupOf = partitionGroups(r);
    replaceChildren(this.labels, h('div', { class: 'lane-corner', 'aria-hidden': 'true' }, 'node'),
      ...this.laneOrder.map(node => {
        const finalLeader = this.lanes.get(node)!.segments.at(-1)?.leader;
        const isLeader = finalLeader === node;
        const crashed = r.crashes.filter(c => c.node === node);
        const groups = groupOf.get(node);
        return h('div', {
          class: `lane-label${isLeader ? ' is-leader' : ''}${crashed.length ? ' has-crash' : ''}`,
          'data-node': node,
          title: `Node ${node}${isLeader ? ' — the leader at the end' : finalLeader != null ? ` — follows ${finalLeader} at the end` : ' — no leader at the end'}` +
            `${crashed.map(c => `\ncrashes at t=${c.at}${c.recoverAt !== undefined ? `, back at t=${c.recoverAt}` : ''}`).join('')}`,
        },
        h('span', { class: 'lane-name' }, `n${node}`),
        isLeader && h('span', { class: 'crown', 'aria-label': 'leader' }, '★'),
        crashed.length > 0 && h('span', { class: 'crash-mark', 'aria-label': 'crashes' }, '✕'),
        groups && h('span', { class: 'group-chip', 'data-group': groups }, groups));
      }));
    this.sizeSpacer();
    this.draw();
  }

  private sizeSpacer(): void {
    this.spacer.style.width = `${LABEL_W + 2 * PAD + this.end * this.pxPerT}px`;
    const height = AXIS_H + this.laneOrder.length * LANE_H + 8;
    this.spacer.style.height = `${height}px`;
    // As tall as the lanes need (plus a scrollbar), up to most of the view.
    this.diagram.style.height = `min(68vh, ${height + 14}px)`;
  }

  /** Fits `span` time units (default the whole run) in the width. */
  private fit(span = this.end): void {
    const width = Math.max(200, this.scroller.clientWidth - LABEL_W - 2 * PAD);
    this.pxPerT = clamp(width / span, MIN_PX_PER_T, MAX_PX_PER_T);
    this.sizeSpacer();
    this.scroller.scrollLeft = 0;
    this.draw();
  }

  /** Zooms by `factor`, keeping the time under `anchorX` (plot pixels; default the middle) in place. */
  private zoom(factor: number, anchorX?: number): void {
    const plotW = this.scroller.clientWidth - LABEL_W;
    // Without a mouse position: keep the replay cursor where it is, else the middle.
    const cursorX = PAD + this.cursor * this.pxPerT - this.scroller.scrollLeft;
    const ax = anchorX ?? (this.cursor < this.end && cursorX >= 0 && cursorX <= plotW ? cursorX : plotW / 2);
    const t = (this.scroller.scrollLeft + ax - PAD) / this.pxPerT;
    this.pxPerT = clamp(this.pxPerT * factor, MIN_PX_PER_T, MAX_PX_PER_T);
    this.sizeSpacer();
    this.scroller.scrollLeft = Math.max(0, t * this.pxPerT + PAD - ax);
    this.draw();
  }

  private setCursor(t: number): void {
    this.cursor = clamp(t, 0, this.end);
    this.slider.value = String(Math.round((this.cursor / this.end) * 1000));
    // Keep the cursor in sight while replaying.
    const x = PAD + this.cursor * this.pxPerT;
    const plotW = this.scroller.clientWidth - LABEL_W;
    if (x < this.scroller.scrollLeft || x > this.scroller.scrollLeft + plotW) this.scroller.scrollLeft = Math.max(0, x - plotW / 2);
    this.draw();
  }

  private step(direction: 1 | -1): void {
    this.stopPlaying();
    const times = this.stepTimes;
    if (direction > 0) this.setCursor(times.find(t => t > this.cursor + 1e-9) ?? this.end);
    else this.setCursor([...times].reverse().find(t => t < this.cursor - 1e-9) ?? 0);
  }

  private togglePlay(): void {
    if (this.playing) return this.stopPlaying();
    if (this.cursor >= this.end) this.cursor = 0;
    this.playing = true;
    this.playButton.textContent = 'Pause';
    this.playButton.title = 'Pause';
    this.lastFrameTime = performance.now();
    const tick = (now: number) => {
      if (!this.playing) return;
      // The whole run plays in about ten seconds.
      const dt = ((now - this.lastFrameTime) / 10_000) * this.end;
      this.lastFrameTime = now;
      this.setCursor(this.cursor + dt);
      if (this.cursor >= this.end) this.stopPlaying();
      else this.frame = requestAnimationFrame(tick);
    };
    this.frame = requestAnimationFrame(tick);
  }

  private stopPlaying(): void {
    this.playing = false;
    cancelAnimationFrame(this.frame);
    this.playButton.textContent = 'Play';
    this.playButton.title = 'Play the run from the cursor';
  }

  // ---- drawing ---------------------------------------------------------------------------------

  private draw(): void {
    const canvas = this.canvas;
    const w = Math.max(0, this.scroller.clientWidth - LABEL_W);
    const hgt = Math.max(0, this.scroller.clientHeight);
    const dpr = window.devicePixelRatio || 1;
    if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(hgt * dpr)) {
      canvas.width = Math.round(w * dpr);
      canvas.height = Math.round(hgt * dpr);
      canvas.style.width = `${w}px`;
      canvas.style.height = `${hgt}px`;
    }
    const g = canvas.getContext('2d');
    if (!g) return;
    g.setTransform(dpr, 0, 0, dpr, 0, 0);
    g.clearRect(0, 0, w, hgt);
    const c = this.colours;
    const sx = this.scroller.scrollLeft;
    const sy = this.scroller.scrollTop;
    const X = (t: number) => PAD + t * this.pxPerT - sx;
    const laneIndex = new Map(this.laneOrder.map((n, k) => [n, k]));
    const Y = (node: number) => AXIS_H + laneIndex.get(node)! * LANE_H + LANE_H / 2 - sy;
    const t0 = (sx - PAD) / this.pxPerT;
    const t1 = (sx + w - PAD) / this.pxPerT;
    const first = Math.max(0, Math.floor((sy) / LANE_H) - 1);
    const last = Math.min(this.laneOrder.length - 1, Math.ceil((sy + hgt - AXIS_H) / LANE_H) + 1);

    // Partitions: a band over the plot, and each lane's side as a strip.
    for (const [k, p] of this.r.partitions.entries()) {
      const xa = X(p.from);
      const xb = X(p.to ?? this.end);
      if (xb < 0 || xa > w) continue;
      g.globalAlpha = 0.06;
      g.fillStyle = c.error;
      g.fillRect(xa, AXIS_H, xb - xa, hgt - AXIS_H);
      g.globalAlpha = 0.16;
      for (let lane = first; lane <= last; lane++) {
        const node = this.laneOrder[lane];
        const side = p.groups.findIndex(grp => grp.includes(node));
        g.fillStyle = c[`group${side % GROUP_COLOURS.length}`];
        g.fillRect(xa, Y(node) - LANE_H / 2 + 2, xb - xa, LANE_H - 4);
      }
      g.globalAlpha = 1;
      g.strokeStyle = c.error;
      g.setLineDash([4, 3]);
      g.lineWidth = 1;
      for (const x of [xa, p.to !== undefined ? xb : NaN]) {
        if (!Number.isFinite(x)) continue;
        g.beginPath();
        g.moveTo(x, AXIS_H);
        g.lineTo(x, hgt);
        g.stroke();
      }
      g.setLineDash([]);
      g.fillStyle = c.error;
      g.font = `11px ${fontFamily()}`;
      g.fillText(`partition ${k + 1}: ${p.groups.map(grp => grp.length > 4 ? `${grp.length} nodes` : grp.join(',')).join(' | ')}`, Math.max(xa + 4, 4), AXIS_H + 12);
      if (p.to !== undefined) g.fillText('healed', xb + 4, AXIS_H + 12);
    }

    // Lanes: what each node takes as leader, and when it is down.
    for (let lane = first; lane <= last; lane++) {
      const node = this.laneOrder[lane];
      const y = Y(node);
      const info = this.lanes.get(node)!;
      for (const s of info.segments) {
        if (s.to < t0 || s.from > t1) continue;
        const xa = Math.max(X(s.from), -2);
        const xb = Math.min(X(s.to), w + 2);
        if (xb <= xa) continue;
        // What happens after the replay cursor is drawn faintly.
        const future = s.from > this.cursor;
        g.beginPath();
        g.moveTo(xa, y);
        g.lineTo(xb, y);
        if (s.leader === node) {
          g.strokeStyle = c.lead;
          g.lineWidth = 5;
          g.setLineDash([]);
        } else if (s.leader === null) {
          g.strokeStyle = c.muted;
          g.lineWidth = 1;
          g.setLineDash([2, 3]);
        } else {
          g.strokeStyle = c.fg;
          g.lineWidth = 1.5;
          g.setLineDash([]);
          g.globalAlpha = 0.4;
        }
        if (future) g.globalAlpha *= 0.3;
        g.stroke();
        g.globalAlpha = 1;
        g.setLineDash([]);
        // The leader this node follows from here on, where there is room to write it.
        if (s.leader !== null && s.leader !== node && xb - xa > 26 && s.from <= this.cursor) {
          g.fillStyle = c.muted;
          g.font = `10px ${fontFamily()}`;
          g.fillText(`→${s.leader}`, xa + 3, y - 4);
        }
      }
      for (const [a, b] of info.down) {
        if (a > this.cursor || b < t0 || a > t1) continue;
        const xa = X(a);
        const xb = X(Math.min(b, this.cursor));
        g.globalAlpha = 0.25;
        g.fillStyle = c.down;
        g.fillRect(xa, y - 5, Math.max(2, xb - xa), 10);
        g.globalAlpha = 1;
        g.strokeStyle = c.error;
        g.lineWidth = 2;
        g.beginPath();
        g.moveTo(xa - 4, y - 4);
        g.lineTo(xa + 4, y + 4);
        g.moveTo(xa + 4, y - 4);
        g.lineTo(xa - 4, y + 4);
        g.stroke();
      }
    }

    // Messages sent by the cursor's time; those still travelling end at the cursor.
    const trace = this.r.trace;
    if (trace) {
      const lo = this.laneOrder.length ? first : 0;
      for (let m = 0; m < trace.from.length; m++) {
        const sent = trace.sent[m];
        if (sent > t1) continue;
        const future = sent > this.cursor;
        const arrive = trace.arrive[m];
        if (arrive < t0) continue;
        const la = laneIndex.get(trace.from[m])!;
        const lb = laneIndex.get(trace.to[m])!;
        if (Math.max(la, lb) < lo || Math.min(la, lb) > last) continue;
        const done = future || arrive <= this.cursor;
        const tEnd = done ? arrive : this.cursor;
        g.globalAlpha = future ? 0.15 : 1;
        const xa = X(sent);
        const ya = Y(trace.from[m]);
        const yb0 = Y(trace.to[m]);
        const frac = arrive > sent ? (tEnd - sent) / (arrive - sent) : 1;
        const xb = X(tEnd);
        const yb = ya + (yb0 - ya) * frac;
        const colour = c[`type${trace.type[m] % TYPE_COLOURS.length}`];
        const lost = trace.fate[m] !== 0;
        g.strokeStyle = colour;
        g.fillStyle = colour;
        g.lineWidth = 1.3;
        if (lost) g.setLineDash([3, 3]);
        g.beginPath();
        g.moveTo(xa, ya);
        g.lineTo(xb, yb);
        g.stroke();
        g.setLineDash([]);
        if (!done) continue;
        if (lost) {
          g.strokeStyle = c.error;
          g.lineWidth = 1.5;
          g.beginPath();
          g.moveTo(xb - 3, yb - 3);
          g.lineTo(xb + 3, yb + 3);
          g.moveTo(xb + 3, yb - 3);
          g.lineTo(xb - 3, yb + 3);
          g.stroke();
        } else arrowHead(g, xa, ya, xb, yb);
      }
      g.globalAlpha = 1;
    }

    // The cursor.
    const xc = X(this.cursor);
    if (this.cursor < this.end && xc >= 0 && xc <= w) {
      g.strokeStyle = c.cursor;
      g.lineWidth = 1.5;
      g.beginPath();
      g.moveTo(xc, AXIS_H);
      g.lineTo(xc, hgt);
      g.stroke();
    }

    // The time axis, on top of everything and always in sight.
    g.fillStyle = c.axisBg;
    g.fillRect(0, 0, w, AXIS_H);
    g.strokeStyle = c.grid;
    g.lineWidth = 1;
    g.beginPath();
    g.moveTo(0, AXIS_H - 0.5);
    g.lineTo(w, AXIS_H - 0.5);
    g.stroke();
    const step = niceStep(70 / this.pxPerT);
    g.fillStyle = c.muted;
    g.font = `11px ${fontFamily()}`;
    for (let t = Math.max(0, Math.floor(t0 / step) * step); t <= Math.min(t1, this.end) + step; t += step) {
      const x = X(t);
      if (x < -30 || x > w + 30) continue;
      g.beginPath();
      g.moveTo(x + 0.5, AXIS_H - 6);
      g.lineTo(x + 0.5, AXIS_H);
      g.stroke();
      g.fillText(`t=${formatTime(+t.toFixed(6))}`, x + 3, AXIS_H - 9);
    }
    this.updateReadout();
  }

  /** Counts and leaders at the cursor. */
  private updateReadout(): void {
    const r = this.r;
    this.timeLabel.textContent = `t = ${formatTime(+this.cursor.toFixed(2))} / ${formatTime(+this.end.toFixed(2))}`;
    const counts = r.types.map(() => 0);
    const trace = r.trace;
    if (trace) for (let m = 0; m < trace.from.length; m++) if (trace.sent[m] <= this.cursor) counts[trace.type[m]]++;
    const atEnd = this.cursor >= this.end;
    replaceChildren(this.legend, ...r.types.map((type, k) => {
      const total = r.messagesByType[type];
      const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
      swatch.style.background = this.colours[`type${k % TYPE_COLOURS.length}`];
      return h('span', { class: `legend-item${total === 0 ? ' zero' : ''}`, 'data-type': type, 'data-count': total, title: `${type}: ${formatCount(total)} sent in the run` },
        swatch, h('span', { class: 'legend-name' }, type), ' ',
        h('strong', {}, atEnd || !trace ? formatCount(total) : `${formatCount(counts[k])} / ${formatCount(total)}`));
    }), trace?.truncated ? h('span', { class: 'muted', title: 'The diagram shows the first messages only' }, `(first ${formatCount(trace.from.length)} drawn)`) : null);
    const leaders = [...this.lanes.values()].filter(l => leaderAt(l, this.cursor) === l.node).map(l => l.node).sort((a, b) => b - a);
    this.nowLeaders.textContent = leaders.length === 0 ? 'No leader at this time' : `${leaders.length > 1 ? 'Leaders' : 'Leader'} at this time: ${leaders.join(', ')}`;
    this.nowLeaders.classList.toggle('many', leaders.length > 1);
  }
}

function header(view: ElectionView, rerun: HTMLElement): HTMLElement {
  const r = view.result;
  const safety = r.splitBrain
    ? h('span', { class: 'badge danger', id: 'split-brain', title: 'Two or more nodes led at once while the network was partitioned' }, 'Split brain')
    : r.safetyViolations.length
      ? h('span', { class: 'badge warning', id: 'safety', title: 'Two or more nodes led at once (no partition)' }, `${r.maxSimultaneousLeaders} leaders at once`)
      : h('span', { class: 'badge ok', id: 'safety', title: 'Never more than one leader at a time' }, 'At most one leader');
  return h('header', { class: 'sim-header' },
    h('div', { class: 'title-row' }, h('h1', {}, view.title), rerun),
    h('div', { class: 'summary', id: 'summary' },
      stat('Leader', r.leader === null ? 'none' : `n${r.leader}`, 'leader', { 'data-leader': r.leader ?? '' }),
      stat('Election time', r.electionTime === null ? '—' : formatTime(+r.electionTime.toFixed(2)), 'election-time'),
      stat('Messages', formatCount(r.messages), 'messages', { 'data-count': r.messages }),
      stat('Elections', `${r.elections.length}${r.restarts ? ` (+${r.restarts} restarts)` : ''}`, 'elections'),
      r.heartbeats > 0 && stat('Heartbeats', formatCount(r.heartbeats), 'heartbeats'),
      r.lost > 0 && stat('Lost', formatCount(r.lost), 'lost'),
      safety,
      !r.converged && h('span', { class: 'badge warning', id: 'not-converged', title: r.reason }, `Did not converge: ${r.reason}`)),
  );
}

function stat(label: string, value: string, id: string, attrs: Record<string, string | number> = {}): HTMLElement {
  return h('span', { class: 'stat', id, ...attrs }, h('span', { class: 'stat-label' }, label), h('span', { class: 'stat-value' }, value));
}

function button(text: string, title: string, onClick: () => void, id: string): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'button text icon-button', title, 'aria-label': title, id }, text);
  b.addEventListener('click', onClick);
  return b;
}

function details(r: ElectionResult): HTMLElement {
  const rows = r.elections.map((e, k) => h('tr', {},
    h('td', {}, String(k + 1)),
    h('td', { class: 'num' }, formatTime(+e.start.toFixed(2))),
    h('td', { class: 'num' }, e.electionStart === null ? '—' : formatTime(+e.electionStart.toFixed(2))),
    h('td', { class: 'num' }, e.end === null ? 'never' : formatTime(+e.end.toFixed(2))),
    h('td', {}, e.leader === null ? '—' : `n${e.leader}`),
    h('td', { class: 'num' }, formatCount(e.messages))));
  const violations = r.safetyViolations.map(v => h('li', {},
    `${v.leaders.map(l => `n${l}`).join(', ')} led at once from t=${formatTime(+v.from.toFixed(2))} to ${v.to === null ? 'the end' : `t=${formatTime(+v.to.toFixed(2))}`}`,
    v.partitioned ? h('span', { class: 'badge danger small' }, 'partitioned') : null));
  return h('section', { class: 'details' },
    h('h2', {}, 'Elections'),
    rows.length
      ? h('table', { class: 'data-table', id: 'elections-table' },
        h('thead', {}, h('tr', {}, h('th', {}, '#'), h('th', { class: 'num' }, 'Agreement lost'), h('th', { class: 'num' }, 'Election started'), h('th', { class: 'num' }, 'Agreed again'), h('th', {}, 'Leader'), h('th', { class: 'num' }, 'Messages'))),
        h('tbody', {}, ...rows))
      : h('p', { class: 'muted' }, 'No election took place.'),
    violations.length ? h('h2', {}, 'Safety') : null,
    violations.length ? h('ul', { class: 'violations' }, ...violations) : null,
    h('p', { class: 'muted note' },
      'Lanes: a thick line while a node leads, a thin one while it follows a leader (→ its rank), dotted while it knows none, ✕ where it crashes. ',
      'Dashed arrows ending in ✕ were lost or not delivered. Click the diagram to move the cursor; Alt+←/→ step between events.'));
}

function buildLanes(r: ElectionResult, end: number): Map<number, Lane> {
  const lanes = new Map<number, Lane>(r.ring.map(node => [node, { node, segments: [], down: [] }]));
  for (const c of r.leaders) {
    const lane = lanes.get(c.node)!;
    const last = lane.segments.at(-1);
    if (last && last.from === c.time) last.leader = c.leader;
    else {
      if (last) last.to = c.time;
      lane.segments.push({ from: c.time, to: end, leader: c.leader });
    }
  }
  for (const c of r.crashes) lanes.get(c.node)!.down.push([c.at, c.recoverAt ?? end]);
  return lanes;
}

/** When the last election message arrived or the last leader changed. */
function activeSpan(r: ElectionResult): number {
  let t = 0;
  for (const c of r.leaders) t = Math.max(t, c.time);
  for (const e of r.elections) t = Math.max(t, e.end ?? 0);
  if (r.trace) for (const a of r.trace.arrive) t = Math.max(t, a);
  for (const c of r.crashes) t = Math.max(t, c.recoverAt ?? c.at);
  for (const p of r.partitions) t = Math.max(t, p.to ?? p.from);
  return t;
}

function leaderAt(lane: Lane, t: number): number | null {
  if (lane.down.some(([a, b]) => t >= a && t < b)) return null;
  let leader: number | null = null;
  for (const s of lane.segments) if (s.from <= t) leader = s.leader;
  return leader;
}

/** Times the step buttons stop at: messages sent and received, leaders changed, faults. */
function stepTimes(r: ElectionResult): number[] {
  const set = new Set<number>([0]);
  if (r.trace) for (let m = 0; m < r.trace.from.length; m++) { set.add(r.trace.sent[m]); set.add(r.trace.arrive[m]); }
  for (const c of r.leaders) set.add(c.time);
  for (const c of r.crashes) { set.add(c.at); if (c.recoverAt !== undefined) set.add(c.recoverAt); }
  for (const p of r.partitions) { set.add(p.from); if (p.to !== undefined) set.add(p.to); }
  return [...set].sort((a, b) => a - b);
}

/** "A" / "B" side letters of each node in the first partition, for the labels. */
function partitionGroups(r: ElectionResult): Map<number, string> {
  const out = new Map<number, string>();
  const p = r.partitions[0];
  if (!p) return out;
  p.groups.forEach((grp, k) => { for (const node of grp) out.set(node, String.fromCharCode(65 + k)); });
  return out;
}

function arrowHead(g: CanvasRenderingContext2D, xa: number, ya: number, xb: number, yb: number): void {
  const angle = Math.atan2(yb - ya, xb - xa);
  const size = 6;
  g.beginPath();
  g.moveTo(xb, yb);
  g.lineTo(xb - size * Math.cos(angle - 0.4), yb - size * Math.sin(angle - 0.4));
  g.lineTo(xb - size * Math.cos(angle + 0.4), yb - size * Math.sin(angle + 0.4));
  g.closePath();
  g.fill();
}

function clamp(v: number, lo: number, hi: number): number {
  return Math.min(hi, Math.max(lo, v));
}

function fontFamily(): string {
  return getComputedStyle(document.body).getPropertyValue('--vscode-font-family').trim() || 'sans-serif';
}

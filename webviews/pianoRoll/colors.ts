// Canvas colours from the theme: pianoRoll.css defines them as custom properties built from
// VS Code's theme variables; the browser resolves each to rgb() through a hidden probe element,
// and they are read again when the theme changes.

export interface RollColors {
  background: string;
  blackKeyRow: string;
  octaveLine: string;
  beatLine: string;
  barLine: string;
  whiteKey: string;
  blackKey: string;
  keyBorder: string;
  keyLabel: string;
  rulerBackground: string;
  rulerText: string;
  playhead: string;
  noteBorder: string;
  hover: string;
  endShade: string;
  font: string;
  tracks: string[];
}

const TRACK_COLOURS = 10;

export function readColors(host: HTMLElement): RollColors {
  const probe = document.createElement('span');
  probe.hidden = true;
  host.appendChild(probe);
  const resolve = (property: string) => {
    probe.style.color = `var(${property})`;
    return getComputedStyle(probe).color;
  };
  const style = getComputedStyle(document.body);
  const colors: RollColors = {
    background: resolve('--roll-background'),
    blackKeyRow: resolve('--roll-black-key-row'),
    octaveLine: resolve('--roll-octave-line'),
    beatLine: resolve('--roll-beat-line'),
    barLine: resolve('--roll-bar-line'),
    whiteKey: resolve('--roll-white-key'),
    blackKey: resolve('--roll-black-key'),
    keyBorder: resolve('--roll-key-border'),
    keyLabel: resolve('--roll-key-label'),
    rulerBackground: resolve('--roll-ruler-background'),
    rulerText: resolve('--roll-ruler-text'),
    playhead: resolve('--roll-playhead'),
    noteBorder: resolve('--roll-note-border'),
    hover: resolve('--roll-hover'),
    endShade: resolve('--roll-end-shade'),
    font: style.getPropertyValue('--vscode-font-family') || 'sans-serif',
    tracks: Array.from({ length: TRACK_COLOURS }, (_, i) => resolve(`--track-${i}`)),
  };
  probe.remove();
  return colors;
}

/** Calls `changed` when VS Code switches theme (it swaps the body's classes and the root's variables). */
export function onThemeChange(changed: () => void): void {
  const observer = new MutationObserver(() => changed());
  observer.observe(document.body, { attributes: true, attributeFilter: ['class'] });
  observer.observe(document.documentElement, { attributes: true, attributeFilter: ['style'] });
}

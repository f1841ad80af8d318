// Export of the whole graph (not only what is on screen) as a standalone SVG, or a PNG drawn from
// it. The page's colours come from VS Code's CSS variables, which do not exist outside the
// webview, so the computed styles are written into the exported elements.
import { s } from '../common/dom';

const STYLE_PROPERTIES = [
  'fill', 'fill-opacity', 'stroke', 'stroke-width', 'stroke-dasharray', 'stroke-opacity', 'opacity', 'display',
  'font-family', 'font-size', 'font-weight', 'font-style', 'paint-order', 'stroke-linejoin',
] as const;

/**
 * A standalone SVG document of `content` (width × height), in the colours of the current theme.
 * `host` is where the drawing is attached while its styles are computed (it carries the classes
 * the styles depend on).
 */
export function standaloneSvg(host: HTMLElement, content: SVGElement[], width: number, height: number, defs: SVGDefsElement): string {
  const background = getComputedStyle(document.body).getPropertyValue('--vscode-editor-background').trim() || '#ffffff';
  const svg = s('svg', {
    class: 'graph export', xmlns: 'http://www.w3.org/2000/svg', width, height, viewBox: `0 0 ${width} ${height}`,
  }, defs.cloneNode(true) as SVGDefsElement, s('rect', { width, height, fill: background }), ...content);
  svg.style.position = 'absolute';
  svg.style.left = '-100000px';
  svg.style.top = '0';
  host.append(svg);
  try {
    // Elements with the same tag and classes (themselves and their ancestors) share a style:
    // computing it once per kind keeps a 3,000-node export fast.
    const cache = new Map<string, [string, string][]>();
    for (const el of Array.from(svg.querySelectorAll<SVGElement>('*'))) {
      if (el.tagName === 'title' || el.closest('defs') && el.tagName !== 'path') continue;
      const key = `${el.tagName}|${el.getAttribute('class') ?? ''}|${ancestorClasses(el, svg)}`;
      let styles = cache.get(key);
      if (!styles) {
        const computed = getComputedStyle(el);
        styles = STYLE_PROPERTIES.map(p => [p, computed.getPropertyValue(p)] as [string, string]).filter(([, v]) => v !== '');
        cache.set(key, styles);
      }
      for (const [p, v] of styles) el.style.setProperty(p, v);
    }
    svg.removeAttribute('style');
    svg.removeAttribute('class');
    return `<?xml version="1.0" encoding="UTF-8"?>\n${new XMLSerializer().serializeToString(svg)}\n`;
  } finally {
    svg.remove();
  }
}

function ancestorClasses(el: Element, root: Element): string {
  const parts: string[] = [];
  for (let p = el.parentElement; p && p !== root; p = p.parentElement) parts.push(p.getAttribute('class') ?? '');
  return parts.join('>');
}

/** Browsers refuse canvases much above 16,384 px a side or ~268 M pixels; stay well inside. */
const MAX_SIDE = 16_384;
const MAX_PIXELS = 100_000_000;

/** Draws the SVG on a canvas: 2× for sharpness when it fits, smaller for very large graphs. Base64 PNG. */
export async function svgToPngBase64(svgText: string, width: number, height: number): Promise<{ base64: string; scale: number }> {
  const scale = Math.min(2, MAX_SIDE / width, MAX_SIDE / height, Math.sqrt(MAX_PIXELS / (width * height)));
  const img = new Image();
  img.src = `data:image/svg+xml;base64,${utf8ToBase64(svgText)}`;
  await img.decode();
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas available');
  ctx.drawImage(img, 0, 0, canvas.width, canvas.height);
  return { base64: canvas.toDataURL('image/png').slice('data:image/png;base64,'.length), scale };
}

function utf8ToBase64(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

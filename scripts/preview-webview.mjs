#!/usr/bin/env node
// Standalone preview of the Merkle diff webview, outside VS Code: writes an HTML page that loads
// dist/webviews/merkleDiff.js and the two stylesheets under the same kind of CSP as the real
// panel, with a fake acquireVsCodeApi() and VS Code theme variables, then screenshots it with
// playwright-core in Chromium.
//
//   node scripts/build.mjs && node scripts/preview-webview.mjs [options]
//
//   --theme=dark|light|hc|both   default both (dark and light); hc is High Contrast Dark
//   --scenario=sample|identical|busy|error|large   default sample (large: ~20,500 rows, timed)
//   --hover=<path>               hover the row with this data-path before the screenshot
//   --select=<path>              click the row with this data-path (focus + selection)
//   --filter=<text>              type into the filter box
//   --click=<css selector>       click something first (e.g. "#problems summary")
//   --viewport=<w>x<h>           default 1200x800
//   --full-page                  screenshot the whole page, not just the 1200x800 viewport
//   --html-only                  write the pages and print their paths, no browser
//
// Screenshots: /tmp/merkle-preview-<theme>.png (sample) or /tmp/merkle-preview-<scenario>-<theme>.png.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map(a => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const scenario = args.scenario ?? 'sample';
const themes = !args.theme || args.theme === 'both' ? ['dark', 'light'] : [args.theme];

// ---- theme variables (Default Dark Modern / Default Light Modern, as VS Code sets them) ----------

const fonts = {
  '--vscode-font-family': '-apple-system, BlinkMacSystemFont, "Segoe WPC", "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-font-weight': 'normal',
  '--vscode-editor-font-family': '"Droid Sans Mono", "monospace", monospace',
  '--vscode-editor-font-size': '14px',
};

/** Exported for the other previews (scripts/preview-drift.mjs). */
export const THEMES = {
  dark: {
    bodyClass: 'vscode-dark',
    vars: {
      ...fonts,
      '--vscode-foreground': '#cccccc',
      '--vscode-descriptionForeground': '#9d9d9d',
      '--vscode-disabledForeground': 'rgba(204, 204, 204, 0.5)',
      '--vscode-errorForeground': '#f85149',
      '--vscode-icon-foreground': '#cccccc',
      '--vscode-focusBorder': '#0078d4',
      '--vscode-editor-background': '#1f1f1f',
      '--vscode-editor-foreground': '#cccccc',
      '--vscode-editorWidget-background': '#202020',
      '--vscode-widget-border': '#313131',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.36)',
      '--vscode-panel-border': '#2b2b2b',
      '--vscode-editorWarning-foreground': '#cca700',
      '--vscode-gitDecoration-addedResourceForeground': '#81b88b',
      '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
      '--vscode-gitDecoration-modifiedResourceForeground': '#e2c08d',
      '--vscode-list-hoverBackground': '#2a2d2e',
      '--vscode-list-activeSelectionBackground': '#04395e',
      '--vscode-list-activeSelectionForeground': '#ffffff',
      '--vscode-list-inactiveSelectionBackground': '#37373d',
      '--vscode-list-focusOutline': '#0078d4',
      '--vscode-tree-indentGuidesStroke': '#585858',
      '--vscode-tree-inactiveIndentGuidesStroke': 'rgba(88, 88, 88, 0.4)',
      '--vscode-input-background': '#313131',
      '--vscode-input-foreground': '#cccccc',
      '--vscode-input-border': '#3c3c3c',
      '--vscode-input-placeholderForeground': '#989898',
      '--vscode-inputValidation-errorBackground': '#5a1d1d',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-checkbox-background': '#313131',
      '--vscode-checkbox-border': '#3c3c3c',
      '--vscode-checkbox-foreground': '#cccccc',
      '--vscode-button-background': '#0078d4',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#026ec1',
      '--vscode-button-border': 'rgba(255, 255, 255, 0.07)',
      '--vscode-button-secondaryBackground': '#313131',
      '--vscode-button-secondaryForeground': '#cccccc',
      '--vscode-button-secondaryHoverBackground': '#3c3c3c',
      '--vscode-toolbar-hoverBackground': 'rgba(90, 93, 94, 0.31)',
      '--vscode-badge-background': '#616161',
      '--vscode-badge-foreground': '#f8f8f8',
      '--vscode-progressBar-background': '#0078d4',
      '--vscode-textLink-foreground': '#4daafc',
      '--vscode-textLink-activeForeground': '#4daafc',
      '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
      '--vscode-scrollbarSlider-background': 'rgba(121, 121, 121, 0.4)',
      '--vscode-scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
      '--vscode-scrollbarSlider-activeBackground': 'rgba(191, 191, 191, 0.4)',
    },
  },
  light: {
    bodyClass: 'vscode-light',
    vars: {
      ...fonts,
      '--vscode-foreground': '#3b3b3b',
      '--vscode-descriptionForeground': '#3b3b3b',
      '--vscode-disabledForeground': 'rgba(97, 97, 97, 0.5)',
      '--vscode-errorForeground': '#f85149',
      '--vscode-icon-foreground': '#3b3b3b',
      '--vscode-focusBorder': '#005fb8',
      '--vscode-editor-background': '#ffffff',
      '--vscode-editor-foreground': '#3b3b3b',
      '--vscode-editorWidget-background': '#f8f8f8',
      '--vscode-widget-border': '#e5e5e5',
      '--vscode-widget-shadow': 'rgba(0, 0, 0, 0.16)',
      '--vscode-panel-border': '#e5e5e5',
      '--vscode-editorWarning-foreground': '#bf8803',
      '--vscode-gitDecoration-addedResourceForeground': '#587c0c',
      '--vscode-gitDecoration-deletedResourceForeground': '#ad0707',
      '--vscode-gitDecoration-modifiedResourceForeground': '#895503',
      '--vscode-list-hoverBackground': '#f2f2f2',
      '--vscode-list-activeSelectionBackground': '#e8e8e8',
      '--vscode-list-activeSelectionForeground': '#000000',
      '--vscode-list-inactiveSelectionBackground': '#e4e6f1',
      '--vscode-list-focusOutline': '#005fb8',
      '--vscode-tree-indentGuidesStroke': '#a9a9a9',
      '--vscode-tree-inactiveIndentGuidesStroke': 'rgba(169, 169, 169, 0.4)',
      '--vscode-input-background': '#ffffff',
      '--vscode-input-foreground': '#3b3b3b',
      '--vscode-input-border': '#cecece',
      '--vscode-input-placeholderForeground': '#767676',
      '--vscode-inputValidation-errorBackground': '#f2dede',
      '--vscode-inputValidation-errorBorder': '#be1100',
      '--vscode-checkbox-background': '#f8f8f8',
      '--vscode-checkbox-border': '#cecece',
      '--vscode-checkbox-foreground': '#3b3b3b',
      '--vscode-button-background': '#005fb8',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-hoverBackground': '#0258a8',
      '--vscode-button-border': 'rgba(0, 0, 0, 0.1)',
      '--vscode-button-secondaryBackground': '#e5e5e5',
      '--vscode-button-secondaryForeground': '#3b3b3b',
      '--vscode-button-secondaryHoverBackground': '#cccccc',
      '--vscode-toolbar-hoverBackground': 'rgba(184, 184, 184, 0.31)',
      '--vscode-badge-background': '#cccccc',
      '--vscode-badge-foreground': '#3b3b3b',
      '--vscode-progressBar-background': '#005fb8',
      '--vscode-textLink-foreground': '#005fb8',
      '--vscode-textLink-activeForeground': '#005fb8',
      '--vscode-editor-findMatchHighlightBackground': 'rgba(234, 92, 0, 0.33)',
      '--vscode-scrollbarSlider-background': 'rgba(100, 100, 100, 0.4)',
      '--vscode-scrollbarSlider-hoverBackground': 'rgba(100, 100, 100, 0.7)',
      '--vscode-scrollbarSlider-activeBackground': 'rgba(0, 0, 0, 0.6)',
    },
  },
  hc: {
    bodyClass: 'vscode-high-contrast',
    vars: {
      ...fonts,
      '--vscode-foreground': '#ffffff',
      '--vscode-descriptionForeground': 'rgba(255, 255, 255, 0.7)',
      '--vscode-disabledForeground': '#a5a5a5',
      '--vscode-errorForeground': '#f48771',
      '--vscode-icon-foreground': '#ffffff',
      '--vscode-focusBorder': '#f38518',
      '--vscode-contrastBorder': '#6fc3df',
      '--vscode-contrastActiveBorder': '#f38518',
      '--vscode-editor-background': '#000000',
      '--vscode-editorWidget-background': '#0c141f',
      '--vscode-widget-border': '#6fc3df',
      '--vscode-panel-border': '#6fc3df',
      '--vscode-editorWarning-foreground': '#ffd370',
      '--vscode-gitDecoration-addedResourceForeground': '#a1e3ad',
      '--vscode-gitDecoration-deletedResourceForeground': '#c74e39',
      '--vscode-gitDecoration-modifiedResourceForeground': '#e2c08d',
      '--vscode-list-focusOutline': '#f38518',
      '--vscode-tree-indentGuidesStroke': '#a9a9a9',
      '--vscode-input-background': '#000000',
      '--vscode-input-foreground': '#ffffff',
      '--vscode-input-border': '#6fc3df',
      '--vscode-checkbox-background': '#000000',
      '--vscode-checkbox-border': '#6fc3df',
      '--vscode-button-background': '#000000',
      '--vscode-button-foreground': '#ffffff',
      '--vscode-button-border': '#6fc3df',
      '--vscode-badge-background': '#000000',
      '--vscode-badge-foreground': '#ffffff',
      '--vscode-progressBar-background': '#6fc3df',
      '--vscode-textLink-foreground': '#21a6ff',
      '--vscode-scrollbarSlider-background': 'rgba(111, 195, 223, 0.6)',
    },
  },
};

// ---- sample data --------------------------------------------------------------------------------

const fakeHash = s => createHash('sha256').update(s).digest('hex');
const KB = 1024;
const MB = 1024 * KB;

/** Nodes as diff.ts makes them. `a`/`b` are sizes; a missing side means added/removed. */
const file = (name, status, a, b = a, kinds = ['file', 'file']) => ({ name, status, kinds, a, b });
const dir = (name, status, children, files) => ({ name, status, kinds: ['dir', 'dir'], children, files });

function sampleTree() {
  return dir('', 'modified', [
    dir('.github', 'equal', undefined, 3),
    file('.gitignore', 'equal', 412),
    file('LICENSE', 'equal', 1071),
    file('README.md', 'modified', 4_210, 5_873),
    dir('configs', 'modified', [
      file('base.yaml', 'equal', 1_843),
      dir('sweep', 'added', [file('batch_size.yaml', 'added', undefined, 388), file('lr.yaml', 'added', undefined, 412), file('optimizer.yaml', 'added', undefined, 655)]),
      file('train.yaml', 'modified', 2_140, 2_391),
    ]),
    dir('data', 'modified', [
      file('README.md', 'equal', 2_304),
      { name: 'cache', status: 'modified', kinds: ['dir', 'file'], a: 0, b: 64, children: [file('shard-000.bin', 'removed', 48 * MB, undefined), file('shard-001.bin', 'removed', 47 * MB, undefined)], files: 2 },
      dir('processed', 'modified', [
        file('features.npy', 'added', undefined, 268 * MB),
        file('test.parquet', 'removed', 41.2 * MB, undefined),
        file('train.parquet', 'modified', 412 * MB, 418.3 * MB),
        file('val.parquet', 'equal', 52.4 * MB),
      ]),
      dir('raw', 'equal', undefined, 1_204),
      dir('secrets', 'modified', [file('credentials.json', 'removed', 1_208, undefined)]),
    ]),
    file('latest.ckpt', 'modified', 38, 97.8 * MB, ['link', 'file']),
    dir('logs', 'modified', [file('train.log', 'modified', 88_112, 91_410)]),
    dir('models', 'modified', [
      file('experiment_2025_11_24_resnet50_finetune_mixup_cutmix_label_smoothing_cosine_schedule_warmup_ema_final_v2.ckpt', 'added', undefined, 97.8 * MB),
      dir('legacy', 'removed', [file('model.pkl', 'removed', 12.4 * MB, undefined), file('notes.txt', 'removed', 3_120, undefined)]),
      dir('resnet50', 'modified', [
        file('config.json', 'modified', 1_130, 1_204),
        file('model.safetensors', 'modified', 102_547_456, 102_547_456),
        file('tokenizer.json', 'equal', 466_081),
      ]),
    ]),
    dir('notebooks', 'equal', undefined, 12),
    dir('outputs', 'added', [], 0),
    file('requirements.txt', 'modified', 512, 548),
    dir('src', 'modified', [
      file('__init__.py', 'equal', 0),
      file('dataset.py', 'equal', 6_412),
      file('model.py', 'equal', 9_870),
      file('train.py', 'modified', 14_220, 15_038),
      dir('utils', 'modified', [file('io.py', 'removed', 2_210, undefined), file('logging.py', 'modified', 1_604, 1_733), file('metrics.py', 'added', undefined, 3_377)]),
    ]),
  ]);
}

const sampleProblems = [
  { side: 'B', path: 'data/secrets/credentials.json', reason: "EACCES: permission denied, open 'data/secrets/credentials.json'" },
  { side: 'B', path: 'logs/train.log', reason: 'changed while being hashed (hash of the last read kept)' },
];

/** Turns the compact description into DiffNodes and computes what diffTrees() would report. */
function buildView(spec, sides, problems = []) {
  const stats = { added: [], removed: [], modified: [], kindChanged: [], comparisons: 0, nodes: 0 };
  const unknown = new Set(problems.map(p => p.path));
  const known = p => ![...unknown].some(u => p === u || p.startsWith(`${u}/`));

  function convert(s, parentPath) {
    const path = parentPath ? `${parentPath}/${s.name}` : s.name;
    const node = { name: s.name, path, status: s.status };
    const [ka, kb] = s.kinds;
    const isDir = k => k === 'dir';
    const hasA = s.status !== 'added';
    const hasB = s.status !== 'removed';
    if (hasA) Object.assign(node, { kindA: ka, hashA: fakeHash(`A:${path}`), sizeA: isDir(ka) ? 0 : Math.round(s.a ?? 0) });
    if (hasB) Object.assign(node, { kindB: kb, hashB: fakeHash(`${s.status === 'equal' ? 'A' : 'B'}:${path}`), sizeB: isDir(kb) ? 0 : Math.round(s.b ?? 0) });
    if (hasA && hasB) stats.comparisons++;
    if (s.status === 'equal') stats.nodes += s.files !== undefined ? Math.round(s.files * 1.15) + 1 : 1;
    else stats.nodes++;
    if (s.files !== undefined) node.files = s.files;
    if (s.children) node.children = s.children.map(c => convert(c, path)).sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
    const leaf = !s.children || (ka !== kb);
    if (path && known(path)) {
      if (ka !== kb && hasA && hasB) {
        stats.kindChanged.push({ path, from: ka, to: kb });
        stats.modified.push(path);
      } else if (s.status !== 'equal' && leaf && !s.children) stats[s.status].push(path);
      else if (s.status !== 'equal' && s.children && s.children.length === 0) stats[s.status].push(`${path}/`);
    }
    return node;
  }

  const tree = convert(spec, '');
  return {
    a: sides.a,
    b: sides.b,
    added: stats.added.length,
    removed: stats.removed.length,
    modified: stats.modified.length,
    kindChanged: stats.kindChanged,
    comparisons: stats.comparisons,
    nodes: stats.nodes,
    problems,
    tree,
    durationMs: 1_842,
  };
}

const sampleSides = {
  a: { path: '/home/dev/ml-project/.mlw/snapshots/2025-11-24T09-12-03-114Z.json', label: 'snapshot Nov 24, 2025, 9:12 AM', kind: 'snapshot', root: fakeHash('root A') },
  b: { path: '/home/dev/ml-project', label: 'ml-project', kind: 'folder', root: fakeHash('root B') },
};

/** ~20,500 rows: 100 folders of 4 folders of 50 files, most unchanged. */
function largeTree() {
  const statuses = ['equal', 'equal', 'equal', 'equal', 'equal', 'equal', 'equal', 'added', 'removed', 'modified'];
  let k = 0;
  const files = () =>
    Array.from({ length: 50 }, (_, i) => {
      const status = statuses[k++ % statuses.length];
      return file(`sample_${String(i).padStart(3, '0')}.jsonl`, status, status === 'added' ? undefined : 10_000 + k, status === 'removed' ? undefined : 10_000 + k + (status === 'modified' ? 77 : 0));
    });
  return dir('', 'modified', Array.from({ length: 100 }, (_, i) => dir(`shard-${String(i).padStart(3, '0')}`, 'modified', ['train', 'val', 'test', 'extra'].map(n => dir(n, 'modified', files(), 50)), 200)));
}

function scenarioMessages() {
  switch (scenario) {
    case 'identical': {
      const root = fakeHash('root A');
      const sides = { a: { ...sampleSides.a, root }, b: { ...sampleSides.b, root } };
      const view = buildView(dir('', 'equal', undefined, 1_346), sides);
      return [{ type: 'show', view: { ...view, comparisons: 1, nodes: 3_112, durationMs: 612 } }];
    }
    case 'busy':
      return [{ type: 'busy', message: 'Comparing snapshot Nov 24, 2025, 9:12 AM ↔ ml-project…' }];
    case 'error':
      return [{ type: 'error', message: "ENOENT: no such file or directory, scandir '/home/dev/ml-project/data/raw'\nThe folder may have been moved or deleted while it was being compared." }];
    case 'large':
      return [{ type: 'show', view: buildView(largeTree(), sampleSides) }];
    default:
      return [{ type: 'show', view: buildView(sampleTree(), sampleSides, sampleProblems) }];
  }
}

// ---- the page -------------------------------------------------------------------------------------

function writePage(theme) {
  const outDir = '/tmp/merkle-preview';
  mkdirSync(outDir, { recursive: true });
  const t = THEMES[theme];
  const themeCss = join(outDir, `theme-${theme}.css`);
  writeFileSync(themeCss, `html {\n${Object.entries(t.vars).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`);

  const nonce = createHash('sha256').update(String(Date.now())).digest('base64').slice(0, 24);
  const url = p => pathToFileURL(p).href;
  const script = join(root, 'dist/webviews/merkleDiff.js');
  if (!existsSync(script)) throw new Error('dist/webviews/merkleDiff.js is missing: run `node scripts/build.mjs` first');
  // Same policy as client/webviewHtml.ts, with file: standing in for the webview's resource origin.
  const csp = ["default-src 'none'", 'img-src file: data:', 'style-src file:', 'font-src file:', `script-src 'nonce-${nonce}'`].join('; ');
  const messages = JSON.stringify(scenarioMessages()).replace(/</g, '\\u003c');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${url(themeCss)}">
<link rel="stylesheet" href="${url(join(root, 'media/webview.css'))}">
<link rel="stylesheet" href="${url(join(root, 'media/merkleDiff.css'))}">
<title>Merkle Diff preview (${theme}, ${scenario})</title>
</head>
<body class="${t.bodyClass}" data-vscode-theme-kind="${t.bodyClass}">
<div id="app" role="main"></div>
<script nonce="${nonce}">
// Fake host: logs what the webview posts, answers 'ready' with the scenario and 'refresh' with busy then the same view.
// State lives in sessionStorage, so a reload of the page behaves like a reload of the webview.
window.__posted = [];
const messages = ${messages};
const send = m => window.postMessage(m, '*');
function acquireVsCodeApi() {
  return {
    postMessage(m) {
      console.log('[webview → host] ' + JSON.stringify(m));
      window.__posted.push(m);
      if (m.type === 'ready') {
        window.__t0 = performance.now();
        messages.forEach(send);
      } else if (m.type === 'refresh') {
        send({ type: 'busy', message: 'Comparing…' });
        setTimeout(() => messages.forEach(send), 1200);
      }
    },
    getState: () => JSON.parse(sessionStorage.getItem('vscodeState') ?? 'null') ?? undefined,
    setState: s => sessionStorage.setItem('vscodeState', JSON.stringify(s)),
  };
}
</script>
<script nonce="${nonce}" src="${url(script)}"></script>
</body>
</html>`;
  const file = join(outDir, `${scenario}-${theme}.html`);
  writeFileSync(file, html);
  return file;
}

// ---- screenshots ----------------------------------------------------------------------------------

async function screenshot(theme, page) {
  const errors = [];
  page.on('console', m => (m.type() === 'error' || m.type() === 'warning' ? errors.push(m.text()) : console.log(`  [${theme}] ${m.text()}`)));
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(pathToFileURL(writePage(theme)).href);
  const state = { sample: 'ready', large: 'ready', identical: 'identical', busy: 'busy', error: 'error' }[scenario];
  await page.waitForSelector(`#app[data-state="${state}"]`);
  if (scenario === 'large') await measureLarge(page);
  if (args.click) await page.click(String(args.click));
  if (args.filter) await page.fill('#filter', String(args.filter));
  if (args.select) await page.click(`.row[data-path="${args.select}"]`);
  if (args.hover) await page.hover(`.row[data-path="${args.hover}"]`);
  await page.waitForTimeout(200);
  const out = scenario === 'sample' ? `/tmp/merkle-preview-${theme}.png` : `/tmp/merkle-preview-${scenario}-${theme}.png`;
  await page.screenshot({ path: out, fullPage: Boolean(args['full-page']) });
  console.log(`${theme}: ${out}`);
  for (const e of errors) console.log(`  [${theme}] console/page error: ${e}`);
}

/** Times the first render and a few interactions on the large tree. */
async function measureLarge(page) {
  const rendered = await page.evaluate(() => new Promise(r => requestAnimationFrame(() => setTimeout(() => r(performance.now() - window.__t0)))));
  const rows = await page.locator('.row').count();
  const time = async (label, fn) => {
    const ms = await page.evaluate(fn);
    console.log(`  ${label}: ${ms.toFixed(0)} ms`);
  };
  console.log(`  large: ${rows} rows, first render ${rendered.toFixed(0)} ms`);
  const frame = 'new Promise(r => requestAnimationFrame(() => setTimeout(r)))';
  await time('filter "042/val"', `(async () => { const t = performance.now(); const f = document.getElementById('filter'); f.value = '042/val'; f.dispatchEvent(new Event('input')); await ${frame}; return performance.now() - t; })()`);
  await time('clear filter', `(async () => { const t = performance.now(); const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input')); await ${frame}; return performance.now() - t; })()`);
  await time('hide unchanged', `(async () => { const t = performance.now(); document.getElementById('show-unchanged').click(); await ${frame}; return performance.now() - t; })()`);
  await time('collapse all', `(async () => { const t = performance.now(); document.getElementById('collapse-all').click(); await ${frame}; return performance.now() - t; })()`);
  await time('expand all', `(async () => { const t = performance.now(); document.getElementById('expand-all').click(); await ${frame}; return performance.now() - t; })()`);
  await time('show unchanged', `(async () => { const t = performance.now(); document.getElementById('show-unchanged').click(); await ${frame}; return performance.now() - t; })()`);
  await time('toggle one folder', `(async () => { const t = performance.now(); document.querySelector('.row[data-path="shard-000"]').click(); await ${frame}; return performance.now() - t; })()`);
  await time('End key (focus last row)', `(async () => { const t = performance.now(); document.activeElement.dispatchEvent(new KeyboardEvent('keydown', { key: 'End', bubbles: true })); await ${frame}; return performance.now() - t; })()`);
  await time('scroll to middle', `(async () => { const t = performance.now(); window.scrollTo(0, document.body.scrollHeight / 2); await ${frame}; await ${frame}; return performance.now() - t; })()`);
  console.log(`  rows in the DOM now: ${await page.locator('.row').count()}, focused: ${await page.evaluate(() => document.activeElement?.dataset.path)}`);
  await page.evaluate(() => window.scrollTo(0, 0));
}

// Only when run, not when another preview imports THEMES.
const isMain = process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain && args['html-only']) {
  for (const theme of themes) console.log(writePage(theme));
} else if (isMain) {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const theme of themes) {
      const [width, height] = String(args.viewport ?? '1200x800').split('x').map(Number);
      const page = await browser.newPage({ viewport: { width, height } });
      await screenshot(theme, page);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

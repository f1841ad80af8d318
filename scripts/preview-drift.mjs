#!/usr/bin/env node
// Standalone preview of the drift report webview, outside VS Code: writes an HTML page that loads
// dist/webviews/driftReport.js and its stylesheets under the same kind of CSP as the real panel,
// with a fake acquireVsCodeApi() and VS Code theme variables (those of preview-webview.mjs), then
// screenshots it with playwright-core in Chromium. The statistics are generated here from
// simulated columns, in the proto3 JSON form the server writes.
//
//   node scripts/build.mjs && node scripts/preview-drift.mjs [options]
//
//   --theme=dark|light|hc|both   default both (dark and light)
//   --scenario=drift|skew|statistics|large|busy|error   default drift (large: 500 features, timed)
//   --filter=<text>              type into the filter box
//   --sort=distance|name|missing pick a sort order
//   --log --counts --no-anomalies-first   toggle those options
//   --click=<css selector>       click something first (e.g. ".feature[data-feature=device] .anomaly summary")
//   --scroll=<px>                scroll down before the screenshot
//   --viewport=<w>x<h>           default 1200x800
//   --full-page                  screenshot the whole page
//   --html-only                  write the pages and print their paths, no browser
//
// Screenshots: /tmp/drift-preview-<theme>.png (drift) or /tmp/drift-preview-<scenario>-<theme>.png.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { THEMES } from './preview-webview.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = Object.fromEntries(
  process.argv.slice(2).map(a => {
    const [k, ...v] = a.replace(/^--/, '').split('=');
    return [k, v.length ? v.join('=') : true];
  }),
);
const scenario = args.scenario ?? 'drift';
const themes = !args.theme || args.theme === 'both' ? ['dark', 'light'] : [args.theme];

/** Chart and dropdown colours VS Code sets that the Merkle preview does not need. */
const EXTRA_VARS = {
  dark: {
    '--vscode-charts-foreground': '#cccccc',
    '--vscode-charts-lines': 'rgba(204, 204, 204, 0.5)',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#cca700',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-editorError-foreground': '#f14c4c',
    '--vscode-editorInfo-foreground': '#3794ff',
    '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-foreground': '#cccccc',
    '--vscode-dropdown-border': '#3c3c3c',
  },
  light: {
    '--vscode-charts-foreground': '#3b3b3b',
    '--vscode-charts-lines': 'rgba(59, 59, 59, 0.5)',
    '--vscode-charts-red': '#e51400',
    '--vscode-charts-blue': '#1a85ff',
    '--vscode-charts-yellow': '#bf8803',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#388a34',
    '--vscode-charts-purple': '#652d90',
    '--vscode-editorError-foreground': '#e51400',
    '--vscode-editorInfo-foreground': '#1a85ff',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-foreground': '#3b3b3b',
    '--vscode-dropdown-border': '#cecece',
  },
  hc: {
    '--vscode-charts-foreground': '#ffffff',
    '--vscode-charts-lines': 'rgba(255, 255, 255, 0.5)',
    '--vscode-charts-red': '#f14c4c',
    '--vscode-charts-blue': '#3794ff',
    '--vscode-charts-yellow': '#ffd370',
    '--vscode-charts-orange': '#d18616',
    '--vscode-charts-green': '#89d185',
    '--vscode-charts-purple': '#b180d7',
    '--vscode-editorError-foreground': '#f48771',
    '--vscode-editorInfo-foreground': '#3794ff',
    '--vscode-dropdown-background': '#000000',
    '--vscode-dropdown-foreground': '#ffffff',
    '--vscode-dropdown-border': '#6fc3df',
  },
};

// ---- simulated columns -------------------------------------------------------------------------

/** mulberry32: the same numbers on every run. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const normal = r => Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
const pick = (r, weights) => {
  let u = r() * weights.reduce((a, b) => a + b, 0);
  for (let i = 0; i < weights.length; i++) if ((u -= weights[i]) < 0) return i;
  return weights.length - 1;
};

const COUNTRIES = ['US', 'IN', 'BR', 'DE', 'GB', 'FR', 'JP', 'CA', 'MX', 'ES', 'IT', 'AU', 'NL', 'SE', 'PL', 'TR', 'KR', 'ID', 'AR', 'CO', 'ZA', 'NG', 'EG', 'PH', 'VN', 'TH', 'MY', 'SG', 'CH', 'AT', 'BE', 'PT', 'IE', 'DK', 'NO', 'FI', 'CZ', 'RO', 'HU', 'GR', 'IL', 'AE', 'SA', 'CL', 'PE', 'NZ', 'UA', 'PK', 'BD', 'KE'];
const WORDS = 'great product fast delivery would buy again terrible support broken after two weeks love the design battery life could be better works as described refund took forever five stars'.split(' ');

/**
 * Each feature: its type and a sampler per dataset (`drifted` = the current dataset), returning
 * a value or null (missing).
 */
function sampleFeatures() {
  return [
    { name: 'age', type: 'INT', gen: (r, cur) => Math.max(18, Math.min(90, Math.round(38 + (cur ? 1 : 0) + 12 * normal(r)))) },
    { name: 'income', type: 'FLOAT', gen: (r, cur) => (r() < (cur ? 0.083 : 0.031) ? null : Math.round(Math.exp(10.75 + (cur ? 0.16 : 0) + 0.38 * normal(r)) * 100) / 100) },
    { name: 'credit_score', type: 'INT', gen: r => Math.max(300, Math.min(850, Math.round(680 + 62 * normal(r)))) },
    { name: 'num_purchases_30d', type: 'INT', gen: (r, cur) => (r() < (cur ? 0.42 : 0.35) ? 0 : 1 + Math.floor(-Math.log(1 - r()) * 3.2)) },
    { name: 'session_duration_s', type: 'FLOAT', gen: (r, cur) => (r() < (cur ? 0.124 : 0.02) ? null : Math.round((-Math.log(1 - r()) - Math.log(1 - r())) * (cur ? 165 : 120) * 10) / 10) },
    { name: 'discount_rate', type: 'FLOAT', gen: (r, cur) => (r() < 0.6 ? 0 : Math.round(r() * (cur ? 0.5 : 0.4) * 1000) / 1000) },
    { name: 'country', type: 'STRING', gen: (r, cur) => COUNTRIES[pick(r, COUNTRIES.map((_, i) => 1 / (i + 1.4) ** (cur ? 1.05 : 1.1)))] },
    { name: 'device', type: 'STRING', gen: (r, cur) => ['mobile', 'desktop', 'tablet', 'smart_tv'][pick(r, cur ? [0.68, 0.22, 0.08, 0.02] : [0.52, 0.36, 0.1, 0.02])] },
    { name: 'plan', type: 'STRING', gen: (r, cur) => ['free', 'basic', 'pro', 'enterprise', 'trial'][pick(r, cur ? [0.46, 0.25, 0.17, 0.04, 0.08] : [0.5, 0.28, 0.18, 0.04, 0])] },
    { name: 'referrer', type: 'STRING', gen: (r, cur) => (r() < (cur ? 0.38 : 0.06) ? null : ['google', 'direct', 'newsletter', 'facebook', 'partner_site', 'tiktok'][pick(r, [0.4, 0.25, 0.12, 0.1, 0.08, cur ? 0.09 : 0.02])]) },
    { name: 'review_text', type: 'STRING', gen: r => (r() < 0.71 ? null : Array.from({ length: 3 + Math.floor(r() * 22) }, () => WORDS[Math.floor(r() * WORDS.length)]).join(' ')) },
    { name: 'churned', type: 'INT', gen: (r, cur) => (r() < (cur ? 0.19 : 0.14) ? 1 : 0) },
  ];
}

function column(feature, n, seed, cur) {
  const r = rng(seed);
  const values = [];
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const v = feature.gen(r, cur);
    if (v === null) missing++;
    else values.push(v);
  }
  return { values, missing };
}

// ---- statistics as the server writes them ----------------------------------------------------------

function numericStats(values, missing, buckets = 10) {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const std = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
  const min = sorted[0];
  const max = sorted[n - 1];
  const width = (max - min) / buckets || 1;
  const counts = new Array(buckets).fill(0);
  for (const v of values) counts[Math.min(buckets - 1, Math.floor((v - min) / width))]++;
  return {
    commonStats: { numNonMissing: String(n), numMissing: String(missing), minNumValues: '1', maxNumValues: '1', avgNumValues: 1, totNumValues: String(n) },
    mean, stdDev: std, numZeros: String(values.filter(v => v === 0).length), min, median: sorted[Math.floor(n / 2)], max,
    histograms: [
      { type: 'STANDARD', buckets: counts.map((c, i) => ({ lowValue: min + i * width, highValue: i === buckets - 1 ? max : min + (i + 1) * width, sampleCount: c })) },
    ],
  };
}

function stringStats(values, missing) {
  const counts = new Map();
  let bytes = 0;
  for (const v of values) {
    counts.set(v, (counts.get(v) ?? 0) + 1);
    bytes += Buffer.byteLength(v);
  }
  const ranked = [...counts].sort((a, b) => b[1] - a[1]);
  return {
    commonStats: { numNonMissing: String(values.length), numMissing: String(missing), minNumValues: '1', maxNumValues: '1', avgNumValues: 1, totNumValues: String(values.length) },
    unique: String(counts.size),
    topValues: ranked.slice(0, 20).map(([value, frequency]) => ({ value, frequency })),
    avgLength: bytes / Math.max(1, values.length),
    rankHistogram: { buckets: ranked.slice(0, 1000).map(([label, sampleCount], i) => ({ lowRank: String(i), highRank: String(i), label, sampleCount })) },
  };
}

function featureStats(f, col) {
  const base = { path: { step: [f.name] }, type: f.type };
  return f.type === 'STRING' ? { ...base, stringStats: stringStats(col.values, col.missing) } : { ...base, numStats: numericStats(col.values, col.missing) };
}

/** L∞ of the normalised value counts (categorical). */
function lInfinity(a, b) {
  const share = s => {
    const total = s.stringStats.rankHistogram.buckets.reduce((t, x) => t + x.sampleCount, 0);
    return new Map(s.stringStats.rankHistogram.buckets.map(x => [x.label, x.sampleCount / total]));
  };
  const pa = share(a);
  const pb = share(b);
  let best = 0;
  let value = '';
  for (const k of new Set([...pa.keys(), ...pb.keys()])) {
    const d = Math.abs((pa.get(k) ?? 0) - (pb.get(k) ?? 0));
    if (d > best) (best = d), (value = k);
  }
  return { distance: best, value };
}

/** Jensen-Shannon divergence of two STANDARD histograms on a common grid. */
function jsd(a, b) {
  const ha = a.numStats.histograms[0].buckets;
  const hb = b.numStats.histograms[0].buckets;
  const lo = Math.min(ha[0].lowValue, hb[0].lowValue);
  const hi = Math.max(ha.at(-1).highValue, hb.at(-1).highValue);
  const n = 40;
  const w = (hi - lo) / n || 1;
  const grid = hs => {
    const out = new Array(n).fill(0);
    for (const x of hs) {
      const width = x.highValue - x.lowValue;
      for (let i = 0; i < n; i++) {
        const ov = Math.min(x.highValue, lo + (i + 1) * w) - Math.max(x.lowValue, lo + i * w);
        if (width <= 0 && x.lowValue >= lo + i * w && x.lowValue <= lo + (i + 1) * w) {
          out[i] += x.sampleCount;
          break;
        }
        if (ov > 0 && width > 0) out[i] += (ov / width) * x.sampleCount;
      }
    }
    const t = out.reduce((s, v) => s + v, 0);
    return out.map(v => v / t);
  };
  const p = grid(ha);
  const q = grid(hb);
  let kl = 0;
  for (let i = 0; i < n; i++) {
    const m = (p[i] + q[i]) / 2;
    if (p[i] > 0) kl += p[i] * Math.log2(p[i] / m);
    if (q[i] > 0) kl += q[i] * Math.log2(q[i] / m);
  }
  return Math.min(1, kl / 2);
}

const six = x => String(Number(x.toPrecision(6)));
const reason = (type, shortDescription, description) => ({ type, shortDescription, description });
const info = (name, reasons, severity = 'ERROR') => ({
  path: name === undefined ? undefined : { step: [name] },
  severity,
  description: reasons.map(r => r.description).join(' '),
  shortDescription: reasons.length === 1 ? reasons[0].shortDescription : 'Multiple errors',
  reason: reasons,
});

function buildView(mode, features = sampleFeatures()) {
  const ctx = mode === 'skew' ? { control: 'serving', treatment: 'training' } : { control: 'previous', treatment: 'current' };
  const nBase = 48_000;
  const nCur = mode === 'statistics' ? 52_310 : 52_310;
  const cur = [];
  const base = [];
  features.forEach((f, i) => {
    cur.push(featureStats(f, column(f, nCur, 1000 + i, true)));
    if (mode !== 'statistics') base.push(featureStats(f, column(f, nBase, 5000 + i, false)));
  });
  const comparisons = {};
  const anomalies = {};
  if (mode !== 'statistics') {
    features.forEach((f, i) => {
      if (f.name === 'review_text') return; // free text: no comparator in the schema
      const threshold = f.type === 'STRING' ? (f.name === 'country' ? 0.05 : 0.1) : f.name === 'income' || f.name === 'session_duration_s' ? 0.03 : 0.05;
      if (f.type === 'STRING') {
        const { distance, value } = lInfinity(base[i], cur[i]);
        comparisons[f.name] = { kind: 'L_INFTY', value: distance, threshold };
        if (distance > threshold)
          anomalies[f.name] = info(f.name, [reason('COMPARATOR_L_INFTY_HIGH', `High Linfty distance between ${ctx.treatment} and ${ctx.control}`, `The Linfty distance between ${ctx.treatment} and ${ctx.control} is ${six(distance)} (up to six significant digits), above the threshold ${six(threshold)}. The feature value with maximum difference is: ${value}`)]);
      } else {
        const d = jsd(base[i], cur[i]);
        comparisons[f.name] = { kind: 'JENSEN_SHANNON_DIVERGENCE', value: d, threshold };
        if (d > threshold)
          anomalies[f.name] = info(f.name, [reason('COMPARATOR_JENSEN_SHANNON_DIVERGENCE_HIGH', `High approximate Jensen-Shannon divergence between ${ctx.treatment} and ${ctx.control}`, `The approximate Jensen-Shannon divergence between ${ctx.treatment} and ${ctx.control} is ${six(d)} (up to six significant digits), above the threshold ${six(threshold)}.`)]);
      }
    });
  }
  // Schema anomalies of the current dataset.
  const add = (name, r, severity) => {
    const prev = anomalies[name]?.reason ?? [];
    anomalies[name] = info(name, [...prev, r], severity ?? anomalies[name]?.severity);
  };
  if (features.some(f => f.name === 'plan')) {
    const plan = cur.find(f => f.path.step[0] === 'plan').stringStats.topValues.find(v => v.value === 'trial');
    add('plan', reason('ENUM_TYPE_UNEXPECTED_STRING_VALUES', 'Unexpected string values', `Examples contain values missing from the schema: trial (~${Math.round((plan.frequency / nCur) * 100)}%). `));
  }
  if (features.some(f => f.name === 'referrer')) {
    const rs = cur.find(f => f.path.step[0] === 'referrer').stringStats.commonStats;
    const frac = Number(rs.numNonMissing) / nCur;
    add('referrer', reason('FEATURE_TYPE_LOW_FRACTION_PRESENT', 'Column dropped', `The feature was present in fewer examples than expected: minimum fraction = 0.900000, actual = ${frac.toFixed(6)}`), 'WARNING');
  }
  const stats = (name, n, fs) => ({ datasets: [{ name, numExamples: String(n), features: fs }] });
  const labels = mode === 'skew' ? ['train.csv', 'serving_2025-11-24.csv'] : ['data/2025-10/customers.csv', 'data/2025-11/customers.csv'];
  return {
    title: mode === 'skew' ? 'Training/serving skew — customers' : mode === 'drift' ? 'Drift report — customers' : 'Statistics — customers.csv',
    mode,
    current: { label: mode === 'statistics' ? 'data/2025-11/customers.csv' : labels[1], statistics: stats('current', nCur, cur) },
    baseline: mode === 'statistics' ? undefined : { label: labels[0], statistics: stats('baseline', nBase, base) },
    comparisons,
    anomalies,
    datasetAnomaly:
      mode === 'drift'
        ? info(undefined, [reason('COMPARATOR_HIGH_NUM_EXAMPLES', 'High num examples in current dataset versus the previous span.', `The ratio of num examples in the current dataset versus the previous span is ${six(nCur / nBase)} (up to six significant digits), which is above the threshold 1.05.`)], 'WARNING')
        : undefined,
  };
}

/** 500 features: the twelve above, renamed and re-seeded. */
function largeView() {
  const base = sampleFeatures();
  const features = Array.from({ length: 500 }, (_, i) => {
    const f = base[i % base.length];
    return { ...f, name: `${f.name}_${String(Math.floor(i / base.length)).padStart(2, '0')}` };
  });
  return buildView('drift', features.map(f => ({ ...f, gen: f.gen })));
}

function scenarioMessages() {
  switch (scenario) {
    case 'busy':
      return [{ type: 'busy', message: 'Computing statistics of data/2025-11/customers.csv…' }];
    case 'error':
      return [{ type: 'error', message: "Could not parse data/2025-11/customers.csv: line 18,442 has 13 fields, expected 12.\nCheck the delimiter and quoting, or point the report at another file." }];
    case 'large':
      return [{ type: 'show', view: largeView() }];
    case 'skew':
    case 'statistics':
      return [{ type: 'show', view: buildView(scenario) }];
    default:
      return [{ type: 'show', view: buildView('drift') }];
  }
}

// ---- the page -------------------------------------------------------------------------------------

function writePage(theme, messages) {
  const outDir = '/tmp/drift-preview';
  mkdirSync(outDir, { recursive: true });
  const t = THEMES[theme];
  const vars = { ...t.vars, ...EXTRA_VARS[theme] };
  const themeCss = join(outDir, `theme-${theme}.css`);
  writeFileSync(themeCss, `html {\n${Object.entries(vars).map(([k, v]) => `  ${k}: ${v};`).join('\n')}\n}\n`);

  const nonce = createHash('sha256').update(String(Date.now())).digest('base64').slice(0, 24);
  const url = p => pathToFileURL(p).href;
  const script = join(root, 'dist/webviews/driftReport.js');
  if (!existsSync(script)) throw new Error('dist/webviews/driftReport.js is missing: run `node scripts/build.mjs` first');
  // Same policy as client/webviewHtml.ts, with file: standing in for the webview's resource origin.
  const csp = ["default-src 'none'", 'img-src file: data:', 'style-src file:', 'font-src file:', `script-src 'nonce-${nonce}'`].join('; ');
  const data = JSON.stringify(messages).replace(/</g, '\\u003c');
  const html = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${url(themeCss)}">
<link rel="stylesheet" href="${url(join(root, 'media/webview.css'))}">
<link rel="stylesheet" href="${url(join(root, 'media/driftReport.css'))}">
<title>Drift report preview (${theme}, ${scenario})</title>
</head>
<body class="${t.bodyClass}" data-vscode-theme-kind="${t.bodyClass}">
<div id="app" role="main"></div>
<script nonce="${nonce}">
// Fake host: logs what the webview posts and answers 'ready' with the scenario.
window.__posted = [];
const messages = ${data};
const send = m => window.postMessage(m, '*');
function acquireVsCodeApi() {
  return {
    postMessage(m) {
      console.log('[webview → host] ' + JSON.stringify(m));
      window.__posted.push(m);
      if (m.type === 'ready') {
        window.__t0 = performance.now();
        messages.forEach(send);
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

async function screenshot(theme, page, messages) {
  const errors = [];
  page.on('console', m => (m.type() === 'error' || m.type() === 'warning' ? errors.push(m.text()) : console.log(`  [${theme}] ${m.text()}`)));
  page.on('pageerror', e => errors.push(String(e)));
  await page.goto(pathToFileURL(writePage(theme, messages)).href);
  const state = { busy: 'busy', error: 'error' }[scenario] ?? 'ready';
  await page.waitForSelector(`#app[data-state="${state}"]`);
  if (scenario === 'large') await measureLarge(page);
  if (args.sort) await page.selectOption('#sort', String(args.sort));
  if (args['no-anomalies-first']) await page.click('#anomalies-first');
  if (args.log) await page.click('#log-scale');
  if (args.counts) await page.click('#show-counts');
  if (args.filter) await page.fill('#filter', String(args.filter));
  if (args.click) await page.click(String(args.click));
  if (args.scroll) await page.evaluate(y => window.scrollTo(0, y), Number(args.scroll));
  await page.waitForTimeout(250);
  const out = scenario === 'drift' ? `/tmp/drift-preview-${theme}.png` : `/tmp/drift-preview-${scenario}-${theme}.png`;
  await page.screenshot({ path: out, fullPage: Boolean(args['full-page']) });
  console.log(`${theme}: ${out}`);
  for (const e of errors) console.log(`  [${theme}] console/page error: ${e}`);
}

/** Times the first render, a sort, a filter, the option toggles and a scroll through 500 features. */
async function measureLarge(page) {
  const frame = 'new Promise(r => requestAnimationFrame(() => setTimeout(r)))';
  const rendered = await page.evaluate(`${frame}.then(() => performance.now() - window.__t0)`);
  const cards = await page.locator('.feature').count();
  const drawn = () => page.evaluate(() => document.querySelectorAll('.feature-chart:not(:empty)').length);
  console.log(`  large: ${cards} features, first render ${rendered.toFixed(0)} ms, charts drawn: ${await drawn()}`);
  const time = async (label, body) => {
    const ms = await page.evaluate(`(async () => { const t = performance.now(); ${body}; await ${frame}; return performance.now() - t; })()`);
    console.log(`  ${label}: ${ms.toFixed(0)} ms`);
  };
  await time('sort by name', "const s = document.getElementById('sort'); s.value = 'name'; s.dispatchEvent(new Event('change'))");
  await time('sort by distance', "const s = document.getElementById('sort'); s.value = 'distance'; s.dispatchEvent(new Event('change'))");
  await time('filter "country"', "const f = document.getElementById('filter'); f.value = 'country'; f.dispatchEvent(new Event('input'))");
  await time('clear filter', "const f = document.getElementById('filter'); f.value = ''; f.dispatchEvent(new Event('input'))");
  await time('log scale on', "document.getElementById('log-scale').click()");
  await time('log scale off', "document.getElementById('log-scale').click()");
  await time('scroll to the middle', `window.scrollTo(0, document.body.scrollHeight / 2); await ${frame}`);
  await time('scroll to the end', `window.scrollTo(0, document.body.scrollHeight); await ${frame}`);
  console.log(`  charts drawn after scrolling: ${await drawn()}`);
  await page.evaluate(() => window.scrollTo(0, 0));
}

const messages = scenarioMessages();
if (args['html-only']) {
  for (const theme of themes) console.log(writePage(theme, messages));
} else {
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    for (const theme of themes) {
      const [width, height] = String(args.viewport ?? '1200x800').split('x').map(Number);
      const page = await browser.newPage({ viewport: { width, height } });
      await screenshot(theme, page, messages);
      await page.close();
    }
  } finally {
    await browser.close();
  }
}

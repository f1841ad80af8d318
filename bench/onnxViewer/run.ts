// ONNX viewer benchmark: what opening a 3,000-node model costs, step by step.
//
//   npm run build && node out/bench/onnxViewer/run.js [--blocks=750] [--runs=3]
//
// 1. Decoding the model and building the graph view (server), for the record.
// 2. Layout by ELK's layered algorithm with the viewer's options (one crossing-minimisation
//    sweep on large graphs, shapes drawn beside edges rather than given to ELK as labels)
//    against ELK's defaults with the shapes as edge labels (what a straightforward use of ELK
//    would do), same graph, same worker thread setup.
// 3. First paint in headless Chromium: the viewer's drawing (boxes and edges in view only)
//    against drawing every box and edge.
// Prints figures and ratios; asserts nothing about speed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as esbuild from 'esbuild';
import { onnx } from 'onnx-proto';
import { chromium } from 'playwright-core';
import { elkGraph, runElk, toLayout } from '../../server/onnx/graphLayout';
import { buildModelView } from '../../server/onnx/graphView';
import { chainModel, encode } from '../../test/unit/onnx.viewer.models';
import { chromiumPath } from '../../test/e2e/vscodeWeb';
import { fmtMs, fmtRuns, measure, printSummary, reportOthers, timeRow, type Sample } from '../common/measure';

const args = process.argv.slice(2);
const BLOCKS = Number(args.find(a => a.startsWith('--blocks='))?.slice(9) ?? 750);
const RUNS = Number(args.find(a => a.startsWith('--runs='))?.slice(7) ?? 3);
const repo = path.resolve(__dirname, '..', '..', '..');

async function main(): Promise<void> {
  const startedMs = Date.now();
  const all: Sample[] = [];
  const bytes = encode(chainModel(BLOCKS));
  console.log(`# ONNX viewer: a chain of ${BLOCKS} residual blocks (${BLOCKS * 4} nodes), ${(bytes.length / 1e6).toFixed(2)} MB\n`);

  // 1. Decode + build.
  const builds: Sample[] = [];
  let built: ReturnType<typeof buildModelView> | undefined;
  for (let r = 0; r < RUNS; r++) {
    const m = await measure('ours', () => buildModelView(onnx.ModelProto.decode(bytes), bytes.length));
    built = m.value;
    builds.push(m);
  }
  all.push(...builds);
  const view = built!.graphs.get('main')!;
  console.log(`decode + build view: ${fmtRuns(builds)}; ${view.nodes.length} nodes, ${view.edges.length} edges`);

  // 2. Layout: ours vs ELK defaults with edge labels.
  const ours: Sample[] = [];
  const peer: Sample[] = [];
  let laidOut: Awaited<ReturnType<typeof runElk>> | undefined;
  const peerGraph = () => {
    const g = elkGraph(view);
    g.layoutOptions = { 'elk.algorithm': 'layered', 'elk.direction': 'DOWN' };
    g.edges = (g.edges ?? []).map((e, k) => ({ ...e, labels: view.edges[k].label ? [{ text: view.edges[k].label, width: view.edges[k].label!.length * 6, height: 12 }] : [] }));
    return g;
  };
  for (let r = 0; r < RUNS; r++) {
    const m = await measure('ours', () => runElk(elkGraph(view)));
    laidOut = m.value;
    ours.push(m);
    peer.push(await measure('ours', () => runElk(peerGraph())));
  }
  all.push(...ours, ...peer);
  console.log(`layout, viewer options: ${fmtRuns(ours)}`);
  console.log(`layout, ELK defaults + labels: ${fmtRuns(peer)}`);
  timeRow(`layout of ${view.nodes.length} nodes`, ours, peer, 'ELK defaults with labels');
  const layout = toLayout(laidOut!, view.edges.length, 0);

  // 3. First paint in Chromium.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-bench-viewer-'));
  try {
    await esbuild.build({ entryPoints: [path.join(repo, 'bench', 'onnxViewer', 'page.ts')], bundle: true, format: 'iife', outfile: path.join(dir, 'page.js'), logLevel: 'warning' });
    const css = ['webview.css', 'onnxViewer.css'].map(f => fs.readFileSync(path.join(repo, 'media', f), 'utf8')).join('\n');
    fs.writeFileSync(path.join(dir, 'page.html'), `<!DOCTYPE html><html><head><style>${css}\n#host{position:fixed;inset:0}</style></head>` +
      `<body class="vscode-dark"><div id="host"></div><script src="page.js"></script></body></html>`);
    const browser = await chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
    try {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      await page.goto(`file://${path.join(dir, 'page.html')}`);
      const paint = async (mode: 'culled' | 'all') => page.evaluate(
        ([g, l, m]) => (window as unknown as { bench: { firstPaint(g: unknown, l: unknown, m: string): Promise<{ ms: number; elements: number }> } }).bench.firstPaint(g, l, m),
        [view, layout, mode] as const);
      await paint('culled'); // warm-up: parse and compile the page's code
      const culled: Sample[] = [];
      const full: Sample[] = [];
      let elements = { culled: 0, all: 0 };
      for (let r = 0; r < RUNS; r++) {
        const a = await paint('culled');
        const b = await paint('all');
        // Time measured inside the page (performance.now()), so the CPU columns do not apply.
        culled.push({ ms: a.ms, cpuMs: NaN, othersCpuMs: 0 });
        full.push({ ms: b.ms, cpuMs: NaN, othersCpuMs: 0 });
        elements = { culled: a.elements, all: b.elements };
      }
      console.log(`first paint, drawing what is in view: median ${fmtMs(culled.map(x => x.ms).sort((a, b) => a - b)[RUNS >> 1])} (${elements.culled} SVG elements)`);
      console.log(`first paint, drawing everything: median ${fmtMs(full.map(x => x.ms).sort((a, b) => a - b)[RUNS >> 1])} (${elements.all} SVG elements)`);
      timeRow('first paint in Chromium', culled, full, 'every box and edge drawn');
    } finally {
      await browser.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log(reportOthers(all));
  printSummary('Layout runs on a worker thread (the server keeps answering); first paint is measured in the page from receiving the graph to the frame after it is drawn.', startedMs);
}

main().catch(err => {
  console.error(err);
  process.exit(1);
});

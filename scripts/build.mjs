// Bundles the extension (client), the server, its worker threads, the CLI and each webview.
// Type checking is `tsc -p .` (npm run build runs both).
import * as esbuild from 'esbuild';
import { readdirSync, existsSync, mkdirSync, copyFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, minify: !watch, logLevel: 'warning', legalComments: 'none' };
// Native modules cannot be bundled: they ship in node_modules (see .vscodeignore). tfjs-node is
// optional and used only when installed.
const native = ['onnxruntime-node', '@tensorflow/tfjs-node'];
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20', external: native };

const webviews = readdirSync('webviews', { withFileTypes: true })
  .filter(d => d.isDirectory() && existsSync(`webviews/${d.name}/main.ts`))
  .map(d => ({ in: `webviews/${d.name}/main.ts`, out: d.name }));

// Every server/<capability>/<name>Worker.ts is a worker thread, bundled as dist/<name>Worker.js.
const workers = Object.fromEntries(readdirSync('server', { withFileTypes: true, recursive: true })
  .filter(f => f.isFile() && /Worker\.ts$/.test(f.name))
  .map(f => [f.name.replace(/\.ts$/, ''), join(f.parentPath ?? f.path, f.name)]));

const builds = [
  // The extension host provides 'vscode'.
  { ...node, entryPoints: { extension: 'client/extension.ts' }, outdir: 'dist', external: ['vscode', ...native] },
  { ...node, entryPoints: { server: 'server/main.ts', cli: 'server/cli.ts', ...workers }, outdir: 'dist' },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: webviews, outdir: 'dist/webviews' },
];

// The tfjs wasm backend loads its .wasm binaries from beside the bundle (setWasmPaths).
mkdirSync('dist/wasm', { recursive: true });
const wasmDir = 'node_modules/@tensorflow/tfjs-backend-wasm/dist';
for (const f of readdirSync(wasmDir).filter(f => f.endsWith('.wasm'))) copyFileSync(join(wasmDir, f), join('dist/wasm', f));

// onnxruntime-node (native, external to the bundles) and its dependency onnxruntime-common are
// copied beside them, into dist/node_modules, where the bundles' require() finds them and
// `vsce package --no-dependencies` (which never looks into the top node_modules) packs them.
// Only this machine's binary folder is copied: the other platforms' take ~245 MB more.
const runtimeFiles = [
  ['node_modules/onnxruntime-node', ['package.json', ...readdirSync('node_modules/onnxruntime-node/dist').filter(f => f.endsWith('.js')).map(f => `dist/${f}`)]],
  [`node_modules/onnxruntime-node/bin/napi-v6/${process.platform}/${process.arch}`, null],
  ['node_modules/onnxruntime-common', ['package.json', 'dist/cjs/package.json', ...readdirSync('node_modules/onnxruntime-common/dist/cjs').filter(f => f.endsWith('.js')).map(f => `dist/cjs/${f}`)]],
];
for (const [dir, files] of runtimeFiles) {
  for (const f of files ?? readdirSync(dir)) {
    const from = join(dir, f);
    const to = join('dist', from);
    const [a, b] = [statSync(from), existsSync(to) && statSync(to)];
    if (b && b.size === a.size && b.mtimeMs >= a.mtimeMs) continue; // unchanged (the library is 45 MB)
    mkdirSync(dirname(to), { recursive: true });
    copyFileSync(from, to);
  }
}

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map(b => esbuild.build(b)));
}

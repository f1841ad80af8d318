// Bundles the extension (client), the server, its worker threads, the CLI and each webview.
// Type checking is `tsc -p .` (npm run build runs both).
import * as esbuild from 'esbuild';
import { readdirSync, existsSync } from 'node:fs';

const watch = process.argv.includes('--watch');
const common = { bundle: true, sourcemap: true, minify: !watch, logLevel: 'warning', legalComments: 'none' };
const node = { ...common, platform: 'node', format: 'cjs', target: 'node20' };

const webviews = readdirSync('webviews', { withFileTypes: true })
  .filter(d => d.isDirectory() && existsSync(`webviews/${d.name}/main.ts`))
  .map(d => ({ in: `webviews/${d.name}/main.ts`, out: d.name }));

const builds = [
  // The extension host provides 'vscode'; native modules stay in node_modules.
  { ...node, entryPoints: { extension: 'client/extension.ts' }, outdir: 'dist', external: ['vscode'] },
  { ...node, entryPoints: {
      server: 'server/main.ts', cli: 'server/cli.ts',
      hashWorker: 'server/merkle/hashWorker.ts', statsWorker: 'server/datavalidation/statsWorker.ts',
    }, outdir: 'dist' },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: webviews, outdir: 'dist/webviews' },
];

if (watch) {
  for (const b of builds) await (await esbuild.context(b)).watch();
} else {
  await Promise.all(builds.map(b => esbuild.build(b)));
}

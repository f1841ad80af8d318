// `npm start`: opens the demo workspace in a real VS Code (code-server, VS Code 1.100 in the
// browser) with this extension loaded, and prints the address to open. Runs until Ctrl-C.
//
//   npm start                      (builds first; PORT=9000 npm start for another port)
//   node scripts/start-vscode-web.mjs [--vsix] [FOLDER]
//
//   --vsix   install the extension from a freshly packed .vsix, as users get it, instead of
//            linking this repository (see below)
//   FOLDER   open FOLDER itself instead of a copy of demo/workspace
//
// The demo workspace is copied to a fresh temp folder each time, so snapshots (.mlw/) and
// edits made while trying things out never dirty the repository. Each run also gets a fresh
// VS Code profile (user-data-dir) and extensions folder; all of it is removed on exit.
//
// How the extension gets in: by default the repository is symlinked into the extensions
// folder. That takes no time (packing and installing a .vsix takes several seconds), and
// after `npm run build` (or with `npm run watch` running) "Developer: Reload Window" in the
// browser picks up the new dist/ at once. The e2e tests install the real .vsix instead,
// which is what proves the package itself works; --vsix does the same here.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const useVsix = args.includes('--vsix');
const folderArg = args.find(a => !a.startsWith('--'));

function fail(message) {
  console.error(`\nnpm start: ${message}`);
  process.exit(1);
}

// ---- code-server ------------------------------------------------------------------------

const prefix = process.env.MLW_VSCODE_WEB || join(homedir(), '.cache', 'vscode-web');
const codeServer = join(prefix, 'bin', 'code-server');
if (!existsSync(codeServer)) {
  console.log(`code-server is not installed in ${prefix}: installing it (a minute or two, once)…`);
  const r = spawnSync('bash', [join(repo, 'scripts', 'install-vscode-web.sh'), prefix], { stdio: 'inherit' });
  if (r.status !== 0 || !existsSync(codeServer)) fail('installing code-server failed (see above)');
}

const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8'));
if (!existsSync(join(repo, pkg.main))) fail(`${pkg.main} is missing: run \`npm run build\` (npm start does)`);

// ---- a fresh workspace copy, profile and extensions folder --------------------------------

const root = mkdtempSync(join(tmpdir(), 'mlw-demo-'));
const workspace = folderArg ? resolve(folderArg) : join(root, 'workspace');
const userData = join(root, 'user-data');
const extensions = join(root, 'extensions');
if (!folderArg) cpSync(join(repo, 'demo', 'workspace'), workspace, { recursive: true });
mkdirSync(join(userData, 'User'), { recursive: true });
mkdirSync(extensions, { recursive: true });
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify({
  // No modal trust dialog, the workspace README as the first thing shown, nothing that
  // reaches for the network.
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'readme',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.ignoreRecommendations': true,
  'telemetry.telemetryLevel': 'off',
  'workbench.colorTheme': process.env.MLW_THEME || 'Default Dark Modern',
}, null, 2));
// Our own config file: ~/.config/code-server/config.yaml is neither read nor written.
const config = join(root, 'config.yaml');
writeFileSync(config, 'auth: none\ncert: false\n');
const common = ['--config', config, '--user-data-dir', userData, '--extensions-dir', extensions];

const extensionId = `${pkg.publisher}.${pkg.name}`;
if (useVsix) {
  const vsix = join(root, `${pkg.name}.vsix`);
  console.log('packing and installing the extension from a .vsix…');
  const vsce = existsSync(join(repo, 'node_modules', '.bin', 'vsce')) ? join(repo, 'node_modules', '.bin', 'vsce') : 'vsce';
  const packed = spawnSync(vsce, ['package', '--no-dependencies', '-o', vsix], { cwd: repo, stdio: 'inherit' });
  if (packed.status !== 0) fail('vsce package failed (see above)');
  const installed = spawnSync(codeServer, [...common, '--install-extension', vsix, '--force'], { stdio: 'inherit' });
  if (installed.status !== 0) fail('installing the .vsix failed (see above)');
} else {
  symlinkSync(repo, join(extensions, `${extensionId}-${pkg.version}`), 'dir');
}

// ---- start and wait -----------------------------------------------------------------------

function portFree(port) {
  return new Promise(res => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

function anyFreePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

const wanted = Number(process.env.PORT) || 8080;
let port = wanted;
if (!(await portFree(wanted))) {
  port = await anyFreePort();
  console.log(`port ${wanted} is taken: using ${port} instead`);
}

// code-server would take PORT over --bind-addr; the port is chosen above.
const serverEnv = { ...process.env };
delete serverEnv.PORT;
const log = join(root, 'code-server.log');
const logFd = openSync(log, 'a');
// Its own process group, so that stopping it also stops the extension host and the
// language server it starts.
const server = spawn(codeServer, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
  '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', workspace],
{ stdio: ['ignore', logFd, logFd], detached: true, env: serverEnv });

let stopping = false;
async function stop(code) {
  if (stopping) return;
  stopping = true;
  console.log('\nstopping code-server…');
  const signal = sig => {
    try {
      process.kill(-server.pid, sig);
    } catch { /* already gone */ }
  };
  if (server.exitCode === null && server.signalCode === null) {
    const exited = new Promise(r => server.once('exit', r));
    signal('SIGTERM');
    await Promise.race([exited, new Promise(r => setTimeout(r, 5000))]);
  }
  signal('SIGKILL');
  rmSync(root, { recursive: true, force: true });
  process.exit(code);
}
server.on('error', err => {
  console.error(`could not start ${codeServer}: ${err.message}`);
  stop(1);
});
process.on('SIGINT', () => stop(0));
process.on('SIGTERM', () => stop(0));
server.on('exit', code => {
  if (stopping) return;
  console.error(`code-server exited (${code}); the end of its log:\n${readFileSync(log, 'utf8').split('\n').slice(-30).join('\n')}`);
  stop(1);
});

const healthy = () => new Promise(res => {
  const req = get(`http://127.0.0.1:${port}/healthz`, r => {
    r.resume();
    res(r.statusCode < 500);
  });
  req.on('error', () => res(false));
  req.setTimeout(2000, () => req.destroy());
});
const deadline = Date.now() + 60_000;
while (!(await healthy())) {
  if (stopping) await new Promise(() => {});  // exit handler is cleaning up
  if (Date.now() > deadline) {
    console.error(`code-server did not answer within 60 s; its log: ${log}`);
    await stop(1);
  }
  await new Promise(r => setTimeout(r, 250));
}

// Plain paths read better unencoded; anything unusual is encoded.
const folderParam = /^[\w/.-]+$/.test(workspace) ? workspace : encodeURIComponent(workspace);
const url = `http://127.0.0.1:${port}/?folder=${folderParam}`;
const line = '─'.repeat(Math.min(100, url.length + 4));
console.log(`
${line}
  ML Workbench ${pkg.version} is running in VS Code ${useVsix ? '(installed from a .vsix)' : '(linked from this repository)'}.

  Open:  ${url}

  Workspace: ${workspace}${folderArg ? '' : '   (a copy of demo/workspace; see its README.md)'}
  Log:       ${log}
  Ctrl-C stops it and removes the temp folders${folderArg ? ' (not FOLDER)' : ''}.
${line}`);

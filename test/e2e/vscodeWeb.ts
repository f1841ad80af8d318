// Drives a real VS Code (code-server: the VS Code 1.100 workbench in a browser, with a real
// Node extension host) in headless Chromium, with the extension installed from its .vsix as
// a user would install it. Used by the *.e2e.test.ts files beside it.
//
//   for (const [name, theme] of THEMES) describe(`… (${theme})`, () => {
//     const { vsc, workspace, step } = vscodeSuite({ workspace: makeWorkspace, theme, name: `feature-${name}` });
//     it('does something', t => step(t, 'label', async () => { await vsc().runCommand('ML Workbench: …'); }));
//   });
//
// or, by hand: VSCodeWeb.start({ workspace, theme, name }), then close().
//
// Needs code-server (scripts/install-vscode-web.sh; MLW_VSCODE_WEB overrides its PREFIX) and
// Chromium (MLW_CHROMIUM overrides /usr/bin/chromium). MLW_E2E_KEEP=1 keeps the temp folders
// and copies the logs into test-artifacts/e2e/ even when nothing failed.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type ElementHandle, type Frame, type Page } from 'playwright-core';
import { after, before, it, type TestContext } from 'node:test';

/** The repository root (this file runs from out/test/e2e/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');
/** Screenshots and, on failure, logs go here. */
export const artifactsDir = path.join(repoRoot, 'test-artifacts', 'e2e');

const EXTENSION_ID = 'mlworkbench.ml-workbench';
const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic'];
const INSTALL_HINT = 'run `bash scripts/install-vscode-web.sh` first (MLW_VSCODE_WEB=PREFIX and MLW_CHROMIUM=PATH point elsewhere)';

export interface VSCodeWebOptions {
  /** The folder VS Code opens. */
  workspace: string;
  /** workbench.colorTheme, e.g. "Default Dark Modern" or "Default Light Modern". */
  theme?: string;
  /**
   * Prefix of this session's screenshots and log dumps, e.g. "merkle-dark": unique across the
   * e2e files, which node --test runs in parallel, and cleared of older files at start.
   */
  name?: string;
  /** More user settings, merged over the defaults. */
  settings?: Record<string, unknown>;
  viewport?: { width: number; height: number };
}

export interface WaitOptions {
  timeout?: number;
  interval?: number;
}

export interface QuickRow {
  index: number;
  label: string;
  description: string;
  ariaLabel: string;
}

// ---- small utilities ------------------------------------------------------------------------

const sleep = (ms: number) => new Promise<void>(r => setTimeout(r, ms));

/**
 * Polls `probe` until it returns something truthy, and returns that. On timeout throws
 * "Timed out after N ms waiting for <what>", with the last error `probe` threw, if any.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  { timeout = 10_000, interval = 200 }: WaitOptions = {}): Promise<T> {
  const deadline = Date.now() + timeout;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v) return v;
      lastError = undefined;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError ? ` (last error: ${lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError)})` : '';
      throw new Error(`Timed out after ${timeout} ms waiting for ${what}${detail}`);
    }
    await sleep(interval);
  }
}

function run(cmd: string, args: string[], opts: { cwd?: string; timeout?: number } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { cwd: opts.cwd, timeout: opts.timeout ?? 120_000, maxBuffer: 16 << 20, env: { ...process.env, CI: process.env.CI ?? '' } },
      (err, stdout, stderr) => {
        if (err) reject(new Error(`${path.basename(cmd)} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
        else resolve(`${stdout}${stderr}`);
      });
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise(resolve => {
    const req = http.get(url, res => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
  });
}

function walk(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...walk(p));
    else if (e.isFile()) out.push(p);
  }
  return out;
}

function newestMtime(files: string[]): number {
  let t = 0;
  for (const f of files) {
    try {
      t = Math.max(t, fs.statSync(f).mtimeMs);
    } catch { /* missing file: ignored */ }
  }
  return t;
}

const safeName = (s: string) => s.replace(/[^\w.-]+/g, '_');

/** The environment without PORT, which code-server would take over --bind-addr. */
function withoutPort(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.PORT;
  return env;
}

// ---- installation of code-server, Chromium and the extension --------------------------------

/** PREFIX/bin/code-server, from MLW_VSCODE_WEB or $HOME/.cache/vscode-web. */
export function codeServerPath(): string {
  const prefix = process.env.MLW_VSCODE_WEB || path.join(os.homedir(), '.cache', 'vscode-web');
  const bin = path.join(prefix, 'bin', 'code-server');
  if (!fs.existsSync(bin)) throw new Error(`code-server not found at ${bin}: ${INSTALL_HINT}`);
  return bin;
}

export function chromiumPath(): string {
  const exe = process.env.MLW_CHROMIUM || '/usr/bin/chromium';
  if (!fs.existsSync(exe)) throw new Error(`Chromium not found at ${exe}: ${INSTALL_HINT}`);
  return exe;
}

let vsixPromise: Promise<string> | undefined;
/** Temp folders that outlive a session (the fresh .vsix), removed when the process exits. */
const tempFolders: string[] = [];

/**
 * The extension package to install: the repository's ml-workbench.vsix when it is newer than
 * everything it packs (dist/, package.json), else a fresh one built with vsce into a temp
 * folder (which proves that the package builds and installs). Built once per process.
 */
export function extensionVsix(): Promise<string> {
  vsixPromise ??= (async () => {
    const repoVsix = path.join(repoRoot, 'ml-workbench.vsix');
    const packed = [...walk(path.join(repoRoot, 'dist')).filter(f => f.endsWith('.js')), path.join(repoRoot, 'package.json')];
    if (!fs.existsSync(path.join(repoRoot, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run `npm run build` first');
    if (fs.existsSync(repoVsix) && fs.statSync(repoVsix).mtimeMs >= newestMtime(packed)) return repoVsix;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mlw-vsix-'));
    tempFolders.push(dir);
    const out = path.join(dir, 'ml-workbench.vsix');
    const cwd = await packagingTree(path.join(dir, 'tree'));
    const localVsce = path.join(repoRoot, 'node_modules', '.bin', 'vsce');
    if (fs.existsSync(localVsce)) await run(localVsce, ['package', '--no-dependencies', '-o', out], { cwd });
    else await run('npx', ['--no-install', 'vsce', 'package', '--no-dependencies', '-o', out], { cwd });
    if (!fs.existsSync(out)) throw new Error(`vsce package did not write ${out}`);
    return out;
  })();
  return vsixPromise;
}

/**
 * What vsce packs from, without what git ignores except dist/ (the build output it packs).
 * vsce walks every file under its folder before applying .vscodeignore, and a developer's
 * work tree can hold gigabytes of ignored data (bench/.data/): from the repository root
 * packing then takes most of a minute, from this copy a second or two — and yields the same
 * package, since .vscodeignore only lets dist/, bin/, media/ and the manifest files in.
 * Without git, it is the repository root itself.
 */
async function packagingTree(stage: string): Promise<string> {
  let listed: string[];
  try {
    listed = (await run('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: repoRoot, timeout: 30_000 }))
      .split('\0').filter(Boolean);
  } catch {
    return repoRoot;
  }
  const files = [...listed, ...walk(path.join(repoRoot, 'dist')).map(f => path.relative(repoRoot, f))];
  for (const rel of new Set(files)) {
    const from = path.join(repoRoot, rel);
    if (!fs.existsSync(from)) continue; // deleted in the work tree, not yet in the index
    fs.mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
    fs.copyFileSync(from, path.join(stage, rel));
  }
  return stage;
}

// ---- the session ----------------------------------------------------------------------------

/** Processes still to kill if the test process dies without close(). */
const live = new Set<ChildProcess>();
process.on('exit', () => {
  for (const p of live) killGroup(p, 'SIGKILL');
  if (!process.env.MLW_E2E_KEEP) for (const d of tempFolders) fs.rmSync(d, { recursive: true, force: true });
});

/** Signals code-server's process group: code-server, its extension host and the language server. */
function killGroup(p: ChildProcess, signal: NodeJS.Signals): void {
  if (p.pid === undefined) return;
  try {
    process.kill(-p.pid, signal); // code-server was started as its own process group
  } catch {
    try {
      p.kill(signal);
    } catch { /* already gone */ }
  }
}

export class VSCodeWeb {
  readonly name: string;
  readonly consoleLines: string[] = [];
  private closed = false;
  private failed = false;
  private shotCounter = 0;

  private constructor(
    readonly root: string,
    readonly workspace: string,
    readonly userDataDir: string,
    readonly extensionsDir: string,
    readonly port: number,
    private readonly server: ChildProcess,
    private readonly serverLog: string,
    readonly browser: Browser,
    readonly page: Page,
    name: string,
  ) {
    this.name = name;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(this.workspace)}`;
  }

  /**
   * Starts code-server on a free port with a fresh user-data-dir and extensions-dir (the
   * extension installed there from its .vsix), opens `workspace` in headless Chromium and
   * waits for the workbench to render.
   */
  static async start(options: VSCodeWebOptions): Promise<VSCodeWeb> {
    const codeServer = codeServerPath();
    const chromiumExe = chromiumPath();
    const name = safeName(options.name ?? options.theme ?? 'vscode');
    // Artifacts of an earlier run of the same session would mix with this run's.
    fs.mkdirSync(artifactsDir, { recursive: true });
    for (const f of fs.readdirSync(artifactsDir)) {
      if (f.startsWith(`${name}-`)) fs.rmSync(path.join(artifactsDir, f), { recursive: true, force: true });
    }

    const root = fs.mkdtempSync(path.join(os.tmpdir(), `mlw-e2e-${name}-`));
    const userDataDir = path.join(root, 'user-data');
    const extensionsDir = path.join(root, 'extensions');
    fs.mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    fs.mkdirSync(extensionsDir, { recursive: true });
    // Without these: a modal workspace-trust dialog blocks every click, a welcome page covers
    // the editor, and the workbench tries to reach the network.
    const settings: Record<string, unknown> = {
      'security.workspace.trust.enabled': false,
      'workbench.startupEditor': 'none',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.ignoreRecommendations': true,
      'telemetry.telemetryLevel': 'off',
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      ...(options.theme ? { 'workbench.colorTheme': options.theme } : {}),
      ...options.settings,
    };
    fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    // An own config file, so that ~/.config/code-server/config.yaml is neither read nor written.
    const config = path.join(root, 'config.yaml');
    fs.writeFileSync(config, 'auth: none\ncert: false\n');
    const common = ['--config', config, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];

    const vsix = await extensionVsix();
    const installed = await run(codeServer, [...common, '--install-extension', vsix, '--force'], { timeout: 60_000 });
    if (!fs.readdirSync(extensionsDir).some(d => d.startsWith(`${EXTENSION_ID}-`))) {
      throw new Error(`code-server --install-extension ${vsix} installed nothing into ${extensionsDir}:\n${installed}`);
    }

    const port = await freePort();
    const serverLog = path.join(root, 'code-server.log');
    const logFd = fs.openSync(serverLog, 'a');
    const server = spawn(codeServer, [...common, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--disable-telemetry',
      '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override', '--ignore-last-opened', options.workspace],
    { stdio: ['ignore', logFd, logFd], detached: true, env: withoutPort() });
    fs.closeSync(logFd);
    live.add(server);
    server.on('exit', () => live.delete(server));

    let browser: Browser | undefined;
    try {
      await waitFor(`code-server to listen on 127.0.0.1:${port} (log: ${serverLog})`, async () => {
        if (server.exitCode !== null) throw new Error(`code-server exited with ${server.exitCode}: ${fs.readFileSync(serverLog, 'utf8').slice(-2000)}`);
        return httpOk(`http://127.0.0.1:${port}/healthz`);
      }, { timeout: 30_000, interval: 250 });

      browser = await chromium.launch({ executablePath: chromiumExe, headless: true, args: CHROMIUM_FLAGS });
      const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
      const vsc = new VSCodeWeb(root, options.workspace, userDataDir, extensionsDir, port, server, serverLog, browser, page, name);
      page.on('console', m => {
        if (m.type() === 'error' || m.type() === 'warning') vsc.consoleLines.push(`[${m.type()}] ${m.text()}`);
      });
      page.on('pageerror', e => vsc.consoleLines.push(`[pageerror] ${e.message}`));
      page.on('response', r => {
        if (r.status() >= 400) vsc.consoleLines.push(`[http ${r.status()}] ${r.url()}`);
      });
      await page.goto(vsc.url);
      await vsc.waitForSelector('.monaco-workbench .part.statusbar', { timeout: 60_000, what: 'the workbench to render' });
      await vsc.waitForSelector('.command-center-center', { timeout: 20_000, what: 'the command center in the title bar' });
      return vsc;
    } catch (err) {
      await browser?.close().catch(() => undefined);
      killGroup(server, 'SIGKILL');
      try {
        fs.copyFileSync(serverLog, path.join(artifactsDir, `${name}-code-server.log`));
      } catch { /* nothing to keep */ }
      throw err;
    }
  }

  // ---- waiting and finding ----------------------------------------------------------------

  /** Waits for a selector in the main frame (the workbench), with a readable failure. */
  async waitForSelector(selector: string, opts: { timeout?: number; state?: 'attached' | 'visible' | 'hidden'; what?: string } = {}): Promise<ElementHandle | null> {
    const timeout = opts.timeout ?? 10_000;
    try {
      return await this.page.waitForSelector(selector, { timeout, state: opts.state ?? 'visible' });
    } catch {
      throw new Error(`Timed out after ${timeout} ms waiting for ${opts.what ?? 'selector'} (${selector} to be ${opts.state ?? 'visible'}) in the workbench`);
    }
  }

  /**
   * The first frame (of any depth: a webview's document sits in an iframe inside an iframe)
   * that has an element matching `selector`, with that element; undefined if none has.
   */
  async findInWebviews(selector: string): Promise<{ frame: Frame; element: ElementHandle } | undefined> {
    for (const frame of this.page.frames()) {
      if (frame === this.page.mainFrame()) continue;
      try {
        const element = await frame.$(selector);
        if (element) return { frame, element };
      } catch { /* frame navigated or detached meanwhile */ }
    }
    return undefined;
  }

  /** Waits until some webview frame has `selector`, and returns that frame. */
  async waitForWebview(selector: string, opts: WaitOptions & { what?: string } = {}): Promise<Frame> {
    const found = await waitFor(opts.what ?? `a webview with ${selector}`, () => this.findInWebviews(selector), { timeout: 15_000, ...opts });
    return found.frame;
  }

  // ---- quick input: command palette and quick picks -----------------------------------------

  /** The rows the quick input shows now, in list order. */
  async quickRows(): Promise<QuickRow[]> {
    return this.page.$$eval('.quick-input-widget .quick-input-list .monaco-list-row', rows => rows
      .map(r => ({
        index: Number(r.getAttribute('data-index') ?? -1),
        label: (r.querySelector('.quick-input-list-label .label-name, .label-name')?.textContent ?? '').trim(),
        description: (r.querySelector('.label-description')?.textContent ?? '').trim(),
        ariaLabel: r.getAttribute('aria-label') ?? '',
      }))
      .sort((a, b) => a.index - b.index));
  }

  /** The title of the visible quick input ('' if it has none); throws if none is visible. */
  async quickInputTitle(): Promise<string> {
    const widget = await this.page.$('.quick-input-widget');
    if (!widget || !(await widget.isVisible())) throw new Error('no quick input is visible');
    return (await this.page.$eval('.quick-input-widget .quick-input-title', e => e.textContent ?? '').catch(() => '')).trim();
  }

  /** Waits for a visible quick input, optionally one whose title matches. Returns its title. */
  async waitForQuickInput(title?: string | RegExp, timeout = 10_000): Promise<string> {
    const matches = (t: string) => title === undefined || (typeof title === 'string' ? t.includes(title) : title.test(t));
    let seen = '';
    try {
      return await waitFor(`a quick input${title ? ` titled ${title}` : ''}`, async () => {
        seen = await this.quickInputTitle();
        return matches(seen) ? seen || ' ' : undefined;
      }, { timeout });
    } catch (err) {
      throw new Error(`${(err as Error).message}${seen ? `; the visible quick input is titled "${seen}"` : ''}`);
    }
  }

  /**
   * Waits until a row labelled exactly `label` shows, then picks it: Enter if it is the first
   * row, else a click. `screenshot` names a screenshot taken just before.
   */
  private async acceptRow(label: string, timeout: number, screenshot?: string): Promise<void> {
    let rows: QuickRow[] = [];
    try {
      // The list is filtered as the text arrives: act only once two reads agree, or the row
      // found may move or vanish before the click.
      let previous = '';
      const row = await waitFor(`a quick pick row labelled "${label}"`, async () => {
        rows = await this.quickRows();
        const now = JSON.stringify(rows.map(r => r.label));
        const stable = now === previous;
        previous = now;
        return stable ? rows.find(r => r.label === label) : undefined;
      }, { timeout, interval: 150 });
      if (screenshot) await this.screenshot(screenshot);
      if (row === rows[0]) await this.page.keyboard.press('Enter');
      else await this.page.click(`.quick-input-widget .quick-input-list .monaco-list-row[data-index="${row.index}"]`);
    } catch (err) {
      throw new Error(`${(err as Error).message}; rows shown: ${JSON.stringify(rows.map(r => r.label))}`);
    }
  }

  /**
   * Runs a command from the command palette by its full title ("Category: Title").
   * `screenshot` names a screenshot of the palette taken just before Enter.
   */
  async runCommand(title: string, { timeout = 10_000, screenshot }: { timeout?: number; screenshot?: string } = {}): Promise<void> {
    await this.page.click('.command-center-center');
    await this.parkMouse(); // else the command center's hover covers the palette
    await this.waitForSelector('.quick-input-widget input', { timeout, what: 'the command palette' });
    await this.page.keyboard.type(`>${title}`);
    await this.acceptRow(title, timeout, screenshot);
    await this.parkMouse();
  }

  /** Moves the mouse to an empty spot of the activity bar, so no hover covers what a screenshot shows. */
  async parkMouse(): Promise<void> {
    const size = this.page.viewportSize() ?? { width: 1280, height: 800 };
    await this.page.mouse.move(24, Math.round(size.height * 0.6));
  }

  /** Types `text` into the visible quick pick and picks the row labelled exactly `text`. */
  async pickQuickItem(text: string, { title, timeout = 10_000, screenshot }: { title?: string | RegExp; timeout?: number; screenshot?: string } = {}): Promise<void> {
    await this.waitForQuickInput(title, timeout);
    await this.page.fill('.quick-input-widget .quick-input-box input', text);
    await this.acceptRow(text, timeout, screenshot);
    await this.parkMouse();
  }

  /**
   * Answers VS Code's save dialog (in the browser, a quick input holding a path) with `file`. The
   * dialog fills in its default path just after it opens, which can overwrite text typed too soon:
   * type until the box holds `file`, then accept.
   */
  async answerSaveDialog(file: string, timeout = 10_000): Promise<void> {
    await this.waitForQuickInput(undefined, timeout);
    const box = '.quick-input-widget .quick-input-box input';
    await waitFor(`the save dialog to hold ${file}`, async () => {
      await this.page.fill(box, file);
      await new Promise(resolve => setTimeout(resolve, 300));
      return (await this.page.inputValue(box)) === file;
    }, { timeout });
    await this.page.keyboard.press('Enter');
  }

  // ---- status bar, editors ----------------------------------------------------------------

  /** Text of the status bar items whose text or accessible label matches. */
  async statusBarItems(match: RegExp): Promise<{ id: string; text: string; ariaLabel: string; classes: string; icons: string[] }[]> {
    const items = await this.page.$$eval('.part.statusbar .statusbar-item', els => els.map(e => ({
      id: e.id,
      text: (e.textContent ?? '').trim(),
      ariaLabel: e.getAttribute('aria-label') ?? e.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '',
      classes: e.className,
      icons: [...e.querySelectorAll('.codicon')].map(i => [...i.classList].filter(c => c.startsWith('codicon-')).join(' ')),
    })));
    return items.filter(i => match.test(i.text) || match.test(i.ariaLabel));
  }

  /** Texts of the notification toasts shown now. */
  async notifications(): Promise<string[]> {
    return this.page.$$eval('.notifications-toasts .notification-toast', els => els
      .filter(e => (e as HTMLElement).offsetParent !== null)
      .map(e => (e.querySelector('.notification-list-item-message')?.textContent ?? e.textContent ?? '').trim()));
  }

  /** Titles of the editor tabs. */
  async tabTitles(): Promise<string[]> {
    return this.page.$$eval('.part.editor .tabs-container .tab', tabs => tabs.map(t => (t.getAttribute('aria-label') || t.textContent || '').trim()));
  }

  /** Opens a file shown in the explorer by clicking it, as a user does, and waits for its tab. */
  async openFromExplorer(file: string): Promise<void> {
    await this.page.click(`.part.sidebar .monaco-list-row[aria-label^="${file}"]`);
    await waitFor(`an editor tab for ${file}`, async () => (await this.tabTitles()).some(t => t.startsWith(file)), { timeout: 10_000 });
  }

  /** Closes every editor and waits until no tab is left. */
  async closeAllEditors(): Promise<void> {
    await this.runCommand('View: Close All Editors');
    await waitFor('no editor tabs', async () => (await this.tabTitles()).length === 0, { timeout: 5_000 });
  }

  // ---- artifacts and logs -----------------------------------------------------------------

  /** Saves a screenshot of the whole page as test-artifacts/e2e/<name>-<nn>-<label>.png and returns its path. */
  async screenshot(label: string): Promise<string> {
    const file = path.join(artifactsDir, `${this.name}-${String(++this.shotCounter).padStart(2, '0')}-${safeName(label)}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  /** All log files of this session (USER_DATA_DIR/logs/<time>/…). */
  logFiles(): string[] {
    return walk(path.join(this.userDataDir, 'logs'));
  }

  /** The extension host's own logs (exthost*.log, remoteexthost.log). */
  extensionHostLog(): string {
    return this.logFiles()
      .filter(f => /exthost/i.test(path.basename(f)))
      .map(f => `==> ${path.relative(this.userDataDir, f)} <==\n${fs.readFileSync(f, 'utf8')}`).join('\n');
  }

  /** The extension's "ML Workbench" output channel, as the extension host writes it to disk. */
  outputChannelLog(channel = 'ML Workbench'): string {
    return this.logFiles()
      .filter(f => path.basename(f).includes(channel) || f.includes(`${path.sep}${EXTENSION_ID}${path.sep}`))
      .map(f => fs.readFileSync(f, 'utf8')).join('\n');
  }

  /** Waits until the output channel log matches. */
  async waitForOutput(pattern: RegExp, opts: WaitOptions = {}): Promise<string> {
    return waitFor(`the ML Workbench output to match ${pattern}`, () => {
      const text = this.outputChannelLog();
      return pattern.test(text) ? text : undefined;
    }, { timeout: 15_000, interval: 300, ...opts });
  }

  /** Waits until the extension host has activated the extension (or failed to). */
  async waitForActivation(opts: WaitOptions = {}): Promise<void> {
    await waitFor(`the extension host to activate ${EXTENSION_ID}`, () => {
      const log = this.extensionHostLog();
      const failed = new RegExp(`Activating extension '?${EXTENSION_ID}'? failed[^\\n]*`, 'i').exec(log);
      if (failed) throw new Error(failed[0]);
      return new RegExp(`(ExtensionService#_doActivateExtension|activated extension) ${EXTENSION_ID.replace('.', '\\.')}`, 'i').test(log);
    }, { timeout: 15_000, interval: 300, ...opts });
  }

  /** Copies this session's logs into test-artifacts/e2e/<name>-*.log and <name>-logs/. */
  dumpLogs(): string[] {
    const written: string[] = [];
    const put = (file: string, text: string) => {
      const p = path.join(artifactsDir, `${this.name}-${file}`);
      fs.writeFileSync(p, text);
      written.push(p);
    };
    put('ML-Workbench-output.log', this.outputChannelLog() || '(no ML Workbench output channel log found)\n');
    put('exthost.log', this.extensionHostLog() || '(no extension host log found)\n');
    put('browser-console.log', this.consoleLines.join('\n') + '\n');
    try {
      put('code-server.log', fs.readFileSync(this.serverLog, 'utf8'));
    } catch { /* none */ }
    const logsCopy = path.join(artifactsDir, `${this.name}-logs`);
    fs.rmSync(logsCopy, { recursive: true, force: true });
    fs.cpSync(path.join(this.userDataDir, 'logs'), logsCopy, { recursive: true, force: true });
    written.push(logsCopy);
    return written;
  }

  /**
   * Runs one step of a scenario; if it throws, saves a screenshot and the logs before
   * rethrowing (the error message then names them).
   */
  async step<T>(label: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      this.failed = true;
      const saved: string[] = [];
      try {
        saved.push(await this.screenshot(`FAILED-${label}`));
      } catch { /* page gone */ }
      try {
        saved.push(...this.dumpLogs());
      } catch { /* logs gone */ }
      if (err instanceof Error) err.message = `[${this.name}] ${label}: ${err.message}\n  saved: ${saved.map(p => path.relative(repoRoot, p)).join(', ')}`;
      throw err;
    }
  }

  /** Closes the browser and kills code-server (and its children); safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (process.env.MLW_E2E_KEEP && !this.failed) {
      try {
        this.dumpLogs();
      } catch { /* logs gone */ }
    }
    await Promise.race([this.browser.close().catch(() => undefined), sleep(10_000)]);
    if (this.server.exitCode === null && this.server.signalCode === null) {
      const exited = new Promise<void>(r => this.server.once('exit', () => r()));
      killGroup(this.server, 'SIGTERM');
      await Promise.race([exited, sleep(5_000)]);
    }
    // Whatever of the group outlived code-server itself (extension host, language server).
    killGroup(this.server, 'SIGKILL');
    live.delete(this.server);
    if (!process.env.MLW_E2E_KEEP) fs.rmSync(this.root, { recursive: true, force: true });
  }
}

/**
 * The steps of one scenario, each a test: after one fails, the later ones are skipped (they
 * would only fail too, with confusing messages).
 */
export function scenarioSteps(vsc: () => VSCodeWeb): (t: TestContext, label: string, fn: () => Promise<void>) => Promise<void> | void {
  let broken = false;
  return (t, label, fn) => {
    if (broken) return t.skip('an earlier step failed');
    return vsc().step(label, fn).catch(err => {
      broken = true;
      throw err;
    });
  };
}

/** The themes every scenario runs in: [name suffix for its artifacts, workbench.colorTheme]. */
export const THEMES = [['dark', 'Default Dark Modern'], ['light', 'Default Light Modern']] as const;

export interface SuiteOptions extends Omit<VSCodeWebOptions, 'workspace'> {
  /** Makes the folder VS Code opens; the suite removes it at the end. */
  workspace: () => string | Promise<string>;
  /**
   * Adds the suite's first test, "starts the server" (the extension activates and its output
   * names the server's pid). Default true; false where the first step checks that its own way.
   */
  serverStartTest?: boolean;
}

export interface Suite {
  /** The running VS Code, from the suite's before() on. */
  vsc: () => VSCodeWeb;
  /** The workspace folder, from the suite's before() on. */
  workspace: () => string;
  /** The suite's scenarioSteps(): after a step fails, the later ones are skipped. */
  step: ReturnType<typeof scenarioSteps>;
}

/**
 * One VS Code session for the describe() it is called in: before() makes the workspace and
 * starts VS Code on it, after() closes VS Code and removes the workspace, and (unless told not
 * to) a first test waits for the server to start. Call it before the suite's own it()s.
 */
export function vscodeSuite(options: SuiteOptions): Suite {
  const { workspace: makeWorkspace, serverStartTest = true, ...startOptions } = options;
  let vsc: VSCodeWeb | undefined;
  let workspace: string | undefined;
  const running = (): VSCodeWeb => {
    if (!vsc) throw new Error('VS Code is not running (the suite\'s before() failed)');
    return vsc;
  };
  const step = scenarioSteps(running);

  before(async () => {
    workspace = await makeWorkspace();
    vsc = await VSCodeWeb.start({ ...startOptions, workspace });
  });

  after(async () => {
    await vsc?.close();
    if (workspace) fs.rmSync(workspace, { recursive: true, force: true });
  });

  if (serverStartTest) {
    it('starts the server', t => step(t, 'activation', async () => {
      await running().waitForActivation({ timeout: 20_000 });
      await running().waitForOutput(/server running: pid \d+/, { timeout: 30_000 });
    }));
  }

  return {
    vsc: running,
    workspace: () => {
      if (!workspace) throw new Error('no workspace yet (the suite\'s before() has not run)');
      return workspace;
    },
    step,
  };
}

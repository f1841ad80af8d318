// Bad input: missing folders, files where folders are expected, unreadable files, FIFOs,
// sockets and symlink loops. Nothing hangs; what cannot be hashed is reported, not fatal.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { compare } from '../../server/merkle/compare';
import { scanFolder } from '../../server/merkle/scan';
import { build, expectedRoot, isRoot, repoRoot, sha256sum, tempDir } from './helpers';

const NOBODY = 65534;

test('a missing folder is a UserError naming it', async t => {
  const missing = path.join(tempDir(t), 'no', 'such');
  await assert.rejects(scanFolder(missing, { cacheDir: false }), (e: unknown) => {
    assert.ok(e instanceof UserError);
    assert.equal(e.file, missing);
    assert.match(e.describe(), new RegExp(`^${missing.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: no such folder`));
    return true;
  });
  await assert.rejects(compare(missing, missing, { cacheDir: false }), (e: unknown) => e instanceof UserError && e.file === missing);
});

test('a file given as the folder is a UserError naming it', async t => {
  const file = path.join(tempDir(t), 'plain.txt');
  fs.writeFileSync(file, 'not a folder');
  await assert.rejects(scanFolder(file, { cacheDir: false }), (e: unknown) => e instanceof UserError && e.file === file && /not a folder/.test(e.message));
});

test('an unreadable file is reported in problems and left out, the scan goes on', async t => {
  const dir = build(tempDir(t), { 'ok.txt': 'fine\n', 'secret.txt': 'hidden\n', 'sub/also-ok.txt': 'fine too\n' });
  fs.chmodSync(path.join(dir, 'secret.txt'), 0o000);
  if (isRoot) {
    // Root reads files whatever their mode; the same check runs as "nobody" in the next test.
    t.skip('running as root: chmod 000 does not stop root from reading');
    return;
  }
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(r.problems, [{ path: 'secret.txt', reason: 'permission denied' }]);
  assert.equal(r.root.hash, expectedRoot(dir, rel => rel === 'secret.txt'));
});

test('as another user: an unreadable file and an unreadable folder are reported, not fatal, not listed as changes', async t => {
  if (!isRoot) return t.skip('needs root to run the CLI as "nobody" (the previous test covers non-root runs)');
  const base = tempDir(t);
  fs.chmodSync(base, 0o755);
  const a = build(path.join(base, 'A'), { 'ok.txt': 'fine\n', 'secret.txt': 'hidden\n', 'locked/x.txt': 'x\n', 'locked/y.txt': 'y\n' });
  const b = build(path.join(base, 'B'), { 'ok.txt': 'fine\n', 'secret.txt': 'hidden\n', 'locked/x.txt': 'x\n', 'locked/y.txt': 'y\n' });
  fs.chmodSync(path.join(a, 'secret.txt'), 0o000);
  fs.chmodSync(path.join(a, 'locked'), 0o000);
  const run = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'mlw.js'), ...args], {
    uid: NOBODY, gid: NOBODY, encoding: 'utf8', timeout: 20_000, cwd: base, env: { ...process.env, HOME: base, XDG_CACHE_HOME: path.join(base, 'cache') },
  });

  const root = run('merkle', 'root', a, '--json', '--no-cache');
  assert.equal(root.status, 0, root.stderr);
  const out = JSON.parse(root.stdout);
  assert.deepEqual(out.problems, [{ path: 'locked', reason: 'permission denied' }, { path: 'secret.txt', reason: 'permission denied' }]);
  // What is left: ok.txt only.
  assert.equal(out.root, sha256sum(`file ${sha256sum('fine\n')} ok.txt\0`));
  assert.match(root.stderr, /warning: secret\.txt: permission denied/);

  const diff = run('merkle', 'diff', a, b, '--json', '--no-cache');
  assert.equal(diff.status, 1, diff.stderr);
  const d = JSON.parse(diff.stdout);
  assert.deepEqual(d.problems, [{ side: 'A', path: 'locked', reason: 'permission denied' }, { side: 'A', path: 'secret.txt', reason: 'permission denied' }]);
  // Neither the unreadable file nor anything inside the unreadable folder is claimed to be added.
  assert.deepEqual([d.added, d.removed, d.modified], [[], [], []]);
});

test('a FIFO is skipped and reported, never opened', { timeout: 10_000 }, async t => {
  const dir = build(tempDir(t), { 'a.txt': 'a', 'sub/b.txt': 'b' });
  execFileSync('mkfifo', [path.join(dir, 'pipe'), path.join(dir, 'sub', 'pipe2')]);
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(r.problems, [{ path: 'pipe', reason: 'skipped: FIFO' }, { path: 'sub/pipe2', reason: 'skipped: FIFO' }]);
  assert.equal(r.root.hash, expectedRoot(dir));
  // An excluded FIFO is not even reported.
  const r2 = await scanFolder(dir, { cacheDir: false, exclude: ['pipe*'] });
  assert.deepEqual(r2.problems, []);
});

test('a socket is skipped and reported', { timeout: 10_000 }, async t => {
  const dir = build(tempDir(t), { 'a.txt': 'a' });
  const server = net.createServer();
  await new Promise<void>(resolve => server.listen(path.join(dir, 'sock'), resolve));
  t.after(() => new Promise<void>(resolve => server.close(() => resolve())));
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(r.problems, [{ path: 'sock', reason: 'skipped: socket' }]);
  assert.equal(r.root.hash, expectedRoot(dir));
});

test('symlink loops and links to a parent folder are hashed as their target strings, not followed', { timeout: 10_000 }, async t => {
  const dir = build(tempDir(t), {
    'a': { link: 'b' },
    'b': { link: 'a' },
    'self': { link: 'self' },
    'sub/up': { link: '..' },
    'sub/root': { link: path.sep },
    'sub/file.txt': 'f',
  });
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(r.problems, []);
  assert.equal(r.stats.links, 5);
  const kids = r.root.children!;
  assert.equal(kids.get('a')!.hash, sha256sum('b'));
  assert.equal(kids.get('b')!.hash, sha256sum('a'));
  assert.equal(kids.get('self')!.hash, sha256sum('self'));
  assert.equal(kids.get('sub')!.children!.get('up')!.hash, sha256sum('..'));
  assert.equal(kids.get('sub')!.children!.get('up')!.kind, 'link');
  assert.equal(r.root.count, 7 + 1);
  assert.equal(r.root.hash, expectedRoot(dir));
});

test('link targets are hashed as their stored bytes, also when they are not valid UTF-8', async t => {
  const dir = tempDir(t);
  const [t1, t2] = [Buffer.from([0x74, 0xfe]), Buffer.from([0x74, 0xff])]; // "t" + a byte UTF-8 never uses
  fs.symlinkSync(t1, path.join(dir, 'l1'));
  fs.symlinkSync(t2, path.join(dir, 'l2'));
  const r = await scanFolder(dir, { cacheDir: false });
  assert.equal(r.root.children!.get('l1')!.hash, sha256sum(t1));
  assert.equal(r.root.children!.get('l2')!.hash, sha256sum(t2));
  assert.notEqual(r.root.children!.get('l1')!.hash, r.root.children!.get('l2')!.hash);
  assert.equal(r.root.children!.get('l1')!.size, 2);
  assert.equal(r.root.hash, expectedRoot(dir));
});

test('an aborted scan rejects instead of finishing', async t => {
  const dir = build(tempDir(t), { 'a.txt': 'a' });
  const ac = new AbortController();
  ac.abort();
  await assert.rejects(scanFolder(dir, { cacheDir: false, signal: ac.signal }), /cancelled/);
});

// Snapshots: round trip, diff against a folder, kept contents, damage detection, atomic writes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { compare } from '../../server/merkle/compare';
import { diffTrees } from '../../server/merkle/diff';
import { scanFolder } from '../../server/merkle/scan';
import { listSnapshots, loadSnapshot, readSnapshotContent, writeSnapshot } from '../../server/merkle/snapshot';
import { build, expectedRoot, sha256sum, tempDir, treePaths, type Spec } from './helpers';

const spec: Spec = {
  'small.txt': 'small\n',
  'dup-a.txt': 'same bytes\n',
  'dup-b.txt': 'same bytes\n',
  'big.bin': Buffer.alloc(5000, 7),
  'zero.txt': '',
  'sub/inner.txt': 'inner\n',
  'sub/deeper/x.txt': 'x\n',
  'empty': null,
  'link': { link: 'sub/inner.txt' },
  '\uFF21\u{1F600}.txt': 'unicode\n',
};

async function snapshotOf(t: import('node:test').TestContext, contentLimit = 0) {
  const base = tempDir(t);
  const dir = build(path.join(base, 'src'), spec);
  const snapDir = path.join(base, 'snaps');
  const file = path.join(snapDir, 'one.json');
  const r = await scanFolder(dir, { cacheDir: false });
  const meta = writeSnapshot(file, r.root, { source: dir, options: {}, contentLimit });
  return { base, dir, snapDir, file, meta, root: r.root };
}

/** Every file under a folder, relative. */
function allFiles(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter(p => fs.lstatSync(path.join(dir, p)).isFile()).sort();
}

test('writeSnapshot + loadSnapshot round trip: same root, same entries, empty folders kept', async t => {
  const { dir, file, meta, root } = await snapshotOf(t);
  const want = expectedRoot(dir);
  assert.equal(meta.root, want);
  assert.equal(meta.entryCount, 12);
  const s = loadSnapshot(file);
  assert.equal(s.tree.hash, want);
  assert.equal(s.meta.root, want);
  assert.equal(s.meta.source, path.resolve(dir));
  assert.equal(s.meta.entryCount, 12);
  assert.deepEqual(treePaths(s.tree), treePaths(root));
  assert.equal(s.tree.children!.get('link')!.kind, 'link');
  assert.equal(s.tree.children!.get('empty')!.kind, 'dir');
  assert.equal(diffTrees(s.tree, root).comparisons, 1);
  assert.ok(!fs.existsSync(path.join(path.dirname(file), 'objects')), 'contentLimit 0 keeps hashes only (no objects/ at all)');
});

test('diff of a folder against its snapshot after changes', async t => {
  const { dir, file } = await snapshotOf(t);
  fs.writeFileSync(path.join(dir, 'sub/inner.txt'), 'changed\n');
  fs.rmSync(path.join(dir, 'small.txt'));
  fs.writeFileSync(path.join(dir, 'empty/now-full.txt'), 'n');
  const d = diffTrees(loadSnapshot(file).tree, (await scanFolder(dir, { cacheDir: false })).root);
  assert.deepEqual(d.added, ['empty/now-full.txt']);
  assert.deepEqual(d.removed, ['small.txt']);
  assert.deepEqual(d.modified, ['sub/inner.txt']);
  // Through compare(): a file is read as a snapshot, a folder is scanned.
  const c = await compare(file, dir, { cacheDir: false });
  assert.equal(c.a.kind, 'snapshot');
  assert.equal(c.b.kind, 'folder');
  assert.equal(c.rootB, expectedRoot(dir));
  assert.deepEqual([c.added, c.removed, c.modified], [d.added, d.removed, d.modified]);
});

test('contents of files up to contentLimit are kept under objects/ab/cdef…, deduplicated', async t => {
  const { dir, snapDir, file } = await snapshotOf(t, 100);
  const small = sha256sum('small\n');
  const dup = sha256sum('same bytes\n');
  const objects = path.join(snapDir, 'objects');
  assert.equal(fs.readFileSync(path.join(objects, small.slice(0, 2), small.slice(2)), 'utf8'), 'small\n');
  assert.equal(readSnapshotContent(file, small)!.toString(), 'small\n');
  assert.equal(readSnapshotContent(file, dup)!.toString(), 'same bytes\n');
  assert.equal(readSnapshotContent(file, sha256sum(''))!.length, 0, 'an empty file is kept (0 <= limit)');
  // big.bin is 5000 bytes > 100: hash only.
  assert.equal(readSnapshotContent(file, sha256sum(fs.readFileSync(path.join(dir, 'big.bin')))), undefined);
  // Links and folders are not contents.
  assert.equal(readSnapshotContent(file, sha256sum('sub/inner.txt')), undefined);
  // Exactly one object per distinct small content: small, same bytes, zero, inner, x, unicode.
  const want = ['small\n', 'same bytes\n', '', 'inner\n', 'x\n', 'unicode\n'].map(sha256sum).map(h => `${h.slice(0, 2)}/${h.slice(2)}`).sort();
  assert.deepEqual(allFiles(objects), want);
  // Each object's content hashes to its own name.
  for (const rel of allFiles(objects)) assert.equal(sha256sum(fs.readFileSync(path.join(objects, rel))), rel.replace('/', ''));
  // A second snapshot in the same folder shares the objects.
  const r = await scanFolder(dir, { cacheDir: false });
  writeSnapshot(path.join(snapDir, 'two.json'), r.root, { source: dir, options: {}, contentLimit: 100 });
  assert.deepEqual(allFiles(objects), want);
  assert.deepEqual(listSnapshots(snapDir).map(m => path.basename(m.file)).sort(), ['one.json', 'two.json']);
});

test('the write is atomic: only the snapshot and its objects are left, no temp files', async t => {
  const { snapDir, file } = await snapshotOf(t, 100);
  const left = fs.readdirSync(snapDir, { recursive: true }) as string[];
  assert.deepEqual(left.filter(n => /\.tmp$|\/\.|^\./.test(n)), []);
  assert.deepEqual(fs.readdirSync(snapDir).sort(), ['objects', 'one.json']);
  // Overwriting the snapshot replaces it whole.
  const before = fs.statSync(file).ino;
  const r = await scanFolder(path.join(path.dirname(snapDir), 'src'), { cacheDir: false });
  writeSnapshot(file, r.root, { source: path.join(path.dirname(snapDir), 'src'), options: {}, contentLimit: 0 });
  assert.notEqual(fs.statSync(file).ino, before, 'written to a new file and renamed over the old one');
  assert.deepEqual(fs.readdirSync(snapDir).sort(), ['objects', 'one.json']);
  assert.equal(loadSnapshot(file).tree.hash, r.root.hash);
});

/** Loads a damaged copy and returns the UserError, checking it names the file. */
function damaged(t: import('node:test').TestContext, file: string, edit: (data: any) => unknown): UserError {
  const copy = path.join(path.dirname(file), `damaged-${Math.random().toString(36).slice(2)}.json`);
  const data = JSON.parse(fs.readFileSync(file, 'utf8'));
  const out = edit(data);
  fs.writeFileSync(copy, typeof out === 'string' ? out : JSON.stringify(out ?? data));
  t.after(() => fs.rmSync(copy, { force: true }));
  let err: unknown;
  try {
    loadSnapshot(copy);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof UserError, `expected a UserError, got ${String(err)}`);
  assert.equal(err.file, copy);
  assert.ok(err.describe().startsWith(`${copy}: `), err.describe());
  return err;
}

test('damaged snapshots throw a UserError naming the file', async t => {
  const { file } = await snapshotOf(t);
  const flip = (h: string) => (h[0] === '0' ? '1' : '0') + h.slice(1);
  const entry = (data: any, p: string) => data.entries.find((e: unknown[]) => e[0] === p);

  assert.match(damaged(t, file, () => '{"format": "mlw-merkle-snapshot", ').message, /not valid JSON/);
  assert.match(damaged(t, file, d => ({ ...d, format: 'something-else' })).message, /not an ML Workbench snapshot/);
  assert.match(damaged(t, file, d => ({ ...d, version: 99 })).message, /unsupported snapshot version 99/);
  assert.match(damaged(t, file, d => { delete d.entries; }).message, /"entries" or "root" missing/);
  // A nested file's hash tampered with: its folder's recorded hash no longer matches.
  assert.match(damaged(t, file, d => { const e = entry(d, 'sub/deeper/x.txt'); e[2] = flip(e[2]); }).message, /folder "sub\/deeper" records hash/);
  // A top-level file's hash tampered with: the root no longer matches.
  assert.match(damaged(t, file, d => { const e = entry(d, 'small.txt'); e[2] = flip(e[2]); }).message, /entries hash to root/);
  // A folder's entry removed: its children have no parent.
  assert.match(damaged(t, file, d => { d.entries = d.entries.filter((e: unknown[]) => e[0] !== 'sub'); }).message, /"sub\/deeper" has no parent folder entry|"sub\/inner.txt" has no parent folder entry/);
  // The recorded root changed.
  assert.match(damaged(t, file, d => { d.root = flip(d.root); }).message, /entries hash to root .* but the file records/);
  // Entry shapes.
  assert.match(damaged(t, file, d => { entry(d, 'small.txt')[2] = 'not-hex'; }).message, /entry \d+ has an invalid hash/);
  assert.match(damaged(t, file, d => { entry(d, 'small.txt')[0] = '../escape'; }).message, /invalid path/);
  assert.match(damaged(t, file, d => { entry(d, 'small.txt')[1] = 'socket'; }).message, /unknown kind/);
  assert.match(damaged(t, file, d => { d.entries.push(entry(d, 'small.txt')); }).message, /listed twice/);
});

test('a forged snapshot whose names hide "\\0" is refused even though its root checks out', async t => {
  // A folder "a" holding files "x" and "y" hashes "file H(x) x\0file H(y) y\0"; one entry named
  // "x\0file H(y) y" hashes to the same bytes, so only the name check can refuse it.
  const { file } = await snapshotOf(t);
  const hy = sha256sum('y');
  const err = damaged(t, file, d => {
    d.entries.push(['fake', 'dir', sha256sum(`file ${sha256sum('x')} x\0file ${hy} y\0`), 0, 0], ['fake/x\0file ' + hy + ' y', 'file', sha256sum('x'), 1, 0]);
    d.root = 'f'.repeat(64); // does not matter: the entry is refused first
  });
  assert.match(err.message, /invalid path/);
});

test('a missing or unreadable snapshot file is a UserError naming it', async t => {
  const dir = tempDir(t);
  assert.throws(() => loadSnapshot(path.join(dir, 'nope.json')), (e: unknown) => e instanceof UserError && e.file === path.join(dir, 'nope.json') && /no such snapshot/.test(e.message));
  assert.throws(() => loadSnapshot(dir), (e: unknown) => e instanceof UserError && e.file === dir);
  fs.writeFileSync(path.join(dir, 'null.json'), 'null');
  assert.throws(() => loadSnapshot(path.join(dir, 'null.json')), (e: unknown) => e instanceof UserError && /not an ML Workbench snapshot/.test(e.message));
});

// The incremental index: unchanged files come from the index, changed ones are re-hashed, and
// files written within the racy window of the scan that indexed them are never trusted.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanFolder } from '../../server/merkle/scan';
import { RACY_WINDOW_MS } from '../../server/merkle/indexCache';
import { age, build, expectedRoot, sha256sum, tempDir } from './helpers';

const N = 6;

function oldTree(dir: string): string[] {
  const spec: Record<string, string> = {};
  for (let i = 0; i < N; i++) spec[i % 2 ? `sub/f${i}.txt` : `f${i}.txt`] = `content ${i}\n`;
  build(dir, spec);
  const files = Object.keys(spec).map(p => path.join(dir, p));
  for (const f of files) age(f, 3600);
  return files;
}

test('an unchanged tree of old files is served from the index; one edit re-hashes one file', async t => {
  const base = tempDir(t);
  const dir = path.join(base, 'tree');
  const cacheDir = path.join(base, 'cache');
  const files = oldTree(dir);

  const first = await scanFolder(dir, { cacheDir });
  assert.equal(first.stats.filesHashed, N);
  assert.equal(first.stats.filesFromCache, 0);
  assert.equal(first.root.hash, expectedRoot(dir));
  assert.equal(fs.readdirSync(cacheDir).filter(n => n.endsWith('.json')).length, 1, 'one index file for the folder');

  const second = await scanFolder(dir, { cacheDir });
  assert.equal(second.stats.filesHashed, 0);
  assert.equal(second.stats.filesFromCache, N);
  assert.equal(second.stats.bytesHashed, 0);
  assert.equal(second.root.hash, first.root.hash);

  fs.writeFileSync(files[2], 'edited, and longer than before\n');
  const third = await scanFolder(dir, { cacheDir });
  assert.equal(third.stats.filesHashed, 1);
  assert.equal(third.stats.filesFromCache, N - 1);
  assert.equal(third.root.hash, expectedRoot(dir));
  assert.notEqual(third.root.hash, first.root.hash);

  // Deleting and adding files: the new one is hashed, the rest still come from the index.
  fs.rmSync(files[0]);
  fs.writeFileSync(path.join(dir, 'new.txt'), 'new\n');
  age(path.join(dir, 'new.txt'), 3600);
  const fourth = await scanFolder(dir, { cacheDir });
  assert.equal(fourth.stats.filesHashed, 1 + 1); // new.txt, and files[2] again (written just now: racy)
  assert.equal(fourth.stats.filesFromCache, N - 2);
  assert.equal(fourth.root.hash, expectedRoot(dir));

  // Without an index everything is hashed.
  const noCache = await scanFolder(dir, { cacheDir: false });
  assert.equal(noCache.stats.filesHashed, N);
  assert.equal(noCache.root.hash, fourth.root.hash);
});

test('racy case: same size, same (recent) mtime, new content is detected', async t => {
  const base = tempDir(t);
  const cacheDir = path.join(base, 'cache');
  const dir = build(path.join(base, 'tree'), { 'model.bin': 'AAAA-version-1', 'other.txt': 'o' });
  const file = path.join(dir, 'model.bin');
  age(path.join(dir, 'other.txt'), 3600);
  const mtime = Date.now() / 1000; // now: well within the racy window of the next scan's start
  fs.utimesSync(file, mtime, mtime);
  const before = fs.statSync(file);

  const firstScanStart = Date.now();
  const first = await scanFolder(dir, { cacheDir });
  assert.equal(first.root.children!.get('model.bin')!.hash, sha256sum('AAAA-version-1'));

  fs.writeFileSync(file, 'BBBB-version-2'); // same length
  fs.utimesSync(file, mtime, mtime);
  const after = fs.statSync(file);
  // The index cannot tell the two apart by stat alone:
  assert.equal(after.size, before.size);
  assert.equal(after.mtimeMs, before.mtimeMs);
  assert.equal(after.ino, before.ino);
  assert.ok(after.mtimeMs >= firstScanStart - RACY_WINDOW_MS, 'the mtime is inside the racy window of the indexing scan');

  const second = await scanFolder(dir, { cacheDir });
  assert.equal(second.stats.filesHashed, 1, 'the racily clean entry is hashed again');
  assert.equal(second.stats.filesFromCache, 1, 'the old file comes from the index');
  assert.equal(second.root.children!.get('model.bin')!.hash, sha256sum('BBBB-version-2'));
  assert.equal(second.root.hash, expectedRoot(dir));
});

test('contrast: with an old mtime the same-size rewrite is trusted to the index (not re-hashed)', async t => {
  const base = tempDir(t);
  const cacheDir = path.join(base, 'cache');
  const dir = build(path.join(base, 'tree'), { 'model.bin': 'AAAA-version-1' });
  const file = path.join(dir, 'model.bin');
  const mtime = age(file, 3600);
  assert.ok(mtime * 1000 < Date.now() - RACY_WINDOW_MS);

  const first = await scanFolder(dir, { cacheDir });
  assert.equal(first.stats.filesHashed, 1);
  fs.writeFileSync(file, 'BBBB-version-2');
  fs.utimesSync(file, mtime, mtime);

  const second = await scanFolder(dir, { cacheDir });
  assert.equal(second.stats.filesHashed, 0);
  assert.equal(second.stats.filesFromCache, 1);
  // A different mtime (even an older one) is enough to re-hash.
  age(file, 7200);
  const third = await scanFolder(dir, { cacheDir });
  assert.equal(third.stats.filesHashed, 1);
  assert.equal(third.root.hash, expectedRoot(dir));
});

test('a file replaced by another (new inode) with the same size and mtime is re-hashed', async t => {
  const base = tempDir(t);
  const cacheDir = path.join(base, 'cache');
  const dir = build(path.join(base, 'tree'), { 'f.txt': 'one' });
  const file = path.join(dir, 'f.txt');
  const mtime = age(file, 3600);
  await scanFolder(dir, { cacheDir });
  const tmp = path.join(base, 'replacement');
  fs.writeFileSync(tmp, 'two');
  fs.utimesSync(tmp, mtime, mtime);
  fs.renameSync(tmp, file);
  const r = await scanFolder(dir, { cacheDir });
  assert.equal(r.stats.filesHashed, 1);
  assert.equal(r.root.hash, expectedRoot(dir));
});

test('a damaged index file is rebuilt, never trusted', async t => {
  const base = tempDir(t);
  const cacheDir = path.join(base, 'cache');
  const dir = build(path.join(base, 'tree'), { 'a.txt': 'a', 'b.txt': 'b' });
  for (const f of ['a.txt', 'b.txt']) age(path.join(dir, f), 3600);
  await scanFolder(dir, { cacheDir });
  const [indexFile] = fs.readdirSync(cacheDir);
  fs.writeFileSync(path.join(cacheDir, indexFile), '{ this is not json');
  const r = await scanFolder(dir, { cacheDir });
  assert.equal(r.stats.filesHashed, 2);
  assert.equal(r.root.hash, expectedRoot(dir));
  const again = await scanFolder(dir, { cacheDir });
  assert.equal(again.stats.filesFromCache, 2, 'the index was written anew');
});

test('a cache folder that cannot be written does not fail the scan', async t => {
  const base = tempDir(t);
  fs.writeFileSync(path.join(base, 'not-a-folder'), '');
  const cacheDir = path.join(base, 'not-a-folder', 'cache'); // mkdir fails with ENOTDIR, even for root
  const dir = build(path.join(base, 'tree'), { 'a.txt': 'a' });
  age(path.join(dir, 'a.txt'), 3600);
  const r = await scanFolder(dir, { cacheDir });
  assert.equal(r.root.hash, expectedRoot(dir));
  const again = await scanFolder(dir, { cacheDir });
  assert.equal(again.stats.filesHashed, 1, 'no index was kept, so the file is hashed again');
  assert.deepEqual(fs.readdirSync(path.join(base)).sort(), ['not-a-folder', 'tree']);
});

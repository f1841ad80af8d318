// Trees kept in memory between scans, told by a file watcher what changed: the result must
// always equal a fresh full scan, while only the changed folders are walked.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ChangeSet, LiveTrees } from '../../server/merkle/liveTrees';
import { scanFolder } from '../../server/merkle/scan';
import { age, build, expectedRoot, tempDir } from './helpers';

test('ChangeSet: ancestors of a changed path are re-read, the path itself in full', () => {
  const c = new ChangeSet();
  c.add('a/b/c.txt');
  assert.equal(c.isUnchanged(''), false);
  assert.equal(c.isUnchanged('a'), false);
  assert.equal(c.isUnchanged('a/b'), false);
  assert.equal(c.isUnchanged('a/b/c.txt'), false);
  assert.equal(c.isUnchanged('a/x'), true, 'a sibling folder is untouched');
  assert.equal(c.isUnchanged('z'), true);
  c.add('new/deep');
  assert.equal(c.isUnchanged('new/deep/inner'), false, 'below a created folder everything is new');
  c.add('g/.gitignore');
  assert.equal(c.isUnchanged('g/sub/subsub'), false, 'a .gitignore change reaches its whole folder');
  const all = new ChangeSet();
  all.add('');
  assert.equal(all.isUnchanged('anything/at/all'), false);
});

/** A tree of old files: the index window does not make them racy. */
function makeTree(dir: string): void {
  const spec: Record<string, string> = {};
  for (let d = 0; d < 6; d++) for (let f = 0; f < 8; f++) spec[`d${d}/sub${f % 2}/f${f}.txt`] = `file ${d}/${f}\n`;
  spec['top.txt'] = 'top\n';
  spec['node_modules/pkg/index.js'] = 'module.exports = 1;\n';
  build(dir, spec);
  for (const f of Object.keys(spec)) age(path.join(dir, f), 3600);
}

test('a watched folder is re-walked only where the watcher reported changes', async t => {
  const dir = path.join(tempDir(t), 'ws');
  makeTree(dir);
  const live = new LiveTrees();
  live.setWatched([dir], ['**/node_modules/*/**']);
  const opts = { cacheDir: false as const };

  const first = await live.scan(dir, opts);
  assert.equal(first.root.hash, expectedRoot(dir));
  assert.equal(first.stats.filesSeen, 50);

  // Nothing reported: nothing is read but the unwatched node_modules/pkg.
  const idle = await live.scan(dir, opts);
  assert.equal(idle.root.hash, first.root.hash);
  assert.equal(idle.stats.filesSeen, 1 /* top.txt */ + 1 /* node_modules/pkg/index.js */, 'with no change reported, only unwatched folders are walked');

  // One edit, reported: only its folder's files are stat'ed, one is hashed.
  fs.writeFileSync(path.join(dir, 'd3/sub1/f5.txt'), 'edited\n');
  live.changed(path.join(dir, 'd3/sub1/f5.txt'));
  const edited = await live.scan(dir, opts);
  assert.equal(edited.root.hash, expectedRoot(dir));
  assert.equal(edited.stats.filesHashed, 1);
  assert.equal(edited.stats.filesSeen, 1 /* top.txt */ + 1 /* node_modules */ + 4 /* d3/sub1 */);

  // A folder created with files inside, and only the folder reported (as watchers may do).
  build(dir, { 'fresh/a.txt': 'a\n', 'fresh/inner/b.txt': 'b\n' });
  live.changed(path.join(dir, 'fresh'));
  fs.rmSync(path.join(dir, 'd0/sub0/f0.txt'));
  live.changed(path.join(dir, 'd0/sub0/f0.txt'));
  const created = await live.scan(dir, opts);
  assert.equal(created.root.hash, expectedRoot(dir));

  // A change the watcher does not report, in a folder it does not watch, is still found.
  fs.writeFileSync(path.join(dir, 'node_modules/pkg/index.js'), 'module.exports = 2;\n');
  const unwatched = await live.scan(dir, opts);
  assert.equal(unwatched.root.hash, expectedRoot(dir));
});

test('different options, unwatched folders and failed scans start from scratch', async t => {
  const base = tempDir(t);
  const dir = path.join(base, 'ws');
  makeTree(dir);
  const live = new LiveTrees();
  live.setWatched([dir]);
  await live.scan(dir, { cacheDir: false });
  const excluded = await live.scan(dir, { cacheDir: false, exclude: ['d1'] });
  assert.equal(excluded.stats.filesSeen, 50 - 8, 'new excludes: a full walk with them');

  const other = path.join(base, 'other');
  makeTree(other);
  await live.scan(other, { cacheDir: false });
  const again = await live.scan(other, { cacheDir: false });
  assert.equal(again.stats.filesSeen, 50, 'a folder outside the watched ones is always walked');

  await assert.rejects(live.scan(dir, { cacheDir: false, signal: AbortSignal.abort() }));
  const afterFailure = await live.scan(dir, { cacheDir: false });
  assert.equal(afterFailure.stats.filesSeen, 50, 'after a failed scan nothing is reused');
});

test('random edits with reported changes always give the root of a full scan', async t => {
  const dir = path.join(tempDir(t), 'ws');
  makeTree(dir);
  const live = new LiveTrees();
  live.setWatched([dir]);
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
  await live.scan(dir, { cacheDir: false });
  for (let round = 0; round < 25; round++) {
    for (let k = 0; k < 3; k++) {
      const target = path.join(dir, `d${rand(7)}`, `sub${rand(3)}`, `f${rand(10)}.txt`);
      const op = rand(3);
      if (op === 0 && fs.existsSync(target)) fs.rmSync(target);
      else {
        fs.mkdirSync(path.dirname(target), { recursive: true });
        fs.writeFileSync(target, `round ${round} ${k} ${rand(1000)}\n`);
      }
      // Report the deepest folder that existed before, as a watcher reports a creation.
      live.changed(op === 2 ? path.dirname(target) : target);
    }
    const incremental = await live.scan(dir, { cacheDir: false });
    const full = await scanFolder(dir, { cacheDir: false });
    assert.equal(incremental.root.hash, full.root.hash, `round ${round}`);
  }
});

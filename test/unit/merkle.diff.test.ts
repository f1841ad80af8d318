// diffTrees on folders with known changes: the lists, the comparisons top-down descent makes
// (counted by hand below) and the node count.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { diffTrees } from '../../server/merkle/diff';
import { scanFolder } from '../../server/merkle/scan';
import { compare } from '../../server/merkle/compare';
import { build, diskPaths, expectedRoot, tempDir, type Spec } from './helpers';

const big: Spec = {};
for (let i = 0; i < 200; i++) big[`big/f${String(i).padStart(3, '0')}.txt`] = `same content ${i}\n`;

const specA: Spec = {
  'same.txt': 'same\n',
  'mod.txt': 'one\n',
  'del.txt': 'bye\n',
  'f2d': 'a file that becomes a folder\n',
  'd2f/inner.txt': 'in\n',
  'nest/deep/a.txt': 'a1\n',
  'nest/deep/keep.txt': 'k\n',
  'nest/other.txt': 'o\n',
  'gone/x/y.txt': 'removed with its folders\n',
  'gone/empty': null,
  ...big,
};
const specB: Spec = {
  'same.txt': 'same\n',
  'mod.txt': 'two\n',
  'add.txt': 'hi\n',
  'f2d/child.txt': 'c\n',
  'd2f': 'a folder that became a file\n',
  'nest/deep/a.txt': 'a2\n',
  'nest/deep/keep.txt': 'k\n',
  'nest/other.txt': 'o\n',
  'emptydir': null,
  'newdir/sub': null,
  ...big,
};

async function scanBoth(t: import('node:test').TestContext, a: Spec, b: Spec) {
  const base = tempDir(t);
  const dirA = build(path.join(base, 'A'), a);
  const dirB = build(path.join(base, 'B'), b);
  const [ta, tb] = [await scanFolder(dirA, { cacheDir: false }), await scanFolder(dirB, { cacheDir: false })];
  return { dirA, dirB, a: ta.root, b: tb.root };
}

/** Distinct relative paths of two folders on disk, roots counted once: what `nodes` should be. */
function unionCount(dirA: string, dirB: string): number {
  return new Set([...diskPaths(dirA), ...diskPaths(dirB)].map(p => p.replace(/\/$/, ''))).size + 1;
}

test('diff lists added, removed, modified and kind changes exactly, with the hand-counted comparisons', async t => {
  const { dirA, dirB, a, b } = await scanBoth(t, specA, specB);
  const d = diffTrees(a, b);
  assert.equal(d.rootA, expectedRoot(dirA));
  assert.equal(d.rootB, expectedRoot(dirB));
  assert.deepEqual(d.added, ['add.txt', 'emptydir/', 'f2d/child.txt', 'newdir/sub/']);
  assert.deepEqual(d.removed, ['d2f/inner.txt', 'del.txt', 'gone/empty/', 'gone/x/y.txt']);
  assert.deepEqual(d.modified, ['d2f', 'f2d', 'mod.txt', 'nest/deep/a.txt']);
  assert.deepEqual(d.kindChanged, [{ path: 'd2f', from: 'dir', to: 'file' }, { path: 'f2d', from: 'file', to: 'dir' }]);
  // Comparisons, one per same-named pair looked at:
  //   root                                                    1
  //   root's pairs: big, d2f, f2d, mod.txt, nest, same.txt    6   (add.txt, del.txt, emptydir,
  //                                                              gone, newdir are one-sided)
  //   big is equal: not descended                             0
  //   d2f, f2d changed kind: their contents are one-sided     0
  //   nest differs: deep, other.txt                           2
  //   nest/deep differs: a.txt, keep.txt                      2
  //                                                    total 11
  assert.equal(d.comparisons, 11);
  // Nodes, distinct paths of both trees with the root:
  //   root 1, same.txt 1, mod.txt 1, del.txt 1, add.txt 1, f2d + f2d/child.txt 2,
  //   d2f + d2f/inner.txt 2, nest + deep + a.txt + keep.txt + other.txt 5,
  //   gone + gone/x + gone/x/y.txt + gone/empty 4, emptydir 1, newdir + newdir/sub 2,
  //   big + 200 files 201                                       total 222
  assert.equal(d.nodes, 222);
  assert.equal(d.nodes, unionCount(dirA, dirB));
});

test('an equal subfolder of 200 files costs exactly one comparison', async t => {
  const withoutBig = (s: Spec) => Object.fromEntries(Object.entries(s).filter(([k]) => !k.startsWith('big/')));
  const small = await scanBoth(t, withoutBig(specA), withoutBig(specB));
  const full = await scanBoth(t, specA, specB);
  const ds = diffTrees(small.a, small.b);
  const df = diffTrees(full.a, full.b);
  assert.equal(ds.comparisons, 10);
  assert.equal(df.comparisons - ds.comparisons, 1);
  assert.equal(df.nodes - ds.nodes, 201);
  assert.deepEqual(df.added, ds.added);
  assert.deepEqual(df.removed, ds.removed);
  assert.deepEqual(df.modified, ds.modified);
  const bigNode = df.tree.children!.find(c => c.name === 'big')!;
  assert.equal(bigNode.status, 'equal');
  assert.equal(bigNode.children, undefined, 'an equal folder is not descended');
  assert.equal(bigNode.files, 200);
});

test('identical trees: one comparison, nothing listed', async t => {
  const { a, b, dirA } = await scanBoth(t, specA, specA);
  const d = diffTrees(a, b);
  assert.equal(d.rootA, d.rootB);
  assert.equal(d.rootA, expectedRoot(dirA));
  assert.deepEqual([d.added, d.removed, d.modified, d.kindChanged], [[], [], [], []]);
  assert.equal(d.comparisons, 1);
  assert.equal(d.nodes, diskPaths(dirA).length + 1);
});

test('one file changed deep down: comparisons follow only that branch', async t => {
  const deep: Spec = { 'l1/l2/l3/target.txt': 'v1\n', 'l1/l2/l3/peer.txt': 'p\n', 'l1/l2/side.txt': 's\n', 'l1/x.txt': 'x\n', 'top.txt': 't\n' };
  const { a, b } = await scanBoth(t, deep, { ...deep, 'l1/l2/l3/target.txt': 'v2\n' });
  const d = diffTrees(a, b);
  assert.deepEqual(d.modified, ['l1/l2/l3/target.txt']);
  assert.deepEqual([d.added, d.removed], [[], []]);
  // root 1 + (l1, top.txt) 2 + (l2, x.txt) 2 + (l3, side.txt) 2 + (peer.txt, target.txt) 2 = 9
  assert.equal(d.comparisons, 9);
  assert.equal(d.nodes, 9); // root, l1, l2, l3, target, peer, side, x, top
});

test('a folder against an empty folder: everything added, listed by file, sorted by UTF-8 bytes', async t => {
  const spec: Spec = { 'b/\uFF21': '1', 'b/\u{1F600}': '2', 'a.txt': '3', 'c': null, 'Z': '4' };
  const { a, b } = await scanBoth(t, {}, spec);
  const d = diffTrees(a, b);
  assert.deepEqual(d.added, ['Z', 'a.txt', 'b/\uFF21', 'b/\u{1F600}', 'c/']);
  assert.equal(d.comparisons, 1);
  assert.equal(d.nodes, 7);
  const r = diffTrees(b, a);
  assert.deepEqual(r.removed, d.added);
  assert.deepEqual(r.added, []);
});

test('link changes: target changed is modified, file to link is a kind change', async t => {
  const { a, b } = await scanBoth(t, { 'l': { link: 'one' }, 'f': 'content' }, { 'l': { link: 'two' }, 'f': { link: 'content' } });
  const d = diffTrees(a, b);
  assert.deepEqual(d.modified, ['f', 'l']);
  assert.deepEqual(d.kindChanged, [{ path: 'f', from: 'file', to: 'link' }]);
  assert.equal(d.comparisons, 3);
});

test('compare() of two folders gives the same lists as diffTrees', async t => {
  const base = tempDir(t);
  const dirA = build(path.join(base, 'A'), { 'x.txt': 'x', 'y/z.txt': 'z' });
  const dirB = build(path.join(base, 'B'), { 'x.txt': 'X', 'y/z.txt': 'z', 'w.txt': 'w' });
  fs.mkdirSync(path.join(dirB, 'y', 'e'));
  const r = await compare(dirA, dirB, { cacheDir: false });
  assert.equal(r.rootA, expectedRoot(dirA));
  assert.equal(r.rootB, expectedRoot(dirB));
  assert.deepEqual(r.added, ['w.txt', 'y/e/']);
  assert.deepEqual(r.modified, ['x.txt']);
  assert.deepEqual(r.removed, []);
  assert.equal(r.a.kind, 'folder');
  assert.deepEqual(r.problems, []);
});

// What takes part in the tree: default excludes, glob excludes and .gitignore files.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanFolder } from '../../server/merkle/scan';
import { build, expectedRoot, sortUtf8, tempDir, treePaths, type Spec } from './helpers';

const files = (paths: string[]) => paths.filter(p => !p.endsWith('/'));

test('.git and .mlw are left out by default, at any depth; defaultExcludes:false keeps them', async t => {
  const dir = build(tempDir(t), {
    '.git/config': '[core]\n', '.git/objects/ab/cd': 'obj',
    '.mlw/snapshots/s.json': '{}',
    'sub/.git': 'gitdir: ../.git/modules/sub\n', // a submodule's .git file
    'sub/code.py': 'print(1)\n',
    '.gitignore': '*.log\n',
    '.github/workflows/ci.yml': 'on: push\n', // only the exact names are excluded
  });
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(treePaths(r.root), sortUtf8(['.github/', '.github/workflows/', '.github/workflows/ci.yml', '.gitignore', 'sub/', 'sub/code.py']));
  const skipped = (rel: string) => rel.split('/').some(n => n === '.git' || n === '.mlw');
  assert.equal(r.root.hash, expectedRoot(dir, skipped));

  const all = await scanFolder(dir, { cacheDir: false, defaultExcludes: false });
  assert.ok(treePaths(all.root).includes('.git/objects/ab/cd'));
  assert.ok(treePaths(all.root).includes('.mlw/snapshots/s.json'));
  assert.ok(treePaths(all.root).includes('sub/.git'));
  assert.equal(all.root.hash, expectedRoot(dir));
});

test('a glob without "/" matches names at any depth; with "/" it matches relative paths', async t => {
  const dir = build(tempDir(t), {
    'node_modules/x/index.js': 'x',
    'src/node_modules/y.js': 'y',
    'src/main.ts': 'main',
    'a.tmp': 't', 'src/deep/b.tmp': 't',
    'data/x.csv': '1', 'data/raw/y.csv': '2', 'data/readme.md': 'r', 'other/data/x.csv': '3',
    'build/out.js': 'o',
  });
  const r = await scanFolder(dir, { cacheDir: false, exclude: ['node_modules', '*.tmp', 'data/*.csv', 'build/'] });
  assert.deepEqual(files(treePaths(r.root)), sortUtf8(['src/main.ts', 'data/raw/y.csv', 'data/readme.md', 'other/data/x.csv']));
  const gone = (rel: string) => /(^|\/)node_modules$/.test(rel) || rel.endsWith('.tmp') || rel === 'data/x.csv' || rel === 'build';
  assert.equal(r.root.hash, expectedRoot(dir, gone));

  // "**" crosses folders; a pattern naming a folder's path drops all below it.
  const r2 = await scanFolder(dir, { cacheDir: false, exclude: ['data/**/*.csv', 'src/deep'] });
  assert.deepEqual(files(treePaths(r2.root)), sortUtf8([
    'node_modules/x/index.js', 'src/node_modules/y.js', 'src/main.ts', 'a.tmp', 'data/readme.md', 'other/data/x.csv', 'build/out.js',
  ]));
  // Excluded paths are no problems.
  assert.deepEqual(r2.problems, []);
});

const gitFixture: Spec = {
  '.gitignore': '*.log\nbuild/\n/top-only.txt\n',
  'a.log': 'ignored',
  'keep.log': 'ignored: the negation is only in sub/',
  'sub/.gitignore': '!keep.log\n/local.txt\n',
  'sub/b.log': 'ignored',
  'sub/keep.log': 'kept by the negation',
  'sub/local.txt': 'ignored: anchored in sub/',
  'sub/deep/local.txt': 'kept: the anchor is sub/',
  'sub/deep/c.log': 'ignored by the root rule',
  'build/out.js': 'ignored folder',
  'sub/build/x.o': 'ignored: "build/" matches at any depth',
  'other/build': 'kept: "build/" matches folders only',
  'top-only.txt': 'ignored',
  'sub/top-only.txt': 'kept: "/top-only.txt" is anchored at the root',
  'src/main.c': 'kept',
};
const gitKept = [
  '.gitignore', 'sub/.gitignore', 'sub/keep.log', 'sub/deep/local.txt', 'other/build', 'sub/top-only.txt', 'src/main.c',
];

test('gitignore:true honours nested .gitignore files, negations and folder-only patterns', async t => {
  const dir = build(tempDir(t), gitFixture);
  const r = await scanFolder(dir, { cacheDir: false, gitignore: true });
  assert.deepEqual(files(treePaths(r.root)), sortUtf8(gitKept));
  assert.ok(!treePaths(r.root).includes('build/'), 'an ignored folder is not in the tree at all');
  assert.ok(treePaths(r.root).includes('sub/build/') === false);
  const keptSet = new Set(gitKept);
  // Folders are kept when not ignored themselves (an emptied folder stays, as an empty folder).
  const ignored = (rel: string, isDir: boolean) => (isDir ? rel === 'build' || rel === 'sub/build' : !keptSet.has(rel));
  assert.equal(r.root.hash, expectedRoot(dir, ignored));

  // Without the option every file is there.
  const plain = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(files(treePaths(plain.root)), sortUtf8(Object.keys(gitFixture)));
});

test('gitignore:true agrees with git itself on the same folder', async t => {
  let git = true;
  try { execFileSync('git', ['--version'], { stdio: 'ignore' }); } catch { git = false; }
  if (!git) return t.skip('git is not installed');
  const dir = build(tempDir(t), gitFixture);
  execFileSync('git', ['init', '-q', dir]);
  fs.writeFileSync(path.join(dir, '.git', 'info', 'exclude'), 'src/main.c\n');
  const out = execFileSync('git', ['-C', dir, '-c', 'core.quotepath=off', 'ls-files', '--others', '--exclude-standard', '-z']).toString();
  const byGit = sortUtf8(out.split('\0').filter(Boolean));
  const r = await scanFolder(dir, { cacheDir: false, gitignore: true });
  assert.deepEqual(files(treePaths(r.root)), byGit);
  assert.ok(!byGit.includes('src/main.c'), '.git/info/exclude is honoured');
});

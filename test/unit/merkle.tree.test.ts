// Root hashes of scanned folders against the recipe computed independently with sha256sum.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { scanFolder } from '../../server/merkle/scan';
import { build, entryBytes, expectedRoot, folderHash, sha256sum, tempDir, treePaths, sortUtf8 } from './helpers';

const FULLWIDTH_A = '\uFF21'; // UTF-8 EF BC A1; UTF-16 0xFF21
const GRINNING = '\u{1F600}'; // UTF-8 F0 9F 98 80; UTF-16 0xD83D 0xDE00 (sorts before 0xFF21)

test('an empty folder hashes the empty string', async t => {
  const dir = tempDir(t);
  const r = await scanFolder(dir, { cacheDir: false });
  assert.equal(r.root.hash, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(r.root.hash, sha256sum(''));
  assert.deepEqual(r.problems, []);
});

test('a folder of one file hashes "file <sha256sum> <name>\\0"', async t => {
  const dir = build(tempDir(t), { 'a.txt': 'hello\n' });
  const fileHash = sha256sum('hello\n');
  assert.equal(fileHash, '5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03');
  const r = await scanFolder(dir, { cacheDir: false });
  assert.equal(r.root.hash, sha256sum(`file ${fileHash} a.txt\0`));
});

test('root of a mixed tree (nested folders, empty folder, symlinks, non-ASCII names) matches sha256sum', async t => {
  const dir = build(tempDir(t), {
    'a.txt': 'hello\n',
    'B.md': '# upper case sorts before lower case\n',
    'sub/b.bin': Buffer.from([0, 1, 2, 255, 254, 0, 10]),
    'sub/nested/c.txt': 'deep\n',
    'sub/nested/deeper/d.txt': '',
    'empty': null,
    'sub/empty2': null,
    'link': { link: 'sub/b.bin' },
    'dangling': { link: 'does/not/exist' },
    'café.txt': 'accent\n',
    'naïve/文件.txt': 'unicode\n',
    [`uni/${FULLWIDTH_A}`]: 'fullwidth A\n',
    [`uni/${GRINNING}`]: 'emoji\n',
    'uni/z': 'ascii z\n',
  });
  const r = await scanFolder(dir, { cacheDir: false });
  assert.deepEqual(r.problems, []);
  assert.equal(r.root.hash, expectedRoot(dir));
  assert.deepEqual(treePaths(r.root), sortUtf8([
    'a.txt', 'B.md', 'sub/', 'sub/b.bin', 'sub/nested/', 'sub/nested/c.txt', 'sub/nested/deeper/', 'sub/nested/deeper/d.txt',
    'empty/', 'sub/empty2/', 'link', 'dangling', 'café.txt', 'naïve/', 'naïve/文件.txt', 'uni/', `uni/${FULLWIDTH_A}`, `uni/${GRINNING}`, 'uni/z',
  ]));
  assert.equal(r.root.count, 20);
  assert.equal(r.stats.filesHashed, 10);
  assert.equal(r.stats.links, 2);

  // The kinds and leaves, checked one by one.
  const kids = r.root.children!;
  assert.equal(kids.get('link')!.kind, 'link');
  assert.equal(kids.get('link')!.hash, sha256sum('sub/b.bin'));
  assert.equal(kids.get('dangling')!.hash, sha256sum('does/not/exist'));
  assert.equal(kids.get('empty')!.kind, 'dir');
  assert.equal(kids.get('empty')!.hash, sha256sum(''));
  assert.equal(kids.get('café.txt')!.hash, sha256sum('accent\n'));

  // "uni" spelled out by hand in UTF-8 byte order: "z" (7A) < U+FF21 (EF..) < U+1F600 (F0..).
  const e = (name: string, content: string) => ({ kind: 'file' as const, name, hash: sha256sum(content) });
  const utf8Order = [e('z', 'ascii z\n'), e(FULLWIDTH_A, 'fullwidth A\n'), e(GRINNING, 'emoji\n')];
  const utf16Order = [e('z', 'ascii z\n'), e(GRINNING, 'emoji\n'), e(FULLWIDTH_A, 'fullwidth A\n')];
  const uni = kids.get('uni')!;
  assert.equal(uni.hash, sha256sum(entryBytes(utf8Order)));
  assert.notEqual(uni.hash, sha256sum(entryBytes(utf16Order)), 'UTF-16 code unit order must not be used');
  assert.equal(uni.hash, folderHash(utf16Order)); // folderHash sorts by UTF-8 bytes itself
});

test('a root given through a symlink, or with a trailing slash, hashes the same', async t => {
  const base = tempDir(t);
  const dir = build(path.join(base, 'real'), { 'x/y.txt': 'y', 'z.txt': 'z' });
  fs.symlinkSync(dir, path.join(base, 'alias'));
  const want = expectedRoot(dir);
  assert.equal((await scanFolder(dir, { cacheDir: false })).root.hash, want);
  assert.equal((await scanFolder(`${dir}/`, { cacheDir: false })).root.hash, want);
  assert.equal((await scanFolder(path.join(base, 'alias'), { cacheDir: false })).root.hash, want);
});

test('a change of content, name or kind changes the root', async t => {
  const dir = build(tempDir(t), { 'a/b.txt': 'b', 'c.txt': 'c' });
  const roots = new Set<string>();
  const scan = async () => {
    const h = (await scanFolder(dir, { cacheDir: false })).root.hash;
    assert.equal(h, expectedRoot(dir));
    roots.add(h);
  };
  await scan();
  fs.writeFileSync(path.join(dir, 'a/b.txt'), 'B');
  await scan();
  fs.renameSync(path.join(dir, 'c.txt'), path.join(dir, 'd.txt'));
  await scan();
  fs.rmSync(path.join(dir, 'd.txt'));
  fs.symlinkSync('c', path.join(dir, 'd.txt'));
  await scan();
  fs.mkdirSync(path.join(dir, 'e'));
  await scan();
  assert.equal(roots.size, 5);
});

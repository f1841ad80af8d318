// Inclusion proofs: valid against the independently computed root; every kind of tampering fails.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { UserError } from '../../server/common/errors';
import { makeProof, verifyProof, type InclusionProof } from '../../server/merkle/proof';
import { scanFolder } from '../../server/merkle/scan';
import { build, expectedRoot, sha256sum, tempDir } from './helpers';

async function fixture(t: import('node:test').TestContext) {
  const dir = build(tempDir(t), {
    'd1/d2/target.txt': 'the file to prove\n',
    'd1/d2/peer.txt': 'peer\n',
    'd1/d2/ln': { link: 'peer.txt' },
    'd1/side.txt': 'side\n',
    'd1/empty': null,
    'top.txt': 'top\n',
    'other/x.txt': 'x\n',
  });
  const r = await scanFolder(dir, { cacheDir: false });
  return { dir, tree: r.root, root: expectedRoot(dir) };
}

const clone = (p: InclusionProof): InclusionProof => JSON.parse(JSON.stringify(p));
const flip = (h: string) => (h[0] === 'a' ? 'b' : 'a') + h.slice(1);

function invalid(v: { valid: boolean; reason?: string }, pattern: RegExp) {
  assert.equal(v.valid, false);
  assert.match(v.reason ?? '', pattern);
}

test('a proof verifies against the root computed with sha256sum', async t => {
  const { tree, root } = await fixture(t);
  const p = makeProof(tree, 'd1/d2/target.txt');
  assert.equal(p.format, 'mlw-merkle-proof');
  assert.equal(p.path, 'd1/d2/target.txt');
  assert.deepEqual(p.leaf, { kind: 'file', hash: sha256sum('the file to prove\n') });
  assert.equal(p.levels.length, 3);
  assert.deepEqual(p.levels.map(l => l.dir), ['d1/d2', 'd1', '']);
  assert.deepEqual(p.levels[0].siblings.map(s => s.name).sort(), ['ln', 'peer.txt']);
  assert.deepEqual(p.levels[2].siblings.map(s => s.name).sort(), ['other', 'top.txt']);
  assert.equal(p.levels[0].siblings.find(s => s.name === 'ln')!.hash, sha256sum('peer.txt'));
  const v = verifyProof(p, root);
  assert.deepEqual(v, { valid: true, computedRoot: root });
  assert.equal(verifyProof(p, root.toUpperCase()).valid, true, 'hex case does not matter');
  assert.equal(verifyProof(p, root, sha256sum('the file to prove\n')).valid, true);
  // Proofs of a top-level file, a link and a folder.
  assert.equal(verifyProof(makeProof(tree, 'top.txt'), root).valid, true);
  assert.equal(verifyProof(makeProof(tree, 'd1/d2/ln'), root).valid, true);
  assert.equal(verifyProof(makeProof(tree, 'd1/empty'), root).valid, true);
  assert.equal(makeProof(tree, 'd1/empty').leaf.hash, sha256sum(''));
});

test('tampered proofs are invalid, each with a reason', async t => {
  const { tree, root } = await fixture(t);
  const good = makeProof(tree, 'd1/d2/target.txt');

  let p = clone(good);
  p.leaf.hash = flip(p.leaf.hash);
  invalid(verifyProof(p, root), /leads to root/);

  p = clone(good);
  p.levels[1].siblings[0].hash = flip(p.levels[1].siblings[0].hash);
  invalid(verifyProof(p, root), /leads to root/);

  p = clone(good);
  p.levels[0].siblings.pop();
  invalid(verifyProof(p, root), /leads to root/);

  p = clone(good);
  p.leaf.kind = 'link';
  invalid(verifyProof(p, root), /leads to root/);

  invalid(verifyProof(good, flip(root)), /leads to root .*, not /);

  p = clone(good);
  p.levels.pop();
  invalid(verifyProof(p, root), /2 levels for a path of depth 3/);

  p = clone(good);
  p.levels[0].siblings.push({ name: 'target.txt', kind: 'file', hash: sha256sum('something else') });
  invalid(verifyProof(p, root), /lists "target.txt" among its other entries/);

  p = clone(good);
  p.levels[0].siblings.push({ ...p.levels[0].siblings[0] });
  invalid(verifyProof(p, root), /lists "(ln|peer.txt)" twice/);

  p = clone(good);
  p.levels[1].dir = 'elsewhere';
  invalid(verifyProof(p, root), /level 2 is for folder "elsewhere", expected "d1"/);

  p = clone(good);
  p.path = 'd1/d2/renamed.txt';
  invalid(verifyProof(p, root), /leads to root/);

  // The proof's own claimed root is never trusted.
  p = clone(good);
  p.root = flip(root);
  assert.equal(verifyProof(p, root).valid, true);
  invalid(verifyProof(p, p.root), /leads to root/);
});

test('verifying with the hash of the file as it is now fails once the file changed', async t => {
  const { dir, tree, root } = await fixture(t);
  const p = makeProof(tree, 'd1/d2/target.txt');
  fs.writeFileSync(path.join(dir, 'd1/d2/target.txt'), 'changed afterwards\n');
  const now = sha256sum(fs.readFileSync(path.join(dir, 'd1/d2/target.txt')));
  invalid(verifyProof(p, root, now), /the file hashes to/);
  // And the new tree's root does not accept the old proof either.
  const newRoot = expectedRoot(dir);
  invalid(verifyProof(p, newRoot), /leads to root/);
  assert.equal(verifyProof(makeProof((await scanFolder(dir, { cacheDir: false })).root, 'd1/d2/target.txt'), newRoot, now).valid, true);
});

test('a forged proof whose path or hash hides "\\0" does not verify', async t => {
  // The root folder below hashes "file H(a) a\0file H(b) b\0". A one-entry level named
  // "a\0file H(b) b" hashes the very same bytes; a path no folder can hold must not verify.
  const dir = build(tempDir(t), { a: 'A', b: 'B' });
  const root = expectedRoot(dir);
  const [ha, hb] = [sha256sum('A'), sha256sum('B')];
  assert.equal(root, sha256sum(`file ${ha} a\0file ${hb} b\0`));
  const forged: InclusionProof = {
    format: 'mlw-merkle-proof', version: 1, path: `a\0file ${hb} b`, leaf: { kind: 'file', hash: ha }, levels: [{ dir: '', siblings: [] }], root,
  };
  invalid(verifyProof(forged, root), /not a valid entry name/);
  // The same trick through the leaf hash: claims "b" is a file with hash "H(a) a\0file H(b)".
  const viaHash: InclusionProof = {
    format: 'mlw-merkle-proof', version: 1, path: 'b', leaf: { kind: 'file', hash: `${ha} a\0file ${hb}` }, levels: [{ dir: '', siblings: [] }], root,
  };
  invalid(verifyProof(viaHash, root), /not a SHA-256 hash/);
  // A genuine proof of "b" still verifies.
  assert.equal(verifyProof(makeProof((await scanFolder(dir, { cacheDir: false })).root, 'b'), root).valid, true);
});

test('makeProof of a path not in the tree, and verifyProof of a malformed proof, throw UserError', async t => {
  const { tree, root } = await fixture(t);
  for (const bad of ['', 'nope.txt', 'd1/nope', 'top.txt/below']) {
    assert.throws(() => makeProof(tree, bad), (e: unknown) => e instanceof UserError && /no such path in the tree/.test(e.message), bad);
  }
  assert.throws(() => verifyProof({ format: 'other' } as unknown as InclusionProof, root), UserError);
  assert.throws(() => verifyProof({ ...makeProof(tree, 'top.txt'), levels: 'x' } as unknown as InclusionProof, root), UserError);
});

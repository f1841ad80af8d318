// Hashing in worker threads: pool sizes agree, large files are read in chunks correctly.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HashPool } from '../../server/merkle/hashPool';
import { hashFile } from '../../server/merkle/hashFile';
import { scanFolder } from '../../server/merkle/scan';
import { build, expectedRoot, sha256sumFiles, tempDir, type Spec } from './helpers';

test('a pool of 2 workers and a pool of 1 give the same root for 300 files', async t => {
  const spec: Spec = {};
  for (let i = 0; i < 300; i++) spec[`d${i % 7}/s${i % 3}/file-${i}.dat`] = `payload ${i} ${'x'.repeat(i)}\n`;
  const dir = build(tempDir(t), spec);
  const two = new HashPool(2);
  const one = new HashPool(1);
  t.after(() => Promise.all([two.close(), one.close()]));
  const r2 = await scanFolder(dir, { cacheDir: false, pool: two });
  const r1 = await scanFolder(dir, { cacheDir: false, pool: one });
  assert.equal(r2.stats.filesHashed, 300);
  assert.equal(r1.stats.filesHashed, 300);
  assert.equal(r2.root.hash, r1.root.hash);
  assert.equal(r2.root.hash, expectedRoot(dir));
  assert.equal((two as unknown as { slots: unknown[] }).slots.length, 2, 'both workers were used');
  // A shared pool stays usable for the next scan.
  const again = await scanFolder(dir, { cacheDir: false, pool: two });
  assert.equal(again.root.hash, r2.root.hash);
});

test('a 3 MiB random file (several 1 MiB chunks, and a partial one) hashes as sha256sum does', async t => {
  const dir = tempDir(t);
  const sizes = { 'exact.bin': 3 << 20, 'partial.bin': (3 << 20) + 12345, 'one-chunk.bin': 1 << 20, 'small.bin': 1 };
  for (const [name, size] of Object.entries(sizes)) fs.writeFileSync(path.join(dir, name), randomBytes(size));
  const names = Object.keys(sizes);
  const want = sha256sumFiles(names.map(n => path.join(dir, n)));
  const r = await scanFolder(dir, { cacheDir: false, pool: undefined });
  names.forEach((n, i) => {
    const leaf = r.root.children!.get(n)!;
    assert.equal(leaf.hash, want[i], n);
    assert.equal(leaf.size, sizes[n as keyof typeof sizes]);
  });
  assert.equal(r.root.hash, expectedRoot(dir));
  // The same function on this thread.
  const direct = hashFile(path.join(dir, 'partial.bin'));
  assert.ok(!('error' in direct));
  assert.equal(direct.hash, want[1]);
});

test('hashFile refuses what is not a regular file, and reports a missing file', t => {
  const dir = tempDir(t);
  assert.deepEqual(hashFile(path.join(dir, 'missing')), { error: 'vanished while hashing' });
  const d = hashFile(dir);
  assert.ok('error' in d);
});

test('a closed pool rejects new work', async () => {
  const pool = new HashPool(1);
  await pool.close();
  await assert.rejects(pool.hash('/dev/null', 0), /closed/);
});

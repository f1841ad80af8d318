// The `mlw merkle …` command line contract: JSON output, exit codes (0 same, 1 different,
// 2 error) and error messages. Runs the built CLI (bin/mlw.js → dist/cli.js).
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { build, expectedRoot, mlw, repoRoot, sha256sum, tempDir, type Spec } from './helpers';

const specA: Spec = { 'same.txt': 'same\n', 'mod.txt': 'one\n', 'del.txt': 'bye\n', 'k': 'file\n', 'nest/a.txt': 'a1\n', 'nest/b.txt': 'b\n' };
const specB: Spec = { 'same.txt': 'same\n', 'mod.txt': 'two\n', 'add.txt': 'hi\n', 'k/inside.txt': 'now a folder\n', 'nest/a.txt': 'a2\n', 'nest/b.txt': 'b\n', 'e': null };

function folders(t: import('node:test').TestContext) {
  const base = tempDir(t, 'mlw-cli-');
  return { base, a: build(path.join(base, 'A'), specA), b: build(path.join(base, 'B'), specB) };
}

test('merkle diff --json prints exactly the documented keys with the expected values; exit 1', t => {
  const { base, a, b } = folders(t);
  const r = mlw(base, 'merkle', 'diff', a, b, '--json', '--no-cache');
  assert.equal(r.status, 1, r.stderr);
  assert.equal(r.stderr, '');
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).sort(), ['added', 'comparisons', 'kindChanged', 'modified', 'nodes', 'problems', 'removed', 'rootA', 'rootB']);
  assert.equal(out.rootA, expectedRoot(a));
  assert.equal(out.rootB, expectedRoot(b));
  assert.deepEqual(out.added, ['add.txt', 'e/', 'k/inside.txt']);
  assert.deepEqual(out.removed, ['del.txt']);
  assert.deepEqual(out.modified, ['k', 'mod.txt', 'nest/a.txt']);
  assert.deepEqual(out.kindChanged, [{ path: 'k', from: 'file', to: 'dir' }]);
  // root 1 + pairs (k, mod.txt, nest, same.txt) 4 + in nest (a.txt, b.txt) 2 = 7
  assert.equal(out.comparisons, 7);
  // root, same, mod, del, add, k, k/inside, nest, nest/a, nest/b, e = 11
  assert.equal(out.nodes, 11);
  assert.deepEqual(out.problems, []);
});

test('merkle diff of identical folders exits 0; the text output says so', t => {
  const { base, a } = folders(t);
  const copy = build(path.join(base, 'A2'), specA);
  const r = mlw(base, 'merkle', 'diff', a, copy, '--json', '--no-cache');
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.equal(out.rootA, out.rootB);
  assert.equal(out.comparisons, 1);
  const text = mlw(base, 'merkle', 'diff', a, copy, '--no-cache');
  assert.equal(text.status, 0);
  assert.match(text.stdout, /^identical /);
});

test('merkle diff text output lists one line per change', t => {
  const { base, a, b } = folders(t);
  const r = mlw(base, 'merkle', 'diff', a, b, '--cache-dir', path.join(base, 'cache'));
  assert.equal(r.status, 1, r.stderr);
  const lines = r.stdout.trimEnd().split('\n');
  assert.deepEqual(lines.slice(0, -1), ['A add.txt', 'D del.txt', 'A e/', 'T k (file → dir)', 'A k/inside.txt', 'M mod.txt', 'M nest/a.txt']);
  assert.match(lines.at(-1)!, /^3 added, 1 removed, 3 modified \(7 hash comparisons for 11 nodes; roots [0-9a-f]{12} ≠ [0-9a-f]{12}\)$/);
  assert.ok(fs.readdirSync(path.join(base, 'cache')).length > 0, '--cache-dir is where the index goes');
});

test('merkle diff exits 2 with a message naming a missing folder', t => {
  const { base, a } = folders(t);
  const missing = path.join(base, 'does-not-exist');
  for (const args of [[a, missing], [missing, a]]) {
    const r = mlw(base, 'merkle', 'diff', ...args, '--json', '--no-cache');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, `mlw: ${missing}: no such folder or snapshot file\n`);
  }
});

test('merkle diff exits 2 with a message naming a corrupt snapshot', t => {
  const { base, a } = folders(t);
  const bad = path.join(base, 'bad.json');
  fs.writeFileSync(bad, '{"format": "mlw-merkle-snapshot", "version": 1, "root": "');
  let r = mlw(base, 'merkle', 'diff', bad, a, '--no-cache');
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`^mlw: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: corrupt snapshot: not valid JSON`));
  // A well-formed snapshot whose entries were tampered with.
  const snap = path.join(base, 'snap.json');
  assert.equal(mlw(base, 'merkle', 'snapshot', a, '-o', snap, '--no-cache').status, 0);
  const data = JSON.parse(fs.readFileSync(snap, 'utf8'));
  data.entries.find((e: string[]) => e[0] === 'nest/a.txt')[2] = sha256sum('tampered');
  fs.writeFileSync(snap, JSON.stringify(data));
  r = mlw(base, 'merkle', 'diff', a, snap, '--no-cache');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /^mlw: .*snap\.json: corrupt snapshot: folder "nest" records hash/);
  assert.ok(r.stderr.includes(snap));
});

test('merkle diff of a FIFO given as A exits 2 at once instead of blocking on it', t => {
  const { base, a } = folders(t);
  const fifo = path.join(base, 'pipe');
  execFileSync('mkfifo', [fifo]);
  const r = mlw(base, 'merkle', 'diff', fifo, a, '--no-cache');
  assert.equal(r.status, 2);
  assert.equal(r.stderr, `mlw: ${fifo}: not a folder or a snapshot file\n`);
});

test('merkle snapshot DIR -o FILE, then diff FILE DIR exits 0; after a change exits 1', t => {
  const { base, a } = folders(t);
  const snap = path.join(base, 'snaps', 'a.json');
  const s = mlw(base, 'merkle', 'snapshot', a, '-o', snap, '--no-cache', '--json');
  assert.equal(s.status, 0, s.stderr);
  const meta = JSON.parse(s.stdout);
  assert.equal(meta.root, expectedRoot(a));
  assert.equal(meta.entries, 7);
  assert.equal(meta.file, snap);
  assert.deepEqual(fs.readdirSync(path.dirname(snap)), ['a.json'], 'no objects without --contents, no temp files');

  let d = mlw(base, 'merkle', 'diff', snap, a, '--json', '--no-cache');
  assert.equal(d.status, 0, d.stderr);
  assert.equal(JSON.parse(d.stdout).rootA, expectedRoot(a));

  fs.writeFileSync(path.join(a, 'nest', 'new.txt'), 'new\n');
  d = mlw(base, 'merkle', 'diff', snap, a, '--json', '--no-cache');
  assert.equal(d.status, 1);
  assert.deepEqual(JSON.parse(d.stdout).added, ['nest/new.txt']);

  // merkle root agrees on the snapshot and on the folder it was taken from.
  const rootOfSnap = mlw(base, 'merkle', 'root', snap);
  assert.equal(rootOfSnap.status, 0);
  assert.equal(rootOfSnap.stdout, `${meta.root}  ${snap}\n`);

  // --contents keeps small files beside the snapshot.
  const withContents = path.join(base, 'snaps2', 'a.json');
  assert.equal(mlw(base, 'merkle', 'snapshot', a, '-o', withContents, '--contents', '100', '--no-cache').status, 0);
  const h = sha256sum('same\n');
  assert.equal(fs.readFileSync(path.join(base, 'snaps2', 'objects', h.slice(0, 2), h.slice(2)), 'utf8'), 'same\n');
});

test('merkle snapshot usage errors exit 2', t => {
  const { base, a } = folders(t);
  let r = mlw(base, 'merkle', 'snapshot', a, '--no-cache');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /missing -o FILE/);
  r = mlw(base, 'merkle', 'snapshot', a, '-o', path.join(base, 's.json'), '--contents', 'lots');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /--contents must be a byte count, got "lots"/);
  assert.ok(!fs.existsSync(path.join(base, 's.json')));
});

test('merkle proof then merkle verify: 0 with the right root, 1 with a wrong one, --file checks the file now', t => {
  const { base, a } = folders(t);
  const root = expectedRoot(a);
  const proofFile = path.join(base, 'proof.json');
  const p = mlw(base, 'merkle', 'proof', a, 'nest/a.txt', '-o', proofFile, '--no-cache');
  assert.equal(p.status, 0, p.stderr);
  const proof = JSON.parse(fs.readFileSync(proofFile, 'utf8'));
  assert.equal(proof.root, root);
  assert.deepEqual(proof.leaf, { kind: 'file', hash: sha256sum('a1\n') });
  // Without -o the proof goes to stdout.
  assert.deepEqual(JSON.parse(mlw(base, 'merkle', 'proof', a, 'nest/a.txt', '--no-cache').stdout), proof);

  let v = mlw(base, 'merkle', 'verify', proofFile, root);
  assert.equal(v.status, 0, v.stderr);
  assert.equal(v.stdout, `OK nest/a.txt is in the tree with root ${root}\n`);

  v = mlw(base, 'merkle', 'verify', proofFile, root, '--json');
  assert.equal(v.status, 0);
  assert.deepEqual(JSON.parse(v.stdout), { valid: true, path: 'nest/a.txt', computedRoot: root, reason: null });

  const wrong = sha256sum('some other root');
  v = mlw(base, 'merkle', 'verify', proofFile, wrong);
  assert.equal(v.status, 1);
  assert.match(v.stdout, new RegExp(`^FAILED nest/a\\.txt: the proof leads to root ${root}, not ${wrong}\\n$`));

  const file = path.join(a, 'nest', 'a.txt');
  v = mlw(base, 'merkle', 'verify', proofFile, root, '--file', file);
  assert.equal(v.status, 0, v.stderr);
  fs.writeFileSync(file, 'a1 changed\n');
  v = mlw(base, 'merkle', 'verify', proofFile, root, '--file', file, '--json');
  assert.equal(v.status, 1);
  assert.match(JSON.parse(v.stdout).reason, /the file hashes to/);

  v = mlw(base, 'merkle', 'verify', proofFile, root, '--file', path.join(base, 'missing.txt'));
  assert.equal(v.status, 2);
  assert.match(v.stderr, /missing\.txt: no such file/);
});

test('merkle verify --file on a symlink checks its target string', t => {
  const base = tempDir(t, 'mlw-cli-');
  const dir = build(path.join(base, 'D'), { 'data/current': { link: 'v2/model.bin' }, 'data/v2/model.bin': 'm' });
  const root = expectedRoot(dir);
  const proofFile = path.join(base, 'p.json');
  assert.equal(mlw(base, 'merkle', 'proof', dir, 'data/current', '-o', proofFile, '--no-cache').status, 0);
  assert.deepEqual(JSON.parse(fs.readFileSync(proofFile, 'utf8')).leaf, { kind: 'link', hash: sha256sum('v2/model.bin') });
  const link = path.join(dir, 'data', 'current');
  assert.equal(mlw(base, 'merkle', 'verify', proofFile, root, '--file', link).status, 0);
  fs.rmSync(link);
  fs.symlinkSync('v1/model.bin', link);
  const v = mlw(base, 'merkle', 'verify', proofFile, root, '--file', link);
  assert.equal(v.status, 1);
  assert.match(v.stdout, new RegExp(`^FAILED data/current: the file hashes to ${sha256sum('v1/model.bin')}`));
});

test('merkle proof and verify errors exit 2 with a clear message', t => {
  const { base, a } = folders(t);
  let r = mlw(base, 'merkle', 'proof', a, 'no/such.txt', '--no-cache');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /no such path in the tree: no\/such\.txt/);

  r = mlw(base, 'merkle', 'verify', path.join(base, 'none.json'), sha256sum('x'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /none\.json: cannot read proof/);

  fs.writeFileSync(path.join(base, 'notproof.json'), '{"format":"x"}');
  r = mlw(base, 'merkle', 'verify', path.join(base, 'notproof.json'), sha256sum('x'));
  assert.equal(r.status, 2);
  assert.match(r.stderr, /notproof\.json: not a valid ML Workbench inclusion proof/);

  r = mlw(base, 'merkle', 'verify', path.join(base, 'notproof.json'), 'abc');
  assert.equal(r.status, 2);
  assert.match(r.stderr, /ROOT must be a 64-digit hex SHA-256, got "abc"/);
});

test('unknown commands and options exit 2 with a clear message', t => {
  const base = tempDir(t, 'mlw-cli-');
  const cases: [string[], RegExp][] = [
    [['frobnicate'], /^mlw: unknown command "frobnicate" \(see: mlw --help\)\n$/],
    [['merkle', 'frob'], /^mlw: unknown command "merkle frob"; try: mlw merkle diff, .*mlw merkle verify\n$/],
    [['merkle'], /^mlw: unknown command "merkle"; try: mlw merkle diff/],
    [['merkle', 'diff', 'x', 'y', '--bogus'], /^mlw: Unknown option '--bogus' \(see: mlw merkle diff --help\)\n$/],
    [['merkle', 'diff', 'only-one'], /^mlw: expected A B, got 1 argument\(s\) \(see: mlw merkle diff --help\)\n$/],
    [['merkle', 'root', '--exclude'], /^mlw: Option '--exclude <value>' argument missing \(see: mlw merkle root --help\)\n$/],
  ];
  for (const [args, pattern] of cases) {
    const r = mlw(base, ...args);
    assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, pattern);
  }
});

test('--help and --version exit 0', t => {
  const base = tempDir(t, 'mlw-cli-');
  let r = mlw(base, '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /mlw merkle diff/);
  r = mlw(base, 'merkle', 'diff', '--help');
  assert.equal(r.status, 0);
  assert.match(r.stdout, /^usage: mlw merkle diff A B/);
  r = mlw(base, '--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout.trim(), JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')).version);
});

test('exclude and gitignore options reach the scan', t => {
  const base = tempDir(t, 'mlw-cli-');
  const a = build(path.join(base, 'A'), { 'keep.txt': 'k', 'x.log': 'log', '.gitignore': '*.tmp\n', 'y.tmp': 't', '.git/HEAD': 'ref' });
  const root = (...args: string[]) => {
    const r = mlw(base, 'merkle', 'root', a, '--json', '--no-cache', ...args);
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout).root as string;
  };
  const files = (names: string[]) => names.map(n => ({ kind: 'file', name: n, hash: sha256sum(fs.readFileSync(path.join(a, n))) }));
  const folder = (names: string[]) => sha256sum(Buffer.concat(files(names).map(e => Buffer.from(`${e.kind} ${e.hash} ${e.name}\0`))));
  assert.equal(root(), folder(['.gitignore', 'keep.txt', 'x.log', 'y.tmp']));
  assert.equal(root('--exclude', '*.log'), folder(['.gitignore', 'keep.txt', 'y.tmp']));
  assert.equal(root('--exclude', '*.log', '--gitignore'), folder(['.gitignore', 'keep.txt']));
  assert.equal(root('--no-default-excludes'), expectedRoot(a));
});

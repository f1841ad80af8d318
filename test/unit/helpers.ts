// Shared by the unit tests: temp folders, file builders and an independent implementation of
// the Merkle recipe that hashes with the `sha256sum` program (never the project's own code).
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestContext } from 'node:test';

/** The repository root (this file runs from out/test/unit/). */
export const repoRoot = path.resolve(__dirname, '..', '..', '..');

/** A fresh folder under the system temp folder, removed when the test ends. */
export function tempDir(t: TestContext, prefix = 'mlw-unit-'): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** Writes `content` at `root/rel`, making folders as needed. */
export function write(root: string, rel: string, content: string | Buffer): string {
  const p = path.join(root, rel);
  fs.mkdirSync(path.dirname(p), { recursive: true });
  fs.writeFileSync(p, content);
  return p;
}

/** Writes a whole tree: a string or Buffer is a file, `null` an empty folder, `{ link }` a symlink. */
export type Spec = Record<string, string | Buffer | null | { link: string }>;
export function build(root: string, spec: Spec): string {
  fs.mkdirSync(root, { recursive: true });
  for (const [rel, v] of Object.entries(spec)) {
    const p = path.join(root, rel);
    if (v === null) fs.mkdirSync(p, { recursive: true });
    else if (typeof v === 'string' || Buffer.isBuffer(v)) write(root, rel, v);
    else {
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.symlinkSync(v.link, p);
    }
  }
  return root;
}

/** Sets a file's atime and mtime to `secondsAgo` seconds before now (whole seconds). */
export function age(file: string, secondsAgo: number): number {
  const t = Math.floor(Date.now() / 1000) - secondsAgo;
  fs.utimesSync(file, t, t);
  return t;
}

/** SHA-256 (hex) of some bytes, computed by piping them into `sha256sum`. */
export function sha256sum(data: string | Buffer): string {
  return execFileSync('sha256sum', { input: data }).toString().slice(0, 64);
}

/** SHA-256 of each file, one `sha256sum -z` run for all of them (in argument order). */
export function sha256sumFiles(files: string[]): string[] {
  if (files.length === 0) return [];
  const out = execFileSync('sha256sum', ['-z', '--', ...files], { maxBuffer: 64 << 20 }).toString();
  const hashes = out.split('\0').filter(Boolean).map(line => line.slice(0, 64));
  if (hashes.length !== files.length) throw new Error(`sha256sum gave ${hashes.length} hashes for ${files.length} files`);
  return hashes;
}

export interface Entry { kind: 'file' | 'dir' | 'link'; hash: string; name: string }

/** The bytes a folder hashes: "<kind> <hash> <name>\0" per entry, in the order given. */
export function entryBytes(entries: Entry[]): Buffer {
  return Buffer.concat(entries.map(e => Buffer.concat([Buffer.from(`${e.kind} ${e.hash} `), Buffer.from(e.name, 'utf8'), Buffer.from([0])])));
}

/** Sorts entries by the bytes of their UTF-8 names. */
export function byUtf8(entries: Entry[]): Entry[] {
  return [...entries].sort((a, b) => Buffer.compare(Buffer.from(a.name, 'utf8'), Buffer.from(b.name, 'utf8')));
}

/** Folder hash: sha256sum of the entry bytes in UTF-8 byte order of the names. */
export function folderHash(entries: Entry[]): string {
  return sha256sum(entryBytes(byUtf8(entries)));
}

/**
 * The Merkle root of a folder by the recipe, computed independently: file leaves by sha256sum
 * over the files, link leaves by sha256sum of the raw target bytes, folders by sha256sum of the
 * sorted entry bytes. `skip(rel, isDir)` leaves paths out; FIFOs and other special files are left out.
 */
export function expectedRoot(dir: string, skip: (rel: string, isDir: boolean) => boolean = () => false): string {
  interface Node { kind: 'file' | 'dir' | 'link'; name: string; abs: string; hash?: string; children?: Node[] }
  const files: Node[] = [];
  const walk = (abs: string, rel: string): Node[] => {
    const out: Node[] = [];
    for (const name of fs.readdirSync(abs)) {
      const a = path.join(abs, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(a);
      if (skip(r, st.isDirectory())) continue;
      if (st.isSymbolicLink()) out.push({ kind: 'link', name, abs: a, hash: sha256sum(fs.readlinkSync(a, { encoding: 'buffer' })) });
      else if (st.isDirectory()) out.push({ kind: 'dir', name, abs: a, children: walk(a, r) });
      else if (st.isFile()) {
        const n: Node = { kind: 'file', name, abs: a };
        files.push(n);
        out.push(n);
      }
    }
    return out;
  };
  const top = walk(dir, '');
  sha256sumFiles(files.map(f => f.abs)).forEach((h, i) => { files[i].hash = h; });
  const hashOf = (n: Node): string => n.hash ??= folderHash(n.children!.map(c => ({ kind: c.kind, name: c.name, hash: hashOf(c) })));
  return hashOf({ kind: 'dir', name: '', abs: dir, children: top });
}

/** Every relative path in the folder on disk (folders with a trailing "/"), sorted by UTF-8 bytes. */
export function diskPaths(dir: string): string[] {
  const out: string[] = [];
  const walk = (abs: string, rel: string) => {
    for (const name of fs.readdirSync(abs)) {
      const r = rel ? `${rel}/${name}` : name;
      const st = fs.lstatSync(path.join(abs, name));
      if (st.isDirectory()) {
        out.push(`${r}/`);
        walk(path.join(abs, name), r);
      } else out.push(r);
    }
  };
  walk(dir, '');
  return sortUtf8(out);
}

/** Every relative path in a scanned tree (folders with a trailing "/"), sorted by UTF-8 bytes. */
export function treePaths(node: { children?: Map<string, any>; kind: string }, prefix = ''): string[] {
  const out: string[] = [];
  for (const [name, child] of node.children ?? []) {
    const r = prefix ? `${prefix}/${name}` : name;
    out.push(child.kind === 'dir' ? `${r}/` : r);
    out.push(...treePaths(child, r));
  }
  return prefix ? out : sortUtf8(out);
}

export function sortUtf8(list: string[]): string[] {
  return [...list].sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

/** True when running as root, where file permissions do not stop reads. */
export const isRoot = process.getuid?.() === 0;

const MLW = path.join(repoRoot, 'bin', 'mlw.js');

export interface Run { status: number | null; stdout: string; stderr: string }

/** Runs the built `mlw` in `cwd` with a private cache folder (never ~/.cache). */
export function mlw(cwd: string, ...args: string[]): Run {
  const r = spawnSync(process.execPath, [MLW, ...args], {
    cwd, encoding: 'utf8', timeout: 20_000,
    env: { ...process.env, XDG_CACHE_HOME: path.join(cwd, '.xdg-cache'), MLW_DEBUG: '' },
  });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

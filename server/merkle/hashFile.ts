import * as fs from 'node:fs';
import { createHash } from 'node:crypto';

export interface HashRequest {
  id: number;
  files: string[];
}

export type HashResult =
  | { hash: string; size: number; mtimeMs: number; ino: number; unstable?: boolean }
  | { error: string };

const CHUNK = 1 << 20;
const MAX_ATTEMPTS = 3;
let buffer: Buffer | undefined;

/**
 * SHA-256 of a file's content. The file is opened non-blocking and must be a regular file, so
 * a FIFO swapped in after the folder walk cannot hang us. If size or mtime change while it is
 * read, it is read again; after MAX_ATTEMPTS the last hash is returned marked `unstable`.
 */
export function hashFile(file: string): HashResult {
  buffer ??= Buffer.allocUnsafe(CHUNK);
  let fd: number;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (err) {
    return { error: reason(err) };
  }
  try {
    for (let attempt = 1; ; attempt++) {
      const before = fs.fstatSync(fd);
      if (!before.isFile()) return { error: 'no longer a regular file' };
      const h = createHash('sha256');
      let pos = 0;
      // Reads up to the size stat reported (no extra read to find the end); a file that grew
      // meanwhile shows in the second stat below.
      while (pos < before.size) {
        const n = fs.readSync(fd, buffer, 0, CHUNK, pos);
        if (n === 0) break;
        h.update(n === CHUNK ? buffer : buffer.subarray(0, n));
        pos += n;
      }
      const after = fs.fstatSync(fd);
      const stable = pos === before.size && after.size === before.size && after.mtimeMs === before.mtimeMs;
      if (stable || attempt === MAX_ATTEMPTS) {
        return { hash: h.digest('hex'), size: pos, mtimeMs: after.mtimeMs, ino: after.ino, ...(stable ? {} : { unstable: true }) };
      }
    }
  } catch (err) {
    return { error: reason(err) };
  } finally {
    fs.closeSync(fd);
  }
}

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === 'EACCES' || e.code === 'EPERM') return 'permission denied';
  if (e.code === 'ENOENT') return 'vanished while hashing';
  if (e.code === 'EISDIR') return 'became a folder while hashing';
  return e.code ? `${e.code}: ${e.message}` : String(err);
}

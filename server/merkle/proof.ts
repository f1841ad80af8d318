import { UserError } from '../common/errors';
import { dirHash, findNode, type DirEntryHash, type EntryKind, type TreeNode } from './tree';

/**
 * An inclusion proof (audit path) for one file: its leaf hash and, for each folder from the
 * file's own up to the root, the other entries of that folder. Hashing upwards with the
 * recipe must give the root hash; one file is checked without the rest of the tree.
 */
export interface InclusionProof {
  format: 'mlw-merkle-proof';
  version: 1;
  path: string;
  leaf: { kind: EntryKind; hash: string };
  /** Innermost folder first; `dir` is the folder's path ('' for the root). */
  levels: { dir: string; siblings: DirEntryHash[] }[];
  root: string;
}

export function makeProof(root: TreeNode, relPath: string): InclusionProof {
  const parts = relPath.split('/').filter(Boolean);
  const node = findNode(root, parts.join('/'));
  if (!node || parts.length === 0) throw new UserError(`no such path in the tree: ${relPath}`, relPath);
  const levels: InclusionProof['levels'] = [];
  for (let depth = parts.length - 1; depth >= 0; depth--) {
    const dirPath = parts.slice(0, depth).join('/');
    const dir = findNode(root, dirPath)!;
    const siblings = [...dir.children!.values()]
      .filter(c => c.name !== parts[depth])
      .map(c => ({ name: c.name, kind: c.kind, hash: c.hash }));
    levels.push({ dir: dirPath, siblings });
  }
  return { format: 'mlw-merkle-proof', version: 1, path: parts.join('/'), leaf: { kind: node.kind, hash: node.hash }, levels, root: root.hash };
}

export interface Verification {
  valid: boolean;
  computedRoot: string;
  reason?: string;
}

/**
 * Recomputes the root from the proof and compares it with `expectedRoot` (never with the root
 * the proof claims: a forged proof would claim its own). `leafHash`, when given, is the hash
 * of the file as it is now, checked against the proof's leaf.
 */
export function verifyProof(proof: InclusionProof, expectedRoot: string, leafHash?: string): Verification {
  checkShape(proof);
  const parts = proof.path.split('/');
  // Names no folder can hold, or hashes that are not 64 hex digits, would let a forged proof
  // re-split the hashed entry bytes (a "\0" inside can spell several entries), so that a path
  // that is not in the tree, or a wrong leaf, could verify.
  const badName = [...parts, ...proof.levels.flatMap(l => l.siblings.map(s => s.name))].find(n => !isEntryName(n));
  if (badName !== undefined) return { valid: false, computedRoot: '', reason: `${JSON.stringify(badName)} is not a valid entry name` };
  const badHash = [proof.leaf.hash, ...proof.levels.flatMap(l => l.siblings.map(s => s.hash))].find(h => !HEX64.test(h));
  if (badHash !== undefined) return { valid: false, computedRoot: '', reason: `${JSON.stringify(badHash)} is not a SHA-256 hash (64 lowercase hex digits)` };
  if (proof.levels.length !== parts.length) {
    return { valid: false, computedRoot: '', reason: `the proof has ${proof.levels.length} levels for a path of depth ${parts.length}` };
  }
  if (leafHash !== undefined && leafHash !== proof.leaf.hash) {
    return { valid: false, computedRoot: '', reason: `the file hashes to ${leafHash}, the proof's leaf is ${proof.leaf.hash}` };
  }
  let hash = proof.leaf.hash;
  let kind: EntryKind = proof.leaf.kind;
  for (let i = 0; i < proof.levels.length; i++) {
    const level = proof.levels[i];
    const depth = parts.length - 1 - i;
    const name = parts[depth];
    if (level.dir !== parts.slice(0, depth).join('/')) {
      return { valid: false, computedRoot: '', reason: `level ${i + 1} is for folder "${level.dir}", expected "${parts.slice(0, depth).join('/')}"` };
    }
    if (level.siblings.some(s => s.name === name)) {
      return { valid: false, computedRoot: '', reason: `folder "${level.dir}" lists "${name}" among its other entries` };
    }
    const seen = new Set<string>();
    const dup = level.siblings.find(s => (seen.has(s.name) ? true : (seen.add(s.name), false)));
    if (dup) return { valid: false, computedRoot: '', reason: `folder "${level.dir}" lists "${dup.name}" twice` };
    hash = dirHash([...level.siblings, { name, kind, hash }]);
    kind = 'dir';
  }
  const valid = hash === expectedRoot.toLowerCase();
  return valid ? { valid, computedRoot: hash } : { valid, computedRoot: hash, reason: `the proof leads to root ${hash}, not ${expectedRoot}` };
}

const HEX64 = /^[0-9a-f]{64}$/;

function isEntryName(n: string): boolean {
  return n !== '' && n !== '.' && n !== '..' && !n.includes('/') && !n.includes('\0');
}

function checkShape(p: InclusionProof): void {
  const ok = p && p.format === 'mlw-merkle-proof' && typeof p.path === 'string' && p.path !== '' && p.leaf && typeof p.leaf.hash === 'string'
    && ['file', 'link', 'dir'].includes(p.leaf.kind) && Array.isArray(p.levels)
    && p.levels.every(l => typeof l.dir === 'string' && Array.isArray(l.siblings)
      && l.siblings.every(s => typeof s.name === 'string' && typeof s.hash === 'string' && ['file', 'link', 'dir'].includes(s.kind)));
  if (!ok) throw new UserError('not a valid ML Workbench inclusion proof (expected format "mlw-merkle-proof" with path, leaf and levels)');
}

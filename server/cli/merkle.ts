import * as fs from 'node:fs';
import { UserError } from '../common/errors';
import { writeFileAtomic } from '../common/atomicWrite';
import { compare, loadSource, type CompareResult } from '../merkle/compare';
import { hashFile } from '../merkle/hashFile';
import { makeProof, verifyProof, type InclusionProof } from '../merkle/proof';
import { scanFolder, type ScanOptions } from '../merkle/scan';
import { writeSnapshot } from '../merkle/snapshot';
import { sha256Hex } from '../merkle/tree';
import { EXIT_DIFFERENT, EXIT_SAME, formatBytes, formatCount, parse, printJson, type Command } from './common';

const treeOptions = {
  exclude: { type: 'string', multiple: true },
  gitignore: { type: 'boolean' },
  'no-default-excludes': { type: 'boolean' },
  'no-cache': { type: 'boolean' },
  'cache-dir': { type: 'string' },
} as const;
const TREE_USAGE = '[--exclude GLOB]... [--gitignore] [--no-default-excludes] [--no-cache] [--cache-dir DIR]';

function scanOptions(v: { exclude?: string[]; gitignore?: boolean; 'no-default-excludes'?: boolean; 'no-cache'?: boolean; 'cache-dir'?: string }): Omit<ScanOptions, 'onProgress'> {
  return {
    exclude: v.exclude,
    gitignore: v.gitignore,
    defaultExcludes: !v['no-default-excludes'],
    cacheDir: v['no-cache'] ? false : v['cache-dir'],
  };
}

function positionals(command: string, got: string[], names: string[]): string[] {
  if (got.length !== names.length) throw new UserError(`expected ${names.join(' ')}, got ${got.length} argument(s) (see: mlw ${command} --help)`);
  return got;
}

function warnProblems(problems: { path: string; reason: string; side?: string }[]): void {
  for (const p of problems) process.stderr.write(`mlw: warning: ${p.side ? `${p.side}: ` : ''}${p.path}: ${p.reason}\n`);
}

const diff: Command = {
  summary: 'Compare two folders or snapshot files by their Merkle trees',
  usage: `merkle diff A B [--json] ${TREE_USAGE}`,
  async run(args) {
    const { values, positionals: pos } = parse('merkle diff', args, { ...treeOptions, json: { type: 'boolean' } });
    const [a, b] = positionals('merkle diff', pos, ['A', 'B']);
    const r = await compare(a, b, scanOptions(values));
    if (values.json) {
      printJson({
        rootA: r.rootA, rootB: r.rootB, added: r.added, removed: r.removed, modified: r.modified,
        kindChanged: r.kindChanged, comparisons: r.comparisons, nodes: r.nodes, problems: r.problems,
      });
    } else {
      warnProblems(r.problems);
      printDiff(r);
    }
    return r.rootA === r.rootB ? EXIT_SAME : EXIT_DIFFERENT;
  },
};

function printDiff(r: CompareResult): void {
  const kinds = new Map(r.kindChanged.map(k => [k.path, k]));
  const rows: [string, string][] = [
    ...r.added.map(p => ['A', p] as [string, string]),
    ...r.removed.map(p => ['D', p] as [string, string]),
    ...r.modified.map(p => [kinds.has(p) ? 'T' : 'M', kinds.has(p) ? `${p} (${kinds.get(p)!.from} → ${kinds.get(p)!.to})` : p] as [string, string]),
  ].sort((x, y) => (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0));
  for (const [code, p] of rows) process.stdout.write(`${code} ${p}\n`);
  const same = r.rootA === r.rootB;
  process.stdout.write(
    `${same ? 'identical' : `${r.added.length} added, ${r.removed.length} removed, ${r.modified.length} modified`}` +
    ` (${formatCount(r.comparisons)} hash comparisons for ${formatCount(r.nodes)} nodes; roots ${r.rootA.slice(0, 12)} ${same ? '=' : '≠'} ${r.rootB.slice(0, 12)})\n`,
  );
}

const snapshot: Command = {
  summary: 'Save the Merkle tree of a folder to a snapshot file (written atomically)',
  usage: `merkle snapshot DIR -o FILE [--contents MAX_BYTES] ${TREE_USAGE}`,
  async run(args) {
    const { values, positionals: pos } = parse('merkle snapshot', args, {
      ...treeOptions, output: { type: 'string', short: 'o' }, contents: { type: 'string' }, json: { type: 'boolean' },
    });
    const [dir] = positionals('merkle snapshot', pos, ['DIR']);
    if (!values.output) throw new UserError('missing -o FILE (where to write the snapshot)');
    const contentLimit = values.contents === undefined ? 0 : Number(values.contents);
    if (!Number.isInteger(contentLimit) || contentLimit < 0) throw new UserError(`--contents must be a byte count, got "${values.contents}"`);
    const opts = scanOptions(values);
    const r = await scanFolder(dir, opts);
    warnProblems(r.problems);
    const meta = writeSnapshot(values.output, r.root, {
      source: dir, contentLimit, options: { exclude: opts.exclude, gitignore: opts.gitignore, defaultExcludes: opts.defaultExcludes },
    });
    if (values.json) printJson({ file: meta.file, root: meta.root, entries: meta.entryCount, problems: r.problems });
    else process.stdout.write(`${meta.root}  ${values.output} (${formatCount(meta.entryCount)} entries, ${formatBytes(r.stats.bytesHashed)} hashed)\n`);
    return EXIT_SAME;
  },
};

const root: Command = {
  summary: 'Print the Merkle root hash of a folder or snapshot',
  usage: `merkle root DIR [--json] ${TREE_USAGE}`,
  async run(args) {
    const { values, positionals: pos } = parse('merkle root', args, { ...treeOptions, json: { type: 'boolean' } });
    const [dir] = positionals('merkle root', pos, ['DIR']);
    const s = await loadSource(dir, scanOptions(values));
    warnProblems(s.problems);
    if (values.json) printJson({ root: s.tree.hash, nodes: s.tree.count, stats: s.stats ?? null, problems: s.problems });
    else process.stdout.write(`${s.tree.hash}  ${dir}\n`);
    return EXIT_SAME;
  },
};

const proof: Command = {
  summary: 'Print the inclusion proof (audit path) of one file in a folder or snapshot',
  usage: `merkle proof DIR PATH [-o FILE] ${TREE_USAGE}`,
  async run(args) {
    const { values, positionals: pos } = parse('merkle proof', args, { ...treeOptions, output: { type: 'string', short: 'o' } });
    const [dir, rel] = positionals('merkle proof', pos, ['DIR', 'PATH']);
    const s = await loadSource(dir, scanOptions(values));
    const p = makeProof(s.tree, rel.replace(/\\/g, '/'));
    const text = JSON.stringify(p, null, 2) + '\n';
    if (values.output) writeFileAtomic(values.output, text);
    else process.stdout.write(text);
    return EXIT_SAME;
  },
};

const verify: Command = {
  summary: 'Check an inclusion proof against a root hash (and optionally the file itself)',
  usage: 'merkle verify PROOF ROOT [--file FILE] [--json]',
  async run(args) {
    const { values, positionals: pos } = parse('merkle verify', args, { file: { type: 'string' }, json: { type: 'boolean' } });
    const [proofFile, rootHash] = positionals('merkle verify', pos, ['PROOF', 'ROOT']);
    if (!/^[0-9a-fA-F]{64}$/.test(rootHash)) throw new UserError(`ROOT must be a 64-digit hex SHA-256, got "${rootHash}"`);
    let proofData: InclusionProof;
    try {
      proofData = JSON.parse(fs.readFileSync(proofFile, 'utf8'));
    } catch (err) {
      throw new UserError(`cannot read proof (${(err as Error).message})`, proofFile);
    }
    let leaf: string | undefined;
    if (values.file) {
      const st = fs.lstatSync(values.file, { throwIfNoEntry: false });
      if (!st) throw new UserError('no such file', values.file);
      if (st.isSymbolicLink()) leaf = sha256Hex(fs.readlinkSync(values.file, { encoding: 'buffer' }));
      else {
        const h = hashFile(values.file);
        if ('error' in h) throw new UserError(h.error, values.file);
        leaf = h.hash;
      }
    }
    let v;
    try {
      v = verifyProof(proofData, rootHash, leaf);
    } catch (err) {
      throw err instanceof UserError ? new UserError(err.message, proofFile) : err;
    }
    if (values.json) printJson({ valid: v.valid, path: proofData.path, computedRoot: v.computedRoot, reason: v.reason ?? null });
    else process.stdout.write(v.valid ? `OK ${proofData.path} is in the tree with root ${rootHash.toLowerCase()}\n` : `FAILED ${proofData.path}: ${v.reason}\n`);
    return v.valid ? EXIT_SAME : EXIT_DIFFERENT;
  },
};

export const merkleCommands: Record<string, Command> = {
  'merkle diff': diff,
  'merkle snapshot': snapshot,
  'merkle root': root,
  'merkle proof': proof,
  'merkle verify': verify,
};

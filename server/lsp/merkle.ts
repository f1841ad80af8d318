import * as path from 'node:path';
import type { Connection } from 'vscode-languageserver/node';
import {
  merkleCompareRequest, merkleListSnapshotsRequest, merkleSnapshotRequest, snapshotContentRequest,
} from '../../shared/protocol';
import { compare, snapshotFileName, snapshotFolder } from '../merkle/compare';
import { HashPool } from '../merkle/hashPool';
import type { LiveTrees } from '../merkle/liveTrees';
import type { ScanProgress } from '../merkle/scan';
import { listSnapshots, readSnapshotContent, writeSnapshot } from '../merkle/snapshot';
import { findNode } from '../merkle/tree';
import { runJob, toResponseError } from './progress';

function describeProgress(p: ScanProgress, prefix = ''): string {
  const mb = p.bytesHashed / 1e6;
  const files = p.filesSeen === 1 ? '1 file' : `${p.filesSeen.toLocaleString('en-US')} files`;
  return `${prefix}${files} scanned, ${p.filesHashed.toLocaleString('en-US')} hashed (${mb < 10 ? mb.toFixed(1) : mb.toFixed(0)} MB)`;
}

/** Adapts the merkle capability to LSP requests. */
export function registerMerkle(connection: Connection, live: LiveTrees, cacheDir: () => string | undefined): void {
  // One set of hashing workers for the server's life: starting threads per request costs ~30 ms each.
  let pool: HashPool | undefined;
  const sharedPool = () => (pool ??= new HashPool());

  connection.onRequest(merkleCompareRequest, (params, token) =>
    runJob(connection, 'Comparing (Merkle)', params, token, job =>
      compare(params.a, params.b, {
        exclude: params.exclude,
        gitignore: params.gitignore,
        cacheDir: cacheDir() ?? false,
        pool: sharedPool(),
        live,
        signal: job.signal,
        onProgress: (side, p) => job.report(describeProgress(p, `${side}: `)),
      })));

  connection.onRequest(merkleSnapshotRequest, (params, token) =>
    runJob(connection, 'Snapshot', params, token, async job => {
      const options = { exclude: params.exclude, gitignore: params.gitignore };
      const r = await live.scan(params.folder, {
        ...options,
        cacheDir: cacheDir() ?? false,
        pool: sharedPool(),
        signal: job.signal,
        onProgress: p => job.report(describeProgress(p)),
      });
      job.report('writing snapshot');
      const file = path.join(snapshotFolder(params.folder), snapshotFileName());
      const snapshot = writeSnapshot(file, r.root, { source: params.folder, options, contentLimit: params.contentLimit });
      return { snapshot, problems: r.problems };
    }));

  connection.onRequest(merkleListSnapshotsRequest, params => listSnapshots(snapshotFolder(params.folder)));

  connection.onRequest(snapshotContentRequest, params => {
    try {
      const snap = live.loadSnapshot(params.snapshot);
      const node = findNode(snap.tree, params.path);
      if (!node || node.kind !== 'file') return { content: null, reason: `${params.path} is not a file in this snapshot` };
      const content = readSnapshotContent(params.snapshot, node.hash);
      if (!content) {
        return { content: null, reason: `the snapshot keeps only the hash of ${params.path} (${node.size.toLocaleString('en-US')} bytes; contents are kept up to ${snap.meta.contentLimit.toLocaleString('en-US')} bytes)` };
      }
      return { content: content.toString('utf8') };
    } catch (err) {
      throw toResponseError(err);
    }
  });

  connection.onShutdown(() => pool?.close());
}

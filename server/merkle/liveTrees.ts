import * as fs from 'node:fs';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { scanFolder, type ScanOptions, type ScanResult } from './scan';
import { loadSnapshot, type LoadedSnapshot } from './snapshot';
import { joinPath, type TreeNode } from './tree';

/**
 * Trees kept alive between requests by the long-running server (git's fsmonitor idea).
 *
 * For folders under a file watcher (the editor's workspace folders), the last tree is kept in
 * memory together with the paths the watcher reported changed since that scan began. The next
 * scan takes every folder that no change touches as it was, without any I/O, and walks only the
 * folders on the changed paths. Paths the watcher does not watch are always walked, and past
 * MAX_CHANGES the next scan is a full one.
 */
export class LiveTrees {
  private watched: string[] = [];
  private notWatched: ((rel: string) => boolean) | undefined;
  private readonly trees = new Map<string, LiveTree>();
  private readonly snapshots = new Map<string, { key: string; snapshot: LoadedSnapshot }>();

  /** Folders the watcher covers, and the watcher's exclude globs (VS Code's files.watcherExclude). */
  setWatched(folders: string[], watcherExclude: string[] = []): void {
    this.watched = folders.map(f => path.resolve(f));
    const globs = watcherExclude.map(g => picomatch(g.replace(/^\*\*\//, ''), { dot: true }));
    // A folder is unwatched if it or anything in it matches ("**/node_modules/*/**").
    this.notWatched = globs.length ? rel => globs.some(m => m(rel) || m(`${rel}/x`)) : undefined;
    for (const root of this.trees.keys()) if (!this.isWatched(root)) this.trees.delete(root);
  }

  /** A file or folder was created, changed or deleted (absolute path). */
  changed(absPath: string): void {
    const p = path.resolve(absPath);
    for (const [root, live] of this.trees) {
      if (p === root) live.changes.add('');
      else if (p.startsWith(root + path.sep)) live.changes.add(p.slice(root.length + 1).split(path.sep).join('/'));
    }
  }

  async scan(folder: string, options: ScanOptions): Promise<ScanResult> {
    const root = path.resolve(folder);
    if (!this.isWatched(root)) return scanFolder(folder, options);
    const key = optionsKey(options);
    const before = this.trees.get(root);
    // Changes reported from now on belong to the tree this scan is about to build.
    const changes = new ChangeSet();
    const reusable = before && before.key === key && before.tree && !before.changes.overflow;
    const seen = before?.changes;
    this.trees.set(root, { key, changes });
    try {
      const r = await scanFolder(folder, {
        ...options,
        reuse: reusable ? {
          tree: before.tree!,
          scanStartMs: before.scanStartMs!,
          isUnchanged: rel => seen!.isUnchanged(rel) && before.unwatched!.isUnchanged(rel),
        } : undefined,
      });
      this.trees.set(root, { key, changes, tree: r.root, scanStartMs: r.scanStartMs, unwatched: this.unwatchedIn(r.root) });
      return r;
    } catch (err) {
      this.trees.delete(root); // the events since `before` are not kept: walk everything next time
      throw err;
    }
  }

  /** Snapshots are immutable files: one is parsed and checked again only when it changes. */
  loadSnapshot(file: string): LoadedSnapshot {
    const abs = path.resolve(file);
    const st = fs.statSync(abs, { throwIfNoEntry: false });
    const key = st ? `${st.size}:${st.mtimeMs}:${st.ino}` : '';
    const kept = this.snapshots.get(abs);
    if (kept && kept.key === key) return kept.snapshot;
    const snapshot = loadSnapshot(file);
    if (this.snapshots.size >= MAX_SNAPSHOTS) this.snapshots.delete(this.snapshots.keys().next().value!);
    this.snapshots.set(abs, { key, snapshot });
    return snapshot;
  }

  /** The folders of a tree the watcher does not watch: they and their ancestors are always read. */
  private unwatchedIn(tree: TreeNode): ChangeSet {
    const pinned = new ChangeSet();
    const visit = (node: TreeNode, rel: string) => {
      for (const child of node.children?.values() ?? []) {
        if (child.kind !== 'dir') continue;
        const childRel = joinPath(rel, child.name);
        if (this.notWatched!(childRel)) pinned.add(childRel);
        else visit(child, childRel);
      }
    };
    if (this.notWatched) visit(tree, '');
    return pinned;
  }

  private isWatched(root: string): boolean {
    return this.watched.some(w => root === w || root.startsWith(w + path.sep));
  }
}

interface LiveTree {
  key: string;
  changes: ChangeSet;
  tree?: TreeNode;
  scanStartMs?: number;
  unwatched?: ChangeSet;
}

const MAX_CHANGES = 20_000;
const MAX_SNAPSHOTS = 8;

/** The relative paths reported changed: their folders must be read again, created ones in full. */
export class ChangeSet {
  /** Folders holding a changed path (each changed path's ancestors). */
  private readonly dirs = new Set<string>();
  /** Paths whose whole subtree must be walked again (anything may have changed below them). */
  private readonly deep = new Set<string>();
  private count = 0;
  overflow = false;

  add(rel: string): void {
    if (++this.count > MAX_CHANGES) this.overflow = true;
    if (this.overflow) return;
    this.deep.add(rel);
    const parts = rel === '' ? [] : rel.split('/');
    for (let i = 0; i < parts.length; i++) this.dirs.add(parts.slice(0, i).join('/'));
    // A changed .gitignore changes what is excluded anywhere below its folder.
    if (parts.at(-1) === '.gitignore') this.deep.add(parts.slice(0, -1).join('/'));
  }

  isUnchanged(relDir: string): boolean {
    if (this.overflow || this.dirs.has(relDir) || this.deep.has('')) return false;
    for (let i = relDir.indexOf('/'); i >= 0; i = relDir.indexOf('/', i + 1)) if (this.deep.has(relDir.slice(0, i))) return false;
    return !this.deep.has(relDir);
  }
}

function optionsKey(o: ScanOptions): string {
  return JSON.stringify([o.exclude ?? [], o.gitignore === true, o.defaultExcludes !== false]);
}

import * as path from 'node:path';
import * as vscode from 'vscode';
import { merkleCompareRequest, merkleListSnapshotsRequest, merkleSnapshotRequest, type TreeOptions } from '../shared/protocol';
import type { SnapshotMeta } from '../server/merkle/snapshot';
import { MerkleDiffPanel, type CompareSides } from './merkleDiffPanel';
import type { ServerClient } from './serverClient';

const SKIP_FOLDERS = new Set(['.git', '.mlw', 'node_modules']);
const MAX_FOLDER_ITEMS = 300;

interface SourceItem extends vscode.QuickPickItem {
  path?: string;
  browse?: boolean;
}

function treeOptions(): TreeOptions {
  const config = vscode.workspace.getConfiguration('mlw.merkle');
  return { exclude: config.get<string[]>('exclude', []), gitignore: config.get<boolean>('respectGitignore', true) };
}

/** Workspace-relative label for a folder, "snapshot <date>" for a snapshot file. */
function labelFor(p: string, snapshot?: SnapshotMeta): string {
  if (snapshot) return `snapshot ${formatDate(snapshot.createdAt)}`;
  const rel = vscode.workspace.asRelativePath(p, (vscode.workspace.workspaceFolders?.length ?? 0) > 1);
  return rel === p ? path.basename(p) : rel;
}

function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const within = (child: string, parent: string) => child.startsWith(parent.endsWith(path.sep) ? parent : parent + path.sep);

/**
 * Folders of the workspace up to two levels deep, for quick picking. When A is chosen, B's list
 * leaves out A, what contains it and what it contains, and starts with A's siblings.
 */
async function workspaceFolderItems(a?: string): Promise<SourceItem[]> {
  const items: SourceItem[] = [];
  const visit = async (uri: vscode.Uri, depth: number) => {
    if (items.length >= MAX_FOLDER_ITEMS) return;
    const p = uri.fsPath;
    if (a && (p === a || within(p, a))) return;
    if (!a || !within(a, p)) items.push({ label: labelFor(p), description: depth === 0 ? 'workspace folder' : undefined, path: p, iconPath: vscode.ThemeIcon.Folder });
    if (depth >= 2) return;
    let entries: [string, vscode.FileType][] = [];
    try {
      entries = await vscode.workspace.fs.readDirectory(uri);
    } catch {
      return;
    }
    entries.sort(([a], [b]) => a.localeCompare(b));
    for (const [name, type] of entries) {
      if (type & vscode.FileType.Directory && !SKIP_FOLDERS.has(name)) await visit(vscode.Uri.joinPath(uri, name), depth + 1);
    }
  };
  for (const wf of vscode.workspace.workspaceFolders ?? []) await visit(wf.uri, 0);
  if (a) {
    const siblings = items.filter(i => path.dirname(i.path!) === path.dirname(a));
    return [...siblings, ...items.filter(i => !siblings.includes(i))];
  }
  return items;
}

export class MerkleCommands {
  constructor(private readonly context: vscode.ExtensionContext, private readonly server: ServerClient) {}

  register(): void {
    const reg = (id: string, fn: (...args: any[]) => unknown) => this.context.subscriptions.push(vscode.commands.registerCommand(id, fn));
    reg('mlw.merkle.compareFolders', () => this.compareFolders());
    reg('mlw.merkle.compareWith', (uri?: vscode.Uri) => this.compareFolders(uri?.fsPath));
    reg('mlw.merkle.snapshotWorkspace', () => this.snapshotWorkspace());
    reg('mlw.merkle.compareWithSnapshot', () => this.compareWithSnapshot());
  }

  private async snapshotItems(except?: string): Promise<SourceItem[]> {
    const items: SourceItem[] = [];
    for (const wf of vscode.workspace.workspaceFolders ?? []) {
      for (const s of await this.listSnapshots(wf.uri.fsPath)) {
        if (s.file === except) continue;
        items.push({ label: labelFor(s.file, s), description: `root ${s.root.slice(0, 12)}`, detail: `${s.entryCount.toLocaleString()} entries of ${labelFor(s.source)}`, path: s.file, iconPath: new vscode.ThemeIcon('history') });
      }
    }
    return items;
  }

  private async listSnapshots(folder: string): Promise<SnapshotMeta[]> {
    try {
      return await this.server.client.sendRequest(merkleListSnapshotsRequest, { folder });
    } catch {
      return [];
    }
  }

  /** Asks for one side of a comparison: a workspace folder, a snapshot or anything browsed to. */
  private async pickSource(title: string, except?: string): Promise<{ path: string; label: string } | undefined> {
    const folders = await workspaceFolderItems(except);
    const snapshots = await this.snapshotItems(except);
    const items: SourceItem[] = [
      ...folders,
      ...(snapshots.length ? [{ label: 'Snapshots', kind: vscode.QuickPickItemKind.Separator } as SourceItem, ...snapshots] : []),
      { label: 'Browse…', description: 'any folder or snapshot file', browse: true, iconPath: new vscode.ThemeIcon('folder-opened'), alwaysShow: true },
    ];
    const picked = await vscode.window.showQuickPick(items, { title, placeHolder: 'Type to filter folders and snapshots', matchOnDescription: true });
    if (!picked) return undefined;
    if (!picked.browse) return { path: picked.path!, label: picked.label };
    const uris = await vscode.window.showOpenDialog({ canSelectFolders: true, canSelectFiles: true, canSelectMany: false, openLabel: 'Compare', title });
    return uris?.[0] && { path: uris[0].fsPath, label: labelFor(uris[0].fsPath) };
  }

  async compareFolders(first?: string): Promise<void> {
    const a = first ? { path: first, label: labelFor(first) } : await this.pickSource('Compare Folders (Merkle): pick folder A (1/2)');
    if (!a) return;
    const b = await this.pickSource(`Compare Folders (Merkle): pick folder B to compare with ${a.label} (2/2)`, a.path);
    if (!b) return;
    await this.compare({ a: a.path, b: b.path, labelA: a.label, labelB: b.label });
  }

  private async compare(sides: CompareSides): Promise<void> {
    const run = () => this.server.withProgress(`Comparing ${sides.labelA} ↔ ${sides.labelB}`, merkleCompareRequest, { a: sides.a, b: sides.b, ...treeOptions() });
    const result = await run();
    if (!result) return;
    this.server.output.info(`compared ${sides.a} with ${sides.b}: ${result.added.length} added, ${result.removed.length} removed, ${result.modified.length} modified; ${result.comparisons} comparisons for ${result.nodes} nodes`);
    for (const p of result.problems) this.server.output.warn(`${p.side}: ${p.path}: ${p.reason}`);
    new MerkleDiffPanel(this.context.extensionUri, sides, run).show(result);
  }

  private async pickWorkspaceFolder(title: string): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      void vscode.window.showWarningMessage('ML Workbench: open a folder first.');
      return undefined;
    }
    return folders.length === 1 ? folders[0] : vscode.window.showWorkspaceFolderPick({ placeHolder: title });
  }

  async snapshotWorkspace(): Promise<void> {
    const wf = await this.pickWorkspaceFolder('Snapshot which workspace folder?');
    if (!wf) return;
    const contentLimit = vscode.workspace.getConfiguration('mlw.merkle').get<number>('snapshotContentLimit', 1 << 20);
    const r = await this.server.withProgress(`Snapshot of ${wf.name}`, merkleSnapshotRequest, { folder: wf.uri.fsPath, contentLimit, ...treeOptions() });
    if (!r) return;
    for (const p of r.problems) this.server.output.warn(`${p.path}: ${p.reason}`);
    this.server.output.info(`snapshot of ${wf.uri.fsPath} saved to ${r.snapshot.file} (root ${r.snapshot.root})`);
    // No buttons, so the notification goes away by itself instead of covering the editor.
    void vscode.window.showInformationMessage(
      `Snapshot of ${wf.name} saved to .mlw/snapshots/${path.basename(r.snapshot.file)}: ${r.snapshot.entryCount.toLocaleString()} entries, root ${r.snapshot.root.slice(0, 12)}…${r.problems.length ? ` (${r.problems.length} paths skipped, see output)` : ''}`,
    );
  }

  async compareWithSnapshot(): Promise<void> {
    const wf = await this.pickWorkspaceFolder('Compare which workspace folder?');
    if (!wf) return;
    const snapshots = await this.listSnapshots(wf.uri.fsPath);
    if (snapshots.length === 0) {
      const choice = await vscode.window.showInformationMessage(`No snapshots of ${wf.name} yet.`, 'Snapshot Now');
      if (choice === 'Snapshot Now') await this.snapshotWorkspace();
      return;
    }
    const picked = await vscode.window.showQuickPick(
      snapshots.map(s => ({ label: labelFor(s.file, s), description: `root ${s.root.slice(0, 12)}`, detail: `${s.entryCount.toLocaleString()} entries`, snapshot: s })),
      { title: `Compare ${wf.name} with snapshot…`, placeHolder: 'Newest first' },
    );
    if (!picked) return;
    await this.compare({ a: picked.snapshot.file, b: wf.uri.fsPath, labelA: picked.label, labelB: wf.name });
  }
}

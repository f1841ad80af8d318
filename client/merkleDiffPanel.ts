import * as path from 'node:path';
import * as vscode from 'vscode';
import type { MerkleCompareResult } from '../shared/protocol';
import type { DiffSide, MerkleDiffFromWebview, MerkleDiffToWebview, MerkleDiffView } from '../shared/webviewProtocol';
import type { DiffNode } from '../server/merkle/diff';
import { snapshotUri } from './snapshotContent';
import { webviewHtml, webviewOptions } from './webviewHtml';

export interface CompareSides {
  a: string;
  b: string;
  labelA: string;
  labelB: string;
}

/** The Merkle diff webview: shows a comparison and opens files and diff editors from it. */
export class MerkleDiffPanel {
  private static readonly viewType = 'mlw.merkleDiff';
  private readonly panel: vscode.WebviewPanel;
  private result: MerkleCompareResult | undefined;
  private ready = false;
  /** Sent again whenever the webview (re)loads and says it is ready. */
  private last: MerkleDiffToWebview | undefined;

  constructor(
    extensionUri: vscode.Uri,
    private readonly sides: CompareSides,
    private readonly rerun: () => Promise<MerkleCompareResult | undefined>,
  ) {
    const title = `Merkle Diff: ${sides.labelA} ↔ ${sides.labelB}`;
    this.panel = vscode.window.createWebviewPanel(MerkleDiffPanel.viewType, title, vscode.ViewColumn.Active, webviewOptions(extensionUri));
    this.panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'merkle.svg');
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, 'merkleDiff', title);
    this.panel.webview.onDidReceiveMessage((m: MerkleDiffFromWebview) => this.onMessage(m));
  }

  show(result: MerkleCompareResult): void {
    this.result = result;
    this.post({ type: 'show', view: this.view(result) });
  }

  private view(r: MerkleCompareResult): MerkleDiffView {
    const side = (p: string, label: string, kind: 'folder' | 'snapshot', root: string): DiffSide => ({ path: p, label, kind, root });
    return {
      a: side(this.sides.a, this.sides.labelA, r.a.kind, r.rootA),
      b: side(this.sides.b, this.sides.labelB, r.b.kind, r.rootB),
      added: r.added.length,
      removed: r.removed.length,
      modified: r.modified.length,
      kindChanged: r.kindChanged,
      comparisons: r.comparisons,
      nodes: r.nodes,
      problems: r.problems,
      tree: r.tree,
      durationMs: (r.a.stats?.durationMs ?? 0) + (r.b.stats?.durationMs ?? 0),
    };
  }

  private post(message: MerkleDiffToWebview): void {
    this.last = message;
    if (this.ready) void this.panel.webview.postMessage(message);
  }

  private async onMessage(m: MerkleDiffFromWebview): Promise<void> {
    switch (m.type) {
      case 'ready':
        this.ready = true;
        if (this.last) void this.panel.webview.postMessage(this.last);
        break;
      case 'open':
        await this.open(m.path);
        break;
      case 'reveal': {
        const root = m.side === 'A' ? this.sides.a : this.sides.b;
        const kind = m.side === 'A' ? this.result?.a.kind : this.result?.b.kind;
        if (kind === 'folder') await vscode.commands.executeCommand('revealInExplorer', vscode.Uri.file(path.join(root, m.path)));
        break;
      }
      case 'refresh': {
        this.post({ type: 'busy', message: 'Comparing…' });
        const r = await this.rerun();
        if (r) this.show(r);
        else if (this.result) this.show(this.result);
        break;
      }
    }
  }

  /** Modified files open in the diff editor; added, removed and equal ones open as they are. */
  private async open(relPath: string): Promise<void> {
    const node = this.result && findDiffNode(this.result.tree, relPath);
    if (!node || !this.result) return;
    const uriA = this.sideUri('A', relPath);
    const uriB = this.sideUri('B', relPath);
    if (node.status === 'modified' && node.kindA === 'file' && node.kindB === 'file') {
      await vscode.commands.executeCommand('vscode.diff', uriA, uriB, `${relPath} (${this.sides.labelA} ↔ ${this.sides.labelB})`, { preview: true });
    } else if (node.status === 'removed' || (node.kindB !== 'file' && node.kindA === 'file')) {
      await vscode.window.showTextDocument(uriA, { preview: true });
    } else if (node.kindB === 'file') {
      await vscode.window.showTextDocument(uriB, { preview: true });
    }
  }

  private sideUri(side: 'A' | 'B', relPath: string): vscode.Uri {
    const root = side === 'A' ? this.sides.a : this.sides.b;
    const kind = side === 'A' ? this.result!.a.kind : this.result!.b.kind;
    return kind === 'snapshot' ? snapshotUri(root, relPath) : vscode.Uri.file(path.join(root, relPath));
  }
}

function findDiffNode(root: DiffNode, relPath: string): DiffNode | undefined {
  let node: DiffNode | undefined = root;
  for (const part of relPath.split('/')) {
    node = node?.children?.find(c => c.name === part);
    if (!node) return undefined;
  }
  return node;
}

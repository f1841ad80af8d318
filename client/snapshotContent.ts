import * as vscode from 'vscode';
import { snapshotContentRequest } from '../shared/protocol';
import type { ServerClient } from './serverClient';

export const SNAPSHOT_SCHEME = 'mlw-snapshot';

/** mlw-snapshot:/<path in the snapshot>?<snapshot file> — read-only contents kept by a snapshot. */
export function snapshotUri(snapshotFile: string, relPath: string): vscode.Uri {
  return vscode.Uri.from({ scheme: SNAPSHOT_SCHEME, path: `/${relPath}`, query: snapshotFile });
}

export class SnapshotContentProvider implements vscode.TextDocumentContentProvider {
  constructor(private readonly server: ServerClient) {}

  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const r = await this.server.client.sendRequest(snapshotContentRequest, { snapshot: uri.query, path: uri.path.slice(1) });
    // Shown in place of the old text, so the diff editor still opens and explains itself.
    return r.content ?? `[ML Workbench: ${r.reason}]\n`;
  }
}

// Messages between webviews (webviews/) and their hosts in the extension (client/).
import type { DiffNode, KindChange } from '../server/merkle/diff';

// ---- Merkle diff webview --------------------------------------------------------------------

export interface DiffSide {
  /** Absolute path of the folder or snapshot file. */
  path: string;
  /** Short label: workspace-relative path or snapshot date. */
  label: string;
  kind: 'folder' | 'snapshot';
  root: string;
}

export interface MerkleDiffView {
  a: DiffSide;
  b: DiffSide;
  added: number;
  removed: number;
  modified: number;
  kindChanged: KindChange[];
  comparisons: number;
  nodes: number;
  problems: { side: 'A' | 'B'; path: string; reason: string }[];
  tree: DiffNode;
  durationMs: number;
}

export type MerkleDiffToWebview =
  | { type: 'show'; view: MerkleDiffView }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string };

export type MerkleDiffFromWebview =
  | { type: 'ready' }
  /** Open a path: the diff editor for modified files, the file itself for added/removed/equal. */
  | { type: 'open'; path: string }
  | { type: 'refresh' }
  | { type: 'reveal'; path: string; side: 'A' | 'B' };

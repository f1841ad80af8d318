// Messages between webviews (webviews/) and their hosts in the extension (client/).
import type { AnomalyInfo, MeasurementType } from '../server/datavalidation/anomalies';
import type { DatasetFeatureStatisticsList } from '../server/datavalidation/statisticsProto';
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

// ---- Drift report webview (data validation: statistics, drift and skew) ---------------------


/** One dataset's statistics; the report reads its first dataset (`statistics.datasets[0]`). */
export interface DriftReportDataset {
  /** Short label shown in the header and legend, e.g. a file name or "training". */
  label: string;
  statistics: DatasetFeatureStatisticsList;
}

/** The distance between the baseline's and the current distribution of one feature. */
export interface DriftReportComparison {
  /** L_INFTY for categorical features, JENSEN_SHANNON_DIVERGENCE for numeric ones (TFDV's choice). */
  kind: MeasurementType;
  value: number;
  threshold: number;
  /** False when the schema sets no comparator for the feature: a distance without a threshold. */
  configured?: boolean;
}

export interface DriftReportView {
  title: string;
  /** statistics: one dataset; drift: previous → current; skew: training (baseline) vs serving (current). */
  mode: 'statistics' | 'drift' | 'skew';
  current: DriftReportDataset;
  /** The previous span (drift) or the training data (skew). */
  baseline?: DriftReportDataset;
  /** By feature name (path steps joined by "."). */
  comparisons: Record<string, DriftReportComparison>;
  /** By feature name (path steps joined by "."). */
  anomalies: Record<string, AnomalyInfo>;
  datasetAnomaly?: AnomalyInfo;
}

export type DriftReportToWebview =
  | { type: 'show'; view: DriftReportView }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string };

export type DriftReportFromWebview =
  | { type: 'ready' }
  | { type: 'openSchema' }
  | { type: 'exportJson' }
  /** Show the feature's column in its source (e.g. the CSV). */
  | { type: 'reveal'; feature: string };

// ---- ONNX viewer webview (custom editor for *.onnx) -----------------------------------------

export type OnnxGraphPayload = import('./protocol').OnnxGraphResult;
export type OnnxRunPayload = import('../server/onnx/run').RunResult;

export type OnnxViewerToWebview =
  /** Work in progress (reading, laying out); the page shows it over the current graph. */
  | { type: 'busy'; message: string }
  /** A graph to draw; `keepView` keeps zoom and selection (a reload of the same graph). */
  | { type: 'graph'; fileName: string; data: OnnxGraphPayload; keepView?: boolean }
  /** The model (or the graph asked for) could not be shown: the message names the file and the reason. */
  | { type: 'error'; message: string }
  /** Whether "Run Model…" can run the model (the inference service is present). */
  | { type: 'runAvailable'; available: boolean }
  | { type: 'runStarted'; message: string }
  | { type: 'runResult'; run: OnnxRunPayload }
  | { type: 'runError'; message: string }
  /** The host saved an export (or the user cancelled: path undefined). */
  | { type: 'exported'; path?: string };

export type OnnxViewerFromWebview =
  | { type: 'ready' }
  /** Show another graph of the model (a subgraph, a function body, or back to "main"). */
  | { type: 'openGraph'; graphId: string }
  /** Save the drawing: SVG text or a PNG as base64; the host asks where. */
  | { type: 'export'; format: 'svg' | 'png'; data: string }
  | { type: 'runModel' }
  | { type: 'reload' };
// ---- end ONNX viewer webview ----------------------------------------------------------------

// ---- Runs webview (tracking: one run's metric charts, or runs compared) ----------------------

export interface RunsView {
  /** Runs, params side by side and metric series per run (one run: a single column). */
  comparison: import('./protocol').TrackingComparison;
  /** The tracking store, as shown to the user (folder or server URL). */
  store: string;
  /** A metric to scroll to and highlight. */
  focus?: string;
}

export type RunsToWebview =
  | { type: 'show'; view: RunsView }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string };

export type RunsFromWebview =
  | { type: 'ready' }
  | { type: 'refresh' }
  /** Put text (a run id) on the clipboard. */
  | { type: 'copy'; text: string };
// ---- end Runs webview -----------------------------------------------------------------------

// ---- Piano roll webview (custom editor for .mid / .midi) ----------------------------------

export type PianoRollToWebview =
  /** The file's notes, tempo map and tracks; sent again when the file changes on disk. */
  | { type: 'show'; data: import('./protocol').MusicPianoRollData }
  | { type: 'busy'; message: string }
  /** The file cannot be shown: the reason, in the panel instead of an empty roll. */
  | { type: 'error'; file: string; message: string };

export type PianoRollFromWebview =
  | { type: 'ready' }
  | { type: 'reload' }
  /** Playback could not start (no audio output…): the host tells the user. */
  | { type: 'audioError'; message: string };
// ---- end Piano roll webview -----------------------------------------------------------------

// ---- Simulation webview (leader election space-time diagram, replica sync trees) -------------

export interface ElectionView {
  kind: 'election';
  title: string;
  result: import('../server/simulation/election/types').ElectionResult;
}

export interface SyncView {
  kind: 'sync';
  title: string;
  result: import('../server/simulation/sync/antiEntropy').SyncResult;
  scaling?: import('../server/simulation/sync/antiEntropy').ScalingRow[];
}

export type SimulationView = ElectionView | SyncView;

export type SimulationToWebview =
  | { type: 'show'; view: SimulationView }
  | { type: 'busy'; message: string }
  | { type: 'error'; message: string };

export type SimulationFromWebview =
  | { type: 'ready' }
  /** Run the same scenario again with another seed. */
  | { type: 'rerun'; seed: number };
// ---- end simulation -------------------------------------------------------------------------

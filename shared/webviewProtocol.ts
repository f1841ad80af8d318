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

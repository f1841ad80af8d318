// Above the features: title, mode, the datasets compared, the counts and the dataset anomaly.

import type { AnomalyInfo } from '../../server/datavalidation/anomalies';
import type { DriftReportView } from '../../shared/webviewProtocol';
import { h } from '../common/dom';
import { formatCount, plural } from './format';
import type { ReportModel } from './model';

/** The role names of the two datasets, used in legends and tables. */
export function roleNames(view: DriftReportView): { baseline: string; current: string } {
  if (view.mode === 'skew') return { baseline: 'training', current: 'serving' };
  if (view.mode === 'drift') return { baseline: 'previous', current: 'current' };
  return { baseline: 'baseline', current: 'current' };
}

const MODE_TEXT = { statistics: 'Statistics', drift: 'Drift: previous → current', skew: 'Skew: training vs serving' };

export function renderHeader(view: DriftReportView, model: ReportModel, actions: { openSchema(): void; exportJson(): void }): HTMLElement {
  const roles = roleNames(view);
  const button = (id: string, label: string, title: string, run: () => void) => {
    const b = h('button', { id, type: 'button', class: 'button secondary', title }, label);
    b.addEventListener('click', run);
    return b;
  };
  const dataset = (series: 'baseline' | 'current', label: string, examples: number | undefined) =>
    h(
      'div',
      { class: `dataset series-${series}`, id: `dataset-${series}`, title: label },
      h('span', { class: 'swatch', 'aria-hidden': 'true' }),
      h('span', { class: 'dataset-role' }, series === 'current' ? roles.current : roles.baseline),
      h('span', { class: 'dataset-label' }, label),
      examples !== undefined && h('span', { class: 'dataset-count muted' }, plural(examples, 'example')),
    );
  const datasets = h(
    'div',
    { class: 'datasets' },
    view.baseline && dataset('baseline', view.baseline.label, model.baselineExamples),
    view.baseline && h('span', { class: 'datasets-arrow', 'aria-hidden': 'true' }, view.mode === 'skew' ? 'vs' : '→'),
    dataset('current', view.current.label, model.currentExamples),
  );
  const chip = (id: string, n: number, label: string, kind: string, title: string) =>
    h('span', { class: `summary-chip${n === 0 ? ' zero' : ''}`, id, 'data-kind': kind, 'data-count': n, title }, h('strong', {}, formatCount(n)), ` ${label}`);
  const summary = h(
    'div',
    { class: 'summary' },
    chip('count-features', model.features.length, model.features.length === 1 ? 'feature' : 'features', 'features', 'Features in either dataset'),
    chip('count-anomalies', model.anomalyCount, model.anomalyCount === 1 ? 'anomaly' : 'anomalies', 'anomalies', 'Features with an anomaly'),
    view.baseline && chip('count-drifted', model.driftedCount, 'above threshold', 'drifted', `Features whose ${view.mode === 'skew' ? 'skew' : 'drift'} distance is above its threshold`),
  );
  return h(
    'header',
    { id: 'report-header', class: 'report-header' },
    h(
      'div',
      { class: 'title-row' },
      h('h1', { class: 'report-title', title: view.title }, view.title),
      h('span', { class: 'mode-chip', id: 'mode', 'data-mode': view.mode }, MODE_TEXT[view.mode]),
      h('span', { class: 'spacer' }),
      button('open-schema', 'Open Schema', 'Open the schema the statistics were validated against', actions.openSchema),
      button('export-json', 'Export JSON', 'Save the statistics and anomalies as JSON', actions.exportJson),
    ),
    h('div', { class: 'header-row' }, datasets, summary),
    view.datasetAnomaly && datasetAnomaly(view.datasetAnomaly),
  );
}

function datasetAnomaly(a: AnomalyInfo): HTMLElement {
  return h(
    'div',
    { id: 'dataset-anomaly', class: 'dataset-anomaly', role: 'alert', 'data-severity': a.severity },
    h('span', { class: 'anomaly-glyph', 'aria-hidden': 'true' }, a.severity === 'WARNING' ? '⚠' : '!'),
    h('div', {}, h('strong', {}, a.shortDescription || 'Dataset anomaly'), h('div', { class: 'muted' }, a.description)),
  );
}

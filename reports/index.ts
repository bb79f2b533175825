/**
 * reports/: a simulator run folder turned into charts and an offline HTML report. Reads output
 * files only (never sim/ or engine/). The explicit export list below is the layer's surface.
 */
export { writeRunReport, type RunReportFiles, type RunReportOptions } from './write-run-report.ts';
export { readRunFolder, customersFileName, type RunFolder } from './run-folder.ts';
export { RunFolderError, describeIssue, type RunFolderIssue } from './errors.ts';
export { buildCharts, CHART_NAMES, type BuiltCharts, type ChartName } from './charts/build-charts.ts';
export type { Chart } from './charts/chart.ts';
export { specText } from './charts/spec-text.ts';
export { renderSvg, svgToPng, chartFont, type RenderedSvg } from './render.ts';
export { reportHtml } from './report-html.ts';
export { tierTable, type TierTable } from './tier-table.ts';
export { meanInterval, type MeanInterval } from './interval.ts';
export { BLOCKED_REASONS, type BlockedReason, type Estimate, type Summary } from './summary-file.ts';
export type { CustomerCycleRow, HourRow, TierMonthRow, WaitRow } from './table-files.ts';

/** The sweep's surface in reports/: results from the cells' summaries, sweep.csv, the best cells. */
export { goalProblems } from './goal.ts';
export { bestCells, figureValue, sweepCsv, sweepRows, type SweepCellSummary, type SweepGoal, type SweepRow } from './sweep-results.ts';
export { bestCellsTable } from './best-table.ts';
export { readSummary } from '../compare/write-compare.ts';
export { sweepCharts, sensitivityChart, heatmapChart } from './sweep-charts.ts';
export { writeSweepReport, type SweepReportInput } from './write-sweep-report.ts';

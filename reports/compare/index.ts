/** `sim compare`'s surface in reports/: read the runs' summaries, write the comparison. */
export { readSummary, writeComparison, nameRuns, type Comparison } from './write-compare.ts';
export { compareRows, compareCsv, comparedPlans, COMPARE_COLUMNS, type CompareRow, type ComparedRun } from './compare-rows.ts';
export { compareTable, formatValue } from './compare-table.ts';
export { compareCharts, compareChart, COMPARE_CHARTS } from './compare-charts.ts';
export { FIGURES, FLEET_PLAN, type Figure, type Unit } from './figures.ts';

/**
 * Every chart of a run folder, in the report's order, and a note for each chart that could not
 * be drawn (an input the run folder predates). Pure: the same folder gives the same specs.
 */
import type { RunFolder } from '../run-folder.ts';
import { blockedByReasonChart, hasBlockedByReason } from './blocked-by-reason.ts';
import type { Chart } from './chart.ts';
import { exhaustionCurveChart } from './exhaustion-curve.ts';
import { grossMarginChart } from './gross-margin.ts';
import { planFlowsChart } from './plan-flows.ts';
import { queuesAndUtilizationChart } from './queues-and-utilization.ts';
import { revenueByLineChart } from './revenue-by-line.ts';
import { waitsByHourChart } from './waits-by-hour.ts';

/** Chart names (file stems under charts/), in report order. */
export const CHART_NAMES = [
  'revenue-by-line',
  'gross-margin',
  'waits-by-hour',
  'queues-and-utilization',
  'exhaustion-curve',
  'plan-flows',
  'blocked-by-reason',
] as const;
export type ChartName = (typeof CHART_NAMES)[number];

export interface BuiltCharts {
  readonly charts: readonly Chart[];
  /** Why a chart is missing, one line each. */
  readonly notes: readonly string[];
}

export function buildCharts(folder: RunFolder): BuiltCharts {
  const { plans, replications } = folder;
  const tiers = folder.summary.estimates.tiers;
  const charts: Chart[] = [];
  const notes: string[] = [];
  charts.push({ name: 'revenue-by-line', title: 'Revenue by line per month', spec: revenueByLineChart({ plans, replications, tierMonths: folder.tierMonths }) });
  charts.push({ name: 'gross-margin', title: 'Gross margin per plan', spec: grossMarginChart({ plans, replications, tiers }) });
  if (folder.waits === null) notes.push('Waits by hour of day: not drawn, the run folder has no waits.csv (written before the simulator had it).');
  else charts.push({ name: 'waits-by-hour', title: 'Fast and Relax waits by hour of day', spec: waitsByHourChart({ plans, replications, waits: folder.waits }) });
  charts.push({ name: 'queues-and-utilization', title: 'Queues and GPU utilization', spec: queuesAndUtilizationChart({ replications, hours: folder.hours }) });
  charts.push({ name: 'exhaustion-curve', title: 'Exhaustion curve', spec: exhaustionCurveChart({ plans, replications, customerCycles: folder.customerCycles }) });
  charts.push({ name: 'plan-flows', title: 'Plan changes and churn', spec: planFlowsChart({ plans, replications, flows: folder.summary.estimates.flows }) });
  if (!hasBlockedByReason(tiers)) notes.push('Blocked requests by reason: not drawn, summary.json has no blocked_by_reason (written before the simulator had it).');
  else charts.push({ name: 'blocked-by-reason', title: 'Blocked requests by reason', spec: blockedByReasonChart({ plans, replications, tiers }) });
  return { charts, notes };
}

/**
 * The comparison's charts: for a few figures each, grouped bars per plan with one bar per run
 * (the first run first), one panel per figure with its own scale, and 95% error bars when the
 * runs had replications. Pure: compare rows in, Vega-Lite specs out.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type Chart, type Layer, type TooltipField, VEGA_LITE_SCHEMA, round } from '../charts/chart.ts';
import { FIGURES } from './figures.ts';
import type { CompareRow } from './compare-rows.ts';

/** The charts of a comparison: file stem, title, figures (compare.csv metrics). */
export const COMPARE_CHARTS = [
  { name: 'compare-revenue-margin', title: 'Revenue, GPU cost and gross margin', metrics: ['revenue_total', 'gpu_cost', 'gross_margin'] },
  { name: 'compare-revenue-lines', title: 'Revenue by line', metrics: ['revenue_subscriptions', 'revenue_annual', 'revenue_topups', 'revenue_overage', 'revenue_proration'] },
  { name: 'compare-usage-waits', title: 'GPU hours used, and Fast and Relax waits (p50, p95)', metrics: ['fast_hours', 'relax_hours', 'fast_wait_p50', 'fast_wait_p95', 'relax_wait_p50', 'relax_wait_p95'] },
  { name: 'compare-exhaustion-blocked', title: 'Running out of Fast time, and blocked requests', metrics: ['exhausted_share', 'median_exhaustion_day', 'blocked_requests'] },
  { name: 'compare-migration', title: 'Plan changes: upgrades, downgrades, churn', metrics: ['upgrades', 'downgrades', 'churned', 'subscribers_end'] },
] as const;

const UNIT_TEXT = { usd: '$', seconds: 's', hours: 'GPU hours', share: 'share', count: 'count', day: 'day of cycle' } as const;

function panelTitle(metric: string): string {
  const figure = FIGURES.find((candidate) => candidate.id === metric)!;
  return `${figure.label} (${UNIT_TEXT[figure.unit]})`;
}

export function compareChartData(rows: readonly CompareRow[], metrics: readonly string[]): Record<string, string | number>[] {
  const data: Record<string, string | number>[] = [];
  for (const metric of metrics) {
    const decimals = FIGURES.find((figure) => figure.id === metric)!.decimals;
    for (const row of rows) {
      if (row.metric !== metric || row.mean === null) continue;
      const point: Record<string, string | number> = { figure: panelTitle(metric), plan: row.plan, run: row.run, value: row.mean };
      if (row.ci95 !== null) {
        point.low = round(row.mean - row.ci95, decimals);
        point.high = round(row.mean + row.ci95, decimals);
      }
      data.push(point);
    }
  }
  return data;
}

export function compareChart(name: string, title: string, metrics: readonly string[], rows: readonly CompareRow[], runs: readonly string[], plans: readonly string[]): Chart {
  const data = compareChartData(rows, metrics);
  const withIntervals = data.some((point) => 'low' in point);
  const panels = metrics.map(panelTitle);
  const x = { field: 'plan', type: 'nominal', sort: [...plans], title: 'Plan', axis: { labelAngle: 0 } } as const;
  const xOffset = { field: 'run', type: 'nominal', sort: [...runs] } as const;
  const tooltip: TooltipField[] = [
    { field: 'figure', type: 'nominal', title: 'Figure' },
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'run', type: 'nominal', title: 'Run' },
    { field: 'value', type: 'quantitative', title: withIntervals ? 'Mean' : 'Value', format: ',.4~f' },
  ];
  if (withIntervals) tooltip.push({ field: 'low', type: 'quantitative', title: '95% low', format: ',.4~f' }, { field: 'high', type: 'quantitative', title: '95% high', format: ',.4~f' });
  const layer: Layer[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'value', type: 'quantitative', title: null },
        color: { field: 'run', type: 'nominal', sort: [...runs], scale: { domain: [...runs] }, title: 'Run' },
        tooltip,
      },
    },
  ];
  if (withIntervals) layer.push({ mark: { type: 'rule', color: 'black' }, encoding: { x, xOffset, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, tooltip } });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `${title}: means with 95% intervals` : title,
    data: { values: data },
    facet: { row: { field: 'figure', type: 'nominal', sort: panels, title: null, header: { labelAngle: 0, labelAlign: 'left', labelFontWeight: 'bold' } } },
    spec: { width: { step: 18 }, height: 160, layer },
    resolve: { scale: { y: 'independent' } },
  };
  return { name, title, spec };
}

export function compareCharts(rows: readonly CompareRow[], runs: readonly string[], plans: readonly string[]): Chart[] {
  return COMPARE_CHARTS.map((chart) => compareChart(chart.name, chart.title, chart.metrics, rows, runs, plans));
}

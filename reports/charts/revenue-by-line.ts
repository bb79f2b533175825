/**
 * Revenue by tier and line per month (tiers.csv): grouped bars, one panel per plan, months on x
 * and the five revenue lines side by side, in dollars. Proration can be negative (credits for the
 * unused part of an old fee at an upgrade). With replications the bars are means and carry 95%
 * error bars.
 */
import type { TopLevelSpec } from 'vega-lite';
import { meanInterval } from '../interval.ts';
import type { TierMonthRow } from '../table-files.ts';
import { type Encoding, type Layer, type TooltipField, VEGA_LITE_SCHEMA, byPlanOrder, intervalFields, valuesByKey } from './chart.ts';

/** The revenue lines in display order, with the tiers.csv column each comes from. */
export const REVENUE_LINES = [
  { line: 'subscription', column: 'subscription_cents' },
  { line: 'annual', column: 'annual_cents' },
  { line: 'top-ups', column: 'topup_cents' },
  { line: 'overage', column: 'overage_cents' },
  { line: 'proration', column: 'proration_cents' },
] as const satisfies readonly { line: string; column: keyof TierMonthRow }[];

export interface RevenueByLineInput {
  readonly plans: readonly string[];
  readonly replications: number;
  readonly tierMonths: readonly TierMonthRow[];
}

export function revenueByLineData(input: RevenueByLineInput): Record<string, string | number>[] {
  const months = [...new Set(input.tierMonths.map((row) => row.month))].sort();
  const planOrder = byPlanOrder(input.plans);
  const plans = [...new Set(input.tierMonths.map((row) => row.plan))].sort(planOrder);
  const data: Record<string, string | number>[] = [];
  for (const { line, column } of REVENUE_LINES) {
    const groups = valuesByKey(input.tierMonths, (row) => `${row.month}|${row.plan}`, (row) => row[column]);
    for (const month of months) {
      for (const plan of plans) {
        const values = groups.get(`${month}|${plan}`);
        if (values === undefined || values.length === 0) continue;
        data.push({ month, plan, line, ...intervalFields('dollars', meanInterval(input.replications > 1 ? values : values.slice(0, 1)), 2, 0.01) });
      }
    }
  }
  const lineRank = (line: string): number => REVENUE_LINES.findIndex((entry) => entry.line === line);
  const text = (value: string | number | undefined): string => String(value);
  return data.sort(
    (a, b) => text(a.month).localeCompare(text(b.month)) || planOrder(text(a.plan), text(b.plan)) || lineRank(text(a.line)) - lineRank(text(b.line)),
  );
}

export function revenueByLineChart(input: RevenueByLineInput): TopLevelSpec {
  const lines = REVENUE_LINES.map((entry) => entry.line);
  const withIntervals = input.replications > 1;
  const x: Encoding['x'] = { field: 'month', type: 'ordinal', title: 'Month (first day, UTC)', axis: { labelAngle: 0 } };
  const xOffset: Encoding['xOffset'] = { field: 'line', type: 'nominal', sort: lines };
  const tooltip: TooltipField[] = [
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'month', type: 'ordinal', title: 'Month' },
    { field: 'line', type: 'nominal', title: 'Line' },
    { field: 'dollars', type: 'quantitative', title: withIntervals ? 'Revenue, mean ($)' : 'Revenue ($)', format: '$,.2f' },
    ...(withIntervals ? [{ field: 'dollars_ci95', type: 'quantitative', title: '95% half-width ($)', format: '$,.2f' } as const] : []),
  ];
  const layer: Layer[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'dollars', type: 'quantitative', title: 'Revenue ($)', axis: { format: '$,.0f' } },
        color: { field: 'line', type: 'nominal', sort: lines, scale: { domain: lines }, title: 'Revenue line' },
        tooltip,
      },
    },
  ];
  if (withIntervals) {
    layer.push({
      mark: { type: 'rule', color: 'black' },
      encoding: { x, xOffset, y: { field: 'dollars_low', type: 'quantitative' }, y2: { field: 'dollars_high' }, tooltip },
    });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Revenue by line per month, mean of ${input.replications} replications with 95% intervals` : 'Revenue by line per month',
    data: { values: revenueByLineData(input) },
    facet: { column: { field: 'plan', type: 'nominal', sort: [...input.plans], title: 'Plan' } },
    spec: { width: { step: 16 }, height: 260, layer },
  };
}

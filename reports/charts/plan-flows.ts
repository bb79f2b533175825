/**
 * Plan changes decided within the horizon (summary.json flows): a from x to matrix of counts,
 * `to` a plan or churn. Rows and columns in catalog order, churn last. With replications the
 * cells hold the mean across replications and the label its 95% half-width.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { Estimate } from '../summary-file.ts';
import { type Encoding, NON_NEGATIVE, type TooltipField, VEGA_LITE_SCHEMA, intervalFields, round } from './chart.ts';

export const CHURN = 'churn';

export interface PlanFlowsInput {
  readonly plans: readonly string[];
  readonly replications: number;
  /** summary.json `estimates.flows`: flows[from][to] as a mean and 95% half-width. */
  readonly flows: Readonly<Record<string, Readonly<Record<string, Estimate>>>>;
}

export function planFlowsData(input: PlanFlowsInput): Record<string, string | number>[] {
  const targets = [...input.plans, CHURN];
  const data: Record<string, string | number>[] = [];
  for (const from of input.plans) {
    for (const to of targets) {
      const flow = input.flows[from]?.[to];
      if (flow === undefined) continue;
      const interval = input.replications > 1 ? flow : { mean: flow.mean, ci95: null };
      const fields = intervalFields('changes', interval, 2, 1, NON_NEGATIVE);
      const label = interval.ci95 === null ? `${round(flow.mean, 1)}` : `${round(flow.mean, 1)} ± ${round(interval.ci95, 1)}`;
      data.push({ from, to, ...fields, label });
    }
  }
  return data;
}

export function planFlowsChart(input: PlanFlowsInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const targets = [...input.plans, CHURN];
  const tooltip: TooltipField[] = [
    { field: 'from', type: 'nominal', title: 'From plan' },
    { field: 'to', type: 'nominal', title: 'To' },
    { field: 'changes', type: 'quantitative', title: withIntervals ? 'Customers, mean' : 'Customers', format: ',.2f' },
  ];
  if (withIntervals) tooltip.push({ field: 'changes_ci95', type: 'quantitative', title: '95% half-width', format: ',.2f' });
  const x: Encoding['x'] = { field: 'to', type: 'nominal', sort: targets, scale: { domain: targets }, title: 'To plan (or churn)', axis: { labelAngle: 0, orient: 'top' } };
  const y: Encoding['y'] = { field: 'from', type: 'nominal', sort: [...input.plans], scale: { domain: [...input.plans] }, title: 'From plan' };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Plan changes and churn (customers), mean of ${input.replications} replications ± 95% half-width` : 'Plan changes and churn (customers)',
    width: { step: 90 },
    height: { step: 40 },
    data: { values: planFlowsData(input) },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          x,
          y,
          color: { field: 'changes', type: 'quantitative', title: 'Customers', scale: { scheme: 'blues' } },
          tooltip,
        },
      },
      {
        mark: { type: 'text', fontSize: 11 },
        encoding: {
          x,
          y,
          text: { field: 'label', type: 'nominal' },
          tooltip,
        },
      },
    ],
  };
}

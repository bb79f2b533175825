/**
 * Blocked requests per plan by reason (summary.json `blocked_by_reason`): one bar per reason
 * within each plan. With replications the bars are means with 95% error bars (`estimates`).
 * Run folders written before the simulator reported reasons have no such field: the builder is
 * given null and the chart is left out with a note (see build-charts.ts).
 */
import type { TopLevelSpec } from 'vega-lite';
import { BLOCKED_REASONS, type Estimate, type TierEstimates } from '../summary-file.ts';
import { type Encoding, type Layer, NON_NEGATIVE, type TooltipField, VEGA_LITE_SCHEMA, intervalFields } from './chart.ts';

export interface BlockedByReasonInput {
  readonly plans: readonly string[];
  readonly replications: number;
  /** summary.json `estimates.tiers`, in catalog order, each with `blocked_by_reason`. */
  readonly tiers: readonly TierEstimates[];
}

/** Whether every tier reports blocked requests by reason (summary.json from a newer simulator). */
export function hasBlockedByReason(tiers: readonly TierEstimates[]): boolean {
  return tiers.every((tier) => tier.blocked_by_reason !== undefined);
}

export function blockedByReasonData(input: BlockedByReasonInput): Record<string, string | number>[] {
  const data: Record<string, string | number>[] = [];
  for (const tier of input.tiers) {
    const reasons = tier.blocked_by_reason;
    if (reasons === undefined) continue;
    for (const reason of BLOCKED_REASONS) {
      const figure: Estimate = reasons[reason];
      data.push({ plan: tier.plan, reason, ...intervalFields('requests', input.replications > 1 ? figure : { mean: figure.mean, ci95: null }, 2, 1, NON_NEGATIVE) });
    }
  }
  return data;
}

export function blockedByReasonChart(input: BlockedByReasonInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const reasons = [...BLOCKED_REASONS];
  const x: Encoding['x'] = { field: 'plan', type: 'nominal', sort: [...input.plans], scale: { domain: [...input.plans] }, title: 'Plan', axis: { labelAngle: 0 } };
  const xOffset: Encoding['xOffset'] = { field: 'reason', type: 'nominal', sort: reasons };
  const tooltip: TooltipField[] = [
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'reason', type: 'nominal', title: 'Reason' },
    { field: 'requests', type: 'quantitative', title: withIntervals ? 'Blocked requests, mean' : 'Blocked requests', format: ',.2f' },
  ];
  if (withIntervals) tooltip.push({ field: 'requests_ci95', type: 'quantitative', title: '95% half-width', format: ',.2f' });
  const layer: Layer[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'requests', type: 'quantitative', title: 'Blocked requests over the horizon' },
        color: { field: 'reason', type: 'nominal', sort: reasons, scale: { domain: reasons }, title: 'Reason' },
        tooltip,
      },
    },
  ];
  if (withIntervals) {
    layer.push({ mark: { type: 'rule', color: 'black' }, encoding: { x, xOffset, y: { field: 'requests_low', type: 'quantitative' }, y2: { field: 'requests_high' }, tooltip } });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Blocked requests by reason, mean of ${input.replications} replications with 95% intervals` : 'Blocked requests by reason',
    width: { step: 14 },
    height: 300,
    data: { values: blockedByReasonData(input) },
    layer,
  };
}

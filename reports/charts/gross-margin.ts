/**
 * Gross margin per tier (summary.json): revenue, the tier's share of the GPU cost (the fleet's
 * capacity cost split by GPU time used) and the gross margin, side by side per plan, in dollars.
 * With replications the bars are means with 95% error bars (summary.json `estimates`).
 */
import type { TopLevelSpec } from 'vega-lite';
import type { TierEstimates } from '../summary-file.ts';
import { type Encoding, type Layer, type TooltipField, VEGA_LITE_SCHEMA, intervalFields } from './chart.ts';

export const MARGIN_MEASURES = ['revenue', 'GPU cost', 'gross margin'] as const;

export interface GrossMarginInput {
  readonly plans: readonly string[];
  readonly replications: number;
  /** summary.json `estimates.tiers`, in catalog order. */
  readonly tiers: readonly TierEstimates[];
}

export function grossMarginData(input: GrossMarginInput): Record<string, string | number>[] {
  const data: Record<string, string | number>[] = [];
  for (const tier of input.tiers) {
    const figures = [tier.revenue_cents.total, tier.gpu_cost_cents, tier.gross_margin_cents];
    MARGIN_MEASURES.forEach((measure, index) => {
      const figure = figures[index]!;
      data.push({ plan: tier.plan, measure, ...intervalFields('dollars', input.replications > 1 ? figure : { mean: figure.mean, ci95: null }, 2, 0.01) });
    });
  }
  return data;
}

export function grossMarginChart(input: GrossMarginInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const measures = [...MARGIN_MEASURES];
  const x: Encoding['x'] = { field: 'plan', type: 'nominal', sort: [...input.plans], scale: { domain: [...input.plans] }, title: 'Plan', axis: { labelAngle: 0 } };
  const xOffset: Encoding['xOffset'] = { field: 'measure', type: 'nominal', sort: measures };
  const tooltip: TooltipField[] = [
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'measure', type: 'nominal', title: 'Measure' },
    { field: 'dollars', type: 'quantitative', title: withIntervals ? 'Mean ($)' : 'Amount ($)', format: '$,.2f' },
  ];
  if (withIntervals) tooltip.push({ field: 'dollars_ci95', type: 'quantitative', title: '95% half-width ($)', format: '$,.2f' });
  const layer: Layer[] = [
    {
      mark: { type: 'bar' },
      encoding: {
        x,
        xOffset,
        y: { field: 'dollars', type: 'quantitative', title: 'Amount over the horizon ($)', axis: { format: '$,.0f' } },
        color: { field: 'measure', type: 'nominal', sort: measures, scale: { domain: measures, range: ['#4c78a8', '#e45756', '#54a24b'] }, title: 'Measure' },
        tooltip,
      },
    },
  ];
  if (withIntervals) {
    layer.push({ mark: { type: 'rule', color: 'black' }, encoding: { x, xOffset, y: { field: 'dollars_low', type: 'quantitative' }, y2: { field: 'dollars_high' }, tooltip } });
  }
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Revenue, GPU cost and gross margin per plan, mean of ${input.replications} replications with 95% intervals` : 'Revenue, GPU cost and gross margin per plan',
    width: { step: 28 },
    height: 300,
    data: { values: grossMarginData(input) },
    layer,
  };
}

import { describe, expect, it } from 'vitest';
import { loose } from '../test/rows.ts';
import { planFlowsChart, planFlowsData } from './plan-flows.ts';

const PLANS = ['basic', 'pro'];
const FLOWS = {
  pro: { basic: { mean: 3, ci95: 1.25 }, pro: { mean: 0, ci95: 0 }, churn: { mean: 2.5, ci95: 4 } },
  basic: { churn: { mean: 7, ci95: 2 }, pro: { mean: 12.25, ci95: 3.5 }, basic: { mean: 0, ci95: 0 } },
};

describe('plan-change flows', () => {
  it('has a cell per from x to, plans in catalog order and churn last, counts as labels', () => {
    const data = planFlowsData({ plans: PLANS, replications: 1, flows: FLOWS });
    expect(data.map((row) => `${row.from}->${row.to}`)).toEqual(['basic->basic', 'basic->pro', 'basic->churn', 'pro->basic', 'pro->pro', 'pro->churn']);
    expect(data[1]).toEqual({ from: 'basic', to: 'pro', changes: 12.25, label: '12.3' });
    const spec = loose(planFlowsChart({ plans: PLANS, replications: 1, flows: FLOWS }));
    expect(spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['rect', 'text']);
    expect(spec.layer[0].encoding.x).toMatchObject({ field: 'to', sort: ['basic', 'pro', 'churn'] });
    expect(spec.layer[0].encoding.y).toMatchObject({ field: 'from', sort: PLANS });
    expect(spec.layer[0].encoding.color.field).toBe('changes');
    expect(spec.layer[1].encoding.text.field).toBe('label');
  });

  it('labels means with their 95% half-width across replications', () => {
    const data = planFlowsData({ plans: PLANS, replications: 3, flows: FLOWS });
    expect(data[2]).toEqual({ from: 'basic', to: 'churn', changes: 7, changes_low: 5, changes_high: 9, changes_ci95: 2, label: '7 ± 2' });
    expect(data[5]).toMatchObject({ changes_low: 0, changes_high: 6.5, label: '2.5 ± 4' });
  });
});

import { describe, expect, it } from 'vitest';
import { encodedFields, loose, tierMonth } from '../test/rows.ts';
import { revenueByLineChart, revenueByLineData } from './revenue-by-line.ts';

const PLANS = ['basic', 'pro'];
const ROWS = [
  tierMonth(0, '2026-04-01', 'pro', { subscription_cents: 6000, proration_cents: -1250 }),
  tierMonth(0, '2026-03-01', 'pro', { subscription_cents: 6000, topup_cents: 400 }),
  tierMonth(0, '2026-03-01', 'basic', { subscription_cents: 1000, annual_cents: 9600 }),
  tierMonth(0, '2026-04-01', 'basic', { subscription_cents: 1000 }),
  tierMonth(1, '2026-03-01', 'basic', { subscription_cents: 3000, annual_cents: 9600 }),
  tierMonth(1, '2026-03-01', 'pro', { subscription_cents: 8000, topup_cents: 0 }),
  tierMonth(1, '2026-04-01', 'basic', { subscription_cents: 1000 }),
  tierMonth(1, '2026-04-01', 'pro', { subscription_cents: 6000, proration_cents: -750 }),
];

describe('revenue by tier and line per month', () => {
  it('has one bar per month, plan and line, in dollars, in month, catalog and line order', () => {
    const data = revenueByLineData({ plans: PLANS, replications: 1, tierMonths: ROWS.filter((row) => row.replication === 0) });
    expect(data).toHaveLength(2 * 2 * 5);
    expect(data.slice(0, 5)).toEqual([
      { month: '2026-03-01', plan: 'basic', line: 'subscription', dollars: 10 },
      { month: '2026-03-01', plan: 'basic', line: 'annual', dollars: 96 },
      { month: '2026-03-01', plan: 'basic', line: 'top-ups', dollars: 0 },
      { month: '2026-03-01', plan: 'basic', line: 'overage', dollars: 0 },
      { month: '2026-03-01', plan: 'basic', line: 'proration', dollars: 0 },
    ]);
    expect(data).toContainEqual({ month: '2026-04-01', plan: 'pro', line: 'proration', dollars: -12.5 });
  });

  it('draws bars only, without interval fields, for one replication', () => {
    const spec = loose(revenueByLineChart({ plans: PLANS, replications: 1, tierMonths: ROWS.filter((row) => row.replication === 0) }));
    expect(spec.facet.column).toMatchObject({ field: 'plan', sort: PLANS });
    expect(spec.spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['bar']);
    expect(spec.spec.layer[0].encoding.y.title).toBe('Revenue ($)');
    expect(encodedFields(spec)).toEqual(expect.arrayContaining(['month', 'line', 'dollars', 'plan']));
    expect(spec.data.values.some((row: object) => 'dollars_low' in row)).toBe(false);
  });

  it('draws means with 95% error bars across replications', () => {
    const spec = loose(revenueByLineChart({ plans: PLANS, replications: 2, tierMonths: ROWS }));
    expect(spec.spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['bar', 'rule']);
    expect(spec.spec.layer[1].encoding.y.field).toBe('dollars_low');
    expect(spec.spec.layer[1].encoding.y2.field).toBe('dollars_high');
    // basic, March, subscription: $10 and $30; mean $20, half-width t(0.975,1) x sd / sqrt(2) = 12.706 x 14.142 / 1.414.
    const basic = spec.data.values.find((row: Record<string, unknown>) => row.plan === 'basic' && row.month === '2026-03-01' && row.line === 'subscription');
    expect(basic).toEqual({ month: '2026-03-01', plan: 'basic', line: 'subscription', dollars: 20, dollars_low: -107.06, dollars_high: 147.06, dollars_ci95: 127.06 });
    expect(spec.title).toMatch(/mean of 2 replications with 95% intervals/);
  });
});

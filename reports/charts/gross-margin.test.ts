import { describe, expect, it } from 'vitest';
import { readRunFolder } from '../run-folder.ts';
import { TINY_RUN } from '../test/contract-folder.ts';
import { loose } from '../test/rows.ts';
import { grossMarginChart, grossMarginData } from './gross-margin.ts';

const FOLDER = readRunFolder(TINY_RUN);

describe('gross margin per tier', () => {
  it('has revenue, GPU cost and margin per plan in dollars from summary.json', () => {
    const tiers = FOLDER.summary.estimates.tiers;
    const data = grossMarginData({ plans: FOLDER.plans, replications: 2, tiers });
    expect(data.map((row) => `${row.plan}:${row.measure}`)).toEqual(FOLDER.plans.flatMap((plan) => [`${plan}:revenue`, `${plan}:GPU cost`, `${plan}:gross margin`]));
    const pro = tiers[2]!;
    expect(data[6]).toMatchObject({ plan: 'pro', measure: 'revenue', dollars: Math.round(pro.revenue_cents.total.mean) / 100 });
    expect(data[8]!.dollars_ci95).toBeCloseTo(pro.gross_margin_cents.ci95! / 100, 2);
    const spec = loose(grossMarginChart({ plans: FOLDER.plans, replications: 2, tiers }));
    expect(spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['bar', 'rule']);
    expect(spec.layer[0].encoding.y.title).toBe('Amount over the horizon ($)');
    expect(spec.layer[0].encoding.x).toMatchObject({ field: 'plan', sort: FOLDER.plans });
  });

  it('draws no error bars for one replication', () => {
    const tiers = FOLDER.summary.estimates.tiers.map((tier) => ({ ...tier, gross_margin_cents: { mean: tier.gross_margin_cents.mean, ci95: null } }));
    const spec = loose(grossMarginChart({ plans: FOLDER.plans, replications: 1, tiers }));
    expect(spec.layer).toHaveLength(1);
    expect(spec.data.values.some((row: object) => 'dollars_low' in row)).toBe(false);
  });
});

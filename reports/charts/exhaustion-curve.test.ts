import { describe, expect, it } from 'vitest';
import { cycle, loose } from '../test/rows.ts';
import { CYCLE_DAYS, exhaustionCurveChart, exhaustionData } from './exhaustion-curve.ts';

const PLANS = ['basic', 'pro'];
// Replication 0: basic 4 closed cycles, out on days 3 and 10 (the open one out on day 1 does not
// count); pro 2 closed cycles, one out on day 31. Replication 1: basic 2 closed, one out on day 3.
const ROWS = [
  cycle(0, 'basic', 3), cycle(0, 'basic', 10), cycle(0, 'basic', null), cycle(0, 'basic', null), cycle(0, 'basic', 1, true),
  cycle(0, 'pro', null), cycle(0, 'pro', 31),
  cycle(1, 'basic', 3), cycle(1, 'basic', null), cycle(1, 'pro', null),
];

const shareOn = (data: Record<string, unknown>[], plan: string, day: number) => data.find((row) => row.plan === plan && row.day === day);

describe('exhaustion curve', () => {
  it('is the cumulative share of closed cycles out of Fast time by day 1..31, per plan', () => {
    const data = exhaustionData({ plans: PLANS, replications: 1, customerCycles: ROWS.filter((row) => row.replication === 0) });
    expect(data).toHaveLength(2 * CYCLE_DAYS);
    expect(shareOn(data, 'basic', 1)).toEqual({ plan: 'basic', day: 1, closed_cycles: 4, share: 0 });
    expect(shareOn(data, 'basic', 3)).toEqual({ plan: 'basic', day: 3, closed_cycles: 4, share: 0.25 });
    expect(shareOn(data, 'basic', 9)!.share).toBe(0.25);
    expect(shareOn(data, 'basic', 10)!.share).toBe(0.5);
    expect(shareOn(data, 'basic', 31)!.share).toBe(0.5);
    expect(shareOn(data, 'pro', 30)!.share).toBe(0);
    expect(shareOn(data, 'pro', 31)!.share).toBe(0.5);
    const spec = loose(exhaustionCurveChart({ plans: PLANS, replications: 1, customerCycles: ROWS.filter((row) => row.replication === 0) }));
    expect(spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['line', 'point']);
    expect(spec.layer[0].encoding.color).toMatchObject({ field: 'plan', sort: PLANS });
    expect(spec.layer[0].encoding.x.title).toBe('Day of the billing cycle');
    expect(spec.layer[0].encoding.tooltip).toBeUndefined(); // tooltips on the points
    expect(spec.layer[1].encoding.tooltip.map((field: { field: string }) => field.field)).toEqual(['plan', 'day', 'share', 'closed_cycles']);
  });

  it('averages the replications with a 95% band held within 0..1', () => {
    const spec = loose(exhaustionCurveChart({ plans: PLANS, replications: 2, customerCycles: ROWS }));
    expect(spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['area', 'line', 'point']);
    // basic on day 3: 0.25 and 0.5; mean 0.375, half-width 12.706 x 0.17678 / 1.41421 = 1.5883.
    expect(shareOn(spec.data.values, 'basic', 3)).toEqual({ plan: 'basic', day: 3, closed_cycles: 3, share: 0.375, share_low: 0, share_high: 1, share_ci95: 1.5883 });
  });
});

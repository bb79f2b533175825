import { describe, expect, it } from 'vitest';
import { type Loose, encodedFields, loose, wait } from '../test/rows.ts';
import { NO_JOBS, waitsByHourChart, waitsByHourData } from './waits-by-hour.ts';

const PLANS = ['basic', 'standard'];
// Hand-written waits.csv rows: basic has no Relax (0 jobs, empty waits); standard's Relax queue
// is empty at 04:00 in replication 1 only.
const ROWS = [
  wait(0, 'standard', 4, 'fast', 10, 0.5, 2),
  wait(0, 'standard', 4, 'relax', 3, 60, 300),
  wait(0, 'basic', 4, 'fast', 8, 0.25, 1),
  wait(0, 'basic', 4, 'relax', 0, null, null),
  wait(1, 'standard', 4, 'fast', 14, 1.5, 4),
  wait(1, 'standard', 4, 'relax', 0, null, null),
  wait(1, 'basic', 4, 'fast', 6, 0.75, 3),
  wait(1, 'basic', 4, 'relax', 0, null, null),
];

describe('waits by hour of day', () => {
  it('has a point per plan, mode, hour and percentile with jobs, none where no job started', () => {
    const data = waitsByHourData({ plans: PLANS, replications: 1, waits: ROWS.filter((row) => row.replication === 0) });
    expect(data).toEqual([
      { plan: 'basic', mode: 'fast', hour_of_day: 4, percentile: 'p50', jobs: 8, wait_s: 0.25 },
      { plan: 'basic', mode: 'fast', hour_of_day: 4, percentile: 'p95', jobs: 8, wait_s: 1 },
      { plan: 'standard', mode: 'fast', hour_of_day: 4, percentile: 'p50', jobs: 10, wait_s: 0.5 },
      { plan: 'standard', mode: 'fast', hour_of_day: 4, percentile: 'p95', jobs: 10, wait_s: 2 },
      { plan: 'standard', mode: 'relax', hour_of_day: 4, percentile: 'p50', jobs: 3, wait_s: 60 },
      { plan: 'standard', mode: 'relax', hour_of_day: 4, percentile: 'p95', jobs: 3, wait_s: 300 },
    ]);
  });

  it('has a panel per plan (rows, catalog order) and mode, seconds on independent y scales, lines without bands for one replication', () => {
    const spec = loose(waitsByHourChart({ plans: PLANS, replications: 1, waits: ROWS.filter((row) => row.replication === 0) }));
    const panels = spec.vconcat.map((row: Loose) => row.hconcat.map((panel: Loose) => panel.title));
    expect(panels).toEqual([['basic, fast', 'basic, relax'], ['standard, fast', 'standard, relax']]);
    expect(spec.resolve.scale.y).toBe('independent');
    const standardFast = spec.vconcat[1].hconcat[0];
    expect(standardFast.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['line', 'point']);
    expect(standardFast.layer[0].encoding.y.title).toBe('Wait (s)');
    expect(standardFast.layer[0].encoding.tooltip).toBeUndefined(); // tooltips on the points
    expect(standardFast.layer[1].encoding.tooltip.map((field: { field: string }) => field.field)).toContain('wait_s');
    expect(standardFast.layer[0].encoding.x.title).toBe('Hour of day of the job start (UTC)');
    expect(standardFast.data.values.map((row: Loose) => row.wait_s)).toEqual([0.5, 2]);
    expect(encodedFields(spec)).not.toContain('wait_s_low');
  });

  it('says so in a panel where no job started (Basic has no Relax), keeping the grid whole', () => {
    const spec = loose(waitsByHourChart({ plans: PLANS, replications: 1, waits: ROWS.filter((row) => row.replication === 0) }));
    const basicRelax = spec.vconcat[0].hconcat[1];
    expect(basicRelax.mark.type).toBe('text');
    expect(basicRelax.data.values).toEqual([{ note: NO_JOBS }]);
  });

  it('averages the replications that had jobs and draws a 95% band', () => {
    const spec = loose(waitsByHourChart({ plans: PLANS, replications: 2, waits: ROWS }));
    const standardFast = spec.vconcat[1].hconcat[0];
    expect(standardFast.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['area', 'line', 'point']);
    expect(encodedFields(standardFast.layer[0])).toEqual(['hour_of_day', 'wait_s_low', 'wait_s_high', 'percentile']);
    const values = waitsByHourData({ plans: PLANS, replications: 2, waits: ROWS }) as Record<string, unknown>[];
    // standard Fast p50: 0.5 s and 1.5 s; mean 1, half-width 12.706 x 0.7071 / 1.4142 = 6.353; the band stops at 0 s.
    expect(values.find((row) => row.plan === 'standard' && row.mode === 'fast' && row.percentile === 'p50')).toEqual({
      plan: 'standard', mode: 'fast', hour_of_day: 4, percentile: 'p50', jobs: 12, wait_s: 1, wait_s_low: 0, wait_s_high: 7.353, wait_s_ci95: 6.353,
    });
    // standard Relax: only replication 0 had jobs: its value, no interval.
    expect(values.find((row) => row.plan === 'standard' && row.mode === 'relax' && row.percentile === 'p95')).toEqual({
      plan: 'standard', mode: 'relax', hour_of_day: 4, percentile: 'p95', jobs: 1.5, wait_s: 300,
    });
  });
});

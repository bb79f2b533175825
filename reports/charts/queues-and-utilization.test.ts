import { describe, expect, it } from 'vitest';
import { hour, loose } from '../test/rows.ts';
import { queueData, queuesAndUtilizationChart, utilizationData } from './queues-and-utilization.ts';

const H0 = '2026-03-01T00:00:00.000Z';
const H1 = '2026-03-01T01:00:00.000Z';
const ROWS = [
  hour(0, H1, { fast_queue: 4, relax_queue: 30, held: 2, utilization: 1 }),
  hour(0, H0, { fast_queue: 0, relax_queue: 10, held: 0, utilization: 0.75 }),
  hour(1, H0, { fast_queue: 2, relax_queue: 20, held: 0, utilization: 0.8125 }),
  hour(1, H1, { fast_queue: 6, relax_queue: 40, held: 4, utilization: 0.995 }),
];

describe('queues and utilization over time', () => {
  it('has each queue per hour in time order, utilization in percent', () => {
    const input = { replications: 1, hours: ROWS.filter((row) => row.replication === 0) };
    expect(queueData(input)).toEqual([
      { hour: H0, series: 'Fast queue', jobs: 0 },
      { hour: H1, series: 'Fast queue', jobs: 4 },
      { hour: H0, series: 'Relax queue', jobs: 10 },
      { hour: H1, series: 'Relax queue', jobs: 30 },
      { hour: H0, series: 'held by concurrency', jobs: 0 },
      { hour: H1, series: 'held by concurrency', jobs: 2 },
    ]);
    expect(utilizationData(input)).toEqual([{ hour: H0, utilization_percent: 75 }, { hour: H1, utilization_percent: 100 }]);
    const spec = loose(queuesAndUtilizationChart(input));
    expect(spec.vconcat).toHaveLength(2);
    expect(spec.vconcat[0].layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['line', 'rule']);
    expect(spec.vconcat[0].layer[0].encoding.x).toMatchObject({ field: 'hour', type: 'temporal', title: 'Hour (UTC)' });
    expect(spec.vconcat[1].layer[0].encoding.y).toMatchObject({ field: 'utilization_percent', title: 'GPU utilization (%)' });
  });

  it('shows the hovered hour\'s values in one tooltip: a rule at the nearest hour', () => {
    const spec = loose(queuesAndUtilizationChart({ replications: 1, hours: ROWS.filter((row) => row.replication === 0) }));
    const rule = spec.vconcat[0].layer[1];
    expect(rule.params[0].select).toEqual({ type: 'point', fields: ['hour'], nearest: true, on: 'pointerover', clear: 'pointerout' });
    expect(rule.transform).toEqual([{ pivot: 'series', value: 'jobs', groupby: ['hour'] }]);
    expect(rule.encoding.tooltip.map((field: { field: string }) => field.field)).toEqual(['hour', 'Fast queue', 'Relax queue', 'held by concurrency']);
    expect(spec.vconcat[0].layer[0].encoding.tooltip).toBeUndefined();
    expect(spec.vconcat[1].layer[1].encoding.tooltip.map((field: { field: string }) => field.field)).toEqual(['hour', 'utilization_percent']);
  });

  it('draws means with 95% bands bounded by 0 jobs and 100% across replications', () => {
    const spec = loose(queuesAndUtilizationChart({ replications: 2, hours: ROWS }));
    expect(spec.vconcat[0].layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['area', 'line', 'rule']);
    expect(spec.vconcat[1].layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['area', 'line', 'rule']);
    expect(spec.vconcat[1].layer[2].encoding.tooltip.map((field: { field: string }) => field.field)).toContain('utilization_percent_ci95');
    const fastAtH0 = spec.vconcat[0].data.values[0];
    // 0 and 2 jobs: mean 1, half-width 12.706 x 1.4142 / 1.4142 = 12.71; the band stops at 0.
    expect(fastAtH0).toEqual({ hour: H0, series: 'Fast queue', jobs: 1, jobs_low: 0, jobs_high: 13.71, jobs_ci95: 12.71 });
    const busyHour = spec.vconcat[1].data.values[1];
    expect(busyHour.utilization_percent).toBe(99.75);
    expect(busyHour.utilization_percent_high).toBe(100);
  });
});

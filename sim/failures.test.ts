import { describe, expect, it } from 'vitest';
import { loadScenario } from './compile.ts';
import { simulate } from './simulate.ts';
import { shrunk } from './test/shrink.ts';
import type { SimModel } from './model.ts';

function withFailures(model: SimModel, rates: Record<string, number>): SimModel {
  return { ...model, failureRates: new Map(Object.entries(rates)) };
}

describe('failed jobs (scenario job_types.<id>.failure_rate)', () => {
  const base = shrunk(loadScenario('scenarios/baseline.yaml').model, 50);

  it('hold their GPU, are never billed and are counted per tier', () => {
    const everything = Object.fromEntries([...base.catalog.jobTypes.keys()].map((id) => [id, 1]));
    const { metrics } = simulate(withFailures(base, everything), 0);
    expect(metrics.failed).toBeGreaterThan(1000);
    expect(metrics.completed).toBe(0);
    expect(metrics.usageEvents).toBe(0); // prior usage is charged before the horizon, not by jobs
    expect(metrics.busyMs).toBeGreaterThan(0); // the GPUs were held
    const perTier = metrics.tierMonths.flat().reduce((sum, month) => sum + month.failedJobs, 0);
    expect(perTier).toBe(metrics.failed);
    expect(metrics.tierMonths.flat().every((month) => month.fastChargedMs === 0)).toBe(true);
  });

  it('fail at the rate asked for, per job type, from their own random stream', () => {
    const plain = simulate(base, 0).metrics;
    const { metrics } = simulate(withFailures(base, { image_grid: 0.3 }), 0);
    expect(metrics.arrivals).toBe(plain.arrivals); // arrivals are drawn from other streams
    // image_grid is about half of all jobs: ~15% of the jobs that ran fail (binomial, n > 10^4).
    const share = metrics.failed / (metrics.failed + metrics.completed);
    expect(share).toBeGreaterThan(0.12);
    expect(share).toBeLessThan(0.18);
    expect(simulate(withFailures(base, { image_grid: 0 }), 0).metrics).toEqual(plain);
  });
});

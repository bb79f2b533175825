import { describe, expect, it } from 'vitest';
import { BLOCK_REASONS } from '../engine/index.ts';
import { loadScenario } from './compile.ts';
import { buildReport } from './report.ts';
import { simulate } from './simulate.ts';
import { shrunk } from './test/shrink.ts';

describe('report breakdowns: blocked requests by reason, waits by hour of day', () => {
  const model = shrunk(loadScenario('scenarios/peak.yaml').model, 50);
  const outcome = simulate(model, 0);
  const report = buildReport(model, 0, outcome);

  it('splits every blocked request of a tier among the engine reasons', () => {
    let blocked = 0;
    for (const tier of report.tiers) {
      expect(Object.keys(tier.blocked_by_reason)).toEqual([...BLOCK_REASONS]);
      const sum = Object.values(tier.blocked_by_reason).reduce((total, count) => total + count, 0);
      expect(sum).toBe(tier.blocked_requests);
      blocked += sum;
    }
    expect(blocked).toBe(report.jobs.blocked);
    // Basic has no Relax: running out blocks it; Standard and up fall back to Relax instead.
    const basic = report.tiers.find((tier) => tier.plan === 'basic')!;
    expect(basic.blocked_by_reason.fast_exhausted_no_relax).toBeGreaterThan(0);
    for (const tier of report.tiers.filter((row) => row.plan !== 'basic')) expect(tier.blocked_by_reason.fast_exhausted_no_relax).toBe(0);
  });

  it('counts each started job once in waits.csv rows, by plan, hour of day and mode', () => {
    expect(report.waits).toHaveLength(model.catalog.planList.length * 24 * 2);
    for (const plan of model.catalog.planList) {
      const rows = report.waits.filter((row) => row.plan === plan.id);
      expect(rows.map((row) => row.hour_of_day)).toEqual(Array.from({ length: 48 }, (_, index) => Math.floor(index / 2)));
      const tier = plan.rank;
      const started = (mode: 'fastWaits' | 'relaxWaits') => outcome.metrics.tierMonths[tier]!.reduce((sum, month) => sum + month[mode].total, 0);
      const jobs = (mode: 'fast' | 'relax') => rows.filter((row) => row.mode === mode).reduce((sum, row) => sum + row.jobs, 0);
      expect(jobs('fast')).toBe(started('fastWaits'));
      expect(jobs('relax')).toBe(started('relaxWaits'));
    }
    for (const row of report.waits) {
      if (row.jobs === 0) expect([row.wait_p50_s, row.wait_p95_s]).toEqual([null, null]);
      else expect(row.wait_p95_s!).toBeGreaterThanOrEqual(row.wait_p50_s!);
    }
    // Relax waits grow with the evening peak: some hour's p95 is longer than the quietest hour's.
    const relax = report.waits.filter((row) => row.plan === 'standard' && row.mode === 'relax' && row.jobs > 0).map((row) => row.wait_p95_s!);
    expect(Math.max(...relax)).toBeGreaterThan(Math.min(...relax));
  });
});

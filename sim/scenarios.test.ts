import { describe, expect, it } from 'vitest';
import { loadScenario } from './compile.ts';
import { simulate } from './simulate.ts';
import { type RunReport, buildReport } from './report.ts';

function run(file: string): RunReport {
  const { model } = loadScenario(file);
  return buildReport(model, 0, simulate(model, 0));
}

function tier(report: RunReport, plan: string) {
  const found = report.tiers.find((candidate) => candidate.plan === plan);
  if (!found) throw new Error(`no tier ${plan}`);
  return found;
}

function invariantsHold(report: RunReport): void {
  expect(Math.round(report.metered_seconds * 1000)).toBe(Math.round((report.ledger_fast_seconds + report.metered_after_cancellation_seconds) * 1000));
  expect(report.relax_metered_events).toBe(0);
  const jobs = report.jobs;
  expect(jobs.completed + jobs.blocked + jobs.inactive + jobs.held_at_horizon + jobs.queued_at_horizon + jobs.running_at_horizon).toBe(jobs.arrivals);
}

describe('shipped scenarios (smoke runs)', () => {
  const baseline = run('scenarios/baseline.yaml');

  it('baseline: a steady month with Basic hard-capped and Relax for the others', () => {
    invariantsHold(baseline);
    expect(baseline.fleet.utilization).toBeGreaterThan(0.5);
    expect(baseline.fleet.utilization).toBeLessThan(0.85);
    expect(tier(baseline, 'basic').relax_jobs).toBe(0);
    expect(tier(baseline, 'basic').blocked_requests).toBeGreaterThan(0);
    for (const plan of ['standard', 'pro', 'mega']) expect(tier(baseline, plan).relax_jobs).toBeGreaterThan(0);
    for (const report of baseline.tiers) {
      expect(report.subscribers_start).toBeGreaterThan(0);
      expect(report.revenue_cents.total).toBe(
        report.revenue_cents.subscriptions + report.revenue_cents.annual + report.revenue_cents.topups + report.revenue_cents.overage + report.revenue_cents.proration,
      );
      expect(report.fast_wait_s.p95).toBeLessThanOrEqual(report.fast_wait_s.p99);
    }
    expect(baseline.fleet.revenue_cents).toBe(baseline.tiers.reduce((sum, report) => sum + report.revenue_cents.total, 0));
  });

  it('peak: the launch week saturates the evenings and Relax waits grow while Fast stays quick', () => {
    const peak = run('scenarios/peak.yaml');
    invariantsHold(peak);
    const worstRelaxHour = Math.max(...peak.hours.map((hour) => hour.relax_wait_mean_s));
    const baselineWorst = Math.max(...baseline.hours.map((hour) => hour.relax_wait_mean_s));
    expect(worstRelaxHour).toBeGreaterThan(30 * 60);
    expect(worstRelaxHour).toBeGreaterThan(20 * baselineWorst);
    const launch = peak.hours.filter((hour) => hour.hour >= '2026-03-09' && hour.hour < '2026-03-16');
    expect(Math.max(...launch.map((hour) => hour.utilization))).toBeGreaterThan(0.99);
    expect(tier(peak, 'standard').relax_wait_s.p99).toBeGreaterThan(tier(baseline, 'standard').relax_wait_s.p99);
    expect(tier(peak, 'standard').fast_wait_s.p95).toBeLessThan(60);
    expect(peak.jobs.arrivals).toBeGreaterThan(baseline.jobs.arrivals * 1.3);
  });

  it('basic-cliff: Basic with Relax is blocked far less and sends work to Relax instead', () => {
    const cliff = run('scenarios/basic-cliff.yaml');
    invariantsHold(cliff);
    expect(tier(cliff, 'basic').relax_jobs).toBeGreaterThan(0);
    expect(tier(cliff, 'basic').blocked_requests).toBeLessThan(tier(baseline, 'basic').blocked_requests / 2);
    expect(tier(cliff, 'basic').upgrades).toBeLessThan(tier(baseline, 'basic').upgrades);
  });
});

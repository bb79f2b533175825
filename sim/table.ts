/**
 * The stdout table of a simulation: one column per tier, one row per figure, then the fleet.
 * With several replications each cell is `mean ±half-width` of the 95% interval.
 */
import type { Estimate } from './confidence.ts';
import type { Summary } from './outputs.ts';

type Cell = Estimate | null | undefined;
type Tiers = readonly Record<string, unknown>[];

function at(object: unknown, path: string): unknown {
  let value: unknown = object;
  for (const key of path.split('.')) value = value === null || value === undefined ? undefined : (value as Record<string, unknown>)[key];
  return value;
}

function formatNumber(value: number, kind: Kind): string {
  switch (kind) {
    case 'money':
      return Math.abs(value) < 10_000 ? `$${(value / 100).toFixed(2)}` : `$${Math.round(value / 100).toLocaleString('en-US')}`;
    case 'share':
      return `${(value * 100).toFixed(1)}%`;
    case 'seconds':
      return value < 60 ? `${value.toFixed(1)} s` : value < 3600 ? `${(value / 60).toFixed(1)} min` : `${(value / 3600).toFixed(1)} h`;
    case 'count':
      return Math.round(value).toLocaleString('en-US');
    case 'decimal':
      return value.toFixed(1);
  }
}

type Kind = 'money' | 'share' | 'seconds' | 'count' | 'decimal';

function cell(estimate: Cell, kind: Kind): string {
  if (estimate === null || estimate === undefined || typeof estimate.mean !== 'number') return '-';
  const text = formatNumber(estimate.mean, kind);
  return estimate.ci95 === null ? text : `${text} ±${formatNumber(estimate.ci95, kind)}`;
}

const ROWS: readonly (readonly [string, string, Kind])[] = [
  ['subscribers start', 'subscribers_start', 'count'],
  ['subscribers end', 'subscribers_end', 'count'],
  ['revenue: subscriptions', 'revenue_cents.subscriptions', 'money'],
  ['revenue: annual', 'revenue_cents.annual', 'money'],
  ['revenue: top-ups', 'revenue_cents.topups', 'money'],
  ['revenue: overage', 'revenue_cents.overage', 'money'],
  ['revenue: proration', 'revenue_cents.proration', 'money'],
  ['revenue: total', 'revenue_cents.total', 'money'],
  ['fast hours used', 'fast_hours', 'count'],
  ['relax hours used', 'relax_hours', 'count'],
  ['cycles closed', 'cycles_closed', 'count'],
  ['share exhausted', 'exhausted_share', 'share'],
  ['median exhaustion day', 'median_exhaustion_day', 'decimal'],
  ['relax jobs', 'relax_jobs', 'count'],
  ['blocked requests', 'blocked_requests', 'count'],
  ['fast wait p50', 'fast_wait_s.p50', 'seconds'],
  ['fast wait p95', 'fast_wait_s.p95', 'seconds'],
  ['fast wait p99', 'fast_wait_s.p99', 'seconds'],
  ['relax wait p50', 'relax_wait_s.p50', 'seconds'],
  ['relax wait p95', 'relax_wait_s.p95', 'seconds'],
  ['relax wait p99', 'relax_wait_s.p99', 'seconds'],
  ['upgrades', 'upgrades', 'count'],
  ['downgrades', 'downgrades', 'count'],
  ['churned', 'churned', 'count'],
  ['GPU cost', 'gpu_cost_cents', 'money'],
  ['gross margin', 'gross_margin_cents', 'money'],
  ['pressure: out before day N', 'pressure.exhausted_before_day_share', 'share'],
  ['pressure: relax days/exhausted', 'pressure.relax_days_per_exhausted_cycle', 'decimal'],
  ['pressure: relax wait lived', 'pressure.relax_wait_experienced_s', 'seconds'],
  ['pressure: blocked/cycle', 'pressure.blocked_per_cycle', 'decimal'],
  ['pressure: top-up $/cycle', 'pressure.topup_cents_per_cycle', 'money'],
  ['pressure: top-ups >= gap', 'pressure.topup_over_gap_share', 'share'],
];

function pad(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('  ')).join('\n');
}

/** The human-readable report printed to stdout. */
export function summaryTable(summary: Summary): string {
  const estimates = summary.estimates as { tiers: Tiers; fleet: Record<string, Cell>; jobs: Record<string, Cell> };
  const tiers = estimates.tiers;
  const header = ['', ...tiers.map((tier) => String(tier.plan))];
  const rows = ROWS.map(([label, path, kind]) => [label, ...tiers.map((tier) => cell(at(tier, path) as Cell, kind))]);
  const fleet = estimates.fleet;
  const jobs = estimates.jobs;
  const title = `${summary.scenario}: ${summary.start.slice(0, 10)} to ${summary.end.slice(0, 10)}, seed ${summary.seed}, ${summary.replications} replication(s)` +
    (summary.replications > 1 ? ' (mean ±95% CI)' : '');
  const fleetLine =
    `fleet: utilization ${cell(fleet.utilization, 'share')}, ${cell(fleet.gpu_hours, 'count')} GPU hours, cost ${cell(fleet.gpu_cost_cents, 'money')}, ` +
    `revenue ${cell(fleet.revenue_cents, 'money')}, gross margin ${cell(fleet.gross_margin_cents, 'money')}`;
  const jobsLine =
    `jobs: ${cell(jobs.arrivals, 'count')} arrived, ${cell(jobs.completed, 'count')} completed, ` +
    ((jobs.failed?.mean ?? 0) > 0 ? `${cell(jobs.failed, 'count')} failed, ` : '') +
    `${cell(jobs.blocked, 'count')} blocked, ` +
    `${cell(jobs.inactive, 'count')} from churned customers, ${cell(jobs.queued_at_horizon, 'count')} queued + ${cell(jobs.held_at_horizon, 'count')} held + ` +
    `${cell(jobs.running_at_horizon, 'count')} running at the horizon`;
  return [title, '', pad([header, ...rows]), '', fleetLine, jobsLine].join('\n');
}

/**
 * The per-tier summary table of the report (summary.json `estimates.tiers`): one row per plan in
 * catalog order, each cell formatted text with its unit; with replications, `mean ± 95%
 * half-width`. Fixed decimals, so the report is byte-stable.
 */
import type { Estimate, Summary } from './summary-file.ts';

export interface TierTable {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

const grouped = (value: number, decimals: number): string =>
  value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals, useGrouping: true });

type Format = (value: number) => string;
const money: Format = (cents) => `$${grouped(cents / 100, 2)}`.replace('$-', '-$');
const count: Format = (value) => grouped(value, Number.isInteger(value) ? 0 : 1);
const hours: Format = (value) => `${grouped(value, 1)} h`;
const seconds: Format = (value) => `${grouped(value, 1)} s`;
const percent: Format = (share) => `${grouped(share * 100, 1)}%`;

function cell(estimate: Estimate | null, format: Format, withIntervals: boolean): string {
  if (estimate === null) return '-';
  if (!withIntervals || estimate.ci95 === null) return format(estimate.mean);
  return `${format(estimate.mean)} ± ${format(estimate.ci95).replace(/^-/, '')}`;
}

export function tierTable(summary: Summary): TierTable {
  const withIntervals = summary.replications > 1;
  const columns = [
    'plan',
    'subscribers at start',
    'subscribers at end',
    'revenue',
    'GPU cost',
    'gross margin',
    'Fast hours',
    'Relax hours',
    'cycles out of Fast',
    'blocked requests',
    'Fast wait p95',
    'Relax wait p95',
    'upgrades',
    'downgrades',
    'churned',
  ];
  const rows = summary.estimates.tiers.map((tier) => {
    const show = (estimate: Estimate | null, format: Format): string => cell(estimate, format, withIntervals);
    return [
      tier.plan,
      show(tier.subscribers_start, count),
      show(tier.subscribers_end, count),
      show(tier.revenue_cents.total, money),
      show(tier.gpu_cost_cents, money),
      show(tier.gross_margin_cents, money),
      show(tier.fast_hours, hours),
      show(tier.relax_hours, hours),
      show(tier.exhausted_share, percent),
      show(tier.blocked_requests, count),
      show(tier.fast_wait_s.p95, seconds),
      show(tier.relax_wait_s.p95, seconds),
      show(tier.upgrades, count),
      show(tier.downgrades, count),
      show(tier.churned, count),
    ];
  });
  return { columns, rows };
}

/**
 * The columns of the CSV files a simulator run writes, as this layer reads them (docs/SIMULATOR.md,
 * Outputs). reports/ never imports sim/: these schemas are the contract, typed here, and a file
 * that breaks it is refused with its line. Extra columns are allowed (newer simulators add some).
 */
import type { RowCheck, RowOf } from './csv-table.ts';

/** tiers.csv: per replication, month (first day, `YYYY-MM-DD`) and plan. Money in cents. */
export const TIER_MONTH_COLUMNS = {
  replication: 'integer',
  month: 'text',
  plan: 'text',
  subscription_cents: 'integer',
  annual_cents: 'integer',
  topup_cents: 'integer',
  overage_cents: 'integer',
  proration_cents: 'integer',
  revenue_cents: 'integer',
  fast_hours: 'number',
  relax_hours: 'number',
  fast_jobs: 'integer',
  relax_jobs: 'integer',
  blocked: 'integer',
  topup_hours: 'number',
  upgrades: 'integer',
  downgrades: 'integer',
  churned: 'integer',
  fast_wait_p95_s: 'number',
  relax_wait_p95_s: 'number',
} as const;
export type TierMonthRow = RowOf<typeof TIER_MONTH_COLUMNS>;

/**
 * hourly.csv: per replication and hour (`hour` the ISO instant it starts, UTC). Queue lengths and
 * held jobs at the end of the hour; utilization 0..1; mean waits in seconds.
 */
export const HOUR_COLUMNS = {
  replication: 'integer',
  hour: 'text',
  arrivals: 'integer',
  fast: 'integer',
  turbo: 'integer',
  relax: 'integer',
  blocked: 'integer',
  fast_queue: 'integer',
  relax_queue: 'integer',
  held: 'integer',
  gpus: 'number',
  utilization: 'number',
  fast_wait_mean_s: 'number',
  relax_wait_mean_s: 'number',
} as const;
export type HourRow = RowOf<typeof HOUR_COLUMNS>;

/**
 * customers.csv / customers-rK.csv: per replication, customer and billing cycle overlapping the
 * horizon. Seconds of GPU time; `exhaustion_day` the 1-based day of the cycle on which Fast time
 * ran out (null if it did not); `open` true for the cycle still running at the horizon.
 */
export const CUSTOMER_CYCLE_COLUMNS = {
  replication: 'integer',
  customer_id: 'text',
  plan: 'text',
  period_start: 'text',
  period_end: 'text',
  open: 'boolean',
  fast_s: 'number',
  turbo_s: 'number',
  relax_s: 'number',
  exhaustion_day: 'optional-integer',
  topup_hours: 'number',
  blocked: 'integer',
  relax_jobs: 'integer',
  mean_relax_wait_s: 'optional-number',
} as const;
export type CustomerCycleRow = RowOf<typeof CUSTOMER_CYCLE_COLUMNS>;

/**
 * waits.csv: per replication, plan, hour of day (0-23 UTC of the job's start) and mode (`fast` or
 * `relax`): jobs started and their wait percentiles in seconds (empty when no job started).
 */
export const WAIT_COLUMNS = {
  replication: 'integer',
  plan: 'text',
  hour_of_day: 'integer',
  mode: 'text',
  jobs: 'integer',
  wait_p50_s: 'optional-number',
  wait_p95_s: 'optional-number',
} as const;
export type WaitRow = RowOf<typeof WAIT_COLUMNS>;

export const WAIT_MODES = ['fast', 'relax'] as const;

export const checkWaitRow: RowCheck<typeof WAIT_COLUMNS> = (row) => {
  if (row.hour_of_day < 0 || row.hour_of_day > 23) return `column hour_of_day: ${row.hour_of_day} is not 0-23`;
  if (!(WAIT_MODES as readonly string[]).includes(row.mode)) return `column mode: ${JSON.stringify(row.mode)} is not fast or relax`;
  if (row.jobs < 0) return `column jobs: ${row.jobs} is negative`;
  if (row.jobs > 0 && (row.wait_p50_s === null || row.wait_p95_s === null)) return `${row.jobs} jobs but no wait percentiles`;
  return null;
};

export const checkCustomerCycleRow: RowCheck<typeof CUSTOMER_CYCLE_COLUMNS> = (row) =>
  row.exhaustion_day !== null && (row.exhaustion_day < 1 || row.exhaustion_day > 31) ? `column exhaustion_day: ${row.exhaustion_day} is not 1-31` : null;

export const checkReplication =
  (replications: number) =>
  (row: { readonly replication: number }): string | null =>
    row.replication < 0 || row.replication >= replications ? `column replication: ${row.replication} is not 0-${replications - 1} (summary.json replications)` : null;

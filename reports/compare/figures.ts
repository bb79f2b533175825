/**
 * What `sim compare` sets side by side, per tier: each figure read from a run's summary.json
 * `estimates` (mean and 95% half-width across its replications), in the unit it is shown in, with
 * the number of decimals it is written with. The order here is the order of compare.csv, the
 * table and the charts. Fleet-wide figures are listed under the plan `all`.
 */
import type { Estimate, Summary, TierEstimates } from '../summary-file.ts';

export type Unit = 'usd' | 'share' | 'seconds' | 'hours' | 'count' | 'day';

export interface Figure {
  /** compare.csv `metric`. */
  readonly id: string;
  readonly label: string;
  readonly unit: Unit;
  /** Cents become dollars (0.01); the rest are shown as stored (1). */
  readonly scale: number;
  readonly decimals: number;
  /** Higher is better (revenue, margin), worse (waits, blocked, churn), or neither (flows). */
  readonly better: 'higher' | 'lower' | null;
  readonly tier: (tier: TierEstimates) => Estimate | null;
  /** The fleet-wide value (plan `all`), for the figures that have one. */
  readonly fleet?: (summary: Summary) => Estimate;
}

const usd = (id: string, label: string, better: Figure['better'], tier: Figure['tier'], fleet?: Figure['fleet']): Figure => ({
  id, label, unit: 'usd', scale: 0.01, decimals: 2, better, tier, ...(fleet ? { fleet } : {}),
});
const plain = (id: string, label: string, unit: Unit, decimals: number, better: Figure['better'], tier: Figure['tier'], fleet?: Figure['fleet']): Figure => ({
  id, label, unit, scale: 1, decimals, better, tier, ...(fleet ? { fleet } : {}),
});

export const FIGURES: readonly Figure[] = [
  usd('revenue_total', 'revenue', 'higher', (tier) => tier.revenue_cents.total, (summary) => summary.estimates.fleet.revenue_cents),
  usd('revenue_subscriptions', 'revenue: monthly subscriptions', 'higher', (tier) => tier.revenue_cents.subscriptions),
  usd('revenue_annual', 'revenue: annual', 'higher', (tier) => tier.revenue_cents.annual),
  usd('revenue_topups', 'revenue: top-ups', 'higher', (tier) => tier.revenue_cents.topups),
  usd('revenue_overage', 'revenue: overage', 'higher', (tier) => tier.revenue_cents.overage),
  usd('revenue_proration', 'revenue: proration', 'higher', (tier) => tier.revenue_cents.proration),
  usd('gpu_cost', 'GPU cost', 'lower', (tier) => tier.gpu_cost_cents, (summary) => summary.estimates.fleet.gpu_cost_cents),
  usd('gross_margin', 'gross margin', 'higher', (tier) => tier.gross_margin_cents, (summary) => summary.estimates.fleet.gross_margin_cents),
  plain('fast_hours', 'Fast hours used', 'hours', 3, null, (tier) => tier.fast_hours),
  plain('relax_hours', 'Relax hours used', 'hours', 3, null, (tier) => tier.relax_hours),
  plain('fast_wait_p50', 'Fast wait p50', 'seconds', 3, 'lower', (tier) => tier.fast_wait_s.p50),
  plain('fast_wait_p95', 'Fast wait p95', 'seconds', 3, 'lower', (tier) => tier.fast_wait_s.p95),
  plain('relax_wait_p50', 'Relax wait p50', 'seconds', 3, 'lower', (tier) => tier.relax_wait_s.p50),
  plain('relax_wait_p95', 'Relax wait p95', 'seconds', 3, 'lower', (tier) => tier.relax_wait_s.p95),
  plain('exhausted_share', 'cycles out of Fast', 'share', 4, null, (tier) => tier.exhausted_share),
  plain('median_exhaustion_day', 'median day out of Fast', 'day', 1, null, (tier) => tier.median_exhaustion_day),
  plain('blocked_requests', 'blocked requests', 'count', 1, 'lower', (tier) => tier.blocked_requests),
  plain('upgrades', 'upgrades', 'count', 1, null, (tier) => tier.upgrades),
  plain('downgrades', 'downgrades', 'count', 1, null, (tier) => tier.downgrades),
  plain('churned', 'churned', 'count', 1, 'lower', (tier) => tier.churned),
  plain('subscribers_end', 'subscribers at the end', 'count', 1, 'higher', (tier) => tier.subscribers_end),
  plain('utilization', 'GPU utilization', 'share', 4, null, () => null, (summary) => summary.estimates.fleet.utilization),
];

export const FLEET_PLAN = 'all';

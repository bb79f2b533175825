/**
 * What one run reports: per tier (plan) over the horizon and per month, the fleet, upgrade
 * pressure and the plan-flow matrix, as plain data (it crosses worker threads and becomes
 * summary.json). Definitions of the pressure figures are in docs/UPGRADE-PRESSURE.md.
 *
 * GPU cost is the fleet's capacity (GPU hours in service) times the cost per GPU hour, idle time
 * included; a tier carries the share of it equal to its share of the GPU time used.
 */
import { BLOCK_REASONS, type BlockReason, MS_PER_HOUR, formatIsoMs } from '../engine/index.ts';
import { WaitHistogram } from './histogram.ts';
import type { TierMonth } from './metrics.ts';
import type { SimModel } from './model.ts';
import type { RunOutcome } from './simulate.ts';

export interface WaitPercentiles {
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

export interface TierReport {
  readonly plan: string;
  readonly subscribers_start: number;
  readonly subscribers_end: number;
  readonly revenue_cents: {
    readonly subscriptions: number;
    readonly annual: number;
    readonly topups: number;
    readonly overage: number;
    readonly proration: number;
    readonly total: number;
  };
  readonly fast_hours: number;
  readonly relax_hours: number;
  readonly fast_jobs: number;
  readonly relax_jobs: number;
  /** Jobs that ran and failed (never billed). */
  readonly failed_jobs: number;
  readonly blocked_requests: number;
  /** blocked_requests by the engine's block reason (every reason, zeros included, in BLOCK_REASONS order). */
  readonly blocked_by_reason: Readonly<Record<BlockReason, number>>;
  /** Billing cycles closed within the horizon, and the share of them that ran out of Fast time. */
  readonly cycles_closed: number;
  readonly exhausted_share: number;
  /** Median day of the cycle (1-based) on which exhausted cycles ran out; null if none did. */
  readonly median_exhaustion_day: number | null;
  /** Waits in seconds. */
  readonly fast_wait_s: WaitPercentiles;
  readonly relax_wait_s: WaitPercentiles;
  readonly upgrades: number;
  readonly downgrades: number;
  readonly churned: number;
  readonly gpu_cost_cents: number;
  readonly gross_margin_cents: number;
  readonly pressure: PressureReport;
}

export interface PressureReport {
  /** Share of closed cycles that ran out before day N (N = behaviour upgrade.exhausted_before_day). */
  readonly exhausted_before_day_share: number;
  readonly exhausted_before_day: number;
  /** Mean days spent in Relax after running out, per exhausted cycle (Relax plans). */
  readonly relax_days_per_exhausted_cycle: number;
  /** Mean Relax wait of the tier's customers over their closed cycles, s. */
  readonly relax_wait_experienced_s: number;
  readonly blocked_per_cycle: number;
  readonly share_of_cycles_blocked: number;
  readonly topup_cents_per_cycle: number;
  /** Monthly price gap to the next plan up (null for the top plan). */
  readonly price_gap_to_next_cents: number | null;
  /** Share of cycles whose top-up spend reached that gap (upgrading would have been cheaper). */
  readonly topup_over_gap_share: number;
}

export interface FleetReport {
  readonly gpu_hours: number;
  readonly busy_gpu_hours: number;
  readonly utilization: number;
  readonly gpu_cost_cents: number;
  readonly revenue_cents: number;
  readonly gross_margin_cents: number;
}

export interface JobCounts {
  readonly arrivals: number;
  readonly completed: number;
  /** Jobs that ran and failed (never billed). */
  readonly failed: number;
  readonly blocked: number;
  /** Arrivals of customers who had churned (not submitted). */
  readonly inactive: number;
  readonly held_at_horizon: number;
  readonly queued_at_horizon: number;
  readonly running_at_horizon: number;
}

export interface RunReport {
  readonly replication: number;
  readonly customers: number;
  readonly tiers: readonly TierReport[];
  readonly fleet: FleetReport;
  readonly jobs: JobCounts;
  /** flows[from][to] with plan ids, plus `churn`. */
  readonly flows: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /**
   * Seconds of the usage events the engine emitted, and the Fast seconds its invoices hold for the
   * horizon: metered = ledger + metered after cancellation, an invariant of every run.
   */
  readonly metered_seconds: number;
  readonly ledger_fast_seconds: number;
  readonly usage_events: number;
  /** Metered seconds of jobs that finished after their subscription ended (no invoice holds them). */
  readonly metered_after_cancellation_seconds: number;
  /** Usage events emitted by Relax completions: always 0 (the run fails otherwise). */
  readonly relax_metered_events: number;
  /** Fast usage charged at the start for the steady-state start (not horizon usage), s. */
  readonly prior_usage_seconds: number;
  readonly months: readonly MonthRow[];
  readonly hours: readonly HourReportRow[];
  readonly waits: readonly WaitRow[];
}

/** waits.csv: a tier's waits by the UTC hour of day the jobs started in, Fast (with Turbo) and Relax. */
export interface WaitRow {
  readonly plan: string;
  readonly hour_of_day: number;
  readonly mode: 'fast' | 'relax';
  readonly jobs: number;
  /** Empty (null) when no job of the mode started in that hour. */
  readonly wait_p50_s: number | null;
  readonly wait_p95_s: number | null;
}

export interface MonthRow {
  readonly month: string;
  readonly plan: string;
  readonly subscription_cents: number;
  readonly annual_cents: number;
  readonly topup_cents: number;
  readonly overage_cents: number;
  readonly proration_cents: number;
  readonly revenue_cents: number;
  readonly fast_hours: number;
  readonly relax_hours: number;
  readonly fast_jobs: number;
  readonly relax_jobs: number;
  /** Jobs that ran and failed (never billed). */
  readonly failed_jobs: number;
  readonly blocked: number;
  readonly topup_hours: number;
  readonly upgrades: number;
  readonly downgrades: number;
  readonly churned: number;
  readonly fast_wait_p95_s: number;
  readonly relax_wait_p95_s: number;
}

export interface HourReportRow {
  readonly hour: string;
  readonly arrivals: number;
  readonly fast: number;
  readonly turbo: number;
  readonly relax: number;
  readonly blocked: number;
  readonly fast_queue: number;
  readonly relax_queue: number;
  readonly held: number;
  readonly gpus: number;
  readonly utilization: number;
  readonly fast_wait_mean_s: number;
  readonly relax_wait_mean_s: number;
}

const seconds = (ms: number): number => Math.round(ms) / 1000;
const hours = (ms: number): number => Math.round((ms / MS_PER_HOUR) * 1000) / 1000;
const ratio = (part: number, whole: number): number => (whole === 0 ? 0 : part / whole);

function percentiles(histogram: WaitHistogram): WaitPercentiles {
  return {
    p50: seconds(histogram.quantileMs(0.5)),
    p95: seconds(histogram.quantileMs(0.95)),
    p99: seconds(histogram.quantileMs(0.99)),
    mean: seconds(histogram.meanMs()),
  };
}

function medianDay(days: Float64Array): number | null {
  const total = days.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  let seen = 0;
  for (let day = 0; day < days.length; day += 1) {
    seen += days[day]!;
    if (seen >= total / 2) return day;
  }
  return days.length - 1;
}

function sumMonths(months: readonly TierMonth[], field: keyof TierMonth): number {
  return months.reduce((sum, month) => sum + (month[field] as number), 0);
}

/** Turns a run's accumulators into its report. */
export function buildReport(model: SimModel, replication: number, outcome: RunOutcome): RunReport {
  const { metrics } = outcome;
  const plans = model.catalog.planList;
  const gpuCostCents = Math.round((metrics.capacityMs / MS_PER_HOUR) * model.costCentsPerGpuHour);
  const usedMs = metrics.tierMonths.map((months) => sumMonths(months, 'gpuMsFast') + sumMonths(months, 'gpuMsRelax'));
  const totalUsedMs = usedMs.reduce((sum, value) => sum + value, 0);
  let revenueTotal = 0;
  const tiers = plans.map((plan, tier): TierReport => {
    const months = metrics.tierMonths[tier]!;
    const cycles = metrics.tierCycles[tier]!;
    const fastWaits = new WaitHistogram();
    const relaxWaits = new WaitHistogram();
    for (const month of months) {
      fastWaits.merge(month.fastWaits);
      relaxWaits.merge(month.relaxWaits);
    }
    const revenue = {
      subscriptions: sumMonths(months, 'subscriptionCents'),
      annual: sumMonths(months, 'annualCents'),
      topups: sumMonths(months, 'topupCents'),
      overage: sumMonths(months, 'overageCents'),
      proration: sumMonths(months, 'prorationCents'),
      total: 0,
    };
    revenue.total = revenue.subscriptions + revenue.annual + revenue.topups + revenue.overage + revenue.proration;
    revenueTotal += revenue.total;
    const cost = Math.round(gpuCostCents * ratio(usedMs[tier]!, totalUsedMs));
    const next = plans[tier + 1];
    return {
      plan: plan.id,
      subscribers_start: metrics.subscribersStart[tier]!,
      subscribers_end: metrics.subscribersEnd[tier]!,
      revenue_cents: revenue,
      fast_hours: hours(sumMonths(months, 'fastChargedMs')),
      relax_hours: hours(sumMonths(months, 'gpuMsRelax')),
      fast_jobs: sumMonths(months, 'fastJobs'),
      relax_jobs: sumMonths(months, 'relaxJobs'),
      failed_jobs: sumMonths(months, 'failedJobs'),
      blocked_requests: sumMonths(months, 'blocked'),
      blocked_by_reason: Object.fromEntries(BLOCK_REASONS.map((reason, index) => [reason, metrics.blockedByReason[tier]![index]!])) as Record<BlockReason, number>,
      cycles_closed: cycles.cycles,
      exhausted_share: ratio(cycles.exhausted, cycles.cycles),
      median_exhaustion_day: medianDay(cycles.exhaustionDays),
      fast_wait_s: percentiles(fastWaits),
      relax_wait_s: percentiles(relaxWaits),
      upgrades: sumMonths(months, 'upgrades'),
      downgrades: sumMonths(months, 'downgrades'),
      churned: sumMonths(months, 'churned'),
      gpu_cost_cents: cost,
      gross_margin_cents: revenue.total - cost,
      pressure: {
        exhausted_before_day_share: ratio(cycles.exhaustedBeforeDay, cycles.cycles),
        exhausted_before_day: model.behaviour.upgradeExhaustedBeforeDay,
        relax_days_per_exhausted_cycle: plan.relax ? ratio(cycles.relaxDaysSum, cycles.exhausted) : 0,
        relax_wait_experienced_s: seconds(ratio(cycles.relaxWaitMsSum, cycles.relaxWaitCount)),
        blocked_per_cycle: ratio(cycles.blocked, cycles.cycles),
        share_of_cycles_blocked: ratio(cycles.cyclesWithBlocked, cycles.cycles),
        topup_cents_per_cycle: ratio(cycles.topupCents, cycles.cycles),
        price_gap_to_next_cents: next ? next.monthlyPriceCents - plan.monthlyPriceCents : null,
        topup_over_gap_share: ratio(cycles.topupOverGap, cycles.cycles),
      },
    };
  });
  const flows: Record<string, Record<string, number>> = {};
  plans.forEach((plan, tier) => {
    flows[plan.id] = {};
    plans.forEach((to, toTier) => (flows[plan.id]![to.id] = metrics.flows[tier]![toTier]!));
    flows[plan.id]!.churn = metrics.flows[tier]![plans.length]!;
  });
  return {
    replication,
    customers: outcome.customers,
    tiers,
    fleet: {
      gpu_hours: hours(metrics.capacityMs),
      busy_gpu_hours: hours(metrics.busyMs),
      utilization: ratio(metrics.busyMs, metrics.capacityMs),
      gpu_cost_cents: gpuCostCents,
      revenue_cents: revenueTotal,
      gross_margin_cents: revenueTotal - gpuCostCents,
    },
    jobs: {
      arrivals: metrics.arrivals,
      completed: metrics.completed,
      failed: metrics.failed,
      blocked: metrics.blocked,
      inactive: metrics.inactive,
      held_at_horizon: outcome.held,
      queued_at_horizon: outcome.queuedFast + outcome.queuedRelax,
      running_at_horizon: outcome.running,
    },
    flows,
    metered_seconds: seconds(metrics.meteredMs),
    ledger_fast_seconds: seconds(outcome.ledgerFastMs),
    usage_events: metrics.usageEvents,
    metered_after_cancellation_seconds: seconds(metrics.meteredWithoutPlanMs),
    relax_metered_events: metrics.relaxMetered,
    prior_usage_seconds: seconds(outcome.priorUsageMs),
    months: monthRows(model, outcome),
    hours: hourRows(model, outcome),
    waits: waitRows(model, outcome),
  };
}

function waitRows(model: SimModel, outcome: RunOutcome): WaitRow[] {
  const rows: WaitRow[] = [];
  model.catalog.planList.forEach((plan, tier) => {
    const ofDay = outcome.metrics.tierHoursOfDay[tier]!;
    for (let hour = 0; hour < 24; hour += 1) {
      for (const mode of ['fast', 'relax'] as const) {
        const histogram = ofDay[mode][hour]!;
        const empty = histogram.total === 0;
        rows.push({
          plan: plan.id,
          hour_of_day: hour,
          mode,
          jobs: histogram.total,
          wait_p50_s: empty ? null : seconds(histogram.quantileMs(0.5)),
          wait_p95_s: empty ? null : seconds(histogram.quantileMs(0.95)),
        });
      }
    }
  });
  return rows;
}

function monthRows(model: SimModel, outcome: RunOutcome): MonthRow[] {
  const rows: MonthRow[] = [];
  outcome.monthStarts.forEach((startAt, index) => {
    model.catalog.planList.forEach((plan, tier) => {
      const month = outcome.metrics.tierMonths[tier]![index]!;
      rows.push({
        month: formatIsoMs(startAt).slice(0, 10),
        plan: plan.id,
        subscription_cents: month.subscriptionCents,
        annual_cents: month.annualCents,
        topup_cents: month.topupCents,
        overage_cents: month.overageCents,
        proration_cents: month.prorationCents,
        revenue_cents: month.revenueCents(),
        fast_hours: hours(month.fastChargedMs),
        relax_hours: hours(month.gpuMsRelax),
        fast_jobs: month.fastJobs,
        relax_jobs: month.relaxJobs,
        failed_jobs: month.failedJobs,
        blocked: month.blocked,
        topup_hours: month.topupHours,
        upgrades: month.upgrades,
        downgrades: month.downgrades,
        churned: month.churned,
        fast_wait_p95_s: seconds(month.fastWaits.quantileMs(0.95)),
        relax_wait_p95_s: seconds(month.relaxWaits.quantileMs(0.95)),
      });
    });
  });
  return rows;
}

function hourRows(model: SimModel, outcome: RunOutcome): HourReportRow[] {
  return outcome.metrics.hours.map((hour, index) => ({
    hour: formatIsoMs(model.startAt + index * MS_PER_HOUR),
    arrivals: hour.arrivals,
    fast: hour.fast,
    turbo: hour.turbo,
    relax: hour.relax,
    blocked: hour.blocked,
    fast_queue: hour.fastQueueEnd,
    relax_queue: hour.relaxQueueEnd,
    held: hour.heldEnd,
    gpus: hour.gpusEnd,
    utilization: Math.round(ratio(hour.busyMs, hour.capacityMs) * 10000) / 10000,
    fast_wait_mean_s: seconds(ratio(hour.fastWaitMsSum, hour.fastStarts)),
    relax_wait_mean_s: seconds(ratio(hour.relaxWaitMsSum, hour.relaxStarts)),
  }));
}

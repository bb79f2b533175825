/**
 * What a simulation run measures, per tier (plan) and per month of the horizon, per hour, and for
 * the queueing validation (batch means, Little's law). Plain accumulators: the loop adds, outputs
 * read. Money in cents, time in ms; conversions to hours/seconds happen only in outputs.
 */
import { BLOCK_REASONS } from '../engine/index.ts';
import { WaitHistogram } from './histogram.ts';

export const BATCHES = 30;

export class TierMonth {
  subscriptionCents = 0;
  annualCents = 0;
  topupCents = 0;
  overageCents = 0;
  prorationCents = 0;
  fastChargedMs = 0;
  gpuMsFast = 0;
  gpuMsRelax = 0;
  fastJobs = 0;
  relaxJobs = 0;
  /** Jobs that failed (held their GPU, billed nothing). */
  failedJobs = 0;
  blocked = 0;
  topupHours = 0;
  upgrades = 0;
  downgrades = 0;
  churned = 0;
  readonly fastWaits = new WaitHistogram();
  readonly relaxWaits = new WaitHistogram();

  revenueCents(): number {
    return this.subscriptionCents + this.annualCents + this.topupCents + this.overageCents + this.prorationCents;
  }
}

/** Per-customer-cycle facts that upgrade pressure is computed from. */
export class TierCycles {
  /** Cycles closed within the horizon. */
  cycles = 0;
  exhausted = 0;
  /** exhaustionDays[d]: cycles that ran out on day d (1-based; 0 = at the start). */
  readonly exhaustionDays = new Float64Array(33);
  exhaustedBeforeDay = 0;
  /** Days between running out and the cycle end, on Relax plans. */
  relaxDaysSum = 0;
  /** Relax waits of the customers of these cycles. */
  relaxWaitMsSum = 0;
  relaxWaitCount = 0;
  blocked = 0;
  cyclesWithBlocked = 0;
  topupCents = 0;
  /** Cycles whose top-up spend reached the price gap to the next plan (upgrading was cheaper). */
  topupOverGap = 0;
}

export class HourRow {
  arrivals = 0;
  fast = 0;
  turbo = 0;
  relax = 0;
  blocked = 0;
  fastWaitMsSum = 0;
  fastStarts = 0;
  relaxWaitMsSum = 0;
  relaxStarts = 0;
  busyMs = 0;
  capacityMs = 0;
  fastQueueEnd = 0;
  relaxQueueEnd = 0;
  heldEnd = 0;
  gpusEnd = 0;
}

/** Batch means and time-averaged queue lengths after the warm-up (validation scenarios). */
export class ValidationStats {
  readonly fastWaitSum = new Float64Array(BATCHES);
  readonly fastCount = new Float64Array(BATCHES);
  readonly relaxWaitSum = new Float64Array(BATCHES);
  readonly relaxCount = new Float64Array(BATCHES);
  fastQueueArea = 0;
  relaxQueueArea = 0;
  fastArrivals = 0;
  relaxArrivals = 0;

  constructor(
    readonly fromAt: number,
    readonly toAt: number,
  ) {}

  batchOf(arrivalAt: number): number {
    if (arrivalAt < this.fromAt || arrivalAt >= this.toAt) return -1;
    return Math.floor(((arrivalAt - this.fromAt) / (this.toAt - this.fromAt)) * BATCHES);
  }
}

/** Waits of one tier by the UTC hour of day the jobs started in (0..23). */
export class TierHoursOfDay {
  readonly fast = Array.from({ length: 24 }, () => new WaitHistogram());
  readonly relax = Array.from({ length: 24 }, () => new WaitHistogram());
}

export class Metrics {
  readonly tierMonths: TierMonth[][];
  readonly tierCycles: TierCycles[];
  readonly hours: HourRow[] = [];
  readonly tierHoursOfDay: TierHoursOfDay[];
  /** blockedByReason[tier][i]: requests blocked for BLOCK_REASONS[i]. */
  readonly blockedByReason: Float64Array[];
  /** flows[from][to]: plan changes decided at renewal (`churn` as the last column). */
  readonly flows: number[][];
  subscribersStart: number[];
  subscribersEnd: number[];
  arrivals = 0;
  /** Arrivals of customers without a subscription (churned): not submitted. */
  inactive = 0;
  completed = 0;
  /** Jobs that ran and failed: never billed. */
  failed = 0;
  blocked = 0;
  /** Charged ms of the usage events the engine emitted (Fast and Turbo completions). */
  meteredMs = 0;
  usageEvents = 0;
  /** Charged ms of jobs that finished after their customer's subscription ended (no invoice). */
  meteredWithoutPlanMs = 0;
  /** Relax completions that emitted a usage event (must stay 0). */
  relaxMetered = 0;
  busyMs = 0;
  capacityMs = 0;

  constructor(
    readonly planIds: readonly string[],
    readonly months: number,
    readonly validation: ValidationStats,
  ) {
    this.tierMonths = planIds.map(() => Array.from({ length: months }, () => new TierMonth()));
    this.tierCycles = planIds.map(() => new TierCycles());
    this.tierHoursOfDay = planIds.map(() => new TierHoursOfDay());
    this.blockedByReason = planIds.map(() => new Float64Array(BLOCK_REASONS.length));
    this.flows = planIds.map(() => new Array<number>(planIds.length + 1).fill(0));
    this.subscribersStart = planIds.map(() => 0);
    this.subscribersEnd = planIds.map(() => 0);
  }

  hour(index: number): HourRow {
    while (this.hours.length <= index) this.hours.push(new HourRow());
    return this.hours[index]!;
  }
}

/**
 * The per-customer state the engine keeps: subscription, billing cycle, grant lots, usage of the
 * current cycle, jobs in flight, invoice lines of the open period and closed invoices not yet
 * collected. Plain data: it can be serialised, hashed and restored.
 *
 * Invariants (checked by `accountInvariantErrors`, asserted by tests after every step):
 * - `balanceMs` equals the sum of `remainingMs` over `lots`, and is never negative;
 * - `grantedMs - consumedMs - expiredMs === balanceMs` (conservation);
 * - lots are kept in burn order, and none has expired at the account's current instant;
 * - `nextDueAt` is the earliest of the cycle end and the lots' expiry instants.
 * Charged Fast time that no lot covers is `usage.overageMs`: billed on metered plans, recorded
 * (and forgiven at renewal) as the overdraw of a job admitted with balance left on the others.
 */
import type { Interval, LotKind, Mode, PlanDef } from './catalog.ts';

/** An instant that never comes (no expiry, no renewal). */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface Lot {
  /** Deterministic id: `<customer>:included:<cycle>`, `<customer>:topup:<purchase id>`, ... */
  readonly id: string;
  readonly kind: LotKind;
  /** Position of `kind` in the catalog's burn order. */
  readonly burnRank: number;
  grantedMs: number;
  remainingMs: number;
  readonly grantedAt: number;
  /** Exclusive: the lot can be used at instants strictly before this. NEVER = no expiry. */
  readonly expiresAt: number;
}

/** Usage counters of the current cycle; reset at renewal. GPU time in ms, counts in jobs. */
export interface CycleUsage {
  /** Charged Fast time (turbo at its multiplier), ms. */
  fastMs: number;
  /** Charged time of turbo jobs (included in fastMs), ms. */
  turboMs: number;
  /** GPU time run in Relax (never metered), ms. */
  relaxMs: number;
  /** Charged Fast time no lot covered, ms. */
  overageMs: number;
  fastJobs: number;
  turboJobs: number;
  relaxJobs: number;
  /** Relax jobs that asked for Fast or Turbo and fell back because the balance was exhausted. */
  fallbackJobs: number;
  blockedJobs: number;
  failedJobs: number;
  /** First instant in the cycle at which the balance reached zero; null while it has not. */
  exhaustedAt: number | null;
}

export type InvoiceLineKind =
  | 'subscription'
  | 'annual_subscription'
  | 'topup'
  | 'overage'
  | 'proration_credit'
  | 'proration_charge'
  | 'upgrade_charge';

export interface InvoiceLine {
  readonly kind: InvoiceLineKind;
  /** In `unit`s: 1 subscription, hours of top-up, seconds of overage, a fraction for proration. */
  readonly quantity: number;
  readonly unit: 'subscription' | 'hour' | 'second' | 'share';
  /** Integer cents, already rounded once by the catalog's rule (negative for credits). */
  readonly amountCents: number;
  /** When the line was incurred (ms since epoch). */
  readonly at: number;
  readonly planId: string;
  /** How the amount was computed, e.g. `6000 x 1/2 (unused_fast)`; reproducible by hand. */
  readonly detail: string;
}

export interface Invoice {
  readonly customerId: string;
  readonly periodStartAt: number;
  readonly periodEndAt: number;
  /** The plan when the period closed (after any upgrade within it). */
  readonly planId: string;
  readonly interval: Interval;
  readonly includedMs: number;
  readonly fastMs: number;
  readonly turboMs: number;
  readonly relaxMs: number;
  /** Charged Fast time beyond the included allowance (covered by other lots, metered or overdrawn). */
  readonly overAllowanceMs: number;
  /** Charged Fast time no lot covered. */
  readonly overageMs: number;
  readonly fastJobs: number;
  readonly relaxJobs: number;
  readonly fallbackJobs: number;
  readonly blockedJobs: number;
  readonly exhaustedAt: number | null;
  readonly lines: readonly InvoiceLine[];
  readonly totalCents: number;
}

export interface Account {
  readonly customerId: string;
  /** The active plan, or null when there is no active subscription. */
  plan: PlanDef | null;
  interval: Interval;
  /** Anchor of the cycles: cycle k starts k months after it (month-end clamped). */
  anchorAt: number;
  cycleIndex: number;
  cycleStartAt: number;
  cycleEndAt: number;
  /** Cycle index at which the current fee term started (annual terms span 12 cycles). */
  feeTermStartCycle: number;
  /** Earliest instant at which time-driven work (renewal, expiry) is due. */
  nextDueAt: number;
  pendingPlan: PlanDef | null;
  pendingInterval: Interval;
  cancelAtRenewal: boolean;
  /** Grant lots with balance left, in burn order. */
  lots: Lot[];
  balanceMs: number;
  grantedMs: number;
  consumedMs: number;
  expiredMs: number;
  /** Included allowance granted in the current cycle (upgrades may add to it), ms. */
  includedMs: number;
  usage: CycleUsage;
  /** Fast/turbo jobs dispatched to the fleet (waiting for a GPU or running). */
  inFlightFast: number;
  /** Relax jobs dispatched to the fleet. */
  inFlightRelax: number;
  /** Jobs held in the customer's own queue behind the concurrency limit. */
  held: number;
  /** Lines of the open period (fees in advance, top-ups, prorations). */
  openLines: InvoiceLine[];
  /** Closed invoices not yet collected by `tick`. */
  closed: Invoice[];
  /** Instant the engine's due-queue entry for this account fires (NEVER = none). */
  scheduledAt: number;
}

export function emptyUsage(): CycleUsage {
  return {
    fastMs: 0,
    turboMs: 0,
    relaxMs: 0,
    overageMs: 0,
    fastJobs: 0,
    turboJobs: 0,
    relaxJobs: 0,
    fallbackJobs: 0,
    blockedJobs: 0,
    failedJobs: 0,
    exhaustedAt: null,
  };
}

/** A customer with no subscription yet. */
export function newAccount(customerId: string): Account {
  return {
    customerId,
    plan: null,
    interval: 'month',
    anchorAt: 0,
    cycleIndex: 0,
    cycleStartAt: 0,
    cycleEndAt: NEVER,
    feeTermStartCycle: 0,
    nextDueAt: NEVER,
    pendingPlan: null,
    pendingInterval: 'month',
    cancelAtRenewal: false,
    lots: [],
    balanceMs: 0,
    grantedMs: 0,
    consumedMs: 0,
    expiredMs: 0,
    includedMs: 0,
    usage: emptyUsage(),
    inFlightFast: 0,
    inFlightRelax: 0,
    held: 0,
    openLines: [],
    closed: [],
    scheduledAt: NEVER,
  };
}

/** Every broken invariant of the account, as sentences (empty when it is sound). */
export function accountInvariantErrors(account: Account): string[] {
  const errors: string[] = [];
  const sum = account.lots.reduce((total, lot) => total + lot.remainingMs, 0);
  if (sum !== account.balanceMs) errors.push(`balance ${account.balanceMs} != sum of lots ${sum}`);
  if (account.balanceMs < 0) errors.push(`negative balance ${account.balanceMs}`);
  const conserved = account.grantedMs - account.consumedMs - account.expiredMs;
  if (conserved !== account.balanceMs) {
    errors.push(`granted - consumed - expired = ${conserved} != balance ${account.balanceMs}`);
  }
  for (let index = 1; index < account.lots.length; index += 1) {
    if (compareLots(account.lots[index - 1]!, account.lots[index]!) > 0) errors.push(`lots out of burn order at ${index}`);
  }
  for (const lot of account.lots) {
    if (lot.remainingMs <= 0 || lot.remainingMs > lot.grantedMs) errors.push(`lot ${lot.id} remaining ${lot.remainingMs}`);
  }
  const earliestExpiry = account.lots.reduce((earliest, lot) => Math.min(earliest, lot.expiresAt), NEVER);
  if (account.nextDueAt !== Math.min(account.cycleEndAt, earliestExpiry)) errors.push('nextDueAt is stale');
  if (account.inFlightFast < 0 || account.inFlightRelax < 0 || account.held < 0) errors.push('negative jobs in flight');
  return errors;
}

/** Burn order: kind rank, then earliest expiry, then earliest grant, then id. */
export function compareLots(a: Lot, b: Lot): number {
  return (
    a.burnRank - b.burnRank ||
    a.expiresAt - b.expiresAt ||
    a.grantedAt - b.grantedAt ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/** The mode's in-flight counter name, for drivers that need it generically. */
export function inFlightOf(account: Account, mode: Mode): number {
  return mode === 'relax' ? account.inFlightRelax : account.inFlightFast;
}

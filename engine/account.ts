/**
 * The per-customer state the engine keeps: subscription, billing cycle, grant lots, usage of the
 * current cycle, jobs in flight, invoice lines of the open period and closed invoices not yet
 * collected. `toData` / `Account.fromData` turn it into plain data and back (snapshots).
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

/** The shared "no closed invoices" list (frozen: add with `keepClosed`). */
export const NO_INVOICES: Invoice[] = Object.freeze([]) as unknown as Invoice[];

/** Adds a closed invoice to the account's uncollected list. */
export function keepClosed(account: Account, invoice: Invoice): void {
  if (account.closed === NO_INVOICES) account.closed = [invoice];
  else account.closed.push(invoice);
}

/** An instant that never comes (no expiry, no renewal). */
export const NEVER = Number.MAX_SAFE_INTEGER;

export interface Lot {
  /** Deterministic and unique within the account: `included:<cycle>`, `topup:<purchase id>`, ... */
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

/** Fields of an account's numeric record, 24 doubles (three cache lines), hottest first. */
const F = {
  nextDueAt: 0, balanceMs: 1, inFlightFast: 2, inFlightRelax: 3, held: 4, relaxMs: 5, fastMs: 6, consumedMs: 7,
  fastJobs: 8, turboMs: 9, turboJobs: 10, relaxJobs: 11, blockedJobs: 12, fallbackJobs: 13, overageMs: 14, exhaustedAt: 15,
  failedJobs: 16, grantedMs: 17, expiredMs: 18, includedMs: 19, cycleStartAt: 20, cycleEndAt: 21, anchorAt: 22, scheduledAt: 23,
} as const;
const RECORD = 24;
const RECORDS_PER_CHUNK = 16_384;

/**
 * Where accounts keep their numbers: records of RECORD doubles in shared chunks. One engine owns
 * one store; a customer's numbers sit in three adjacent cache lines instead of a dozen boxed
 * heap numbers, which is what keeps route + complete fast with millions of customers.
 */
export class AccountStore {
  private chunk = new Float64Array(0);
  private used = RECORDS_PER_CHUNK;

  /** A fresh zeroed record: the chunk holding it and the record's first index. */
  allocate(): { readonly chunk: Float64Array; readonly base: number } {
    if (this.used === RECORDS_PER_CHUNK) {
      this.chunk = new Float64Array(RECORDS_PER_CHUNK * RECORD);
      this.used = 0;
    }
    const base = this.used * RECORD;
    this.used += 1;
    return { chunk: this.chunk, base };
  }
}

type NumericField = keyof typeof F;

/** The plain-data form of an account (JSON-safe): what snapshots persist and restore. */
export interface AccountData {
  readonly customerId: string;
  readonly planId: string | null;
  readonly interval: Interval;
  readonly cycleIndex: number;
  readonly feeTermStartCycle: number;
  readonly pendingPlanId: string | null;
  readonly pendingInterval: Interval;
  readonly cancelAtRenewal: boolean;
  readonly numbers: Readonly<Record<NumericField, number | null>>;
  readonly lots: readonly Lot[];
  readonly openLines: readonly InvoiceLine[];
  readonly closed: readonly Invoice[];
}

/**
 * One customer's state. Numbers live in the account's record (see AccountStore) behind
 * accessors; the current cycle's usage counters are part of the same record, and `usage` names
 * that group (it is the account itself, typed as CycleUsage).
 */
export class Account implements CycleUsage {
  // The fields every job touches come first, so they share the object's first cache line.
  private readonly record: Float64Array;
  private readonly base: number;
  /** The active plan, or null when there is no active subscription. */
  plan: PlanDef | null = null;
  /** `lots[0]` (or null): the lot the next burn takes from. */
  headLot: Lot | null = null;
  readonly customerId: string;
  interval: Interval = 'month';
  cycleIndex = 0;
  /** Cycle index at which the current fee term started (annual terms span 12 cycles). */
  feeTermStartCycle = 0;
  pendingPlan: PlanDef | null = null;
  pendingInterval: Interval = 'month';
  cancelAtRenewal = false;
  /** Grant lots with balance left, in burn order. */
  lots: Lot[] = [];
  /** Lines of the open period (fees in advance, top-ups, prorations). */
  openLines: InvoiceLine[] = [];
  /** Closed invoices not yet collected by `tick`. */
  closed: Invoice[] = NO_INVOICES;

  constructor(store: AccountStore, customerId: string) {
    this.customerId = customerId;
    const { chunk, base } = store.allocate();
    this.record = chunk;
    this.base = base;
    chunk[base + F.nextDueAt] = NEVER;
    chunk[base + F.cycleEndAt] = NEVER;
    chunk[base + F.scheduledAt] = NEVER;
    chunk[base + F.exhaustedAt] = Number.NaN;
  }

  /** The current cycle's usage counters (fields of this account; reset at renewal). */
  get usage(): CycleUsage {
    return this;
  }

  /** Earliest instant at which time-driven work (renewal, expiry) is due. */
  get nextDueAt(): number { return this.record[this.base + F.nextDueAt]!; }
  set nextDueAt(value: number) { this.record[this.base + F.nextDueAt] = value; }
  get balanceMs(): number { return this.record[this.base + F.balanceMs]!; }
  set balanceMs(value: number) { this.record[this.base + F.balanceMs] = value; }
  /** Fast/turbo jobs dispatched to the fleet (waiting for a GPU or running). */
  get inFlightFast(): number { return this.record[this.base + F.inFlightFast]!; }
  set inFlightFast(value: number) { this.record[this.base + F.inFlightFast] = value; }
  /** Relax jobs dispatched to the fleet. */
  get inFlightRelax(): number { return this.record[this.base + F.inFlightRelax]!; }
  set inFlightRelax(value: number) { this.record[this.base + F.inFlightRelax] = value; }
  /** Jobs held in the customer's own queue behind the concurrency limit. */
  get held(): number { return this.record[this.base + F.held]!; }
  set held(value: number) { this.record[this.base + F.held] = value; }
  get consumedMs(): number { return this.record[this.base + F.consumedMs]!; }
  set consumedMs(value: number) { this.record[this.base + F.consumedMs] = value; }
  get grantedMs(): number { return this.record[this.base + F.grantedMs]!; }
  set grantedMs(value: number) { this.record[this.base + F.grantedMs] = value; }
  get expiredMs(): number { return this.record[this.base + F.expiredMs]!; }
  set expiredMs(value: number) { this.record[this.base + F.expiredMs] = value; }
  /** Included allowance granted in the current cycle (upgrades may add to it), ms. */
  get includedMs(): number { return this.record[this.base + F.includedMs]!; }
  set includedMs(value: number) { this.record[this.base + F.includedMs] = value; }
  get cycleStartAt(): number { return this.record[this.base + F.cycleStartAt]!; }
  set cycleStartAt(value: number) { this.record[this.base + F.cycleStartAt] = value; }
  get cycleEndAt(): number { return this.record[this.base + F.cycleEndAt]!; }
  set cycleEndAt(value: number) { this.record[this.base + F.cycleEndAt] = value; }
  /** Anchor of the cycles: cycle k starts k months after it (month-end clamped). */
  get anchorAt(): number { return this.record[this.base + F.anchorAt]!; }
  set anchorAt(value: number) { this.record[this.base + F.anchorAt] = value; }
  /** Instant the engine's due-queue entry for this account fires (NEVER = none). */
  get scheduledAt(): number { return this.record[this.base + F.scheduledAt]!; }
  set scheduledAt(value: number) { this.record[this.base + F.scheduledAt] = value; }

  get fastMs(): number { return this.record[this.base + F.fastMs]!; }
  set fastMs(value: number) { this.record[this.base + F.fastMs] = value; }
  get turboMs(): number { return this.record[this.base + F.turboMs]!; }
  set turboMs(value: number) { this.record[this.base + F.turboMs] = value; }
  get relaxMs(): number { return this.record[this.base + F.relaxMs]!; }
  set relaxMs(value: number) { this.record[this.base + F.relaxMs] = value; }
  get overageMs(): number { return this.record[this.base + F.overageMs]!; }
  set overageMs(value: number) { this.record[this.base + F.overageMs] = value; }
  get fastJobs(): number { return this.record[this.base + F.fastJobs]!; }
  set fastJobs(value: number) { this.record[this.base + F.fastJobs] = value; }
  get turboJobs(): number { return this.record[this.base + F.turboJobs]!; }
  set turboJobs(value: number) { this.record[this.base + F.turboJobs] = value; }
  get relaxJobs(): number { return this.record[this.base + F.relaxJobs]!; }
  set relaxJobs(value: number) { this.record[this.base + F.relaxJobs] = value; }
  get fallbackJobs(): number { return this.record[this.base + F.fallbackJobs]!; }
  set fallbackJobs(value: number) { this.record[this.base + F.fallbackJobs] = value; }
  get blockedJobs(): number { return this.record[this.base + F.blockedJobs]!; }
  set blockedJobs(value: number) { this.record[this.base + F.blockedJobs] = value; }
  get failedJobs(): number { return this.record[this.base + F.failedJobs]!; }
  set failedJobs(value: number) { this.record[this.base + F.failedJobs] = value; }
  get exhaustedAt(): number | null {
    const value = this.record[this.base + F.exhaustedAt]!;
    return Number.isNaN(value) ? null : value;
  }
  set exhaustedAt(value: number | null) { this.record[this.base + F.exhaustedAt] = value === null ? Number.NaN : value; }

  /** The account as plain data (deep copies of lots and lines). */
  toData(): AccountData {
    const numbers = {} as Record<NumericField, number | null>;
    for (const name of Object.keys(F) as NumericField[]) numbers[name] = name === 'exhaustedAt' ? this.exhaustedAt : this.record[this.base + F[name]]!;
    return {
      customerId: this.customerId,
      planId: this.plan?.id ?? null,
      interval: this.interval,
      cycleIndex: this.cycleIndex,
      feeTermStartCycle: this.feeTermStartCycle,
      pendingPlanId: this.pendingPlan?.id ?? null,
      pendingInterval: this.pendingInterval,
      cancelAtRenewal: this.cancelAtRenewal,
      numbers,
      lots: this.lots.map((lot) => ({ ...lot })),
      openLines: this.openLines.map((line) => ({ ...line })),
      closed: structuredClone(this.closed),
    };
  }

  /** Rebuilds an account from plain data; `plans` resolves plan ids. */
  static fromData(store: AccountStore, data: AccountData, plans: ReadonlyMap<string, PlanDef>): Account {
    const account = new Account(store, data.customerId);
    const planOf = (id: string | null): PlanDef | null => {
      if (id === null) return null;
      const plan = plans.get(id);
      if (plan === undefined) throw new Error(`account ${data.customerId}: unknown plan ${id} in snapshot`);
      return plan;
    };
    account.plan = planOf(data.planId);
    account.interval = data.interval;
    account.cycleIndex = data.cycleIndex;
    account.feeTermStartCycle = data.feeTermStartCycle;
    account.pendingPlan = planOf(data.pendingPlanId);
    account.pendingInterval = data.pendingInterval;
    account.cancelAtRenewal = data.cancelAtRenewal;
    for (const name of Object.keys(F) as NumericField[]) {
      const value = data.numbers[name];
      if (name === 'exhaustedAt') account.exhaustedAt = value;
      else account.record[account.base + F[name]] = value ?? Number.NaN;
    }
    account.lots = data.lots.map((lot) => ({ ...lot }));
    account.headLot = account.lots[0] ?? null;
    account.openLines = data.openLines.map((line) => ({ ...line }));
    account.closed = data.closed.length === 0 ? NO_INVOICES : structuredClone([...data.closed]);
    return account;
  }
}

/** Zeroes the current cycle's usage counters (at renewal). */
export function resetUsage(account: Account): void {
  account.fastMs = 0;
  account.turboMs = 0;
  account.relaxMs = 0;
  account.overageMs = 0;
  account.fastJobs = 0;
  account.turboJobs = 0;
  account.relaxJobs = 0;
  account.fallbackJobs = 0;
  account.blockedJobs = 0;
  account.failedJobs = 0;
  account.exhaustedAt = null;
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

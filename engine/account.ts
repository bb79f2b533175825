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
import type { Catalog, Interval, LotKind, PlanDef } from './catalog.ts';

/** The shared "no closed invoices" list (frozen: add with `keepClosed`). */
export const NO_INVOICES: Invoice[] = Object.freeze([]) as unknown as Invoice[];

/** Adds a closed invoice to the account's uncollected list. */
export function keepClosed(account: Account, invoice: Invoice): void {
  if (account.closed === NO_INVOICES) account.closed = [invoice];
  else account.closed.push(invoice);
}

/**
 * Adds a line to the account's open period. The first line makes an array of exactly one: an
 * array grown from empty by push reserves 17 slots, and the open lines become an invoice's lines,
 * kept for every period.
 */
export function addOpenLine(account: Account, line: InvoiceLine): void {
  if (account.openLines.length === 0) account.openLines = [line];
  else account.openLines.push(line);
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

/**
 * Usage counters of the current cycle; reset at renewal. GPU time in ms, counts in jobs. Read-only:
 * the engine's operations change them (through `setUsage` or the records), drivers read them.
 */
export interface CycleUsage {
  /** Charged Fast time (turbo at its multiplier), ms. */
  readonly fastMs: number;
  /** Charged time of turbo jobs (included in fastMs), ms. */
  readonly turboMs: number;
  /** GPU time run in Relax (never metered), ms. */
  readonly relaxMs: number;
  /** Charged Fast time no lot covered, ms. */
  readonly overageMs: number;
  readonly fastJobs: number;
  readonly turboJobs: number;
  readonly relaxJobs: number;
  /** Relax jobs that asked for Fast or Turbo and fell back because the balance was exhausted. */
  readonly fallbackJobs: number;
  readonly blockedJobs: number;
  readonly failedJobs: number;
  /** First instant in the cycle at which the balance reached zero; null while it has not. */
  readonly exhaustedAt: number | null;
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

/**
 * Where accounts keep their numbers: two arrays of doubles indexed by the account's handle. The
 * hot record (HOT doubles, two cache lines) holds everything `route` and `complete` touch on a
 * job, including the plan (as its catalog rank) and the head lot's remaining time, so a job costs
 * one record and never the account object, the plan's or the lot's; the cold record holds the
 * rest. Driving the engine by handle (`submitByHandle`, `completeByHandle`) is what keeps route +
 * complete fast with millions of customers in memory.
 */
export const H = {
  // First cache line: everything a Fast job touches (route, admit, complete).
  nextDueAt: 0, planRank: 1, balanceMs: 2, headMs: 3, inFlightFast: 4, consumedMs: 5, fastMs: 6, fastJobs: 7,
  // Second: what Relax and Turbo jobs, the customer's queue and blocks add.
  held: 8, inFlightRelax: 9, relaxMs: 10, relaxJobs: 11, turboMs: 12, turboJobs: 13, fallbackJobs: 14, blockedJobs: 15,
} as const;
const HOT = 16;
/**
 * Doubles before the first record. Large typed arrays come from the C allocator 16 bytes past a
 * page boundary; starting 112 bytes in puts every record on a 128-byte boundary, so its two cache
 * lines are one aligned pair that the CPU fetches together (about 10% faster on cold records, as
 * measured by `npm run bench -- route-complete`). On another allocator only speed changes.
 */
const HOT_OFFSET = 14;
/** Index of the first double of the hot record of `handle`. */
export function hotBase(handle: number): number {
  return HOT_OFFSET + handle * HOT;
}
const C = {
  overageMs: 0, exhaustedAt: 1, failedJobs: 2, grantedMs: 3, expiredMs: 4, includedMs: 5, cycleStartAt: 6, cycleEndAt: 7,
  anchorAt: 8, scheduledAt: 9,
} as const;
const COLD = 10;
/** planRank of an account without an active plan. */
export const NO_PLAN = -1;

/**
 * What every usage event of one engine shares: the catalog (meter event name and key) and the
 * store whose account names the customer. Made once per catalog and store (by usage.ts, on the
 * first metered completion) and kept in `AccountStore.usageSource`.
 */
export interface UsageSource {
  readonly catalog: Catalog;
  readonly store: AccountStore;
}

/** One engine's accounts: their records, and the account objects by handle. */
export class AccountStore {
  /** Records the arrays have room for. */
  private capacity: number;
  hot: Float64Array;
  cold: Float64Array;
  readonly accounts: Account[] = [];
  /** Written by `warmAccounts` (a sum of what it read); means nothing. */
  warmed = 0;
  /** What this store's usage events share, made on the first metered completion. */
  usageSource: UsageSource | null = null;

  /** `expectedAccounts`: room made at once (growing copies the records). */
  constructor(expectedAccounts = 0) {
    this.capacity = Math.max(1024, expectedAccounts);
    this.hot = new Float64Array(HOT_OFFSET + this.capacity * HOT);
    this.cold = new Float64Array(this.capacity * COLD);
  }

  /** Registers a new account and gives it a fresh record; returns its handle. */
  add(account: Account): number {
    const handle = this.accounts.length;
    if (handle === this.capacity) this.grow();
    this.accounts.push(account);
    const hot = this.hot;
    const cold = this.cold;
    hot[hotBase(handle) + H.nextDueAt] = NEVER;
    hot[hotBase(handle) + H.planRank] = NO_PLAN;
    cold[handle * COLD + C.cycleEndAt] = NEVER;
    cold[handle * COLD + C.scheduledAt] = NEVER;
    cold[handle * COLD + C.exhaustedAt] = Number.NaN;
    return handle;
  }

  private grow(): void {
    this.capacity *= 2;
    const hot = new Float64Array(HOT_OFFSET + this.capacity * HOT);
    hot.set(this.hot);
    this.hot = hot;
    const cold = new Float64Array(this.capacity * COLD);
    cold.set(this.cold);
    this.cold = cold;
  }
}

/** The record fields a snapshot keeps (the plan and the head lot's time come from `planId` and `lots`). */
const NUMERIC_FIELDS = [
  'nextDueAt', 'balanceMs', 'inFlightFast', 'inFlightRelax', 'held', 'consumedMs', 'fastMs', 'fastJobs', 'turboMs',
  'turboJobs', 'relaxMs', 'relaxJobs', 'fallbackJobs', 'blockedJobs', 'overageMs', 'exhaustedAt', 'failedJobs',
  'grantedMs', 'expiredMs', 'includedMs', 'cycleStartAt', 'cycleEndAt', 'anchorAt', 'scheduledAt',
] as const;
type NumericField = (typeof NUMERIC_FIELDS)[number];

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
 * One customer's state. Numbers live in the store's records (see AccountStore) behind accessors;
 * the current cycle's usage counters are part of them, and `usage` names that group (it is the
 * account itself, typed as CycleUsage). The counters have no setters: the engine writes them with
 * `setUsage` (or on the records, on the by-handle path), so a driver cannot.
 *
 * The head lot's remaining time is kept in the hot record while it is the head (the common burn
 * touches only the record). `lots` hands the lots out with the head's `remainingMs` brought up to
 * date; code that changes lots gives them back with `setLots`, which takes the head's time again.
 */
export class Account implements CycleUsage {
  readonly store: AccountStore;
  /** The account's index in its store: what `submitByHandle` / `completeByHandle` take. */
  readonly handle: number;
  readonly customerId: string;
  private activePlan: PlanDef | null = null;
  interval: Interval = 'month';
  cycleIndex = 0;
  /** Cycle index at which the current fee term started (annual terms span 12 cycles). */
  feeTermStartCycle = 0;
  pendingPlan: PlanDef | null = null;
  pendingInterval: Interval = 'month';
  cancelAtRenewal = false;
  private lotList: Lot[] = [];
  /** Lines of the open period (fees in advance, top-ups, prorations). */
  openLines: InvoiceLine[] = [];
  /** Closed invoices not yet collected by `tick`. */
  closed: Invoice[] = NO_INVOICES;

  constructor(store: AccountStore, customerId: string) {
    this.store = store;
    this.customerId = customerId;
    this.handle = store.add(this);
  }

  /** The active plan, or null when there is no active subscription. */
  get plan(): PlanDef | null { return this.activePlan; }
  set plan(plan: PlanDef | null) {
    this.activePlan = plan;
    this.hotSet(H.planRank, plan === null ? NO_PLAN : plan.rank);
  }

  /** Grant lots with balance left, in burn order (the head's remaining time brought up to date). */
  get lots(): Lot[] {
    const head = this.lotList[0];
    if (head !== undefined) head.remainingMs = this.hotGet(H.headMs);
    return this.lotList;
  }

  /** Takes `lots` (obtained from `lots` and changed) as the account's lots. */
  setLots(lots: Lot[]): void {
    this.lotList = lots;
    this.hotSet(H.headMs, lots[0]?.remainingMs ?? 0);
  }

  /** The current cycle's usage counters (fields of this account; reset at renewal; read-only). */
  get usage(): CycleUsage {
    return this;
  }

  private hotGet(field: number): number { return this.store.hot[hotBase(this.handle) + field]!; }
  private hotSet(field: number, value: number): void { this.store.hot[hotBase(this.handle) + field] = value; }
  private coldGet(field: number): number { return this.store.cold[this.handle * COLD + field]!; }
  private coldSet(field: number, value: number): void { this.store.cold[this.handle * COLD + field] = value; }

  /** Earliest instant at which time-driven work (renewal, expiry) is due. */
  get nextDueAt(): number { return this.hotGet(H.nextDueAt); }
  set nextDueAt(value: number) { this.hotSet(H.nextDueAt, value); }
  get balanceMs(): number { return this.hotGet(H.balanceMs); }
  set balanceMs(value: number) { this.hotSet(H.balanceMs, value); }
  /** Fast/turbo jobs dispatched to the fleet (waiting for a GPU or running). */
  get inFlightFast(): number { return this.hotGet(H.inFlightFast); }
  set inFlightFast(value: number) { this.hotSet(H.inFlightFast, value); }
  /** Relax jobs dispatched to the fleet. */
  get inFlightRelax(): number { return this.hotGet(H.inFlightRelax); }
  set inFlightRelax(value: number) { this.hotSet(H.inFlightRelax, value); }
  /** Jobs held in the customer's own queue behind the concurrency limit. */
  get held(): number { return this.hotGet(H.held); }
  set held(value: number) { this.hotSet(H.held, value); }
  get consumedMs(): number { return this.hotGet(H.consumedMs); }
  set consumedMs(value: number) { this.hotSet(H.consumedMs, value); }
  get grantedMs(): number { return this.coldGet(C.grantedMs); }
  set grantedMs(value: number) { this.coldSet(C.grantedMs, value); }
  get expiredMs(): number { return this.coldGet(C.expiredMs); }
  set expiredMs(value: number) { this.coldSet(C.expiredMs, value); }
  /** Included allowance granted in the current cycle (upgrades may add to it), ms. */
  get includedMs(): number { return this.coldGet(C.includedMs); }
  set includedMs(value: number) { this.coldSet(C.includedMs, value); }
  get cycleStartAt(): number { return this.coldGet(C.cycleStartAt); }
  set cycleStartAt(value: number) { this.coldSet(C.cycleStartAt, value); }
  get cycleEndAt(): number { return this.coldGet(C.cycleEndAt); }
  set cycleEndAt(value: number) { this.coldSet(C.cycleEndAt, value); }
  /** Anchor of the cycles: cycle k starts k months after it (month-end clamped). */
  get anchorAt(): number { return this.coldGet(C.anchorAt); }
  set anchorAt(value: number) { this.coldSet(C.anchorAt, value); }
  /** Instant the engine's due-queue entry for this account fires (NEVER = none). */
  get scheduledAt(): number { return this.coldGet(C.scheduledAt); }
  set scheduledAt(value: number) { this.coldSet(C.scheduledAt, value); }

  get fastMs(): number { return this.hotGet(H.fastMs); }
  get turboMs(): number { return this.hotGet(H.turboMs); }
  get relaxMs(): number { return this.hotGet(H.relaxMs); }
  get overageMs(): number { return this.coldGet(C.overageMs); }
  get fastJobs(): number { return this.hotGet(H.fastJobs); }
  get turboJobs(): number { return this.hotGet(H.turboJobs); }
  get relaxJobs(): number { return this.hotGet(H.relaxJobs); }
  get fallbackJobs(): number { return this.hotGet(H.fallbackJobs); }
  get blockedJobs(): number { return this.hotGet(H.blockedJobs); }
  get failedJobs(): number { return this.coldGet(C.failedJobs); }
  get exhaustedAt(): number | null {
    const value = this.coldGet(C.exhaustedAt);
    return Number.isNaN(value) ? null : value;
  }

  /** The account as plain data (deep copies of lots and lines). */
  toData(): AccountData {
    const numbers = {} as Record<NumericField, number | null>;
    for (const name of NUMERIC_FIELDS) numbers[name] = this[name];
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
    for (const name of NUMERIC_FIELDS) {
      const value = data.numbers[name] ?? Number.NaN;
      if (isUsageField(name)) setUsage(account, name, value);
      else account[name] = value;
    }
    account.setLots(data.lots.map((lot) => ({ ...lot })));
    account.openLines = data.openLines.map((line) => ({ ...line }));
    account.closed = data.closed.length === 0 ? NO_INVOICES : structuredClone([...data.closed]);
    return account;
  }
}

/** Where each usage counter lives: its record and its index there. */
const USAGE_SLOTS: Readonly<Record<keyof CycleUsage, readonly ['hot' | 'cold', number]>> = {
  fastMs: ['hot', H.fastMs],
  turboMs: ['hot', H.turboMs],
  relaxMs: ['hot', H.relaxMs],
  fastJobs: ['hot', H.fastJobs],
  turboJobs: ['hot', H.turboJobs],
  relaxJobs: ['hot', H.relaxJobs],
  fallbackJobs: ['hot', H.fallbackJobs],
  blockedJobs: ['hot', H.blockedJobs],
  overageMs: ['cold', C.overageMs],
  failedJobs: ['cold', C.failedJobs],
  exhaustedAt: ['cold', C.exhaustedAt],
};

function isUsageField(name: string): name is keyof CycleUsage {
  return Object.hasOwn(USAGE_SLOTS, name);
}

/**
 * Sets one of the account's usage counters (the engine's own operations only: drivers read
 * `usage`). `value` in the counter's unit; NaN for an `exhaustedAt` of null.
 */
export function setUsage(account: Account, name: keyof CycleUsage, value: number): void {
  const [record, index] = USAGE_SLOTS[name];
  if (record === 'hot') account.store.hot[hotBase(account.handle) + index] = value;
  else account.store.cold[account.handle * COLD + index] = value;
}

const HOT_USAGE_FIELDS = [
  H.fastMs, H.turboMs, H.relaxMs, H.fastJobs, H.turboJobs, H.relaxJobs, H.fallbackJobs, H.blockedJobs,
] as const;

/** Zeroes the current cycle's usage counters (at renewal). */
export function resetUsage(account: Account): void {
  const hot = account.store.hot;
  const base = hotBase(account.handle);
  for (const field of HOT_USAGE_FIELDS) hot[base + field] = 0;
  const cold = account.store.cold;
  const coldBase = account.handle * COLD;
  cold[coldBase + C.overageMs] = 0;
  cold[coldBase + C.failedJobs] = 0;
  cold[coldBase + C.exhaustedAt] = Number.NaN;
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

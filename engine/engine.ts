/**
 * The engine's state over many customers, and time: `tick(state, at)` does every renewal and
 * expiry due by `at` (accounts caught up lazily by other calls are simply collected), returns the
 * invoices closed since the last tick in a total order, and says when the next tick is needed.
 *
 * Accounts wait in a due-queue keyed by (instant, sequence). An entry can go stale when an account
 * was advanced lazily or gained an earlier expiry; stale entries are re-filed when they surface,
 * and `schedule` files a new entry whenever an account's next due instant moves earlier.
 */
import type { Catalog, Interval, JobTypeDef, PlanDef } from './catalog.ts';
import { Account, AccountStore, type AccountData, type Invoice, NEVER, NO_INVOICES, hotBase } from './account.ts';
import { advance } from './ledger.ts';
import { type GrantResult, type TopupPurchase, grantBonus, purchaseTopup } from './grants.ts';
import { type PlanChangeResult, cancel, changePlan, subscribe } from './subscription.ts';
import { DueQueue } from './due-queue.ts';

export interface EngineState {
  readonly catalog: Catalog;
  readonly accounts: Map<string, Account>;
  /** Where the accounts' numbers live. */
  readonly store: AccountStore;
  readonly due: DueQueue;
  /** Accounts holding invoices closed outside a due renewal (e.g. a re-anchoring upgrade). */
  readonly closedOutsideDue: Set<Account>;
}

export interface TickResult {
  /** Invoices closed since the last tick, ordered by period end, then customer id, then period start. */
  readonly invoices: Invoice[];
  /** The next instant at which time-driven work is due, or null when nothing is scheduled. */
  readonly nextTickAt: number | null;
}

/**
 * A new engine. `expectedAccounts` sizes the account store once, for a driver that knows how
 * many customers are coming (the store still grows past it).
 */
export function createEngine(catalog: Catalog, expectedAccounts = 0): EngineState {
  return { catalog, accounts: new Map(), store: new AccountStore(expectedAccounts), due: new DueQueue(), closedOutsideDue: new Set() };
}

/** The customer's account, created (with no subscription) on first use. */
export function accountOf(state: EngineState, customerId: string): Account {
  let account = state.accounts.get(customerId);
  if (account === undefined) {
    account = new Account(state.store, customerId);
    state.accounts.set(customerId, account);
  }
  return account;
}

/**
 * The handle of the customer's account (created on first use): what `submitByHandle`,
 * `completeByHandle` and `dispatchHeldByHandle` take. Stable for the engine's lifetime.
 */
export function handleOf(state: EngineState, customerId: string): number {
  return accountOf(state, customerId).handle;
}

/**
 * Reads the hot records of the accounts `handles[from]` .. `handles[to - 1]` so that they are in
 * cache when their jobs come. A job's first read of a cold record waits the full memory latency
 * (about 300 ns on the benchmark machine, more than the rest of route + complete), while the reads
 * of one call overlap one another. A driver that knows its next jobs' customers (a replay, a
 * simulator's drawn arrivals) calls it every few jobs for the few after those. Changes nothing
 * but `AccountStore.warmed`, which is written so that the reads are not optimised away.
 */
export function warmAccounts(state: EngineState, handles: ArrayLike<number>, from: number, to: number): void {
  const hot = state.store.hot;
  const end = Math.min(to, handles.length);
  let sum = 0;
  for (let index = from; index < end; index += 1) sum += hot[hotBase(handles[index]!)]!;
  state.store.warmed = sum;
}

/** Files the account in the due-queue if its next due instant is earlier than its entry. */
export function schedule(state: EngineState, account: Account): void {
  if (account.closed.length > 0) state.closedOutsideDue.add(account);
  if (account.nextDueAt < account.scheduledAt) {
    account.scheduledAt = account.nextDueAt;
    state.due.push(account.nextDueAt, account);
  }
}

function compareInvoices(a: Invoice, b: Invoice): number {
  return (
    a.periodEndAt - b.periodEndAt ||
    (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) ||
    a.periodStartAt - b.periodStartAt
  );
}

/** Plain data of the whole engine state (JSON-safe); `restoreEngine` rebuilds it. */
export interface EngineSnapshot {
  readonly accounts: readonly AccountData[];
}

/** A JSON-safe copy of the engine's state, for persistence or to fork a run. */
export function snapshotEngine(state: EngineState): EngineSnapshot {
  return { accounts: [...state.accounts.values()].map((account) => account.toData()) };
}

/** Rebuilds an engine from a snapshot taken under the same catalog. */
export function restoreEngine(catalog: Catalog, snapshot: EngineSnapshot): EngineState {
  const state = createEngine(catalog);
  for (const data of snapshot.accounts) {
    const account = Account.fromData(state.store, data, catalog.plans);
    state.accounts.set(account.customerId, account);
    account.scheduledAt = NEVER;
    schedule(state, account); // also files accounts holding closed invoices for the next tick
  }
  return state;
}

/** The earliest instant a tick has work to do (NEVER when none): drivers skip ticks before it. */
export function nextTickAt(state: EngineState): number {
  if (state.closedOutsideDue.size > 0) return Number.NEGATIVE_INFINITY;
  return state.due.size > 0 ? state.due.peekAt() : NEVER;
}

/** Does all time-driven work due by `at` and collects the invoices closed so far. */
export function tick(state: EngineState, at: number): TickResult {
  const invoices: Invoice[] = [];
  while (state.due.size > 0 && state.due.peekAt() <= at) {
    const entry = state.due.pop();
    const account = entry.account;
    if (account.scheduledAt !== entry.at) continue; // superseded by an earlier entry
    account.scheduledAt = NEVER;
    advance(state.catalog, account, at);
    for (const invoice of account.closed) invoices.push(invoice);
    account.closed = NO_INVOICES;
    schedule(state, account);
  }
  if (state.closedOutsideDue.size > 0) {
    for (const account of state.closedOutsideDue) {
      for (const invoice of account.closed) invoices.push(invoice);
      account.closed = NO_INVOICES;
    }
    state.closedOutsideDue.clear(); // allocates a new table: only when there was something
  }
  invoices.sort(compareInvoices);
  return { invoices, nextTickAt: state.due.size > 0 ? state.due.peekAt() : null };
}

/** Collects every closed invoice still held by any account (e.g. after lazy advances), ordered. */
export function drainClosed(state: EngineState): Invoice[] {
  const invoices: Invoice[] = [];
  for (const account of state.accounts.values()) {
    for (const invoice of account.closed) invoices.push(invoice);
    account.closed = NO_INVOICES;
  }
  return invoices.sort(compareInvoices);
}

/*
 * Facade over the account-level operations that can bring an account's next due instant earlier
 * (a new subscription, a grant, a re-anchoring upgrade): each files the account in the due-queue.
 * Hot-path calls (`submit`, `complete`) never move it earlier and are used on accounts directly.
 */

export function subscribeCustomer(
  state: EngineState,
  customerId: string,
  planId: string,
  interval: Interval,
  at: number,
): PlanChangeResult {
  const account = accountOf(state, customerId);
  const result = subscribe(state.catalog, account, planOf(state.catalog, planId), interval, at);
  schedule(state, account);
  return result;
}

export function changeCustomerPlan(
  state: EngineState,
  customerId: string,
  planId: string,
  interval: Interval,
  at: number,
): PlanChangeResult {
  const account = accountOf(state, customerId);
  const result = changePlan(state.catalog, account, planOf(state.catalog, planId), interval, at);
  schedule(state, account);
  return result;
}

export function cancelCustomer(state: EngineState, customerId: string, at: number): PlanChangeResult {
  const account = accountOf(state, customerId);
  const result = cancel(state.catalog, account, at);
  schedule(state, account);
  return result;
}

export function buyTopup(state: EngineState, customerId: string, purchase: TopupPurchase, at: number): GrantResult {
  const account = accountOf(state, customerId);
  const result = purchaseTopup(state.catalog, account, purchase, at);
  schedule(state, account);
  return result;
}

export function awardBonus(state: EngineState, customerId: string, awardId: string, at: number): GrantResult {
  const account = accountOf(state, customerId);
  const result = grantBonus(state.catalog, account, awardId, at);
  schedule(state, account);
  return result;
}

/** The plan with this id; an unknown id is a programmer error (inputs are validated upstream). */
export function planOf(catalog: Catalog, planId: string): PlanDef {
  const plan = catalog.plans.get(planId);
  if (plan === undefined) throw new Error(`engine: unknown plan ${planId}`);
  return plan;
}

/** The job type with this id; an unknown id is a programmer error (inputs are validated upstream). */
export function jobTypeOf(catalog: Catalog, jobTypeId: string): JobTypeDef {
  const jobType = catalog.jobTypes.get(jobTypeId);
  if (jobType === undefined) throw new Error(`engine: unknown job type ${jobTypeId}`);
  return jobType;
}

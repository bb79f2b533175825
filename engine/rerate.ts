/**
 * Re-rating: what would these customers have paid under this catalog? A usage export (Dodo usage
 * events), the subscriptions and the top-up purchases are replayed in time order through the same
 * calls every driver makes: each event becomes a job that is routed (so usage beyond a hard cap
 * is blocked and usage beyond a Relax plan's allowance goes to Relax, unmetered) and completed
 * with the event's GPU seconds; renewals bill fees; closing periods rates metered overage.
 *
 * Conventions (documented for users in docs/ARCHITECTURE.md):
 * - an event counts if its `event_name` is the catalog meter's and its meter key holds a number of
 *   seconds; seconds become integer ms (nearest ms, the meter's resolution for re-rating);
 * - the seconds are charged as they are (they already include any turbo multiplier);
 * - `metadata.job_type`, when present, selects the job type (it decides Relax eligibility);
 *   otherwise the catalog's first job type is used;
 * - a repeated `event_id` is ignored (the first one in input order counts), as Dodo does;
 * - at one instant: subscriptions first, then purchases, then events in (event_id, input) order;
 * - periods still open at the end are reported up to their natural end (fees billed, usage so far).
 */
import type { Catalog, Interval } from './catalog.ts';
import type { Invoice } from './account.ts';
import { previewInvoice } from './invoice.ts';
import { jobTypeOf, createEngine, accountOf, subscribeCustomer, buyTopup, tick, drainClosed, nextTickAt } from './engine.ts';
import { dispatchHeld, submit } from './router.ts';
import { complete } from './usage.ts';

export interface RerateSubscription {
  readonly customerId: string;
  readonly planId: string;
  readonly interval: Interval;
  readonly startedAt: number;
}

export interface ReratePurchase {
  readonly customerId: string;
  /** Unique per purchase; becomes part of the top-up lot's id. */
  readonly purchaseId: string;
  readonly hours: number;
  readonly purchasedAt: number;
}

export interface RerateEvent {
  readonly eventId: string;
  readonly customerId: string;
  readonly at: number;
  /** Charged GPU time of the event, integer ms. */
  readonly gpuMs: number;
  /** A job type id of the catalog, or null for the default. */
  readonly jobType: string | null;
}

export interface RerateRefusal {
  readonly customerId: string;
  readonly purchaseId: string;
  readonly reason: string;
}

export interface RerateResult {
  /** Closed and open periods, ordered by customer id, then period start. */
  readonly invoices: readonly Invoice[];
  /** Usage events ignored because their event_id was already seen. */
  readonly duplicateEvents: number;
  readonly refusedPurchases: readonly RerateRefusal[];
}

type Change =
  | { readonly at: number; readonly order: 0; readonly key: string; readonly index: number; readonly subscription: RerateSubscription }
  | { readonly at: number; readonly order: 1; readonly key: string; readonly index: number; readonly purchase: ReratePurchase };

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Subscriptions and purchases in replay order (few; sorted as objects). */
function orderChanges(subscriptions: readonly RerateSubscription[], purchases: readonly ReratePurchase[]): Change[] {
  const changes: Change[] = [];
  subscriptions.forEach((subscription, index) =>
    changes.push({ at: subscription.startedAt, order: 0, key: subscription.customerId, index, subscription }),
  );
  purchases.forEach((purchase, index) => changes.push({ at: purchase.purchasedAt, order: 1, key: purchase.purchaseId, index, purchase }));
  return changes.sort((a, b) => a.at - b.at || a.order - b.order || compareText(a.key, b.key) || a.index - b.index);
}

/**
 * Indices of the events to replay, first occurrence of each event_id only, in (at, event_id,
 * input) order. Exports are usually in time order already; then no sort is needed.
 */
function orderEvents(events: readonly RerateEvent[]): { order: Int32Array; duplicateEvents: number } {
  const seen = new Set<string>();
  const kept: number[] = [];
  let sorted = true;
  let previous: RerateEvent | null = null;
  for (let index = 0; index < events.length; index += 1) {
    const event = events[index]!;
    if (seen.has(event.eventId)) continue;
    seen.add(event.eventId);
    if (previous !== null && (event.at < previous.at || (event.at === previous.at && event.eventId < previous.eventId))) sorted = false;
    kept.push(index);
    previous = event;
  }
  if (!sorted) {
    kept.sort((a, b) => events[a]!.at - events[b]!.at || compareText(events[a]!.eventId, events[b]!.eventId) || a - b);
  }
  return { order: Int32Array.from(kept), duplicateEvents: events.length - kept.length };
}

/** Replays subscriptions, purchases and usage events through the engine (see the module header). */
export function rerate(
  catalog: Catalog,
  subscriptions: readonly RerateSubscription[],
  purchases: readonly ReratePurchase[],
  events: readonly RerateEvent[],
): RerateResult {
  const state = createEngine(catalog);
  const defaultJobType = catalog.jobTypes.values().next().value!;
  const changes = orderChanges(subscriptions, purchases);
  const { order, duplicateEvents } = orderEvents(events);
  const refusedPurchases: RerateRefusal[] = [];
  const closed: Invoice[] = [];
  const catchUp = (at: number): void => {
    if (at >= nextTickAt(state)) closed.push(...tick(state, at).invoices);
  };
  let next = 0;
  const applyChangesUpTo = (at: number): void => {
    // Changes at an instant come before the events at that instant.
    while (next < changes.length && changes[next]!.at <= at) {
      const change = changes[next]!;
      next += 1;
      catchUp(change.at);
      if (change.order === 0) {
        const { customerId, planId, interval, startedAt } = change.subscription;
        subscribeCustomer(state, customerId, planId, interval, startedAt);
      } else {
        const { customerId, purchaseId, hours, purchasedAt } = change.purchase;
        const result = buyTopup(state, customerId, { purchaseId, hours }, purchasedAt);
        if (!result.ok) refusedPurchases.push({ customerId, purchaseId, reason: result.reason });
      }
    }
  };
  for (let position = 0; position < order.length; position += 1) {
    const event = events[order[position]!]!;
    applyChangesUpTo(event.at);
    catchUp(event.at);
    replayEvent(catalog, state, event, defaultJobType);
  }
  applyChangesUpTo(Number.POSITIVE_INFINITY);
  closed.push(...drainClosed(state));
  for (const account of state.accounts.values()) {
    const open = previewInvoice(catalog, account, account.cycleEndAt);
    if (open !== null) closed.push(open);
  }
  closed.sort((a, b) => compareText(a.customerId, b.customerId) || a.periodStartAt - b.periodStartAt);
  return { invoices: closed, duplicateEvents, refusedPurchases };
}

function replayEvent(catalog: Catalog, state: ReturnType<typeof createEngine>, event: RerateEvent, defaultJobType: ReturnType<typeof jobTypeOf>): void {
  const account = accountOf(state, event.customerId);
  const jobType = event.jobType === null ? defaultJobType : jobTypeOf(catalog, event.jobType);
  const decision = submit(catalog, account, { jobType, mode: 'fast' }, event.at);
  if (decision.mode === 'blocked') return;
  if (decision.start === 'queued') dispatchHeld(account, decision.mode);
  complete(catalog, account, { jobId: event.eventId, mode: decision.mode }, event.gpuMs, event.at);
}

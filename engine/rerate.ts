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
import { jobTypeOf, createEngine, accountOf, subscribeCustomer, buyTopup, tick, drainClosed } from './engine.ts';
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

type Step =
  | { readonly at: number; readonly order: 0; readonly key: string; readonly index: number; readonly subscription: RerateSubscription }
  | { readonly at: number; readonly order: 1; readonly key: string; readonly index: number; readonly purchase: ReratePurchase }
  | { readonly at: number; readonly order: 2; readonly key: string; readonly index: number; readonly event: RerateEvent };

function compareSteps(a: Step, b: Step): number {
  return a.at - b.at || a.order - b.order || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0) || a.index - b.index;
}

function buildTimeline(
  subscriptions: readonly RerateSubscription[],
  purchases: readonly ReratePurchase[],
  events: readonly RerateEvent[],
): { steps: Step[]; duplicateEvents: number } {
  const steps: Step[] = [];
  subscriptions.forEach((subscription, index) =>
    steps.push({ at: subscription.startedAt, order: 0, key: subscription.customerId, index, subscription }),
  );
  purchases.forEach((purchase, index) => steps.push({ at: purchase.purchasedAt, order: 1, key: purchase.purchaseId, index, purchase }));
  const seen = new Set<string>();
  let duplicateEvents = 0;
  events.forEach((event, index) => {
    if (seen.has(event.eventId)) {
      duplicateEvents += 1;
      return;
    }
    seen.add(event.eventId);
    steps.push({ at: event.at, order: 2, key: event.eventId, index, event });
  });
  steps.sort(compareSteps);
  return { steps, duplicateEvents };
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
  const { steps, duplicateEvents } = buildTimeline(subscriptions, purchases, events);
  const refusedPurchases: RerateRefusal[] = [];
  const closed: Invoice[] = [];
  let lastAt = Number.NEGATIVE_INFINITY;
  for (const step of steps) {
    if (step.at !== lastAt) {
      closed.push(...tick(state, step.at).invoices);
      lastAt = step.at;
    }
    if (step.order === 0) {
      const { customerId, planId, interval, startedAt } = step.subscription;
      subscribeCustomer(state, customerId, planId, interval, startedAt);
    } else if (step.order === 1) {
      const { customerId, purchaseId, hours, purchasedAt } = step.purchase;
      const result = buyTopup(state, customerId, { purchaseId, hours }, purchasedAt);
      if (!result.ok) refusedPurchases.push({ customerId, purchaseId, reason: result.reason });
    } else {
      replayEvent(catalog, state, step.event, defaultJobType);
    }
  }
  closed.push(...drainClosed(state));
  for (const account of state.accounts.values()) {
    const open = previewInvoice(catalog, account, account.cycleEndAt);
    if (open !== null) closed.push(open);
  }
  closed.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) || a.periodStartAt - b.periodStartAt);
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

/**
 * Re-rating, the plain path (rate/fast/ holds the fast reader, rate/reference.ts the whole plain
 * command): what would these customers have paid under this catalog? A usage export (Dodo usage
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
 * - a repeated `event_id` is ignored (the first one in input order counts), as Dodo does, over
 *   every event of the export: one the meter does not count (another event name, or left out by
 *   its filter) takes its id too. The export readers apply this before they drop those
 *   (text-export.ts, rate/fast/); `rerate` and `Rerater.add` only see the events the meter counts;
 * - at one instant: subscriptions first, then purchases, then events in (event_id, input) order,
 *   then plan changes (upgrades, downgrades, cancellations);
 * - the rating window ends at `endAt` when given, else at the end of the UTC day of the export's
 *   last event (the export's own span; with no events at all, each open period's natural end):
 *   renewals due before it happen, periods still open end at it, and subscriptions, purchases and
 *   changes from it on are left out (counted).
 *
 * Two questions, one replay (`RerateOptions.asMetered`):
 * - replay (default): each event is routed under this catalog, as the application would have;
 * - as metered: each event the meter counted is charged as it is, with no routing, as Dodo bills
 *   an export (the allowance is the free threshold; only metered plans price what is over it).
 * The two agree whenever no customer goes past the allowance.
 */
import {
  type Catalog,
  type EngineState,
  type Interval,
  type Invoice,
  type JobRequest,
  type JobTypeDef,
  MS_PER_DAY,
  buyTopup,
  cancelCustomer,
  changeCustomerPlan,
  chargeCompletionByHandle,
  chargeMeteredByHandle,
  createEngine,
  dispatchHeldByHandle,
  drainClosed,
  formatIsoMs,
  handleOf,
  jobTypeOf,
  nextTickAt,
  previewInvoice,
  submitByHandle,
  subscribeCustomer,
  tick,
  warmAccounts,
} from '../engine/index.ts';

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

/** A plan change as a subscription system records it (`changes.csv`). */
export interface RerateChange {
  readonly customerId: string;
  readonly action: 'upgrade' | 'downgrade' | 'cancel';
  /** The plan and interval changed to; null for a cancellation. */
  readonly planId: string | null;
  readonly interval: Interval | null;
  readonly at: number;
}

export interface RerateOptions {
  /** Charge every event as the meter counted it, without routing (Dodo's invoice). Default: replay. */
  readonly asMetered?: boolean;
  readonly changes?: readonly RerateChange[];
  /**
   * The end of the rating window (exclusive), ms: events and changes from it on are left out,
   * renewals due before it happen, open periods end at it. Null: the end of the UTC day of the
   * export's last event (each open period's natural end when there is no event).
   */
  readonly endAt?: number | null;
  /** Rate however many billing periods the inputs span (past LARGE_PERIODS: RerateTooLarge). */
  readonly allowLarge?: boolean;
}

/** Billing periods (subscriptions x months) past which a re-rating needs `allowLarge`. */
export const LARGE_PERIODS = 20_000_000;
const MONTH_MS = 30.44 * MS_PER_DAY;

/**
 * Thrown before catching up to an instant that would bill more than LARGE_PERIODS periods: most
 * likely an instant typed wrong (2062 for 2026), which would otherwise cost minutes of renewals.
 */
export class RerateTooLarge extends Error {
  constructor(
    readonly fromAt: number,
    readonly toAt: number,
    readonly subscriptions: number,
    readonly periods: number,
  ) {
    super(`rating up to ${formatIsoMs(toAt)} bills about ${Math.round(periods).toLocaleString('en-US')} periods`);
    this.name = 'RerateTooLarge';
  }
}

/** Why an event of the export was not billed. */
export const IGNORED_REASONS = ['duplicate', 'other_event_name', 'meter_filter', 'before_subscription', 'no_subscription', 'after_window'] as const;
export type IgnoredReason = (typeof IGNORED_REASONS)[number];
export type IgnoredEvents = { [reason in IgnoredReason]: number };

/** Counts of ignored events, all zero. */
export function noIgnoredEvents(): IgnoredEvents {
  return { duplicate: 0, other_event_name: 0, meter_filter: 0, before_subscription: 0, no_subscription: 0, after_window: 0 };
}

/** `into` plus `more`, reason by reason (changes `into`). */
export function addIgnoredEvents(into: IgnoredEvents, more: Partial<IgnoredEvents>): IgnoredEvents {
  for (const reason of IGNORED_REASONS) into[reason] += more[reason] ?? 0;
  return into;
}

export interface RerateChangeRefusal {
  readonly change: RerateChange;
  readonly reason: string;
}

export interface RerateRefusal {
  readonly customerId: string;
  readonly purchaseId: string;
  readonly reason: string;
}

export interface RerateResult {
  /** Closed and open periods, ordered by customer id, then period start. */
  readonly invoices: readonly Invoice[];
  readonly refusedPurchases: readonly RerateRefusal[];
  readonly refusedChanges: readonly RerateChangeRefusal[];
  /** Events not billed, by reason. */
  readonly ignoredEvents: IgnoredEvents;
  /** Subscriptions, purchases and plan changes at or after the window's end: not applied. */
  readonly changesAfterWindow: number;
  /** The first lines whose event name looks like a typo of the meter's (the export readers fill it). */
  readonly eventNameHints: readonly EventNameHint[];
}

/** A line of the export whose event name is close to the meter's (`GPU.FAST_SECONDS`, a trailing space). */
export interface EventNameHint {
  readonly line: number;
  readonly eventName: string;
  /** The meter's event name it is close to. */
  readonly suggestion: string;
}

type Change =
  | { readonly at: number; readonly order: 0; readonly key: string; readonly index: number; readonly subscription: RerateSubscription }
  | { readonly at: number; readonly order: 1; readonly key: string; readonly index: number; readonly purchase: ReratePurchase }
  | { readonly at: number; readonly order: 2; readonly key: string; readonly index: number; readonly change: RerateChange };


/** Plan changes come after the events of their instant. */
const PLAN_CHANGE = 2;

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Subscriptions, purchases and plan changes in replay order (few; sorted as objects). */
function orderChanges(subscriptions: readonly RerateSubscription[], purchases: readonly ReratePurchase[], planChanges: readonly RerateChange[]): Change[] {
  const changes: Change[] = [];
  subscriptions.forEach((subscription, index) =>
    changes.push({ at: subscription.startedAt, order: 0, key: subscription.customerId, index, subscription }),
  );
  purchases.forEach((purchase, index) => changes.push({ at: purchase.purchasedAt, order: 1, key: purchase.purchaseId, index, purchase }));
  planChanges.forEach((change, index) => changes.push({ at: change.at, order: PLAN_CHANGE, key: change.customerId, index, change }));
  return changes.sort((a, b) => a.at - b.at || a.order - b.order || compareText(a.key, b.key) || a.index - b.index);
}

/**
 * A re-rating in progress, fed usage events in time order (`add`); `finish` closes it. Events at
 * one instant are held until a later instant arrives and then replayed in event_id order, so a
 * time-ordered export is rated in one streaming pass without keeping its events. `add` returns
 * false, and changes nothing, for an event earlier than the instant already replayed: the caller
 * then re-rates with `rerate`, which sorts.
 *
 * Callers rating millions of events resolve each customer's account handle once (`handle`) and
 * each job type's request once (`request`), hand events over as values (`addResolved`: no object
 * and no lookup per event), and warm the accounts of the events to come (`warm`).
 */
export class Rerater {
  private readonly state: EngineState;
  /** The Fast job request of each job type (shared: requests are read-only). */
  private readonly requests = new Map<JobTypeDef, JobRequest>();
  private readonly defaultJobType: JobTypeDef;
  private readonly changes: Change[];
  private next = 0;
  private readonly seen = new Set<string>();
  private readonly refused: RerateRefusal[] = [];
  private readonly refusedChanges: RerateChangeRefusal[] = [];
  private readonly ignored = noIgnoredEvents();
  private readonly asMetered: boolean;
  /** The window's end (exclusive), or +infinity. */
  private readonly endAt: number;
  /** When each subscribed customer's first subscription starts; the customer id of each handle. */
  private readonly firstStartAt = new Map<string, number>();
  private readonly customerIds: string[] = [];
  private readonly allowLarge: boolean;
  private readonly subscriptionCount: number;
  /** The earliest subscription start (+infinity: none). */
  private readonly earliestStartAt: number;
  private readonly closed: Invoice[] = [];
  /** Events of the instant `pendingAt` not replayed yet, as columns (`pendingCount` in use). */
  private readonly pendingHandles: number[] = [];
  private readonly pendingIds: string[] = [];
  private readonly pendingGpuMs: number[] = [];
  private readonly pendingRequests: JobRequest[] = [];
  private pendingCount = 0;
  private pendingAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly catalog: Catalog,
    subscriptions: readonly RerateSubscription[],
    purchases: readonly ReratePurchase[],
    options: RerateOptions = {},
  ) {
    this.state = createEngine(catalog, subscriptions.length);
    this.defaultJobType = catalog.jobTypes.values().next().value!;
    this.changes = orderChanges(subscriptions, purchases, options.changes ?? []);
    this.allowLarge = options.allowLarge ?? false;
    this.subscriptionCount = subscriptions.length;
    this.earliestStartAt = subscriptions.reduce((first, subscription) => Math.min(first, subscription.startedAt), Number.POSITIVE_INFINITY);
    this.asMetered = options.asMetered ?? false;
    this.endAt = options.endAt ?? Number.POSITIVE_INFINITY;
    for (const { customerId, startedAt } of subscriptions) {
      this.firstStartAt.set(customerId, Math.min(startedAt, this.firstStartAt.get(customerId) ?? Number.POSITIVE_INFINITY));
    }
  }

  /** Adds the next event of the export (see the class comment). */
  add(event: RerateEvent): boolean {
    if (event.at < this.pendingAt) return false;
    if (this.seen.has(event.eventId)) {
      this.ignored.duplicate += 1;
      return true;
    }
    this.seen.add(event.eventId);
    this.addUnique(event);
    return true;
  }

  /** `add` for a caller that already dropped repeated event_ids (and orders by instant). */
  addUnique(event: RerateEvent): void {
    this.addResolved(this.handle(event.customerId), event.eventId, event.at, event.gpuMs, this.request(event.jobType));
  }

  /** The handle of the customer's account (created on first use, as any engine call would). */
  handle(customerId: string): number {
    const handle = handleOf(this.state, customerId);
    this.customerIds[handle] = customerId;
    return handle;
  }

  /**
   * Brings the accounts `handles[from]` .. `handles[to - 1]` into cache ahead of their events
   * (see `warmAccounts`); changes nothing.
   */
  warm(handles: ArrayLike<number>, from: number, to: number): void {
    warmAccounts(this.state, handles, from, to);
  }

  /** The Fast job request an event replays as, by its `metadata.job_type` (null: the catalog's first). */
  request(jobTypeId: string | null): JobRequest {
    const jobType = jobTypeId === null ? this.defaultJobType : jobTypeOf(this.catalog, jobTypeId);
    let request = this.requests.get(jobType);
    if (request === undefined) {
      request = Object.freeze({ jobType, mode: 'fast' });
      this.requests.set(jobType, request);
    }
    return request;
  }

  /**
   * `addUnique` with the account and request already resolved (`handle`, `request`). The event
   * id only orders the events of one instant: a caller that knows an event is alone at its
   * instant may pass ''.
   */
  addResolved(handle: number, eventId: string, at: number, gpuMs: number, request: JobRequest): void {
    if (at < this.pendingAt) throw new Error('rerate: events must come in time order');
    if (at > this.pendingAt) this.flush();
    this.pendingAt = at;
    const slot = this.pendingCount;
    this.pendingHandles[slot] = handle;
    this.pendingIds[slot] = eventId;
    this.pendingGpuMs[slot] = gpuMs;
    this.pendingRequests[slot] = request;
    this.pendingCount = slot + 1;
  }

  /**
   * The invoices closed so far, in closing order (read-only; `finishInClosingOrder` returns this
   * list, with the rest appended): a caller may index them while events are still coming.
   */
  get closedSoFar(): readonly Invoice[] {
    return this.closed;
  }

  /** Closes the re-rating: the result, invoices ordered by customer id, then period start. */
  finish(): RerateResult {
    const result = this.finishInClosingOrder();
    result.invoices.sort((a, b) => compareText(a.customerId, b.customerId) || a.periodStartAt - b.periodStartAt);
    return result;
  }

  /**
   * `finish` without the final ordering, for callers that order invoices themselves: invoices in
   * the order they closed (each customer's in period order), then the open periods.
   */
  finishInClosingOrder(): RerateResult & { readonly invoices: Invoice[] } {
    this.flush();
    const { state, catalog, closed } = this;
    // The export's own span: up to the end of the day of its last event.
    const endAt = this.endAt !== Number.POSITIVE_INFINITY || this.pendingAt === Number.NEGATIVE_INFINITY ? this.endAt : (Math.floor(this.pendingAt / MS_PER_DAY) + 1) * MS_PER_DAY;
    const windowed = endAt !== Number.POSITIVE_INFINITY;
    this.applyChangesUpTo(windowed ? endAt - 1 : endAt, false);
    const changesAfterWindow = this.changes.length - this.next;
    if (windowed) this.catchUp(endAt - 1);
    for (const invoice of drainClosed(state)) closed.push(invoice);
    for (const account of state.accounts.values()) {
      const open = previewInvoice(catalog, account, windowed ? endAt : account.cycleEndAt);
      if (open !== null) closed.push(open);
    }
    return {
      invoices: closed,
      refusedPurchases: this.refused,
      refusedChanges: this.refusedChanges,
      ignoredEvents: { ...this.ignored },
      changesAfterWindow,
      eventNameHints: [],
    };
  }

  private flush(): void {
    const count = this.pendingCount;
    if (count === 0) return;
    this.pendingCount = 0;
    const at = this.pendingAt;
    if (at >= this.endAt) {
      this.ignored.after_window += count;
      return;
    }
    this.applyChangesUpTo(at, true);
    this.catchUp(at);
    if (count === 1) {
      this.replay(0, at);
      return;
    }
    const ids = this.pendingIds;
    const order = Array.from({ length: count }, (_, slot) => slot);
    order.sort((a, b) => compareText(ids[a]!, ids[b]!) || a - b);
    for (const slot of order) this.replay(slot, at);
  }

  /**
   * Replays pending event `slot`: as metered, charged as it is; else as a job, routed, dispatched
   * if it had to queue, completed.
   */
  private replay(slot: number, at: number): void {
    const { state } = this;
    const handle = this.pendingHandles[slot]!;
    if (this.asMetered) {
      if (!chargeMeteredByHandle(state, handle, this.pendingGpuMs[slot]!, at)) this.unsubscribed(handle, at);
      return;
    }
    const decision = submitByHandle(state, handle, this.pendingRequests[slot]!, at);
    if (decision.mode === 'blocked') {
      if (decision.reason === 'no_active_subscription') this.unsubscribed(handle, at);
      return;
    }
    if (decision.start === 'queued') dispatchHeldByHandle(state, handle, decision.mode);
    chargeCompletionByHandle(state, handle, decision.mode, this.pendingGpuMs[slot]!, at);
  }

  /** Counts an event of a customer without an active subscription at `at`: not yet, or not (any more). */
  private unsubscribed(handle: number, at: number): void {
    const startAt = this.firstStartAt.get(this.customerIds[handle]!);
    if (startAt !== undefined && at < startAt) this.ignored.before_subscription += 1;
    else this.ignored.no_subscription += 1;
  }

  private catchUp(at: number): void {
    if (at < nextTickAt(this.state)) return;
    const periods = this.subscriptionCount * ((at - this.earliestStartAt) / MONTH_MS);
    if (periods > LARGE_PERIODS && !this.allowLarge) throw new RerateTooLarge(this.earliestStartAt, at, this.subscriptionCount, periods);
    for (const invoice of tick(this.state, at).invoices) this.closed.push(invoice);
  }

  /**
   * Applies the changes up to `at`: subscriptions and purchases at an instant come before its
   * events, plan changes after them (`beforeEvents`: stop at the plan changes of `at` itself).
   */
  private applyChangesUpTo(at: number, beforeEvents: boolean): void {
    const changes = this.changes;
    while (this.next < changes.length) {
      const change = changes[this.next]!;
      if (change.at > at || (beforeEvents && change.at === at && change.order === PLAN_CHANGE)) return;
      this.next += 1;
      this.catchUp(change.at);
      if (change.order === 0) {
        const { customerId, planId, interval, startedAt } = change.subscription;
        subscribeCustomer(this.state, customerId, planId, interval, startedAt);
      } else if (change.order === 1) {
        const { customerId, purchaseId, hours, purchasedAt } = change.purchase;
        const result = buyTopup(this.state, customerId, { purchaseId, hours }, purchasedAt);
        if (!result.ok) this.refused.push({ customerId, purchaseId, reason: result.reason });
      } else {
        this.applyPlanChange(change.change);
      }
    }
  }

  private applyPlanChange(change: RerateChange): void {
    const { customerId, action, planId, interval, at } = change;
    const account = this.state.accounts.get(customerId);
    if (account === undefined || account.plan === null) {
      this.refusedChanges.push({ change, reason: 'no active subscription' });
      return;
    }
    const result =
      action === 'cancel' ? cancelCustomer(this.state, customerId, at) : changeCustomerPlan(this.state, customerId, planId!, interval ?? account.interval, at);
    if (!result.ok) this.refusedChanges.push({ change, reason: result.reason });
  }
}

/** Replays subscriptions, purchases and usage events (any order) through the engine. */
export function rerate(
  catalog: Catalog,
  subscriptions: readonly RerateSubscription[],
  purchases: readonly ReratePurchase[],
  events: readonly RerateEvent[],
  options: RerateOptions = {},
): RerateResult {
  // The first event of an event_id in input order counts, as Dodo keeps the first it received.
  // (Events the meter does not count are not given here: the readers drop repeats of their ids.)
  const seen = new Set<string>();
  const kept: number[] = [];
  events.forEach((event, index) => {
    if (seen.has(event.eventId)) return;
    seen.add(event.eventId);
    kept.push(index);
  });
  kept.sort((a, b) => events[a]!.at - events[b]!.at || a - b);
  const rerater = new Rerater(catalog, subscriptions, purchases, options);
  for (const index of kept) rerater.addUnique(events[index]!);
  const result = rerater.finish();
  const duplicates = events.length - kept.length;
  return { ...result, ignoredEvents: { ...result.ignoredEvents, duplicate: duplicates } };
}

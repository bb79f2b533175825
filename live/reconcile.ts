/**
 * Reconciliation: the local outbox against Dodo's meter, event by event, over a window of event
 * timestamps [from, to). Every usage event the engine produced is in `usage_outbox` (whatever its
 * status); Dodo's side is `GET /events` with the meter's id (Dodo applies the meter's event name
 * and filter), paged. Each event lands in one class:
 *   matched      at Dodo with the same customer and `gpu_seconds`;
 *   pending      not sent yet (the sender will);
 *   just_sent    sent less than JUST_SENT_MS ago and not listed yet;
 *   unbilled     expired or rejected: known, listed by `live outbox`, to bill another way;
 * and, what a person must look at (`unexplained`):
 *   missing      marked sent here, absent at Dodo;
 *   differs      at Dodo with another customer or `gpu_seconds`;
 *   unknown      at Dodo on this meter, not in the outbox (another producer, or a lost database).
 * A window that ended more than Dodo's 1-hour ingest window ago is final: nothing can enter it.
 * Seconds are summed as whole milliseconds (each event's `gpu_seconds` × 1,000, rounded once).
 */
import type DodoPayments from 'dodopayments';
import { formatIsoMs, parseIsoMs } from '../engine/index.ts';
import type { Sql } from './store/database.ts';
import { DODO_WINDOW_MS } from './outbox.ts';

/** A sent event not listed at Dodo within this long is `just_sent`, not `missing`. */
export const JUST_SENT_MS = 5 * 60 * 1000;
/** Events per page asked of Dodo's list. */
const PAGE_SIZE = 100;

export type MatchClass = 'matched' | 'pending' | 'just_sent' | 'unbilled' | 'missing' | 'differs' | 'unknown';

export interface CustomerReconciliation {
  readonly customer_id: string;
  /** Events and whole ms in the local outbox for this customer in the window. */
  readonly local_events: number;
  readonly local_ms: number;
  /** Events and whole ms on Dodo's meter for this customer in the window. */
  readonly dodo_events: number;
  readonly dodo_ms: number;
  /** Events per class (classes with none are left out). */
  readonly classes: Partial<Record<MatchClass, number>>;
}

export interface UnexplainedEvent {
  readonly event_id: string;
  readonly class: 'missing' | 'differs' | 'unknown';
  readonly customer_id: string;
  readonly local_ms: number | null;
  readonly dodo_ms: number | null;
  readonly dodo_customer_id: string | null;
}

export interface Reconciliation {
  readonly from: string;
  readonly to: string;
  readonly meter_id: string;
  /** False while events may still enter the window (it ended less than an hour before `now`). */
  readonly final: boolean;
  readonly customers: readonly CustomerReconciliation[];
  /** Events a person must look at, by event id; at most `limit`. */
  readonly unexplained: readonly UnexplainedEvent[];
  readonly unexplained_total: number;
}

export interface DodoEvent {
  readonly event_id: string;
  readonly customer_id: string;
  readonly ms: number;
}

/** Whole ms of an event's `gpu_seconds` (0 when absent or not a number). */
export function eventMs(metadata: Record<string, unknown> | null | undefined): number {
  const seconds = metadata?.gpu_seconds;
  const value = typeof seconds === 'number' ? seconds : typeof seconds === 'string' ? Number(seconds) : Number.NaN;
  return Number.isFinite(value) ? Math.round(value * 1000) : 0;
}

/** Every event on the meter with a timestamp in [from, to), from Dodo's list, de-duplicated by id. */
export async function dodoMeterEvents(dodo: DodoPayments, meterId: string, from: number, to: number): Promise<Map<string, DodoEvent>> {
  const events = new Map<string, DodoEvent>();
  const query = { meter_id: meterId, start: new Date(from).toISOString(), end: new Date(to).toISOString(), page_size: PAGE_SIZE };
  for (let pageNumber = 0; ; pageNumber += 1) {
    const page = await dodo.usageEvents.list({ ...query, page_number: pageNumber });
    for (const event of page.items) {
      // A page boundary may shift while events arrive: an event seen twice counts once.
      events.set(event.event_id, { event_id: event.event_id, customer_id: event.customer_id, ms: eventMs(event.metadata as Record<string, unknown> | null | undefined) });
    }
    if (page.items.length < PAGE_SIZE) return events;
  }
}

interface LocalEvent {
  readonly event_id: string;
  readonly customer_id: string;
  readonly status: string;
  readonly sent_at: number | null;
  readonly ms: number;
}

/** The plain comparison: local outbox rows and Dodo's events in, classes per customer out. */
export function compareEvents(local: readonly LocalEvent[], dodo: ReadonlyMap<string, DodoEvent>, now: number): { customers: CustomerReconciliation[]; unexplained: UnexplainedEvent[] } {
  const perCustomer = new Map<string, { local_events: number; local_ms: number; dodo_events: number; dodo_ms: number; classes: Partial<Record<MatchClass, number>> }>();
  const entry = (customerId: string) => {
    let found = perCustomer.get(customerId);
    if (found === undefined) perCustomer.set(customerId, (found = { local_events: 0, local_ms: 0, dodo_events: 0, dodo_ms: 0, classes: {} }));
    return found;
  };
  const unexplained: UnexplainedEvent[] = [];
  const count = (customerId: string, matchClass: MatchClass) => {
    const classes = entry(customerId).classes;
    classes[matchClass] = (classes[matchClass] ?? 0) + 1;
  };
  const seen = new Set<string>();
  for (const event of local) {
    seen.add(event.event_id);
    const row = entry(event.customer_id);
    row.local_events += 1;
    row.local_ms += event.ms;
    const atDodo = dodo.get(event.event_id);
    let matchClass: MatchClass;
    if (atDodo !== undefined) matchClass = atDodo.customer_id === event.customer_id && atDodo.ms === event.ms ? 'matched' : 'differs';
    else if (event.status === 'pending') matchClass = 'pending';
    else if (event.status === 'expired' || event.status === 'rejected') matchClass = 'unbilled';
    else if (event.sent_at !== null && now - event.sent_at < JUST_SENT_MS) matchClass = 'just_sent';
    else matchClass = 'missing';
    count(event.customer_id, matchClass);
    if (matchClass === 'missing' || matchClass === 'differs') {
      unexplained.push({ event_id: event.event_id, class: matchClass, customer_id: event.customer_id, local_ms: event.ms, dodo_ms: atDodo?.ms ?? null, dodo_customer_id: atDodo?.customer_id ?? null });
    }
  }
  for (const event of dodo.values()) {
    const row = entry(event.customer_id);
    row.dodo_events += 1;
    row.dodo_ms += event.ms;
    if (seen.has(event.event_id)) continue;
    count(event.customer_id, 'unknown');
    unexplained.push({ event_id: event.event_id, class: 'unknown', customer_id: event.customer_id, local_ms: null, dodo_ms: event.ms, dodo_customer_id: event.customer_id });
  }
  const customers = [...perCustomer.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([customer_id, row]) => ({ customer_id, ...row }));
  unexplained.sort((a, b) => (a.event_id < b.event_id ? -1 : a.event_id > b.event_id ? 1 : 0));
  return { customers, unexplained };
}

/**
 * The window [from, to) from ISO texts (null: the defaults), checked; a problem is a message
 * naming `from` or `to`. Defaults: `to` = an hour before now (Dodo takes nothing older, so the
 * window is final), `from` = `to` - 24 h. At most 31 days.
 */
export function reconcileWindow(fromText: string | null, toText: string | null, now: number): { from: number; to: number } | string {
  const to = toText === null ? now - DODO_WINDOW_MS : parseIsoMs(toText);
  if (to === null) return `to must be an ISO-8601 instant, got "${toText}"`;
  const from = fromText === null ? to - 24 * 3600 * 1000 : parseIsoMs(fromText);
  if (from === null) return `from must be an ISO-8601 instant, got "${fromText}"`;
  if (from >= to) return `from (${formatIsoMs(from)}) must be before to (${formatIsoMs(to)})`;
  if (to - from > 31 * 24 * 3600 * 1000) return 'the window may span at most 31 days';
  return { from, to };
}

/** Reconciles the outbox with Dodo's meter over [from, to); `limit` caps the unexplained listed. */
export async function reconcile(sql: Sql, dodo: DodoPayments, meterId: string, from: number, to: number, now: number, limit = 100): Promise<Reconciliation> {
  const dodoEvents = await dodoMeterEvents(dodo, meterId, from, to);
  // Read after Dodo's list: an event sent meanwhile is then at least `sent` here, never `missing`
  // because the local read came first.
  const [row] = await sql.query<{ rows: { event_id: string; customer_id: string; status: string; sent_at: number | null; seconds: number | string | null }[] | null }>(
    `select json_agg(json_build_object('event_id', event_id, 'customer_id', customer_id, 'status', status, 'sent_at', sent_at,
       'seconds', body->'metadata'->'gpu_seconds') order by event_id) as rows
     from usage_outbox where event_at >= $1 and event_at < $2`,
    [from, to],
  );
  const local = (row?.rows ?? []).map((event) => ({ event_id: event.event_id, customer_id: event.customer_id, status: event.status, sent_at: event.sent_at === null ? null : Number(event.sent_at), ms: eventMs({ gpu_seconds: event.seconds }) }));
  const { customers, unexplained } = compareEvents(local, dodoEvents, now);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    meter_id: meterId,
    final: to <= now - DODO_WINDOW_MS,
    customers,
    unexplained: unexplained.slice(0, limit),
    unexplained_total: unexplained.length,
  };
}

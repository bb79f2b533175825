/**
 * The usage outbox: every usage event the engine describes for a completed Fast/Turbo job is
 * written here, in the transaction that records the job's ledger entry, and stays until Dodo has
 * taken it. Rows are keyed by `event_id` (deterministic, `<job id>:gpu`), so writing one twice is
 * a no-op and a resend is de-duplicated by Dodo.
 *
 * Statuses: `pending` (to send; `next_attempt_at` says when), `sent`, `expired` (older than Dodo's
 * 1-hour ingest window before it could be sent), `rejected` (Dodo refused the event itself, 400 or
 * 422). Nothing is ever deleted: expired and rejected events, and pending ones getting old, are
 * what `live outbox` lists as stuck.
 */
import type { UsageEvent } from '../engine/index.ts';
import type { Sql } from './store/database.ts';

/** Dodo refuses events older than this. */
export const DODO_WINDOW_MS = 60 * 60 * 1000;
/** Sent no later than this before the window closes (clock skew, a slow request). */
export const WINDOW_MARGIN_MS = 2 * 60 * 1000;
/** A pending event older than this is listed as stuck (at risk of passing the window). */
export const STUCK_AFTER_MS = 15 * 60 * 1000;

export type OutboxStatus = 'pending' | 'sent' | 'expired' | 'rejected';

/** What the sender reads of a due event. */
export interface DueEvent {
  /** Insertion order. */
  readonly seq: number;
  readonly event_id: string;
  readonly body: UsageEvent;
  readonly attempts: number;
}

export interface OutboxRow extends DueEvent {
  readonly customer_id: string;
  readonly job_id: string;
  readonly event_at: number;
  readonly status: OutboxStatus;
  readonly next_attempt_at: number;
  readonly last_error: string | null;
}

export interface OutboxEntry {
  readonly jobId: string;
  /** The completion instant, ms (the event's timestamp). */
  readonly at: number;
  readonly event: UsageEvent;
}

/** The event exactly as Dodo's ingest takes it (plain data, whatever object the engine returned). */
function wireEvent(event: UsageEvent): UsageEvent {
  return { event_id: event.event_id, customer_id: event.customer_id, event_name: event.event_name, timestamp: event.timestamp, metadata: { ...event.metadata } };
}

/** Adds entries (in the caller's transaction); an event id already present is left as it is. */
export async function enqueueUsage(sql: Sql, entries: readonly OutboxEntry[], now: number): Promise<number> {
  if (entries.length === 0) return 0;
  const rows = await sql.query(
    `insert into usage_outbox (event_id, customer_id, job_id, event_at, body, next_attempt_at, created_at)
     select e.event_id, e.customer_id, e.job_id, e.event_at, e.body::jsonb, $6, $6
     from unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[]) as e(event_id, customer_id, job_id, event_at, body)
     on conflict (event_id) do nothing
     returning event_id`,
    [
      entries.map((entry) => entry.event.event_id),
      entries.map((entry) => entry.event.customer_id),
      entries.map((entry) => entry.jobId),
      entries.map((entry) => entry.at),
      entries.map((entry) => JSON.stringify(wireEvent(entry.event))),
      now,
    ],
  );
  return rows.length;
}

/**
 * Pending events due at `now`, oldest first, at most `limit`; only those after `afterSeq`. The
 * batch comes back as one JSON value rather than a row per event: PGlite decodes results row by
 * row in JavaScript, which for 1,000 rows took longer than the query itself.
 */
export async function dueEvents(sql: Sql, now: number, limit: number, afterSeq = 0): Promise<DueEvent[]> {
  const [row] = await sql.query<{ batch: DueEvent[] | null }>(
    `select json_agg(json_build_object('seq', seq, 'event_id', event_id, 'body', body, 'attempts', attempts) order by seq) as batch
     from (select seq, event_id, body, attempts from usage_outbox
           where status = 'pending' and next_attempt_at <= $1 and seq > $3 order by seq limit $2) as due`,
    [now, limit, afterSeq],
  );
  return row?.batch ?? [];
}

/** The earliest instant a pending event is due, or null when none is pending. */
export async function nextDueAt(sql: Sql): Promise<number | null> {
  const [row] = await sql.query<{ at: number | null }>(`select min(next_attempt_at) as at from usage_outbox where status = 'pending'`);
  return row?.at ?? null;
}

export async function markSent(sql: Sql, eventIds: readonly string[], now: number): Promise<void> {
  await sql.query(`update usage_outbox set status = 'sent', sent_at = $2, attempts = attempts + 1, last_error = null where event_id = any($1::text[])`, [eventIds, now]);
}

export async function markRetry(sql: Sql, eventIds: readonly string[], nextAttemptAt: number, error: string): Promise<void> {
  await sql.query(`update usage_outbox set attempts = attempts + 1, next_attempt_at = $2, last_error = $3 where event_id = any($1::text[])`, [eventIds, nextAttemptAt, error]);
}

export async function markRejected(sql: Sql, eventIds: readonly string[], error: string): Promise<void> {
  await sql.query(`update usage_outbox set status = 'rejected', attempts = attempts + 1, last_error = $2 where event_id = any($1::text[])`, [eventIds, error]);
}

/** Pending events too old to send within Dodo's window become `expired`; returns their ids. */
export async function expireOld(sql: Sql, now: number): Promise<string[]> {
  const rows = await sql.query<{ event_id: string }>(
    `update usage_outbox set status = 'expired', last_error = 'older than Dodo''s 1-hour ingest window; not sent'
     where status = 'pending' and event_at < $1 returning event_id`,
    [now - DODO_WINDOW_MS + WINDOW_MARGIN_MS],
  );
  return rows.map((row) => row.event_id);
}

/** Per customer, the Fast usage Dodo will not bill because its events expired or were rejected. */
export interface UnbilledUsage {
  readonly customer_id: string;
  readonly events: number;
  /** The charged GPU time of those events' jobs, from the local ledger (whole ms). */
  readonly charged_ms: number;
}

export interface OutboxSummary {
  readonly counts: Readonly<Record<OutboxStatus, number>>;
  /** Expired, rejected, and pending events older than STUCK_AFTER_MS, oldest first. */
  readonly stuck: readonly OutboxRow[];
  /** Every customer with expired or rejected events (not limited), by customer id: what to bill another way. */
  readonly unbilled: readonly UnbilledUsage[];
}

export async function outboxSummary(sql: Sql, now: number, limit = 100): Promise<OutboxSummary> {
  const counts: Record<OutboxStatus, number> = { pending: 0, sent: 0, expired: 0, rejected: 0 };
  for (const row of await sql.query<{ status: OutboxStatus; count: number }>(`select status, count(*)::bigint as count from usage_outbox group by status`)) {
    counts[row.status] = row.count;
  }
  const stuck = await sql.query<OutboxRow>(
    `select seq, event_id, customer_id, job_id, event_at, body, status, attempts, next_attempt_at, last_error from usage_outbox
     where status in ('expired', 'rejected') or (status = 'pending' and event_at < $1)
     order by event_at, event_id limit $2`,
    [now - STUCK_AFTER_MS, limit],
  );
  const unbilled = await sql.query<UnbilledUsage>(
    `select o.customer_id, count(*)::bigint as events, coalesce(sum(l.charged_ms), 0)::bigint as charged_ms
     from usage_outbox o left join ledger_entries l on l.job_id = o.job_id
     where o.status in ('expired', 'rejected') group by o.customer_id order by o.customer_id`,
  );
  return { counts, stuck, unbilled };
}

/**
 * The usage-event ingest rules of the test server, as dodo-api.md states Dodo's:
 * - at most 1,000 events per request;
 * - `event_id`, `customer_id`, `event_name` required strings;
 * - a duplicate `event_id` inside one request fails the whole request;
 * - an `event_id` already stored is ignored (the first event with an id is the only one kept);
 * - `timestamp` (ISO-8601, default now) no older than 1 hour and no more than 5 minutes ahead;
 * - metadata flat (string, number, boolean), at most 50 pairs, keys <= 100 and values <= 500 chars.
 * Any invalid event fails the whole request (400) and stores nothing; the message names the event.
 */
import type { Metadata, StoredEvent } from './meters.ts';

export const MAX_EVENTS_PER_REQUEST = 1000;
export const MAX_AGE_MS = 60 * 60 * 1000;
export const MAX_AHEAD_MS = 5 * 60 * 1000;

export type IngestOutcome =
  | { readonly ok: true; readonly accepted: readonly Omit<StoredEvent, 'seq'>[]; readonly duplicates: number }
  | { readonly ok: false; readonly message: string };

function metadataProblem(metadata: unknown): string | null {
  if (metadata === undefined || metadata === null) return null;
  if (typeof metadata !== 'object' || Array.isArray(metadata)) return 'metadata must be an object';
  const entries = Object.entries(metadata as Record<string, unknown>);
  if (entries.length > 50) return 'metadata has more than 50 pairs';
  for (const [key, value] of entries) {
    if (key.length > 100) return 'a metadata key is longer than 100 characters';
    if (typeof value === 'string' && value.length > 500) return `metadata.${key} is longer than 500 characters`;
    if (!['string', 'number', 'boolean'].includes(typeof value)) return `metadata.${key} must be a string, number or boolean`;
  }
  return null;
}

function eventProblem(raw: unknown, nowMs: number): string | { event: Omit<StoredEvent, 'seq'> } {
  if (typeof raw !== 'object' || raw === null) return 'an event must be an object';
  const event = raw as Record<string, unknown>;
  for (const field of ['event_id', 'customer_id', 'event_name'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') return `${field} is required`;
  }
  let timestampMs = nowMs;
  if (event.timestamp !== undefined && event.timestamp !== null) {
    timestampMs = typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : Number.NaN;
    if (Number.isNaN(timestampMs)) return 'timestamp is not an ISO-8601 instant';
    if (timestampMs < nowMs - MAX_AGE_MS) return 'timestamp is older than 1 hour';
    if (timestampMs > nowMs + MAX_AHEAD_MS) return 'timestamp is more than 5 minutes in the future';
  }
  const problem = metadataProblem(event.metadata);
  if (problem !== null) return problem;
  return {
    event: {
      event_id: event.event_id as string,
      customer_id: event.customer_id as string,
      event_name: event.event_name as string,
      timestamp: new Date(timestampMs).toISOString(),
      metadata: (event.metadata ?? {}) as Metadata,
    },
  };
}

/** Checks an ingest body against the rules; `known` tells whether an event id is stored already. */
export function checkIngest(body: unknown, nowMs: number, known: (eventId: string) => boolean): IngestOutcome {
  const events = (body as { events?: unknown } | null)?.events;
  if (!Array.isArray(events)) return { ok: false, message: 'events must be an array' };
  if (events.length > MAX_EVENTS_PER_REQUEST) return { ok: false, message: `at most ${MAX_EVENTS_PER_REQUEST} events per request (got ${events.length})` };
  const seen = new Set<string>();
  const accepted: Omit<StoredEvent, 'seq'>[] = [];
  let duplicates = 0;
  for (let index = 0; index < events.length; index += 1) {
    const checked = eventProblem(events[index], nowMs);
    const id = (events[index] as { event_id?: unknown } | null)?.event_id;
    if (typeof checked === 'string') return { ok: false, message: `events[${index}]${typeof id === 'string' ? ` (${id})` : ''}: ${checked}` };
    if (seen.has(checked.event.event_id)) return { ok: false, message: `events[${index}] (${checked.event.event_id}): duplicate event_id in one request` };
    seen.add(checked.event.event_id);
    if (known(checked.event.event_id)) duplicates += 1;
    else accepted.push(checked.event);
  }
  return { ok: true, accepted, duplicates };
}

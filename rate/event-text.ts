/**
 * A usage export's events read the general way, for the lines the byte scanner leaves
 * (usage-byte-scanner.ts): JSON.parse and field checks by hand, every problem recorded with its
 * file, line and field, everything kept already in engine units.
 *
 * Kept to what the export reader needs (no CSV or YAML parser), since it is loaded by the thread
 * that reads the export (read-worker.ts), whose start-up delays the rating.
 */
import type { Catalog, MetadataValue } from '../engine/index.ts';
import type { EventNameHint, RerateEvent } from './rerate.ts';
import { parseIsoMs } from '../engine/calendar.ts';
import { filterHolds } from '../engine/meter.ts';

/** The most GPU seconds one usage event may carry: totals of millions of them stay exact integer ms. */
export const MAX_EVENT_SECONDS = 1_000_000_000;

/**
 * A valid line the meter does not count: another event name, or its filter leaves it out. It is
 * still an event Dodo ingested, so its `event_id` is taken: a later event with that id is a
 * duplicate, whatever its name.
 */
export interface SkippedLine {
  readonly skipped: 'other_event_name' | 'meter_filter';
  readonly eventId: string;
  readonly eventName: string;
}

/**
 * Valid lines not passed on as events, by reason (each line under one): a repeated event_id
 * (checked first, over all valid lines), another event name, the meter's filter; and the first
 * near misses of its event name.
 */
export interface SkippedLines {
  duplicate: number;
  other_event_name: number;
  meter_filter: number;
  readonly nameHints: EventNameHint[];
}

export function noSkippedLines(): SkippedLines {
  return { duplicate: 0, other_event_name: 0, meter_filter: 0, nameHints: [] };
}

/** Lines of near-miss event names kept for the hint. */
const NAME_HINTS_KEPT = 3;

/**
 * Counts a line of another event name, and keeps it for a "did you mean" hint when the name looks
 * like a typo of the meter's: the same but for case and surrounding blanks, or two edits away.
 */
export function noteOtherEventName(skipped: SkippedLines, line: number, name: string, meterName: string): void {
  skipped.other_event_name += 1;
  if (skipped.nameHints.length < NAME_HINTS_KEPT && isNearMiss(name, meterName)) skipped.nameHints.push({ line, eventName: name, suggestion: meterName });
}

function isNearMiss(name: string, meterName: string): boolean {
  const a = name.trim().toLowerCase();
  const b = meterName.toLowerCase();
  if (a === b) return true;
  if (Math.abs(a.length - b.length) > 2 || a.length > 200) return false;
  // Levenshtein distance, one row at a time; near means at most 2.
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i += 1) {
    const row = [i];
    for (let j = 1; j <= b.length; j += 1) row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = row;
  }
  return previous[b.length]! <= 2;
}

import type { InputIssue } from '../scenarios/errors.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS, instantProblem } from './instants.ts';

function describe(value: unknown): string {
  return typeof value === 'string' ? `"${value}"` : value === undefined ? 'nothing' : JSON.stringify(value);
}

/** Validates one parsed JSONL line; returns the event, or the line the meter does not count, or pushes issues and returns null. */
function eventFromLine(value: unknown, catalog: Catalog, file: string, line: number, issues: InputIssue[], range: InstantRange): RerateEvent | SkippedLine | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    issues.push({ file, line, message: 'expected a JSON object (one usage event per line)' });
    return null;
  }
  const event = value as Record<string, unknown>;
  const before = issues.length;
  for (const field of ['event_id', 'customer_id', 'event_name'] as const) {
    if (typeof event[field] !== 'string' || event[field] === '') {
      issues.push({ file, line, path: field, message: `expected a non-empty string, got ${describe(event[field])}` });
    }
  }
  if (issues.length === before && event.event_name !== catalog.meterEventName) {
    return { skipped: 'other_event_name', eventId: event.event_id as string, eventName: event.event_name as string };
  }
  const at = typeof event.timestamp === 'string' ? parseIsoMs(event.timestamp) : null;
  if (at === null) issues.push({ file, line, path: 'timestamp', message: `expected an ISO-8601 timestamp with a zone, got ${describe(event.timestamp)}` });
  const outside = at === null ? null : instantProblem(at, range);
  if (outside !== null) issues.push({ file, line, path: 'timestamp', message: outside });
  const metadata = event.metadata;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    issues.push({ file, line, path: 'metadata', message: `expected an object, got ${describe(metadata)}` });
    return null;
  }
  const record = metadata as Record<string, unknown>;
  const filter = catalog.meter.filter;
  if (filter && issues.length === before && !filterHolds(filter, record as Record<string, MetadataValue>)) {
    return { skipped: 'meter_filter', eventId: event.event_id as string, eventName: catalog.meterEventName };
  }
  const seconds = record[catalog.meterKey];
  const path = `metadata.${catalog.meterKey}`;
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) {
    issues.push({ file, line, path, message: `expected a number of seconds, got ${describe(seconds)}` });
  } else if (seconds < 0) {
    issues.push({ file, line, path, message: `expected seconds >= 0, got ${seconds}` });
  } else if (seconds > MAX_EVENT_SECONDS) {
    issues.push({ file, line, path, message: `expected at most ${MAX_EVENT_SECONDS} seconds (about 31 years of GPU time) in one event, got ${seconds}` });
  }
  const jobType = record.job_type;
  if (jobType !== undefined && (typeof jobType !== 'string' || !catalog.jobTypes.has(jobType))) {
    issues.push({ file, line, path: 'metadata.job_type', message: `unknown job type ${describe(jobType)} (catalog has ${[...catalog.jobTypes.keys()].join(', ')})` });
  }
  if (issues.length !== before) return null;
  return {
    eventId: event.event_id as string,
    customerId: event.customer_id as string,
    at: at!,
    gpuMs: Math.round((seconds as number) * 1000),
    jobType: (jobType as string | undefined) ?? null,
  };
}

/**
 * Reads one line of a usage export (trimmed, not empty) the general way, for the lines the byte
 * scanner leaves (usage-byte-scanner.ts): JSON.parse and field checks. `last`: the line ends the file
 * without a line break (a truncated write, if it is not JSON). Returns the event, the line the
 * meter does not count (another event name, or its filter) with its event id, or null after
 * recording the line's problems. Whether the event id was taken by an earlier line is for the
 * caller to decide: it reads the lines in order.
 */
export function eventFromText(
  raw: string,
  catalog: Catalog,
  file: string,
  line: number,
  last: boolean,
  issues: InputIssue[],
  range: InstantRange = PLAUSIBLE_INSTANTS,
): RerateEvent | SkippedLine | null {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    issues.push({ file, line, message: last ? 'not valid JSON (truncated last line?)' : 'not valid JSON' });
    return null;
  }
  return eventFromLine(value, catalog, file, line, issues, range);
}

/**
 * The instants `engine rate` accepts. A typo'd year (an event dated 9999-12-31, a subscription
 * started 0000-01-01) would otherwise make every customer renew month after month up to it:
 * hundreds of thousands of invoices and minutes of work for one wrong digit. Instants outside the
 * range are input errors with their file and line; `--instants FROM..TO` widens or narrows it.
 */
// The calendar module alone: the export reader's thread loads this (see rate/fast/read-worker.ts).
import { formatIsoMs, parseIsoMs } from '../engine/calendar.ts';

/** Accepted instants: `fromAt` <= at < `toAt`, ms since the epoch. */
export interface InstantRange {
  readonly fromAt: number;
  readonly toAt: number;
}

/** 2000-01-01 (inclusive) to 2100-01-01 (exclusive), UTC. */
export const PLAUSIBLE_INSTANTS: InstantRange = { fromAt: 946_684_800_000, toAt: 4_102_444_800_000 };

/** The problem with `at`, or null when it is in the range. */
export function instantProblem(at: number, range: InstantRange): string | null {
  if (at >= range.fromAt && at < range.toAt) return null;
  return `${formatIsoMs(at)} is outside the accepted range ${formatIsoMs(range.fromAt)} .. ${formatIsoMs(range.toAt)} (exclusive; --instants FROM..TO changes it)`;
}

/** `FROM..TO` (ISO dates or timestamps with a zone) as a range, or null when it is not one. */
export function parseInstantRange(text: string): InstantRange | null {
  const parts = text.split('..');
  if (parts.length !== 2) return null;
  const [fromAt, toAt] = parts.map((part) => parseIsoMs(/^\d{4}-\d{2}-\d{2}$/.test(part) ? `${part}T00:00:00Z` : part));
  return fromAt === null || toAt === null || fromAt === undefined || toAt === undefined || !(fromAt < toAt) ? null : { fromAt, toAt };
}

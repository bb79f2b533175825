/**
 * How a scenario writes time: instants as an ISO date (midnight UTC) or a timestamp with a zone,
 * and a horizon of days (24 h each) or calendar months (month-end clamped). The schema's rules
 * (scenario-schema.ts) and the simulator's compiler (sim/compile.ts) both read time this way.
 */
import { MS_PER_DAY, addMonthsClamped, parseIsoMs } from '../engine/index.ts';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** An ISO date (`2026-03-01`, midnight UTC) or a timestamp with a zone, as integer ms; null if invalid. */
export function parseInstant(text: string): number | null {
  return parseIsoMs(DATE_ONLY.test(text) ? `${text}T00:00:00Z` : text);
}

/** The end of the horizon: days of 24 h, or calendar months from start (month-end clamped). */
export function horizonEndAt(startAt: number, horizon: { readonly days?: number | undefined; readonly months?: number | undefined }): number {
  if (horizon.months !== undefined) return addMonthsClamped(startAt, horizon.months);
  if (horizon.days === undefined) throw new Error('scenario: a horizon needs days or months');
  return startAt + Math.round(horizon.days * MS_PER_DAY);
}

/**
 * The fast path of reading a usage export: a line in the exact shape the engine and Dodo write,
 * `{"event_id":"..","customer_id":"..","event_name":"..","timestamp":"..","metadata":{..}}`
 * without spaces or escapes, is read by hand (faster than JSON.parse, and no metadata object). Anything else, and any line whose values are not all valid, returns null:
 * the caller then parses it with JSON.parse and reports its problems precisely, so both paths
 * accept and reject exactly the same lines.
 */
import { parseIsoMs } from '../engine/index.ts';

const JSON_NUMBER = /^-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?$/;

export interface ScannedEvent {
  readonly eventId: string;
  readonly customerId: string;
  readonly eventName: string;
  readonly at: number;
  /** The meter key's value, or NaN when absent or not a number. */
  readonly seconds: number;
  /** `metadata.job_type` when it is a string, undefined when absent; null = present but not a string. */
  readonly jobType: string | undefined | null;
}

let cursor = 0;

/** Reads `"<text>"` at `cursor` (no backslash inside); advances past it; null otherwise. */
function quoted(line: string): string | null {
  if (line.charCodeAt(cursor) !== 34) return null;
  const close = line.indexOf('"', cursor + 1);
  if (close === -1) return null;
  const text = line.slice(cursor + 1, close);
  if (text.includes('\\')) return null;
  cursor = close + 1;
  return text;
}

/** Consumes `expected` at `cursor`, or returns false. */
function literal(line: string, expected: string): boolean {
  if (!line.startsWith(expected, cursor)) return false;
  cursor += expected.length;
  return true;
}

/** Reads a flat JSON value at `cursor`: a string, a number, true, false or null; undefined if none. */
function value(line: string): string | number | boolean | null | undefined {
  const code = line.charCodeAt(cursor);
  if (code === 34) return quoted(line) ?? undefined;
  if (literal(line, 'true')) return true;
  if (literal(line, 'false')) return false;
  if (literal(line, 'null')) return null;
  let end = cursor;
  while (end < line.length && line.charCodeAt(end) !== 44 && line.charCodeAt(end) !== 125) end += 1;
  const text = line.slice(cursor, end);
  if (!JSON_NUMBER.test(text)) return undefined;
  cursor = end;
  return Number(text);
}

/** The event of a canonical line with valid id, customer, name and timestamp; null otherwise. */
export function scanUsageLine(line: string, meterKey: string): ScannedEvent | null {
  cursor = 0;
  if (!literal(line, '{"event_id":"')) return null;
  cursor -= 1;
  const eventId = quoted(line);
  if (!eventId || !literal(line, ',"customer_id":')) return null;
  const customerId = quoted(line);
  if (!customerId || !literal(line, ',"event_name":')) return null;
  const eventName = quoted(line);
  if (!eventName || !literal(line, ',"timestamp":')) return null;
  const timestamp = quoted(line);
  if (timestamp === null || !literal(line, ',"metadata":{')) return null;
  const at = parseIsoMs(timestamp);
  if (at === null) return null;
  let seconds = Number.NaN;
  let jobType: string | undefined | null;
  if (line.charCodeAt(cursor) !== 125) {
    for (;;) {
      // A repeated key: the last value wins, as with JSON.parse.
      const key = quoted(line);
      if (key === null || !literal(line, ':')) return null;
      const item = value(line);
      if (item === undefined) return null;
      if (key === meterKey) seconds = typeof item === 'number' ? item : Number.NaN;
      else if (key === 'job_type') jobType = typeof item === 'string' ? item : null;
      if (literal(line, ',')) continue;
      break;
    }
  }
  if (!literal(line, '}}') || cursor !== line.length) return null;
  return { eventId, customerId, eventName, at, seconds, jobType };
}

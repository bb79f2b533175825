/**
 * The plain reading of a usage export (rate/reference.ts reads with it; the tests hold the byte
 * reader to it): every line through JSON.parse and the field checks `engine rate` applies to lines
 * its byte scanner leaves.
 */
import type { Catalog } from '../engine/index.ts';
import type { RerateEvent } from './rerate.ts';
import type { InputIssue } from '../scenarios/errors.ts';
import { readInputText } from '../scenarios/input-file.ts';
import { type SkippedLines, eventFromText, noSkippedLines, noteOtherEventName } from './event-text.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from './instants.ts';

/** Events read from an export. */
export interface EventRead {
  /** The events the meter counts, in input order, each event_id once. */
  readonly events: RerateEvent[];
  /** Valid lines not passed on (a repeated event_id, another event name, the meter's filter). */
  readonly skipped: SkippedLines;
}

/**
 * Reads a usage export into event objects, line by line as text with `eventFromText`: the
 * reference reading the tests hold the byte reader (usage-export-reader.ts) to.
 *
 * Event ids are de-duplicated over every valid line, as Dodo does over every event a business
 * ingests: a line whose event_id an earlier valid line took is a duplicate, whatever either's
 * event name or metadata, and that is checked before its name and the meter's filter. An invalid
 * line (one with problems) is no event: it takes no id (and the run stops with its problems).
 */
export function readEvents(file: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): EventRead {
  const text = readInputText(file, issues);
  const events: RerateEvent[] = [];
  const skipped = noSkippedLines();
  if (text === null) return { events, skipped };
  const taken = new Set<string>();
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    const read = eventFromText(raw, catalog, file, line, end === text.length, issues, range);
    if (read === null) continue;
    if (taken.has(read.eventId)) {
      skipped.duplicate += 1;
      continue;
    }
    taken.add(read.eventId);
    if (!('skipped' in read)) events.push(read);
    else if (read.skipped === 'other_event_name') noteOtherEventName(skipped, line, read.eventName, catalog.meterEventName);
    else skipped.meter_filter += 1;
  }
  return { events, skipped };
}

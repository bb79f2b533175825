/**
 * Test support: the plain text reading of a usage export, every line through JSON.parse and the
 * field checks `engine rate` applies to lines its byte scanner leaves.
 */
import type { Catalog } from '../engine/index.ts';
import type { RerateEvent } from './rerate.ts';
import type { InputIssue } from '../scenarios/errors.ts';
import { readInputText } from '../scenarios/input-file.ts';
import { type SkippedLines, eventFromText, eventNameOf, noSkippedLines, noteOtherEventName } from './event-text.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from './instants.ts';

/** Events read from an export. */
export interface EventRead {
  readonly events: RerateEvent[];
  /** Valid lines the meter does not count (other event names, its filter), skipped. */
  readonly skipped: SkippedLines;
}

/**
 * Reads a usage export into event objects, line by line as text with `eventFromText`: the
 * reference reading the tests hold the byte reader (usage-export-reader.ts) to.
 */
export function readEvents(file: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): EventRead {
  const text = readInputText(file, issues);
  const events: RerateEvent[] = [];
  const skipped = noSkippedLines();
  if (text === null) return { events, skipped };
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    const event = eventFromText(raw, catalog, file, line, end === text.length, issues, range);
    if (event === 'other_event_name') noteOtherEventName(skipped, line, eventNameOf(raw), catalog.meterEventName);
    else if (event === 'meter_filter') skipped.meter_filter += 1;
    else if (event !== null) events.push(event);
  }
  return { events, skipped };
}

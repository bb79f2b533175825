/**
 * Test support: the plain text reading of a usage export, every line through JSON.parse and the
 * field checks `engine rate` applies to lines its byte scanner leaves.
 */
import type { Catalog, RerateEvent } from '../../engine/index.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import { readInputText } from '../../scenarios/input-file.ts';
import { eventFromText } from '../usage-event-text.ts';

/** Events read from an export. */
export interface EventRead {
  readonly events: RerateEvent[];
  /** Lines holding events of other names (not the catalog meter's), skipped. */
  readonly otherEvents: number;
}

/**
 * Reads a usage export into event objects, line by line as text with `eventFromText`: the
 * reference reading the tests hold the byte reader (usage-export-reader.ts) to.
 */
export function readEvents(file: string, catalog: Catalog, issues: InputIssue[]): EventRead {
  const text = readInputText(file, issues);
  const events: RerateEvent[] = [];
  let otherEvents = 0;
  if (text === null) return { events, otherEvents };
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end).trim();
    start = end + 1;
    if (raw === '') continue;
    const event = eventFromText(raw, catalog, file, line, end === text.length, issues);
    if (event === 'other') otherEvents += 1;
    else if (event !== null) events.push(event);
  }
  return { events, otherEvents };
}

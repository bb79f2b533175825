/**
 * Reading a usage export (JSONL) for `engine rate` at hundreds of MB per second: the file in
 * chunks of a few MB (a line cut by a chunk's end is carried to the next), each line scanned as
 * bytes (usage-byte-scanner.ts). A line the scanner does not recognise is decoded (UTF-8, which is
 * also what an ASCII file's latin1 reading gives) and read exactly as before by `eventFromText`,
 * with the same line numbers and messages, so the byte path changes speed, never results.
 *
 * Events go to a sink with their ids as key bytes (byte-key-table.ts): a scanned line's ids are
 * its own bytes in the chunk; a decoded line's ids are encoded into a scratch buffer.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Catalog } from '../../engine/index.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import { readInputText } from '../../scenarios/input-file.ts';
import { encodeKey } from './byte-key-table.ts';
import { type SkippedLines, eventFromText, eventNameOf, noSkippedLines, noteOtherEventName } from '../event-text.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from '../instants.ts';

export type { SkippedLines };
import { NOT_SCANNED, SCANNED_EVENT, SCANNED_FILTERED, UsageByteScanner } from './usage-byte-scanner.ts';

// Module-local copies: the hot loop compares with these (imported bindings are property reads).
const EVENT = SCANNED_EVENT;
const UNRECOGNISED = NOT_SCANNED;
const FILTERED = SCANNED_FILTERED;


const CHUNK_BYTES = 4 << 20;
const NEWLINE = 10;

export interface UsageSink {
  /**
   * A valid event of the catalog meter, in file order: its event id is bytes[idStart, idEnd), its
   * customer id bytes[customerStart, customerEnd) (keys, valid during the call), its instant and
   * charged GPU time integer ms, its job type 0 (the catalog's first) or k + 1 (job type k).
   */
  event(bytes: Buffer, idStart: number, idEnd: number, customerStart: number, customerEnd: number, at: number, gpuMs: number, jobType: number): void;
}

/** The catalog's job type ids in the order the sink's codes use (code k + 1 = entry k). */
export function jobTypeIds(catalog: Catalog): string[] {
  return [...catalog.jobTypes.keys()];
}

export interface ReadOptions {
  /** The read size (tests make it tiny, so that lines cross chunks). */
  readonly chunkBytes?: number;
  /** Stop after this many events were passed to the sink (the rest of the file is not read). */
  readonly maxEvents?: number;
  /** Accepted instants (default PLAUSIBLE_INSTANTS); others are input errors. */
  readonly range?: InstantRange;
}

/** Reads `file`, recording every bad line in `issues`; returns the valid lines the meter does not count. */
export function readUsageExport(file: string, catalog: Catalog, issues: InputIssue[], sink: UsageSink, options: ReadOptions = {}): SkippedLines {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch {
    readInputText(file, issues);
    return noSkippedLines();
  }
  const reader = new ExportReader(file, catalog, issues, sink, options.maxEvents ?? Number.POSITIVE_INFINITY, options.range ?? PLAUSIBLE_INSTANTS);
  try {
    reader.read(descriptor, options.chunkBytes ?? CHUNK_BYTES);
  } catch (error) {
    if (!(error instanceof Error && 'code' in error)) throw error;
    readInputText(file, issues); // an I/O error (e.g. a directory): reported as any input's would be
  } finally {
    closeSync(descriptor);
  }
  return reader.skipped;
}

class ExportReader {
  readonly skipped = noSkippedLines();
  private readonly scanner: UsageByteScanner;
  private readonly jobTypeCodes: Map<string, number>;
  private scratch = Buffer.alloc(256);
  private line = 0;
  /** Events the sink may still be given (`maxEvents`). */
  private eventsLeft: number;

  constructor(
    private readonly file: string,
    private readonly catalog: Catalog,
    private readonly issues: InputIssue[],
    private readonly sink: UsageSink,
    maxEvents: number,
    private readonly range: InstantRange,
  ) {
    this.eventsLeft = maxEvents;
    const ids = jobTypeIds(catalog);
    this.scanner = new UsageByteScanner(catalog.meterEventName, catalog.meterKey, ids, catalog.meter.filter ?? null, range);
    this.jobTypeCodes = new Map(ids.map((id, index) => [id, index + 1]));
  }

  read(descriptor: number, chunkBytes: number): void {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    while (this.eventsLeft > 0) {
      const count = readSync(descriptor, buffer, filled, buffer.length - filled, null);
      filled += count;
      const end = count === 0;
      const consumed = this.lines(buffer.subarray(0, filled), end);
      if (end) return;
      if (consumed === 0 && filled === buffer.length) {
        // One line longer than the buffer: make room for the rest of it.
        const grown = Buffer.allocUnsafe(buffer.length * 2);
        buffer.copy(grown, 0, 0, filled);
        buffer = grown;
      } else {
        buffer.copyWithin(0, consumed, filled);
        filled -= consumed;
      }
    }
  }

  /** Reads the complete lines of `chunk` (all of it at the end of the file); returns the bytes used. */
  private lines(chunk: Buffer, end: boolean): number {
    const scanner = this.scanner;
    const sink = this.sink;
    const limit = chunk.length;
    let start = 0;
    while (start < limit && this.eventsLeft > 0) {
      const kind = scanner.scan(chunk, start, limit);
      if (kind === EVENT) {
        this.line += 1;
        this.eventsLeft -= 1;
        sink.event(chunk, scanner.idStart, scanner.idEnd, scanner.customerStart, scanner.customerEnd, scanner.at, scanner.gpuMs, scanner.jobType);
        start = scanner.next;
      } else if (kind !== UNRECOGNISED) {
        this.line += 1;
        if (kind === FILTERED) this.skipped.meter_filter += 1;
        else noteOtherEventName(this.skipped, this.line, chunk.toString('latin1', scanner.nameStart, scanner.nameEnd), this.catalog.meterEventName);
        start = scanner.next;
      } else {
        const newline = chunk.indexOf(NEWLINE, start);
        if (newline === -1 && !end) break;
        const lineEnd = newline === -1 ? limit : newline;
        this.line += 1;
        this.decodedLine(chunk.toString('utf8', start, lineEnd), newline === -1);
        start = lineEnd + 1;
      }
    }
    return Math.min(start, limit);
  }

  /** A line the scanner left: read as text, exactly as the reference reader does. */
  private decodedLine(text: string, last: boolean): void {
    const raw = text.trim();
    if (raw === '') return;
    const event = eventFromText(raw, this.catalog, this.file, this.line, last, this.issues, this.range);
    if (event === 'other_event_name') {
      noteOtherEventName(this.skipped, this.line, eventNameOf(raw), this.catalog.meterEventName);
      return;
    }
    if (event === 'meter_filter') {
      this.skipped.meter_filter += 1;
      return;
    }
    if (event === null) return;
    // Room for both keys at their longest (two bytes per UTF-16 unit, plus a marker each).
    const longest = 2 * (event.eventId.length + event.customerId.length + 1);
    if (this.scratch.length < longest) this.scratch = Buffer.alloc(longest * 2);
    const idLength = encodeKey(event.eventId, this.scratch).length;
    const customerLength = encodeKey(event.customerId, this.scratch.subarray(idLength)).length;
    const jobType = event.jobType === null ? 0 : this.jobTypeCodes.get(event.jobType)!;
    this.eventsLeft -= 1;
    this.sink.event(this.scratch, 0, idLength, idLength, idLength + customerLength, event.at, event.gpuMs, jobType);
  }
}

/**
 * Reading a usage export (JSONL) for `engine rate` at hundreds of MB per second: the file in
 * chunks of a few MB (a line cut by a chunk's end is carried to the next), each line scanned as
 * bytes (usage-byte-scanner.ts). A line the scanner does not recognise is decoded (UTF-8, which is
 * also what an ASCII file's latin1 reading gives) and read exactly as before by `eventFromText`,
 * with the same line numbers and messages, so the byte path changes speed, never results.
 *
 * Events go to a sink with their ids as key bytes (byte-key-table.ts): a scanned line's ids are
 * its own bytes in the chunk; a decoded line's ids are encoded into a scratch buffer. A valid line
 * the meter does not count (another event name, or its filter) still takes its event_id, as every
 * event Dodo ingests does: the sink is asked whether the id is new (`skippedLine`), and a line
 * whose id was taken is counted as a duplicate, not under its name or the filter. Invalid lines
 * are no events: they go to `issues` and take no id.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Catalog } from '../../engine/index.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import { readInputText } from '../../scenarios/input-file.ts';
import { encodeKey } from './byte-key-table.ts';
import { type SkippedLines, eventFromText, noSkippedLines, noteOtherEventName } from '../event-text.ts';
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
  /**
   * A valid line the meter does not count (another event name, or its filter), in file order
   * with the events: its event id is bytes[idStart, idEnd) (a key, valid during the call). It
   * takes the id, as any event would: false when the id was taken already (by an event or such a
   * line), and the reader then counts the line as a duplicate. Repeats among `event`s are the
   * sink's to drop and count.
   */
  skippedLine(bytes: Buffer, idStart: number, idEnd: number): boolean;
}

/** The catalog's job type ids in the order the sink's codes use (code k + 1 = entry k). */
export function jobTypeIds(catalog: Catalog): string[] {
  return [...catalog.jobTypes.keys()];
}

export interface ReadOptions {
  /** The read size (tests make it tiny, so that lines cross chunks). */
  readonly chunkBytes?: number;
  /** Stop after this many lines were passed to the sink, events and skipped lines (the rest of the file is not read). */
  readonly maxLines?: number;
  /** Accepted instants (default PLAUSIBLE_INSTANTS); others are input errors. */
  readonly range?: InstantRange;
}

/** Reads `file`, recording every bad line in `issues`; returns the valid lines not passed on as events (see `SkippedLines`). */
export function readUsageExport(file: string, catalog: Catalog, issues: InputIssue[], sink: UsageSink, options: ReadOptions = {}): SkippedLines {
  let descriptor: number;
  try {
    descriptor = openSync(file, 'r');
  } catch {
    readInputText(file, issues);
    return noSkippedLines();
  }
  const reader = new ExportReader(file, catalog, issues, sink, options.maxLines ?? Number.POSITIVE_INFINITY, options.range ?? PLAUSIBLE_INSTANTS);
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
  /** Lines the sink may still be given (`maxLines`). */
  private linesLeft: number;

  constructor(
    private readonly file: string,
    private readonly catalog: Catalog,
    private readonly issues: InputIssue[],
    private readonly sink: UsageSink,
    maxLines: number,
    private readonly range: InstantRange,
  ) {
    this.linesLeft = maxLines;
    const ids = jobTypeIds(catalog);
    this.scanner = new UsageByteScanner(catalog.meterEventName, catalog.meterKey, ids, catalog.meter.filter ?? null, range);
    this.jobTypeCodes = new Map(ids.map((id, index) => [id, index + 1]));
  }

  read(descriptor: number, chunkBytes: number): void {
    let buffer = Buffer.allocUnsafe(chunkBytes);
    let filled = 0;
    while (this.linesLeft > 0) {
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
    while (start < limit && this.linesLeft > 0) {
      const kind = scanner.scan(chunk, start, limit);
      if (kind === EVENT) {
        this.line += 1;
        this.linesLeft -= 1;
        sink.event(chunk, scanner.idStart, scanner.idEnd, scanner.customerStart, scanner.customerEnd, scanner.at, scanner.gpuMs, scanner.jobType);
        start = scanner.next;
      } else if (kind !== UNRECOGNISED) {
        this.line += 1;
        this.linesLeft -= 1;
        // The id first: a line whose id was taken is a duplicate, whatever its name or metadata.
        if (!sink.skippedLine(chunk, scanner.idStart, scanner.idEnd)) this.skipped.duplicate += 1;
        else if (kind === FILTERED) this.skipped.meter_filter += 1;
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
    const read = eventFromText(raw, this.catalog, this.file, this.line, last, this.issues, this.range);
    if (read === null) return; // not an event: it takes no id
    this.linesLeft -= 1;
    if ('skipped' in read) {
      if (!this.sink.skippedLine(this.scratch, 0, this.encode(read.eventId, ''))) this.skipped.duplicate += 1;
      else if (read.skipped === 'meter_filter') this.skipped.meter_filter += 1;
      else noteOtherEventName(this.skipped, this.line, read.eventName, this.catalog.meterEventName);
      return;
    }
    const idLength = this.encode(read.eventId, read.customerId);
    const customerLength = encodeKey(read.customerId, this.scratch.subarray(idLength)).length;
    const jobType = read.jobType === null ? 0 : this.jobTypeCodes.get(read.jobType)!;
    this.sink.event(this.scratch, 0, idLength, idLength, idLength + customerLength, read.at, read.gpuMs, jobType);
  }

  /**
   * Encodes `eventId` as a key at the start of the scratch buffer, with room after it for
   * `customerId`'s key; returns the id key's length.
   */
  private encode(eventId: string, customerId: string): number {
    // Room for both keys at their longest (two bytes per UTF-16 unit, plus a marker each).
    const longest = 2 * (eventId.length + customerId.length + 1);
    if (this.scratch.length < longest) this.scratch = Buffer.alloc(longest * 2);
    return encodeKey(eventId, this.scratch).length;
  }
}

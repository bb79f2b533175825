/**
 * `rateFiles`: the inputs of `engine rate` read, validated and re-rated, fast enough for exports
 * of millions of events (bench/engine-bench.ts measures it).
 *
 * - The export is read as bytes (usage-export-reader.ts); repeated event_ids are dropped over
 *   every valid line, those the meter does not count included, as Dodo does (EventIdSet: the
 *   first in input order counts); events travel in batches (event-batch.ts) to
 *   one BatchRater, which drives the engine by account handle.
 * - A large export is read on another thread while this one rates (read-worker.ts): reading and
 *   rating each take a core. A small one is read here, batch after batch.
 * - A time-ordered export is rated as it is read. When an event comes earlier than one already
 *   passed on, the export is read again, its events sorted by instant (input order on ties) and
 *   rated from the start, as `rerate` does.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Catalog } from '../../engine/index.ts';
import { type RerateChange, type RerateOptions, type ReratePurchase, type RerateResult, type RerateSubscription, RerateTooLarge } from '../rerate.ts';
import { loadCatalog } from '../../scenarios/catalog-schema.ts';
import { InputError, type InputIssue } from '../../scenarios/errors.ts';
import { BatchRater } from './batch-rater.ts';
import { ByteKeyTable, decodeKey } from './byte-key-table.ts';
import { EventBatchBuilder } from './event-batch.ts';
import { BATCH_EVENTS, type BatchTarget, EventStream } from './event-stream.ts';
import { readChanges, readPurchases, subscriptionsOfText } from '../inputs.ts';
import { type RateFiles, type RateOptions, refusingTooLarge } from '../reference.ts';
import { readInputText } from '../../scenarios/input-file.ts';
import { cleanSubscriptions } from './clean-subscriptions.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from '../instants.ts';
import { ReaderThread } from './reader-thread.ts';
import { type SkippedLines, readUsageExport, type UsageSink } from './usage-export-reader.ts';

export type { RateFiles };

export interface FastRateOptions extends RateOptions {
  /** Read the export on another thread while this one rates. Default: see `defaultReaderThread`. */
  readonly readerThread?: boolean;
  /** Told the number of events read and rated so far, after each batch (progress on a terminal). */
  readonly onEvents?: (events: number) => void;
}

/** Exports from this size (~100k events) are read on another thread (when there is a core for it). */
const READER_THREAD_FROM_BYTES = 16 << 20;

/**
 * About how many events an export holds (a canonical line is 150-200 bytes), to size the
 * event-id table once, should ids come out of order: growing it copies tens of MB.
 */
function expectedEvents(eventsFile: string): number {
  try {
    return Math.max(1024, Math.min(1 << 26, Math.ceil(statSync(eventsFile).size / 128)));
  } catch {
    return 1024;
  }
}

/** A reader thread for a large export on a machine with 2+ cores. */
export function defaultReaderThread(eventsFile: string): boolean {
  let bytes = 0;
  try {
    bytes = statSync(eventsFile).size;
  } catch {
    return false; // the reader reports it
  }
  return bytes >= READER_THREAD_FROM_BYTES && availableParallelism() >= 2;
}

interface RateInputs {
  readonly catalog: Catalog;
  readonly range: InstantRange;
  readonly subscriptions: readonly RerateSubscription[];
  readonly purchases: readonly ReratePurchase[];
  readonly options: RerateOptions;
  /** The customers of the subscriptions and purchases, each once. */
  readonly customerIds: readonly string[];
}

/** How reading the export went: the problems, and whether its events came in time order. */
interface ExportRead {
  readonly issues: readonly InputIssue[];
  readonly ordered: boolean;
  /** Events the meter counts dropped as repeats (the skipped lines' repeats are in `skipped`). */
  readonly duplicates: number;
  readonly skipped: SkippedLines;
}

/** Reads and validates the inputs (every problem raised at once as an InputError) and re-rates them. */
export function rateFiles(files: RateFiles, options: FastRateOptions = {}): RerateResult {
  return refusingTooLarge(files.events, () => rateFilesUnbounded(files, options));
}

function rateFilesUnbounded(files: RateFiles, options: FastRateOptions): RerateResult {
  // The reader thread loads while this one reads the catalog, and reads the export while this one
  // reads the other inputs.
  const reader = (options.readerThread ?? defaultReaderThread(files.events)) ? new ReaderThread(files.events, expectedEvents(files.events)) : null;
  try {
    const { spec, catalog } = loadCatalog(files.catalog);
    const range = options.instants ?? PLAUSIBLE_INSTANTS;
    reader?.start(spec, range);
    const issues: InputIssue[] = [];
    const subscriptionsText = readInputText(files.subscriptions, issues);
    const subscriptions =
      subscriptionsText === null
        ? []
        : (cleanSubscriptions(subscriptionsText, catalog, range) ?? subscriptionsOfText(files.subscriptions, subscriptionsText, catalog, issues, range));
    const purchases = files.purchases === null ? [] : readPurchases(files.purchases, catalog, issues, range);
    const changes: RerateChange[] = files.changes ? readChanges(files.changes, catalog, issues, range) : [];
    const customerIds = [...new Set([...subscriptions, ...purchases].map((input) => input.customerId))];
    const rerateOptions: RerateOptions = { asMetered: options.asMetered ?? false, changes, endAt: options.endAt ?? null, allowLarge: options.allowLarge ?? false };
    const inputs: RateInputs = { catalog, range, subscriptions, purchases, options: rerateOptions, customerIds };
    const rater = withProgress(new BatchRater(catalog, subscriptions, purchases, customerIds, rerateOptions), options.onEvents);
    let read: ExportRead;
    try {
      read = reader === null ? readHere(files.events, catalog, range, rater) : readOnThread(reader, rater);
    } catch (error) {
      // Rated too far while reading: bad input anywhere comes first, as the plain path reads it all first.
      if (!(error instanceof RerateTooLarge)) throw error;
      readUsageExport(files.events, catalog, issues, { event() {}, skippedLine: () => true }, { range });
      if (issues.length > 0) throw new InputError(issues);
      throw error;
    }
    issues.push(...read.issues);
    if (issues.length > 0) throw new InputError(issues);
    return read.ordered ? rater.finish({ ...read.skipped, duplicate: read.skipped.duplicate + read.duplicates }) : rateSorted(files.events, inputs);
  } finally {
    reader?.close();
  }
}

/** The rater, telling `onEvents` the running count of events after each batch it rates. */
function withProgress(rater: BatchRater, onEvents: ((events: number) => void) | undefined): BatchRater {
  if (onEvents === undefined) return rater;
  let events = 0;
  const add = rater.add.bind(rater);
  rater.add = (batch) => {
    add(batch);
    events += batch.count;
    onEvents(events);
  };
  return rater;
}

/** A target handing each batch to the rater at once, so that one buffer does for all. */
function rateAtOnce(rater: BatchRater): BatchTarget {
  let buffer = new ArrayBuffer(0);
  return {
    lend(minimumBytes: number): ArrayBuffer {
      if (buffer.byteLength < minimumBytes) buffer = new ArrayBuffer(minimumBytes);
      return buffer;
    },
    add: (batch) => rater.add(batch),
  };
}

/** Reads the export in this thread, rating each batch as it is filled. */
function readHere(eventsFile: string, catalog: Catalog, range: InstantRange, rater: BatchRater): ExportRead {
  const issues: InputIssue[] = [];
  const stream = new EventStream(rateAtOnce(rater), eventsFile, catalog, expectedEvents(eventsFile), range);
  const skipped = readUsageExport(eventsFile, catalog, issues, stream, { range });
  stream.flush();
  return { issues, ordered: stream.ordered, duplicates: stream.duplicates, skipped };
}

/** Rates the batches the reader thread sends, as they come. */
function readOnThread(reader: ReaderThread, rater: BatchRater): ExportRead {
  for (;;) {
    const next = reader.next();
    if ('kind' in next) return next;
    rater.add(next);
    reader.release();
  }
}

/**
 * Every unique event of an export, in input order, as columns (the sorted re-rating's input).
 * The lines the meter does not count take their ids in the same table, in input order.
 */
class EventCollector implements UsageSink {
  /** Every id taken; event k's id is key idKeys[k]. */
  readonly eventIds: ByteKeyTable;
  readonly idKeys: number[] = [];
  /** The customers of the events, by key bytes, numbered in the order first met (an event keeps its customer's number). */
  readonly customerKeys = new ByteKeyTable(1 << 16);
  readonly customers: number[] = [];
  readonly at: number[] = [];
  readonly gpuMs: number[] = [];
  readonly jobTypes: number[] = [];
  duplicates = 0;

  constructor(expectedEvents: number) {
    this.eventIds = new ByteKeyTable(expectedEvents);
  }

  event(bytes: Buffer, idStart: number, idEnd: number, customerStart: number, customerEnd: number, at: number, gpuMs: number, jobType: number): void {
    const idKey = this.eventIds.add(bytes, idStart, idEnd);
    if (idKey < 0) {
      this.duplicates += 1;
      return;
    }
    this.idKeys.push(idKey);
    const customer = this.customerKeys.add(bytes, customerStart, customerEnd);
    this.customers.push(customer >= 0 ? customer : -1 - customer);
    this.at.push(at);
    this.gpuMs.push(gpuMs);
    this.jobTypes.push(jobType);
  }

  skippedLine(bytes: Buffer, idStart: number, idEnd: number): boolean {
    return this.eventIds.add(bytes, idStart, idEnd) >= 0;
  }

  /** Indexes of the events by instant, input order on ties (the sort is stable). */
  timeOrder(): number[] {
    const at = this.at;
    return Array.from({ length: at.length }, (_, index) => index).sort((a, b) => at[a]! - at[b]!);
  }
}

/** Re-reads an export that is not in time order and rates its events sorted, as `rerate` does. */
function rateSorted(eventsFile: string, inputs: RateInputs): RerateResult {
  const events = new EventCollector(expectedEvents(eventsFile));
  const skipped = readUsageExport(eventsFile, inputs.catalog, [], events, { range: inputs.range }); // read without problems the first time
  const rater = new BatchRater(inputs.catalog, inputs.subscriptions, inputs.purchases, inputs.customerIds, inputs.options);
  const target = rateAtOnce(rater);
  const batch = new EventBatchBuilder(BATCH_EVENTS, (bytes) => target.lend(bytes));
  const { eventIds: ids, idKeys, customerKeys } = events;
  // The collector numbered the customers as the batches do: the first batch names them all.
  const keys = Buffer.from(customerKeys.bytes.buffer, customerKeys.bytes.byteOffset, customerKeys.bytes.byteLength);
  for (let customer = 0; customer < customerKeys.size; customer += 1) {
    batch.nameCustomer(decodeKey(keys, customerKeys.keyStart(customer), customerKeys.keyEnd(customer)));
  }
  for (const index of events.timeOrder()) {
    const idKey = idKeys[index]!;
    batch.push(events.at[index]!, events.gpuMs[index]!, events.jobTypes[index]!, ids.bytes, ids.keyStart(idKey), ids.keyEnd(idKey), events.customers[index]!);
    if (batch.full) target.add(batch.take());
  }
  target.add(batch.take());
  return rater.finish({ ...skipped, duplicate: skipped.duplicate + events.duplicates });
}

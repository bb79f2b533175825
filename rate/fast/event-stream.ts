/**
 * A time-ordered export's events on their way to the rater: in input order, the first of each
 * event_id only (EventIdSet, over every valid line: the lines the meter does not count take their
 * ids too, as Dodo ingests them), in batches, each customer numbered in the order the stream first
 * meets it (event-batch.ts; customers are looked up a group at a time, see PendingKeys). The
 * first event earlier than one already passed on stops the stream (`ordered` false): the caller
 * then re-rates the export sorted. Used by the thread that reads the export, whichever it is
 * (rate-run.ts, read-worker.ts).
 */
import type { Catalog } from '../../engine/index.ts';
import { ByteKeyTable, decodeKey, HASH_START, hashByte as hashByteExport, hashFinish as hashFinishExport } from './byte-key-table.ts';
import { type EventBatch, EventBatchBuilder } from './event-batch.ts';
import { EventIdSet } from './event-id-set.ts';
import { readUsageExport, type UsageSink } from './usage-export-reader.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from '../instants.ts';

/** Events per batch. */
export const BATCH_EVENTS = 4096;
// Module-local copies: in the reader thread this module is compiled to CommonJS, where every use
// of an imported binding is a property read (measured: half a second over 2M events).
const HASH_SEED = HASH_START;
const hashByte = hashByteExport;
const hashFinish = hashFinishExport;

/** Customer keys looked up together (see PendingKeys). */
const CUSTOMER_GROUP = 64;

/** Where a stream's batches go: a buffer to fill (`lend`), then the filled batch (`add`). */
export interface BatchTarget {
  lend(minimumBytes: number): ArrayBuffer | SharedArrayBuffer;
  add(batch: EventBatch): void;
}

export class EventStream implements UsageSink {
  /** False from the first event earlier than one passed on: nothing is passed on after it. */
  ordered = true;
  /** Events dropped as repeats of an earlier event_id. */
  duplicates = 0;
  /** The instant of the last event passed on (-Infinity: none). */
  lastAt = Number.NEGATIVE_INFINITY;
  private readonly eventIds: EventIdSet;
  /** The customers met so far, by the key bytes of their ids: customer k. */
  private readonly customers = new ByteKeyTable(1 << 16);
  private readonly batch: EventBatchBuilder;
  private readonly pending = new PendingKeys();

  /** `expectedEvents` sizes the event id table, should ids come out of order. */
  constructor(
    private readonly target: BatchTarget,
    eventsFile: string,
    catalog: Catalog,
    expectedEvents: number,
    range: InstantRange = PLAUSIBLE_INSTANTS,
  ) {
    // Ids out of ascending order: the ids before come from reading the export again up to there
    // (every line given to the set so far took a new id, skipped lines included).
    const history = (count: number, table: ByteKeyTable) => {
      const sink: UsageSink = {
        event: (bytes, idStart, idEnd) => void table.add(bytes, idStart, idEnd),
        skippedLine: (bytes, idStart, idEnd) => table.add(bytes, idStart, idEnd) >= 0,
      };
      readUsageExport(eventsFile, catalog, [], sink, { maxLines: count, range });
    };
    this.eventIds = new EventIdSet(history, expectedEvents);
    this.batch = new EventBatchBuilder(BATCH_EVENTS, (bytes) => target.lend(bytes));
  }

  event(bytes: Buffer, idStart: number, idEnd: number, customerStart: number, customerEnd: number, at: number, gpuMs: number, jobType: number): void {
    if (!this.ordered) return;
    if (at < this.lastAt) {
      this.ordered = false;
      return;
    }
    if (!this.eventIds.add(bytes, idStart, idEnd)) {
      this.duplicates += 1;
      return;
    }
    this.lastAt = at;
    const batch = this.batch;
    batch.push(at, gpuMs, jobType, bytes, idStart, idEnd, UNKNOWN_CUSTOMER);
    this.pending.add(bytes, customerStart, customerEnd);
    if (this.pending.full || batch.full) this.numberCustomers();
    if (batch.full) this.target.add(batch.take());
  }

  /**
   * A line the meter does not count takes its id (false: taken already). Once the export is out
   * of time order nothing is kept: it is read again and rated sorted.
   */
  skippedLine(bytes: Buffer, idStart: number, idEnd: number): boolean {
    return !this.ordered || this.eventIds.add(bytes, idStart, idEnd);
  }

  /** Hands over the batch still being filled (at the end of the export). */
  flush(): void {
    this.numberCustomers();
    if (this.batch.count > 0) this.target.add(this.batch.take());
  }

  /** Numbers the customers of the last `pending.count` events of the batch, naming the new ones. */
  private numberCustomers(): void {
    const pending = this.pending;
    const count = pending.count;
    if (count === 0) return;
    const numbers = pending.numbers;
    this.customers.addMany(pending.keys, pending.ends, pending.hashes, count, numbers);
    const batch = this.batch;
    const first = batch.count - count;
    let start = 0;
    for (let key = 0; key < count; key += 1) {
      const number = numbers[key]!;
      if (number >= 0) batch.nameCustomer(decodeKey(pending.keys, start, pending.ends[key]!));
      batch.setCustomer(first + key, number >= 0 ? number : -1 - number);
      start = pending.ends[key]!;
    }
    pending.clear();
  }
}

/** A batch's customer column before the customer is numbered. */
const UNKNOWN_CUSTOMER = -1;

/**
 * Customer keys waiting to be looked up together (`ByteKeyTable.addMany`): with 100k customers or
 * more, each lookup misses the cache; done a group at a time, the misses overlap.
 */
class PendingKeys {
  /** The keys' bytes, one after another: key k ends at ends[k]. */
  keys = Buffer.alloc(CUSTOMER_GROUP * 32);
  readonly ends = new Int32Array(CUSTOMER_GROUP);
  readonly hashes = new Int32Array(CUSTOMER_GROUP);
  readonly numbers = new Int32Array(CUSTOMER_GROUP);
  count = 0;
  private used = 0;

  get full(): boolean {
    return this.count === CUSTOMER_GROUP;
  }

  /** Copies the key bytes[start, end) (valid only during the sink's call) and hashes it. */
  add(bytes: Uint8Array, start: number, end: number): void {
    let used = this.used;
    if (used + end - start > this.keys.length) {
      const grown = Buffer.alloc(2 * (used + end - start));
      this.keys.copy(grown, 0, 0, used);
      this.keys = grown;
    }
    const keys = this.keys;
    let hash = HASH_SEED;
    for (let index = start; index < end; index += 1) {
      const byte = bytes[index]!;
      keys[used++] = byte;
      hash = hashByte(hash, byte);
    }
    this.hashes[this.count] = hashFinish(hash);
    this.ends[this.count] = used;
    this.used = used;
    this.count += 1;
  }

  clear(): void {
    this.count = 0;
    this.used = 0;
  }
}

/**
 * A time-ordered export's events on their way to the rater: in input order, the first of each
 * event_id only (EventIdSet), in batches, each customer numbered in the order the stream first
 * meets it (event-batch.ts). The first event earlier than one already passed on stops the stream
 * (`ordered` false): the caller then re-rates the export sorted. Used by the thread that reads the
 * export, whichever it is (rate-run.ts, read-worker.ts).
 */
import type { Catalog } from '../engine/index.ts';
import { ByteKeyTable, decodeKey } from './byte-key-table.ts';
import { type EventBatch, EventBatchBuilder } from './event-batch.ts';
import { EventIdSet } from './event-id-set.ts';
import { readUsageExport, type UsageSink } from './usage-export-reader.ts';

/** Events per batch. */
export const BATCH_EVENTS = 4096;

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

  /** `expectedEvents` sizes the event id table, should ids come out of order. */
  constructor(
    private readonly target: BatchTarget,
    eventsFile: string,
    catalog: Catalog,
    expectedEvents: number,
  ) {
    // Ids out of ascending order: the ids before come from reading the export again up to there.
    const history = (count: number, table: ByteKeyTable) => {
      const sink: UsageSink = { event: (bytes, idStart, idEnd) => void table.add(bytes, idStart, idEnd) };
      readUsageExport(eventsFile, catalog, [], sink, { maxEvents: count });
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
    let customer = this.customers.add(bytes, customerStart, customerEnd);
    if (customer >= 0) batch.nameCustomer(decodeKey(bytes, customerStart, customerEnd));
    else customer = -1 - customer;
    batch.push(at, gpuMs, jobType, bytes, idStart, idEnd, customer);
    if (batch.full) this.target.add(batch.take());
  }

  /** Hands over the batch still being filled (at the end of the export). */
  flush(): void {
    if (this.batch.count > 0) this.target.add(this.batch.take());
  }
}

/**
 * A Rerater fed event batches (event-batch.ts) in time order, the way `engine rate` drives the
 * engine: each event's customer is found by the bytes of its id (32 lookups at a time, so that
 * their cache misses overlap), the engine is driven by account handle, the accounts of the next
 * events are warmed ahead (`warmAccounts`), and events are handed over as values.
 *
 * At the end the invoices are ordered by (customer id, period start), as `Rerater.finish` orders
 * them, by a counting sort on the customers' ranks (invoice-order.ts): linear, where sorting
 * 300k invoices by comparing id strings takes about 0.4 s.
 */
import { type Catalog, type JobRequest, type ReratePurchase, type RerateResult, type RerateSubscription, Rerater } from '../engine/index.ts';
import { ByteKeyTable, NOT_ASCII_KEY, decodeKey, encodeKey } from './byte-key-table.ts';
import { type EventBatch, batchColumns } from './event-batch.ts';
import { customerRanks, orderInvoices } from './invoice-order.ts';

/** Events whose accounts are warmed at a time, that many events ahead (see `Rerater.warm`). */
const WARM_AHEAD = 16;
/** Customers looked up together (their table reads overlap; few enough to stay in cache). */
const LOOKUP_GROUP = 32;

export class BatchRater {
  private readonly rerater: Rerater;
  /** The customers, by the key bytes of their ids: customer k. */
  private readonly customerKeys: ByteKeyTable;
  /** By customer: the id, and the account handle (-1 until the customer's first event). */
  private readonly customerIds: string[] = [];
  private handles = new Int32Array(1024);
  private batchHandles = new Int32Array(0);
  /** The customers known up front (the only ones with invoices), by id: their number, and rank in id order. */
  private readonly numbers = new Map<string, number>();
  private readonly ranks: Int32Array;
  /** Requests by job type code (0: the catalog's default, k + 1: job type k). */
  private readonly requests: JobRequest[];
  private scratch: Uint8Array = new Uint8Array(256);

  /**
   * `customerIds`: the customers of the subscriptions and purchases, each once. Customers first
   * seen in events have no subscription, hence no plan and no invoice.
   */
  constructor(catalog: Catalog, subscriptions: readonly RerateSubscription[], purchases: readonly ReratePurchase[], customerIds: readonly string[]) {
    this.rerater = new Rerater(catalog, subscriptions, purchases);
    this.requests = [this.rerater.request(null), ...[...catalog.jobTypes.keys()].map((id) => this.rerater.request(id))];
    this.customerKeys = new ByteKeyTable(Math.max(1024, customerIds.length * 2));
    for (const customerId of customerIds) {
      const { bytes, length } = encodeKey(customerId, this.scratch);
      this.scratch = bytes;
      this.numbers.set(customerId, this.addCustomer(bytes, 0, length, customerId));
    }
    this.ranks = customerRanks(customerIds);
  }

  add(batch: EventBatch): void {
    const count = batch.count;
    if (count === 0) return;
    const { at, gpuMs, jobTypes, idEnds, customerEnds, keyBytes } = batchColumns(batch.buffer, batch.capacity);
    const keys = Buffer.from(keyBytes.buffer, keyBytes.byteOffset, customerEnds[count - 1]!);
    const handles = this.handlesOf(keys, idEnds, customerEnds, count);
    // One string for the batch's keys, cut per event id: a slice costs less than a decode per id.
    const keyText = keys.toString('latin1');
    const rerater = this.rerater;
    const notAscii = NOT_ASCII_KEY; // a local: an imported binding is a property read per use
    rerater.warm(handles, 0, WARM_AHEAD);
    let idStart = 0;
    for (let index = 0; index < count; index += 1) {
      // Every WARM_AHEAD events, the accounts of the WARM_AHEAD after the next ones: their
      // cache misses overlap, instead of each event waiting for its own.
      if (index % WARM_AHEAD === 0) rerater.warm(handles, index + WARM_AHEAD, index + 2 * WARM_AHEAD);
      const idEnd = idEnds[index]!;
      const eventId = keys[idStart] === notAscii ? decodeKey(keys, idStart, idEnd) : keyText.slice(idStart, idEnd);
      rerater.addResolved(handles[index]!, eventId, at[index]!, gpuMs[index]!, this.requests[jobTypes[index]!]!);
      idStart = customerEnds[index]!;
    }
  }

  /** Closes the re-rating: the result, invoices ordered by customer id, then period start. */
  finish(duplicateEvents: number): RerateResult {
    const { invoices, refusedPurchases } = this.rerater.finishInClosingOrder();
    const numbers = new Int32Array(invoices.length);
    invoices.forEach((invoice, index) => {
      const number = this.numbers.get(invoice.customerId);
      if (number === undefined) throw new Error(`engine rate: an invoice for ${invoice.customerId}, who has no subscription`);
      numbers[index] = number;
    });
    return { invoices: orderInvoices(invoices, numbers, this.ranks), duplicateEvents, refusedPurchases };
  }

  /** The account handles of the batch's events (into a reused array). */
  private handlesOf(keys: Buffer, idEnds: Int32Array, customerEnds: Int32Array, count: number): Int32Array {
    if (this.batchHandles.length < count) this.batchHandles = new Int32Array(count);
    const handles = this.batchHandles;
    // The customers' keys follow the event ids: keys[idEnds[i], customerEnds[i]).
    for (let from = 0; from < count; from += LOOKUP_GROUP) this.customerKeys.findMany(keys, idEnds, customerEnds, from, Math.min(count, from + LOOKUP_GROUP), handles);
    for (let index = 0; index < count; index += 1) {
      let customer = handles[index]!;
      if (customer < 0) customer = this.addCustomer(keys, idEnds[index]!, customerEnds[index]!, decodeKey(keys, idEnds[index]!, customerEnds[index]!));
      const handle = this.handles[customer]!;
      handles[index] = handle >= 0 ? handle : this.handle(customer);
    }
    return handles;
  }

  /** Adds a customer (by the key bytes of its id), if new; returns its number. */
  private addCustomer(bytes: Uint8Array, start: number, end: number, customerId: string): number {
    const customer = this.customerKeys.add(bytes, start, end);
    if (customer < 0) return -1 - customer;
    if (customer >= this.handles.length) {
      const handles = new Int32Array(this.handles.length * 2);
      handles.set(this.handles);
      this.handles = handles;
    }
    this.customerIds.push(customerId);
    this.handles[customer] = -1;
    return customer;
  }

  /** The handle of customer `customer`'s account (made now: the customer's first event). */
  private handle(customer: number): number {
    const handle = this.rerater.handle(this.customerIds[customer]!);
    this.handles[customer] = handle;
    return handle;
  }
}

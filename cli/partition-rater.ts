/**
 * One partition of a re-rating: a Rerater over a share of the customers (their subscriptions,
 * purchases and usage events), fed event batches in time order. Customers do not affect each
 * other's accounts, so rating them in several partitions (in worker threads, rate-threads.ts) and
 * ordering the invoices by (customer id, period start) gives exactly the single Rerater's result
 * (invoice-order.ts). Invoices can be taken as they close, so that a worker sends most of them
 * while it rates, not all at the end.
 *
 * Runs in-process or inside a worker (rate-worker.ts), with the same code either way.
 */
import { type Catalog, type Invoice, type JobRequest, type ReratePurchase, type RerateRefusal, type RerateSubscription, Rerater } from '../engine/index.ts';
import { ByteKeyTable, NOT_ASCII_KEY, decodeKey, encodeKey } from './byte-key-table.ts';
import { type EventBatch, batchColumns } from './event-batch.ts';

/** Events whose accounts are warmed at a time, that many events ahead (see `Rerater.warm`). */
const WARM_AHEAD = 16;
/** Customers looked up together (their table reads overlap; few enough to stay in cache). */
const LOOKUP_GROUP = 32;

export interface PartitionSetup {
  readonly subscriptions: readonly RerateSubscription[];
  readonly purchases: readonly ReratePurchase[];
  /**
   * The partition's customers known up front (those with subscriptions or purchases): their ids
   * and the numbers its invoices name them by. Customers first seen in events have no invoices
   * (no subscription, no plan), and no number.
   */
  readonly customerNumbers: readonly number[];
  readonly customerIds: readonly string[];
}

/**
 * A setup as it travels to a worker: subscriptions as columns (structured cloning of 50k objects
 * takes a few hundred ms the worker would spend waiting), the rest as it is.
 */
export interface EncodedSetup {
  readonly customerNumbers: Int32Array;
  readonly customerIds: readonly string[];
  /** Per subscription: its customer's index in `customerIds`, plan (catalog order), interval, start. */
  readonly subscriptionCustomers: Int32Array;
  readonly subscriptionPlans: Uint16Array;
  readonly subscriptionAnnual: Uint8Array;
  readonly subscriptionStarts: Float64Array;
  readonly purchases: readonly ReratePurchase[];
}

export function encodeSetup(setup: PartitionSetup, catalog: Catalog): EncodedSetup {
  const index = new Map(setup.customerIds.map((customerId, position) => [customerId, position]));
  const { subscriptions } = setup;
  const plans = new Map(catalog.planList.map((plan, position) => [plan.id, position]));
  return {
    customerNumbers: Int32Array.from(setup.customerNumbers),
    customerIds: setup.customerIds,
    subscriptionCustomers: Int32Array.from(subscriptions, (subscription) => index.get(subscription.customerId)!),
    subscriptionPlans: Uint16Array.from(subscriptions, (subscription) => plans.get(subscription.planId)!),
    subscriptionAnnual: Uint8Array.from(subscriptions, (subscription) => (subscription.interval === 'year' ? 1 : 0)),
    subscriptionStarts: Float64Array.from(subscriptions, (subscription) => subscription.startedAt),
    purchases: setup.purchases,
  };
}

export function decodeSetup(encoded: EncodedSetup, catalog: Catalog): PartitionSetup {
  const { customerIds } = encoded;
  const subscriptions: RerateSubscription[] = [];
  for (let index = 0; index < encoded.subscriptionCustomers.length; index += 1) {
    subscriptions.push({
      customerId: customerIds[encoded.subscriptionCustomers[index]!]!,
      planId: catalog.planList[encoded.subscriptionPlans[index]!]!.id,
      interval: encoded.subscriptionAnnual[index] === 1 ? 'year' : 'month',
      startedAt: encoded.subscriptionStarts[index]!,
    });
  }
  return { subscriptions, purchases: encoded.purchases, customerNumbers: [...encoded.customerNumbers], customerIds };
}

/** Invoices of a partition with their customers' numbers. */
export interface InvoiceChunk {
  readonly invoices: readonly Invoice[];
  readonly customerNumbers: Int32Array;
}

export interface PartitionResult {
  /**
   * Every invoice, in closing order (a customer's in period order), the open periods last: the
   * chunks taken while rating (`takeInvoices`), then the rest. Ordered by `orderInvoices`.
   */
  readonly chunks: readonly InvoiceChunk[];
  /** In the order the purchases were replayed. */
  readonly refusedPurchases: readonly RerateRefusal[];
}

export class PartitionRater {
  private readonly rerater: Rerater;
  /** This partition's customers, by the key bytes of their ids: local index k. */
  private readonly customerKeys: ByteKeyTable;
  /**
   * By local index: the id, the number the main thread knows the customer by (-1: none), and
   * the account handle (-1 until the customer's first event).
   */
  private readonly customerIds: string[] = [];
  private customerNumbers = new Int32Array(1024);
  private handles = new Int32Array(1024);
  private batchHandles = new Int32Array(0);
  /** Customer ids to numbers (for sending invoices back by customer number). */
  private readonly numbers = new Map<string, number>();
  /** Requests by job type code (0: the catalog's default, k + 1: job type k). */
  private readonly requests: JobRequest[];
  private scratch: Uint8Array = new Uint8Array(256);

  constructor(catalog: Catalog, setup: PartitionSetup) {
    this.rerater = new Rerater(catalog, setup.subscriptions, setup.purchases);
    this.requests = [this.rerater.request(null), ...[...catalog.jobTypes.keys()].map((id) => this.rerater.request(id))];
    this.customerKeys = new ByteKeyTable(Math.max(1024, setup.customerIds.length * 2));
    setup.customerIds.forEach((customerId, index) => {
      const { bytes, length } = encodeKey(customerId, this.scratch);
      this.scratch = bytes;
      this.addCustomer(bytes, 0, length, customerId, setup.customerNumbers[index]!);
      this.numbers.set(customerId, setup.customerNumbers[index]!);
    });
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

  /** The account handles of the batch's events (into a reused array). */
  private handlesOf(keys: Buffer, idEnds: Int32Array, customerEnds: Int32Array, count: number): Int32Array {
    if (this.batchHandles.length < count) this.batchHandles = new Int32Array(count);
    const handles = this.batchHandles;
    // The customers' keys follow the event ids: keys[idEnds[i], customerEnds[i]).
    for (let from = 0; from < count; from += LOOKUP_GROUP) this.customerKeys.findMany(keys, idEnds, customerEnds, from, Math.min(count, from + LOOKUP_GROUP), handles);
    for (let index = 0; index < count; index += 1) {
      let local = handles[index]!;
      if (local < 0) local = this.addCustomer(keys, idEnds[index]!, customerEnds[index]!, decodeKey(keys, idEnds[index]!, customerEnds[index]!), -1);
      const handle = this.handles[local]!;
      handles[index] = handle >= 0 ? handle : this.handle(local);
    }
    return handles;
  }

  /** The invoices closed so far when there are at least `minimum` of them (see PartitionResult). */
  takeInvoices(minimum: number): InvoiceChunk | null {
    if (this.rerater.closedCount < minimum) return null;
    return this.chunk(this.rerater.takeClosed());
  }

  /**
   * Closes the partition at `endAt`, the last instant of the whole export (-Infinity when it had
   * no events): other partitions' events move the clock of a single Rerater too, and the clock
   * decides which periods are still open at the end.
   */
  finish(endAt: number): PartitionResult {
    if (endAt > Number.NEGATIVE_INFINITY) this.rerater.advanceTo(endAt);
    const { invoices, refusedPurchases } = this.rerater.finishInClosingOrder();
    return { chunks: [this.chunk(invoices)], refusedPurchases };
  }

  private chunk(invoices: readonly Invoice[]): InvoiceChunk {
    const customerNumbers = new Int32Array(invoices.length);
    invoices.forEach((invoice, index) => (customerNumbers[index] = this.customerNumber(invoice.customerId)));
    return { invoices, customerNumbers };
  }

  private customerNumber(customerId: string): number {
    const number = this.numbers.get(customerId);
    if (number === undefined) throw new Error(`rate partition: ${customerId} is not one of its customers`);
    return number;
  }

  /** Adds a customer (by the key bytes of its id) to this partition's; returns its local index. */
  private addCustomer(bytes: Uint8Array, start: number, end: number, customerId: string, number: number): number {
    const local = this.customerKeys.add(bytes, start, end);
    if (local < 0) return -1 - local;
    if (local >= this.handles.length) {
      const handles = new Int32Array(this.handles.length * 2);
      handles.set(this.handles);
      this.handles = handles;
      const numbers = new Int32Array(this.customerNumbers.length * 2);
      numbers.set(this.customerNumbers);
      this.customerNumbers = numbers;
    }
    this.customerIds.push(customerId);
    this.customerNumbers[local] = number;
    this.handles[local] = -1;
    return local;
  }

  /** The handle of customer `local`'s account (made now: the customer's first event). */
  private handle(local: number): number {
    const handle = this.rerater.handle(this.customerIds[local]!);
    this.handles[local] = handle;
    return handle;
  }
}

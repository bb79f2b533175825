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
import { NOT_ASCII_KEY, decodeKey } from './byte-key-table.ts';
import { type EventBatch, batchColumns } from './event-batch.ts';

/** Events whose accounts are warmed at a time, that many events ahead (see `Rerater.warm`). */
const WARM_AHEAD = 16;

export interface PartitionSetup {
  readonly subscriptions: readonly RerateSubscription[];
  readonly purchases: readonly ReratePurchase[];
  /** Customers named up front (the rest are named by the batches): numbers and ids. */
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
  /** Customer ids by customer number (null between this partition's customers: a dense array). */
  private readonly customerIds: (string | null)[] = [];
  /** Account handles by customer number, -1 until the customer's first event. */
  private handles = new Int32Array(0);
  private batchHandles = new Int32Array(0);
  /** Customer ids to numbers (for sending invoices back by customer number). */
  private readonly numbers = new Map<string, number>();
  /** Requests by job type code (0: the catalog's default, k + 1: job type k). */
  private readonly requests: JobRequest[];

  constructor(catalog: Catalog, setup: PartitionSetup) {
    this.rerater = new Rerater(catalog, setup.subscriptions, setup.purchases);
    this.requests = [this.rerater.request(null), ...[...catalog.jobTypes.keys()].map((id) => this.rerater.request(id))];
    this.name(setup.customerNumbers, setup.customerIds);
  }

  add(batch: EventBatch): void {
    this.name(batch.newCustomerNumbers, batch.newCustomerIds);
    const count = batch.count;
    if (count === 0) return;
    const { customers, at, gpuMs, jobTypes, idEnds, idBytes: idArray } = batchColumns(batch.buffer, batch.capacity);
    const handles = this.handlesOf(customers, count);
    const idBytes = Buffer.from(idArray.buffer, idArray.byteOffset, idEnds[count - 1]!);
    // One string for the batch's ids, cut per event: a slice costs less than a decode per id.
    const idText = idBytes.toString('latin1');
    const rerater = this.rerater;
    const notAscii = NOT_ASCII_KEY; // a local: an imported binding is a property read per use
    rerater.warm(handles, 0, WARM_AHEAD);
    let idStart = 0;
    for (let index = 0; index < count; index += 1) {
      // Every WARM_AHEAD events, the accounts of the WARM_AHEAD after the next ones: their
      // cache misses overlap, instead of each event waiting for its own.
      if (index % WARM_AHEAD === 0) rerater.warm(handles, index + WARM_AHEAD, index + 2 * WARM_AHEAD);
      const idEnd = idEnds[index]!;
      const eventId = idBytes[idStart] === notAscii ? decodeKey(idBytes, idStart, idEnd) : idText.slice(idStart, idEnd);
      rerater.addResolved(handles[index]!, eventId, at[index]!, gpuMs[index]!, this.requests[jobTypes[index]!]!);
      idStart = idEnd;
    }
  }

  /** The account handles of the batch's events (into a reused array). */
  private handlesOf(customers: Int32Array, count: number): Int32Array {
    if (this.batchHandles.length < count) this.batchHandles = new Int32Array(count);
    const handles = this.batchHandles;
    for (let index = 0; index < count; index += 1) {
      const customer = customers[index]!;
      const handle = customer < this.handles.length ? this.handles[customer]! : -1;
      handles[index] = handle >= 0 ? handle : this.handle(customer);
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

  private name(numbers: readonly number[], ids: readonly string[]): void {
    for (let index = 0; index < numbers.length; index += 1) {
      const customer = numbers[index]!;
      while (this.customerIds.length <= customer) this.customerIds.push(null);
      this.customerIds[customer] = ids[index]!;
      this.numbers.set(ids[index]!, customer);
    }
  }

  /** The handle of customer `customer`'s account (made now: the customer's first event). */
  private handle(customer: number): number {
    const customerId = this.customerIds[customer] ?? null;
    if (customerId === null) throw new Error(`rate partition: customer #${customer} was never named`);
    if (this.handles.length <= customer) {
      const grown = new Int32Array(Math.max(customer + 1, this.handles.length * 2)).fill(-1);
      grown.set(this.handles);
      this.handles = grown;
    }
    const handle = this.rerater.handle(customerId);
    this.handles[customer] = handle;
    return handle;
  }
}

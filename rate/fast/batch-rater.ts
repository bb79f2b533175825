/**
 * A Rerater fed event batches (event-batch.ts) in time order, the way `engine rate` drives the
 * engine: each event's customer comes as a number (the reader found it by the bytes of its id),
 * its account handle is an array read, the engine is driven by handle, the accounts of the next
 * events are warmed ahead (`warmAccounts`), and events are handed over as values.
 *
 * At the end the invoices are ordered by (customer id, period start), as `Rerater.finish` orders
 * them, by a counting sort on the customers' ranks (invoice-order.ts): linear, where sorting
 * 300k invoices by comparing id strings takes about 0.4 s.
 */
import { type Catalog, type Invoice, type JobRequest } from '../../engine/index.ts';
import { type EventNameHint, type IgnoredEvents, type RerateOptions, type ReratePurchase, type RerateResult, type RerateSubscription, Rerater, addIgnoredEvents } from '../rerate.ts';
import { NOT_ASCII_KEY, decodeKey } from './byte-key-table.ts';
import { type EventBatch, batchColumns } from './event-batch.ts';
import { customerRanks, orderInvoices } from './invoice-order.ts';

/** Events whose accounts are warmed at a time, that many events ahead (see `Rerater.warm`). */
const WARM_AHEAD = 16;

export class BatchRater {
  private readonly rerater: Rerater;
  /** By customer number (as the batches name them): the id, and the account handle (-1: none yet). */
  private readonly customerIds: string[] = [];
  private handles = new Int32Array(1024).fill(-1);
  private batchHandles = new Int32Array(0);
  /**
   * The customers known up front (the only ones with invoices), by id: their position in the
   * constructor's list (not the batches' numbering), whose rank in id order is `ranks[position]`.
   */
  private readonly positions = new Map<string, number>();
  private readonly ranks: Int32Array;
  /** The position (as in `positions`) of the customer of each invoice closed so far, in closing order. */
  private invoicePositions = new Int32Array(1024);
  private positionsNoted = 0;
  /** Requests by job type code (0: the catalog's default, k + 1: job type k). */
  private readonly requests: JobRequest[];

  /**
   * `customerIds`: the customers of the subscriptions and purchases, each once. Customers first
   * seen in events have no subscription, hence no plan and no invoice.
   */
  constructor(
    catalog: Catalog,
    subscriptions: readonly RerateSubscription[],
    purchases: readonly ReratePurchase[],
    customerIds: readonly string[],
    options: RerateOptions = {},
  ) {
    this.rerater = new Rerater(catalog, subscriptions, purchases, options);
    this.requests = [this.rerater.request(null), ...[...catalog.jobTypes.keys()].map((id) => this.rerater.request(id))];
    customerIds.forEach((customerId, position) => this.positions.set(customerId, position));
    this.ranks = customerRanks(customerIds);
  }

  add(batch: EventBatch): void {
    this.nameCustomers(batch.newCustomerIds);
    const count = batch.count;
    if (count === 0) return;
    const { at, gpuMs, jobTypes, idEnds, customers, keyBytes } = batchColumns(batch.buffer, batch.capacity);
    const keys = Buffer.from(keyBytes.buffer, keyBytes.byteOffset, idEnds[count - 1]!);
    const handles = this.handlesOf(customers, count);
    // The batch's keys as one string, made at the first id needed, cut per event id: a slice
    // costs less than a decode per id.
    let keyText: string | null = null;
    const rerater = this.rerater;
    const notAscii = NOT_ASCII_KEY; // a local: an imported binding is a property read per use
    rerater.warm(handles, 0, WARM_AHEAD);
    let idStart = 0;
    for (let index = 0; index < count; index += 1) {
      // Every WARM_AHEAD events, the accounts of the WARM_AHEAD after the next ones: their
      // cache misses overlap, instead of each event waiting for its own.
      if (index % WARM_AHEAD === 0) rerater.warm(handles, index + WARM_AHEAD, index + 2 * WARM_AHEAD);
      const idEnd = idEnds[index]!;
      const instant = at[index]!;
      // Event ids only order the events of one instant: an event alone at its instant needs none.
      // The first and last of a batch may share their instant with the batch before or after.
      let eventId = '';
      if (index === 0 || index === count - 1 || at[index - 1] === instant || at[index + 1] === instant) {
        if (keys[idStart] === notAscii) eventId = decodeKey(keys, idStart, idEnd);
        else eventId = (keyText ??= keys.toString('latin1')).slice(idStart, idEnd);
      }
      rerater.addResolved(handles[index]!, eventId, instant, gpuMs[index]!, this.requests[jobTypes[index]!]!);
      idStart = idEnd;
    }
    this.notePositions(rerater.closedSoFar);
  }

  /**
   * Closes the re-rating: the result, invoices ordered by customer id, then period start.
   * `readIgnored`: the events the reader left out (duplicates, other event names, the meter's filter).
   */
  finish(readIgnored: Partial<IgnoredEvents> & { readonly nameHints?: readonly EventNameHint[] }): RerateResult {
    const result = this.rerater.finishInClosingOrder();
    const { invoices } = result;
    this.notePositions(invoices);
    const ignoredEvents = addIgnoredEvents({ ...result.ignoredEvents, duplicate: 0 }, readIgnored);
    return {
      ...result,
      invoices: orderInvoices(invoices, this.invoicePositions.subarray(0, invoices.length), this.ranks),
      ignoredEvents,
      eventNameHints: readIgnored.nameHints ?? [],
    };
  }

  /**
   * Notes the customer position of each invoice closed since the last call (`closedSoFar` grows
   * as events are rated): done after every batch, the lookups are not all left for the end.
   */
  private notePositions(invoices: readonly Invoice[]): void {
    if (this.invoicePositions.length < invoices.length) {
      const grown = new Int32Array(Math.max(invoices.length, this.invoicePositions.length * 2));
      grown.set(this.invoicePositions.subarray(0, this.positionsNoted));
      this.invoicePositions = grown;
    }
    const noted = this.invoicePositions;
    for (let index = this.positionsNoted; index < invoices.length; index += 1) {
      const customerId = invoices[index]!.customerId;
      const position = this.positions.get(customerId);
      if (position === undefined) throw new Error(`engine rate: an invoice for ${customerId}, who has no subscription`);
      noted[index] = position;
    }
    this.positionsNoted = invoices.length;
  }

  /** The account handles of the batch's events (into a reused array). */
  private handlesOf(customers: Int32Array, count: number): Int32Array {
    if (this.batchHandles.length < count) this.batchHandles = new Int32Array(count);
    const handles = this.batchHandles;
    const known = this.handles;
    for (let index = 0; index < count; index += 1) {
      const customer = customers[index]!;
      const handle = known[customer]!;
      handles[index] = handle >= 0 ? handle : this.handle(customer);
    }
    return handles;
  }

  /** Takes the names of the customers a batch numbers for the first time. */
  private nameCustomers(customerIds: readonly string[]): void {
    if (customerIds.length === 0) return;
    for (const customerId of customerIds) this.customerIds.push(customerId);
    if (this.handles.length < this.customerIds.length) {
      const handles = new Int32Array(this.customerIds.length * 2).fill(-1);
      handles.set(this.handles);
      this.handles = handles;
    }
  }

  /** The handle of customer `customer`'s account (made now: the customer's first event). */
  private handle(customer: number): number {
    const customerId = this.customerIds[customer];
    if (customerId === undefined) throw new Error(`engine rate: customer #${customer} was never named`);
    const handle = this.rerater.handle(customerId);
    this.handles[customer] = handle;
    return handle;
  }
}

/**
 * `rateFiles`: the inputs of `engine rate` read, validated and re-rated, fast enough for exports
 * of millions of events (bench/engine-bench.ts measures it).
 *
 * - The export is read as bytes (usage-export-reader.ts); repeated event_ids are dropped with a
 *   ByteKeyTable (the first in input order counts); customers become numbers.
 * - A large export's customers are split among worker threads (customer number modulo the worker
 *   count), each rating its share with its own Rerater while this thread reads (rate-threads.ts);
 *   a small one is rated in this thread. Accounts never affect each other, so the merged result
 *   is the single Rerater's, exactly: invoices by (customer id, period start), refusals in replay
 *   order, every partition brought to the export's last instant.
 * - A time-ordered export is rated as it is read. When an event comes earlier than one already
 *   passed on, the export is read again, its events sorted by instant (input order on ties) and
 *   rated from the start, as `rerate` does.
 */
import { statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { Catalog, CatalogSpec, ReratePurchase, RerateRefusal, RerateResult, RerateSubscription } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { InputError, type InputIssue } from '../scenarios/errors.ts';
import { ByteKeyTable, encodeKey, hashBytes } from './byte-key-table.ts';
import { EventBatchBuilder } from './event-batch.ts';
import { EventIdSet } from './event-id-set.ts';
import { customerRanks, orderInvoices } from './invoice-order.ts';
import type { PartitionResult } from './partition-rater.ts';
import { readPurchases, readSubscriptions } from './rate-inputs.ts';
import { BATCH_EVENTS, LocalPartition, type RatePartition, WorkerPartition } from './rate-threads.ts';
import { readUsageExport, type UsageSink } from './usage-export-reader.ts';

export interface RateFiles {
  readonly catalog: string;
  readonly subscriptions: string;
  readonly events: string;
  readonly purchases: string | null;
}

export interface RateOptions {
  /** Worker threads rating partitions of the customers; 0 rates in this thread. Default: see `defaultThreads`. */
  readonly threads?: number;
}

/**
 * Exports smaller than this (~400k events) are rated in this thread: starting workers, handing
 * them their customers and decoding the invoices they send back costs more than it saves.
 */
const THREADS_FROM_BYTES = 64 << 20;
const MAX_THREADS = 4;

/**
 * About how many events an export holds (a canonical line is 150-200 bytes), to size the
 * event-id table once: growing it copies tens of MB, and fresh memory is slow to touch.
 */
function expectedEvents(eventsFile: string): number {
  try {
    return Math.max(1024, Math.min(1 << 26, Math.ceil(statSync(eventsFile).size / 128)));
  } catch {
    return 1024;
  }
}

/** One worker per core (at most MAX_THREADS) for a large export on a machine with 2+ cores, else 0. */
export function defaultThreads(eventsFile: string): number {
  let bytes = 0;
  try {
    bytes = statSync(eventsFile).size;
  } catch {
    return 0; // the reader reports it
  }
  const cores = availableParallelism();
  return bytes >= THREADS_FROM_BYTES && cores >= 2 ? Math.min(MAX_THREADS, cores) : 0;
}

/** Reads and validates the inputs (every problem raised at once as an InputError) and re-rates them. */
export function rateFiles(files: RateFiles, options: RateOptions = {}): RerateResult {
  const threads = options.threads ?? defaultThreads(files.events);
  // Workers load while this thread reads the catalog and the subscriptions.
  let workers = Array.from({ length: threads }, () => new WorkerPartition());
  try {
    const { spec, catalog } = loadCatalog(files.catalog);
    const issues: InputIssue[] = [];
    const subscriptions = readSubscriptions(files.subscriptions, catalog, issues);
    const purchases = files.purchases === null ? [] : readPurchases(files.purchases, catalog, issues);
    const inputs: RateInputs = { catalog, spec, subscriptions, purchases, customers: new CustomerTable(subscriptions, purchases) };
    const stream = new StreamingRate(startPartitions(inputs, workers), inputs, files.events);
    inputs.customers.rank(); // while the workers start
    readUsageExport(files.events, catalog, issues, stream);
    if (issues.length > 0) throw new InputError(issues);
    if (stream.ordered) return stream.finish();
    for (const worker of workers) worker.close();
    workers = Array.from({ length: threads }, () => new WorkerPartition());
    return rateSorted(files.events, inputs, workers);
  } finally {
    for (const worker of workers) worker.close();
  }
}

interface RateInputs {
  readonly catalog: Catalog;
  readonly spec: CatalogSpec;
  readonly subscriptions: readonly RerateSubscription[];
  readonly purchases: readonly ReratePurchase[];
  readonly customers: CustomerTable;
}

/** Customer ids numbered in order of appearance: subscriptions, purchases, then events. */
class CustomerTable {
  readonly keys = new ByteKeyTable(1 << 16);
  readonly ids: string[] = [];
  /** `customerRanks` of `ids`, once computed (see `rank`). */
  ranks: Int32Array | undefined;
  private scratch: Uint8Array = new Uint8Array(256);

  constructor(subscriptions: readonly RerateSubscription[], purchases: readonly ReratePurchase[]) {
    for (const { customerId } of [...subscriptions, ...purchases]) this.numberOf(customerId);
  }

  /** Ranks the customers known so far by id, for ordering invoices at the end. */
  rank(): void {
    this.ranks = customerRanks(this.ids);
  }

  numberOf(customerId: string): number {
    const { bytes, length } = encodeKey(customerId, this.scratch);
    this.scratch = bytes;
    const number = this.keys.add(bytes, 0, length);
    if (number < 0) return -1 - number;
    this.ids.push(customerId);
    return number;
  }
}

/**
 * Which of `count` partitions rates a customer, by the key bytes of its id (its hash: events name
 * customers by bytes, and no table is needed to route them).
 */
function partitionOf(bytes: Uint8Array, start: number, end: number, count: number): number {
  return count === 1 ? 0 : (hashBytes(bytes, start, end) >>> 0) % count;
}

/**
 * The partitions: each customer (with its subscription and purchases) goes to the worker
 * `partitionOf` names, or to the one partition in this thread when there are no workers. Sends
 * the workers their setups.
 */
function startPartitions(inputs: RateInputs, workers: readonly WorkerPartition[]): RatePartition[] {
  const count = Math.max(1, workers.length);
  const { customers } = inputs;
  const owners = customers.ids.map((_, number) => partitionOf(customers.keys.bytes, customers.keys.keyStart(number), customers.keys.keyEnd(number), count));
  const owner = (number: number) => owners[number]!;
  const setups = Array.from({ length: count }, () => ({
    subscriptions: [] as RerateSubscription[],
    purchases: [] as ReratePurchase[],
    customerNumbers: [] as number[],
    customerIds: [] as string[],
  }));
  customers.ids.forEach((customerId, number) => {
    setups[owner(number)]!.customerNumbers.push(number);
    setups[owner(number)]!.customerIds.push(customerId);
  });
  for (const subscription of inputs.subscriptions) setups[owner(customers.numberOf(subscription.customerId))]!.subscriptions.push(subscription);
  for (const purchase of inputs.purchases) setups[owner(customers.numberOf(purchase.customerId))]!.purchases.push(purchase);
  if (workers.length === 0) return [new LocalPartition(inputs.catalog, setups[0]!)];
  workers.forEach((worker, index) => worker.setup(inputs.spec, inputs.catalog, setups[index]!, customers.ids));
  return [...workers];
}

/**
 * The last instant a single Rerater would replay (its last event, subscription or purchase): each
 * partition is brought to it, since the clock decides which periods are still open at the end.
 */
function lastInstant(lastEventAt: number, inputs: RateInputs): number {
  let last = lastEventAt;
  for (const subscription of inputs.subscriptions) last = Math.max(last, subscription.startedAt);
  for (const purchase of inputs.purchases) last = Math.max(last, purchase.purchasedAt);
  return last;
}

/**
 * Passes a time-ordered export's events to the partitions as they are read, in batches, dropping
 * repeated event_ids; stops passing them on (`ordered` false) at the first event out of order.
 */
class StreamingRate implements UsageSink {
  ordered = true;
  private duplicates = 0;
  private lastAt = Number.NEGATIVE_INFINITY;
  private readonly eventIds: EventIdSet;
  private readonly batches: EventBatchBuilder[];

  constructor(
    private readonly partitions: readonly RatePartition[],
    private readonly inputs: RateInputs,
    eventsFile: string,
  ) {
    // Ids out of ascending order: the ids before come from reading the export again up to there.
    const history = (count: number, table: ByteKeyTable) => {
      const sink: UsageSink = { event: (bytes, idStart, idEnd) => void table.add(bytes, idStart, idEnd) };
      readUsageExport(eventsFile, inputs.catalog, [], sink, { maxEvents: count });
    };
    this.eventIds = new EventIdSet(history, expectedEvents(eventsFile));
    this.batches = partitions.map((partition) => new EventBatchBuilder(BATCH_EVENTS, (bytes) => partition.lend(bytes)));
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
    const partition = partitionOf(bytes, customerStart, customerEnd, this.batches.length);
    const batch = this.batches[partition]!;
    batch.push(at, gpuMs, jobType, bytes, idStart, idEnd, bytes, customerStart, customerEnd);
    if (batch.full) this.partitions[partition]!.add(batch.take());
  }

  finish(): RerateResult {
    this.batches.forEach((batch, partition) => {
      if (batch.count > 0) this.partitions[partition]!.add(batch.take());
    });
    const endAt = lastInstant(this.lastAt, this.inputs);
    for (const partition of this.partitions) partition.end(endAt);
    return mergeResults(this.partitions.map((partition) => partition.result()), this.duplicates, this.inputs.purchases, this.inputs.customers);
  }
}

/** Every unique event of an export, in input order, as columns (the sorted re-rating's input). */
class EventCollector implements UsageSink {
  /** Unique event k's id is key k. */
  readonly eventIds: ByteKeyTable;
  /** The customers of the events, by key bytes (an event keeps the index of its customer's). */
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
    if (this.eventIds.add(bytes, idStart, idEnd) < 0) {
      this.duplicates += 1;
      return;
    }
    const customer = this.customerKeys.add(bytes, customerStart, customerEnd);
    this.customers.push(customer >= 0 ? customer : -1 - customer);
    this.at.push(at);
    this.gpuMs.push(gpuMs);
    this.jobTypes.push(jobType);
  }

  /** Indexes of the events by instant, input order on ties (the sort is stable). */
  timeOrder(): number[] {
    const at = this.at;
    return Array.from({ length: at.length }, (_, index) => index).sort((a, b) => at[a]! - at[b]!);
  }
}

/** Re-reads an export that is not in time order and rates its events sorted, as `rerate` does. */
function rateSorted(eventsFile: string, inputs: RateInputs, workers: readonly WorkerPartition[]): RerateResult {
  const events = new EventCollector(expectedEvents(eventsFile));
  readUsageExport(eventsFile, inputs.catalog, [], events); // read without problems the first time
  const partitions = startPartitions(inputs, workers);
  const batches = partitions.map((partition) => new EventBatchBuilder(BATCH_EVENTS, (bytes) => partition.lend(bytes)));
  const { eventIds: ids, customerKeys: customers } = events;
  for (const index of events.timeOrder()) {
    const customer = events.customers[index]!;
    const customerStart = customers.keyStart(customer);
    const customerEnd = customers.keyEnd(customer);
    const partition = partitionOf(customers.bytes, customerStart, customerEnd, batches.length);
    const batch = batches[partition]!;
    batch.push(events.at[index]!, events.gpuMs[index]!, events.jobTypes[index]!, ids.bytes, ids.keyStart(index), ids.keyEnd(index), customers.bytes, customerStart, customerEnd);
    if (batch.full) partitions[partition]!.add(batch.take());
  }
  batches.forEach((batch, partition) => partitions[partition]!.add(batch.take()));
  const endAt = lastInstant(events.at.reduce((latest, at) => Math.max(latest, at), Number.NEGATIVE_INFINITY), inputs);
  for (const partition of partitions) partition.end(endAt);
  return mergeResults(partitions.map((partition) => partition.result()), events.duplicates, inputs.purchases, inputs.customers);
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The partitions' results as one, as a single Rerater gives it: invoices by (customer id, period
 * start) (each customer lives in one partition), refusals in the order the purchases were
 * replayed (instant, purchase id, input order).
 */
function mergeResults(results: readonly PartitionResult[], duplicateEvents: number, purchases: readonly ReratePurchase[], customers: CustomerTable): RerateResult {
  const invoices = orderInvoices(results.flatMap((result) => result.chunks), customers.ids, customers.ranks);
  const refusedPurchases: RerateRefusal[] = results.flatMap((result) => result.refusedPurchases);
  if (results.length > 1 && refusedPurchases.length > 1) {
    const replayOrder = purchases
      .map((purchase, index) => ({ purchase, index }))
      .sort((a, b) => a.purchase.purchasedAt - b.purchase.purchasedAt || compareText(a.purchase.purchaseId, b.purchase.purchaseId) || a.index - b.index);
    const rank = new Map(replayOrder.map((entry, position) => [entry.purchase.purchaseId, position]));
    refusedPurchases.sort((a, b) => rank.get(a.purchaseId)! - rank.get(b.purchaseId)!);
  }
  return { invoices, duplicateEvents, refusedPurchases };
}

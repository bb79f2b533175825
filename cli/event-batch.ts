/**
 * Usage events on their way from the reader to a partition's Rerater, a few thousand at a time,
 * as columns in one buffer instead of one object per event. Ids travel as key bytes
 * (byte-key-table.ts); customers as numbers, each customer's id string sent once, with the first
 * batch that needs it.
 *
 * Buffers are reused, never allocated per batch (fresh memory is slow to touch): a worker's
 * partition lends SharedArrayBuffers in a ring, each refilled once the worker has rated the batch
 * in it; an in-process partition rates a batch before the next one is filled, so one buffer does.
 */

/** Columns of a batch of `capacity` events: byte offsets in its buffer, ids last. */
function offsets(capacity: number): { at: number; gpuMs: number; customers: number; idEnds: number; jobTypes: number; idBytes: number } {
  return { at: 0, gpuMs: 8 * capacity, customers: 16 * capacity, idEnds: 20 * capacity, jobTypes: 24 * capacity, idBytes: 26 * capacity };
}

/** Id bytes a batch buffer starts with room for, per event (more: the buffer is replaced). */
const ID_BYTES_PER_EVENT = 24;

/** A buffer for batches of `capacity` events with room for `idBytes` id bytes. */
export function batchBufferBytes(capacity: number, idBytes = capacity * ID_BYTES_PER_EVENT): number {
  return offsets(capacity).idBytes + idBytes;
}

export interface EventBatch {
  readonly count: number;
  readonly capacity: number;
  /** The columns (see `batchColumns`); lent by the partition, valid until it is rated. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /** Customers first named in this batch: their numbers and ids. */
  readonly newCustomerNumbers: readonly number[];
  readonly newCustomerIds: readonly string[];
}

export interface BatchColumns {
  /** Instants, integer ms since the epoch, non-decreasing. */
  readonly at: Float64Array;
  /** Charged GPU time, integer ms. */
  readonly gpuMs: Float64Array;
  /** Customer numbers (see CustomerTable in rate-run.ts). */
  readonly customers: Int32Array;
  /** Event i's id key is idBytes[idEnds[i - 1] (0 for i = 0), idEnds[i]). */
  readonly idEnds: Int32Array;
  /** 0: the catalog's first job type; k + 1: the catalog's job type k. */
  readonly jobTypes: Uint16Array;
  readonly idBytes: Uint8Array;
}

export function batchColumns(buffer: ArrayBuffer | SharedArrayBuffer, capacity: number): BatchColumns {
  const at = offsets(capacity);
  return {
    at: new Float64Array(buffer, at.at, capacity),
    gpuMs: new Float64Array(buffer, at.gpuMs, capacity),
    customers: new Int32Array(buffer, at.customers, capacity),
    idEnds: new Int32Array(buffer, at.idEnds, capacity),
    jobTypes: new Uint16Array(buffer, at.jobTypes, capacity),
    idBytes: new Uint8Array(buffer, at.idBytes),
  };
}

/** Where a builder gets the buffer for its next batch (waiting, for a worker, until one is free). */
export type BatchBuffers = (minimumBytes: number) => ArrayBuffer | SharedArrayBuffer;

/** Fills one batch at a time; `take` hands it over and starts the next. */
export class EventBatchBuilder {
  private buffer: ArrayBuffer | SharedArrayBuffer | null = null;
  private columns: BatchColumns | null = null;
  private idUsed = 0;
  private newCustomerNumbers: number[] = [];
  private newCustomerIds: string[] = [];
  /** Events in the batch being filled. */
  count = 0;

  constructor(
    readonly capacity: number,
    private readonly buffers: BatchBuffers,
  ) {}

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Whether the batch being filled holds anything (events, or customers named). */
  get isEmpty(): boolean {
    return this.count === 0 && this.newCustomerNumbers.length === 0;
  }

  /** Adds an event; its id key is bytes[idStart, idEnd). */
  push(customer: number, at: number, gpuMs: number, jobType: number, bytes: Uint8Array, idStart: number, idEnd: number): void {
    const columns = this.columns ?? this.open(0);
    const index = this.count;
    let used = this.idUsed;
    const idBytes = used + idEnd - idStart > columns.idBytes.length ? this.grow(used + idEnd - idStart).idBytes : columns.idBytes;
    for (let offset = idStart; offset < idEnd; offset += 1) idBytes[used++] = bytes[offset]!;
    this.idUsed = used;
    const current = this.columns!;
    current.idEnds[index] = used;
    current.customers[index] = customer;
    current.at[index] = at;
    current.gpuMs[index] = gpuMs;
    current.jobTypes[index] = jobType;
    this.count = index + 1;
  }

  /** Names a customer for the receiver (before its first event in this or a later batch). */
  nameCustomer(customer: number, customerId: string): void {
    this.newCustomerNumbers.push(customer);
    this.newCustomerIds.push(customerId);
  }

  /** The batch filled so far; the builder fills a new buffer from its next `push`. */
  take(): EventBatch {
    if (this.columns === null) this.open(0);
    const batch: EventBatch = {
      count: this.count,
      capacity: this.capacity,
      buffer: this.buffer!,
      newCustomerNumbers: this.newCustomerNumbers,
      newCustomerIds: this.newCustomerIds,
    };
    this.buffer = null;
    this.columns = null;
    this.idUsed = 0;
    this.count = 0;
    this.newCustomerNumbers = [];
    this.newCustomerIds = [];
    return batch;
  }

  private open(idBytes: number): BatchColumns {
    this.buffer = this.buffers(batchBufferBytes(this.capacity, Math.max(idBytes, this.capacity * ID_BYTES_PER_EVENT)));
    this.columns = batchColumns(this.buffer, this.capacity);
    return this.columns;
  }

  /** Moves the batch so far to a buffer with room for `idBytes` id bytes (long ids). */
  private grow(idBytes: number): BatchColumns {
    const old = this.columns!;
    const grown = batchColumns(new (this.buffer instanceof SharedArrayBuffer ? SharedArrayBuffer : ArrayBuffer)(batchBufferBytes(this.capacity, idBytes * 2)), this.capacity);
    grown.at.set(old.at);
    grown.gpuMs.set(old.gpuMs);
    grown.customers.set(old.customers);
    grown.idEnds.set(old.idEnds);
    grown.jobTypes.set(old.jobTypes);
    grown.idBytes.set(old.idBytes.subarray(0, this.idUsed));
    this.buffer = grown.at.buffer;
    this.columns = grown;
    return grown;
  }
}

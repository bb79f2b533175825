/**
 * Usage events on their way from the reader to the rater, a few thousand at a time, as columns in
 * one buffer instead of one object per event. Event ids travel as key bytes (byte-key-table.ts);
 * customers travel as numbers given by the reader in the order it first meets them, a batch
 * naming the customers first met in it. So the customer lookup per event is done where the export
 * is read (the reader thread has time to spare) and the rater finds an account by array index.
 *
 * Buffers are reused, never allocated per batch (fresh memory is slow to touch): the reader
 * thread fills SharedArrayBuffers in a ring, each refilled once the batch in it is rated; a
 * rater reading in its own thread rates a batch before the next one is filled, so one buffer does.
 */

/** Columns of a batch of `capacity` events: byte offsets in its buffer, key bytes last. */
function offsets(capacity: number): { at: number; gpuMs: number; idEnds: number; customers: number; jobTypes: number; keyBytes: number } {
  return { at: 0, gpuMs: 8 * capacity, idEnds: 16 * capacity, customers: 20 * capacity, jobTypes: 24 * capacity, keyBytes: 26 * capacity };
}

/** Key bytes a batch buffer starts with room for, per event (more: the buffer is replaced). */
const KEY_BYTES_PER_EVENT = 32;

/** A buffer for batches of `capacity` events with room for `keyBytes` key bytes. */
export function batchBufferBytes(capacity: number, keyBytes = capacity * KEY_BYTES_PER_EVENT): number {
  return offsets(capacity).keyBytes + keyBytes;
}

export interface EventBatch {
  readonly count: number;
  readonly capacity: number;
  /** The columns (see `batchColumns`); lent by the rater's side, valid until it is rated. */
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  /**
   * The ids of the customers first met in this batch, in number order: they continue the
   * numbering of the batches before (the first batch names customer 0 first).
   */
  readonly newCustomerIds: readonly string[];
}

export interface BatchColumns {
  /** Instants, integer ms since the epoch, non-decreasing. */
  readonly at: Float64Array;
  /** Charged GPU time, integer ms. */
  readonly gpuMs: Float64Array;
  /** Event i's id key is keyBytes[idEnds[i - 1] (0 for i = 0), idEnds[i]). */
  readonly idEnds: Int32Array;
  /** Event i's customer, by number (see `EventBatch.newCustomerIds`). */
  readonly customers: Int32Array;
  /** 0: the catalog's first job type; k + 1: the catalog's job type k. */
  readonly jobTypes: Uint16Array;
  readonly keyBytes: Uint8Array;
}

export function batchColumns(buffer: ArrayBuffer | SharedArrayBuffer, capacity: number): BatchColumns {
  const at = offsets(capacity);
  return {
    at: new Float64Array(buffer, at.at, capacity),
    gpuMs: new Float64Array(buffer, at.gpuMs, capacity),
    idEnds: new Int32Array(buffer, at.idEnds, capacity),
    customers: new Int32Array(buffer, at.customers, capacity),
    jobTypes: new Uint16Array(buffer, at.jobTypes, capacity),
    keyBytes: new Uint8Array(buffer, at.keyBytes),
  };
}

/** Where a builder gets the buffer for its next batch (waiting, for a worker, until one is free). */
export type BatchBuffers = (minimumBytes: number) => ArrayBuffer | SharedArrayBuffer;

/** Fills one batch at a time; `take` hands it over and starts the next. */
export class EventBatchBuilder {
  private buffer: ArrayBuffer | SharedArrayBuffer | null = null;
  private columns: BatchColumns | null = null;
  private keysUsed = 0;
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

  /** Adds an event: its id key is bytes[idStart, idEnd), its customer `customer` (see `nameCustomer`). */
  push(at: number, gpuMs: number, jobType: number, bytes: Uint8Array, idStart: number, idEnd: number, customer: number): void {
    let columns = this.columns ?? this.open();
    let used = this.keysUsed;
    const needed = used + (idEnd - idStart);
    if (needed > columns.keyBytes.length) columns = this.grow(needed);
    const keys = columns.keyBytes;
    for (let offset = idStart; offset < idEnd; offset += 1) keys[used++] = bytes[offset]!;
    const index = this.count;
    columns.idEnds[index] = used;
    this.keysUsed = used;
    columns.at[index] = at;
    columns.gpuMs[index] = gpuMs;
    columns.customers[index] = customer;
    columns.jobTypes[index] = jobType;
    this.count = index + 1;
  }

  /** Sets the customer of event `index` of the batch being filled. */
  setCustomer(index: number, customer: number): void {
    this.columns!.customers[index] = customer;
  }

  /** Names the next customer number (the batch being filled carries the name). */
  nameCustomer(customerId: string): void {
    this.newCustomerIds.push(customerId);
  }

  /** The batch filled so far; the builder fills a new buffer from its next `push`. */
  take(): EventBatch {
    if (this.columns === null) this.open();
    const batch: EventBatch = { count: this.count, capacity: this.capacity, buffer: this.buffer!, newCustomerIds: this.newCustomerIds };
    this.newCustomerIds = [];
    this.buffer = null;
    this.columns = null;
    this.keysUsed = 0;
    this.count = 0;
    return batch;
  }

  private open(): BatchColumns {
    this.buffer = this.buffers(batchBufferBytes(this.capacity));
    this.columns = batchColumns(this.buffer, this.capacity);
    return this.columns;
  }

  /** Moves the batch so far to a buffer with room for `keyBytes` key bytes (long ids). */
  private grow(keyBytes: number): BatchColumns {
    const old = this.columns!;
    const grown = batchColumns(new (this.buffer instanceof SharedArrayBuffer ? SharedArrayBuffer : ArrayBuffer)(batchBufferBytes(this.capacity, keyBytes * 2)), this.capacity);
    grown.at.set(old.at);
    grown.gpuMs.set(old.gpuMs);
    grown.idEnds.set(old.idEnds);
    grown.customers.set(old.customers);
    grown.jobTypes.set(old.jobTypes);
    grown.keyBytes.set(old.keyBytes.subarray(0, this.keysUsed));
    this.buffer = grown.at.buffer;
    this.columns = grown;
    return grown;
  }
}

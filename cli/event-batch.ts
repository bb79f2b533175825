/**
 * Usage events on their way from the reader to a partition's Rerater, a few thousand at a time,
 * as columns of typed arrays (handed to a worker thread without copying: their buffers are
 * transferred) instead of one object per event. Ids travel as key bytes (byte-key-table.ts);
 * customers as numbers, each customer's id string sent once, with the first batch that needs it.
 */

export interface EventBatch {
  readonly count: number;
  /** Customer numbers (see CustomerTable in rate-run.ts). */
  readonly customers: Int32Array;
  /** Instants, integer ms since the epoch, non-decreasing. */
  readonly at: Float64Array;
  /** Charged GPU time, integer ms. */
  readonly gpuMs: Float64Array;
  /** 0: the catalog's first job type; k + 1: the catalog's job type k. */
  readonly jobTypes: Uint16Array;
  /** Event i's id key is idBytes[idEnds[i - 1] (0 for i = 0), idEnds[i]). */
  readonly idEnds: Int32Array;
  readonly idBytes: Uint8Array;
  /** Customers first named in this batch: their numbers and ids. */
  readonly newCustomerNumbers: readonly number[];
  readonly newCustomerIds: readonly string[];
}

/** The buffers of a batch, for a postMessage transfer list. */
export function batchBuffers(batch: EventBatch): ArrayBuffer[] {
  return [batch.customers, batch.at, batch.gpuMs, batch.jobTypes, batch.idEnds, batch.idBytes].map((array) => array.buffer as ArrayBuffer);
}

/** Fills one batch at a time; `take` hands it over and starts the next. */
export class EventBatchBuilder {
  private customers!: Int32Array;
  private at!: Float64Array;
  private gpuMs!: Float64Array;
  private jobTypes!: Uint16Array;
  private idEnds!: Int32Array;
  private idBytes!: Uint8Array;
  private idUsed = 0;
  private newCustomerNumbers: number[] = [];
  private newCustomerIds: string[] = [];
  /** Events in the batch being filled. */
  count = 0;

  constructor(readonly capacity: number) {
    this.start();
  }

  get full(): boolean {
    return this.count === this.capacity;
  }

  /** Whether the batch being filled names customers (worth sending even without events). */
  get hasNames(): boolean {
    return this.newCustomerNumbers.length > 0;
  }

  /** Adds an event; its id key is bytes[idStart, idEnd). */
  push(customer: number, at: number, gpuMs: number, jobType: number, bytes: Uint8Array, idStart: number, idEnd: number): void {
    const index = this.count;
    const length = idEnd - idStart;
    if (this.idUsed + length > this.idBytes.length) this.growIds(length);
    const idBytes = this.idBytes;
    let used = this.idUsed;
    for (let offset = idStart; offset < idEnd; offset += 1) idBytes[used++] = bytes[offset]!;
    this.idUsed = used;
    this.idEnds[index] = used;
    this.customers[index] = customer;
    this.at[index] = at;
    this.gpuMs[index] = gpuMs;
    this.jobTypes[index] = jobType;
    this.count = index + 1;
  }

  /** Names a customer for the receiver (before its first event in this or a later batch). */
  nameCustomer(customer: number, customerId: string): void {
    this.newCustomerNumbers.push(customer);
    this.newCustomerIds.push(customerId);
  }

  /** The batch filled so far (its arrays trimmed to it); the builder starts a new one. */
  take(): EventBatch {
    const count = this.count;
    const batch: EventBatch = {
      count,
      customers: this.customers.slice(0, count),
      at: this.at.slice(0, count),
      gpuMs: this.gpuMs.slice(0, count),
      jobTypes: this.jobTypes.slice(0, count),
      idEnds: this.idEnds.slice(0, count),
      idBytes: this.idBytes.slice(0, this.idUsed),
      newCustomerNumbers: this.newCustomerNumbers,
      newCustomerIds: this.newCustomerIds,
    };
    this.start();
    return batch;
  }

  private start(): void {
    if (this.customers === undefined) {
      this.customers = new Int32Array(this.capacity);
      this.at = new Float64Array(this.capacity);
      this.gpuMs = new Float64Array(this.capacity);
      this.jobTypes = new Uint16Array(this.capacity);
      this.idEnds = new Int32Array(this.capacity);
      this.idBytes = new Uint8Array(this.capacity * 16);
    }
    this.idUsed = 0;
    this.count = 0;
    this.newCustomerNumbers = [];
    this.newCustomerIds = [];
  }

  private growIds(length: number): void {
    const grown = new Uint8Array(Math.max(this.idBytes.length * 2, this.idUsed + length));
    grown.set(this.idBytes.subarray(0, this.idUsed));
    this.idBytes = grown;
  }
}

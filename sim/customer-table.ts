/**
 * The simulator's own per-customer state, one 64-byte record per customer in a single typed
 * array: the customer's held-job list, and the open cycle's top-up and Relax-wait
 * accumulators. One record per customer (rather than one array per field) means one cache line
 * per customer touched, which is what keeps a million-subscriber run fast.
 */

const STRIDE = 8;
const HELD_HEAD = 1;
const HELD_TAIL = 2;
const TOPUP_DECIDED = 3;
const TOPUP_HOURS = 4;
const RELAX_WAIT_SUM = 5;
const RELAX_WAIT_COUNT = 6;

export class CustomerTable {
  private readonly records: Float64Array;

  constructor(customers: number) {
    this.records = new Float64Array(customers * STRIDE);
    for (let customer = 0; customer < customers; customer += 1) {
      const base = customer * STRIDE;
      this.records[base + HELD_HEAD] = -1;
      this.records[base + HELD_TAIL] = -1;
    }
  }

  /** First job slot of the customer's held list, or -1. */
  heldHead(customer: number): number {
    return this.records[customer * STRIDE + HELD_HEAD]!;
  }

  setHeldHead(customer: number, slot: number): void {
    this.records[customer * STRIDE + HELD_HEAD] = slot;
  }

  heldTail(customer: number): number {
    return this.records[customer * STRIDE + HELD_TAIL]!;
  }

  setHeldTail(customer: number, slot: number): void {
    this.records[customer * STRIDE + HELD_TAIL] = slot;
  }

  /** Whether the top-up decision of the open cycle was already made. */
  topupDecided(customer: number): boolean {
    return this.records[customer * STRIDE + TOPUP_DECIDED] === 1;
  }

  markTopupDecided(customer: number): void {
    this.records[customer * STRIDE + TOPUP_DECIDED] = 1;
  }

  topupHours(customer: number): number {
    return this.records[customer * STRIDE + TOPUP_HOURS]!;
  }

  addTopupHours(customer: number, hours: number): void {
    this.records[customer * STRIDE + TOPUP_HOURS]! += hours;
  }

  relaxWaitSum(customer: number): number {
    return this.records[customer * STRIDE + RELAX_WAIT_SUM]!;
  }

  relaxWaitCount(customer: number): number {
    return this.records[customer * STRIDE + RELAX_WAIT_COUNT]!;
  }

  addRelaxWait(customer: number, waitMs: number): void {
    const base = customer * STRIDE;
    this.records[base + RELAX_WAIT_SUM]! += waitMs;
    this.records[base + RELAX_WAIT_COUNT]! += 1;
  }

  /** A new cycle starts: top-up decision and Relax-wait accumulators reset. */
  resetCycle(customer: number): void {
    const base = customer * STRIDE;
    this.records[base + TOPUP_DECIDED] = 0;
    this.records[base + TOPUP_HOURS] = 0;
    this.records[base + RELAX_WAIT_SUM] = 0;
    this.records[base + RELAX_WAIT_COUNT] = 0;
  }
}

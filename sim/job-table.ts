/**
 * Jobs in the system (held by their customer, waiting for a GPU, or running), as parallel typed
 * arrays indexed by a slot. A finished job's slot is reused, so memory follows the number of jobs
 * in the system, not the number simulated. Slots are handed out lowest-freed-last (a stack), which
 * is deterministic.
 */

export class JobTable {
  /** Sequence number of the job (its id), in arrival order. */
  number = new Float64Array(1024);
  arrivalAt = new Float64Array(1024);
  startAt = new Float64Array(1024);
  gpuMs = new Float64Array(1024);
  customer = new Int32Array(1024);
  /** Next job in the customer's held list, or -1. */
  nextHeld = new Int32Array(1024);
  jobType = new Uint8Array(1024);
  /** The routed mode's code (MODE_FAST, MODE_TURBO, MODE_RELAX in arrivals.ts). */
  mode = new Uint8Array(1024);
  /** Plan rank of the customer when the job arrived (the tier it is reported under). */
  tier = new Uint8Array(1024);
  /** 1 while the slot holds a job; 2 once it started on a GPU. */
  state = new Uint8Array(1024);
  private free = new Int32Array(1024);
  private freeCount = 1024;
  /** Slots in use. */
  inUse = 0;

  constructor() {
    for (let index = 0; index < 1024; index += 1) this.free[index] = 1023 - index;
  }

  allocate(): number {
    if (this.freeCount === 0) this.grow();
    this.inUse += 1;
    const slot = this.free[--this.freeCount]!;
    this.state[slot] = 1;
    return slot;
  }

  release(slot: number): void {
    this.inUse -= 1;
    this.state[slot] = 0;
    this.free[this.freeCount++] = slot;
  }

  /** Slots holding a job, in job-number order. */
  liveSlots(): number[] {
    const slots: number[] = [];
    for (let slot = 0; slot < this.state.length; slot += 1) if (this.state[slot] !== 0) slots.push(slot);
    return slots.sort((a, b) => this.number[a]! - this.number[b]!);
  }

  private grow(): void {
    const old = this.number.length;
    const size = old * 2;
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(array: T): T => {
      const next = new (array.constructor as new (length: number) => T)(size);
      next.set(array);
      return next;
    };
    this.number = widen(this.number);
    this.arrivalAt = widen(this.arrivalAt);
    this.startAt = widen(this.startAt);
    this.gpuMs = widen(this.gpuMs);
    this.customer = widen(this.customer);
    this.nextHeld = widen(this.nextHeld);
    this.jobType = widen(this.jobType);
    this.mode = widen(this.mode);
    this.tier = widen(this.tier);
    this.state = widen(this.state);
    this.free = new Int32Array(size);
    for (let index = 0; index < old; index += 1) this.free[index] = size - 1 - index;
    this.freeCount = old;
  }
}

/**
 * The GPU fleet as c servers with non-preemptive priority: fast and turbo jobs before relax ones,
 * a running job always finishes. Fast is FIFO; Relax is FIFO or least-Relax-used-first (the
 * priority the engine's route decision carries, then arrival order). A share of the GPUs can be
 * reserved for Fast; when GPUs are removed (an outage) running jobs finish and nothing new starts
 * until the busy count is below the new capacity. Queues hold job indexes of the job table.
 */
import { EventHeap } from './event-heap.ts';
import type { RelaxOrder } from './model.ts';

/** A growable FIFO ring buffer of int32 job indexes. */
export class IndexQueue {
  private items = new Int32Array(1024);
  private head = 0;
  private count = 0;

  get size(): number {
    return this.count;
  }

  push(value: number): void {
    if (this.count === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      for (let index = 0; index < this.count; index += 1) bigger[index] = this.items[(this.head + index) % this.items.length]!;
      this.items = bigger;
      this.head = 0;
    }
    this.items[(this.head + this.count) % this.items.length] = value;
    this.count += 1;
  }

  shift(): number {
    const value = this.items[this.head]!;
    this.head = (this.head + 1) % this.items.length;
    this.count -= 1;
    return value;
  }
}

export class Fleet {
  /** GPUs in service (schedule minus outages). */
  capacity = 0;
  busy = 0;
  busyRelax = 0;
  readonly fastQueue = new IndexQueue();
  private readonly relaxFifo = new IndexQueue();
  private readonly relaxByUse = new EventHeap(1024);
  private reservedForFast = 0;

  constructor(
    private readonly relaxOrder: RelaxOrder,
    private readonly fastReservedShare: number,
  ) {}

  setCapacity(gpus: number): void {
    this.capacity = Math.max(0, gpus);
    this.reservedForFast = Math.floor(this.capacity * this.fastReservedShare);
  }

  get relaxQueued(): number {
    return this.relaxOrder === 'fifo' ? this.relaxFifo.size : this.relaxByUse.size;
  }

  enqueueRelax(job: number, priority: number): void {
    if (this.relaxOrder === 'fifo') this.relaxFifo.push(job);
    else this.relaxByUse.push(priority, 0, job);
  }

  /** The next job to start on a free GPU, or -1 when none may start now. Marks the GPU busy. */
  next(): number {
    if (this.busy >= this.capacity) return -1;
    if (this.fastQueue.size > 0) {
      this.busy += 1;
      return this.fastQueue.shift();
    }
    if (this.relaxQueued === 0 || this.busyRelax >= this.capacity - this.reservedForFast) return -1;
    this.busy += 1;
    this.busyRelax += 1;
    if (this.relaxOrder === 'fifo') return this.relaxFifo.shift();
    const job = this.relaxByUse.peekIndex();
    this.relaxByUse.pop();
    return job;
  }

  release(relax: boolean): void {
    this.busy -= 1;
    if (relax) this.busyRelax -= 1;
  }
}

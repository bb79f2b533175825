/**
 * The simulator's event queue: a binary min-heap in typed arrays keyed by (time, sequence).
 * The sequence number makes the order total: two events at the same instant leave in the order
 * they were scheduled, so a run is reproducible bit for bit. Payloads are two int32 fields
 * (an event kind and an index), so pushing and popping allocate nothing.
 */

export class EventHeap {
  private times: Float64Array;
  private seqs: Float64Array;
  private kinds: Int32Array;
  private indexes: Int32Array;
  private count = 0;
  private nextSeq = 0;

  constructor(capacity = 1024) {
    this.times = new Float64Array(capacity);
    this.seqs = new Float64Array(capacity);
    this.kinds = new Int32Array(capacity);
    this.indexes = new Int32Array(capacity);
  }

  get size(): number {
    return this.count;
  }

  /** Time of the earliest event (Infinity when empty). */
  peekTime(): number {
    return this.count > 0 ? this.times[0]! : Number.POSITIVE_INFINITY;
  }

  /** Kind of the earliest event (call only when not empty). */
  peekKind(): number {
    return this.kinds[0]!;
  }

  /** Index payload of the earliest event (call only when not empty). */
  peekIndex(): number {
    return this.indexes[0]!;
  }

  push(time: number, kind: number, index: number): void {
    if (this.count === this.times.length) this.grow();
    const seq = this.nextSeq++;
    let position = this.count++;
    const times = this.times;
    const seqs = this.seqs;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      const parentTime = times[parent]!;
      if (parentTime < time || (parentTime === time && seqs[parent]! < seq)) break;
      this.move(parent, position);
      position = parent;
    }
    times[position] = time;
    seqs[position] = seq;
    this.kinds[position] = kind;
    this.indexes[position] = index;
  }

  /** Removes the earliest event; read it first with peekTime/peekKind/peekIndex. */
  pop(): void {
    const last = --this.count;
    if (last === 0) return;
    const time = this.times[last]!;
    const seq = this.seqs[last]!;
    const kind = this.kinds[last]!;
    const index = this.indexes[last]!;
    const times = this.times;
    const seqs = this.seqs;
    let position = 0;
    for (;;) {
      let child = position * 2 + 1;
      if (child >= last) break;
      const right = child + 1;
      if (right < last && (times[right]! < times[child]! || (times[right] === times[child] && seqs[right]! < seqs[child]!))) {
        child = right;
      }
      if (time < times[child]! || (time === times[child] && seq < seqs[child]!)) break;
      this.move(child, position);
      position = child;
    }
    times[position] = time;
    seqs[position] = seq;
    this.kinds[position] = kind;
    this.indexes[position] = index;
  }

  private move(from: number, to: number): void {
    this.times[to] = this.times[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.kinds[to] = this.kinds[from]!;
    this.indexes[to] = this.indexes[from]!;
  }

  private grow(): void {
    const capacity = this.times.length * 2;
    const grow64 = (old: Float64Array) => {
      const next = new Float64Array(capacity);
      next.set(old);
      return next;
    };
    const grow32 = (old: Int32Array) => {
      const next = new Int32Array(capacity);
      next.set(old);
      return next;
    };
    this.times = grow64(this.times);
    this.seqs = grow64(this.seqs);
    this.kinds = grow32(this.kinds);
    this.indexes = grow32(this.indexes);
  }
}

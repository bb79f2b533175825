/**
 * The engine's due-queue: accounts keyed by (instant, sequence), earliest first. Keys live in
 * typed arrays and accounts in a parallel array, so sifting compares numbers in two dense arrays
 * instead of chasing one object per entry (it holds one entry per customer: a million, at scale).
 * Ties leave in the order they were filed, so the order is total.
 */
import type { Account } from './account.ts';

export class DueQueue {
  private ats = new Float64Array(64);
  private seqs = new Float64Array(64);
  private accounts: (Account | undefined)[] = [];
  private count = 0;
  private nextSeq = 0;

  get size(): number {
    return this.count;
  }

  /** Instant of the earliest entry (Infinity when empty). */
  peekAt(): number {
    return this.count > 0 ? this.ats[0]! : Number.POSITIVE_INFINITY;
  }

  push(at: number, account: Account): void {
    if (this.count === this.ats.length) this.grow();
    const seq = this.nextSeq++;
    let position = this.count++;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      const parentAt = this.ats[parent]!;
      if (parentAt < at || (parentAt === at && this.seqs[parent]! < seq)) break;
      this.move(parent, position);
      position = parent;
    }
    this.set(position, at, seq, account);
  }

  /** Removes and returns the earliest entry (call only when not empty). */
  pop(): { readonly at: number; readonly account: Account } {
    const at0 = this.ats[0]!;
    const account0 = this.accounts[0]!;
    const last = --this.count;
    if (last > 0) {
      const at = this.ats[last]!;
      const seq = this.seqs[last]!;
      const account = this.accounts[last]!;
      let position = 0;
      for (;;) {
        let child = position * 2 + 1;
        if (child >= last) break;
        const right = child + 1;
        if (right < last && (this.ats[right]! < this.ats[child]! || (this.ats[right] === this.ats[child] && this.seqs[right]! < this.seqs[child]!))) child = right;
        if (at < this.ats[child]! || (at === this.ats[child] && seq < this.seqs[child]!)) break;
        this.move(child, position);
        position = child;
      }
      this.set(position, at, seq, account);
    }
    this.accounts[last] = undefined;
    return { at: at0, account: account0 };
  }

  private set(position: number, at: number, seq: number, account: Account): void {
    this.ats[position] = at;
    this.seqs[position] = seq;
    this.accounts[position] = account;
  }

  private move(from: number, to: number): void {
    this.ats[to] = this.ats[from]!;
    this.seqs[to] = this.seqs[from]!;
    this.accounts[to] = this.accounts[from];
  }

  private grow(): void {
    const ats = new Float64Array(this.ats.length * 2);
    ats.set(this.ats);
    const seqs = new Float64Array(this.seqs.length * 2);
    seqs.set(this.seqs);
    this.ats = ats;
    this.seqs = seqs;
  }
}

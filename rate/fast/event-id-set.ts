/**
 * The event ids of an export seen so far, to drop repeated ones (the first in input order
 * counts), exactly.
 *
 * While ids come in ascending order (shorter first, then byte by byte: `job_9:gpu` <
 * `job_10:gpu`, as counters, zero-padded and time-ordered ids do), an id cannot repeat an earlier
 * one, and only the last id is kept: no table, no memory growing with the export (touching fresh
 * memory is what an id table costs most). The first id out of that order (a repeat, or any id not
 * after the last) switches the set to a ByteKeyTable of every id so far: it asks `history` for
 * them (the caller re-reads the export up to there), and from then on looks every id up.
 */
import { ByteKeyTable } from './byte-key-table.ts';

/** Adds the key bytes of the first `count` ids the set was given, in order, to `table`. */
export type IdHistory = (count: number, table: ByteKeyTable) => void;

export class EventIdSet {
  private last = new Uint8Array(64);
  private lastView = new DataView(this.last.buffer);
  /** A DataView of the bytes last given (made again when other bytes come). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;
  private lastLength = -1;
  private count = 0;
  private table: ByteKeyTable | null = null;

  constructor(
    private readonly history: IdHistory,
    private readonly expectedIds: number,
  ) {}

  /** Whether the id bytes[start, end) is new (it is then remembered); false for a repeat. */
  add(bytes: Uint8Array, start: number, end: number): boolean {
    if (this.table === null) {
      if (this.replaceLast(bytes, start, end)) {
        this.count += 1;
        return true;
      }
      this.table = new ByteKeyTable(Math.max(this.expectedIds, this.count + 1));
      this.history(this.count, this.table);
      if (this.table.size !== this.count) throw new Error(`event ids: the history holds ${this.table.size} ids, ${this.count} expected`);
    }
    this.count += 1;
    if (this.table.add(bytes, start, end) >= 0) return true;
    this.count -= 1;
    return false;
  }

  /**
   * Whether bytes[start, end) comes after the last id (if any): longer, or as long and greater;
   * if so, it becomes the last id. Ids of one length share the bytes before the first that
   * differs, so only the bytes from there on are copied (a counter's last digit or two).
   */
  private replaceLast(bytes: Uint8Array, start: number, end: number): boolean {
    const length = end - start;
    if (length !== this.lastLength) {
      if (length < this.lastLength) return false;
      if (length > this.last.length) {
        this.last = new Uint8Array(length * 2);
        this.lastView = new DataView(this.last.buffer);
      }
      this.lastLength = length;
      return this.copyFrom(bytes, start, 0, length);
    }
    // Equal words first (a counter's ids share all but their last bytes), then byte by byte.
    if (bytes !== this.viewOf) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewOf = bytes;
    }
    const view = this.view;
    const lastView = this.lastView;
    let from = 0;
    while (from + 4 <= length && view.getInt32(start + from) === lastView.getInt32(from)) from += 4;
    const last = this.last;
    for (let index = from; index < length; index += 1) {
      const byte = bytes[start + index]!;
      const kept = last[index]!;
      if (byte !== kept) return byte > kept && this.copyFrom(bytes, start, index, length);
    }
    return false;
  }

  /** Copies id bytes from `from` on (of an id starting at bytes[start], `length` long) into the last id; true. */
  private copyFrom(bytes: Uint8Array, start: number, from: number, length: number): boolean {
    const last = this.last;
    for (let index = from; index < length; index += 1) last[index] = bytes[start + index]!;
    return true;
  }
}

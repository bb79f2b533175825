/**
 * A set of byte strings numbered in insertion order (0, 1, 2, ...), for the ids `engine rate`
 * sees by the million (event ids to drop repeats, customer ids to find accounts): open addressing
 * over typed arrays, the keys' bytes in one growing arena, so a million keys cost a few typed
 * arrays instead of a million strings and Map entries for the garbage collector to trace.
 *
 * Exact, never probabilistic: a probe compares the key's bytes whenever the 32-bit hashes match,
 * so two different keys are never taken for one.
 *
 * Keys that arrive in ascending order (shorter first, then byte by byte: `job_9` < `job_10`, as
 * counters, zero-padded ids and time-ordered ids do) cannot repeat an earlier key, so they are only
 * appended to the arena: a probe into a table of millions of slots is a cache miss, a few hundred
 * ns, the comparison with the previous key a few ns. The hash index is built from the arena the
 * first time a key breaks the order, or the first time `find` is called, and kept from then on.
 *
 * Strings become keys with `encodeKey`: an ASCII string is its bytes (what an export's bytes
 * already are, so the byte scanner hands them over unconverted); any other string is 0xFF then
 * its UTF-16 code units, little-endian. The encoding is one-to-one (ASCII never starts with 0xFF,
 * and lone surrogates survive), so equal keys mean equal strings; `decodeKey` inverts it.
 */

const EMPTY = 0;
/** The first byte of the key of a string that is not all ASCII (see `encodeKey`). */
export const NOT_ASCII_KEY = 0xff;

/** 32-bit FNV-1a over bytes[start, end), with a final mix so the low bits spread. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = HASH_START;
  for (let index = start; index < end; index += 1) hash = hashByte(hash, bytes[index]!);
  return hashFinish(hash);
}

/** `hashBytes` a byte at a time (for a caller already looping over the bytes): start, bytes, finish. */
export const HASH_START = 0x811c9dc5;

export function hashByte(hash: number, byte: number): number {
  return Math.imul(hash ^ byte, 0x01000193);
}

export function hashFinish(hash: number): number {
  let mixed = hash ^ (hash >>> 16);
  mixed = Math.imul(mixed, 0x7feb352d);
  return mixed ^ (mixed >>> 15);
}

export class ByteKeyTable {
  /** Pairs [hash, key number + 1]; a second word of EMPTY marks a free slot. Empty until indexed. */
  private slots = new Int32Array(0);
  private mask = -1;
  private indexed = false;
  private arena: Uint8Array;
  private arenaUsed = 0;
  /** Key n's bytes are arena[starts[n], starts[n + 1]). */
  private starts: Int32Array;
  /** Key n's hash (once indexed). */
  private hashes: Int32Array;
  private count = 0;
  /** Scratch of `readAhead`. */
  private entries = new Int32Array(0);
  /** What `readAhead` read, summed (kept so that the reads are not optimised away); means nothing. */
  readSum = 0;

  /** `expectedKeys` sizes the arrays (they grow past it as needed). */
  constructor(private readonly expectedKeys = 1024) {
    this.starts = new Int32Array(expectedKeys + 1);
    this.hashes = new Int32Array(expectedKeys);
    this.arena = new Uint8Array(Math.max(1024, expectedKeys * 16));
  }

  /** Keys held (numbered 0 .. size - 1). */
  get size(): number {
    return this.count;
  }

  /** The number of the key equal to bytes[start, end), or -1. */
  find(bytes: Uint8Array, start: number, end: number): number {
    if (!this.indexed) this.buildIndex();
    return this.findHashed(hashBytes(bytes, start, end), bytes, start, end);
  }

  private findHashed(hash: number, bytes: Uint8Array, start: number, end: number): number {
    for (let slot = hash & this.mask; ; slot = (slot + 1) & this.mask) {
      const entry = this.slots[slot * 2 + 1]!;
      if (entry === EMPTY) return -1;
      if (this.slots[slot * 2] === hash && this.equals(entry - 1, bytes, start, end)) return entry - 1;
    }
  }

  /**
   * Adds bytes[start, end) if it is not there: returns the new key's number (>= 0), or, when the
   * key was already there, -1 - its number (< 0).
   */
  add(bytes: Uint8Array, start: number, end: number): number {
    if (!this.indexed) {
      if (this.followsLast(bytes, start, end)) return this.append(bytes, start, end);
      this.buildIndex();
    }
    return this.addHashed(hashBytes(bytes, start, end), bytes, start, end);
  }

  /**
   * `add` of several keys: key k is bytes[ends[k - 1] (0 for k = 0), ends[k]), its hash
   * hashes[k] (`hashBytes`); numbers[k] gets what `add` returns for it. The same as adding them
   * one by one, in order, only faster on a large table: the places each key's probe reads first
   * (its home slot, then the key there) are read for all the keys before any key is added, so
   * their cache misses overlap instead of following one another.
   */
  addMany(bytes: Uint8Array, ends: Int32Array, hashes: Int32Array, count: number, numbers: Int32Array): void {
    if (this.indexed) this.readAhead(hashes, count);
    let start = 0;
    for (let key = 0; key < count; key += 1) {
      const end = ends[key]!;
      numbers[key] = this.indexed ? this.addHashed(hashes[key]!, bytes, start, end) : this.add(bytes, start, end);
      start = end;
    }
  }

  /** Reads the home slot of each hash, then the first byte of the key filed there (see `addMany`). */
  private readAhead(hashes: Int32Array, count: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const entries = this.entries.length >= count ? this.entries : (this.entries = new Int32Array(count));
    for (let key = 0; key < count; key += 1) entries[key] = slots[(hashes[key]! & mask) * 2 + 1]!;
    const starts = this.starts;
    for (let key = 0; key < count; key += 1) {
      const entry = entries[key]!;
      entries[key] = entry === EMPTY ? -1 : starts[entry - 1]!;
    }
    const arena = this.arena;
    let sum = 0;
    for (let key = 0; key < count; key += 1) {
      const from = entries[key]!;
      if (from >= 0) sum += arena[from]!;
    }
    this.readSum = sum;
  }

  private addHashed(hash: number, bytes: Uint8Array, start: number, end: number): number {
    let slot = hash & this.mask;
    for (;;) {
      const entry = this.slots[slot * 2 + 1]!;
      if (entry === EMPTY) break;
      if (this.slots[slot * 2] === hash && this.equals(entry - 1, bytes, start, end)) return -entry;
      slot = (slot + 1) & this.mask;
    }
    const number = this.append(bytes, start, end);
    this.hashes[number] = hash;
    this.slots[slot * 2] = hash;
    this.slots[slot * 2 + 1] = number + 1;
    if (this.count * 2 > this.mask + 1) this.resizeSlots(this.count * 4);
    return number;
  }

  /** The keys' bytes: key n is bytes[keyStart(n), keyEnd(n)) (valid until the next `add`). */
  get bytes(): Uint8Array {
    return this.arena;
  }

  keyStart(number: number): number {
    return this.starts[number]!;
  }

  keyEnd(number: number): number {
    return this.starts[number + 1]!;
  }

  private equals(number: number, bytes: Uint8Array, start: number, end: number): boolean {
    const from = this.starts[number]!;
    if (this.starts[number + 1]! - from !== end - start) return false;
    const arena = this.arena;
    for (let index = 0; index < end - start; index += 1) if (arena[from + index] !== bytes[start + index]) return false;
    return true;
  }

  /** Whether bytes[start, end) comes after the last key (if any): longer, or as long and greater. */
  private followsLast(bytes: Uint8Array, start: number, end: number): boolean {
    const count = this.count;
    if (count === 0) return true;
    const starts = this.starts;
    const from = starts[count - 1]!;
    const length = starts[count]! - from;
    if (end - start !== length) return end - start > length;
    const arena = this.arena;
    for (let index = 0; index < length; index += 1) {
      const byte = bytes[start + index]!;
      const last = arena[from + index]!;
      if (byte !== last) return byte > last;
    }
    return false;
  }

  /** Stores the key's bytes as key number `size` (not indexed); returns its number. */
  private append(bytes: Uint8Array, start: number, end: number): number {
    const number = this.count;
    if (number + 1 >= this.starts.length) this.growKeys();
    let used = this.arenaUsed;
    if (used + end - start > this.arena.length) this.growArena(end - start);
    const arena = this.arena;
    for (let index = start; index < end; index += 1) arena[used++] = bytes[index]!;
    this.arenaUsed = used;
    this.starts[number + 1] = used;
    this.count = number + 1;
    return number;
  }

  /** Hashes every key and files it: from here on, every key is looked up. */
  private buildIndex(): void {
    for (let number = 0; number < this.count; number += 1) this.hashes[number] = hashBytes(this.arena, this.starts[number]!, this.starts[number + 1]!);
    this.indexed = true;
    this.resizeSlots(Math.max(this.expectedKeys, this.count) * 2);
  }

  /** New slots (a power of two, at least `minimum`), every key filed again. */
  private resizeSlots(minimum: number): void {
    let slotCount = 16;
    while (slotCount < minimum) slotCount *= 2;
    const slots = new Int32Array(slotCount * 2);
    const mask = slotCount - 1;
    for (let number = 0; number < this.count; number += 1) {
      const hash = this.hashes[number]!;
      let slot = hash & mask;
      while (slots[slot * 2 + 1] !== EMPTY) slot = (slot + 1) & mask;
      slots[slot * 2] = hash;
      slots[slot * 2 + 1] = number + 1;
    }
    this.slots = slots;
    this.mask = mask;
  }

  private growKeys(): void {
    const capacity = this.starts.length * 2;
    const starts = new Int32Array(capacity);
    starts.set(this.starts);
    this.starts = starts;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
  }

  private growArena(length: number): void {
    const grown = new Uint8Array(Math.max(this.arena.length * 2, this.arenaUsed + length));
    grown.set(this.arena.subarray(0, this.arenaUsed));
    this.arena = grown;
  }
}

/** Writes the key of `text` into `into` from 0 (grown when too small); returns the buffer and length. */
export function encodeKey(text: string, into: Uint8Array): { bytes: Uint8Array; length: number } {
  let ascii = true;
  for (let index = 0; index < text.length; index += 1) {
    if (text.charCodeAt(index) > 0x7f) {
      ascii = false;
      break;
    }
  }
  const length = ascii ? text.length : 1 + text.length * 2;
  const bytes = into.length >= length ? into : new Uint8Array(length * 2);
  if (ascii) {
    for (let index = 0; index < text.length; index += 1) bytes[index] = text.charCodeAt(index);
  } else {
    bytes[0] = NOT_ASCII_KEY;
    for (let index = 0; index < text.length; index += 1) {
      const unit = text.charCodeAt(index);
      bytes[1 + index * 2] = unit & 0xff;
      bytes[2 + index * 2] = unit >>> 8;
    }
  }
  return { bytes, length };
}

/** The string whose key is bytes[start, end) (see `encodeKey`). */
export function decodeKey(bytes: Buffer, start: number, end: number): string {
  if (start < end && bytes[start] === NOT_ASCII_KEY) return bytes.toString('utf16le', start + 1, end);
  return bytes.toString('latin1', start, end);
}

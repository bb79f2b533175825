/**
 * The fast path of reading a usage export, on bytes: a line in the exact shape the engine and Dodo
 * write,
 *   {"event_id":"..","customer_id":"..","event_name":"..","timestamp":"..","metadata":{..}}\n
 * with printable-ASCII strings (no escapes), a `YYYY-MM-DDTHH:MM:SS[.sss]Z` timestamp and a flat
 * metadata object, is read without making a string or an object: the ids stay where they are in
 * the buffer (their bytes are their keys, see byte-key-table.ts), the timestamp and the seconds
 * become integer ms by digit arithmetic.
 *
 * Anything else, and any such line whose values are not all valid (unknown job type, seconds
 * missing, negative or not a number), is NOT_SCANNED: the reader then decodes the line and reads
 * it the general way (JSON.parse, field checks, precise errors). The scanner only ever accepts lines
 * that path accepts, with the same values, so both ways agree; the tests check it on random lines.
 *
 * Exactness of the seconds: the rule is `Math.round(seconds * 1000)` of the JSON number. For up
 * to 12 integer digits and at most 3 decimals the exact value is N/1000 with N < 2^50, and the two
 * roundings of Number() and * 1000 stay within N * 2^-52 < 0.5 of N, so the rule gives N: the
 * digits, read as an integer. Any other number is converted with Number() and the same rule.
 */
import { daysFromCivil, daysInMonth } from '../../engine/calendar.ts';
import { type MeterFilter, type MetadataValue, filterHolds, filterKeys } from '../../engine/meter.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS } from '../instants.ts';
import { MAX_EVENT_SECONDS } from '../event-text.ts';

// A module-local copy for the hot loop (an imported binding is a property read in the worker's CommonJS).
const MAX_SECONDS = MAX_EVENT_SECONDS;

const MS_PER_DAY = 86_400_000;
import { encodeKey } from './byte-key-table.ts';

/** A valid event of the catalog meter: see the scanner's fields. */
export const SCANNED_EVENT = 0;
/** A valid line of another event name (skipped by re-rating). */
export const SCANNED_OTHER = 1;
/** Not recognised: decode the line and read it the general way. */
export const NOT_SCANNED = 2;
/** A valid line of the meter's event name that the meter's filter leaves out. */
export const SCANNED_FILTERED = 3;

const QUOTE = 34;
const BACKSLASH = 92;
const COLON = 58;
const COMMA = 44;
const CLOSE_BRACE = 125;
const NEWLINE = 10;
const RETURN = 13;
const MINUS = 45;
const DOT = 46;
/** Scanned at most with this many integer digits by digit arithmetic (see the module comment). */
const MAX_EXACT_DIGITS = 12;

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** A name as bytes to compare with scanned (printable-ASCII) bytes; a non-ASCII name matches none. */
function nameBytes(name: string): Uint8Array {
  const { bytes, length } = encodeKey(name, new Uint8Array(name.length * 2 + 1));
  return bytes.slice(0, length);
}

/** `literal` at bytes[at...]: the index after it, or -1. */
function skipLiteral(bytes: Uint8Array, at: number, limit: number, literal: Uint8Array): number {
  if (at + literal.length > limit) return -1;
  for (let index = 0; index < literal.length; index += 1) if (bytes[at + index] !== literal[index]) return -1;
  return at + literal.length;
}

/**
 * A literal of 4 bytes or more, compared 4 bytes at a time: the little-endian words at offsets
 * 0, 4, 8, ... and one at length - 4 (overlapping the one before) for the last bytes. The first
 * UNROLLED words are fields, compared without a loop (the scanner's literals have 4 or 5 words;
 * a shorter one repeats its last word), the words after them, if any, are in `rest`.
 */
class WordLiteral {
  readonly w0: number;
  readonly w1: number;
  readonly w2: number;
  readonly w3: number;
  readonly w4: number;
  readonly o1: number;
  readonly o2: number;
  readonly o3: number;
  readonly o4: number;
  /** Offsets and words after the first UNROLLED; null when there are none. */
  readonly rest: { readonly offsets: Int32Array; readonly words: Int32Array } | null;

  constructor(
    readonly length: number,
    offsets: readonly number[],
    words: readonly number[],
  ) {
    const offset = (index: number) => offsets[Math.min(index, offsets.length - 1)]!;
    const word = (index: number) => words[Math.min(index, words.length - 1)]!;
    this.w0 = word(0);
    this.w1 = word(1);
    this.w2 = word(2);
    this.w3 = word(3);
    this.w4 = word(4);
    this.o1 = offset(1);
    this.o2 = offset(2);
    this.o3 = offset(3);
    this.o4 = offset(4);
    this.rest = offsets.length > UNROLLED ? { offsets: Int32Array.from(offsets.slice(UNROLLED)), words: Int32Array.from(words.slice(UNROLLED)) } : null;
  }
}
const UNROLLED = 5;

function wordLiteral(bytes: Uint8Array): WordLiteral {
  if (bytes.length < 4) throw new Error('a word literal has 4 bytes or more');
  const offsets: number[] = [];
  for (let offset = 0; offset + 4 <= bytes.length; offset += 4) offsets.push(offset);
  if (bytes.length % 4 !== 0) offsets.push(bytes.length - 4);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return new WordLiteral(bytes.length, offsets, offsets.map((offset) => view.getInt32(offset, true)));
}

const OPEN = wordLiteral(bytesOf('{"event_id":"'));
const AFTER_EVENT_ID = wordLiteral(bytesOf('","customer_id":"'));
const AFTER_CUSTOMER_ID = wordLiteral(bytesOf('","event_name":"'));
const AFTER_EVENT_NAME = wordLiteral(bytesOf('","timestamp":"'));
const AFTER_TIMESTAMP = wordLiteral(bytesOf('","metadata":{'));
const TRUE = bytesOf('true');
const FALSE = bytesOf('false');
const NULL = bytesOf('null');

/** `literal` at the view's byte `at` (bytes up to `limit` valid): the index after it, or -1. */
function skipWords(view: DataView, at: number, limit: number, literal: WordLiteral): number {
  const length = literal.length;
  if (at + length > limit) return -1;
  if (
    view.getInt32(at, true) !== literal.w0 ||
    view.getInt32(at + literal.o1, true) !== literal.w1 ||
    view.getInt32(at + literal.o2, true) !== literal.w2 ||
    view.getInt32(at + literal.o3, true) !== literal.w3 ||
    view.getInt32(at + literal.o4, true) !== literal.w4
  ) {
    return -1;
  }
  const rest = literal.rest;
  if (rest !== null) {
    const { offsets, words } = rest;
    for (let index = 0; index < offsets.length; index += 1) if (view.getInt32(at + offsets[index]!, true) !== words[index]) return -1;
  }
  return at + length;
}

/** Whether a name's bytes stand for themselves inside a JSON string (printable ASCII, no quote or backslash). */
function plainName(name: Uint8Array): boolean {
  return name.every((code) => STRING_BYTE[code] === 0);
}

/** What each byte is in a scanned string: 0 text (printable ASCII), 1 the closing quote, 2 not allowed. */
const STRING_BYTE = Uint8Array.from({ length: 256 }, (_, code) => (code === QUOTE ? 1 : code < 0x20 || code > 0x7f || code === BACKSLASH ? 2 : 0));

/** The closing quote of a string whose text starts at `at` (printable ASCII, no escapes), or -1. */
function stringEnd(bytes: Uint8Array, at: number, limit: number): number {
  const kinds = STRING_BYTE;
  for (let index = at; index < limit; index += 1) {
    const kind = kinds[bytes[index]!]!;
    if (kind !== 0) return kind === 1 ? index : -1;
  }
  return -1;
}

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

/** The end of a JSON number (-?(0|[1-9]d*)(.d+)?([eE][+-]?d+)?) starting at `at`, or -1. */
function numberEnd(bytes: Uint8Array, at: number, limit: number): number {
  let index = at;
  if (index < limit && bytes[index] === MINUS) index += 1;
  if (index >= limit || !isDigit(bytes[index]!)) return -1;
  if (bytes[index] === 48) index += 1;
  else while (index < limit && isDigit(bytes[index]!)) index += 1;
  if (index < limit && bytes[index] === DOT) {
    index += 1;
    if (index >= limit || !isDigit(bytes[index]!)) return -1;
    while (index < limit && isDigit(bytes[index]!)) index += 1;
  }
  if (index < limit && (bytes[index] === 101 || bytes[index] === 69)) {
    index += 1;
    if (index < limit && (bytes[index] === 43 || bytes[index] === MINUS)) index += 1;
    if (index >= limit || !isDigit(bytes[index]!)) return -1;
    while (index < limit && isDigit(bytes[index]!)) index += 1;
  }
  return index;
}

/** `count` decimal digits at `at` as a number, or -1. */
function digits(bytes: Uint8Array, at: number, count: number): number {
  let value = 0;
  for (let index = at; index < at + count; index += 1) {
    const digit = bytes[index]! - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

function sameBytes(bytes: Uint8Array, start: number, end: number, name: Uint8Array): boolean {
  if (end - start !== name.length) return false;
  for (let index = 0; index < name.length; index += 1) if (bytes[start + index] !== name[index]) return false;
  return true;
}

export class UsageByteScanner {
  /** After a scanned line: where the next line starts (past its line break). */
  next = 0;
  /** The event id's bytes, bytes[idStart, idEnd). */
  idStart = 0;
  idEnd = 0;
  /** The customer id's bytes, bytes[customerStart, customerEnd). */
  customerStart = 0;
  customerEnd = 0;
  /** The event name's bytes, bytes[nameStart, nameEnd) (printable ASCII). */
  nameStart = 0;
  nameEnd = 0;
  /** The timestamp, integer ms since the epoch. */
  at = 0;
  /** The meter key's seconds as integer ms (nearest ms). */
  gpuMs = 0;
  /** 0 when metadata has no job_type (the catalog's default), k + 1 for the catalog's job type k. */
  jobType = 0;

  private readonly meterEventName: Uint8Array;
  private readonly meterKey: Uint8Array;
  /**
   * The meter's event name then its closing quote, and the meter key as a member name
   * (`"key":`), to recognise them in one comparison; null for a name that is not plain (the
   * general comparison then decides).
   */
  private readonly meterEventNameQuoted: WordLiteral | null;
  private readonly meterKeyMember: WordLiteral | null;
  /** A DataView of the bytes last scanned (made again when other bytes come). */
  private view: DataView<ArrayBufferLike> = new DataView(new ArrayBuffer(0));
  private viewOf: Uint8Array | null = null;
  private readonly jobTypeKey = bytesOf('job_type');
  private readonly jobTypes: Uint8Array[];
  /** The meter key's number as bytes[secondsStart, secondsEnd); -1: absent, -2: not a number. */
  private secondsStart = -1;
  private secondsEnd = -1;
  /** job_type's text as bytes[jobTypeStart, jobTypeEnd); -1: absent, -2: not a string. */
  private jobTypeStart = -1;
  private jobTypeEnd = -1;
  /**
   * A memo of the last calendar day read: its YYYY-MM-DD bytes as little-endian words (4, 4 and 2
   * bytes; a third word of -1 matches none) and its first ms. Exports run day by day.
   */
  private readonly dayWords = Int32Array.of(0, 0, -1);
  private dayMs = 0;
  /** The meter's filter (null: none) and the verdicts of the value bytes met so far. */
  private readonly filter: FilterVerdicts | null;

  /** Accepted instants (rate/instants.ts): a line outside them is left to the text path, which reports it. */
  private readonly fromAt: number;
  private readonly toAt: number;

  constructor(meterEventName: string, meterKey: string, jobTypeIds: readonly string[], filter: MeterFilter | null = null, range: InstantRange = PLAUSIBLE_INSTANTS) {
    this.fromAt = range.fromAt;
    this.toAt = range.toAt;
    this.meterEventName = nameBytes(meterEventName);
    this.meterKey = nameBytes(meterKey);
    this.filter = filter ? new FilterVerdicts(filter, meterKey) : null;
    const quoted = (name: Uint8Array, before: string, after: string) =>
      plainName(name) && name.length + before.length + after.length >= 4 ? wordLiteral(Uint8Array.from([...bytesOf(before), ...name, ...bytesOf(after)])) : null;
    this.meterEventNameQuoted = quoted(this.meterEventName, '', '"');
    this.meterKeyMember = quoted(this.meterKey, '"', '":');
    this.jobTypes = jobTypeIds.map(nameBytes);
  }

  /** Scans the line starting at `start` (bytes up to `limit` are valid): SCANNED_* or NOT_SCANNED. */
  scan(bytes: Buffer, start: number, limit: number): number {
    if (bytes !== this.viewOf) {
      this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.viewOf = bytes;
    }
    const view = this.view;
    let at = skipWords(view, start, limit, OPEN);
    if (at < 0) return NOT_SCANNED;
    const idEnd = stringEnd(bytes, at, limit);
    if (idEnd <= at) return NOT_SCANNED;
    this.idStart = at;
    this.idEnd = idEnd;
    at = skipWords(view, idEnd, limit, AFTER_EVENT_ID);
    const customerEnd = at < 0 ? -1 : stringEnd(bytes, at, limit);
    if (customerEnd <= at) return NOT_SCANNED;
    this.customerStart = at;
    this.customerEnd = customerEnd;
    const nameStart = skipWords(view, customerEnd, limit, AFTER_CUSTOMER_ID);
    if (nameStart < 0) return NOT_SCANNED;
    // The meter's event name in one comparison (it cannot be followed by more of a longer name:
    // the comparison takes in the closing quote); any other name is found the general way.
    const quoted = this.meterEventNameQuoted;
    const meterEnd = quoted === null ? -1 : skipWords(view, nameStart, limit, quoted);
    const nameEnd = meterEnd >= 0 ? meterEnd - 1 : stringEnd(bytes, nameStart, limit);
    if (nameEnd <= nameStart) return NOT_SCANNED;
    this.nameStart = nameStart;
    this.nameEnd = nameEnd;
    at = skipWords(view, nameEnd, limit, AFTER_EVENT_NAME);
    at = at < 0 ? -1 : this.timestamp(bytes, at, limit);
    at = at < 0 ? -1 : skipWords(view, at, limit, AFTER_TIMESTAMP);
    at = at < 0 ? -1 : this.metadata(bytes, at, limit);
    if (at < 0 || at >= limit || bytes[at] !== CLOSE_BRACE) return NOT_SCANNED;
    at += 1;
    if (at < limit && bytes[at] === NEWLINE) this.next = at + 1;
    else if (at + 1 < limit && bytes[at] === RETURN && bytes[at + 1] === NEWLINE) this.next = at + 2;
    else return NOT_SCANNED;
    if (meterEnd < 0 && !sameBytes(bytes, nameStart, nameEnd, this.meterEventName)) return SCANNED_OTHER;
    const filter = this.filter;
    if (filter !== null) {
      const verdict = filter.verdict(bytes);
      if (verdict !== PASSES) return verdict === FILTERED_OUT ? SCANNED_FILTERED : NOT_SCANNED;
    }
    return this.seconds(bytes) && this.jobTypeCode(bytes) ? SCANNED_EVENT : NOT_SCANNED;
  }

  /** Reads a canonical UTC timestamp's text at `at` into `this.at`; the closing quote, or -1. */
  private timestamp(bytes: Uint8Array, at: number, limit: number): number {
    if (at + 20 >= limit) return -1;
    if (bytes[at + 4] !== MINUS || bytes[at + 7] !== MINUS || bytes[at + 10] !== 84 || bytes[at + 13] !== COLON || bytes[at + 16] !== COLON) return -1;
    let close = at + 20;
    let millis = 0;
    if (bytes[at + 19] === DOT) {
      close = at + 24;
      if (close >= limit || bytes[at + 23] !== 90) return -1;
      millis = digits(bytes, at + 20, 3);
    } else if (bytes[at + 19] !== 90) {
      return -1;
    }
    if (bytes[close] !== QUOTE) return -1;
    // The date (YYYY-MM-DD) as three words: the same bytes as the day in the memo need no reading.
    const view = this.view;
    const date0 = view.getInt32(at, true);
    const date1 = view.getInt32(at + 4, true);
    const date2 = view.getUint16(at + 8, true);
    if (date0 !== this.dayWords[0] || date1 !== this.dayWords[1] || date2 !== this.dayWords[2]) {
      // A new day: checked once, then remembered with its first instant (exports run day by day).
      const year = digits(bytes, at, 4);
      const month = digits(bytes, at + 5, 2);
      const day = digits(bytes, at + 8, 2);
      if (year < 1970 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return -1;
      this.dayMs = daysFromCivil(year, month, day) * MS_PER_DAY;
      this.dayWords[0] = date0;
      this.dayWords[1] = date1;
      this.dayWords[2] = date2;
    }
    const hours = digits(bytes, at + 11, 2);
    const minutes = digits(bytes, at + 14, 2);
    const seconds = digits(bytes, at + 17, 2);
    if (millis < 0 || hours < 0 || hours > 23 || minutes < 0 || minutes > 59 || seconds < 0 || seconds > 59) return -1;
    const instant = this.dayMs + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis;
    if (instant < this.fromAt || instant >= this.toAt) return -1;
    this.at = instant;
    return close;
  }

  /**
   * Reads the flat members of metadata after its `{`, noting the meter key's and job_type's
   * values (a repeated key: the last one counts, as with JSON.parse). Returns the index after the
   * closing `}`, or -1.
   */
  private metadata(bytes: Uint8Array, start: number, limit: number): number {
    this.secondsStart = -1;
    this.jobTypeStart = -1;
    const filter = this.filter;
    filter?.clear();
    let at = start;
    if (at < limit && bytes[at] === CLOSE_BRACE) return at + 1;
    const member = this.meterKeyMember;
    for (;;) {
      // The meter key in one comparison (quotes and colon included); any other key the general way.
      const memberEnd = member === null ? -1 : skipWords(this.view, at, limit, member);
      let valueStart: number;
      let isMeterKey = true;
      let isJobType = false;
      let filterKey = -1;
      if (memberEnd >= 0) {
        valueStart = memberEnd;
        if (filter !== null) filterKey = filter.meterKeyIndex;
      } else {
        if (at >= limit || bytes[at] !== QUOTE) return -1;
        const keyEnd = stringEnd(bytes, at + 1, limit);
        if (keyEnd < 0 || keyEnd + 1 >= limit || bytes[keyEnd + 1] !== COLON) return -1;
        isMeterKey = sameBytes(bytes, at + 1, keyEnd, this.meterKey);
        isJobType = !isMeterKey && sameBytes(bytes, at + 1, keyEnd, this.jobTypeKey);
        if (filter !== null) filterKey = filter.keyIndex(bytes, at + 1, keyEnd);
        valueStart = keyEnd + 2;
      }
      const first = valueStart < limit ? bytes[valueStart]! : -1;
      let valueEnd: number;
      if (first === QUOTE) {
        const close = stringEnd(bytes, valueStart + 1, limit);
        valueEnd = close < 0 ? -1 : close + 1;
      } else if (first === 116) valueEnd = skipLiteral(bytes, valueStart, limit, TRUE);
      else if (first === 102) valueEnd = skipLiteral(bytes, valueStart, limit, FALSE);
      else if (first === 110) valueEnd = skipLiteral(bytes, valueStart, limit, NULL);
      else valueEnd = numberEnd(bytes, valueStart, limit);
      if (valueEnd < 0 || valueEnd >= limit) return -1;
      const isNumber = first === MINUS || isDigit(first);
      if (filterKey >= 0) filter!.note(filterKey, valueStart, valueEnd);
      if (isMeterKey) {
        this.secondsStart = isNumber ? valueStart : -2;
        this.secondsEnd = valueEnd;
      } else if (isJobType) {
        this.jobTypeStart = first === QUOTE ? valueStart + 1 : -2;
        this.jobTypeEnd = valueEnd - 1;
      }
      const separator = bytes[valueEnd];
      at = valueEnd + 1;
      if (separator === CLOSE_BRACE) return at;
      if (separator !== COMMA) return -1;
    }
  }

  /** The meter key's seconds into `gpuMs`; false when absent, not a number, negative or infinite. */
  private seconds(bytes: Buffer): boolean {
    const start = this.secondsStart;
    const end = this.secondsEnd;
    if (start < 0 || bytes[start] === MINUS) return false;
    let index = start;
    let whole = 0;
    while (index < end && isDigit(bytes[index]!)) whole = whole * 10 + (bytes[index++]! - 48);
    let exact = index - start <= MAX_EXACT_DIGITS;
    let millis = 0;
    if (index < end && bytes[index] === DOT) {
      const fractionStart = index + 1;
      for (index = fractionStart; index < end && isDigit(bytes[index]!); index += 1) {
        if (index - fractionStart < 3) millis += (bytes[index]! - 48) * (index === fractionStart ? 100 : index === fractionStart + 1 ? 10 : 1);
      }
      if (index - fractionStart > 3) exact = false;
    }
    // Past the per-event limit the text path reports the line (as it does a non-number).
    if (exact && index === end) {
      this.gpuMs = whole * 1000 + millis;
      return whole < MAX_SECONDS || (whole === MAX_SECONDS && millis === 0);
    }
    const seconds = Number(bytes.toString('latin1', start, end));
    if (!Number.isFinite(seconds) || seconds > MAX_SECONDS) return false;
    this.gpuMs = Math.round(seconds * 1000);
    return true;
  }

  /** The job type's code into `jobType`; false when job_type is not a string or not the catalog's. */
  private jobTypeCode(bytes: Uint8Array): boolean {
    if (this.jobTypeStart === -1) {
      this.jobType = 0;
      return true;
    }
    if (this.jobTypeStart < 0) return false;
    for (let index = 0; index < this.jobTypes.length; index += 1) {
      if (sameBytes(bytes, this.jobTypeStart, this.jobTypeEnd, this.jobTypes[index]!)) {
        this.jobType = index + 1;
        return true;
      }
    }
    return false;
  }
}

/** FilterVerdicts.verdict: the filter holds, does not, or the line is left to the text path. */
const PASSES = 0;
const FILTERED_OUT = 1;
const UNDECIDED = 2;
/** Distinct value combinations remembered (a filter on `mode` meets two or three). */
const VERDICTS_KEPT = 16;

/**
 * The meter's filter on scanned bytes. The metadata values of the keys the filter reads are noted
 * as byte spans while the line is scanned (`note`); `verdict` then compares them with the value
 * combinations met before (exports repeat a few: `"fast"`, `"turbo"`) and evaluates the filter
 * (`filterHolds`, as the text path does) only for a new one, on values decoded as JSON.parse
 * would. A `null` value is left to the text path.
 */
class FilterVerdicts {
  private readonly keys: Uint8Array[];
  /** The filter key that is the meter key (-1: none). */
  readonly meterKeyIndex: number;
  private readonly starts: Int32Array;
  private readonly ends: Int32Array;
  /** Remembered value bytes (per key; null: absent) and their verdicts. */
  private readonly seen: (Uint8Array | null)[][] = [];
  private readonly verdicts: number[] = [];

  constructor(
    private readonly filter: MeterFilter,
    meterKey: string,
  ) {
    const names = filterKeys(filter);
    this.keys = names.map(nameBytes);
    this.meterKeyIndex = names.indexOf(meterKey);
    this.starts = new Int32Array(names.length).fill(-1);
    this.ends = new Int32Array(names.length);
  }

  clear(): void {
    this.starts.fill(-1);
  }

  /** The filter key whose name is bytes[start, end), or -1. */
  keyIndex(bytes: Uint8Array, start: number, end: number): number {
    const keys = this.keys;
    for (let index = 0; index < keys.length; index += 1) if (sameBytes(bytes, start, end, keys[index]!)) return index;
    return -1;
  }

  /** Key `index` has the value bytes[start, end) (a repeated key: the last counts, as with JSON.parse). */
  note(index: number, start: number, end: number): void {
    this.starts[index] = start;
    this.ends[index] = end;
  }

  verdict(bytes: Buffer): number {
    const { starts, ends, seen } = this;
    for (let entry = 0; entry < seen.length; entry += 1) {
      const values = seen[entry]!;
      let same = true;
      for (let key = 0; key < values.length && same; key += 1) {
        const value = values[key]!;
        same = value === null ? starts[key] === -1 : starts[key] !== -1 && sameBytes(bytes, starts[key]!, ends[key]!, value);
      }
      if (same) return this.verdicts[entry]!;
    }
    const metadata: Record<string, MetadataValue> = {};
    for (let key = 0; key < starts.length; key += 1) {
      if (starts[key] === -1) continue;
      const value = decodeValue(bytes, starts[key]!, ends[key]!);
      if (value === null) return UNDECIDED;
      metadata[String.fromCharCode(...this.keys[key]!)] = value;
    }
    const verdict = filterHolds(this.filter, metadata) ? PASSES : FILTERED_OUT;
    if (seen.length < VERDICTS_KEPT) {
      // A copy (Buffer#slice would be a view of the chunk, which the reader overwrites).
      seen.push(Array.from(starts, (start, key) => (start === -1 ? null : Uint8Array.from(bytes.subarray(start, ends[key]!)))));
      this.verdicts.push(verdict);
    }
    return verdict;
  }
}

/** A scanned flat JSON value (a plain string, a number, true, false) as JSON.parse gives it; null for `null`. */
function decodeValue(bytes: Buffer, start: number, end: number): MetadataValue | null {
  const first = bytes[start];
  if (first === QUOTE) return bytes.toString('latin1', start + 1, end - 1);
  if (first === 116) return true;
  if (first === 102) return false;
  if (first === 110) return null;
  return Number(bytes.toString('latin1', start, end));
}

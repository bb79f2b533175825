/**
 * Invoices handed from a rating worker to the main thread as columns: a partition's hundreds of
 * thousands of invoices cost a few ms instead of the seconds structured cloning takes (it writes
 * every key of every object, and the receiver builds objects key by key).
 *
 * The fields are listed here in the engine's order (INVOICE_FIELDS, LINE_FIELDS). The encoder
 * checks every invoice and line against them (names, order, value types); if the engine's
 * invoices ever differ (a field added, say), the invoices travel by structured cloning instead:
 * slower, never different. A test fails in that case, so the lists follow the engine.
 * Customer ids travel as customer numbers (the receiver holds the strings).
 */
import type { Invoice, InvoiceLine } from '../engine/index.ts';
import type { InvoiceChunk } from './partition-rater.ts';

export const INVOICE_FIELDS = [
  'customerId', 'periodStartAt', 'periodEndAt', 'planId', 'interval', 'includedMs', 'fastMs', 'turboMs', 'relaxMs',
  'overAllowanceMs', 'overageMs', 'fastJobs', 'relaxJobs', 'fallbackJobs', 'blockedJobs', 'exhaustedAt', 'lines', 'totalCents',
] as const;
export const LINE_FIELDS = ['kind', 'quantity', 'unit', 'amountCents', 'at', 'planId', 'detail'] as const;

/** Numbers per invoice: the numeric fields (exhaustedAt null as NaN), then the line count. */
const INVOICE_NUMBERS = 15;
const LINE_NUMBERS = 3;
/** String fields per invoice (planId, interval) and per line (kind, unit, planId, detail). */
const INVOICE_STRINGS = 2;
const LINE_STRINGS = 4;

export interface EncodedInvoices {
  readonly customerNumbers: Int32Array;
  /** The invoices as columns, or (when they do not fit them) as they are. */
  readonly columns: InvoiceColumns | readonly Invoice[];
}

interface InvoiceColumns {
  readonly count: number;
  readonly numbers: Float64Array;
  readonly lineNumbers: Float64Array;
  /** Indexes into `table`. */
  readonly strings: Int32Array;
  readonly table: readonly string[];
}

function hasFields(record: object, fields: readonly string[]): boolean {
  let index = 0;
  for (const key in record) if (key !== fields[index++]) return false;
  return index === fields.length;
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/** Whether the invoice has exactly the listed fields, with the types the columns keep. */
function fitsColumns(invoice: Invoice): boolean {
  if (!hasFields(invoice, INVOICE_FIELDS)) return false;
  const i = invoice;
  if (typeof i.customerId !== 'string' || typeof i.planId !== 'string' || typeof i.interval !== 'string' || !Array.isArray(i.lines)) return false;
  if (!isNumber(i.periodStartAt) || !isNumber(i.periodEndAt) || !isNumber(i.includedMs) || !isNumber(i.fastMs) || !isNumber(i.turboMs)) return false;
  if (!isNumber(i.relaxMs) || !isNumber(i.overAllowanceMs) || !isNumber(i.overageMs) || !isNumber(i.fastJobs) || !isNumber(i.relaxJobs)) return false;
  if (!isNumber(i.fallbackJobs) || !isNumber(i.blockedJobs) || !isNumber(i.totalCents)) return false;
  if (i.exhaustedAt !== null && (!isNumber(i.exhaustedAt) || Number.isNaN(i.exhaustedAt))) return false;
  for (const line of i.lines) {
    if (!hasFields(line, LINE_FIELDS) || !isNumber(line.quantity) || !isNumber(line.amountCents) || !isNumber(line.at)) return false;
    if (typeof line.kind !== 'string' || typeof line.unit !== 'string' || typeof line.planId !== 'string' || typeof line.detail !== 'string') return false;
  }
  return true;
}

/** Encodes a chunk of invoices (see `decodeInvoices`). */
export function encodeInvoices(chunk: InvoiceChunk): EncodedInvoices {
  const { invoices, customerNumbers } = chunk;
  let lineCount = 0;
  for (const invoice of invoices) {
    if (!fitsColumns(invoice)) return { customerNumbers, columns: invoices };
    lineCount += invoice.lines.length;
  }
  const count = invoices.length;
  const numbers = new Float64Array(count * INVOICE_NUMBERS);
  const lineNumbers = new Float64Array(lineCount * LINE_NUMBERS);
  const strings = new Int32Array(count * INVOICE_STRINGS + lineCount * LINE_STRINGS);
  const table: string[] = [];
  const tableIndex = new Map<string, number>();
  const intern = (text: string): number => {
    let index = tableIndex.get(text);
    if (index === undefined) {
      index = table.length;
      table.push(text);
      tableIndex.set(text, index);
    }
    return index;
  };
  let n = 0;
  let l = 0;
  let s = 0;
  for (const invoice of invoices) {
    numbers[n++] = invoice.periodStartAt;
    numbers[n++] = invoice.periodEndAt;
    numbers[n++] = invoice.includedMs;
    numbers[n++] = invoice.fastMs;
    numbers[n++] = invoice.turboMs;
    numbers[n++] = invoice.relaxMs;
    numbers[n++] = invoice.overAllowanceMs;
    numbers[n++] = invoice.overageMs;
    numbers[n++] = invoice.fastJobs;
    numbers[n++] = invoice.relaxJobs;
    numbers[n++] = invoice.fallbackJobs;
    numbers[n++] = invoice.blockedJobs;
    numbers[n++] = invoice.exhaustedAt ?? Number.NaN;
    numbers[n++] = invoice.totalCents;
    numbers[n++] = invoice.lines.length;
    strings[s++] = intern(invoice.planId);
    strings[s++] = intern(invoice.interval);
    for (const line of invoice.lines) {
      lineNumbers[l++] = line.quantity;
      lineNumbers[l++] = line.amountCents;
      lineNumbers[l++] = line.at;
      strings[s++] = intern(line.kind);
      strings[s++] = intern(line.unit);
      strings[s++] = intern(line.planId);
      strings[s++] = intern(line.detail);
    }
  }
  return { customerNumbers, columns: { count, numbers, lineNumbers, strings, table } };
}

/** The buffers of encoded invoices, for a postMessage transfer list. */
export function encodedBuffers(encoded: EncodedInvoices): ArrayBuffer[] {
  const buffers = [encoded.customerNumbers.buffer as ArrayBuffer];
  if (!Array.isArray(encoded.columns)) {
    const { numbers, lineNumbers, strings } = encoded.columns as InvoiceColumns;
    buffers.push(numbers.buffer as ArrayBuffer, lineNumbers.buffer as ArrayBuffer, strings.buffer as ArrayBuffer);
  }
  return buffers;
}

/** The chunk `encodeInvoices` was given (invoices equal field by field); `customerIds` by number. */
export function decodeInvoices(encoded: EncodedInvoices, customerIds: readonly string[]): InvoiceChunk {
  const { customerNumbers } = encoded;
  if (Array.isArray(encoded.columns)) return { invoices: encoded.columns as readonly Invoice[], customerNumbers };
  const { count, numbers, lineNumbers, strings, table } = encoded.columns as InvoiceColumns;
  const invoices = new Array<Invoice>(count);
  let n = 0;
  let l = 0;
  let s = 0;
  for (let index = 0; index < count; index += 1, n += INVOICE_NUMBERS) {
    const lineTotal = numbers[n + 14]!;
    const planId = table[strings[s++]!]!;
    const interval = table[strings[s++]!]! as Invoice['interval'];
    // Sized up front: an array grown by push reserves room for 17 lines (most invoices have one).
    const lines = new Array<InvoiceLine>(lineTotal);
    for (let line = 0; line < lineTotal; line += 1, l += LINE_NUMBERS, s += LINE_STRINGS) {
      lines[line] = {
        kind: table[strings[s]!]! as InvoiceLine['kind'],
        quantity: lineNumbers[l]!,
        unit: table[strings[s + 1]!]! as InvoiceLine['unit'],
        amountCents: lineNumbers[l + 1]!,
        at: lineNumbers[l + 2]!,
        planId: table[strings[s + 2]!]!,
        detail: table[strings[s + 3]!]!,
      };
    }
    const exhaustedAt = numbers[n + 12]!;
    invoices[index] = {
      customerId: customerIds[customerNumbers[index]!]!,
      periodStartAt: numbers[n]!,
      periodEndAt: numbers[n + 1]!,
      planId,
      interval,
      includedMs: numbers[n + 2]!,
      fastMs: numbers[n + 3]!,
      turboMs: numbers[n + 4]!,
      relaxMs: numbers[n + 5]!,
      overAllowanceMs: numbers[n + 6]!,
      overageMs: numbers[n + 7]!,
      fastJobs: numbers[n + 8]!,
      relaxJobs: numbers[n + 9]!,
      fallbackJobs: numbers[n + 10]!,
      blockedJobs: numbers[n + 11]!,
      exhaustedAt: Number.isNaN(exhaustedAt) ? null : exhaustedAt,
      lines,
      totalCents: numbers[n + 13]!,
    };
  }
  return { invoices, customerNumbers };
}

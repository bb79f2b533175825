/**
 * The invoices of `engine rate` as an aligned table, then their count and total, written a few
 * thousand rows at a time. Two passes: the column widths, then the rows. The widths pass measures
 * each cell without writing it (a row's text is most of the work, and 300k rows were written twice
 * before); the tests check it against the lengths of the written cells.
 */
import { type Invoice, formatCents, formatIsoMs, secondsText } from '../engine/index.ts';

/** Rows written per write: the output goes out in pieces, never as one string of them all. */
const ROWS_PER_WRITE = 2000;

export const TABLE_HEADER = ['customer', 'period', 'plan', 'fast_s', 'over_allowance_s', 'relax_jobs', 'blocked_jobs', 'lines', 'total'] as const;

/** The cells of an invoice's row, in TABLE_HEADER's order. */
export function tableRow(invoice: Invoice): string[] {
  return [
    invoice.customerId,
    `${formatIsoMs(invoice.periodStartAt).slice(0, 10)}..${formatIsoMs(invoice.periodEndAt).slice(0, 10)}`,
    invoice.planId,
    secondsText(invoice.fastMs),
    secondsText(invoice.overAllowanceMs),
    String(invoice.relaxJobs),
    String(invoice.blockedJobs),
    invoice.lines.map((line) => `${line.kind} ${formatCents(line.amountCents)}`).join('; ') || '-',
    formatCents(invoice.totalCents),
  ];
}

/** Digits of a whole number >= 0. */
function digitCount(value: number): number {
  let digits = 1;
  for (let rest = value; rest >= 10; rest = Math.floor(rest / 10)) digits += 1;
  return digits;
}

/** `String(count).length` for a count (a whole number >= 0); other numbers measured by writing them. */
function countLength(count: number): number {
  return Number.isSafeInteger(count) && count >= 0 ? digitCount(count) : String(count).length;
}

/** `formatCents(cents).length`. */
function centsLength(cents: number): number {
  if (!Number.isSafeInteger(cents)) return formatCents(cents).length;
  return (cents < 0 ? 1 : 0) + digitCount(Math.floor(Math.abs(cents) / 100)) + 3;
}

/** The period cell: two dates of 10 characters (the first 10 of `formatIsoMs`) and `..`. */
const PERIOD_LENGTH = 22;

/** Widens `widths` to fit the cells of the invoice's row (`tableRow(invoice)[k].length` for column k). */
export function fitRow(invoice: Invoice, widths: number[]): void {
  let lines = 0;
  for (const line of invoice.lines) lines += (lines === 0 ? 0 : 2) + line.kind.length + 1 + centsLength(line.amountCents);
  const lengths = [
    invoice.customerId.length,
    PERIOD_LENGTH,
    invoice.planId.length,
    secondsText(invoice.fastMs).length,
    secondsText(invoice.overAllowanceMs).length,
    countLength(invoice.relaxJobs),
    countLength(invoice.blockedJobs),
    lines === 0 ? 1 : lines,
    centsLength(invoice.totalCents),
  ];
  for (let column = 0; column < lengths.length; column += 1) if (lengths[column]! > widths[column]!) widths[column] = lengths[column]!;
}

/** Writes the table of `invoices` through `write`, then the count and the total. */
export function writeInvoiceTable(invoices: readonly Invoice[], write: (text: string) => void): void {
  const widths: number[] = TABLE_HEADER.map((title) => title.length);
  let total = 0;
  for (const invoice of invoices) {
    fitRow(invoice, widths);
    total += invoice.totalCents;
  }
  const format = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  let piece = `${format(TABLE_HEADER)}\n`;
  for (let index = 0; index < invoices.length; index += 1) {
    piece += `${format(tableRow(invoices[index]!))}\n`;
    if ((index + 1) % ROWS_PER_WRITE === 0) {
      write(piece);
      piece = '';
    }
  }
  write(`${piece}\n${invoices.length} invoice(s), total ${formatCents(total)}\n`);
}

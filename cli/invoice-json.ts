/**
 * `engine rate --json` written a few thousand invoices at a time (each invoice's text comes from
 * engine/invoice-json.ts).
 */
import { type Invoice, invoiceJsonText } from '../engine/index.ts';

/** Invoices written per write: the output goes out in pieces, never as one string of them all. */
const INVOICES_PER_WRITE = 2000;

/**
 * `{"invoices":[...], ...rest}` through `write`, exactly what JSON.stringify gives for the whole
 * object, a few thousand invoices at a time: one string of 300k invoices is ~90 MB to build and hold.
 */
export function writeInvoicesJson(invoices: readonly Invoice[], write: (text: string) => void, rest: Record<string, unknown> = {}): void {
  let piece = '{"invoices":[';
  for (let index = 0; index < invoices.length; index += 1) {
    if (index > 0) piece += ',';
    piece += invoiceJsonText(invoices[index]!);
    if ((index + 1) % INVOICES_PER_WRITE === 0) {
      write(piece);
      piece = '';
    }
  }
  const tail = JSON.stringify(rest).slice(1); // `}` or `"key":...}`
  write(`${piece}]${tail === '}' ? '' : ','}${tail}\n`);
}

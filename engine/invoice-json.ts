/**
 * An invoice as its JSON text, the shape `engine rate --json` prints and the simulator's trace
 * writes (`invoices.jsonl`), so that the two can be compared byte for byte. `invoiceJsonText`
 * writes the text directly, byte for byte what JSON.stringify gives for `invoiceJson` (the tests
 * compare them on random invoices): building an object per invoice and line and stringifying it
 * took ~6 us an invoice, longer than rating it. Pure formatting, like a usage event's `toJSON`.
 */
import type { Invoice } from './account.ts';
import { formatIsoMs } from './calendar.ts';

function seconds(ms: number): number {
  return ms / 1000;
}

/** The invoice as the JSON output's object. */
export function invoiceJson(invoice: Invoice): Record<string, unknown> {
  return {
    customer_id: invoice.customerId,
    period_start: formatIsoMs(invoice.periodStartAt),
    period_end: formatIsoMs(invoice.periodEndAt),
    plan: invoice.planId,
    fast_seconds: seconds(invoice.fastMs),
    over_allowance_seconds: seconds(invoice.overAllowanceMs),
    relax_jobs: invoice.relaxJobs,
    blocked_jobs: invoice.blockedJobs,
    lines: invoice.lines.map((line) => ({ kind: line.kind, quantity: line.quantity, amount_cents: line.amountCents })),
    total_cents: invoice.totalCents,
  };
}

/** A number as JSON writes it (null when not finite). */
function jsonNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : 'null';
}

/** The fraction digits of k ms as seconds, without trailing zeros: `001` .. `999` then `5` for 500. */
const MS_FRACTIONS = Array.from({ length: 1000 }, (_, millis) => String(millis).padStart(3, '0').replace(/0+$/, ''));

/**
 * `String(ms / 1000)`, the seconds of `ms` as JavaScript (and JSON, for a finite number) writes
 * them. For a whole number of ms below 10^15 the seconds have at most 15 significant digits, so
 * the shortest text that reads back as the double is those digits (no double is nearest to two
 * such decimals): written here from the integers instead of converting the double.
 */
export function secondsText(ms: number): string {
  if (!Number.isSafeInteger(ms) || ms < 0 || ms >= 1e15) return String(seconds(ms));
  const whole = Math.floor(ms / 1000);
  const millis = ms - whole * 1000;
  return millis === 0 ? String(whole) : `${whole}.${MS_FRACTIONS[millis]}`;
}

/** `jsonNumber(ms / 1000)`. */
function jsonSeconds(ms: number): string {
  return Number.isFinite(ms) ? secondsText(ms) : 'null';
}

/** `JSON.stringify(invoiceJson(invoice))`, written directly. */
export function invoiceJsonText(invoice: Invoice): string {
  let lines = '';
  for (const line of invoice.lines) {
    if (lines !== '') lines += ',';
    lines += `{"kind":${JSON.stringify(line.kind)},"quantity":${jsonNumber(line.quantity)},"amount_cents":${jsonNumber(line.amountCents)}}`;
  }
  return (
    `{"customer_id":${JSON.stringify(invoice.customerId)},"period_start":"${formatIsoMs(invoice.periodStartAt)}","period_end":"${formatIsoMs(invoice.periodEndAt)}",` +
    `"plan":${JSON.stringify(invoice.planId)},"fast_seconds":${jsonSeconds(invoice.fastMs)},"over_allowance_seconds":${jsonSeconds(invoice.overAllowanceMs)},` +
    `"relax_jobs":${jsonNumber(invoice.relaxJobs)},"blocked_jobs":${jsonNumber(invoice.blockedJobs)},"lines":[${lines}],"total_cents":${jsonNumber(invoice.totalCents)}}`
  );
}

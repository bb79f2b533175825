/**
 * Random invoices for tests of the output writers: odd strings (quotes, lone surrogates, line
 * separators), whole and fractional ms, huge and negative amounts, 0 to 4 lines.
 */
import fc from 'fast-check';
import type { Invoice, InvoiceLine } from '../../engine/index.ts';

const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('cus_1', 'a"b', 'a\\b', '\u2028', '\ud800', 'é'));
export const ms = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 10 ** 9 }) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }) },
  { weight: 1, arbitrary: fc.constantFrom(0, 1, 999, 1000, 1001, 10 ** 15 - 1, 10 ** 15, 1.5, -2000) },
);
const number = fc.oneof(fc.integer({ min: -(10 ** 9), max: 10 ** 9 }), fc.double({ noNaN: true }), fc.constantFrom(0.5, 1 / 3, -0, Number.NaN));
const line: fc.Arbitrary<InvoiceLine> = fc.record({
  kind: fc.constantFrom('base_fee', 'topup', 'overage', 'proration'),
  quantity: number,
  unit: fc.constantFrom('subscription', 'hour', 'second', 'share'),
  amountCents: fc.integer({ min: -(10 ** 9), max: 10 ** 9 }),
  at: fc.nat(),
  planId: text,
  detail: text,
}) as fc.Arbitrary<InvoiceLine>;
const instant = fc.oneof({ weight: 9, arbitrary: fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) }) }, { weight: 1, arbitrary: fc.integer({ min: -8.64e15, max: 8.64e15 }) },
  // Around the first instant of year 0000 and of year 10000.
  { weight: 1, arbitrary: fc.constantFrom(-62_167_219_200_001, -62_167_219_200_000, 253_402_300_799_999, 253_402_300_800_000) },
);
export const invoice: fc.Arbitrary<Invoice> = fc.record({
  customerId: text,
  periodStartAt: instant,
  periodEndAt: instant,
  planId: text,
  interval: fc.constantFrom('month', 'year'),
  includedMs: ms,
  fastMs: ms,
  turboMs: ms,
  relaxMs: ms,
  overAllowanceMs: ms,
  overageMs: ms,
  fastJobs: fc.nat(),
  relaxJobs: fc.nat(),
  fallbackJobs: fc.nat(),
  blockedJobs: fc.nat(),
  exhaustedAt: fc.constant(null),
  lines: fc.array(line, { maxLength: 4 }),
  totalCents: fc.integer({ min: -(10 ** 9), max: 10 ** 12 }),
}) as fc.Arbitrary<Invoice>;


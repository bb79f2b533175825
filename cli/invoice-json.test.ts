import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invoice, InvoiceLine } from '../engine/index.ts';
import { invoiceJson, invoiceJsonText } from './invoice-json.ts';

const text = fc.oneof(fc.string({ maxLength: 8 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('cus_1', 'a"b', 'a\\b', '\u2028', '\ud800', 'é'));
const ms = fc.oneof(
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
const instant = fc.integer({ min: 0, max: Date.UTC(2200, 0, 1) });
const invoice: fc.Arbitrary<Invoice> = fc.record({
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

describe('invoiceJsonText', () => {
  it('writes exactly what JSON.stringify gives for the invoice object', () => {
    fc.assert(
      fc.property(invoice, (value) => {
        expect(invoiceJsonText(value)).toBe(JSON.stringify(invoiceJson(value)));
      }),
      { numRuns: 5000 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoiceJson, invoiceJsonText, secondsText } from '../engine/index.ts';
import { invoice, ms } from './test/invoices.ts';

describe('invoiceJsonText', () => {
  it('writes exactly what JSON.stringify gives for the invoice object', () => {
    fc.assert(
      fc.property(invoice, (value) => {
        expect(invoiceJsonText(value)).toBe(JSON.stringify(invoiceJson(value)));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes seconds of ms exactly as String(ms / 1000) does', () => {
    fc.assert(
      fc.property(fc.oneof(ms, fc.double(), fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, -0)), (value) => {
        expect(secondsText(value)).toBe(String(value / 1000));
      }),
      { numRuns: 20000 },
    );
  });
});

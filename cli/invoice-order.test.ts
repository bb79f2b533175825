import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../engine/index.ts';
import { customerRanks, orderInvoices } from './invoice-order.ts';

const CUSTOMERS = ['cus_b', 'cus_a', 'cus_10', 'cus_9', 'é', 'cus_a2'];

function invoice(customer: number, periodStartAt: number, tag: number): Invoice {
  return { customerId: CUSTOMERS[customer]!, periodStartAt, tag } as unknown as Invoice;
}

function byComparison(invoices: readonly Invoice[]): Invoice[] {
  return [...invoices].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) || a.periodStartAt - b.periodStartAt);
}

describe('orderInvoices', () => {
  it('orders chunks of invoices as a stable comparison sort by (customer id, period start) does', () => {
    const entry = fc.record({ customer: fc.nat({ max: CUSTOMERS.length - 1 }), start: fc.nat({ max: 20 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.array(fc.nat({ max: 60 }), { maxLength: 4 }), fc.boolean(), (entries, cuts, chronological) => {
        // Each customer's invoices in period order (as partitions send them), or in any order.
        const list = entries.map((e, index) => invoice(e.customer, e.start, index));
        if (chronological) list.sort((a, b) => a.periodStartAt - b.periodStartAt);
        const bounds = [0, ...[...cuts].sort((a, b) => a - b).map((cut) => Math.min(cut, list.length)), list.length];
        const chunks = bounds.slice(1).map((end, index) => {
          const invoices = list.slice(bounds[index]!, end);
          return { invoices, customerNumbers: new Int32Array(invoices.map((i) => CUSTOMERS.indexOf(i.customerId))) };
        });
        const sorted = byComparison(list);
        expect(orderInvoices(chunks, CUSTOMERS)).toEqual(sorted);
        expect(orderInvoices(chunks, CUSTOMERS, customerRanks(CUSTOMERS))).toEqual(sorted);
        expect(orderInvoices(chunks, CUSTOMERS, customerRanks(CUSTOMERS.slice(0, 2)))).toEqual(sorted); // stale: recomputed
      }),
      { numRuns: 500 },
    );
  });
});

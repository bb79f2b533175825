import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Invoice } from '../../engine/index.ts';
import { customerRanks, orderInvoices } from './invoice-order.ts';

const CUSTOMERS = ['cus_b', 'cus_a', 'cus_10', 'cus_9', 'é', 'cus_a2'];

function invoice(customer: number, periodStartAt: number, tag: number): Invoice {
  return { customerId: CUSTOMERS[customer]!, periodStartAt, tag } as unknown as Invoice;
}

function byComparison(invoices: readonly Invoice[]): Invoice[] {
  return [...invoices].sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) || a.periodStartAt - b.periodStartAt);
}

describe('orderInvoices', () => {
  it('orders invoices as a stable comparison sort by (customer id, period start) does', () => {
    const entry = fc.record({ customer: fc.nat({ max: CUSTOMERS.length - 1 }), start: fc.nat({ max: 20 }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), fc.boolean(), (entries, chronological) => {
        // Each customer's invoices in period order (as the Rerater hands them over), or in any order.
        const list = entries.map((e, index) => invoice(e.customer, e.start, index));
        if (chronological) list.sort((a, b) => a.periodStartAt - b.periodStartAt);
        const numbers = new Int32Array(list.map((i) => CUSTOMERS.indexOf(i.customerId)));
        expect(orderInvoices(list, numbers, customerRanks(CUSTOMERS))).toEqual(byComparison(list));
      }),
      { numRuns: 500 },
    );
  });
});

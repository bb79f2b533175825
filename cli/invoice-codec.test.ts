import { describe, expect, it } from 'vitest';
import {
  type EngineState,
  type Invoice,
  accountOf,
  buyTopup,
  changeCustomerPlan,
  complete,
  createEngine,
  drainClosed,
  jobTypeOf,
  previewInvoice,
  submit,
  subscribeCustomer,
  tick,
} from '../engine/index.ts';
import { DAY, HOUR, catalog, t } from '../engine/test/fixtures.ts';
import { INVOICE_FIELDS, LINE_FIELDS, decodeInvoices, encodeInvoices } from './invoice-codec.ts';

/** Invoices with every kind of line the engine writes: fees, top-ups, prorations, overage. */
function engineInvoices(): { invoices: Invoice[]; customerIds: string[] } {
  const state: EngineState = createEngine(catalog);
  const start = t('2026-01-31T09:00:00Z');
  subscribeCustomer(state, 'cus_basic', 'basic', 'month', start);
  subscribeCustomer(state, 'cus_annual', 'pro', 'year', start);
  subscribeCustomer(state, 'cus_flex', 'flex', 'month', start);
  buyTopup(state, 'cus_basic', { purchaseId: 'p1', hours: 2 }, start + DAY);
  changeCustomerPlan(state, 'cus_basic', 'standard', 'month', start + 10 * DAY);
  const grid = { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'fast' as const };
  for (let job = 0; job < 12; job += 1) {
    const account = accountOf(state, 'cus_flex');
    const at = start + 2 * DAY + job * HOUR;
    const decision = submit(catalog, account, grid, at);
    if (decision.mode !== 'blocked') complete(catalog, account, { jobId: `j${job}`, mode: decision.mode }, 4 * HOUR + 1, at);
  }
  const invoices = [...tick(state, start + 70 * DAY).invoices, ...drainClosed(state)];
  for (const account of state.accounts.values()) {
    const open = previewInvoice(catalog, account, account.cycleEndAt);
    if (open !== null) invoices.push(open);
  }
  return { invoices, customerIds: ['cus_basic', 'cus_annual', 'cus_flex'] };
}

function chunkOf(invoices: readonly Invoice[], customerIds: readonly string[]) {
  return { invoices, customerNumbers: new Int32Array(invoices.map((invoice) => customerIds.indexOf(invoice.customerId))) };
}

describe('invoice codec (invoices from a rating worker to the main thread)', () => {
  const { invoices, customerIds } = engineInvoices();

  it("lists the engine's invoice and line fields, in the engine's order", () => {
    const kinds = new Set(invoices.flatMap((invoice) => invoice.lines.map((line) => line.kind)));
    expect([...kinds].sort()).toEqual(['annual_subscription', 'overage', 'proration_charge', 'proration_credit', 'subscription', 'topup']);
    for (const invoice of invoices) {
      expect(Object.keys(invoice)).toEqual(INVOICE_FIELDS);
      for (const line of invoice.lines) expect(Object.keys(line)).toEqual(LINE_FIELDS);
    }
  });

  it('decodes what it encoded, field for field, as columns', () => {
    const encoded = encodeInvoices(chunkOf(invoices, customerIds));
    expect(Array.isArray(encoded.columns)).toBe(false);
    const decoded = decodeInvoices(structuredClone(encoded), customerIds);
    expect(decoded.invoices).toEqual(invoices);
    expect(decoded.invoices.map((invoice) => Object.keys(invoice))).toEqual(invoices.map((invoice) => Object.keys(invoice)));
    expect([...decoded.customerNumbers]).toEqual(invoices.map((invoice) => customerIds.indexOf(invoice.customerId)));
  });

  it('sends invoices of another shape as they are (slower, never different)', () => {
    const odd = [...invoices, { ...invoices[0]!, note: 'a field the codec does not know' } as Invoice];
    const encoded = encodeInvoices(chunkOf(odd, customerIds));
    expect(Array.isArray(encoded.columns)).toBe(true);
    expect(decodeInvoices(structuredClone(encoded), customerIds).invoices).toEqual(odd);
    const wrongType = [{ ...invoices[0]!, fastMs: '12' } as unknown as Invoice];
    expect(decodeInvoices(encodeInvoices(chunkOf(wrongType, customerIds)), customerIds).invoices).toEqual(wrongType);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCents } from '../engine/index.ts';
import { TABLE_HEADER, fitRow, tableRow, writeInvoiceTable } from './invoice-table.ts';
import { invoice } from './test/invoices.ts';

describe('writeInvoiceTable', () => {
  it('measures every cell as long as it is written', () => {
    fc.assert(
      fc.property(invoice, (value) => {
        const widths = TABLE_HEADER.map(() => 0);
        fitRow(value, widths);
        expect(widths).toEqual(tableRow(value).map((cell) => cell.length));
      }),
      { numRuns: 5000 },
    );
  });

  it('writes the rows padded to the widest cell of each column, then the count and total', () => {
    fc.assert(
      fc.property(fc.array(invoice, { maxLength: 30 }), (invoices) => {
        let written = '';
        writeInvoiceTable(invoices, (text) => (written += text));
        const rows = [[...TABLE_HEADER], ...invoices.map(tableRow)];
        const widths = TABLE_HEADER.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
        const lines = rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd());
        const total = invoices.reduce((sum, value) => sum + value.totalCents, 0);
        expect(written).toBe(`${lines.join('\n')}\n\n${invoices.length} invoice(s), total ${formatCents(total)}\n`);
      }),
      { numRuns: 300 },
    );
  });
});

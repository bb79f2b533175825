import { describe, expect, it } from 'vitest';
import { EventBatchBuilder, batchColumns } from './event-batch.ts';

describe('EventBatchBuilder', () => {
  it('fills lent buffers with columns, moving to a bigger buffer when ids are long', () => {
    const lent: ArrayBuffer[] = [];
    const builder = new EventBatchBuilder(4, (bytes) => {
      lent.push(new ArrayBuffer(bytes));
      return lent.at(-1)!;
    });
    const ids = ['a', 'x'.repeat(300), 'bb', 'é'];
    ids.forEach((id, index) => {
      const bytes = Buffer.from(id, 'latin1');
      builder.push(index * 10, 1000 + index, 50 * index, index % 2, bytes, 0, bytes.length);
    });
    builder.nameCustomer(30, 'cus_30');
    expect(builder.full).toBe(true);
    const batch = builder.take();
    expect(batch.buffer).not.toBe(lent[0]); // the long id did not fit
    const columns = batchColumns(batch.buffer, batch.capacity);
    expect([...columns.customers]).toEqual([0, 10, 20, 30]);
    expect([...columns.at]).toEqual([1000, 1001, 1002, 1003]);
    expect([...columns.gpuMs]).toEqual([0, 50, 100, 150]);
    expect([...columns.jobTypes]).toEqual([0, 1, 0, 1]);
    const text = Buffer.from(columns.idBytes.buffer, columns.idBytes.byteOffset, columns.idEnds[3]).toString('latin1');
    expect([...columns.idEnds].map((end, index) => text.slice(index === 0 ? 0 : columns.idEnds[index - 1], end))).toEqual(ids);
    expect(batch.newCustomerIds).toEqual(['cus_30']);
    expect(builder.isEmpty).toBe(true);
    builder.push(1, 2, 3, 0, Buffer.from('z'), 0, 1);
    expect(lent).toHaveLength(2); // the next batch asked for a buffer again
  });
});

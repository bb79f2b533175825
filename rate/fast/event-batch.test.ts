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
    builder.nameCustomer('cus_0');
    builder.nameCustomer('cus_1');
    ids.forEach((id, index) => {
      const bytes = Buffer.from(`..${id}`, 'latin1');
      builder.push(1000 + index, 50 * index, index % 2, bytes, 2, bytes.length, [0, 1, 1, 0][index]!);
    });
    expect(builder.full).toBe(true);
    const batch = builder.take();
    expect(batch.buffer).not.toBe(lent[0]); // the long id did not fit
    expect(batch.newCustomerIds).toEqual(['cus_0', 'cus_1']);
    const columns = batchColumns(batch.buffer, batch.capacity);
    expect([...columns.at]).toEqual([1000, 1001, 1002, 1003]);
    expect([...columns.gpuMs]).toEqual([0, 50, 100, 150]);
    expect([...columns.jobTypes]).toEqual([0, 1, 0, 1]);
    expect([...columns.customers]).toEqual([0, 1, 1, 0]);
    const text = Buffer.from(columns.keyBytes.buffer, columns.keyBytes.byteOffset, columns.idEnds[3]).toString('latin1');
    const start = (index: number) => (index === 0 ? 0 : columns.idEnds[index - 1]!);
    expect(ids.map((_, index) => text.slice(start(index), columns.idEnds[index]))).toEqual(ids);
    expect(builder.count).toBe(0);
    builder.nameCustomer('cus_2');
    builder.push(1, 2, 0, Buffer.from('z'), 0, 1, 2);
    expect(lent).toHaveLength(2); // the next batch asked for a buffer again
    expect(builder.take().newCustomerIds).toEqual(['cus_2']); // names travel with their batch only
  });
});

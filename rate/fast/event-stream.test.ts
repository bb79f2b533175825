import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../scenarios/catalog-schema.ts';
import { type EventBatch, batchColumns } from './event-batch.ts';
import { BATCH_EVENTS, EventStream } from './event-stream.ts';
import { readUsageExport } from './usage-export-reader.ts';

const { catalog } = loadCatalog('scenarios/catalogs/midjourney.yaml');
const dir = mkdtempSync(join(tmpdir(), 'gbl-event-stream-'));
const START = Date.UTC(2026, 0, 1);

interface Sent {
  readonly id: string;
  readonly customer: string;
  readonly at: number;
  readonly gpuMs: number;
}

/** Every event the batches carry, in order, customers by id (from the names the batches carry). */
function unbatch(batches: readonly EventBatch[]): Sent[] {
  const names: string[] = [];
  const events: Sent[] = [];
  for (const batch of batches) {
    names.push(...batch.newCustomerIds);
    const columns = batchColumns(batch.buffer, batch.capacity);
    const keys = Buffer.from(columns.keyBytes.buffer, columns.keyBytes.byteOffset, columns.keyBytes.byteLength);
    let start = 0;
    for (let index = 0; index < batch.count; index += 1) {
      const end = columns.idEnds[index]!;
      const customer = columns.customers[index]!;
      expect(customer).toBeGreaterThanOrEqual(0);
      expect(customer).toBeLessThan(names.length); // named in this batch or before
      events.push({ id: keys.toString('latin1', start, end), customer: names[customer]!, at: columns.at[index]!, gpuMs: columns.gpuMs[index]! });
      start = end;
    }
  }
  expect(new Set(names).size).toBe(names.length); // each customer named once
  return events;
}

describe('EventStream', () => {
  it('numbers customers in the order it meets them, across customer groups and batches, dropping ids taken by any earlier line', () => {
    let files = 0;
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 3 * BATCH_EVENTS }),
        fc.integer({ min: 1, max: 3000 }),
        fc.integer({ min: 0, max: 0xffffffff }),
        fc.integer({ min: 0, max: 3 * BATCH_EVENTS }),
        (count, customers, seed, repeatsFrom) => {
          let state = seed || 1;
          const random = (below: number) => {
            state ^= state << 13;
            state ^= state >>> 17;
            state ^= state << 5;
            return (state >>> 0) % below;
          };
          // Ids ascending (kept as the last id only), then from `repeatsFrom` on with repeats (the
          // id table, filled with the ids so far by reading the export again); some customer ids
          // long, some not ASCII (both keys the byte path hands over as they are). One line in
          // four is one the meter does not count (Relax, another event name): it takes its id too.
          const customerId = (n: number) => (n % 7 === 3 ? `cus_é${n}` : n % 11 === 5 ? `cus_${'x'.repeat(70)}${n}` : `cus_${n}`);
          const lines: string[] = [];
          const expected: Sent[] = [];
          const seen = new Set<string>();
          let skippedRepeats = 0;
          for (let index = 0; index < count; index += 1) {
            const id = index >= repeatsFrom ? `job_${random(count)}:gpu` : `job_${index}:gpu`;
            const customer = customerId(random(customers));
            const at = START + index * 1000;
            const gpuMs = random(100_000);
            const kind = random(8);
            const [eventName, mode] = kind === 0 ? ['image.count', 'fast'] : kind === 1 ? ['gpu.fast_seconds', 'relax'] : ['gpu.fast_seconds', 'fast'];
            lines.push(JSON.stringify({ event_id: id, customer_id: customer, event_name: eventName, timestamp: new Date(at).toISOString(), metadata: { gpu_seconds: gpuMs / 1000, mode } }));
            const repeat = seen.has(id);
            seen.add(id);
            if (kind <= 1) skippedRepeats += repeat ? 1 : 0;
            else if (!repeat) expected.push({ id, customer, at, gpuMs });
          }
          const file = join(dir, `events${(files += 1)}.jsonl`);
          writeFileSync(file, `${lines.join('\n')}\n`);
          const batches: EventBatch[] = [];
          const stream = new EventStream({ lend: (bytes) => new ArrayBuffer(bytes), add: (batch) => batches.push(batch) }, file, catalog, 16);
          const skipped = readUsageExport(file, catalog, [], stream);
          stream.flush();
          expect(stream.ordered).toBe(true);
          expect(skipped.duplicate).toBe(skippedRepeats);
          expect(stream.duplicates + skipped.duplicate + skipped.meter_filter + skipped.other_event_name).toBe(count - expected.length);
          expect(unbatch(batches)).toEqual(expected);
          expect(batches.every((batch, index) => batch.count === (index < batches.length - 1 ? BATCH_EVENTS : expected.length - index * BATCH_EVENTS))).toBe(true);
        },
      ),
      { numRuns: 25 },
    );
  });
});

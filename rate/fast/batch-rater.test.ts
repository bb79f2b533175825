import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RerateEvent, type RerateSubscription, rerate } from '../rerate.ts';
import { catalog } from '../../engine/test/fixtures.ts';
import { BatchRater } from './batch-rater.ts';
import { encodeKey } from './byte-key-table.ts';
import { EventBatchBuilder } from './event-batch.ts';

const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const CUSTOMERS = ['cus_a', 'cus_b', 'cus_c'];
const JOB_TYPES = [null, ...catalog.jobTypes.keys()];

const subscriptions: RerateSubscription[] = [
  { customerId: 'cus_a', planId: 'basic', interval: 'month', startedAt: START },
  { customerId: 'cus_b', planId: 'standard', interval: 'month', startedAt: START },
  { customerId: 'cus_c', planId: 'flex', interval: 'month', startedAt: START },
];

/**
 * Events on a few instants (many share one) over four monthly cycles, with ids in no order, in
 * time order: within an instant, the order of one customer's events decides which of them goes
 * Fast at the allowance's end and which is blocked or sent to Relax.
 */
const events = fc
  .array(
    fc.record({ instant: fc.nat({ max: 7 }), id: fc.string({ minLength: 1, maxLength: 4 }), customer: fc.constantFrom(0, 1, 1, 1, 2), seconds: fc.integer({ min: 2_000, max: 30_000 }), jobType: fc.nat({ max: JOB_TYPES.length - 1 }) }),
    { maxLength: 60 },
  )
  .map((drawn) => {
    const seen = new Set<string>();
    const unique = drawn.filter((event) => !seen.has(event.id) && seen.add(event.id));
    const list: RerateEvent[] = unique.map((event) => ({
      eventId: event.id,
      customerId: CUSTOMERS[event.customer]!,
      at: START + event.instant * 15 * 24 * HOUR,
      gpuMs: event.seconds * 1000,
      jobType: JOB_TYPES[event.jobType]!,
    }));
    return list.sort((a, b) => a.at - b.at);
  });

/** Rates `list` through a BatchRater fed batches of `capacity` events, as the reader builds them. */
function rateInBatches(list: readonly RerateEvent[], capacity: number) {
  const rater = new BatchRater(catalog, subscriptions, [], CUSTOMERS);
  let buffer = new ArrayBuffer(0);
  const builder = new EventBatchBuilder(capacity, (bytes) => (buffer.byteLength >= bytes ? buffer : (buffer = new ArrayBuffer(bytes))));
  const numbers = new Map<string, number>();
  const scratch = new Uint8Array(64);
  for (const event of list) {
    let customer = numbers.get(event.customerId);
    if (customer === undefined) {
      customer = numbers.size;
      numbers.set(event.customerId, customer);
      builder.nameCustomer(event.customerId);
    }
    const { bytes, length } = encodeKey(event.eventId, scratch);
    builder.push(event.at, event.gpuMs, event.jobType === null ? 0 : JOB_TYPES.indexOf(event.jobType), bytes, 0, length, customer);
    if (builder.full) rater.add(builder.take());
  }
  rater.add(builder.take());
  return rater.finish({});
}

describe('BatchRater', () => {
  it('rates as rerate does, the events of one instant in id order, however the batches cut them', () => {
    fc.assert(
      fc.property(events, fc.constantFrom(1, 2, 3, 5, 4096), (list, capacity) => {
        expect(rateInBatches(list, capacity)).toEqual(rerate(catalog, subscriptions, [], list));
      }),
      { numRuns: 1500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeKey } from './byte-key-table.ts';
import { EventIdSet } from './event-id-set.ts';

function keyOf(text: string): Buffer {
  const { bytes, length } = encodeKey(text, new Uint8Array(4));
  return Buffer.from(bytes.subarray(0, length));
}

const id = fc.oneof(fc.nat({ max: 300 }).map((n) => `job_${n}:gpu`), fc.string({ maxLength: 4 }), fc.string({ unit: 'binary', maxLength: 3 }));

describe('EventIdSet', () => {
  it('tells repeats from new ids exactly as a Set does, asking for the history once at most', () => {
    fc.assert(
      fc.property(fc.nat({ max: 300 }), fc.array(id, { maxLength: 200 }), (ascending, rest) => {
        // An ascending run (kept as the last id only), then anything.
        const ids = [...Array.from({ length: ascending }, (_, n) => `job_${n}:gpu`), ...rest];
        const given: Buffer[] = [];
        let histories = 0;
        const set = new EventIdSet((count, table) => {
          histories += 1;
          for (const key of given.slice(0, count)) table.add(key, 0, key.length);
        }, 16);
        const seen = new Set<string>();
        for (const value of ids) {
          const key = keyOf(value);
          const isNew = set.add(key, 0, key.length);
          expect(isNew).toBe(!seen.has(value));
          seen.add(value);
          if (isNew) given.push(key);
        }
        expect(histories).toBeLessThanOrEqual(1);
        if (rest.length === 0) expect(histories).toBe(0);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps ids in ascending order (shorter first, then byte by byte) without a table, and still catches a repeat of any of them', () => {
    const shortKey = fc.uint8Array({ maxLength: 6 }).map((bytes) => Buffer.from(bytes));
    fc.assert(
      fc.property(fc.array(shortKey, { minLength: 1, maxLength: 60 }), fc.nat(), (keys, pick) => {
        const ascending = [...new Map(keys.map((key) => [key.toString('hex'), key])).values()].sort(
          (a, b) => a.length - b.length || Buffer.compare(a, b),
        );
        let histories = 0;
        const set = new EventIdSet((count, table) => {
          histories += 1;
          for (const key of ascending.slice(0, count)) table.add(key, 0, key.length);
        }, 16);
        for (const key of ascending) expect(set.add(key, 0, key.length)).toBe(true);
        expect(histories).toBe(0);
        const repeat = ascending[pick % ascending.length]!;
        expect(set.add(repeat, 0, repeat.length)).toBe(false);
        expect(histories).toBe(1);
      }),
      { numRuns: 500 },
    );
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteKeyTable, decodeKey, encodeKey, hashBytes } from './byte-key-table.ts';

function keyOf(text: string): Buffer {
  const { bytes, length } = encodeKey(text, new Uint8Array(4));
  return Buffer.from(bytes.subarray(0, length));
}

/** What the table must answer, from a Map: the number of each key, in insertion order. */
function reference(keys: readonly string[]): { numbers: number[]; map: Map<string, number> } {
  const map = new Map<string, number>();
  const numbers = keys.map((key) => {
    const known = map.get(key);
    if (known !== undefined) return -1 - known;
    map.set(key, map.size);
    return map.size - 1;
  });
  return { numbers, map };
}

const text = fc.oneof(fc.string({ maxLength: 6 }), fc.string({ unit: 'binary', maxLength: 4 }), fc.constantFrom('job_1:gpu', 'job_10:gpu', 'job_9:gpu', ''));

describe('ByteKeyTable', () => {
  it('numbers keys in insertion order and knows the repeats, whatever the order of the keys', () => {
    fc.assert(
      fc.property(fc.array(text, { maxLength: 200 }), fc.array(text, { maxLength: 200 }), fc.nat({ max: 64 }), (unordered, ascending, expected) => {
        // An ascending run first (appended without hashing), then anything (the index is built).
        const sorted = [...new Set(ascending)].sort((a, b) => keyOf(a).length - keyOf(b).length || Buffer.compare(keyOf(a), keyOf(b)));
        const keys = [...sorted, ...unordered];
        const table = new ByteKeyTable(expected);
        const numbers = keys.map((key) => {
          const bytes = keyOf(key);
          return table.add(bytes, 0, bytes.length);
        });
        const { numbers: wanted, map } = reference(keys);
        expect(numbers).toEqual(wanted);
        expect(table.size).toBe(map.size);
        for (const [key, number] of map) {
          const bytes = keyOf(key);
          expect(table.find(bytes, 0, bytes.length)).toBe(number);
          expect(Buffer.from(table.bytes.subarray(table.keyStart(number), table.keyEnd(number)))).toEqual(bytes);
        }
        for (const probe of ['absent', 'job_99999:gpu']) {
          const bytes = keyOf(probe);
          expect(table.find(bytes, 0, bytes.length)).toBe(map.get(probe) ?? -1);
        }
        const absent = keyOf('\u{1F600}absent');
        expect(table.find(absent, 0, absent.length)).toBe(map.has('\u{1F600}absent') ? map.get('\u{1F600}absent') : -1);
      }),
      { numRuns: 300 },
    );
  });

  it('adds a group of keys (addMany) exactly as adding them one by one, ascending runs and table growth included', () => {
    fc.assert(
      fc.property(fc.array(fc.array(text, { maxLength: 40 }), { maxLength: 12 }), fc.array(text, { maxLength: 30 }), fc.nat({ max: 64 }), (groups, ascending, expected) => {
        const sorted = [...new Set(ascending)].sort((a, b) => keyOf(a).length - keyOf(b).length || Buffer.compare(keyOf(a), keyOf(b)));
        const allGroups = [sorted, ...groups];
        const table = new ByteKeyTable(expected);
        const numbers: number[] = [];
        for (const group of allGroups) {
          const keys = group.map(keyOf);
          const bytes = Buffer.concat(keys);
          const ends = new Int32Array(keys.length);
          const hashes = new Int32Array(keys.length);
          let end = 0;
          keys.forEach((key, index) => {
            hashes[index] = hashBytes(key, 0, key.length);
            end += key.length;
            ends[index] = end;
          });
          const out = new Int32Array(keys.length);
          table.addMany(bytes, ends, hashes, keys.length, out);
          numbers.push(...out);
        }
        const keys = allGroups.flat();
        const { numbers: wanted, map } = reference(keys);
        expect(numbers).toEqual(wanted);
        expect(table.size).toBe(map.size);
        for (const [key, number] of map) {
          const bytes = keyOf(key);
          expect(table.find(bytes, 0, bytes.length)).toBe(number);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('finds keys inside a larger buffer, and grows past any expected size', () => {
    const table = new ByteKeyTable(1);
    const buffer = Buffer.from('xxjob_1:gpuyycus_42zz', 'latin1');
    expect(table.add(buffer, 2, 11)).toBe(0);
    expect(table.add(buffer, 13, 19)).toBe(1);
    for (let index = 0; index < 5000; index += 1) table.add(keyOf(`k${(index * 7919) % 5000}`), 0, keyOf(`k${(index * 7919) % 5000}`).length);
    expect(table.size).toBe(5002);
    expect(table.find(Buffer.from('job_1:gpu'), 0, 9)).toBe(0);
    expect(table.add(Buffer.from('cus_42'), 0, 6)).toBe(-2);
  });
});

describe('encodeKey / decodeKey', () => {
  it('round-trips every string (lone surrogates included) and keeps ASCII as its bytes', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' })), fc.string({ unit: fc.integer({ min: 0xd800, max: 0xdfff }).map((code) => String.fromCharCode(code)) }), (plain, surrogates) => {
        for (const value of [plain, surrogates, plain + surrogates]) {
          const bytes = keyOf(value);
          expect(decodeKey(bytes, 0, bytes.length)).toBe(value);
          if (/^[\x00-\x7f]*$/.test(value)) expect(bytes.toString('latin1')).toBe(value);
        }
      }),
    );
  });

  it('gives different keys to different strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 5 }), fc.string({ unit: 'binary', maxLength: 5 }), (a, b) => {
        expect(keyOf(a).equals(keyOf(b))).toBe(a === b);
      }),
    );
    expect(keyOf('\ud800').equals(keyOf('\ud801'))).toBe(false);
  });
});

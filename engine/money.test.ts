import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type RoundingRule,
  ROUNDING_RULES,
  amountForMicroUnits,
  formatCents,
  isDecimalText,
  parseDecimal,
  prorateCents,
  roundToCents,
} from './money.ts';

/**
 * One test per rule of money.ts: decimal parsing limits, the four rounding rules (negatives and
 * exact halves included), proration, micro-unit pricing and formatting. A naive floor-based bigint
 * rounder is the reference the property checks `roundToCents` against.
 */

describe('parseDecimal / isDecimalText', () => {
  it.each([
    ['0', 0n, 1n],
    ['12', 12n, 1n],
    ['4.50', 450n, 100n],
    ['00001.5', 15n, 10n],
    ['0.111111111111', 111_111_111_111n, 1_000_000_000_000n],
    ['99999.999999999999', 99_999_999_999_999_999n, 1_000_000_000_000n],
  ])('accepts %s as %d / %d', (text, numerator, denominator) => {
    expect(isDecimalText(text)).toBe(true);
    expect(parseDecimal(text)).toEqual({ numerator, denominator });
  });

  it.each([
    ['', 'empty'],
    ['123456', '6 integer digits'],
    ['1.1234567890123', '13 fraction digits'],
    ['-1', 'a sign'],
    ['+1', 'a plus sign'],
    ['1.', 'a dot without fraction'],
    ['.5', 'no integer digit'],
    ['1e3', 'an exponent'],
    [' 1', 'leading space'],
    ['1 ', 'trailing space'],
    ['1,5', 'a decimal comma'],
    ['NaN', 'NaN'],
    ['0x10', 'hex'],
    ['\uFF11', 'a full-width digit'],
  ])('rejects %j (%s)', (text) => {
    expect(isDecimalText(text)).toBe(false);
    expect(() => parseDecimal(text)).toThrow(/not a decimal/);
  });
});

describe('roundToCents', () => {
  // [numerator, denominator, half_up, half_even, floor, ceil]
  const table: readonly [bigint, bigint, number, number, number, number][] = [
    [5n, 2n, 3, 2, 2, 3], // 2.5
    [7n, 2n, 4, 4, 3, 4], // 3.5
    [-5n, 2n, -3, -2, -3, -2], // -2.5
    [-7n, 2n, -4, -4, -4, -3], // -3.5
    [1n, 2n, 1, 0, 0, 1], // 0.5
    [-1n, 2n, -1, 0, -1, 0], // -0.5
    [12n, 5n, 2, 2, 2, 3], // 2.4
    [13n, 5n, 3, 3, 2, 3], // 2.6
    [-12n, 5n, -2, -2, -3, -2], // -2.4
    [-13n, 5n, -3, -3, -3, -2], // -2.6
    [1n, 3n, 0, 0, 0, 1],
    [-1n, 3n, 0, 0, -1, 0],
    [6n, 3n, 2, 2, 2, 2],
    [-6n, 3n, -2, -2, -2, -2],
    [0n, 7n, 0, 0, 0, 0],
    [2_500_001n, 1_000_000n, 3, 3, 2, 3], // just above a half
    [2_499_999n, 1_000_000n, 2, 2, 2, 3], // just below a half
  ];

  it.each(table)('%d / %d -> half_up %d, half_even %d, floor %d, ceil %d', (numerator, denominator, halfUp, halfEven, floor, ceil) => {
    expect(roundToCents(numerator, denominator, 'half_up')).toBe(halfUp);
    expect(roundToCents(numerator, denominator, 'half_even')).toBe(halfEven);
    expect(roundToCents(numerator, denominator, 'floor')).toBe(floor);
    expect(roundToCents(numerator, denominator, 'ceil')).toBe(ceil);
  });

  it('rejects a zero or negative denominator', () => {
    expect(() => roundToCents(1n, 0n, 'half_up')).toThrow(/denominator/);
    expect(() => roundToCents(1n, -2n, 'half_up')).toThrow(/denominator/);
  });

  it('rejects results outside the safe integer range', () => {
    expect(roundToCents(9_007_199_254_740_991n, 1n, 'half_up')).toBe(Number.MAX_SAFE_INTEGER);
    expect(() => roundToCents(9_007_199_254_740_992n, 1n, 'half_up')).toThrow(/safe range/);
    expect(() => roundToCents(-(10n ** 20n), 3n, 'floor')).toThrow(/safe range/);
  });
});

/** Reference rounding built on floor division, independent of the magnitude-based implementation. */
function naiveRound(numerator: bigint, denominator: bigint, rule: RoundingRule): bigint {
  const floor = numerator >= 0n ? numerator / denominator : -((-numerator + denominator - 1n) / denominator);
  const remainder = numerator - floor * denominator; // 0 <= remainder < denominator
  if (remainder === 0n) return floor;
  if (rule === 'floor') return floor;
  if (rule === 'ceil') return floor + 1n;
  const twice = 2n * remainder;
  if (twice < denominator) return floor;
  if (twice > denominator) return floor + 1n;
  if (rule === 'half_up') return numerator > 0n ? floor + 1n : floor; // away from zero
  return floor % 2n === 0n ? floor : floor + 1n; // half_even
}

describe('roundToCents properties', () => {
  const numerators = fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n });
  // Small even denominators make exact halves frequent.
  const denominators = fc.oneof(fc.constantFrom(1n, 2n, 4n, 10n, 100n), fc.bigInt({ min: 1n, max: 10n ** 9n }));

  it('agrees with a naive bigint implementation for every rule', () => {
    fc.assert(
      fc.property(numerators, denominators, fc.constantFrom(...ROUNDING_RULES), (numerator, denominator, rule) => {
        expect(roundToCents(numerator, denominator, rule)).toBe(Number(naiveRound(numerator, denominator, rule)));
      }),
      { numRuns: 2000 },
    );
  });

  it('floor <= half_up, half_even <= ceil, and ceil - floor is 0 exactly when the division is exact, else 1', () => {
    fc.assert(
      fc.property(numerators, denominators, (numerator, denominator) => {
        const floor = roundToCents(numerator, denominator, 'floor');
        const ceil = roundToCents(numerator, denominator, 'ceil');
        for (const rule of ['half_up', 'half_even'] as const) {
          const rounded = roundToCents(numerator, denominator, rule);
          expect(rounded).toBeGreaterThanOrEqual(floor);
          expect(rounded).toBeLessThanOrEqual(ceil);
        }
        expect(ceil - floor).toBe(numerator % denominator === 0n ? 0 : 1);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('prorateCents', () => {
  it('takes the exact share of the amount', () => {
    expect(prorateCents(1000, 15, 30, 'half_up')).toBe(500);
    expect(prorateCents(1000, 30, 30, 'floor')).toBe(1000);
    expect(prorateCents(1000, 0, 30, 'ceil')).toBe(0);
  });

  it('rounds the share once by the named rule', () => {
    expect(prorateCents(1000, 1, 3, 'half_up')).toBe(333);
    expect(prorateCents(1000, 2, 3, 'half_up')).toBe(667);
    expect(prorateCents(1000, 1, 3, 'ceil')).toBe(334);
    expect(prorateCents(1000, 2, 3, 'floor')).toBe(666);
  });

  it('handles exact halves per rule, including negative amounts', () => {
    expect(prorateCents(1001, 1, 2, 'half_up')).toBe(501);
    expect(prorateCents(1001, 1, 2, 'half_even')).toBe(500);
    expect(prorateCents(999, 1, 2, 'half_even')).toBe(500);
    expect(prorateCents(-1001, 1, 2, 'half_up')).toBe(-501);
    expect(prorateCents(-1001, 1, 2, 'half_even')).toBe(-500);
    expect(prorateCents(-1001, 1, 2, 'floor')).toBe(-501);
    expect(prorateCents(-1001, 1, 2, 'ceil')).toBe(-500);
  });

  it('prorates by milliseconds of a 31-day month without precision loss', () => {
    const monthMs = 31 * 86_400_000;
    // 2900 x 10 / 31 = 935.48... cents
    expect(prorateCents(2900, 10 * 86_400_000, monthMs, 'half_up')).toBe(935);
    expect(prorateCents(2900, 10 * 86_400_000, monthMs, 'ceil')).toBe(936);
  });

  it('rejects a whole that is not positive', () => {
    expect(() => prorateCents(1000, 1, 0, 'half_up')).toThrow(/whole/);
    expect(() => prorateCents(1000, 1, -3, 'half_up')).toThrow(/whole/);
  });
});

describe('amountForMicroUnits', () => {
  const ninthOfACent = parseDecimal('0.111111111111');

  it('prices 3600 units at 0.111111111111 cents as 399.9999999996 cents, rounded once', () => {
    expect(amountForMicroUnits(3600 * 1_000_000, ninthOfACent, 'half_up')).toBe(400);
    expect(amountForMicroUnits(3600 * 1_000_000, ninthOfACent, 'half_even')).toBe(400);
    expect(amountForMicroUnits(3600 * 1_000_000, ninthOfACent, 'ceil')).toBe(400);
    expect(amountForMicroUnits(3600 * 1_000_000, ninthOfACent, 'floor')).toBe(399);
  });

  it('counts fractional units: 1.5 units at 1 cent is 1.5 cents', () => {
    const oneCent = parseDecimal('1');
    expect(amountForMicroUnits(1_500_000, oneCent, 'half_up')).toBe(2);
    expect(amountForMicroUnits(1_500_000, oneCent, 'half_even')).toBe(2);
    expect(amountForMicroUnits(2_500_000, oneCent, 'half_even')).toBe(2);
    expect(amountForMicroUnits(2_500_000, oneCent, 'floor')).toBe(2);
  });

  it('one micro-unit is a millionth of the unit price', () => {
    const oneCent = parseDecimal('1');
    expect(amountForMicroUnits(1, oneCent, 'half_up')).toBe(0);
    expect(amountForMicroUnits(1, oneCent, 'ceil')).toBe(1);
    expect(amountForMicroUnits(0, oneCent, 'ceil')).toBe(0);
  });

  it('stays exact at the largest price: 1,000,000 units at 99999.999999999999 cents', () => {
    const price = parseDecimal('99999.999999999999');
    // exact amount 99_999_999_999.999999 cents
    expect(amountForMicroUnits(1_000_000 * 1_000_000, price, 'floor')).toBe(99_999_999_999);
    expect(amountForMicroUnits(1_000_000 * 1_000_000, price, 'half_up')).toBe(100_000_000_000);
  });
});

describe('formatCents', () => {
  it.each([
    [123_456, '1234.56'],
    [0, '0.00'],
    [5, '0.05'],
    [99, '0.99'],
    [100, '1.00'],
    [1_000_000_007, '10000000.07'],
    [-5, '-0.05'],
    [-99, '-0.99'],
    [-100, '-1.00'],
    [-123_456, '-1234.56'],
  ])('%d cents -> %s', (cents, text) => {
    expect(formatCents(cents)).toBe(text);
  });
});

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  addMonthsClamped,
  civilFromDays,
  daysFromCivil,
  daysInMonth,
  formatIsoMs,
  isLeapYear,
  parseIsoMs,
  startOfDayMs,
} from './calendar.ts';

/**
 * Calendar arithmetic without `Date`. Tests may use `Date` as an independent oracle (the purity
 * guard covers engine sources only); expected values below are hand-computed where stated.
 */

const DAY_MS = 86_400_000;

/** `Date.UTC` for years >= 100 (below that `Date.UTC` maps years to 19xx). */
function utc(year: number, month: number, day: number, hours = 0, minutes = 0, seconds = 0, millis = 0): number {
  return Date.UTC(year, month - 1, day, hours, minutes, seconds, millis);
}

describe('daysFromCivil / civilFromDays', () => {
  // 2000-01-01: 30 years after 1970 with 7 leap days (72..96) -> 30 x 365 + 7 = 10957.
  // 2024-01-01: + 24 x 365 + 6 leap days (2000..2020) = 19723; 2024-02-29 = 19723 + 31 + 28.
  it.each([
    [1970, 1, 1, 0],
    [1969, 12, 31, -1],
    [1970, 3, 1, 59],
    [2000, 1, 1, 10_957],
    [2000, 3, 1, 11_017],
    [2024, 1, 1, 19_723],
    [2024, 2, 29, 19_782],
    [2024, 3, 1, 19_783],
    [0, 3, 1, -719_468],
  ])('%d-%d-%d is day %d', (year, month, day, days) => {
    expect(daysFromCivil(year, month, day)).toBe(days);
    expect(civilFromDays(days)).toEqual({ year, month, day });
  });

  it('round-trips every day number over +-1e9 days', () => {
    fc.assert(
      fc.property(fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }), (days) => {
        const civil = civilFromDays(days);
        expect(civil.month).toBeGreaterThanOrEqual(1);
        expect(civil.month).toBeLessThanOrEqual(12);
        expect(civil.day).toBeGreaterThanOrEqual(1);
        expect(civil.day).toBeLessThanOrEqual(daysInMonth(civil.year, civil.month));
        expect(daysFromCivil(civil.year, civil.month, civil.day)).toBe(days);
      }),
      { numRuns: 5000 },
    );
  });

  it('agrees with Date over its whole range (+-1e8 days)', () => {
    fc.assert(
      fc.property(fc.integer({ min: -100_000_000, max: 100_000_000 }), (days) => {
        const date = new Date(days * DAY_MS);
        expect(civilFromDays(days)).toEqual({ year: date.getUTCFullYear(), month: date.getUTCMonth() + 1, day: date.getUTCDate() });
      }),
      { numRuns: 5000 },
    );
  });

  it('the day after the last day of a month is the first of the next', () => {
    fc.assert(
      fc.property(fc.integer({ min: -5000, max: 5000 }), fc.integer({ min: 1, max: 12 }), (year, month) => {
        const last = daysFromCivil(year, month, daysInMonth(year, month));
        const next = month === 12 ? { year: year + 1, month: 1, day: 1 } : { year, month: month + 1, day: 1 };
        expect(civilFromDays(last + 1)).toEqual(next);
      }),
    );
  });
});

describe('daysInMonth / isLeapYear', () => {
  it.each([
    [1900, false, 28],
    [2000, true, 29],
    [2023, false, 28],
    [2024, true, 29],
    [2100, false, 28],
  ])('%d: leap %s, February has %d days', (year, leap, february) => {
    expect(isLeapYear(year)).toBe(leap);
    expect(daysInMonth(year, 2)).toBe(february);
  });

  it('gives every month of 2024 its length (366 days in all)', () => {
    const lengths = Array.from({ length: 12 }, (_, index) => daysInMonth(2024, index + 1));
    expect(lengths).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    expect(lengths.reduce((sum, length) => sum + length, 0)).toBe(366);
  });
});

describe('addMonthsClamped', () => {
  const jan31 = utc(2024, 1, 31, 10, 30, 15, 250);

  it('clamps 31 January + 1 month to the end of February (leap and common years)', () => {
    expect(addMonthsClamped(jan31, 1)).toBe(utc(2024, 2, 29, 10, 30, 15, 250));
    expect(addMonthsClamped(utc(2023, 1, 31, 10, 30), 1)).toBe(utc(2023, 2, 28, 10, 30));
  });

  it('anchors on the original day: 31 January + 2 months is 31 March', () => {
    expect(addMonthsClamped(jan31, 2)).toBe(utc(2024, 3, 31, 10, 30, 15, 250));
    expect(addMonthsClamped(jan31, 3)).toBe(utc(2024, 4, 30, 10, 30, 15, 250));
    expect(addMonthsClamped(jan31, 12)).toBe(utc(2025, 1, 31, 10, 30, 15, 250));
    expect(addMonthsClamped(jan31, 13)).toBe(utc(2025, 2, 28, 10, 30, 15, 250));
  });

  it('renews a 31 January anchor on each month end of the year, without drift', () => {
    const days = Array.from({ length: 13 }, (_, months) => new Date(addMonthsClamped(jan31, months)).getUTCDate());
    expect(days).toEqual([31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31, 31]);
    // Chaining from the previous cycle would drift to the 29th: that is why cycles use the anchor.
    expect(addMonthsClamped(addMonthsClamped(jan31, 1), 1)).toBe(utc(2024, 3, 29, 10, 30, 15, 250));
  });

  it('moves backwards and across year boundaries', () => {
    expect(addMonthsClamped(utc(2024, 3, 31), -1)).toBe(utc(2024, 2, 29));
    expect(addMonthsClamped(utc(2024, 1, 15, 8), -2)).toBe(utc(2023, 11, 15, 8));
    expect(addMonthsClamped(utc(2024, 11, 30), 3)).toBe(utc(2025, 2, 28));
    expect(addMonthsClamped(jan31, 0)).toBe(jan31);
  });

  it('keeps the time of day before the epoch', () => {
    expect(addMonthsClamped(utc(1969, 12, 31, 23), 2)).toBe(utc(1970, 2, 28, 23));
    expect(addMonthsClamped(utc(1970, 1, 1), -1)).toBe(utc(1969, 12, 1));
  });

  it('agrees with a Date-based oracle', () => {
    const anchors = fc.integer({ min: utc(1900, 1, 1), max: utc(2200, 1, 1) });
    fc.assert(
      fc.property(anchors, fc.integer({ min: -1200, max: 1200 }), (anchorMs, months) => {
        const anchor = new Date(anchorMs);
        const monthIndex = anchor.getUTCFullYear() * 12 + anchor.getUTCMonth() + months;
        const year = Math.floor(monthIndex / 12);
        const month = monthIndex - year * 12; // 0-based
        const monthLength = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
        const expected = Date.UTC(
          year, month, Math.min(anchor.getUTCDate(), monthLength),
          anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds(),
        );
        expect(addMonthsClamped(anchorMs, months)).toBe(expected);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseIsoMs', () => {
  it.each([
    ['2026-01-05T10:00:00.000Z', utc(2026, 1, 5, 10)],
    ['2026-01-05T10:00:00Z', utc(2026, 1, 5, 10)],
    ['2026-01-05t10:00:00z', utc(2026, 1, 5, 10)],
    ['2026-01-05 10:00:00Z', utc(2026, 1, 5, 10)],
    ['2026-01-05T10:00:00+05:30', utc(2026, 1, 5, 4, 30)],
    ['2026-01-05T10:00:00+0530', utc(2026, 1, 5, 4, 30)],
    ['2026-01-05T10:00:00-08:00', utc(2026, 1, 5, 18)],
    ['2026-01-05T02:00:00+05:30', utc(2026, 1, 4, 20, 30)],
    ['2025-12-31T20:00:00-05:00', utc(2026, 1, 1, 1)],
    ['2026-01-05T10:00:00+00:00', utc(2026, 1, 5, 10)],
    ['2026-01-05T10:00:00-00:00', utc(2026, 1, 5, 10)],
    ['2024-02-29T23:59:59Z', utc(2024, 2, 29, 23, 59, 59)],
    ['1970-01-01T00:00:00Z', 0],
    ['1969-12-31T23:59:59.999Z', -1],
  ])('%s -> %d', (text, ms) => {
    expect(parseIsoMs(text)).toBe(ms);
  });

  it.each([
    ['.5', 500],
    ['.05', 50],
    ['.123', 123],
    ['.9999', 999],
    ['.123456789', 123],
  ])('reads the fraction %s as %d ms (truncated, not rounded)', (fraction, millis) => {
    expect(parseIsoMs(`2026-01-05T10:00:00${fraction}Z`)).toBe(utc(2026, 1, 5, 10) + millis);
  });

  it.each([
    ['2026-01-05T10:00:00', 'no zone'],
    ['2026-01-05T10:00:00.000', 'no zone after a fraction'],
    ['2026-01-05', 'a date only'],
    ['2026-01-05T10:00Z', 'no seconds'],
    ['2026-1-5T10:00:00Z', 'unpadded fields'],
    ['2026-02-29T00:00:00Z', '29 February of a common year'],
    ['1900-02-29T00:00:00Z', '29 February 1900'],
    ['2026-04-31T00:00:00Z', '31 April'],
    ['2026-13-01T00:00:00Z', 'month 13'],
    ['2026-00-10T00:00:00Z', 'month 0'],
    ['2026-01-00T00:00:00Z', 'day 0'],
    ['2026-01-05T24:00:00Z', 'hour 24'],
    ['2026-01-05T23:60:00Z', 'minute 60'],
    ['2026-01-05T23:59:60Z', 'a leap second'],
    ['2026-01-05T10:00:00+24:00', 'offset hour 24'],
    ['2026-01-05T10:00:00+05:60', 'offset minute 60'],
    ['2026-01-05T10:00:00+5:30', 'a one-digit offset hour'],
    ['2026-01-05T10:00:00.Z', 'a dot without fraction'],
    ['2026-01-05T10:00:00.1234567890Z', '10 fraction digits'],
    [' 2026-01-05T10:00:00Z', 'leading space'],
    ['2026-01-05T10:00:00Z ', 'trailing space'],
    ['', 'empty'],
    ['yesterday', 'prose'],
  ])('returns null for %j (%s)', (text) => {
    expect(parseIsoMs(text)).toBeNull();
  });
});

describe('formatIsoMs', () => {
  it.each([
    [0, '1970-01-01T00:00:00.000Z'],
    [-1, '1969-12-31T23:59:59.999Z'],
    [utc(2024, 2, 29, 7, 5, 9, 42), '2024-02-29T07:05:09.042Z'],
    [utc(9999, 12, 31, 23, 59, 59, 999), '9999-12-31T23:59:59.999Z'],
  ])('%d -> %s', (ms, text) => {
    expect(formatIsoMs(ms)).toBe(text);
  });

  const years0To9999 = fc.integer({ min: -62_167_219_200_000, max: 253_402_300_799_999 });

  it('matches Date.prototype.toISOString for years 0..9999, whatever was formatted before', () => {
    fc.assert(
      fc.property(years0To9999, years0To9999, (first, second) => {
        expect(formatIsoMs(first)).toBe(new Date(first).toISOString());
        expect(formatIsoMs(second)).toBe(new Date(second).toISOString());
        // Same day as `first`, at midnight: exercises the memo of the last day formatted.
        const midnight = first - (((first % DAY_MS) + DAY_MS) % DAY_MS);
        expect(formatIsoMs(midnight)).toBe(new Date(midnight).toISOString());
      }),
      { numRuns: 2000 },
    );
  });

  it('round-trips through parseIsoMs', () => {
    fc.assert(
      fc.property(years0To9999, (ms) => {
        expect(parseIsoMs(formatIsoMs(ms))).toBe(ms);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('startOfDayMs', () => {
  it('truncates to UTC midnight, before and after the epoch', () => {
    expect(startOfDayMs(utc(2026, 1, 5, 10, 30))).toBe(utc(2026, 1, 5));
    expect(startOfDayMs(utc(2026, 1, 5))).toBe(utc(2026, 1, 5));
    expect(startOfDayMs(utc(2026, 1, 5, 23, 59, 59, 999))).toBe(utc(2026, 1, 5));
    expect(startOfDayMs(0)).toBe(0);
    expect(startOfDayMs(-1)).toBe(-DAY_MS);
    expect(startOfDayMs(-DAY_MS)).toBe(-DAY_MS);
  });

  it('returns the midnight of the same calendar day', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8_640_000_000_000, max: 8_640_000_000_000 }), (ms) => {
        const start = startOfDayMs(ms);
        expect(start).toBeLessThanOrEqual(ms);
        expect(ms - start).toBeLessThan(DAY_MS);
        expect(Number.isInteger(start / DAY_MS)).toBe(true);
      }),
    );
  });
});

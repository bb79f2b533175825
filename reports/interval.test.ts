import { describe, expect, it } from 'vitest';
import { meanInterval, tQuantile975 } from './interval.ts';

describe('tQuantile975', () => {
  it('matches the printed Student-t table', () => {
    // Two-sided 95% critical values from any statistics table.
    const table: [number, number][] = [[1, 12.706], [2, 4.303], [3, 3.182], [4, 2.776], [9, 2.262], [29, 2.045], [120, 1.98]];
    for (const [degrees, value] of table) expect(tQuantile975(degrees)).toBeCloseTo(value, 3);
  });

  it('refuses degrees of freedom that are not positive integers', () => {
    expect(() => tQuantile975(0)).toThrow(/positive integer/);
    expect(() => tQuantile975(1.5)).toThrow(/positive integer/);
  });
});

describe('meanInterval', () => {
  it('is the mean with t(0.975, n-1) x s / sqrt(n)', () => {
    const { mean, ci95 } = meanInterval([1, 2, 3]);
    expect(mean).toBe(2);
    expect(ci95).toBeCloseTo((4.302653 * 1) / Math.sqrt(3), 5);
    const five = meanInterval([10, 12, 9, 11, 13]);
    expect(five.mean).toBe(11);
    expect(five.ci95).toBeCloseTo((2.776445 * Math.sqrt(2.5)) / Math.sqrt(5), 5);
  });

  it('has no half-width for one value and zero for equal values', () => {
    expect(meanInterval([7])).toEqual({ mean: 7, ci95: null });
    expect(meanInterval([4, 4, 4])).toEqual({ mean: 4, ci95: 0 });
  });

  it('refuses no values', () => {
    expect(() => meanInterval([])).toThrow(/no values/);
  });
});

/**
 * A mean across replications with its two-sided 95% Student-t interval, the same definition the
 * simulator uses for summary.json's `estimates` (`ci95` = t(0.975, n-1) x sample sd / sqrt(n)),
 * for the series this layer computes from the CSV files (per month, per hour, per day of cycle).
 * The t quantile comes from jstat; reports/ does not import sim/.
 */
import jstat from 'jstat';

export interface MeanInterval {
  readonly mean: number;
  /** Half-width of the 95% interval; null with fewer than two values. */
  readonly ci95: number | null;
}

/** The 0.975 quantile of Student's t with `degrees` degrees of freedom (>= 1). */
export function tQuantile975(degrees: number): number {
  if (!Number.isInteger(degrees) || degrees < 1) throw new Error(`tQuantile975: degrees of freedom ${degrees} is not a positive integer`);
  return jstat.jStat.studentt.inv(0.975, degrees);
}

/** Mean of `values` and the 95% t half-width (null for one value). */
export function meanInterval(values: readonly number[]): MeanInterval {
  if (values.length === 0) throw new Error('meanInterval: no values');
  let sum = 0;
  for (const value of values) sum += value;
  const mean = sum / values.length;
  if (values.length === 1) return { mean, ci95: null };
  let squares = 0;
  for (const value of values) squares += (value - mean) ** 2;
  const standardDeviation = Math.sqrt(squares / (values.length - 1));
  return { mean, ci95: (tQuantile975(values.length - 1) * standardDeviation) / Math.sqrt(values.length) };
}

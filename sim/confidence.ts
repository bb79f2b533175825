/**
 * Means with two-sided 95% Student-t confidence intervals across replications, and the same
 * applied to every number of a report (reports of all replications share one shape).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';

/** t(0.975, df) for df = 1..30; beyond, a Cornish-Fisher correction of z = 1.959964. */
const T975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086,
  2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042,
];

export function tCritical975(degreesOfFreedom: number): number {
  if (degreesOfFreedom < 1) throw new Error('tCritical975: needs at least 1 degree of freedom');
  if (degreesOfFreedom <= T975.length) return T975[degreesOfFreedom - 1]!;
  const z = 1.959964;
  return z + (z ** 3 + z) / (4 * degreesOfFreedom);
}

export interface Estimate {
  readonly mean: number;
  /** Half-width of the 95% interval; null with a single replication. */
  readonly ci95: number | null;
}

export function estimate(values: readonly number[]): Estimate {
  if (values.length === 0) throw new Error('estimate: no values');
  const average = mean([...values]);
  if (values.length === 1) return { mean: average, ci95: null };
  const half = (tCritical975(values.length - 1) * sampleStandardDeviation([...values])) / Math.sqrt(values.length);
  return { mean: average, ci95: half };
}

/**
 * Replaces every number of the common shape by the Estimate of that number across the samples
 * that have one (a null in some replications, e.g. "no cycle ran out", is left out); strings and
 * booleans are kept from the first sample.
 */
export function estimateAll(samples: readonly unknown[]): unknown {
  const numbers = samples.filter((sample): sample is number => typeof sample === 'number');
  if (numbers.length > 0) return estimate(numbers);
  const first = samples.find((sample) => sample !== null && sample !== undefined) ?? samples[0];
  if (Array.isArray(first)) return first.map((_, index) => estimateAll(samples.map((sample) => (sample as unknown[])[index])));
  if (first !== null && typeof first === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(first)) out[key] = estimateAll(samples.map((sample) => (sample as Record<string, unknown>)[key]));
    return out;
  }
  return first;
}

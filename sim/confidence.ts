/**
 * Means with two-sided 95% Student-t confidence intervals across replications, and the same
 * applied to every number of a report (reports of all replications share one shape).
 */
import { mean, sampleStandardDeviation } from 'simple-statistics';
import { studentTCritical } from './batch-means.ts';

export interface Estimate {
  readonly mean: number;
  /** Half-width of the 95% interval; null with a single replication. */
  readonly ci95: number | null;
}

export function estimate(values: readonly number[]): Estimate {
  if (values.length === 0) throw new Error('estimate: no values');
  const average = mean([...values]);
  if (values.length === 1) return { mean: average, ci95: null };
  const half = (studentTCritical(0.95, values.length - 1) * sampleStandardDeviation([...values])) / Math.sqrt(values.length);
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

/**
 * Confidence intervals for a steady-state mean from a single long run, by the method of batch
 * means (shared/reference/queueing.md): waits inside a run are correlated, so the run is cut into
 * k batches long enough to be nearly independent, and the interval comes from the spread of the
 * batch means with a Student t critical value on k - 1 degrees of freedom.
 *
 * Batches here are intervals of arrival time, so they hold unequal numbers of jobs. The point
 * estimate is the ratio estimator (all waits / all jobs, the run's plain mean wait) and its
 * variance the classical ratio-estimator one; with equal counts both reduce exactly to the
 * textbook mean of batch means and s / sqrt(k). Pure functions, no randomness, no I/O.
 */
import { gammaln } from 'simple-statistics';

export interface BatchInterval {
  /** All values / all observations. */
  readonly mean: number;
  /** Half-width of the interval: the mean is within mean ± halfWidth at the given confidence. */
  readonly halfWidth: number;
  readonly lower: number;
  readonly upper: number;
  /** Number of batches used (k); degrees of freedom k - 1. */
  readonly batches: number;
  /** Mean of the per-batch means (unweighted), for comparison with `mean`. */
  readonly meanOfBatchMeans: number;
  /** Lag-1 autocorrelation of the batch means: near 0 when the batches are long enough. */
  readonly lag1Autocorrelation: number;
}

/** Continued fraction of the regularized incomplete beta function (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 300; m += 1) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-15) return result;
  }
  return result;
}

/** Regularized incomplete beta I_x(a, b), for a, b > 0 and x in [0, 1]. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (!(a > 0 && b > 0) || !(x >= 0 && x <= 1)) throw new Error(`regularizedIncompleteBeta: bad arguments x=${x} a=${a} b=${b}`);
  if (x === 0 || x === 1) return x;
  const front = Math.exp(gammaln(a + b) - gammaln(a) - gammaln(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a + 1) / (a + b + 2); use the symmetry otherwise.
  if (x < (a + 1) / (a + b + 2)) return (front * betaContinuedFraction(a, b, x)) / a;
  return 1 - (front * betaContinuedFraction(b, a, 1 - x)) / b;
}

/** P(T <= t) for Student's t distribution with `degreesOfFreedom` (> 0) degrees of freedom. */
export function studentTCdf(t: number, degreesOfFreedom: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(degreesOfFreedom / (degreesOfFreedom + t * t), degreesOfFreedom / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** The p-quantile of Student's t (p in (0, 1)), by bisection on the CDF to ~1e-12. */
export function studentTQuantile(p: number, degreesOfFreedom: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(degreesOfFreedom > 0)) throw new Error(`studentTQuantile: degrees of freedom must be > 0, got ${degreesOfFreedom}`);
  if (p === 0.5) return 0;
  if (p < 0.5) return -studentTQuantile(1 - p, degreesOfFreedom);
  let low = 0;
  let high = 1;
  while (studentTCdf(high, degreesOfFreedom) < p) high *= 2;
  for (let step = 0; step < 200 && high - low > 1e-12 * high; step += 1) {
    const mid = (low + high) / 2;
    if (studentTCdf(mid, degreesOfFreedom) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** Two-sided critical value t_{1 - (1 - confidence)/2, df}: 2.7564 for 99% and 29 df. */
export function studentTCritical(confidence: number, degreesOfFreedom: number): number {
  return studentTQuantile(1 - (1 - confidence) / 2, degreesOfFreedom);
}

/**
 * The batch-means interval of a mean from per-batch sums and counts (same length k >= 2, every
 * count > 0). Variance of the ratio estimator R = Σ sums / Σ counts:
 *   Var(R) ≈ Σ (sum_i - R count_i)² / ((k - 1) k n̄²),   n̄ = Σ counts / k.
 */
export function batchMeansInterval(sums: ArrayLike<number>, counts: ArrayLike<number>, confidence: number): BatchInterval {
  const batches = sums.length;
  if (batches !== counts.length) throw new Error(`batchMeansInterval: ${batches} sums but ${counts.length} counts`);
  if (batches < 2) throw new Error(`batchMeansInterval: need at least 2 batches, got ${batches}`);
  let totalSum = 0;
  let totalCount = 0;
  let batchMeanSum = 0;
  for (let index = 0; index < batches; index += 1) {
    const count = counts[index]!;
    if (!(count > 0)) throw new Error(`batchMeansInterval: batch ${index} has no observations`);
    totalSum += sums[index]!;
    totalCount += count;
    batchMeanSum += sums[index]! / count;
  }
  const mean = totalSum / totalCount;
  const meanCount = totalCount / batches;
  let squares = 0;
  for (let index = 0; index < batches; index += 1) squares += (sums[index]! - mean * counts[index]!) ** 2;
  const standardError = Math.sqrt(squares / ((batches - 1) * batches)) / meanCount;
  const halfWidth = studentTCritical(confidence, batches - 1) * standardError;
  return {
    mean,
    halfWidth,
    lower: mean - halfWidth,
    upper: mean + halfWidth,
    batches,
    meanOfBatchMeans: batchMeanSum / batches,
    lag1Autocorrelation: lag1Autocorrelation(Array.from({ length: batches }, (_, index) => sums[index]! / counts[index]!)),
  };
}

/** Lag-1 sample autocorrelation of a series (0 for a constant series). */
export function lag1Autocorrelation(values: readonly number[]): number {
  const count = values.length;
  if (count < 2) return 0;
  const average = values.reduce((sum, value) => sum + value, 0) / count;
  let numerator = 0;
  let denominator = 0;
  for (let index = 0; index < count; index += 1) {
    const deviation = values[index]! - average;
    denominator += deviation * deviation;
    if (index + 1 < count) numerator += deviation * (values[index + 1]! - average);
  }
  return denominator === 0 ? 0 : numerator / denominator;
}

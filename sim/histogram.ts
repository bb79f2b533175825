/**
 * A log-linear histogram of non-negative durations in ms, for wait percentiles whose memory stays
 * flat whatever the number of jobs: exact to the millisecond below one second, then buckets 1%
 * wide (so a reported percentile is within 1% of the exact one). Means are kept exactly.
 */

const LINEAR_LIMIT_MS = 1000;
const GROWTH = 1.01;
const LOG_GROWTH = Math.log(GROWTH);
/** Buckets up to ~ 1000 ms x 1.01^2100 (far beyond any wait a simulation produces). */
const LOG_BUCKETS = 2100;
export const HISTOGRAM_BUCKETS = LINEAR_LIMIT_MS + LOG_BUCKETS;

export class WaitHistogram {
  readonly counts = new Float64Array(HISTOGRAM_BUCKETS);
  total = 0;
  sumMs = 0;
  maxMs = 0;

  add(waitMs: number): void {
    this.addInBucket(bucketOf(waitMs), waitMs);
  }

  /** `add` with the bucket already known (`bucketOf(waitMs)`), when one wait goes to two histograms. */
  addInBucket(bucket: number, waitMs: number): void {
    this.counts[bucket]! += 1;
    this.total += 1;
    this.sumMs += waitMs;
    if (waitMs > this.maxMs) this.maxMs = waitMs;
  }

  /** Adds every observation of another histogram. */
  merge(other: WaitHistogram): void {
    for (let index = 0; index < HISTOGRAM_BUCKETS; index += 1) this.counts[index]! += other.counts[index]!;
    this.total += other.total;
    this.sumMs += other.sumMs;
    if (other.maxMs > this.maxMs) this.maxMs = other.maxMs;
  }

  meanMs(): number {
    return this.total === 0 ? 0 : this.sumMs / this.total;
  }

  /** The q-quantile (0..1) in ms: the lower edge of the bucket holding it (0 when empty). */
  quantileMs(q: number): number {
    if (this.total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.total));
    let seen = 0;
    for (let index = 0; index < HISTOGRAM_BUCKETS; index += 1) {
      seen += this.counts[index]!;
      if (seen >= rank) return Math.min(lowerEdge(index), this.maxMs);
    }
    return this.maxMs;
  }
}

export function bucketOf(waitMs: number): number {
  if (waitMs < LINEAR_LIMIT_MS) return Math.floor(waitMs);
  const index = LINEAR_LIMIT_MS + Math.floor(Math.log(waitMs / LINEAR_LIMIT_MS) / LOG_GROWTH);
  return index < HISTOGRAM_BUCKETS ? index : HISTOGRAM_BUCKETS - 1;
}

function lowerEdge(index: number): number {
  if (index < LINEAR_LIMIT_MS) return index;
  return Math.round(LINEAR_LIMIT_MS * Math.pow(GROWTH, index - LINEAR_LIMIT_MS));
}

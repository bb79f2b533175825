/**
 * What a run will cost before it starts: the jobs a scenario asks for (from its arrival model and
 * demand windows) and the time they take at the simulator's measured speed. The command line
 * prints it, and asks for `--allow-large` past the limits below, so that a typo (a million
 * subscribers instead of a thousand, ten years instead of ten days) costs a message, not an hour.
 */
import { MS_PER_DAY, MS_PER_HOUR } from '../engine/index.ts';
import type { SimModel } from './model.ts';

/** About this many jobs a second per replication (`npm run bench -- sim-validation`: 1.0-1.4M). */
export const JOBS_PER_SECOND = 1_000_000;
/** Past these, a run needs --allow-large. */
export const LARGE_JOBS = 200_000_000;
export const LARGE_SUBSCRIBERS = 2_000_000;

export interface RunEstimate {
  readonly subscribers: number;
  /** Jobs one replication asks for (before blocks), rounded. */
  readonly jobsPerReplication: number;
  readonly jobs: number;
  readonly seconds: number;
  readonly days: number;
}

/** The demand windows' extra arrivals, as a share of the horizon's (0 when there are none). */
function demandExtra(model: SimModel): number {
  const horizon = model.endAt - model.startAt;
  let extra = 0;
  for (const window of model.demand) {
    const overlap = Math.max(0, Math.min(window.toAt, model.endAt) - Math.max(window.fromAt, model.startAt));
    extra += ((window.arrivalMultiplier - 1) * overlap) / horizon;
  }
  return extra;
}

export function estimateRun(model: SimModel, replications: number): RunEstimate {
  const days = (model.endAt - model.startAt) / MS_PER_DAY;
  let perDay = 0;
  let subscribers = 0;
  for (const segment of model.segments) {
    subscribers += segment.subscribers;
    const arrivals = segment.arrivals;
    perDay += arrivals.kind === 'poisson' ? (arrivals.jobsPerHour * MS_PER_DAY) / MS_PER_HOUR : segment.subscribers * arrivals.activeDayProbability * arrivals.jobsPerActiveDayMean;
  }
  const jobsPerReplication = Math.round(perDay * days * (1 + demandExtra(model)));
  const jobs = jobsPerReplication * replications;
  return { subscribers, jobsPerReplication, jobs, seconds: jobs / JOBS_PER_SECOND, days };
}

function compact(value: number): string {
  return value >= 1e6 ? `${(value / 1e6).toFixed(1)}M` : value >= 1e3 ? `${(value / 1e3).toFixed(1)}k` : String(Math.round(value));
}

/** `about 3.7M jobs (20.0k subscribers, 30 days, 1 replication), about 4 s on one core`. */
export function describeEstimate(estimate: RunEstimate, replications: number): string {
  const seconds = estimate.seconds < 1 ? 'under a second' : estimate.seconds < 120 ? `about ${Math.round(estimate.seconds)} s` : `about ${Math.round(estimate.seconds / 60)} min`;
  return (
    `about ${compact(estimate.jobs)} jobs (${compact(estimate.subscribers)} subscribers, ${Math.round(estimate.days * 10) / 10} days, ` +
    `${replications} replication${replications === 1 ? '' : 's'}), ${seconds} of simulation on one core`
  );
}

/** Why the run needs --allow-large, or null. */
export function largeRunProblem(estimate: RunEstimate): string | null {
  if (estimate.jobs > LARGE_JOBS) return `more than ${compact(LARGE_JOBS)} jobs`;
  if (estimate.subscribers > LARGE_SUBSCRIBERS) return `more than ${compact(LARGE_SUBSCRIBERS)} subscribers`;
  return null;
}

/**
 * The subscribers at the start of a run: plan and billing interval drawn per segment from the
 * `population` stream; each subscription anchored at a uniformly random instant of the cycle (or
 * annual term) before the start, so renewals spread over the horizon as they do in a live business.
 *
 * Steady-state start: a customer who is k% through a cycle at the start has usually used some of
 * the allowance already. Each subscriber gets a prior Fast usage of (elapsed share of the cycle) x
 * (the segment's expected Fast GPU time per cycle), capped at the allowance, charged at the start
 * through the engine as carried-in usage (no job) and reported apart (`priorUsageMs`), never as
 * horizon usage.
 */
import { type Catalog, type EngineState, MS_PER_DAY, accountOf, addMonthsClamped, carryInUsage, subscribeCustomer, tick, usageEventOf } from '../engine/index.ts';
import { pickCumulative, segmentOffsets } from './arrivals.ts';
import type { Uniform } from './random.ts';
import { distributionMean } from './random.ts';
import type { SegmentModel, SimModel } from './model.ts';
import type { TraceSink } from './trace.ts';

/** Customer ids: deterministic, sortable within a segment. */
export function customerId(index: number): string {
  return `c${index}`;
}

/** The index back from an id made by `customerId`. */
export function customerIndex(id: string): number {
  return Number(id.slice(1));
}

/** Expected Fast (and Turbo, charged) GPU ms one subscriber of the segment uses per day. */
export function expectedFastMsPerDay(segment: SegmentModel, catalog: Catalog): number {
  let meanMs = 0;
  segment.gpuSecondsSpecs.forEach((spec, index) => {
    const share = segment.jobTypeCumulative[index]! - (index === 0 ? 0 : segment.jobTypeCumulative[index - 1]!);
    meanMs += share * distributionMean(spec) * 1000;
  });
  const fastShare = 1 - segment.relaxByChoiceShare - segment.turboShare;
  const chargedPerJob = meanMs * (fastShare + segment.turboShare * catalog.turboMultiplier);
  const arrivals = segment.arrivals;
  if (arrivals.kind === 'poisson') return (arrivals.jobsPerHour * 24 * chargedPerJob) / segment.subscribers;
  return arrivals.activeDayProbability * arrivals.jobsPerActiveDayMean * chargedPerJob;
}

export interface Population {
  /** Customers, segment by segment. */
  readonly count: number;
  /** Prior usage charged at the start (steady-state start), ms. */
  readonly priorUsageMs: number;
}

/** Charges the steady-state prior usage of one customer at the start; returns it in ms. */
function chargePriorUsage(model: SimModel, state: EngineState, id: string, perDayMs: number, trace: TraceSink | null): number {
  const account = accountOf(state, id);
  const elapsedDays = (model.startAt - account.cycleStartAt) / MS_PER_DAY;
  const priorMs = Math.min(account.balanceMs, Math.round(elapsedDays * perDayMs));
  if (priorMs <= 0) return 0;
  carryInUsage(model.catalog, account, priorMs, model.startAt);
  // Production would have sent this usage before the start: the trace records it as one event.
  trace?.usage(usageEventOf(model.catalog, id, `${id}:prior`, 'fast', priorMs, model.startAt));
  return priorMs;
}

/**
 * Subscribes every customer and brings the engine to `model.startAt`. `trace` (if any) is told the
 * subscriptions, the prior usage events and the invoices of the cycles closed before the start.
 */
export function populate(model: SimModel, state: EngineState, uniform: Uniform, trace: TraceSink | null = null): Population {
  const catalog = model.catalog;
  const offsets = segmentOffsets(model.segments);
  const count = model.segments.reduce((sum, segment) => sum + segment.subscribers, 0);
  const startAt = model.startAt;
  let priorUsageMs = 0;
  model.segments.forEach((segment, segmentIndex) => {
    const perDay = expectedFastMsPerDay(segment, catalog);
    for (let index = 0; index < segment.subscribers; index += 1) {
      const customer = offsets[segmentIndex]! + index;
      const plan = catalog.plans.get(segment.planIds[pickCumulative(segment.planCumulative, uniform())]!)!;
      const annual = uniform() < segment.annualShare && plan.annualPriceCents !== null;
      const termMonths = annual ? 12 : 1;
      const termStart = addMonthsClamped(startAt, -termMonths);
      const anchorAt = termStart + Math.floor(uniform() * (startAt - termStart));
      const id = customerId(customer);
      subscribeCustomer(state, id, plan.id, annual ? 'year' : 'month', anchorAt);
      trace?.subscription(id, plan.id, annual ? 'year' : 'month', anchorAt);
      // Catch this customer up to the start now: the invoices of cycles before the start are
      // dropped while young instead of piling up for a million customers.
      const closed = tick(state, startAt).invoices;
      if (trace !== null) for (const invoice of closed) trace.invoice(invoice, false);
      priorUsageMs += chargePriorUsage(model, state, id, perDay, trace);
    }
  });
  return { count, priorUsageMs };
}

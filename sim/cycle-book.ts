/**
 * Booking what the engine bills and what a closed cycle says about pressure to upgrade:
 * revenue lines go to the month they were billed in (cash basis, horizon only), closed cycles add
 * to their tier's exhaustion, Relax, blocked and top-up figures (docs/SIMULATOR.md defines them).
 */
import { type Invoice, MS_PER_DAY } from '../engine/index.ts';
import { neighbourPlan } from './behaviour.ts';
import type { Metrics } from './metrics.ts';
import type { SimModel } from './model.ts';

/** Revenue lines billed within the horizon, by plan and by the month they were billed in. */
export function bookRevenue(model: SimModel, metrics: Metrics, monthStarts: readonly number[], invoice: Invoice): void {
  for (const line of invoice.lines) {
    if (line.at < model.startAt || line.at >= model.endAt) continue;
    let month = 0;
    while (month + 1 < monthStarts.length && line.at >= monthStarts[month + 1]!) month += 1;
    const tier = model.catalog.plans.get(line.planId)!.rank;
    const row = metrics.tierMonths[tier]![month]!;
    if (line.kind === 'subscription') row.subscriptionCents += line.amountCents;
    else if (line.kind === 'annual_subscription') row.annualCents += line.amountCents;
    else if (line.kind === 'topup') row.topupCents += line.amountCents;
    else if (line.kind === 'overage') row.overageCents += line.amountCents;
    else row.prorationCents += line.amountCents;
  }
}

/** Adds a cycle closed within the horizon to its tier's pressure figures. */
export function recordClosedCycle(model: SimModel, metrics: Metrics, invoice: Invoice, relaxWaitMsSum: number, relaxWaitCount: number): void {
  const plan = model.catalog.plans.get(invoice.planId)!;
  const cycles = metrics.tierCycles[plan.rank]!;
  cycles.cycles += 1;
  if (invoice.exhaustedAt !== null && plan.overagePolicy !== 'metered') {
    cycles.exhausted += 1;
    const day = Math.min(32, Math.floor((invoice.exhaustedAt - invoice.periodStartAt) / MS_PER_DAY) + 1);
    cycles.exhaustionDays[day]! += 1;
    if (day < model.behaviour.upgradeExhaustedBeforeDay) cycles.exhaustedBeforeDay += 1;
    if (plan.relax) cycles.relaxDaysSum += (invoice.periodEndAt - invoice.exhaustedAt) / MS_PER_DAY;
  }
  cycles.relaxWaitMsSum += relaxWaitMsSum;
  cycles.relaxWaitCount += relaxWaitCount;
  cycles.blocked += invoice.blockedJobs;
  if (invoice.blockedJobs > 0) cycles.cyclesWithBlocked += 1;
  let topupCents = 0;
  for (const line of invoice.lines) if (line.kind === 'topup') topupCents += line.amountCents;
  cycles.topupCents += topupCents;
  const up = neighbourPlan(model.catalog, plan, 1);
  if (up !== null && topupCents > 0 && topupCents >= up.monthlyPriceCents - plan.monthlyPriceCents) cycles.topupOverGap += 1;
}

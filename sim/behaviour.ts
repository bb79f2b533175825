/**
 * How simulated customers react (the models documented in docs/BEHAVIOUR.md). Every decision
 * draws a fixed number of uniforms from the `behaviour` stream, so one customer's choice never
 * shifts the draws of another's.
 *
 * - Top-up: the first time in a cycle a customer runs out of Fast time (a request blocked on a
 *   hard-cap plan, or sent to Relax on a Relax plan), they buy `topupHours` with the plan's
 *   propensity. Metered plans bill overage instead and never buy.
 * - Renewal, decided one millisecond before the cycle ends, from the cycle just lived:
 *   churn with `churnProbability` (+ `churnBlockedBump` if any request was blocked); otherwise
 *   upgrade one plan up with `upgradeProbability` if Fast ran out before day
 *   `upgradeExhaustedBeforeDay` of the cycle, plus `upgradePerBlocked` per blocked request
 *   (capped at 1); otherwise downgrade one plan down with `downgradeProbability` if less than
 *   `downgradeBelowUsedShare` of the allowance was used. Annual subscribers only churn or
 *   downgrade at the end of their paid term; upgrades happen at any renewal.
 */
import { type Account, type Catalog, type PlanDef, MS_PER_DAY } from '../engine/index.ts';
import type { BehaviourModel } from './model.ts';
import type { Uniform } from './random.ts';

export type RenewalChoice =
  | { readonly kind: 'stay' }
  | { readonly kind: 'churn' }
  | { readonly kind: 'upgrade' | 'downgrade'; readonly plan: PlanDef };

const STAY: RenewalChoice = { kind: 'stay' };
const CHURN: RenewalChoice = { kind: 'churn' };

/** Whether a customer who just ran out of Fast time buys a top-up (one draw). */
export function buysTopup(behaviour: BehaviourModel, plan: PlanDef, uniform: Uniform): boolean {
  const draw = uniform();
  if (!plan.topupsAllowed || plan.overagePolicy === 'metered') return false;
  const propensity = plan.overagePolicy === 'hard_cap' ? behaviour.topupPropensityHardCap : behaviour.topupPropensityRelax;
  return draw < propensity;
}

/** The 1-based day of the cycle on which the balance ran out, or null. */
export function exhaustionDay(account: Account): number | null {
  const at = account.usage.exhaustedAt;
  return at === null ? null : Math.floor((at - account.cycleStartAt) / MS_PER_DAY) + 1;
}

/** The plan one step up or down the catalog's ladder (same order as the YAML), or null. */
export function neighbourPlan(catalog: Catalog, plan: PlanDef, step: 1 | -1): PlanDef | null {
  return catalog.planList[plan.rank + step] ?? null;
}

/** The renewal decision of `account` at the end of its cycle (three draws). */
export function renewalChoice(catalog: Catalog, behaviour: BehaviourModel, account: Account, uniform: Uniform): RenewalChoice {
  const churnDraw = uniform();
  const upgradeDraw = uniform();
  const downgradeDraw = uniform();
  const plan = account.plan;
  if (plan === null) return STAY;
  const termEnds = account.interval === 'month' || (account.cycleIndex - account.feeTermStartCycle) % 12 === 11;
  const blocked = account.usage.blockedJobs;
  if (termEnds && churnDraw < behaviour.churnProbability + (blocked > 0 ? behaviour.churnBlockedBump : 0)) return CHURN;
  const up = neighbourPlan(catalog, plan, 1);
  const day = exhaustionDay(account);
  const ranOutEarly = day !== null && day < behaviour.upgradeExhaustedBeforeDay && plan.overagePolicy !== 'metered';
  const upgradeProbability = Math.min(1, (ranOutEarly ? behaviour.upgradeProbability : 0) + behaviour.upgradePerBlocked * blocked);
  if (up !== null && upgradeDraw < upgradeProbability) return { kind: 'upgrade', plan: up };
  const down = neighbourPlan(catalog, plan, -1);
  const usedShare = account.includedMs === 0 ? 1 : account.usage.fastMs / account.includedMs;
  if (termEnds && down !== null && usedShare < behaviour.downgradeBelowUsedShare && downgradeDraw < behaviour.downgradeProbability) {
    return { kind: 'downgrade', plan: down };
  }
  return STAY;
}

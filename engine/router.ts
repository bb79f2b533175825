/**
 * Routing: which queue a job request goes to, decided from the plan, the balance and the jobs the
 * customer already has in flight. Relax is application logic, not a billing feature (as in Dodo's
 * Midjourney recipe): the router decides it, and only Fast/Turbo completions are ever metered.
 *
 * Rules, in order:
 * 1. No active subscription: blocked `no_active_subscription`.
 * 2. Relax asked for: relax if the plan has Relax and the job type may run there; else blocked
 *    (`relax_not_on_plan`, `relax_not_allowed_for_job_type`).
 * 3. Fast/Turbo asked for: granted while balance remains (a job admitted with balance left runs to
 *    completion and may overdraw) or always on a metered plan; once exhausted, relax where the plan
 *    and job type allow it, else blocked (`fast_exhausted_no_relax`,
 *    `relax_not_allowed_for_job_type`) with what would unblock it (top-up, upgrade).
 * 4. Concurrency: below the plan's limit for the mode the job starts now; else it waits in the
 *    customer's own queue up to `queue_limit`; else blocked (`queue_full`, or
 *    `concurrency_limit` when the plan has no queue).
 * Relax priority: the customer's Relax GPU time this cycle (less is served first), reset at renewal.
 */
import { type Catalog, type JobTypeDef, type Mode, type PlanDef, relaxAllowed } from './catalog.ts';
import type { Account } from './account.ts';
import { advance } from './ledger.ts';

export type BlockReason =
  | 'no_active_subscription'
  | 'relax_not_on_plan'
  | 'relax_not_allowed_for_job_type'
  | 'fast_exhausted_no_relax'
  | 'concurrency_limit'
  | 'queue_full';

export type RouteReason = 'fast_balance' | 'metered_overage' | 'relax_requested' | 'fast_exhausted_relax' | BlockReason;

export type Unblock =
  | { readonly action: 'topup' }
  | { readonly action: 'upgrade'; readonly planId: string }
  | { readonly action: 'subscribe' }
  | { readonly action: 'request_fast' }
  | { readonly action: 'wait_for_jobs' };

export interface RouteDecision {
  readonly mode: Mode | 'blocked';
  readonly reason: RouteReason;
  /** Order within the mode's queue, lower first: 0 for Fast/Turbo, Relax ms used this cycle for Relax. */
  readonly priority: number;
  /** `now`: dispatch to the fleet; `queued`: hold in the customer's queue; null when blocked. */
  readonly start: 'now' | 'queued' | null;
  readonly unblock: readonly Unblock[];
}

export interface JobRequest {
  readonly jobType: JobTypeDef;
  /** The mode the user asked for. */
  readonly mode: Mode;
}

const NONE: readonly Unblock[] = Object.freeze([]);

function granted(mode: Mode, reason: RouteReason, start: 'now' | 'queued'): RouteDecision {
  return Object.freeze({ mode, reason, priority: 0, start, unblock: NONE });
}

const FAST_GRANTS = {
  fast_balance: { fast: { now: granted('fast', 'fast_balance', 'now'), queued: granted('fast', 'fast_balance', 'queued') },
    turbo: { now: granted('turbo', 'fast_balance', 'now'), queued: granted('turbo', 'fast_balance', 'queued') } },
  metered_overage: { fast: { now: granted('fast', 'metered_overage', 'now'), queued: granted('fast', 'metered_overage', 'queued') },
    turbo: { now: granted('turbo', 'metered_overage', 'now'), queued: granted('turbo', 'metered_overage', 'queued') } },
} as const;

function blocked(reason: BlockReason, unblock: readonly Unblock[]): RouteDecision {
  return { mode: 'blocked', reason, priority: 0, start: null, unblock };
}

/** The cheapest plan (by monthly price, then catalog order) that would run this job without blocking. */
function upgradeTarget(catalog: Catalog, plan: PlanDef, jobType: JobTypeDef, needRelax: boolean): PlanDef | null {
  let best: PlanDef | null = null;
  for (const candidate of catalog.planList) {
    if (candidate.monthlyPriceCents <= plan.monthlyPriceCents || candidate.id === plan.id) continue;
    const fits = needRelax
      ? relaxAllowed(catalog, candidate, jobType)
      : relaxAllowed(catalog, candidate, jobType) || candidate.overagePolicy === 'metered' || candidate.fastAllowanceMs > plan.fastAllowanceMs;
    if (fits && (best === null || candidate.monthlyPriceCents < best.monthlyPriceCents)) best = candidate;
  }
  return best;
}

function exhaustedBlock(catalog: Catalog, plan: PlanDef, jobType: JobTypeDef): RouteDecision {
  const unblock: Unblock[] = [];
  if (plan.topupsAllowed) unblock.push({ action: 'topup' });
  const target = upgradeTarget(catalog, plan, jobType, false);
  if (target !== null) unblock.push({ action: 'upgrade', planId: target.id });
  const reason = plan.relax ? 'relax_not_allowed_for_job_type' : 'fast_exhausted_no_relax';
  return blocked(reason, unblock);
}

function relaxBlock(catalog: Catalog, plan: PlanDef, jobType: JobTypeDef): RouteDecision {
  const unblock: Unblock[] = [{ action: 'request_fast' }];
  const target = upgradeTarget(catalog, plan, jobType, true);
  if (target !== null) unblock.push({ action: 'upgrade', planId: target.id });
  return blocked(plan.relax ? 'relax_not_allowed_for_job_type' : 'relax_not_on_plan', unblock);
}

/** Where the job can start given the customer's jobs in flight, or the block it hits. */
function admission(account: Account, plan: PlanDef, mode: Mode): 'now' | 'queued' | RouteDecision {
  const running = mode === 'relax' ? account.inFlightRelax : account.inFlightFast;
  const limit = mode === 'relax' ? plan.concurrencyRelax : plan.concurrencyFast;
  if (running < limit) return 'now';
  if (account.held < plan.queueLimit) return 'queued';
  return blocked(plan.queueLimit === 0 ? 'concurrency_limit' : 'queue_full', [{ action: 'wait_for_jobs' }]);
}

function relaxDecision(account: Account, plan: PlanDef, reason: RouteReason): RouteDecision {
  const start = admission(account, plan, 'relax');
  if (typeof start !== 'string') return start;
  return { mode: 'relax', reason, priority: account.usage.relaxMs, start, unblock: NONE };
}

/**
 * Decides where a job request goes at `at`. Catches the account up with renewals and expiries
 * due by `at` first; otherwise changes nothing (see `submit` to also admit the job).
 */
export function route(catalog: Catalog, account: Account, request: JobRequest, at: number): RouteDecision {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  const plan = account.plan;
  if (plan === null) return blocked('no_active_subscription', [{ action: 'subscribe' }]);
  const jobType = request.jobType;
  if (request.mode === 'relax') {
    if (!relaxAllowed(catalog, plan, jobType)) return relaxBlock(catalog, plan, jobType);
    return relaxDecision(account, plan, 'relax_requested');
  }
  const metered = plan.overagePolicy === 'metered';
  if (account.balanceMs > 0 || metered) {
    const start = admission(account, plan, request.mode);
    if (typeof start !== 'string') return start;
    return FAST_GRANTS[account.balanceMs > 0 ? 'fast_balance' : 'metered_overage'][request.mode][start];
  }
  if (relaxAllowed(catalog, plan, jobType)) return relaxDecision(account, plan, 'fast_exhausted_relax');
  return exhaustedBlock(catalog, plan, jobType);
}

/** Records an admitted decision: the job is dispatched now or held in the customer's queue. */
export function admit(account: Account, decision: RouteDecision): void {
  if (decision.mode === 'blocked') {
    account.usage.blockedJobs += 1;
    return;
  }
  if (decision.reason === 'fast_exhausted_relax') account.usage.fallbackJobs += 1;
  if (decision.start === 'queued') account.held += 1;
  else if (decision.mode === 'relax') account.inFlightRelax += 1;
  else account.inFlightFast += 1;
}

/** Routes and admits a job request in one step (what drivers normally call). */
export function submit(catalog: Catalog, account: Account, request: JobRequest, at: number): RouteDecision {
  const decision = route(catalog, account, request, at);
  admit(account, decision);
  return decision;
}

/** A held job of `mode` leaves the customer's queue and is dispatched to the fleet. */
export function dispatchHeld(account: Account, mode: Mode): void {
  if (account.held <= 0) throw new Error(`router: no held job for ${account.customerId}`);
  account.held -= 1;
  if (mode === 'relax') account.inFlightRelax += 1;
  else account.inFlightFast += 1;
}

/** Whether a job of `mode` may be dispatched now under the plan's concurrency limit. */
export function canDispatch(account: Account, mode: Mode): boolean {
  const plan = account.plan;
  if (plan === null) return true;
  return mode === 'relax' ? account.inFlightRelax < plan.concurrencyRelax : account.inFlightFast < plan.concurrencyFast;
}

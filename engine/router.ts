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
import { type Account, type AccountStore, H, hotBase, NO_PLAN } from './account.ts';
import type { EngineState } from './engine.ts';
import { advance } from './ledger.ts';

/** Every reason a request can be blocked for, in a fixed order (reports list them in it). */
export const BLOCK_REASONS = [
  'no_active_subscription',
  'relax_not_on_plan',
  'relax_not_allowed_for_job_type',
  'fast_exhausted_no_relax',
  'concurrency_limit',
  'queue_full',
] as const;

export type BlockReason = (typeof BLOCK_REASONS)[number];

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

/** The shared Fast/Turbo grants of one reason, indexed by `grantIndex`. */
function grants(reason: RouteReason): readonly RouteDecision[] {
  return [granted('fast', reason, 'now'), granted('fast', reason, 'queued'), granted('turbo', reason, 'now'), granted('turbo', reason, 'queued')];
}
const BALANCE_GRANTS = grants('fast_balance');
const METERED_GRANTS = grants('metered_overage');

function grantIndex(mode: Mode, start: 'now' | 'queued'): number {
  return (mode === 'turbo' ? 2 : 0) + (start === 'now' ? 0 : 1);
}

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
function admission(hot: Float64Array, base: number, plan: PlanDef, mode: Mode): 'now' | 'queued' | RouteDecision {
  const running = mode === 'relax' ? hot[base + H.inFlightRelax]! : hot[base + H.inFlightFast]!;
  const limit = mode === 'relax' ? plan.concurrencyRelax : plan.concurrencyFast;
  if (running < limit) return 'now';
  if (hot[base + H.held]! < plan.queueLimit) return 'queued';
  return blocked(plan.queueLimit === 0 ? 'concurrency_limit' : 'queue_full', [{ action: 'wait_for_jobs' }]);
}

function relaxDecision(hot: Float64Array, base: number, plan: PlanDef, reason: RouteReason): RouteDecision {
  const start = admission(hot, base, plan, 'relax');
  if (typeof start !== 'string') return start;
  return { mode: 'relax', reason, priority: hot[base + H.relaxMs]!, start, unblock: NONE };
}

/**
 * Decides where a job request of the account with this handle goes at `at`. Catches the account
 * up with renewals and expiries due by `at` first; otherwise changes nothing. Reads only the
 * account's hot record (see AccountStore).
 */
function routeRecord(catalog: Catalog, store: AccountStore, handle: number, request: JobRequest, at: number): RouteDecision {
  const base = hotBase(handle);
  if (at >= store.hot[base + H.nextDueAt]!) advance(catalog, store.accounts[handle]!, at);
  const hot = store.hot;
  const rank = hot[base + H.planRank]!;
  if (rank === NO_PLAN) return blocked('no_active_subscription', [{ action: 'subscribe' }]);
  const plan = catalog.planList[rank | 0]!;
  const jobType = request.jobType;
  if (request.mode === 'relax') {
    if (!relaxAllowed(catalog, plan, jobType)) return relaxBlock(catalog, plan, jobType);
    return relaxDecision(hot, base, plan, 'relax_requested');
  }
  const balanceMs = hot[base + H.balanceMs]!;
  if (balanceMs > 0 || plan.overagePolicy === 'metered') {
    const start = admission(hot, base, plan, request.mode);
    if (typeof start !== 'string') return start;
    return (balanceMs > 0 ? BALANCE_GRANTS : METERED_GRANTS)[grantIndex(request.mode, start)]!;
  }
  if (relaxAllowed(catalog, plan, jobType)) return relaxDecision(hot, base, plan, 'fast_exhausted_relax');
  return exhaustedBlock(catalog, plan, jobType);
}

/** Records an admitted decision in the record: the job is dispatched now or held in the customer's queue. */
function admitRecord(store: AccountStore, handle: number, decision: RouteDecision): void {
  const hot = store.hot;
  const base = hotBase(handle);
  if (decision.mode === 'blocked') {
    hot[base + H.blockedJobs] = hot[base + H.blockedJobs]! + 1;
    return;
  }
  if (decision.reason === 'fast_exhausted_relax') hot[base + H.fallbackJobs] = hot[base + H.fallbackJobs]! + 1;
  if (decision.start === 'queued') hot[base + H.held] = hot[base + H.held]! + 1;
  else if (decision.mode === 'relax') hot[base + H.inFlightRelax] = hot[base + H.inFlightRelax]! + 1;
  else hot[base + H.inFlightFast] = hot[base + H.inFlightFast]! + 1;
}

function dispatchHeldRecord(store: AccountStore, handle: number, mode: Mode): void {
  const hot = store.hot;
  const base = hotBase(handle);
  if (hot[base + H.held]! <= 0) throw new Error(`router: no held job for ${store.accounts[handle]!.customerId}`);
  hot[base + H.held] = hot[base + H.held]! - 1;
  if (mode === 'relax') hot[base + H.inFlightRelax] = hot[base + H.inFlightRelax]! + 1;
  else hot[base + H.inFlightFast] = hot[base + H.inFlightFast]! + 1;
}

/**
 * Decides where a job request goes at `at` and admits it: a granted job is dispatched now or held
 * in the customer's queue, a blocked one is counted. Catches the account up with renewals and
 * expiries due by `at` first.
 */
export function submit(catalog: Catalog, account: Account, request: JobRequest, at: number): RouteDecision {
  const decision = routeRecord(catalog, account.store, account.handle, request, at);
  admitRecord(account.store, account.handle, decision);
  return decision;
}

/**
 * `submit` for the account with this handle (`Account.handle`, `handleOf`): the same decision,
 * without touching the account object on the common path. Drivers holding millions of accounts
 * use the handle forms (see docs/PERFORMANCE.md).
 */
export function submitByHandle(state: EngineState, handle: number, request: JobRequest, at: number): RouteDecision {
  const decision = routeRecord(state.catalog, state.store, handle, request, at);
  admitRecord(state.store, handle, decision);
  return decision;
}

/** A held job of `mode` leaves the customer's queue and is dispatched to the fleet. */
export function dispatchHeld(account: Account, mode: Mode): void {
  dispatchHeldRecord(account.store, account.handle, mode);
}

/** `dispatchHeld` for the account with this handle. */
export function dispatchHeldByHandle(state: EngineState, handle: number, mode: Mode): void {
  dispatchHeldRecord(state.store, handle, mode);
}

/**
 * A held job leaves the customer's queue without running (the customer cancelled it): its queue
 * place is freed; nothing is charged or counted. A dispatched job that is cancelled goes through
 * `fail` instead, which frees its slot.
 */
export function withdrawHeld(account: Account): void {
  const hot = account.store.hot;
  const base = hotBase(account.handle);
  if (hot[base + H.held]! <= 0) throw new Error(`router: no held job for ${account.customerId}`);
  hot[base + H.held] = hot[base + H.held]! - 1;
}

/** Whether a job of `mode` may be dispatched now under the plan's concurrency limit. */
export function canDispatch(account: Account, mode: Mode): boolean {
  const plan = account.plan;
  if (plan === null) return true;
  return mode === 'relax' ? account.inFlightRelax < plan.concurrencyRelax : account.inFlightFast < plan.concurrencyFast;
}

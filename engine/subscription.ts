/**
 * Subscription lifecycle: subscribe, change plan, cancel.
 *
 * An upgrade (a higher yearly value, as Lago decides it) takes effect at once, billed by the
 * catalog's proration mode, which mirrors Dodo's `proration_billing_mode`:
 * - `prorated_immediately`: credit the old fee for its unused share, charge the new fee for the
 *   time left in the fee term; the included allowance grows by the new-minus-old allowance for the
 *   time left in the cycle. The unused share is time left (`credit_basis: time`) or, Midjourney's
 *   rule, the unused share of the included Fast time (`unused_fast`; annual terms add the whole
 *   months left).
 * - `full_immediately`: close the period now and start a fresh cycle anchored now, with the full
 *   new fee and allowance; nothing is credited.
 * - `difference_immediately`: charge the fee difference now; the allowance grows by the difference.
 * - `do_not_bill`: switch now without a charge; the allowance grows by the difference.
 * A change of billing interval inside an upgrade is always handled as `full_immediately`.
 * Downgrades and cancellations take effect at the next renewal. Refusals are values.
 */
import {
  type Catalog,
  type Interval,
  type PlanDef,
  feeCents,
  yearlyValueCents,
} from './catalog.ts';
import { type Account, type InvoiceLine, addOpenLine } from './account.ts';
import { prorateCents } from './money.ts';
import { advance, feeTerm, grantLot, reanchor, startSubscription } from './ledger.ts';

export type PlanChangeResult =
  | { readonly ok: true; readonly effect: 'started' | 'upgraded' | 'scheduled' | 'unchanged'; readonly lines: readonly InvoiceLine[] }
  | { readonly ok: false; readonly reason: 'no_active_subscription' | 'already_subscribed' | 'interval_not_offered' };

const NO_LINES: readonly InvoiceLine[] = Object.freeze([]);

/** Starts a subscription at `at` for a customer who has none. */
export function subscribe(catalog: Catalog, account: Account, plan: PlanDef, interval: Interval, at: number): PlanChangeResult {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  if (account.plan !== null) return { ok: false, reason: 'already_subscribed' };
  if (feeCents(plan, interval) === null) return { ok: false, reason: 'interval_not_offered' };
  startSubscription(catalog, account, plan, interval, at);
  return { ok: true, effect: 'started', lines: account.openLines.slice(-1) };
}

/** Schedules cancellation at the next renewal; benefits last until then. */
export function cancel(catalog: Catalog, account: Account, at: number): PlanChangeResult {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  if (account.plan === null) return { ok: false, reason: 'no_active_subscription' };
  account.cancelAtRenewal = true;
  account.pendingPlan = null;
  return { ok: true, effect: 'scheduled', lines: NO_LINES };
}

/** Changes plan at `at`: upgrades now, downgrades at renewal (see the module header). */
export function changePlan(catalog: Catalog, account: Account, plan: PlanDef, interval: Interval, at: number): PlanChangeResult {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  const current = account.plan;
  if (current === null) return { ok: false, reason: 'no_active_subscription' };
  if (feeCents(plan, interval) === null) return { ok: false, reason: 'interval_not_offered' };
  account.cancelAtRenewal = false;
  account.pendingPlan = null;
  if (current.id === plan.id && account.interval === interval) return { ok: true, effect: 'unchanged', lines: NO_LINES };
  if (yearlyValueCents(plan, interval) <= yearlyValueCents(current, account.interval)) {
    account.pendingPlan = plan;
    account.pendingInterval = interval;
    return { ok: true, effect: 'scheduled', lines: NO_LINES };
  }
  const before = account.openLines.length;
  upgrade(catalog, account, current, plan, interval, at);
  const lines = account.openLines.slice(before);
  return { ok: true, effect: 'upgraded', lines };
}

function upgrade(catalog: Catalog, account: Account, from: PlanDef, to: PlanDef, interval: Interval, at: number): void {
  const mode = account.interval === interval ? catalog.upgradeProration : 'full_immediately';
  if (mode === 'full_immediately') {
    reanchor(catalog, account, to, interval, at);
    return;
  }
  const oldFee = feeCents(from, account.interval) ?? 0;
  const newFee = feeCents(to, interval) ?? 0;
  const cycleLeft = account.cycleEndAt - at;
  const cycleLength = account.cycleEndAt - account.cycleStartAt;
  if (mode === 'prorated_immediately') {
    const term = feeTerm(account);
    const termLeft = term.endAt - at;
    const termLength = term.endAt - term.startAt;
    const unused = unusedShare(catalog, account, termLeft, termLength);
    const rule = catalog.rounding;
    pushLine(account, 'proration_credit', 0 - prorateCents(oldFee, unused.part, unused.whole, rule), at, from.id,
      `-${oldFee} x ${unused.part}/${unused.whole} (${catalog.creditBasis}), ${rule}`, unused.part / unused.whole);
    pushLine(account, 'proration_charge', prorateCents(newFee, termLeft, termLength, rule), at, to.id,
      `${newFee} x ${termLeft}/${termLength} ms left, ${rule}`, termLeft / termLength);
  } else if (mode === 'difference_immediately') {
    pushLine(account, 'upgrade_charge', newFee - oldFee, at, to.id, `${newFee} - ${oldFee}`, 1);
  }
  const allowanceGap = to.fastAllowanceMs - from.fastAllowanceMs;
  const extraMs = mode === 'prorated_immediately' ? Math.floor((allowanceGap * cycleLeft) / cycleLength) : allowanceGap;
  if (extraMs > 0) {
    const id = `included:${account.cycleIndex}:upgrade:${to.id}:${at}`;
    grantLot(catalog, account, 'included', id, extraMs, at, account.cycleEndAt);
  }
  account.plan = to;
}

/** The share of the old fee still unused, as an exact fraction part/whole. */
function unusedShare(catalog: Catalog, account: Account, termLeft: number, termLength: number): { part: number; whole: number } {
  if (catalog.creditBasis === 'time') return { part: termLeft, whole: termLength };
  const included = account.includedMs;
  const unusedIncluded = Math.max(0, included - Math.min(included, account.usage.fastMs));
  const cycleShare = included === 0 ? { part: 0, whole: 1 } : { part: unusedIncluded, whole: included };
  if (account.interval === 'month') return cycleShare;
  const monthsAfter = 11 - ((account.cycleIndex - account.feeTermStartCycle) % 12);
  return { part: monthsAfter * cycleShare.whole + cycleShare.part, whole: 12 * cycleShare.whole };
}

function pushLine(
  account: Account,
  kind: InvoiceLine['kind'],
  amountCents: number,
  at: number,
  planId: string,
  detail: string,
  quantity: number,
): void {
  addOpenLine(account, { kind, quantity, unit: 'share', amountCents, at, planId, detail });
}

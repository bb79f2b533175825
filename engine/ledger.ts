/**
 * The ledger: grant lots, burning charged Fast time in burn order, expiring lots, and the
 * time-driven work of a billing cycle (renewal resets the allowance, applies a scheduled downgrade
 * or cancellation and bills the fee when its term starts).
 *
 * Every function takes the instant it acts at; `advance(account, at)` catches the account up with
 * everything due at or before `at`, in time order, and is called first by every operation, so the
 * state an operation sees never depends on whether a driver ticked in between.
 * Invariants: see account.ts (conservation, burn order, nextDueAt).
 */
import { addMonthsClamped } from './calendar.ts';
import { type Catalog, type Interval, type LotKind, type PlanDef, feeCents } from './catalog.ts';
import { type Account, type AccountStore, type Lot, H, hotBase, NEVER, addOpenLine, compareLots, keepClosed, resetUsage, setUsage } from './account.ts';
import { feeLine, periodInvoice } from './invoice.ts';

function assertLedger(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`ledger: ${message}`);
}

function refreshNextDue(account: Account): void {
  let next = account.cycleEndAt;
  for (const lot of account.lots) if (lot.expiresAt < next) next = lot.expiresAt;
  account.nextDueAt = next;
}

/** Adds a lot of `grantMs` (> 0) in burn order. */
export function grantLot(
  catalog: Catalog,
  account: Account,
  kind: LotKind,
  id: string,
  grantMs: number,
  at: number,
  expiresAt: number,
): Lot {
  assertLedger(Number.isSafeInteger(grantMs) && grantMs > 0, `grant of ${grantMs} ms`);
  const lot: Lot = {
    id,
    kind,
    burnRank: catalog.burnRank[kind],
    grantedMs: grantMs,
    remainingMs: grantMs,
    grantedAt: at,
    expiresAt,
  };
  const lots = account.lots;
  let index = lots.length;
  while (index > 0 && compareLots(lots[index - 1]!, lot) > 0) index -= 1;
  if (lots.length === 0) account.setLots([lot]); // exactly one slot (see addOpenLine)
  else {
    if (index === lots.length) lots.push(lot);
    else lots.splice(index, 0, lot);
    account.setLots(lots);
  }
  account.balanceMs += grantMs;
  account.grantedMs += grantMs;
  if (kind === 'included') account.includedMs += grantMs;
  if (expiresAt < account.nextDueAt) account.nextDueAt = expiresAt;
  return lot;
}

/**
 * Burns `chargeMs` of charged Fast time at `at` from the account with this handle: lots in burn
 * order, then overage for what no lot covers. Records the instant the balance first reaches zero
 * in the cycle. The account object is touched only when the head lot runs out.
 */
export function burnByHandle(store: AccountStore, handle: number, chargeMs: number, at: number): void {
  if (!burnFromHead(store, handle, chargeMs)) burnLots(store.accounts[handle]!, chargeMs, at);
}

/**
 * Charges Fast time the customer used before the driver took the account over (a simulation's
 * steady-state start, usage brought over from a previous biller): catches the account up to `at`,
 * burns `usedMs` as a completed Fast job would and adds it to the cycle's Fast time, but counts no
 * job and describes no usage event (that usage was metered where it ran). `usedMs`: whole ms >= 0;
 * the account needs an active plan.
 */
export function carryInUsage(catalog: Catalog, account: Account, usedMs: number, at: number): void {
  assertLedger(Number.isSafeInteger(usedMs) && usedMs >= 0, `carried-in usage of ${usedMs} ms`);
  if (at >= account.nextDueAt) advance(catalog, account, at);
  assertLedger(account.plan !== null, `carried-in usage for ${account.customerId}, who has no plan`);
  burnByHandle(account.store, account.handle, usedMs, at);
  setUsage(account, 'fastMs', account.usage.fastMs + usedMs);
}

/**
 * The common burn, on the hot record alone: the head lot covers the charge and keeps some time.
 * False (and nothing changed) when the charge needs `burnLots`.
 */
function burnFromHead(store: AccountStore, handle: number, chargeMs: number): boolean {
  const hot = store.hot;
  const base = hotBase(handle);
  if (!(hot[base + H.headMs]! > chargeMs)) return false;
  hot[base + H.headMs] = hot[base + H.headMs]! - chargeMs;
  hot[base + H.balanceMs] = hot[base + H.balanceMs]! - chargeMs;
  hot[base + H.consumedMs] = hot[base + H.consumedMs]! + chargeMs;
  return true;
}

/** Any burn: lot after lot in burn order, then overage. */
function burnLots(account: Account, chargeMs: number, at: number): void {
  let need = chargeMs;
  const lots = account.lots;
  let drained = 0;
  while (need > 0 && drained < lots.length) {
    const lot = lots[drained]!;
    const take = lot.remainingMs < need ? lot.remainingMs : need;
    lot.remainingMs -= take;
    need -= take;
    account.consumedMs += take;
    account.balanceMs -= take;
    if (lot.remainingMs === 0) drained += 1;
  }
  if (drained > 0) lots.splice(0, drained);
  account.setLots(lots);
  if (need > 0) setUsage(account, 'overageMs', account.usage.overageMs + need);
  if (account.balanceMs === 0 && account.usage.exhaustedAt === null && chargeMs > 0) {
    setUsage(account, 'exhaustedAt', at);
  }
  if (lots.length === 0 || need > 0) refreshNextDue(account);
}

/**
 * Expires the lots that expire at or before `expiresBy`, and with `included` every included lot;
 * their remaining balance becomes expired. The lot list is compacted in place.
 */
function expireLots(account: Account, expiresBy: number, included: boolean): void {
  const lots = account.lots;
  let kept = 0;
  for (let index = 0; index < lots.length; index += 1) {
    const lot = lots[index]!;
    if (lot.expiresAt <= expiresBy || (included && lot.kind === 'included')) {
      account.expiredMs += lot.remainingMs;
      account.balanceMs -= lot.remainingMs;
    } else {
      lots[kept++] = lot;
    }
  }
  lots.length = kept;
  account.setLots(lots);
}

/** `included:<index>`, the id of cycle `index`'s included lot (made once per index). */
const includedLotIds: string[] = [];
function includedLotId(index: number): string {
  let id = includedLotIds[index];
  if (id === undefined) {
    id = `included:${index}`;
    if (index < 1024) includedLotIds[index] = id;
  }
  return id;
}

/** Starts cycle `index` of the current anchor: grants the included allowance, bills a due fee. */
function startCycle(catalog: Catalog, account: Account, plan: PlanDef, index: number): void {
  account.cycleIndex = index;
  account.cycleStartAt = addMonthsClamped(account.anchorAt, index);
  account.cycleEndAt = addMonthsClamped(account.anchorAt, index + 1);
  resetUsage(account);
  account.includedMs = 0;
  if (plan.fastAllowanceMs > 0) {
    grantLot(catalog, account, 'included', includedLotId(index), plan.fastAllowanceMs, account.cycleStartAt, account.cycleEndAt);
  }
  const termLength = account.interval === 'year' ? 12 : 1;
  if ((index - account.feeTermStartCycle) % termLength === 0) {
    addOpenLine(account, feeLine(plan, account.interval, account.cycleStartAt));
  }
  if (account.balanceMs === 0 && plan.overagePolicy !== 'metered') setUsage(account, 'exhaustedAt', account.cycleStartAt);
  refreshNextDue(account);
}

/** Starts a subscription at `at`: cycle 0 anchored at `at`, fee billed now. */
export function startSubscription(
  catalog: Catalog,
  account: Account,
  plan: PlanDef,
  interval: Interval,
  at: number,
): void {
  assertLedger(feeCents(plan, interval) !== null, `plan ${plan.id} is not offered ${interval}ly`);
  account.plan = plan;
  account.interval = interval;
  account.anchorAt = at;
  account.feeTermStartCycle = 0;
  account.pendingPlan = null;
  account.cancelAtRenewal = false;
  startCycle(catalog, account, plan, 0);
}

/** Closes the open period at `endAt` into an invoice kept on the account until collected. */
export function closeOpenPeriod(catalog: Catalog, account: Account, endAt: number): void {
  if (account.plan === null) return;
  const lines = account.openLines; // given over to the invoice
  account.openLines = [];
  keepClosed(account, periodInvoice(catalog, account, account.plan, endAt, lines));
  expireLots(account, Number.NEGATIVE_INFINITY, true);
}

/** Renewal at the cycle end: close, apply what was scheduled, start the next cycle (or stop). */
function renew(catalog: Catalog, account: Account): void {
  const plan = account.plan;
  assertLedger(plan !== null, 'renewal without a plan');
  closeOpenPeriod(catalog, account, account.cycleEndAt);
  const nextIndex = account.cycleIndex + 1;
  if (account.cancelAtRenewal) {
    account.plan = null;
    account.cancelAtRenewal = false;
    account.pendingPlan = null;
    account.cycleStartAt = account.cycleEndAt;
    account.cycleEndAt = NEVER;
    resetUsage(account);
    account.includedMs = 0;
    refreshNextDue(account);
    return;
  }
  if (account.pendingPlan !== null) {
    account.plan = account.pendingPlan;
    if (account.pendingInterval !== account.interval) account.feeTermStartCycle = nextIndex;
    account.interval = account.pendingInterval;
    account.pendingPlan = null;
  }
  startCycle(catalog, account, account.plan!, nextIndex);
}

/** Catches the account up with every renewal and expiry due at or before `at`, in time order. */
export function advance(catalog: Catalog, account: Account, at: number): void {
  while (at >= account.nextDueAt) {
    const due = account.nextDueAt;
    if (due === account.cycleEndAt) {
      renew(catalog, account);
    } else {
      expireLots(account, due, false);
      refreshNextDue(account);
    }
  }
}

/** Restarts the cycles at `at` (a new anchor), closing the open period first. */
export function reanchor(catalog: Catalog, account: Account, plan: PlanDef, interval: Interval, at: number): void {
  closeOpenPeriod(catalog, account, at);
  account.plan = plan;
  account.interval = interval;
  account.anchorAt = at;
  account.feeTermStartCycle = 0;
  startCycle(catalog, account, plan, 0);
}

/** Start and end of the current fee term (one cycle, or twelve for annual plans). */
export function feeTerm(account: Account): { startAt: number; endAt: number } {
  const length = account.interval === 'year' ? 12 : 1;
  const termIndex = Math.floor((account.cycleIndex - account.feeTermStartCycle) / length);
  const startCycle = account.feeTermStartCycle + termIndex * length;
  return {
    startAt: addMonthsClamped(account.anchorAt, startCycle),
    endAt: addMonthsClamped(account.anchorAt, startCycle + length),
  };
}

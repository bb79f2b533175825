/**
 * Grants beyond the included allowance: top-up purchases ($4 per Fast hour by default, lots that
 * expire after the catalog's lifetime) and bonus awards (rating rewards, off by default).
 *
 * Both need an active subscription (bought hours cannot be used without one, as on Midjourney);
 * metered plans offer neither, because their overage is already billed per second and a grant
 * would make the engine's invoice disagree with Dodo's meter. Refusals are values, not errors.
 */
import { type Catalog, MS_PER_HOUR } from './catalog.ts';
import { type Account, type InvoiceLine, NEVER, addOpenLine } from './account.ts';
import { advance, grantLot } from './ledger.ts';

export type GrantRefusal = 'no_active_subscription' | 'topups_not_offered' | 'bonus_not_offered';

export type GrantResult =
  | { readonly ok: true; readonly lotId: string; readonly line: InvoiceLine | null }
  | { readonly ok: false; readonly reason: GrantRefusal };

export interface TopupPurchase {
  /** Unique per purchase (e.g. the payment id); the lot id derives from it. */
  readonly purchaseId: string;
  /** Whole Fast hours bought (>= 1). */
  readonly hours: number;
}

/** A top-up bought at `at`: a lot of `hours` Fast hours and a `topup` line in the open period. */
export function purchaseTopup(catalog: Catalog, account: Account, purchase: TopupPurchase, at: number): GrantResult {
  if (!Number.isSafeInteger(purchase.hours) || purchase.hours < 1) {
    throw new Error(`grants: top-up of ${purchase.hours} hours is not a whole number >= 1`);
  }
  if (at >= account.nextDueAt) advance(catalog, account, at);
  const plan = account.plan;
  if (plan === null) return { ok: false, reason: 'no_active_subscription' };
  if (!plan.topupsAllowed) return { ok: false, reason: 'topups_not_offered' };
  const expiresAt = catalog.topupExpiryMs === null ? NEVER : at + catalog.topupExpiryMs;
  const lotId = `${account.customerId}:topup:${purchase.purchaseId}`;
  grantLot(catalog, account, 'topup', lotId, purchase.hours * MS_PER_HOUR, at, expiresAt);
  const amountCents = purchase.hours * catalog.topupPriceCentsPerHour;
  const line: InvoiceLine = {
    kind: 'topup',
    quantity: purchase.hours,
    unit: 'hour',
    amountCents,
    at,
    planId: plan.id,
    detail: `${purchase.hours} h x ${catalog.topupPriceCentsPerHour} cents/h`,
  };
  addOpenLine(account, line);
  return { ok: true, lotId, line };
}

/** A bonus award at `at` (e.g. a rating reward): a free lot expiring after the catalog's lifetime. */
export function grantBonus(catalog: Catalog, account: Account, awardId: string, at: number): GrantResult {
  if (at >= account.nextDueAt) advance(catalog, account, at);
  const plan = account.plan;
  if (plan === null) return { ok: false, reason: 'no_active_subscription' };
  if (!catalog.bonusEnabled || !plan.bonusAllowed) return { ok: false, reason: 'bonus_not_offered' };
  const lotId = `${account.customerId}:bonus:${awardId}`;
  grantLot(catalog, account, 'bonus', lotId, catalog.bonusMsPerAward, at, at + catalog.bonusExpiryMs);
  return { ok: true, lotId, line: null };
}

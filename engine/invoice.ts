/**
 * Invoice lines and closing a billing period into an invoice.
 *
 * A billing period is one monthly cycle (annual plans pay their fee in the cycle that starts a
 * term, and are rated monthly like Lago's `bill_charges_monthly`). Fees are billed in advance at
 * the cycle start, top-ups and prorations when they happen, metered overage in arrears when the
 * period closes. Metered overage follows Dodo's usage-based price exactly: the period's metered
 * quantity (sum of `gpu_seconds` of the usage events sent) minus the free threshold (the included
 * allowance), times `price_per_unit` cents per second, rounded once by the catalog's rule.
 * Every line carries a `detail` string from which its amount can be recomputed by hand.
 */
import { type Catalog, type Interval, type PlanDef, MS_PER_SECOND, feeCents } from './catalog.ts';
import { MICRO } from './money.ts';
import { rateUsage } from './meter.ts';
import type { Account, Invoice, InvoiceLine } from './account.ts';

const MICRO_PER_MS = MICRO / MS_PER_SECOND;

/** The subscription fee line of `plan` billed at `at`. */
export function feeLine(plan: PlanDef, interval: Interval, at: number): InvoiceLine {
  const amount = feeCents(plan, interval);
  const detail = plan.feeDetails[interval];
  if (amount === null || detail === null) throw new Error(`invoice: plan ${plan.id} has no ${interval}ly price`);
  return {
    kind: interval === 'year' ? 'annual_subscription' : 'subscription',
    quantity: 1,
    unit: 'subscription',
    amountCents: amount,
    at,
    planId: plan.id,
    detail,
  };
}

/** The metered overage line for the open period, or null when the plan is not metered. */
function overageLine(catalog: Catalog, account: Account, plan: PlanDef, endAt: number): InvoiceLine | null {
  if (plan.overagePolicy !== 'metered' || plan.overagePricePerUnit === null) return null;
  const quantityMicro = account.usage.fastMs * MICRO_PER_MS;
  const freeSeconds = account.includedMs / MS_PER_SECOND;
  const rated = rateUsage(quantityMicro, freeSeconds, plan.overagePricePerUnit, catalog.rounding);
  if (rated.billableMicro === 0) return null;
  const seconds = rated.billableMicro / MICRO;
  return {
    kind: 'overage',
    quantity: seconds,
    unit: 'second',
    amountCents: rated.amountCents,
    at: endAt,
    planId: plan.id,
    detail:
      `(${account.usage.fastMs / MS_PER_SECOND} s - ${freeSeconds} s free) x ` +
      `${plan.overagePriceText} cents/s, ${catalog.rounding}`,
  };
}

/** Builds the invoice of the open period ending at `endAt` (does not change the account). */
export function closePeriod(catalog: Catalog, account: Account, plan: PlanDef, endAt: number): Invoice {
  return periodInvoice(catalog, account, plan, endAt, account.openLines.slice());
}

/**
 * The invoice of the open period ending at `endAt`, its lines `lines` (the open lines, given
 * over or copied) and the overage line if any.
 */
export function periodInvoice(catalog: Catalog, account: Account, plan: PlanDef, endAt: number, lines: InvoiceLine[]): Invoice {
  const overage = overageLine(catalog, account, plan, endAt);
  if (overage !== null) lines.push(overage);
  let totalCents = 0;
  for (const line of lines) totalCents += line.amountCents;
  const usage = account.usage;
  return {
    customerId: account.customerId,
    periodStartAt: account.cycleStartAt,
    periodEndAt: endAt,
    planId: plan.id,
    interval: account.interval,
    includedMs: account.includedMs,
    fastMs: usage.fastMs,
    turboMs: usage.turboMs,
    relaxMs: usage.relaxMs,
    overAllowanceMs: Math.max(0, usage.fastMs - account.includedMs),
    overageMs: usage.overageMs,
    fastJobs: usage.fastJobs + usage.turboJobs,
    relaxJobs: usage.relaxJobs,
    fallbackJobs: usage.fallbackJobs,
    blockedJobs: usage.blockedJobs,
    exhaustedAt: usage.exhaustedAt,
    lines,
    totalCents,
  };
}

/** The invoice the open period would close into at `at`, without closing it (a preview). */
export function previewInvoice(catalog: Catalog, account: Account, at: number): Invoice | null {
  if (account.plan === null) return null;
  return closePeriod(catalog, account, account.plan, at);
}

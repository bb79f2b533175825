/**
 * A deliberately naive biller for tests: recomputes what `rerate` bills straight from the raw
 * inputs, period by period, with none of the engine's machinery (no lots, no due-queue, no
 * lazy advancing). Plan changes and bonus grants are out of its scope. If it and the engine
 * disagree on a random trace, one of them is wrong.
 */
import { type Catalog, addMonthsClamped, relaxAllowed } from '../../engine/index.ts';
import { type RerateEvent, type ReratePurchase, type RerateSubscription } from '../rerate.ts';

export interface ReferenceInvoice {
  customerId: string;
  periodStartAt: number;
  fastMs: number;
  relaxJobs: number;
  blockedJobs: number;
  totalCents: number;
}

interface TopupLot {
  expiresAt: number;
  remainingMs: number;
}

function overageCents(overMs: number, priceText: string): number {
  // cents = overMs / 1000 x price, halves rounded up: done with plain bigint arithmetic on the text.
  const [whole = '0', fraction = ''] = priceText.split('.');
  const scaled = BigInt(whole + fraction) * BigInt(overMs);
  const denominator = 1000n * 10n ** BigInt(fraction.length);
  return Number((scaled * 2n + denominator) / (2n * denominator));
}

export function referenceBill(
  catalog: Catalog,
  subscriptions: readonly RerateSubscription[],
  purchases: readonly ReratePurchase[],
  events: readonly RerateEvent[],
): ReferenceInvoice[] {
  const lastAt = Math.max(...subscriptions.map((s) => s.startedAt), ...purchases.map((p) => p.purchasedAt), ...events.map((e) => e.at));
  // The window: up to the end of the UTC day of the last event (with no event, every period that starts by the last input).
  const day = 86_400_000;
  const windowEnd = events.length === 0 ? Number.POSITIVE_INFINITY : (Math.floor(Math.max(...events.map((e) => e.at)) / day) + 1) * day;
  const inPeriods = (start: number) => (events.length === 0 ? start <= lastAt : start < windowEnd);
  const unique = events.filter((event, index) => events.findIndex((other) => other.eventId === event.eventId) === index);
  const invoices: ReferenceInvoice[] = [];
  for (const subscription of subscriptions) {
    if (subscription.startedAt >= windowEnd) continue;
    const plan = catalog.plans.get(subscription.planId)!;
    const mine = unique
      .filter((event) => event.customerId === subscription.customerId)
      .sort((a, b) => a.at - b.at || (a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0));
    const myPurchases = purchases
      .filter((purchase) => purchase.customerId === subscription.customerId && purchase.purchasedAt >= subscription.startedAt && purchase.purchasedAt < windowEnd && plan.topupsAllowed)
      .sort((a, b) => a.purchasedAt - b.purchasedAt || (a.purchaseId < b.purchaseId ? -1 : 1));
    const lots: TopupLot[] = [];
    for (let k = 0; inPeriods(addMonthsClamped(subscription.startedAt, k)); k += 1) {
      const start = addMonthsClamped(subscription.startedAt, k);
      const end = addMonthsClamped(subscription.startedAt, k + 1);
      let included = plan.fastAllowanceMs;
      let total = 0;
      if (subscription.interval === 'month') total += plan.monthlyPriceCents;
      else if (k % 12 === 0) total += plan.annualPriceCents!;
      const invoice: ReferenceInvoice = { customerId: subscription.customerId, periodStartAt: start, fastMs: 0, relaxJobs: 0, blockedJobs: 0, totalCents: 0 };
      type Item = { at: number; order: number; hours?: number; event?: RerateEvent };
      const items: Item[] = [
        ...myPurchases.filter((p) => p.purchasedAt >= start && p.purchasedAt < end).map((p) => ({ at: p.purchasedAt, order: 1, hours: p.hours })),
        ...mine.filter((e) => e.at >= start && e.at < end).map((event) => ({ at: event.at, order: 2, event })),
      ].sort((a, b) => a.at - b.at || a.order - b.order);
      for (const item of items) {
        const usable = lots.filter((lot) => lot.expiresAt > item.at && lot.remainingMs > 0).sort((a, b) => a.expiresAt - b.expiresAt);
        if (item.hours !== undefined) {
          total += item.hours * catalog.topupPriceCentsPerHour;
          lots.push({ expiresAt: item.at + catalog.topupExpiryMs!, remainingMs: item.hours * 3_600_000 });
          continue;
        }
        const event = item.event!;
        const balance = included + usable.reduce((sum, lot) => sum + lot.remainingMs, 0);
        const jobType = catalog.jobTypes.get(event.jobType ?? [...catalog.jobTypes.keys()][0]!)!;
        if (balance > 0 || plan.overagePolicy === 'metered') {
          invoice.fastMs += event.gpuMs;
          let need = event.gpuMs;
          const fromIncluded = Math.min(included, need);
          included -= fromIncluded;
          need -= fromIncluded;
          for (const lot of usable) {
            const take = Math.min(lot.remainingMs, need);
            lot.remainingMs -= take;
            need -= take;
          }
        } else if (relaxAllowed(catalog, plan, jobType)) {
          invoice.relaxJobs += 1;
        } else {
          invoice.blockedJobs += 1;
        }
      }
      if (plan.overagePolicy === 'metered' && invoice.fastMs > plan.fastAllowanceMs) {
        total += overageCents(invoice.fastMs - plan.fastAllowanceMs, plan.overagePriceText!);
      }
      invoice.totalCents = total;
      invoices.push(invoice);
    }
  }
  return invoices.sort((a, b) => (a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0) || a.periodStartAt - b.periodStartAt);
}

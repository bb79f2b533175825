/**
 * What `live provision` creates at Dodo for a catalog, as plain data: the meter, one product per
 * plan and interval, and the one-time top-up product. Pure (no I/O), so tests read it directly.
 *
 * Products carry `metadata.gbl_key` (`plan:<id>:<month|year>`, `topup`), the key under which
 * provisioning finds them again and under which the id mapping stores them.
 * - Plans: a `usage_based_price` with the plan's fee as `fixed_price` (monthly: billed every month;
 *   annual: the annual price billed every year), the catalog meter with `free_threshold` = the
 *   allowance per billing period (fast seconds; x12 on annual products, whose billing period is a
 *   year while the engine resets the allowance monthly), and `price_per_unit` per the overage policy:
 *   `metered` plans their price; `relax` and `hard_cap` none (null: Dodo charges nothing over the
 *   threshold). Basic's hard cap is the seed's "disable overage": nothing is billed past the
 *   allowance and the application blocks Fast jobs there (the engine's router), so the product
 *   states `overage_policy: hard_cap` in its metadata.
 * - Top-up: a `one_time_price` of the catalog's price per Fast hour; quantity = hours.
 */
import type { MeterCreateParams, Price } from 'dodopayments/resources';
import type { CatalogSpec, Interval, MeterDef } from '../engine/index.ts';

export interface ProductPlan {
  /** `plan:<id>:<interval>` or `topup`. */
  readonly key: string;
  readonly name: string;
  readonly description: string;
  readonly metadata: Record<string, string | number | boolean>;
  /** The Dodo `price` object, with `meter_id` left to fill (`METER_ID_SLOT`). */
  readonly price: Price;
}

/** Stands for the meter's Dodo id in a planned price until the meter exists. */
export const METER_ID_SLOT = '<meter_id>';

export function planProductKey(planId: string, interval: Interval): string {
  return `plan:${planId}:${interval}`;
}

export const TOPUP_KEY = 'topup';

/** The meter as Dodo's `meters.create` takes it. */
export function meterBody(meter: MeterDef): MeterCreateParams {
  return {
    name: meter.name,
    event_name: meter.event_name,
    measurement_unit: meter.measurement_unit,
    aggregation: { type: 'sum', key: meter.aggregation.key ?? '' },
    ...(meter.filter ? { filter: meter.filter as MeterCreateParams['filter'] } : {}),
  };
}

/** Every product the catalog needs, in catalog order: plans (monthly, then annual), then the top-up. */
export function catalogProducts(spec: CatalogSpec): ProductPlan[] {
  const products: ProductPlan[] = [];
  for (const [planId, plan] of Object.entries(spec.plans)) {
    const intervals: [Interval, number | null | undefined][] = [['month', plan.monthly_price_cents], ['year', plan.annual_price_cents]];
    for (const [interval, priceCents] of intervals) {
      if (priceCents === null || priceCents === undefined) continue;
      const dodoInterval = interval === 'month' ? 'Month' : 'Year';
      const freeThreshold = interval === 'month' ? plan.fast_seconds : plan.fast_seconds * 12;
      const pricePerUnit = plan.overage.policy === 'metered' ? plan.overage.price_per_unit : null;
      const name = plan.name ?? planId;
      products.push({
        key: planProductKey(planId, interval),
        name: `${name} (${interval === 'month' ? 'monthly' : 'annual'})`,
        description: `${name}: ${plan.fast_seconds} Fast GPU seconds a month; overage ${plan.overage.policy}`,
        metadata: { gbl_key: planProductKey(planId, interval), plan: planId, interval, overage_policy: plan.overage.policy },
        price: {
          type: 'usage_based_price' as const,
          currency: spec.currency as Price.OneTimePrice['currency'],
          fixed_price: priceCents,
          payment_frequency_count: 1,
          payment_frequency_interval: dodoInterval as 'Month' | 'Year',
          subscription_period_count: 1,
          subscription_period_interval: dodoInterval as 'Month' | 'Year',
          meters: [{ meter_id: METER_ID_SLOT, free_threshold: freeThreshold, price_per_unit: pricePerUnit }],
        },
      });
    }
  }
  products.push({
    key: TOPUP_KEY,
    name: 'Extra Fast GPU hour',
    description: `One Fast GPU hour (3,600 s)${spec.topup.expiry_days === null ? '' : `, expires after ${spec.topup.expiry_days} days`}`,
    metadata: { gbl_key: TOPUP_KEY, catalog_product_id: spec.topup.product_id ?? 'topup' },
    price: { type: 'one_time_price', currency: spec.currency as Price.OneTimePrice['currency'], price: spec.topup.price_cents_per_hour },
  });
  return products;
}

/** The planned price with the meter's id in place. */
export function withMeterId(price: Price, meterId: string): Price {
  if (price.type !== 'usage_based_price' || !price.meters) return price;
  return { ...price, meters: price.meters.map((meter) => ({ ...meter, meter_id: meterId })) };
}

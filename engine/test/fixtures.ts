/**
 * Test fixtures for engine tests: a Midjourney-like catalog spec written in code (so engine tests
 * do not depend on the YAML layer) and small helpers to express instants readably.
 */
import { type CatalogSpec, compileCatalog, parseIsoMs } from '../index.ts';

export function midjourneySpec(): CatalogSpec {
  return {
    currency: 'USD',
    rounding: 'half_up',
    meter: {
      event_name: 'gpu.fast_seconds',
      aggregation: { type: 'sum', key: 'gpu_seconds' },
      filter: { conjunction: 'or', clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }, { key: 'mode', operator: 'equals', value: 'turbo' }] },
    },
    burn_order: ['included', 'bonus', 'topup'],
    turbo: { charge_multiplier: 2 },
    job_types: {
      image_grid: { relax: true },
      upscale: { relax: true },
      video_sd: { relax: true, relax_plans: ['pro', 'mega'] },
      video_hd: { relax: false },
    },
    topup: { price_cents_per_hour: 400, expiry_days: 60 },
    bonus: { enabled: true, seconds_per_award: 3600, expiry_days: 30 },
    plan_change: { upgrade_proration: 'prorated_immediately', credit_basis: 'unused_fast' },
    plans: {
      basic: { monthly_price_cents: 1000, annual_price_cents: 9600, fast_seconds: 12000, overage: { policy: 'hard_cap' }, concurrency: { fast: 3, relax: 0 }, queue_limit: 10 },
      standard: { monthly_price_cents: 3000, annual_price_cents: 28800, fast_seconds: 54000, overage: { policy: 'relax' }, concurrency: { fast: 3, relax: 3 }, queue_limit: 10 },
      pro: { monthly_price_cents: 6000, annual_price_cents: 57600, fast_seconds: 108000, stealth: true, overage: { policy: 'relax' }, concurrency: { fast: 12, relax: 3 }, queue_limit: 10 },
      mega: { monthly_price_cents: 12000, annual_price_cents: 115200, fast_seconds: 216000, stealth: true, overage: { policy: 'relax' }, concurrency: { fast: 12, relax: 3 }, queue_limit: 10 },
      flex: { monthly_price_cents: 2000, fast_seconds: 36000, overage: { policy: 'metered', price_per_unit: '0.111111111111' }, concurrency: { fast: 3, relax: 0 }, queue_limit: 0 },
    },
  };
}

export const catalog = compileCatalog(midjourneySpec());

/** Milliseconds since the epoch of an ISO timestamp; throws on a typo in a test. */
export function t(iso: string): number {
  const at = parseIsoMs(iso);
  if (at === null) throw new Error(`bad test timestamp ${iso}`);
  return at;
}

export const SECOND = 1000;
export const HOUR = 3_600_000;
export const DAY = 86_400_000;

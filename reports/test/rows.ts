/**
 * Hand-written rows for the chart builders' tests: every field zero or neutral unless the test
 * says otherwise, so each test states only the numbers it checks. `loose` opens a spec for
 * reading in tests (vega-lite's types are a union too wide to walk).
 */
import type { CustomerCycleRow, HourRow, TierMonthRow, WaitRow } from '../table-files.ts';

export function tierMonth(replication: number, month: string, plan: string, fields: Partial<TierMonthRow> = {}): TierMonthRow {
  return {
    replication, month, plan,
    subscription_cents: 0, annual_cents: 0, topup_cents: 0, overage_cents: 0, proration_cents: 0, revenue_cents: 0,
    fast_hours: 0, relax_hours: 0, fast_jobs: 0, relax_jobs: 0, blocked: 0, topup_hours: 0, upgrades: 0, downgrades: 0, churned: 0,
    fast_wait_p95_s: 0, relax_wait_p95_s: 0,
    ...fields,
  };
}

export function hour(replication: number, at: string, fields: Partial<HourRow> = {}): HourRow {
  return {
    replication, hour: at,
    arrivals: 0, fast: 0, turbo: 0, relax: 0, blocked: 0, fast_queue: 0, relax_queue: 0, held: 0, gpus: 10, utilization: 0,
    fast_wait_mean_s: 0, relax_wait_mean_s: 0,
    ...fields,
  };
}

export function cycle(replication: number, plan: string, exhaustionDay: number | null, open = false): CustomerCycleRow {
  return {
    replication, customer_id: 'c1', plan, period_start: '2026-03-01T00:00:00.000Z', period_end: '2026-04-01T00:00:00.000Z', open,
    fast_s: 0, turbo_s: 0, relax_s: 0, exhaustion_day: exhaustionDay, topup_hours: 0, blocked: 0, relax_jobs: 0, mean_relax_wait_s: null,
  };
}

export function wait(replication: number, plan: string, hourOfDay: number, mode: 'fast' | 'relax', jobs: number, p50: number | null, p95: number | null): WaitRow {
  return { replication, plan, hour_of_day: hourOfDay, mode, jobs, wait_p50_s: p50, wait_p95_s: p95 };
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Loose = Record<string, any>;

export function loose(spec: unknown): Loose {
  return JSON.parse(JSON.stringify(spec)) as Loose;
}

/** Every field named in the spec's encodings, its layers and concatenated views included. */
export function encodedFields(spec: unknown): string[] {
  const fields: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node !== null && typeof node === 'object') {
      for (const [key, value] of Object.entries(node)) {
        if (key === 'data') continue;
        if (key === 'field' && typeof value === 'string') fields.push(value);
        else visit(value);
      }
    }
  };
  visit(spec);
  return [...new Set(fields)];
}

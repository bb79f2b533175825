/**
 * The plan catalog: what each plan costs, how much Fast GPU time it includes, what happens when
 * that runs out, and the products around it (top-ups, bonus grants, plan changes).
 *
 * Two shapes live here. `CatalogSpec` is the plain data a pricing team writes in YAML (snake_case,
 * seconds and cents as people write them); `scenarios/catalog-schema.ts` validates it. `Catalog`
 * is the compiled form the engine runs on: GPU time in integer milliseconds, money in integer
 * cents, per-unit prices as exact rationals. `compileCatalog` is the only bridge, and it asserts
 * the cross-field rules that make a catalog coherent (so a hand-built spec cannot bypass them).
 */
import { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND } from './calendar.ts';
import { parseDecimal, type Rational, type RoundingRule } from './money.ts';
import { type MeterDef, type MeterFilter, type UsageEvent, matchesMeter, meterDefErrors } from './meter.ts';

export type Interval = 'month' | 'year';
export type Mode = 'fast' | 'turbo' | 'relax';
export type OveragePolicy = 'hard_cap' | 'relax' | 'metered';
export type LotKind = 'included' | 'bonus' | 'topup';
export type ProrationMode =
  | 'prorated_immediately'
  | 'full_immediately'
  | 'difference_immediately'
  | 'do_not_bill';
export type CreditBasis = 'time' | 'unused_fast';

/** The catalog as written in YAML. Units are in the field names. */
export interface CatalogSpec {
  currency: string;
  /** The one rounding step applied to each invoice line amount. */
  rounding?: RoundingRule;
  /**
   * The Dodo meter Fast usage is sent to, exactly as `live provision` creates it: a Sum over the
   * GPU seconds key, and a filter that keeps the modes that are billed (Fast and Turbo).
   */
  meter: MeterSpec;
  /** Order in which grant kinds are burnt; within a kind, earliest expiry then earliest grant. */
  burn_order?: LotKind[];
  turbo: { charge_multiplier: number };
  job_types: Record<string, { relax: boolean; relax_plans?: string[]; description?: string }>;
  topup: { price_cents_per_hour: number; expiry_days: number | null; product_id?: string };
  bonus?: { enabled: boolean; seconds_per_award: number; expiry_days: number };
  plan_change?: {
    upgrade_proration?: ProrationMode;
    credit_basis?: CreditBasis;
  };
  plans: Record<string, PlanSpec>;
}

export interface MeterSpec {
  /** Dodo's meter name (default: the event name). */
  name?: string;
  event_name: string;
  /** Free text unit shown by Dodo (default seconds). */
  measurement_unit?: string;
  /** The engine rates a Sum of GPU seconds: the only aggregation a catalog meter may have. */
  aggregation: { type: 'sum'; key: string };
  filter?: MeterFilter | null;
}

export interface PlanSpec {
  name?: string;
  monthly_price_cents: number;
  /** Annual price billed upfront; omit to offer the plan monthly only. */
  annual_price_cents?: number | null;
  /** Fast GPU seconds included per monthly cycle (annual plans reset monthly too). */
  fast_seconds: number;
  stealth?: boolean;
  overage:
    | { policy: 'hard_cap' }
    | { policy: 'relax' }
    | { policy: 'metered'; price_per_unit: string };
  concurrency: { fast: number; relax: number };
  queue_limit: number;
  /** Defaults to true for hard_cap and relax plans; metered plans cannot sell top-ups. */
  topups?: boolean;
}

export interface PlanDef {
  readonly id: string;
  readonly name: string;
  /** Position in the catalog (0 = first); used only for stable ordering in reports. */
  readonly rank: number;
  readonly monthlyPriceCents: number;
  readonly annualPriceCents: number | null;
  readonly fastAllowanceMs: number;
  /** True when exhausted Fast time falls back to Relax (policy `relax`). */
  readonly relax: boolean;
  readonly stealth: boolean;
  readonly overagePolicy: OveragePolicy;
  /** Cents per meter unit (one GPU second) for `metered` plans; Dodo's `price_per_unit`. */
  readonly overagePricePerUnit: Rational | null;
  /** The price as written, for Dodo product sync and invoice detail. */
  readonly overagePriceText: string | null;
  readonly concurrencyFast: number;
  readonly concurrencyRelax: number;
  readonly queueLimit: number;
  readonly topupsAllowed: boolean;
  readonly bonusAllowed: boolean;
  /** The `detail` of this plan's fee lines, e.g. `pro monthly fee 6000` (null when not offered). */
  readonly feeDetails: Readonly<Record<Interval, string | null>>;
}

export interface JobTypeDef {
  readonly id: string;
  /** Plans on which this job type may run in Relax; null = every plan that has Relax. */
  readonly relaxPlans: ReadonlySet<string> | null;
  readonly relax: boolean;
}

export interface Catalog {
  readonly currency: string;
  readonly rounding: RoundingRule;
  /** The Dodo meter: every path that turns usage events into billable seconds applies it. */
  readonly meter: MeterDef;
  /** `meter.event_name`, `meter.aggregation.key` and `meter.measurement_unit`, read on hot paths. */
  readonly meterEventName: string;
  readonly meterKey: string;
  readonly meterUnit: string;
  readonly burnOrder: readonly LotKind[];
  /** Rank of each lot kind in the burn order (lower burns first). */
  readonly burnRank: Readonly<Record<LotKind, number>>;
  readonly turboMultiplier: number;
  readonly jobTypes: ReadonlyMap<string, JobTypeDef>;
  readonly topupPriceCentsPerHour: number;
  /** Top-up lot lifetime; null = never expires. */
  readonly topupExpiryMs: number | null;
  readonly topupProductId: string;
  readonly bonusEnabled: boolean;
  readonly bonusMsPerAward: number;
  readonly bonusExpiryMs: number;
  readonly upgradeProration: ProrationMode;
  readonly creditBasis: CreditBasis;
  readonly plans: ReadonlyMap<string, PlanDef>;
  readonly planList: readonly PlanDef[];
}

export { MS_PER_DAY, MS_PER_HOUR, MS_PER_SECOND };
export const DEFAULT_BURN_ORDER: readonly LotKind[] = ['included', 'bonus', 'topup'];

function assertCatalog(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`invalid catalog: ${message}`);
}

function isWholeNonNegative(value: number): boolean {
  return Number.isSafeInteger(value) && value >= 0;
}

function compilePlan(id: string, spec: PlanSpec, rank: number): PlanDef {
  assertCatalog(isWholeNonNegative(spec.monthly_price_cents), `plans.${id}.monthly_price_cents`);
  const annual = spec.annual_price_cents ?? null;
  assertCatalog(annual === null || isWholeNonNegative(annual), `plans.${id}.annual_price_cents`);
  const fastMs = Math.round(spec.fast_seconds * MS_PER_SECOND);
  assertCatalog(isWholeNonNegative(fastMs), `plans.${id}.fast_seconds`);
  const policy = spec.overage.policy;
  const priceText = spec.overage.policy === 'metered' ? spec.overage.price_per_unit : null;
  const price = priceText === null ? null : parseDecimal(priceText);
  assertCatalog(price === null || price.numerator > 0n, `plans.${id}.overage.price_per_unit must be > 0`);
  const topups = spec.topups ?? policy !== 'metered';
  assertCatalog(!(topups && policy === 'metered'), `plans.${id}: metered plans cannot sell top-ups`);
  for (const [field, value] of [
    ['concurrency.fast', spec.concurrency.fast],
    ['concurrency.relax', spec.concurrency.relax],
    ['queue_limit', spec.queue_limit],
  ] as const) {
    assertCatalog(isWholeNonNegative(value), `plans.${id}.${field}`);
  }
  assertCatalog(policy !== 'relax' || spec.concurrency.relax >= 1, `plans.${id}: a relax plan needs concurrency.relax >= 1`);
  assertCatalog(spec.concurrency.fast >= 1, `plans.${id}.concurrency.fast must be >= 1`);
  return {
    id,
    name: spec.name ?? id,
    rank,
    monthlyPriceCents: spec.monthly_price_cents,
    annualPriceCents: annual,
    fastAllowanceMs: fastMs,
    relax: policy === 'relax',
    stealth: spec.stealth ?? false,
    overagePolicy: policy,
    overagePricePerUnit: price,
    overagePriceText: priceText,
    concurrencyFast: spec.concurrency.fast,
    concurrencyRelax: spec.concurrency.relax,
    queueLimit: spec.queue_limit,
    topupsAllowed: topups,
    bonusAllowed: policy !== 'metered',
    feeDetails: {
      month: `${id} monthly fee ${spec.monthly_price_cents}`,
      year: annual === null ? null : `${id} yearly fee ${annual}`,
    },
  };
}

function compileJobTypes(spec: CatalogSpec, plans: ReadonlyMap<string, PlanDef>): Map<string, JobTypeDef> {
  const jobTypes = new Map<string, JobTypeDef>();
  for (const [id, jobType] of Object.entries(spec.job_types)) {
    const relaxPlans = jobType.relax_plans ? new Set(jobType.relax_plans) : null;
    for (const planId of relaxPlans ?? []) {
      assertCatalog(plans.has(planId), `job_types.${id}.relax_plans names unknown plan ${planId}`);
    }
    jobTypes.set(id, { id, relax: jobType.relax, relaxPlans });
  }
  assertCatalog(jobTypes.size > 0, 'job_types must list at least one job type');
  return jobTypes;
}

/** The catalog's meter as a Dodo meter definition (defaults filled in), asserted coherent. */
function compileMeter(spec: MeterSpec): MeterDef {
  const meter: MeterDef = {
    name: spec.name ?? spec.event_name,
    event_name: spec.event_name,
    measurement_unit: spec.measurement_unit ?? 'seconds',
    aggregation: { type: spec.aggregation.type, key: spec.aggregation.key },
    filter: spec.filter ?? null,
  };
  const errors = meterDefErrors(meter);
  assertCatalog(errors.length === 0, `meter: ${errors.join('; ')}`);
  assertCatalog(meter.aggregation.type === 'sum', 'meter.aggregation.type must be sum (fast GPU seconds)');
  for (const mode of ['fast', 'turbo'] as const) {
    assertCatalog(matchesMeter(meter, engineUsageSample(meter, mode)), `meter.filter must count the engine's ${mode} usage events (metadata.mode "${mode}")`);
  }
  return meter;
}

/** A usage event as the engine writes it for a job in `mode` (see usage.ts), to check a meter against. */
export function engineUsageSample(meter: Pick<MeterDef, 'event_name' | 'aggregation'>, mode: Mode): UsageEvent {
  return {
    event_id: 'sample:gpu',
    customer_id: 'sample',
    event_name: meter.event_name,
    timestamp: '2026-01-01T00:00:00.000Z',
    metadata: { [meter.aggregation.key ?? 'gpu_seconds']: 1, mode },
  };
}

/** Turns a validated spec into the engine's catalog. Throws on incoherent input (a bug upstream). */
export function compileCatalog(spec: CatalogSpec): Catalog {
  const planList = Object.entries(spec.plans).map(([id, plan], rank) => compilePlan(id, plan, rank));
  assertCatalog(planList.length > 0, 'plans must list at least one plan');
  const plans = new Map(planList.map((plan) => [plan.id, plan]));
  const burnOrder = spec.burn_order ?? DEFAULT_BURN_ORDER;
  assertCatalog(
    burnOrder.length === 3 && new Set(burnOrder).size === 3,
    'burn_order must name included, bonus and topup once each',
  );
  const burnRank = { included: 0, bonus: 0, topup: 0 };
  burnOrder.forEach((kind, index) => (burnRank[kind] = index));
  const multiplier = spec.turbo.charge_multiplier;
  assertCatalog(Number.isSafeInteger(multiplier) && multiplier >= 1, 'turbo.charge_multiplier');
  assertCatalog(isWholeNonNegative(spec.topup.price_cents_per_hour), 'topup.price_cents_per_hour');
  const expiryDays = spec.topup.expiry_days;
  assertCatalog(expiryDays === null || isWholeNonNegative(expiryDays), 'topup.expiry_days');
  const bonus = spec.bonus ?? { enabled: false, seconds_per_award: 3600, expiry_days: 30 };
  const meter = compileMeter(spec.meter);
  return {
    currency: spec.currency,
    rounding: spec.rounding ?? 'half_up',
    meter,
    meterEventName: meter.event_name,
    meterKey: spec.meter.aggregation.key,
    meterUnit: meter.measurement_unit,
    burnOrder,
    burnRank,
    turboMultiplier: multiplier,
    jobTypes: compileJobTypes(spec, plans),
    topupPriceCentsPerHour: spec.topup.price_cents_per_hour,
    topupExpiryMs: expiryDays === null ? null : expiryDays * MS_PER_DAY,
    topupProductId: spec.topup.product_id ?? 'topup',
    bonusEnabled: bonus.enabled,
    bonusMsPerAward: Math.round(bonus.seconds_per_award * MS_PER_SECOND),
    bonusExpiryMs: bonus.expiry_days * MS_PER_DAY,
    upgradeProration: spec.plan_change?.upgrade_proration ?? 'prorated_immediately',
    creditBasis: spec.plan_change?.credit_basis ?? 'unused_fast',
    plans,
    planList,
  };
}

/** The plan's fee for one fee period of the given interval, or null if it is not offered. */
export function feeCents(plan: PlanDef, interval: Interval): number | null {
  return interval === 'month' ? plan.monthlyPriceCents : plan.annualPriceCents;
}

/** Price normalised to a year, used to tell an upgrade from a downgrade (as Lago does). */
export function yearlyValueCents(plan: PlanDef, interval: Interval): number {
  return interval === 'month' ? plan.monthlyPriceCents * 12 : (plan.annualPriceCents ?? 0);
}

/** Whether a job type may run in Relax on this plan. */
export function relaxAllowed(catalog: Catalog, plan: PlanDef, jobType: JobTypeDef): boolean {
  if (!plan.relax || !jobType.relax) return false;
  return jobType.relaxPlans === null || jobType.relaxPlans.has(plan.id);
}

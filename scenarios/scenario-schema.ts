/**
 * The scenario YAML's schema (zod) and `readScenario`, which reads a scenario (merged over the
 * scenarios it `extends`, scenarios/compose.ts), validates it, loads its catalog (with the
 * scenario's overrides deep-merged over it) and checks the scenario's plan and job type ids
 * against that catalog. The simulator compiles the result into the model it runs
 * (`loadScenario` in sim/compile.ts).
 *
 * Every field's description names its unit; `scenarios/schema.json` is generated from this schema
 * (`npx tsx scenarios/export-schemas.ts`) for editors. Problems are never thrown one at a time:
 * the scenario's own fields, the catalog file, the overrides and the cross references are all
 * checked and reported together as one InputError, each at its file, line and YAML path; a value
 * inherited through `extends` is reported at the base file that wrote it. A scenario's `name` is
 * never inherited (it names the output folder), and relative paths (`extends`, `catalog.path`)
 * are relative to the file that wrote them.
 */
import { dirname, isAbsolute, join } from 'node:path';
import { z } from 'zod';
import { MS_PER_HOUR, type CatalogSpec } from '../engine/index.ts';
import { catalogSchema } from './catalog-schema.ts';
import { InputError, type InputIssue } from './errors.ts';
import { readInputFile } from './input-file.ts';
import { type Composed, type ComposeRules, loadComposed } from './compose.ts';
import { horizonEndAt, parseInstant } from './scenario-time.ts';
import { type PathKey, issuesAt, parseYaml } from './yaml-load.ts';

/**
 * Bounds that keep every money and GPU-time figure an exact integer: GPUs x hours x cents per GPU
 * hour stays below 2^53 (100,000 GPUs x 10 years x $1,000 per hour is ~8.8e14 cents).
 */
const MAX_GPUS = 100_000;
const MAX_GPU_HOUR_CENTS = 100_000;
const MAX_HORIZON_DAYS = 3660;
const MAX_DISTRIBUTION_VALUE = 1e9;

/** Shares must sum to 1 within this tolerance. */
export const SHARE_TOLERANCE = 1e-6;

const instant = z
  .string()
  .refine((text) => parseInstant(text) !== null, 'an ISO date (2026-03-01, midnight UTC) or a timestamp with a zone (2026-03-01T09:00:00Z, 2026-03-01T09:00:00+01:00)');
const share = z.number().min(0).max(1);
const positive = z.number().positive();
const nonNegative = z.number().nonnegative();

function sumsToOne(shares: readonly number[]): boolean {
  return Math.abs(shares.reduce((sum, value) => sum + value, 0) - 1) <= SHARE_TOLERANCE;
}

/** id -> share > 0, the shares summing to 1. */
function shareMap(what: string) {
  return z
    .record(z.string(), positive.max(1).describe(`share of ${what} (0..1]`))
    .refine((shares) => Object.keys(shares).length > 0, `list at least one ${what.replace(/s$/, '')}`)
    .refine((shares) => Object.keys(shares).length === 0 || sumsToOne(Object.values(shares)), `shares must sum to 1 (within ${SHARE_TOLERANCE})`);
}

/** A distribution as written in YAML (the DistributionSpec of sim/random.ts); `unit` names its unit. */
export function distributionSchema(unit: string) {
  // Every parameter at most 1e9, so that draws (and GPU ms made of them) stay finite, exact numbers.
  const atLeastZero = nonNegative.max(MAX_DISTRIBUTION_VALUE);
  const aboveZero = positive.max(MAX_DISTRIBUTION_VALUE);
  const values = z.array(atLeastZero).min(1);
  return z
    .discriminatedUnion(
      'kind',
      [
        z.strictObject({ kind: z.literal('constant').describe('always the same value'), value: atLeastZero.describe(`the value, ${unit}`) }),
        z.strictObject({ kind: z.literal('exponential').describe('memoryless, sd = mean'), mean: aboveZero.describe(`mean, ${unit}`) }),
        z.strictObject({
          kind: z.literal('lognormal').describe('right-skewed, by its own mean and standard deviation (not those of the log)'),
          mean: aboveZero.describe(`mean, ${unit}`),
          sd: atLeastZero.describe(`standard deviation, ${unit}`),
        }),
        z.strictObject({
          kind: z.literal('gamma').describe('right-skewed, by mean and shape'),
          mean: aboveZero.describe(`mean, ${unit}`),
          shape: aboveZero.describe('shape k (> 0; 1 = exponential, larger = less spread)'),
        }),
        z.strictObject({ kind: z.literal('poisson').describe('whole-number counts'), mean: aboveZero.describe(`mean, ${unit} (a whole-number count)`) }),
        z
          .strictObject({
            kind: z.literal('empirical').describe('one of the listed values, drawn by weight'),
            values: values.describe(`observed values, ${unit}`),
            weights: values.optional().describe('relative weights, one per value (default all equal)'),
          })
          .superRefine((spec, ctx) => {
            if (spec.weights === undefined) return;
            if (spec.weights.length !== spec.values.length) {
              ctx.addIssue({ code: 'custom', path: ['weights'], message: `give one weight per value (${spec.values.length})` });
            } else if (spec.weights.every((weight) => weight === 0)) {
              ctx.addIssue({ code: 'custom', path: ['weights'], message: 'weights must not all be 0' });
            } else if (!Number.isFinite(spec.weights.reduce((sum, weight) => sum + weight, 0))) {
              ctx.addIssue({ code: 'custom', path: ['weights'], message: 'weights must add up to a finite number' });
            }
          }),
      ],
      { error: 'kind must be one of constant, exponential, lognormal, gamma, poisson, empirical' },
    )
    .describe(`a distribution of ${unit}: {kind: constant, value} | {kind: exponential, mean} | {kind: lognormal, mean, sd} | {kind: gamma, mean, shape} | {kind: poisson, mean} | {kind: empirical, values, weights?}`);
}

const gpuSecondsDistribution = distributionSchema('GPU seconds per job').refine(
  (spec) => (spec.kind === 'constant' ? spec.value > 0 : spec.kind !== 'empirical' || spec.values.some((value) => value > 0)),
  'GPU seconds must be greater than 0',
).describe('distribution of GPU seconds per job (Fast-mode GPU time): {kind: constant, value} | {kind: exponential, mean} | {kind: lognormal, mean, sd} | {kind: gamma, mean, shape} | {kind: poisson, mean} | {kind: empirical, values, weights?}');

const dailyArrivals = z.strictObject({
  kind: z.literal('daily').describe('each subscriber is active on some days and submits a batch of jobs then'),
  active_days_per_week: positive.max(7).describe('days per week a subscriber is active, (0..7]'),
  jobs_per_active_day: distributionSchema('jobs per active day').describe('jobs a subscriber submits on an active day (rounded to a whole number)'),
  hour_profile: z
    .array(nonNegative)
    .length(24, 'give 24 weights, one per local hour 0..23')
    .refine((weights) => weights.some((weight) => weight > 0), 'weights must not all be 0')
    .describe('relative weight of each local hour 0..23 (24 non-negative numbers, not all 0)'),
  timezones: z
    .array(
      z.strictObject({
        utc_offset_hours: z.number().min(-12).max(14).describe('local time minus UTC, hours (-12..14; 5.5 for India)'),
        share: positive.max(1).describe('share of the segment living in this zone (0..1]'),
      }),
    )
    .min(1)
    .refine((zones) => sumsToOne(zones.map((zone) => zone.share)), `shares must sum to 1 (within ${SHARE_TOLERANCE})`)
    .describe('where subscribers live; the hour profile is in their local time'),
});

const poissonArrivals = z.strictObject({
  kind: z.literal('poisson').describe('one Poisson stream for the whole segment, spread uniformly over subscribers'),
  jobs_per_hour: positive.describe('segment-wide arrival rate, jobs per hour (> 0)'),
});

/** Plan and job type ids of the catalog a scenario runs on, for cross references. */
export interface CatalogIds {
  readonly plans: readonly string[];
  readonly jobTypes: readonly string[];
}

function checkIds(ctx: z.RefinementCtx, ids: readonly string[], known: readonly string[], path: readonly string[], what: string): void {
  for (const id of ids) {
    if (!known.includes(id)) ctx.addIssue({ code: 'custom', path: [...path, id], message: `unknown ${what} "${id}" (${what}s: ${known.join(', ')})` });
  }
}

function segmentSchema(catalog: CatalogIds | null) {
  return z
    .strictObject({
      name: z.string().min(1).describe('segment name, unique within the scenario'),
      subscribers: z.number().int().min(1).describe('subscribers in the segment at the start (whole number >= 1)'),
      plan_mix: shareMap('plans').describe('plan id -> share of the segment’s subscribers (shares > 0, summing to 1)'),
      annual_share: share.describe('share of subscribers on annual billing where the plan has an annual price (0..1)'),
      arrivals: z
        .discriminatedUnion('kind', [dailyArrivals, poissonArrivals], { error: 'kind must be daily or poisson' })
        .describe('how jobs arrive: {kind: daily, ...} activity model or {kind: poisson, jobs_per_hour}'),
      job_mix: shareMap('job types').describe('job type id -> share of the segment’s jobs (shares > 0, summing to 1)'),
      gpu_seconds: z
        .record(z.string(), gpuSecondsDistribution)
        .describe('job type id -> distribution of GPU seconds per job (Fast-mode GPU time); every job type in job_mix needs one'),
      relax_by_choice: share.default(0).describe('share of jobs sent to Relax by choice where the plan allows it (0..1, default 0)'),
      turbo_share: share.default(0).describe('share of jobs asking for Turbo (0..1, default 0)'),
    })
    .superRefine((segment, ctx) => {
      for (const jobType of Object.keys(segment.job_mix)) {
        if (!(jobType in segment.gpu_seconds)) ctx.addIssue({ code: 'custom', path: ['gpu_seconds'], message: `no distribution for job type "${jobType}" of job_mix` });
      }
      if (segment.relax_by_choice + segment.turbo_share > 1) {
        ctx.addIssue({ code: 'custom', path: ['turbo_share'], message: 'relax_by_choice + turbo_share must be at most 1' });
      }
      if (catalog === null) return;
      checkIds(ctx, Object.keys(segment.plan_mix), catalog.plans, ['plan_mix'], 'plan');
      checkIds(ctx, Object.keys(segment.job_mix), catalog.jobTypes, ['job_mix'], 'job type');
      checkIds(ctx, Object.keys(segment.gpu_seconds), catalog.jobTypes, ['gpu_seconds'], 'job type');
    });
}

const fleetStep = z.strictObject({
  from: instant.describe('from this instant on: an ISO date (midnight UTC) or a timestamp with a zone'),
  gpus: z.number().int().min(0).max(MAX_GPUS).describe(`GPUs in the fleet, whole number 0..${MAX_GPUS}`),
});

const fleetSchema = z.strictObject({
  gpus: z
    .union([z.number().int().min(1).max(MAX_GPUS), z.array(fleetStep).min(1)], { error: `a whole number of GPUs 1..${MAX_GPUS}, or a schedule [{from, gpus}, ...]` })
    .describe('GPUs in the fleet: a whole number for the whole horizon, or a schedule [{from: ISO instant, gpus}] whose first step is at or before start'),
  cost_per_gpu_hour_cents: z.number().int().nonnegative().max(MAX_GPU_HOUR_CENTS).describe(`cost of one GPU for one hour, integer cents (at most ${MAX_GPU_HOUR_CENTS})`),
  relax_order: z
    .enum(['fifo', 'least_relax_used_first'])
    .default('least_relax_used_first')
    .describe('order of waiting Relax jobs: fifo, or least Relax time used this cycle first (default, as Midjourney)'),
  fast_reserved_share: share.default(0).describe('share of the GPUs (rounded down) only Fast/Turbo jobs may use (0..1, default 0)'),
  turbo_speedup: z.number().min(1).default(4).describe('a Turbo job holds its GPU for its Fast GPU time divided by this (default 4, Midjourney\'s "up to 4x faster"); it is charged turbo.charge_multiplier x its Fast GPU time'),
});

/** Behaviour defaults (also documented in each field's description). */
export const BEHAVIOUR_DEFAULTS = {
  topup_propensity: { hard_cap: 0.15, relax: 0.03 },
  topup_hours: 1,
  upgrade: { probability: 0.2, exhausted_before_day: 20, per_blocked: 0.01 },
  downgrade: { probability: 0.1, below_used_share: 0.25 },
  churn: { monthly: 0.05, blocked_bump: 0.05 },
} as const;

const defaults = BEHAVIOUR_DEFAULTS;
const behaviourSchema = z
  .strictObject({
    topup_propensity: z
      .strictObject({
        hard_cap: share.default(defaults.topup_propensity.hard_cap).describe(`probability a customer on a hard-cap plan buys a top-up when Fast runs out, once per cycle (default ${defaults.topup_propensity.hard_cap})`),
        relax: share.default(defaults.topup_propensity.relax).describe(`same for a Relax plan, where Relax is the free alternative (default ${defaults.topup_propensity.relax})`),
      })
      .prefault({})
      .describe('who buys a top-up when Fast runs out'),
    topup_hours: z.number().int().min(1).default(defaults.topup_hours).describe(`whole Fast hours bought per top-up (default ${defaults.topup_hours})`),
    upgrade: z
      .strictObject({
        probability: share.default(defaults.upgrade.probability).describe(`at renewal, probability to move up one plan when Fast ran out before exhausted_before_day (default ${defaults.upgrade.probability})`),
        exhausted_before_day: z.number().int().min(1).max(31).default(defaults.upgrade.exhausted_before_day).describe(`day of the cycle (1-based) before which running out counts (default ${defaults.upgrade.exhausted_before_day})`),
        per_blocked: share.default(defaults.upgrade.per_blocked).describe(`extra upgrade probability per blocked request in the cycle, total capped at 1 (default ${defaults.upgrade.per_blocked})`),
      })
      .prefault({})
      .describe('moving up a plan at renewal'),
    downgrade: z
      .strictObject({
        probability: share.default(defaults.downgrade.probability).describe(`at renewal, probability to move down one plan when little of the allowance was used (default ${defaults.downgrade.probability})`),
        below_used_share: share.default(defaults.downgrade.below_used_share).describe(`"little": less than this share of the Fast allowance used in the cycle (default ${defaults.downgrade.below_used_share})`),
      })
      .prefault({})
      .describe('moving down a plan at renewal'),
    churn: z
      .strictObject({
        monthly: share.default(defaults.churn.monthly).describe(`probability to cancel at each monthly renewal (default ${defaults.churn.monthly})`),
        blocked_bump: share.default(defaults.churn.blocked_bump).describe(`added to the churn probability when the cycle saw blocked requests (default ${defaults.churn.blocked_bump})`),
      })
      .prefault({})
      .describe('cancelling at renewal'),
  })
  .prefault({})
  .describe('how customers react to running out and to renewals; every field optional with the defaults given');

const demandEvent = z
  .strictObject({
    label: z.string().min(1).describe('what happens, e.g. "launch week" or "datacenter outage"'),
    from: instant.describe('start of the window, inclusive: an ISO date (midnight UTC) or a timestamp with a zone'),
    to: instant.describe('end of the window, exclusive: an ISO date (midnight UTC) or a timestamp with a zone'),
    arrival_multiplier: nonNegative.default(1).describe('arrivals are multiplied by this within the window (3 = triple, 0 = none; default 1)'),
    gpus_lost: z.number().int().min(0).default(0).describe('GPUs out of service within the window (an outage), whole number (default 0)'),
  })
  .superRefine((event, ctx) => {
    const from = parseInstant(event.from);
    const to = parseInstant(event.to);
    if (from !== null && to !== null && from >= to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'to must be after from' });
  });

const horizonSchema = z
  .strictObject({
    days: positive.max(MAX_HORIZON_DAYS).optional().describe(`length in days of 24 h (> 0, fractions allowed, at most ${MAX_HORIZON_DAYS})`),
    months: z.number().int().min(1).max(MAX_HORIZON_DAYS / 30.5).optional().describe('length in calendar months from start (month-end clamped), whole number 1..120'),
  })
  .refine((horizon) => (horizon.days === undefined) !== (horizon.months === undefined), 'give exactly one of days or months')
  .describe('how long to simulate: {days: N} or {months: N}');

/** The `catalog:` section: which catalog file, and what to change in it. */
export const scenarioCatalogSchema = z
  .strictObject({
    path: z.string().min(1).describe('catalog YAML file, relative to this scenario file (or absolute)'),
    overrides: z
      .record(z.string(), z.unknown())
      .optional()
      .describe('a partial catalog deep-merged over the file before it is validated (mappings merge; lists and values replace), e.g. {plans: {basic: {overage: {policy: relax}, concurrency: {fast: 3, relax: 1}}}}'),
  })
  .describe('the plan catalog the scenario runs on');

/** The fields the cross-field time rules read. */
interface TimedSpec {
  readonly start: string;
  readonly horizon: { readonly days?: number | undefined; readonly months?: number | undefined };
  readonly fleet: { readonly gpus: number | readonly { readonly from: string }[] };
  readonly warmup_hours: number;
}

/** A fleet schedule step at or before start, no two steps at one instant, warm-up within the horizon. */
function checkTimes(spec: TimedSpec, ctx: z.RefinementCtx): void {
  const startAt = parseInstant(spec.start);
  if (startAt === null) return; // reported at the field
  if (Array.isArray(spec.fleet.gpus)) {
    const steps = spec.fleet.gpus.map((step) => parseInstant(step.from));
    const earliest = steps.reduce<number>((best, at, index) => (at !== null && at < (steps[best] ?? Infinity) ? index : best), 0);
    if (steps.every((at) => at !== null) && steps[earliest]! > startAt) {
      ctx.addIssue({ code: 'custom', path: ['fleet', 'gpus', earliest, 'from'], message: `the earliest step must be at or before start (${spec.start})` });
    }
    steps.forEach((at, index) => {
      if (at !== null && steps.indexOf(at) < index) ctx.addIssue({ code: 'custom', path: ['fleet', 'gpus', index, 'from'], message: 'two schedule steps at the same instant' });
    });
  }
  if ((spec.horizon.days === undefined) === (spec.horizon.months === undefined)) return; // reported at the field
  if (!((spec.horizon.days ?? 1) > 0) || !((spec.horizon.months ?? 1) >= 1)) return; // a horizon of no length: reported at the field
  if (startAt + spec.warmup_hours * MS_PER_HOUR >= horizonEndAt(startAt, spec.horizon)) {
    ctx.addIssue({ code: 'custom', path: ['warmup_hours'], message: 'the warm-up must end before the horizon' });
  }
}

/** The scenario schema; with `catalog` ids, plan and job type references are checked too. */
export function scenarioSchemaFor(catalog: CatalogIds | null) {
  return z
    .strictObject({
      extends: z
        .string()
        .min(1)
        .optional()
        .describe('a base scenario file, relative to this file (or absolute): this file states only what differs (mappings merge key by key; values and lists replace; null removes a key); see docs/SIMULATOR.md'),
      name: z
        .string({ error: (issue) => (issue.input === undefined ? 'required: every scenario names its own output folder (a scenario that extends another does not inherit its name)' : undefined) })
        .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" (it names the output folder)')
        .max(100, 'at most 100 characters (it names the output folder)')
        .describe('scenario name; names the output folder reports/out/<name>/'),
      start: instant.describe('when the simulation starts: an ISO date (midnight UTC) or timestamp with a zone'),
      horizon: horizonSchema,
      seed: z.number().int().describe('random seed (whole number); replication r draws from streams seeded "<seed>:<r>:<stream>"'),
      sweep: z.unknown().optional().describe('a sweep over this scenario (npx tsx sim sweep FILE): axes, sampling, objective and constraints; see docs/SWEEPS.md'),
      replications: z.number().int().min(1).default(1).describe('independent runs with the same seed and successive replication numbers (default 1)'),
      catalog: scenarioCatalogSchema,
      segments: z
        .array(segmentSchema(catalog))
        .min(1)
        .superRefine((segments, ctx) => {
          segments.forEach((segment, index) => {
            if (segments.findIndex((other) => other.name === segment.name) < index) ctx.addIssue({ code: 'custom', path: [index, 'name'], message: `duplicate segment name "${segment.name}"` });
          });
        })
        .describe('population segments; subscribers are numbered segment by segment'),
      fleet: fleetSchema.describe('the GPU fleet'),
      behaviour: behaviourSchema,
      demand_events: z.array(demandEvent).default([]).describe('windows changing arrivals (launch week) or removing GPUs (outage)'),
      job_types: z
        .record(z.string(), z.strictObject({ failure_rate: share.describe('share of jobs of this type that fail (0..1): they hold their GPU, are never billed, are counted as failed_jobs') }))
        .default({})
        .superRefine((jobTypes, ctx) => {
          if (catalog !== null) checkIds(ctx, Object.keys(jobTypes), catalog.jobTypes, [], 'job type');
        })
        .describe('workload facts of the catalog\'s job types, by id (default: none fail)'),
      warmup_hours: nonNegative.default(0).describe('hours from start excluded from wait statistics (validation runs), >= 0 (default 0)'),
    })
    .superRefine(checkTimes);
}

/** The scenario YAML schema (cross references to the catalog are checked by `loadScenario`). */
export const scenarioSchema = scenarioSchemaFor(null);

export type ScenarioSpec = z.output<typeof scenarioSchema>;

/** A scenario file as validated, with its catalog. */
export interface ValidatedScenario {
  readonly spec: ScenarioSpec;
  /** The catalog as validated: the file with the scenario's overrides merged in. */
  readonly catalogSpec: CatalogSpec;
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `overrides` merged into `base`: mappings merge key by key; lists and values replace. */
export function deepMerge(base: unknown, overrides: unknown): unknown {
  if (!isMapping(base) || !isMapping(overrides)) return overrides;
  const merged: Record<string, unknown> = {};
  const define = (key: string, value: unknown) => Object.defineProperty(merged, key, { value, enumerable: true, writable: true, configurable: true });
  for (const [key, value] of Object.entries(base)) define(key, value);
  for (const [key, value] of Object.entries(overrides)) define(key, Object.hasOwn(base, key) ? deepMerge(base[key], value) : value);
  return merged;
}

/** Runs `attempt`; an InputError's issues go to `issues` and the result is null. */
function collecting<T>(issues: InputIssue[], attempt: () => T): T | null {
  try {
    return attempt();
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push(...error.issues);
    return null;
  }
}

/** How scenario files compose: the name is each file's own; null is a value inside catalog overrides. */
export const SCENARIO_COMPOSITION: ComposeRules = {
  ownKeys: ['name'],
  nullIsValueUnder: [['catalog', 'overrides']],
};

interface ScenarioCatalog {
  /** The validated catalog with the overrides merged in, or null when it has problems. */
  readonly spec: CatalogSpec | null;
  /** Plan and job type ids to check references against (also when only the overrides are wrong). */
  readonly ids: CatalogIds | null;
}

function idsOf(catalog: unknown): CatalogIds | null {
  if (!isMapping(catalog) || !isMapping(catalog.plans) || !isMapping(catalog.job_types)) return null;
  return { plans: Object.keys(catalog.plans), jobTypes: Object.keys(catalog.job_types) };
}

/** Loads the catalog a scenario names, with its overrides; problems go to `issues`. */
function loadScenarioCatalog(scenario: Composed, issues: InputIssue[]): ScenarioCatalog {
  const none = { spec: null, ids: null };
  const raw = scenario.data;
  const section = scenarioCatalogSchema.safeParse(isMapping(raw) ? raw.catalog : undefined);
  if (!section.success) return none; // reported with the scenario's own fields
  const pathFile = scenario.fileOf(['catalog', 'path']);
  const catalogFile = isAbsolute(section.data.path) ? section.data.path : join(dirname(pathFile), section.data.path);
  let catalogText: string;
  try {
    catalogText = readInputFile(catalogFile);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    const message = `${catalogFile}: ${error.issues[0]?.message ?? 'cannot read'}`;
    issues.push({ ...scenario.locate(['catalog', 'path'], false), path: 'catalog.path', message });
    return none;
  }
  const base = collecting(issues, () => parseYaml(catalogFile, catalogText, catalogSchema));
  if (base === null) return none;
  if (section.data.overrides === undefined) return { spec: base, ids: idsOf(base) };
  const merged = deepMerge(base, section.data.overrides);
  const result = catalogSchema.safeParse(merged);
  if (result.success) return { spec: result.data, ids: idsOf(result.data) };
  issues.push(...issuesAt(result.error.issues, scenario.locate, ['catalog', 'overrides']));
  return { spec: null, ids: idsOf(merged) };
}

/**
 * A value set at a path of a scenario after its files are merged (a sweep cell's coordinate): the
 * scenario is validated with it, and a problem at or below the path is reported at `origin`, the
 * line that wrote the value (the sweep's axis), not at the scenario's.
 */
export interface ScenarioOverride {
  readonly path: readonly PathKey[];
  readonly value: unknown;
  readonly origin: { readonly file: string; readonly line: number | undefined };
}

const startsWith = (path: readonly PathKey[], prefix: readonly PathKey[]): boolean => prefix.every((key, index) => path[index] === key);

/** The composed scenario with `overrides` set (mappings and lists copied along each path). */
export function withOverrides(scenario: Composed, overrides: readonly ScenarioOverride[]): Composed {
  if (overrides.length === 0) return scenario;
  let data = scenario.data;
  for (const override of overrides) data = setIn(data, override.path, override.value);
  const originOf = (path: readonly PathKey[]) => [...overrides].reverse().find((override) => startsWith(path, override.path))?.origin;
  return {
    ...scenario,
    data,
    fileOf: (path) => originOf(path)?.file ?? scenario.fileOf(path),
    locate: (path, preferKey) => originOf(path) ?? scenario.locate(path, preferKey),
  };
}

function setIn(data: unknown, path: readonly PathKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const [key, ...rest] = path as [PathKey, ...PathKey[]];
  if (Array.isArray(data) && typeof key === 'number') {
    const copy = [...data];
    copy[key] = setIn(copy[key], rest, value);
    return copy;
  }
  const mapping = data !== null && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, unknown>) : {};
  return { ...mapping, [String(key)]: setIn(mapping[String(key)], rest, value) };
}

/**
 * Reads and validates a scenario file and its catalog. Throws one InputError listing every problem
 * in the scenario, the files it extends, its catalog file and its overrides, each with file, line
 * and path.
 */
export function readScenario(file: string, overrides: readonly ScenarioOverride[] = []): ValidatedScenario {
  const scenario = withOverrides(loadComposed(file, SCENARIO_COMPOSITION), overrides); // YAML syntax and `extends` errors stop here
  const issues: InputIssue[] = [];
  const catalog = loadScenarioCatalog(scenario, issues);
  const result = scenarioSchemaFor(catalog.ids).safeParse(scenario.data);
  if (!result.success) issues.push(...issuesAt(result.error.issues, scenario.locate));
  const catalogSpec = catalog.spec;
  if (!result.success || catalogSpec === null || issues.length > 0) {
    // The scenario file first, then the files it extends, in chain order, then the catalog.
    const order = (issue: InputIssue) => {
      const index = scenario.files.indexOf(issue.file);
      return index === -1 ? scenario.files.length : index;
    };
    throw new InputError([...issues].sort((a, b) => order(a) - order(b) || (a.line ?? 0) - (b.line ?? 0)));
  }
  return { spec: result.data, catalogSpec };
}

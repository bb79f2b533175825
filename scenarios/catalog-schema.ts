/**
 * The plan catalog's YAML schema (zod), its cross-field rules, and `loadCatalog`.
 *
 * A pricing team writes a catalog in YAML (see scenarios/catalogs/); this module checks every
 * field with its unit in the description, collects every problem with its line, and compiles the
 * result into the engine's `Catalog`. `scenarios/catalog.schema.json` is generated from this
 * schema (`npx tsx scenarios/export-schemas.ts`) for editors; a test keeps it current.
 */
import { z } from 'zod';
import {
  type Catalog,
  type CatalogSpec,
  FILTER_OPERATORS,
  type FilterCondition,
  type MeterFilter,
  ROUNDING_RULES,
  engineUsageSample,
  matchesMeter,
  meterDefErrors,
  compileCatalog,
  isDecimalText,
  parseDecimal,
} from '../engine/index.ts';
import { loadYaml, parseYaml } from './yaml-load.ts';

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]*$/, 'ids are lower case letters, digits and _, starting with a letter');
const wholeNumber = z.number().int().nonnegative();
const cents = wholeNumber.describe('integer cents (minor units)');

const overage = z.discriminatedUnion('policy', [
  z.strictObject({ policy: z.literal('hard_cap').describe('Fast stops when the balance is gone; no Relax') }),
  z.strictObject({ policy: z.literal('relax').describe('exhausted Fast falls back to the unmetered Relax queue') }),
  z.strictObject({
    policy: z.literal('metered').describe("Fast keeps running and seconds over the allowance are billed (Dodo usage_based_price)"),
    price_per_unit: z
      .string()
      .refine(isDecimalText, 'a decimal string of cents per second, up to 5 integer and 12 fraction digits, e.g. "0.111111111111"')
      .refine((text) => !isDecimalText(text) || parseDecimal(text).numerator > 0n, 'must be greater than 0')
      .describe("cents per GPU second over the free threshold (Dodo's price_per_unit, a decimal string)"),
  }),
]);

const plan = z.strictObject({
  name: z.string().min(1).optional().describe('display name'),
  monthly_price_cents: cents.describe('monthly fee, integer cents'),
  annual_price_cents: cents.nullable().optional().describe('annual fee billed upfront, integer cents; omit for monthly only'),
  fast_seconds: wholeNumber.describe('Fast GPU seconds included per monthly cycle (annual plans reset monthly too)'),
  stealth: z.boolean().optional().describe('private generation (stealth mode) included'),
  overage: overage.describe('what happens when the Fast balance runs out'),
  concurrency: z
    .strictObject({
      fast: z.number().int().min(1).describe('Fast/Turbo jobs running at once'),
      relax: wholeNumber.describe('Relax jobs running at once (>= 1 for relax plans)'),
    })
    .describe('concurrent jobs per customer'),
  queue_limit: wholeNumber.describe('jobs a customer may have waiting beyond the concurrency limit'),
  topups: z.boolean().optional().describe('may buy top-ups; default true except metered plans'),
});

const lotKind = z.enum(['included', 'bonus', 'topup']);

const filterValue = z.union([z.string(), z.number(), z.boolean()]).describe('compared with the metadata value (type and value)');
const condition = z.strictObject({
  key: z.string().min(1).describe('metadata key'),
  operator: z.enum(FILTER_OPERATORS).describe("one of Dodo's 8 filter operators"),
  value: filterValue,
});

/** A Dodo meter filter: conditions, or nested filters (at most 3 levels, checked with the meter). */
const meterFilter = z.lazy((): z.ZodType<MeterFilter> =>
  z.strictObject({
    conjunction: z.enum(['and', 'or']),
    clauses: z.array(clause).min(1).describe('conditions {key, operator, value}, or nested filters {conjunction, clauses}'),
  }) as unknown as z.ZodType<MeterFilter>,
);

/**
 * One clause, checked as a nested filter when it has `conjunction`, else as a condition, so that a
 * mistake is reported at its own field (a plain union would say only "invalid input").
 */
const clause: z.ZodType<FilterCondition | MeterFilter> = z.lazy(() =>
  z.unknown().superRefine((value, ctx) => {
    const nested = typeof value === 'object' && value !== null && 'conjunction' in value;
    const checked = (nested ? meterFilter : condition).safeParse(value);
    if (!checked.success) for (const issue of checked.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
  }),
) as z.ZodType<FilterCondition | MeterFilter>;

const meter = z
  .strictObject({
    name: z.string().min(1).optional().describe("Dodo's meter name (default: the event name)"),
    event_name: z.string().min(1).describe('usage event name the Dodo meter counts, e.g. gpu.fast_seconds'),
    measurement_unit: z.string().min(1).optional().describe('free text unit shown by Dodo (default seconds)'),
    aggregation: z
      .strictObject({
        type: z.literal('sum').describe('the engine rates a Sum of GPU seconds'),
        key: z.string().min(1).describe('metadata key holding the GPU seconds, e.g. gpu_seconds'),
      })
      .describe("Dodo's aggregation: a sum over the key"),
    filter: meterFilter.nullable().optional().describe("Dodo's meter filter: which events count (Midjourney: mode fast or turbo)"),
  })
  .superRefine((spec, ctx) => {
    if (spec.filter && !meterFilter.safeParse(spec.filter).success) return; // reported field by field already
    const errors = spec.filter ? meterDefErrors({ name: 'meter', event_name: spec.event_name, measurement_unit: 'seconds', aggregation: spec.aggregation, filter: spec.filter }) : [];
    for (const error of errors) {
      const [where, ...rest] = error.split(': ');
      ctx.addIssue({ code: 'custom', path: pathOf(where!), message: rest.join(': ') });
    }
    if (errors.length > 0) return;
    for (const mode of ['fast', 'turbo'] as const) {
      if (spec.filter && !matchesMeter({ ...spec, name: 'meter', measurement_unit: 'seconds', filter: spec.filter }, engineUsageSample(spec, mode))) {
        ctx.addIssue({ code: 'custom', path: ['filter'], message: `must count the engine's ${mode} usage events (metadata {${spec.aggregation.key}: seconds, mode: "${mode}"})` });
      }
    }
  });

/** `filter.clauses[0].value` as a zod path. */
function pathOf(text: string): (string | number)[] {
  return text.split(/[.[\]]+/).filter((part) => part !== '').map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

export const catalogSchema = z
  .strictObject({
    currency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 code such as USD').describe('ISO 4217 currency of all cents'),
    rounding: z.enum(ROUNDING_RULES).optional().describe('the one rounding step of each invoice line: half_up (default), half_even, floor, ceil'),
    meter: meter.describe('the Dodo meter Fast usage is sent to; every path that bills usage applies it (filter included)'),
    burn_order: z
      .array(lotKind)
      .length(3)
      .refine((kinds) => new Set(kinds).size === 3, 'name included, bonus and topup once each')
      .optional()
      .describe('order grant kinds are burnt in; within a kind earliest expiry first (default included, bonus, topup)'),
    turbo: z.strictObject({ charge_multiplier: z.number().int().min(1).describe('Fast seconds charged per Turbo GPU second') }),
    job_types: z
      .record(
        id,
        z.strictObject({
          relax: z.boolean().describe('may run in Relax'),
          relax_plans: z.array(id).min(1).optional().describe('only these plans may run it in Relax (default every relax plan)'),
          description: z.string().optional(),
        }),
      )
      .refine((types) => Object.keys(types).length > 0, 'list at least one job type')
      .describe('job types by id; the first is the default for usage without a job_type'),
    topup: z.strictObject({
      price_cents_per_hour: cents.describe('price of one Fast hour, integer cents'),
      expiry_days: wholeNumber.nullable().describe('days a top-up lot lasts; null = never expires'),
      product_id: z.string().min(1).optional().describe('Dodo product id of the top-up'),
    }),
    bonus: z
      .strictObject({
        enabled: z.boolean(),
        seconds_per_award: z.number().int().min(1).describe('Fast seconds per bonus award'),
        expiry_days: z.number().int().min(1).describe('days a bonus lot lasts'),
      })
      .optional()
      .describe('free Fast time for actions such as rating images (off by default)'),
    plan_change: z
      .strictObject({
        upgrade_proration: z
          .enum(['prorated_immediately', 'full_immediately', 'difference_immediately', 'do_not_bill'])
          .optional()
          .describe("how an immediate upgrade is billed (Dodo's proration_billing_mode)"),
        credit_basis: z.enum(['time', 'unused_fast']).optional().describe('prorated credit by remaining time or by unused Fast allowance'),
      })
      .optional()
      .describe('upgrades apply now; downgrades and cancellations at renewal'),
    plans: z
      .record(id, plan)
      .refine((plans) => Object.keys(plans).length > 0, 'list at least one plan')
      .describe('plans by id, cheapest first'),
  })
  .superRefine((spec, ctx) => {
    for (const [planId, planSpec] of Object.entries(spec.plans)) {
      const at = ['plans', planId];
      if (planSpec.overage.policy === 'relax' && planSpec.concurrency.relax < 1) {
        ctx.addIssue({ code: 'custom', path: [...at, 'concurrency', 'relax'], message: 'a relax plan needs concurrency.relax >= 1' });
      }
      if (planSpec.overage.policy === 'metered' && planSpec.topups === true) {
        ctx.addIssue({ code: 'custom', path: [...at, 'topups'], message: 'metered plans bill overage per second and cannot sell top-ups' });
      }
    }
    for (const [jobId, jobType] of Object.entries(spec.job_types)) {
      (jobType.relax_plans ?? []).forEach((planId, index) => {
        if (!(planId in spec.plans)) {
          ctx.addIssue({ code: 'custom', path: ['job_types', jobId, 'relax_plans', index], message: `unknown plan "${planId}" (plans: ${Object.keys(spec.plans).join(', ')})` });
        }
      });
      if (jobType.relax_plans && !jobType.relax) {
        ctx.addIssue({ code: 'custom', path: ['job_types', jobId, 'relax_plans'], message: 'relax_plans needs relax: true' });
      }
    }
  });

export interface LoadedCatalog {
  readonly spec: CatalogSpec;
  readonly catalog: Catalog;
}

/**
 * The validated catalog, compiled. The schema's output type must be the engine's CatalogSpec, with
 * no cast: the type checker holds the two declarations of the shape to each other.
 */
function compile(spec: CatalogSpec): LoadedCatalog {
  return { spec, catalog: compileCatalog(spec) };
}

/** The schema's output, checked to be a CatalogSpec. */
function validated(spec: z.output<typeof catalogSchema>): CatalogSpec {
  return spec;
}

/** Reads, validates and compiles a catalog file; throws InputError listing every problem. */
export function loadCatalog(file: string): LoadedCatalog {
  return compile(validated(loadYaml(file, catalogSchema)));
}

/** Validates and compiles catalog YAML text (`file` names it in errors). */
export function parseCatalog(file: string, text: string): LoadedCatalog {
  return compile(validated(parseYaml(file, text, catalogSchema)));
}

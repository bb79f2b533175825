/**
 * summary.json as this layer reads it (written by the simulator; docs/SIMULATOR.md, Outputs): the
 * scenario, its seed and horizon, each replication's figures (`per_replication`) and the same
 * figures as `{mean, ci95}` across replications (`estimates`; `ci95` is the 95% Student-t
 * half-width, null with one replication). Only the fields the report uses are checked and kept.
 * Money in cents, GPU time in hours, waits in seconds, shares 0..1.
 *
 * A malformed file is refused with the JSON path and line of each problem: the line is found by
 * re-reading the text with `yaml` (JSON is YAML), which keeps source positions, only then.
 */
import { LineCounter, parseDocument } from 'yaml';
import { z } from 'zod';
import { MAX_ISSUES_PER_FILE, type RunFolderIssue } from './errors.ts';

/** The reasons a request is blocked, in the order charts and tables show them. */
export const BLOCKED_REASONS = [
  'no_active_subscription',
  'relax_not_on_plan',
  'relax_not_allowed_for_job_type',
  'fast_exhausted_no_relax',
  'concurrency_limit',
  'queue_full',
] as const;
export type BlockedReason = (typeof BLOCKED_REASONS)[number];

const estimate = z.object({ mean: z.number(), ci95: z.number().nullable() });
/** A figure across replications: its mean and the 95% half-width (null with one replication). */
export type Estimate = z.infer<typeof estimate>;

function waitPercentiles<N extends z.ZodType>(figure: N) {
  return z.object({ p50: figure, p95: figure, p99: figure, mean: figure });
}

/** The per-tier figures, each a plain number (one replication) or an Estimate (`estimates`). */
function tierSchema<N extends z.ZodType>(figure: N) {
  return z.object({
    plan: z.string().min(1),
    subscribers_start: figure,
    subscribers_end: figure,
    revenue_cents: z.object({ subscriptions: figure, annual: figure, topups: figure, overage: figure, proration: figure, total: figure }),
    fast_hours: figure,
    relax_hours: figure,
    fast_jobs: figure,
    relax_jobs: figure,
    blocked_requests: figure,
    cycles_closed: figure,
    exhausted_share: figure,
    /** Null when no cycle ran out (in every replication, for the estimate). */
    median_exhaustion_day: figure.nullable(),
    fast_wait_s: waitPercentiles(figure),
    relax_wait_s: waitPercentiles(figure),
    upgrades: figure,
    downgrades: figure,
    churned: figure,
    gpu_cost_cents: figure,
    gross_margin_cents: figure,
    /** Blocked requests by reason; absent in run folders written before the simulator had it. */
    blocked_by_reason: z.object(Object.fromEntries(BLOCKED_REASONS.map((reason) => [reason, figure])) as Record<BlockedReason, N>).optional(),
  });
}

function fleetSchema<N extends z.ZodType>(figure: N) {
  return z.object({
    gpu_hours: figure,
    busy_gpu_hours: figure,
    utilization: figure,
    gpu_cost_cents: figure,
    revenue_cents: figure,
    gross_margin_cents: figure,
  });
}

/** flows[from][to]: plan changes decided within the horizon, `to` a plan id or `churn`. */
function flowsSchema<N extends z.ZodType>(figure: N) {
  return z.record(z.string(), z.record(z.string(), figure));
}

const replicationSchema = z.object({
  replication: z.number().int().min(0),
  customers: z.number(),
  tiers: z.array(tierSchema(z.number())).min(1),
  fleet: fleetSchema(z.number()),
  flows: flowsSchema(z.number()),
});

const estimatesSchema = z.object({
  customers: estimate,
  tiers: z.array(tierSchema(estimate)).min(1),
  fleet: fleetSchema(estimate),
  flows: flowsSchema(estimate),
});

/** What the run assumed (absent in folders written before the simulator wrote it). */
const assumptionsSchema = z.object({
  subscribers: z.number(),
  segments: z.array(z.object({ name: z.string(), subscribers: z.number() })),
  plans: z.array(
    z.object({
      plan: z.string(),
      monthly_price_cents: z.number(),
      annual_price_cents: z.number().nullable(),
      fast_hours: z.number(),
      overage: z.string(),
      relax: z.boolean(),
      topups: z.boolean(),
    }),
  ),
  topup_price_cents_per_hour: z.number(),
  fleet: z.array(z.object({ from: z.string(), gpus: z.number() })),
  gpu_cost_cents_per_hour: z.number(),
  demand_events: z.array(z.object({ label: z.string(), from: z.string(), to: z.string(), arrival_multiplier: z.number(), gpus_lost: z.number() })),
});
export type Assumptions = z.infer<typeof assumptionsSchema>;

const summarySchema = z.object({
  scenario: z.string(),
  file: z.string(),
  seed: z.number(),
  replications: z.number().int().min(1),
  files: z.array(z.string()),
  start: z.string(),
  end: z.string(),
  invariants: z.record(z.string(), z.boolean()),
  assumptions: assumptionsSchema.optional(),
  estimates: estimatesSchema,
  per_replication: z.array(replicationSchema).min(1),
});

export type Summary = z.infer<typeof summarySchema>;
export type TierFigures = z.infer<typeof replicationSchema>['tiers'][number];
export type TierEstimates = Summary['estimates']['tiers'][number];
export type ReplicationSummary = Summary['per_replication'][number];

/** The 1-based line of the value at `path` (or of its nearest parent that exists). */
function lineOf(text: string, path: readonly PropertyKey[]): number | null {
  const counter = new LineCounter();
  const document = parseDocument(text, { lineCounter: counter });
  for (let length = path.length; length >= 0; length -= 1) {
    const node = length === 0 ? document.contents : document.getIn(path.slice(0, length) as unknown[], true);
    const offset = node !== null && typeof node === 'object' && 'range' in node ? (node.range as [number, number, number] | undefined)?.[0] : undefined;
    if (offset !== undefined) return counter.linePos(offset).line;
  }
  return null;
}

function jsonPath(path: readonly PropertyKey[]): string {
  return path.map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`)).join('') || '(top level)';
}

/** Problems the schema cannot state: the replications and tiers must line up. */
function consistencyProblems(summary: Summary): { path: PropertyKey[]; message: string }[] {
  const problems: { path: PropertyKey[]; message: string }[] = [];
  if (summary.per_replication.length !== summary.replications) {
    problems.push({ path: ['per_replication'], message: `holds ${summary.per_replication.length} replications, replications says ${summary.replications}` });
  }
  const plans = summary.estimates.tiers.map((tier) => tier.plan);
  summary.per_replication.forEach((replication, index) => {
    if (replication.replication !== index) problems.push({ path: ['per_replication', index, 'replication'], message: `is ${replication.replication}, expected ${index}` });
    const own = replication.tiers.map((tier) => tier.plan);
    if (own.join('\n') !== plans.join('\n')) problems.push({ path: ['per_replication', index, 'tiers'], message: `plans ${own.join(', ')} differ from estimates.tiers (${plans.join(', ')})` });
  });
  return problems;
}

/** The line of a JSON.parse error: from its `position N`, else where yaml stops reading. */
function syntaxErrorLine(text: string, error: unknown): number | null {
  const position = /position (\d+)/.exec(error instanceof Error ? error.message : '');
  if (position !== null) return text.slice(0, Number(position[1])).split('\n').length;
  const document = parseDocument(text, { prettyErrors: false });
  return document.errors[0]?.linePos?.[0].line ?? null;
}

/** Parses summary.json text; problems go to `issues` and the result is null. */
export function parseSummary(file: string, text: string, issues: RunFolderIssue[]): Summary | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    issues.push({ file, line: syntaxErrorLine(text, error), message: 'is not valid JSON' });
    return null;
  }
  const parsed = summarySchema.safeParse(json);
  const problems = parsed.success
    ? consistencyProblems(parsed.data)
    : parsed.error.issues.map((issue) => ({ path: issue.path, message: issue.message }));
  for (const problem of problems.slice(0, MAX_ISSUES_PER_FILE)) {
    issues.push({ file, line: lineOf(text, problem.path), message: `${jsonPath(problem.path)}: ${problem.message}` });
  }
  return problems.length === 0 && parsed.success ? parsed.data : null;
}

import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MS_PER_DAY, MS_PER_HOUR } from '../engine/index.ts';
import { InputError, type InputIssue } from '../scenarios/errors.ts';
import { cumulativeShares } from './compile.ts';
import { BEHAVIOUR_DEFAULTS, loadScenario } from './scenario-schema.ts';

const MIDJOURNEY = resolve('scenarios/catalogs/midjourney.yaml');
const directory = mkdtempSync(join(tmpdir(), 'scenario-schema-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** A small scenario touching every section; tests replace one line at a time (lines stay put). */
const SMALL = `name: small
start: 2026-01-31T12:00:00+02:00
horizon: { months: 1 }
seed: 7
catalog:
  path: ${MIDJOURNEY}
  overrides:
    plans:
      basic:
        overage: { policy: relax }
        concurrency: { fast: 3, relax: 1 }
    topup: { price_cents_per_hour: 500 }
segments:
  - name: daily
    subscribers: 100
    plan_mix: { basic: 0.25, standard: 0.75 }
    annual_share: 0.5
    arrivals:
      kind: daily
      active_days_per_week: 3.5
      jobs_per_active_day: { kind: poisson, mean: 6 }
      hour_profile: [0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
      timezones:
        - { utc_offset_hours: -5, share: 0.4 }
        - { utc_offset_hours: 5.5, share: 0.6 }
    job_mix: { image_grid: 0.5, upscale: 0.3, video_sd: 0.2 }
    gpu_seconds:
      image_grid: { kind: lognormal, mean: 60, sd: 30 }
      upscale: { kind: empirical, values: [20, 40], weights: [3, 1] }
      video_sd: { kind: gamma, mean: 480, shape: 4 }
    turbo_share: 0.1
  - name: stream
    subscribers: 10
    plan_mix: { pro: 1 }
    annual_share: 0
    arrivals: { kind: poisson, jobs_per_hour: 120 }
    job_mix: { image_grid: 1 }
    gpu_seconds:
      image_grid: { kind: exponential, mean: 30 }
    relax_by_choice: 0.4
fleet:
  gpus:
    - { from: 2026-02-10, gpus: 12 }
    - { from: 2026-01-31T10:00:00Z, gpus: 8 }
  cost_per_gpu_hour_cents: 250
behaviour:
  churn: { monthly: 0.02 }
demand_events:
  - { label: launch, from: 2026-02-02T00:00:00Z, to: 2026-02-03T00:00:00Z, arrival_multiplier: 3 }
  - { label: outage, from: 2026-02-05T06:00:00Z, to: 2026-02-05T08:00:00Z, gpus_lost: 4 }
warmup_hours: 1.5
`;

let written = 0;
function scenarioFile(text: string): string {
  written += 1;
  const file = join(directory, `scenario-${written}.yaml`);
  writeFileSync(file, text);
  return file;
}

/** SMALL with each `find` replaced (each must occur exactly once). */
function edited(...replacements: readonly [string, string][]): string {
  let text = SMALL;
  for (const [find, replace] of replacements) {
    if (text.split(find).length !== 2) throw new Error(`fixture text not found once: ${find}`);
    text = text.replace(find, replace);
  }
  return text;
}

function lineOf(text: string, needle: string): number {
  const line = text.split('\n').findIndex((candidate) => candidate.includes(needle)) + 1;
  if (line === 0) throw new Error(`not in the text: ${needle}`);
  return line;
}

function issuesOf(file: string): InputIssue[] {
  try {
    loadScenario(file);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

function where(issues: readonly InputIssue[]): [number | undefined, string | undefined][] {
  return issues.map((issue) => [issue.line, issue.path]);
}

const utc = (text: string) => Date.parse(text);

describe('shipped scenarios', () => {
  const files = [
    ...readdirSync('scenarios').filter((name) => name.endsWith('.yaml')).map((name) => `scenarios/${name}`),
    ...readdirSync('scenarios/validation').map((name) => `scenarios/validation/${name}`),
  ].sort();

  it('ships the canonical and validation scenarios', () => {
    expect(files).toEqual([
      'scenarios/baseline.yaml',
      'scenarios/basic-cliff.yaml',
      'scenarios/peak.yaml',
      'scenarios/validation/mm-c-rho50.yaml',
      'scenarios/validation/mm-c-rho80.yaml',
      'scenarios/validation/mm-c-rho95.yaml',
    ]);
  });

  it.each(files)('loads %s', (file) => {
    const { model, spec } = loadScenario(file);
    expect(model.name).toBe(spec.name);
    expect(model.file).toBe(file);
    expect(model.endAt).toBeGreaterThan(model.startAt);
    for (const segment of model.segments) {
      expect(segment.planCumulative.at(-1)).toBe(1);
      expect(segment.jobTypeCumulative.at(-1)).toBe(1);
      expect(segment.gpuSeconds).toHaveLength(segment.jobTypeIds.length);
    }
  });

  it('baseline: a 30-day March on 250 GPUs, three segments of 20,000 subscribers', () => {
    const { model } = loadScenario('scenarios/baseline.yaml');
    expect(model.startAt).toBe(utc('2026-03-01T00:00:00Z'));
    expect(model.endAt).toBe(utc('2026-03-31T00:00:00Z'));
    expect(model.fleetSchedule).toEqual([{ at: model.startAt, gpus: 250 }]);
    expect(model.relaxOrder).toBe('least_relax_used_first');
    expect(model.segments.reduce((sum, segment) => sum + segment.subscribers, 0)).toBe(20_000);
    const [casual, regular] = model.segments;
    expect([...casual!.planCumulative]).toEqual([0.6, 1]);
    expect(regular!.planIds).toEqual(['basic', 'standard', 'pro']);
    expect([...regular!.planCumulative]).toEqual([0.15, 0.75, 1]);
    expect(casual!.jobTypeIds).toEqual(['image_grid', 'variation', 'upscale', 'draft', 'video_sd']);
    expect([...casual!.jobTypeCumulative].map((value) => value.toFixed(12))).toEqual(['0.550000000000', '0.750000000000', '0.950000000000', '0.980000000000', '1.000000000000']);
    const arrivals = casual!.arrivals;
    if (arrivals.kind !== 'daily') throw new Error('casual arrivals are daily');
    expect(arrivals.activeDayProbability).toBe(2 / 7);
    expect(arrivals.hourCumulative[0]).toBeCloseTo(2 / 85, 12); // the 24 weights sum to 85
    expect(arrivals.zoneOffsetsMs[6]).toBe(5.5 * MS_PER_HOUR);
    expect(model.behaviour).toMatchObject({ topupPropensityHardCap: 0.15, churnProbability: 0.05 });
    expect(model.catalog.plans.get('basic')?.overagePolicy).toBe('hard_cap');
  });

  it('peak: the baseline plus a launch week tripling arrivals on a bigger fleet', () => {
    const { model } = loadScenario('scenarios/peak.yaml');
    const launch = utc('2026-03-09T00:00:00Z');
    const after = utc('2026-03-16T00:00:00Z');
    expect(model.demand).toEqual([{ fromAt: launch, toAt: after, arrivalMultiplier: 3, gpusLost: 0, label: 'launch week' }]);
    expect(model.fleetSchedule).toEqual([
      { at: model.startAt, gpus: 250 },
      { at: launch, gpus: 560 },
      { at: after, gpus: 250 },
    ]);
  });

  it('basic-cliff: the override gives Basic relax, everything else is the baseline', () => {
    const cliff = loadScenario('scenarios/basic-cliff.yaml');
    const baseline = loadScenario('scenarios/baseline.yaml');
    const basic = cliff.model.catalog.plans.get('basic')!;
    expect([basic.overagePolicy, basic.relax, basic.concurrencyFast, basic.concurrencyRelax]).toEqual(['relax', true, 3, 1]);
    expect(basic.monthlyPriceCents).toBe(1000);
    expect(cliff.catalogSpec.plans.standard).toEqual(baseline.catalogSpec.plans.standard);
    const { name: _cliff, ...cliffRest } = cliff.spec;
    const { name: _baseline, ...baselineRest } = baseline.spec;
    expect({ ...cliffRest, catalog: null }).toEqual({ ...baselineRest, catalog: null });
  });

  it('validation: Poisson arrivals at rho = lambda E[S] / c on 8 GPUs, FIFO, two classes', () => {
    for (const [rho, days] of [[0.5, 18], [0.8, 11], [0.95, 10]] as const) {
      const { model } = loadScenario(`scenarios/validation/mm-c-rho${Math.round(rho * 100)}.yaml`);
      const [segment] = model.segments;
      const arrivals = segment!.arrivals;
      if (arrivals.kind !== 'poisson') throw new Error('validation arrivals are Poisson');
      const meanSeconds = 30;
      expect(segment!.gpuSecondsSpecs).toEqual([{ kind: 'exponential', mean: meanSeconds }]);
      expect((arrivals.jobsPerHour / 3600) * meanSeconds / 8).toBeCloseTo(rho, 12);
      expect(arrivals.jobsPerHour * days * 24).toBeGreaterThan(200_000);
      expect(model.endAt - model.startAt).toBe(days * MS_PER_DAY);
      expect(model.relaxOrder).toBe('fifo');
      expect(model.fleetSchedule).toEqual([{ at: model.startAt, gpus: 8 }]);
      expect(segment!.relaxByChoiceShare).toBe(0.4);
      expect(model.warmupMs).toBeGreaterThanOrEqual(4 * MS_PER_HOUR);
      const plan = model.catalog.plans.get('unlimited')!;
      expect(plan.concurrencyFast).toBeGreaterThanOrEqual(1_000_000);
      expect(plan.queueLimit).toBeGreaterThanOrEqual(1_000_000);
    }
  });
});

describe('compiling a scenario', () => {
  const { model, spec } = loadScenario(scenarioFile(SMALL));

  it('turns instants into UTC ms and months into calendar months, month-end clamped', () => {
    expect(model.startAt).toBe(utc('2026-01-31T10:00:00Z'));
    expect(model.endAt).toBe(utc('2026-02-28T10:00:00Z'));
    expect(model.warmupMs).toBe(5_400_000);
  });

  it('turns shares into cumulative arrays ending in exactly 1', () => {
    const [daily, stream] = model.segments;
    expect([...daily!.planCumulative]).toEqual([0.25, 1]);
    expect([...daily!.jobTypeCumulative]).toEqual([0.5, 0.8, 1]);
    const arrivals = daily!.arrivals;
    if (arrivals.kind !== 'daily') throw new Error('daily arrivals expected');
    expect(arrivals.activeDayProbability).toBe(0.5);
    expect([...arrivals.hourCumulative]).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 0, 0.25, ...Array<number>(14).fill(1)]);
    expect([...arrivals.zoneOffsetsMs]).toEqual([-18_000_000, 19_800_000]);
    expect([...arrivals.zoneCumulative]).toEqual([0.4, 1]);
    expect(stream!.arrivals).toEqual({ kind: 'poisson', jobsPerHour: 120 });
    expect([daily!.relaxByChoiceShare, daily!.turboShare, stream!.relaxByChoiceShare, stream!.turboShare]).toEqual([0, 0.1, 0.4, 0]);
  });

  it('sets the last positive weight and the zero weights after it to exactly 1', () => {
    const cumulative = cumulativeShares([0.1, 0.2, 0.3, 0.4, 0, 0]);
    expect([...cumulative.slice(3)]).toEqual([1, 1, 1]);
  });

  it('compiles distributions into samplers in job-mix order', () => {
    const [daily] = model.segments;
    expect(daily!.gpuSecondsSpecs.map((distribution) => distribution.kind)).toEqual(['lognormal', 'empirical', 'gamma']);
    const upscale = daily!.gpuSeconds[1]!;
    expect([upscale(() => 0.1), upscale(() => 0.8)]).toEqual([20, 40]); // weights 3:1 split at 0.75
  });

  it('sorts the fleet schedule and keeps demand windows, behaviour defaults filling the gaps', () => {
    expect(model.fleetSchedule).toEqual([
      { at: utc('2026-01-31T10:00:00Z'), gpus: 8 },
      { at: utc('2026-02-10T00:00:00Z'), gpus: 12 },
    ]);
    expect(model.demand).toEqual([
      { fromAt: utc('2026-02-02T00:00:00Z'), toAt: utc('2026-02-03T00:00:00Z'), arrivalMultiplier: 3, gpusLost: 0, label: 'launch' },
      { fromAt: utc('2026-02-05T06:00:00Z'), toAt: utc('2026-02-05T08:00:00Z'), arrivalMultiplier: 1, gpusLost: 4, label: 'outage' },
    ]);
    expect(model.behaviour).toEqual({
      topupPropensityHardCap: BEHAVIOUR_DEFAULTS.topup_propensity.hard_cap,
      topupPropensityRelax: BEHAVIOUR_DEFAULTS.topup_propensity.relax,
      topupHours: BEHAVIOUR_DEFAULTS.topup_hours,
      upgradeProbability: BEHAVIOUR_DEFAULTS.upgrade.probability,
      upgradeExhaustedBeforeDay: BEHAVIOUR_DEFAULTS.upgrade.exhausted_before_day,
      upgradePerBlocked: BEHAVIOUR_DEFAULTS.upgrade.per_blocked,
      downgradeProbability: BEHAVIOUR_DEFAULTS.downgrade.probability,
      downgradeBelowUsedShare: BEHAVIOUR_DEFAULTS.downgrade.below_used_share,
      churnProbability: 0.02,
      churnBlockedBump: BEHAVIOUR_DEFAULTS.churn.blocked_bump,
    });
    expect([model.relaxOrder, model.fastReservedShare, model.replications, spec.replications]).toEqual(['least_relax_used_first', 0, 1, 1]);
  });

  it('applies the catalog overrides (deep merge) before validating the catalog', () => {
    const basic = model.catalog.plans.get('basic')!;
    expect([basic.overagePolicy, basic.concurrencyRelax, basic.queueLimit, basic.fastAllowanceMs]).toEqual(['relax', 1, 10, 12_000_000]);
    expect(model.catalog.topupPriceCentsPerHour).toBe(500);
    expect(model.catalog.topupExpiryMs).toBe(60 * MS_PER_DAY);
  });

  it('reads a single GPU count as one step at start, and days as 24-hour days', () => {
    const text = edited(
      ['horizon: { months: 1 }', 'horizon: { days: 2.5 }'],
      ['  gpus:\n    - { from: 2026-02-10, gpus: 12 }\n    - { from: 2026-01-31T10:00:00Z, gpus: 8 }\n', '  gpus: 16\n'],
    );
    const { model: single } = loadScenario(scenarioFile(text));
    expect(single.fleetSchedule).toEqual([{ at: single.startAt, gpus: 16 }]);
    expect(single.endAt - single.startAt).toBe(2.5 * MS_PER_DAY);
  });
});

describe('invalid scenarios', () => {
  it('lists every problem at once, each at its line and path', () => {
    const text = edited(
      ['seed: 7', 'seed: "seven"'],
      ['plan_mix: { basic: 0.25, standard: 0.75 }', 'plan_mix: { basic: 0.25, ultra: 0.75 }'],
      ['plan_mix: { pro: 1 }', 'plan_mix: { pro: 0.5, mega: 0.4 }'],
      ['video_sd: { kind: gamma, mean: 480, shape: 4 }', 'video_sd: { kind: gamma, mean: 480, shape: -1 }'],
      ['  cost_per_gpu_hour_cents: 250', '  cost_per_gpu_hour_cents: 250\n  gpu_count: 3'],
    );
    const issues = issuesOf(scenarioFile(text));
    expect(where(issues)).toEqual([
      [lineOf(text, 'seed: "seven"'), 'seed'],
      [lineOf(text, 'ultra: 0.75'), 'segments[0].plan_mix.ultra'],
      [lineOf(text, 'shape: -1'), 'segments[0].gpu_seconds.video_sd.shape'],
      [lineOf(text, 'mega: 0.4'), 'segments[1].plan_mix'],
      [lineOf(text, 'gpu_count'), 'fleet.gpu_count'],
    ]);
    const messages = issues.map((issue) => issue.message);
    expect(messages[0]).toMatch(/expected number/);
    expect(messages[1]).toBe('unknown plan "ultra" (plans: basic, standard, pro, mega)');
    expect(messages[2]).toMatch(/>0/);
    expect(messages[3]).toBe('shares must sum to 1 (within 0.000001)');
    expect(messages[4]).toMatch(/unknown field/);
  });

  it('checks distribution parameters, mixes and job types against the catalog', () => {
    const text = edited(
      ['image_grid: { kind: lognormal, mean: 60, sd: 30 }', 'image_grid: { kind: lognormal, mean: 0, sd: 30 }'],
      ['upscale: { kind: empirical, values: [20, 40], weights: [3, 1] }', 'upscale: { kind: empirical, values: [20, 40], weights: [3] }'],
      ['job_mix: { image_grid: 1 }', 'job_mix: { image_grid: 0.5, remix: 0.5 }'],
    );
    const issues = issuesOf(scenarioFile(text));
    expect(where(issues)).toEqual([
      [lineOf(text, 'mean: 0, sd: 30'), 'segments[0].gpu_seconds.image_grid.mean'],
      [lineOf(text, 'weights: [3]'), 'segments[0].gpu_seconds.upscale.weights'],
      [lineOf(text, 'remix: 0.5'), 'segments[1].job_mix.remix'],
      [lineOf(text, 'image_grid: { kind: exponential'), 'segments[1].gpu_seconds'], // the mapping's first line
    ]);
    expect(issues.map((issue) => issue.message)).toEqual([
      'Too small: expected number to be >0',
      'give one weight per value (2)',
      'unknown job type "remix" (job types: image_grid, variation, upscale, draft, video_sd, video_hd)',
      'no distribution for job type "remix" of job_mix',
    ]);
  });

  it('reads failure rates per job type and checks them against the catalog', () => {
    const valid = `${SMALL}job_types:\n  video_sd: { failure_rate: 0.25 }\n`;
    expect([...loadScenario(scenarioFile(valid)).model.failureRates]).toEqual([['video_sd', 0.25]]);
    expect(loadScenario(scenarioFile(SMALL)).model.failureRates.size).toBe(0);
    const text = `${SMALL}job_types:\n  remix: { failure_rate: 0.1 }\n  upscale: { failure_rate: 1.5 }\n`;
    const issues = issuesOf(scenarioFile(text));
    expect(where(issues)).toEqual([
      [lineOf(text, 'remix:'), 'job_types.remix'],
      [lineOf(text, 'failure_rate: 1.5'), 'job_types.upscale.failure_rate'],
    ]);
  });

  it('names the allowed kinds of an unknown distribution and rejects unknown parameters', () => {
    const text = edited(
      ['image_grid: { kind: exponential, mean: 30 }', 'image_grid: { kind: weibull, mean: 30 }'],
      ['jobs_per_active_day: { kind: poisson, mean: 6 }', 'jobs_per_active_day: { kind: poisson, mean: 6, sd: 2 }'],
    );
    expect(issuesOf(scenarioFile(text))).toMatchObject([
      { line: lineOf(text, 'sd: 2'), path: 'segments[0].arrivals.jobs_per_active_day.sd', message: expect.stringMatching(/unknown field/) },
      { line: lineOf(text, 'weibull'), path: 'segments[1].gpu_seconds.image_grid.kind', message: 'kind must be one of constant, exponential, lognormal, gamma, poisson, empirical' },
    ]);
  });

  it('checks instants, windows, the fleet schedule, the horizon and the warm-up', () => {
    const text = edited(
      ['start: 2026-01-31T12:00:00+02:00', 'start: 2026-02-30'],
      ['to: 2026-02-03T00:00:00Z', 'to: 2026-02-01T00:00:00Z'],
      ['horizon: { months: 1 }', 'horizon: { months: 1, days: 3 }'],
    );
    const issues = issuesOf(scenarioFile(text));
    expect(where(issues)).toEqual([
      [lineOf(text, 'start:'), 'start'],
      [lineOf(text, 'horizon:'), 'horizon'],
      [lineOf(text, 'label: launch'), 'demand_events[0].to'],
    ]);
    expect(issues[0]!.message).toMatch(/an ISO date/);
    expect(issues[1]!.message).toBe('give exactly one of days or months');
    expect(issues[2]!.message).toBe('to must be after from');

    const late = edited(['- { from: 2026-01-31T10:00:00Z, gpus: 8 }', '- { from: 2026-02-10T00:00:00Z, gpus: 8 }'], ['warmup_hours: 1.5', 'warmup_hours: 700']);
    expect(issuesOf(scenarioFile(late)).map((issue) => [issue.line, issue.path, issue.message])).toEqual([
      [lineOf(late, 'gpus: 12'), 'fleet.gpus[0].from', 'the earliest step must be at or before start (2026-01-31T12:00:00+02:00)'],
      [lineOf(late, 'gpus: 8'), 'fleet.gpus[1].from', 'two schedule steps at the same instant'],
      [lineOf(late, 'warmup_hours'), 'warmup_hours', 'the warm-up must end before the horizon'], // 700 h > 28 days
    ]);
    const afterStart = edited(['- { from: 2026-01-31T10:00:00Z, gpus: 8 }', '- { from: 2026-02-01T00:00:00Z, gpus: 8 }']);
    expect(issuesOf(scenarioFile(afterStart))).toMatchObject([
      { line: lineOf(afterStart, 'gpus: 8'), path: 'fleet.gpus[1].from', message: 'the earliest step must be at or before start (2026-01-31T12:00:00+02:00)' },
    ]);
  });

  it('reports a YAML syntax error with its line', () => {
    const text = edited(['  - name: stream', '  - name: [stream']);
    const issues = issuesOf(scenarioFile(text));
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.message).toMatch(/^YAML syntax: /);
    expect(issues[0]!.line).toBeGreaterThanOrEqual(lineOf(text, '[stream'));
  });

  it('reports a missing catalog at catalog.path, together with the other problems', () => {
    const text = edited([`path: ${MIDJOURNEY}`, 'path: catalogs/nope.yaml'], ['annual_share: 0.5', 'annual_share: 1.5']);
    const file = scenarioFile(text);
    expect(issuesOf(file)).toEqual([
      { file, line: lineOf(text, 'nope.yaml'), path: 'catalog.path', message: `${join(directory, 'catalogs/nope.yaml')}: file not found` },
      { file, line: lineOf(text, 'annual_share: 1.5'), path: 'segments[0].annual_share', message: expect.stringMatching(/<=1/) },
    ]);
  });

  it('reports problems of the catalog file against the catalog file', () => {
    const catalogFile = join(directory, 'broken-catalog.yaml');
    const catalogText = readFileSync(MIDJOURNEY, 'utf8').replace('monthly_price_cents: 3000', 'monthly_price_cents: -3');
    writeFileSync(catalogFile, catalogText);
    const text = edited([`path: ${MIDJOURNEY}`, 'path: broken-catalog.yaml'], ['seed: 7', 'seed: 7.5']);
    const file = scenarioFile(text);
    expect(where(issuesOf(file))).toEqual([
      [lineOf(text, 'seed: 7.5'), 'seed'],
      [lineOf(catalogText, 'monthly_price_cents: -3'), 'plans.standard.monthly_price_cents'],
    ]);
    expect(issuesOf(file).map((issue) => issue.file)).toEqual([file, catalogFile]);
  });

  it('reports problems of the overrides at their lines in the scenario, still checking references', () => {
    const text = edited(
      ['overage: { policy: relax }', 'overage: { policy: metered }'],
      ['concurrency: { fast: 3, relax: 1 }', 'concurrency: { fast: 3, relax: "one" }\n        extra: true'],
      ['plan_mix: { pro: 1 }', 'plan_mix: { platinum: 1 }'],
    );
    const file = scenarioFile(text);
    const issues = issuesOf(file);
    expect(where(issues)).toEqual([
      [lineOf(text, 'policy: metered'), 'catalog.overrides.plans.basic.overage.price_per_unit'],
      [lineOf(text, 'relax: "one"'), 'catalog.overrides.plans.basic.concurrency.relax'],
      [lineOf(text, 'extra: true'), 'catalog.overrides.plans.basic.extra'],
      [lineOf(text, 'platinum'), 'segments[1].plan_mix.platinum'],
    ]);
    expect(issues.every((issue) => issue.file === file)).toBe(true);
    expect(issues[0]!.message).toBe('required (string)');
    expect(issues[2]!.message).toMatch(/unknown field/);
  });
});

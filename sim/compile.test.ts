import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { MS_PER_DAY, MS_PER_HOUR } from '../engine/index.ts';
import { BEHAVIOUR_DEFAULTS } from '../scenarios/scenario-schema.ts';
import { SMALL, ScenarioFolder, edited } from '../scenarios/test/scenario-fixture.ts';
import { cumulativeShares, loadScenario } from './compile.ts';

const folder = new ScenarioFolder('scenario-compile-');
const scenarioFile = (text: string): string => folder.write(text);
afterAll(() => folder.remove());

const utc = (text: string) => Date.parse(text);

describe('failure rates', () => {
  it('are read per job type id (none by default)', () => {
    const valid = `${SMALL}job_types:\n  video_sd: { failure_rate: 0.25 }\n`;
    expect([...loadScenario(scenarioFile(valid)).model.failureRates]).toEqual([['video_sd', 0.25]]);
    expect(loadScenario(scenarioFile(SMALL)).model.failureRates.size).toBe(0);
  });
});

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

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from './errors.ts';
import { readScenario } from './scenario-schema.ts';
import { MIDJOURNEY, SMALL, ScenarioFolder, edited, lineOf } from './test/scenario-fixture.ts';

const folder = new ScenarioFolder('scenario-schema-');
const directory = folder.directory;
const scenarioFile = (text: string): string => folder.write(text);
afterAll(() => folder.remove());

function issuesOf(file: string): InputIssue[] {
  try {
    readScenario(file);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

function where(issues: readonly InputIssue[]): [number | undefined, string | undefined][] {
  return issues.map((issue) => [issue.line, issue.path]);
}

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

  it('refuses a name too long for a folder name, at its line', () => {
    const text = edited(['name: small', `name: ${'x'.repeat(101)}`]);
    expect(where(issuesOf(scenarioFile(text)))).toEqual([[1, 'name']]);
  });

  it('refuses a fleet or a horizon too large for exact integer money, and reports a horizon of no length once', () => {
    const huge = edited(['cost_per_gpu_hour_cents: 250', 'cost_per_gpu_hour_cents: 1000000000000']);
    expect(where(issuesOf(scenarioFile(huge)))).toEqual([[lineOf(huge, 'cost_per_gpu_hour_cents'), 'fleet.cost_per_gpu_hour_cents']]);
    const empty = edited(['horizon: { months: 1 }', 'horizon: { days: 0 }']);
    expect(where(issuesOf(scenarioFile(empty)))).toEqual([[lineOf(empty, 'horizon'), 'horizon.days']]);
  });

  it('refuses distribution parameters past 1e9 and weights whose sum is not finite', () => {
    const text = edited(['upscale: { kind: empirical, values: [20, 40], weights: [3, 1] }', 'upscale: { kind: empirical, values: [20, 40], weights: [1e308, 1e308] }']);
    const issues = issuesOf(scenarioFile(text));
    expect(issues.map((issue) => issue.message)).toContain('weights must add up to a finite number');
    expect(where(issues).every(([line]) => line === lineOf(text, 'weights: [1e308'))).toBe(true);
  });

  it('checks failure rates per job type against the catalog', () => {
    const text = `${SMALL}job_types:\n  remix: { failure_rate: 0.1 }\n  upscale: { failure_rate: 1.5 }\n`;
    const issues = issuesOf(scenarioFile(text));
    expect(where(issues)).toEqual([
      [lineOf(text, 'remix:'), 'job_types.remix'],
      [lineOf(text, 'failure_rate: 1.5'), 'job_types.upscale.failure_rate'],
    ]);
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

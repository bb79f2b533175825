import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { InputError, type InputIssue } from './errors.ts';
import { loadCatalog, parseCatalog } from './catalog-schema.ts';
import { SCHEMA_FILES, schemaText } from './export-schemas.ts';

const MIDJOURNEY = 'scenarios/catalogs/midjourney.yaml';

function issuesOf(text: string): InputIssue[] {
  try {
    parseCatalog('c.yaml', text);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the catalog to be rejected');
}

/** The Midjourney catalog with one line replaced (keeps line numbers). */
function edited(find: string, replace: string): string {
  const text = readFileSync(MIDJOURNEY, 'utf8');
  if (!text.includes(find)) throw new Error(`fixture text not found: ${find}`);
  return text.replace(find, replace);
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

describe('catalog schema', () => {
  it('loads the Midjourney catalog with its published prices and allowances', () => {
    const { catalog } = loadCatalog(MIDJOURNEY);
    const plans = catalog.planList.map((plan) => [plan.id, plan.monthlyPriceCents, plan.annualPriceCents, plan.fastAllowanceMs, plan.overagePolicy]);
    expect(plans).toEqual([
      ['basic', 1000, 9600, 12_000_000, 'hard_cap'],
      ['standard', 3000, 28800, 54_000_000, 'relax'],
      ['pro', 6000, 57600, 108_000_000, 'relax'],
      ['mega', 12000, 115200, 216_000_000, 'relax'],
    ]);
    expect(catalog.topupPriceCentsPerHour).toBe(400);
    expect(catalog.topupExpiryMs).toBe(60 * 86_400_000);
    expect(catalog.turboMultiplier).toBe(2);
    expect(catalog.bonusEnabled).toBe(false);
    expect(catalog.planList.filter((plan) => plan.stealth).map((plan) => plan.id)).toEqual(['pro', 'mega']);
    expect(catalog.jobTypes.get('video_sd')?.relaxPlans).toEqual(new Set(['pro', 'mega']));
    // Annual is 20% off twelve months.
    for (const plan of catalog.planList) expect(plan.annualPriceCents).toBe((plan.monthlyPriceCents * 12 * 80) / 100);
  });

  it('loads the what-if catalog written without code (Basic relax, Standard 20 h, metered plan)', () => {
    const { catalog } = loadCatalog('scenarios/catalogs/basic-relax.yaml');
    expect(catalog.plans.get('basic')?.relax).toBe(true);
    expect(catalog.plans.get('standard')?.fastAllowanceMs).toBe(20 * 3_600_000);
    const flex = catalog.plans.get('flex')!;
    expect(flex.overagePolicy).toBe('metered');
    expect(flex.overagePricePerUnit).toEqual({ numerator: 111111111111n, denominator: 10n ** 12n });
    expect(flex.topupsAllowed).toBe(false);
    expect(catalog.rounding).toBe('half_even');
  });

  it('names the line and field of a wrong type', () => {
    const text = edited('fast_seconds: 54000      # 15 h', 'fast_seconds: "15 hours"');
    const issues = issuesOf(text);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'c.yaml', line: lineOf(text, '"15 hours"'), path: 'plans.standard.fast_seconds' });
    expect(issues[0]!.message).toMatch(/expected number/);
  });

  it('lists every problem at once, each at its own line', () => {
    let text = edited('monthly_price_cents: 6000', 'monthly_price_cents: -5');
    text = text.replace('    queue_limit: 10\n  pro:', '    queue_limt: 10\n  pro:');
    text = text.replace('currency: USD', 'currency: dollars');
    const issues = issuesOf(text);
    expect(issues.map((issue) => [issue.line, issue.path])).toEqual([
      [lineOf(text, 'currency: dollars'), 'currency'],
      [lineOf(text, '  standard:'), 'plans.standard.queue_limit'],
      [lineOf(text, 'queue_limt'), 'plans.standard.queue_limt'],
      [lineOf(text, 'monthly_price_cents: -5'), 'plans.pro.monthly_price_cents'],
    ]);
    expect(issues.find((issue) => issue.path === 'plans.standard.queue_limt')?.message).toMatch(/unknown field/);
    expect(issues.find((issue) => issue.path === 'plans.standard.queue_limit')?.message).toMatch(/required/);
  });

  it('checks cross references once the fields are well formed', () => {
    const text = edited('relax_plans: [pro, mega]', 'relax_plans: [pro, ultra]');
    expect(issuesOf(text)).toEqual([
      { file: 'c.yaml', line: lineOf(text, 'ultra'), path: 'job_types.video_sd.relax_plans[1]', message: 'unknown plan "ultra" (plans: basic, standard, pro, mega)' },
    ]);
  });

  it('rejects incoherent plans: relax without relax slots, metered with top-ups, bad price text', () => {
    let text = edited('concurrency: { fast: 3, relax: 3 }', 'concurrency: { fast: 3, relax: 0 }');
    text = text.replace('overage: { policy: hard_cap }', 'overage: { policy: metered, price_per_unit: "0.1234567890123" }');
    const issues = issuesOf(text);
    expect(issues.map((issue) => issue.path)).toEqual(['plans.basic.overage.price_per_unit', 'plans.standard.concurrency.relax']);
    const metered = edited('overage: { policy: hard_cap }', 'overage: { policy: metered, price_per_unit: "0.5" }\n    topups: true');
    expect(issuesOf(metered).map((issue) => issue.path)).toEqual(['plans.basic.topups']);
    const unknownPolicy = edited('overage: { policy: hard_cap }', 'overage: { policy: stop }');
    expect(issuesOf(unknownPolicy)[0]).toMatchObject({ path: 'plans.basic.overage.policy', line: lineOf(unknownPolicy, 'policy: stop') });
  });

  it('reports YAML syntax errors with their line and column', () => {
    const text = edited('  event_name: gpu.fast_seconds', '  event_name: [gpu.fast_seconds');
    const issues = issuesOf(text);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues[0]!.message).toMatch(/^YAML syntax: /);
    expect(issues[0]!.line).toBeGreaterThanOrEqual(lineOf(text, '[gpu.fast_seconds'));
    const duplicate = edited('  event_name: gpu.fast_seconds', '  event_name: gpu.fast_seconds\n  event_name: other');
    expect(issuesOf(duplicate)[0]).toMatchObject({ line: lineOf(duplicate, 'event_name: other') });
  });

  it("compiles the meter as Dodo's: a sum over gpu_seconds, filtered to Fast and Turbo", () => {
    const { catalog } = parseCatalog('c.yaml', readFileSync(MIDJOURNEY, 'utf8'));
    expect(catalog.meter).toEqual({
      name: 'GPU seconds (fast)',
      event_name: 'gpu.fast_seconds',
      measurement_unit: 'seconds',
      aggregation: { type: 'sum', key: 'gpu_seconds' },
      filter: { conjunction: 'or', clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }, { key: 'mode', operator: 'equals', value: 'turbo' }] },
    });
  });

  it('rejects a meter that is not a sum, a bad filter, and a filter that would not bill the engine\'s own usage', () => {
    const count = edited('aggregation: { type: sum, key: gpu_seconds }', 'aggregation: { type: count, key: gpu_seconds }');
    expect(issuesOf(count).map((issue) => [issue.path, issue.line])).toEqual([['meter.aggregation.type', lineOf(count, 'type: count')]]);
    const operator = edited('{ key: mode, operator: equals, value: turbo }', '{ key: mode, operator: is, value: turbo }');
    expect(issuesOf(operator).map((issue) => issue.path)).toEqual(['meter.filter.clauses[1].operator']);
    const ordering = edited('{ key: mode, operator: equals, value: turbo }', '{ key: mode, operator: greater_than, value: turbo }');
    expect(issuesOf(ordering)).toMatchObject([{ path: 'meter.filter.clauses[1].value', message: 'greater_than needs a number' }]);
    const fastOnly = edited('      - { key: mode, operator: equals, value: turbo }\n', '');
    expect(issuesOf(fastOnly)).toMatchObject([{ path: 'meter.filter', message: expect.stringMatching(/must count the engine's turbo usage events/) }]);
    const nested = edited(
      '      - { key: mode, operator: equals, value: fast }\n      - { key: mode, operator: equals, value: turbo }\n',
      '      - { conjunction: or, clauses: [{ conjunction: or, clauses: [{ conjunction: or, clauses: [{ key: mode, operator: equals, value: fast }] }] }] }\n',
    );
    expect(issuesOf(nested).map((issue) => issue.message)).toContain('filters nest at most 3 levels');
  });

  it('rejects an empty file and a missing file with the file name', () => {
    expect(issuesOf('')).toEqual([{ file: 'c.yaml', message: 'the file is empty; expected a YAML mapping' }]);
    expect(() => loadCatalog('scenarios/catalogs/nope.yaml')).toThrow(/nope\.yaml: file not found/);
  });

  it('keeps the committed JSON Schema files current (npx tsx scenarios/export-schemas.ts)', () => {
    for (const [file, schema] of Object.entries(SCHEMA_FILES)) {
      const title = file.replace(/^scenarios\//, '').replace(/\.schema\.json$/, '');
      expect(readFileSync(file, 'utf8'), file).toBe(schemaText(schema(), title));
    }
  });
});

import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseSummary, type Summary } from '../summary-file.ts';
import { compareCsv, compareRows } from './compare-rows.ts';
import { compareTable } from './compare-table.ts';
import { nameRuns } from './write-compare.ts';

const TINY = 'reports/test/tiny-run/summary.json';

function tinySummary(): Summary {
  const summary = parseSummary('summary.json', readFileSync(TINY, 'utf8'), []);
  if (summary === null) throw new Error(`${TINY} does not parse`);
  return summary;
}

/** The tiny run with every tier's Fast hours moved by `hours` (means only). */
function withFastHoursMoved(summary: Summary, hours: number): Summary {
  const copy = structuredClone(summary);
  for (const tier of copy.estimates.tiers) tier.fast_hours.mean += hours;
  return copy;
}

/** The tiny run with every tier's revenue total moved by `cents` (means only). */
function withRevenueMoved(summary: Summary, cents: number): Summary {
  const copy = structuredClone(summary);
  for (const tier of copy.estimates.tiers) tier.revenue_cents.total.mean += cents;
  return copy;
}

describe('compare rows', () => {
  const a = tinySummary();

  it('holds each figure per plan and run in a fixed order, the differences from the first run, and marks overlapping intervals', () => {
    const standard = a.estimates.tiers.find((tier) => tier.plan === 'standard')!.fast_hours;
    expect(standard.ci95).toBeGreaterThan(0.01); // the tiny run has 2 replications that differ
    const near = withFastHoursMoved(a, standard.ci95! / 2); // inside the interval
    const far = withFastHoursMoved(a, standard.ci95! * 3); // the intervals (each ± ci95) are apart
    const rows = compareRows([
      { name: 'a', summary: a },
      { name: 'near', summary: near },
      { name: 'far', summary: far },
    ]);
    const fast = rows.filter((row) => row.metric === 'fast_hours' && row.plan === 'standard');
    expect(fast.map((row) => row.run)).toEqual(['a', 'near', 'far']);
    expect(fast[0]).toMatchObject({ unit: 'hours', delta: null, overlaps_first: null });
    expect(fast[0]!.mean).toBeCloseTo(standard.mean, 2);
    expect(fast[1]!.delta).toBeCloseTo(standard.ci95! / 2, 2);
    expect(fast[1]!.overlaps_first).toBe(true);
    expect(fast[2]!.overlaps_first).toBe(false);
    expect(fast[1]!.delta_ci95).toBeCloseTo(Math.SQRT2 * standard.ci95!, 2);
    const revenue = compareRows([{ name: 'a', summary: a }, { name: 'b', summary: withRevenueMoved(a, 123) }]).filter((row) => row.metric === 'revenue_total' && row.plan === 'basic');
    expect(revenue.map((row) => row.delta)).toEqual([null, 1.23]); // cents shown as dollars
    // Plans in catalog order, then the fleet; the fleet has no wait figures.
    expect([...new Set(rows.map((row) => row.plan))]).toEqual([...a.estimates.tiers.map((tier) => tier.plan), 'all']);
    expect(rows.some((row) => row.plan === 'all' && row.metric === 'fast_wait_p95')).toBe(false);
    expect(rows.find((row) => row.plan === 'all' && row.metric === 'utilization' && row.run === 'a')!.mean).toBeCloseTo(a.estimates.fleet.utilization.mean, 4);
  });

  it('writes compare.csv with fixed decimals and empty cells where a run has no interval or no such plan', () => {
    const single = structuredClone(a);
    single.replications = 1;
    single.per_replication = single.per_replication.slice(0, 1);
    for (const tier of single.estimates.tiers) tier.revenue_cents.total.ci95 = null;
    single.estimates.tiers = single.estimates.tiers.filter((tier) => tier.plan !== 'mega');
    const csv = compareCsv(compareRows([{ name: 'a', summary: a }, { name: 'b', summary: single }]));
    const lines = csv.split('\n');
    expect(lines[0]).toBe('metric,unit,plan,run,mean,ci95,delta,delta_ci95,overlaps_first');
    expect(csv.endsWith('\n')).toBe(true);
    const basicB = lines.find((line) => line.startsWith('revenue_total,usd,basic,b,'))!;
    expect(basicB).toMatch(/^revenue_total,usd,basic,b,\d+\.\d{2},,0\.00,,$/);
    expect(lines.find((line) => line.startsWith('revenue_total,usd,mega,b,'))).toBe('revenue_total,usd,mega,b,,,,,');
    expect(lines.find((line) => line.startsWith('exhausted_share,share,basic,a,'))).toMatch(/^exhausted_share,share,basic,a,\d\.\d{4},\d\.\d{4},,,$/);
  });

  it('prints a block per plan with the differences, and names runs apart when a scenario comes twice', () => {
    const b = withRevenueMoved(a, 10_000_000_00);
    const table = compareTable([{ name: 'a', summary: a }, { name: 'b', summary: b }], compareRows([{ name: 'a', summary: a }, { name: 'b', summary: b }]));
    expect(table).toMatch(/^basic\s+a\s+b\s+b - a$/m);
    expect(table).toMatch(/^ {2}revenue\s+\$[\d,]+\.\d\d ± \$[\d,]+\.\d\d\s+\$[\d,]+\.\d\d ± \$[\d,]+\.\d\d\s+\+\$10,000,000\.00 ± \$[\d,.]+$/m);
    expect(table).toContain('~ marks a difference whose intervals overlap');
    expect(nameRuns(['out/x', 'out/y', 'out/z'], [a, a, b].map((summary, index) => ({ ...summary, scenario: index < 2 ? 'peak' : 'other' })))).toEqual(['peak (x)', 'peak (y)', 'other']);
  });
});

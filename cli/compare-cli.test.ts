import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const TINY = 'reports/test/tiny.yaml';
const MORE_GPUS = 'cli/test/tiny-more-gpus.yaml';

function sim(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', ...args], { encoding: 'utf8', env: { ...process.env, GBL_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function csvRows(text: string): Record<string, string>[] {
  const [header, ...lines] = text.trimEnd().split('\n');
  const columns = header!.split(',');
  return lines.map((line) => Object.fromEntries(line.split(',').map((value, index) => [columns[index]!, value])));
}

describe('npx tsx sim compare', () => {
  const base = mkdtempSync(join(tmpdir(), 'gbl-compare-'));
  const [tiny, more] = [join(base, 'tiny'), join(base, 'more')];

  beforeAll(() => {
    expect(sim([TINY, '--out', tiny, '--no-charts']).code).toBe(0);
    expect(sim([MORE_GPUS, '--out', more, '--no-charts']).code).toBe(0);
  }, 120_000);

  it('sets two run folders side by side: table, compare.csv with intervals and differences, charts, compare.html', () => {
    const out = join(base, 'cmp');
    const run = sim(['compare', tiny, more, '--out', out]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^standard\s+tiny-run\s+tiny-more-gpus\s+tiny-more-gpus - tiny-run$/m);
    expect(run.stdout).toMatch(/^all plans \(fleet\)/m);
    expect(run.stdout).toContain('means ± 95% half-widths across replications');
    const rows = csvRows(readFileSync(join(out, 'compare.csv'), 'utf8'));
    const row = (metric: string, plan: string, name: string) => rows.find((candidate) => candidate.metric === metric && candidate.plan === plan && candidate.run === name)!;
    // Twice the GPUs cost twice as much, the same for every replication: a difference no interval overlaps.
    const cost = [row('gpu_cost', 'all', 'tiny-run'), row('gpu_cost', 'all', 'tiny-more-gpus')];
    expect(Number(cost[1]!.mean)).toBeCloseTo(2 * Number(cost[0]!.mean), 2);
    expect(Number(cost[1]!.delta)).toBeCloseTo(Number(cost[0]!.mean), 2);
    expect(cost[1]!.overlaps_first).toBe('false');
    // More GPUs never make Relax wait longer; every row has a 95% half-width (2 replications), but
    // the median day out of Fast, which some replications do not have (no cycle ran out).
    expect(Number(row('relax_wait_p95', 'standard', 'tiny-more-gpus').mean)).toBeLessThanOrEqual(Number(row('relax_wait_p95', 'standard', 'tiny-run').mean));
    expect(rows.filter((candidate) => candidate.mean !== '' && candidate.ci95 === '' && candidate.metric !== 'median_exhaustion_day')).toEqual([]);
    expect(rows.filter((candidate) => candidate.run === 'tiny-run').every((candidate) => candidate.delta === '' && candidate.overlaps_first === '')).toBe(true);
    const charts = readdirSync(join(out, 'charts')).sort();
    expect(charts).toHaveLength(15);
    expect(charts.filter((name) => name.endsWith('.vl.json'))).toEqual(['compare-exhaustion-blocked.vl.json', 'compare-migration.vl.json', 'compare-revenue-lines.vl.json', 'compare-revenue-margin.vl.json', 'compare-usage-waits.vl.json']);
    const html = readFileSync(join(out, 'compare.html'), 'utf8');
    expect(html).toContain('<a href="compare.csv">');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
    expect(html).toContain('data-library="vega-embed"');
  });

  it('runs scenario files first, into their usual folders, with the replications asked for', () => {
    const out = join(base, 'from-scenarios');
    const run = sim(['compare', TINY, MORE_GPUS, '--replications', '3', '--out', out, '--no-png']);
    expect(run.code, run.stderr).toBe(0);
    for (const name of ['tiny-run', 'tiny-more-gpus']) {
      const summary = JSON.parse(readFileSync(join('reports', 'out', name, 'summary.json'), 'utf8'));
      expect(summary.replications).toBe(3);
      expect(existsSync(join('reports', 'out', name, 'report.html'))).toBe(true);
    }
    expect(readFileSync(join(out, 'compare.html'), 'utf8')).toMatch(/<a href="[^"]*reports\/out\/tiny-run\/report\.html">its report<\/a>/);
    expect(readdirSync(join(out, 'charts')).some((name) => name.endsWith('.png'))).toBe(false);
  });

  it('refuses bad arguments and broken run folders with exit 2 and no stack, before any run', () => {
    const broken = join(base, 'broken');
    mkdirSync(broken);
    writeFileSync(join(broken, 'summary.json'), '{\n  "scenario": "x",\n  "seed": "not a number"\n}\n');
    const empty = join(base, 'empty');
    mkdirSync(empty);
    const cases: [string[], RegExp][] = [
      [['compare', tiny], /needs two runs or scenarios at least, got 1/],
      [['compare', tiny, join(base, 'nowhere')], /nowhere: no such run folder or scenario file/],
      [['compare', tiny, empty], /empty: not a run folder \(no summary\.json\)/],
      [['compare', tiny, 'README.md'], /README\.md: neither a run folder nor a scenario file/],
      [['compare', tiny, broken], /cannot read run folder .*broken:\n {2}summary\.json line \d+: /],
      [['compare', tiny, more, '--out', tiny], /--out .*tiny is the folder of/],
      [['compare', tiny, more, '--replications', '0'], /--replications must be a whole number >= 1/],
    ];
    for (const [args, message] of cases) {
      const run = sim(args);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readdirSync(tiny)).not.toContain('compare.csv');
  });
});

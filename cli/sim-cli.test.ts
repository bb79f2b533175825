import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const SMALL = 'scenarios/validation/mm-c-rho50.yaml';

function sim(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', ...args], { encoding: 'utf8', env: { ...process.env, GBL_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function outDir(): string {
  return mkdtempSync(join(tmpdir(), 'gbl-sim-'));
}

/** sha256 of every file in a folder, by name. */
/** SHA-256 of every file under `dir`, by path relative to it (charts/ included). */
function hashes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (statSync(join(dir, name)).isFile()) out[name] = createHash('sha256').update(readFileSync(join(dir, name))).digest('hex');
  }
  return out;
}

const CHART_FILES = ['blocked-by-reason', 'exhaustion-curve', 'gross-margin', 'plan-flows', 'queues-and-utilization', 'revenue-by-line', 'waits-by-hour'].flatMap((name) =>
  ['.png', '.svg', '.vl.json'].map((extension) => `charts/${name}${extension}`),
);

describe('npx tsx sim', () => {
  it('gives byte-identical outputs for the same seed, and different ones for another seed', () => {
    const [a, b, c] = [outDir(), outDir(), outDir()];
    expect(sim([SMALL, '--out', a, '--jobs']).code).toBe(0);
    expect(sim([SMALL, '--out', b, '--jobs']).code).toBe(0);
    expect(sim([SMALL, '--out', c, '--jobs', '--seed', '7']).code).toBe(0);
    const first = hashes(a);
    expect(Object.keys(first)).toEqual([...CHART_FILES, 'customers.csv', 'hourly.csv', 'jobs.csv', 'report.html', 'summary.json', 'tiers.csv', 'waits.csv']);
    expect(hashes(b)).toEqual(first); // charts and report.html included
    const other = hashes(c);
    for (const name of ['jobs.csv', 'summary.json', 'hourly.csv']) expect(other[name], name).not.toBe(first[name]);
  });

  it('writes a trace of replication 0 (worker or not) and prints the command that re-rates it', () => {
    const [one, two] = [outDir(), outDir()];
    const traces = [join(outDir(), 'trace'), join(outDir(), 'trace')];
    const single = sim([SMALL, '--out', one, '--trace', traces[0]!]);
    expect(single.code).toBe(0);
    expect(sim([SMALL, '--out', two, '--trace', traces[1]!, '--replications', '2', '--workers', '2']).code).toBe(0);
    expect(Object.keys(hashes(traces[0]!))).toEqual(['catalog.yaml', 'changes.csv', 'invoices.jsonl', 'purchases.csv', 'subscriptions.csv', 'usage.jsonl']);
    expect(hashes(traces[1]!)).toEqual(hashes(traces[0]!));
    expect(readFileSync(join(traces[0]!, 'usage.jsonl'), 'utf8').split('\n').length).toBeGreaterThan(100);
    expect(single.stderr).toContain(`npx tsx engine rate --as-metered --catalog ${join(traces[0]!, 'catalog.yaml')}`);
  });

  it('does not depend on the worker count', () => {
    const [one, two] = [outDir(), outDir()];
    expect(sim([SMALL, '--out', one, '--replications', '3', '--workers', '1']).code).toBe(0);
    expect(sim([SMALL, '--out', two, '--replications', '3', '--workers', '2']).code).toBe(0);
    expect(hashes(two)).toEqual(hashes(one));
    const summary = JSON.parse(readFileSync(join(one, 'summary.json'), 'utf8'));
    expect(summary.replications).toBe(3);
    expect(summary.files).toEqual(['summary.json', 'tiers.csv', 'hourly.csv', 'waits.csv', 'customers.csv', 'customers-r1.csv', 'customers-r2.csv']);
    expect(readdirSync(one).sort()).toEqual([...summary.files, 'charts', 'report.html'].sort());
    expect(summary.per_replication.map((report: { replication: number }) => report.replication)).toEqual([0, 1, 2]);
    const arrivals = summary.estimates.jobs.arrivals;
    expect(arrivals.ci95).toBeGreaterThan(0);
    const values = summary.per_replication.map((report: { jobs: { arrivals: number } }) => report.jobs.arrivals);
    expect(arrivals.mean).toBeCloseTo(values.reduce((sum: number, value: number) => sum + value, 0) / 3, 6);
  });

  it('accounts for every job in jobs.csv and keeps metered seconds equal to the ledger', () => {
    const dir = outDir();
    const run = sim([SMALL, '--out', dir, '--jobs', '--format', 'json']);
    expect(run.code).toBe(0);
    const summary = JSON.parse(run.stdout);
    expect(summary.invariants).toEqual({ metered_equals_ledger: true, relax_never_metered: true, every_job_accounted: true });
    const report = summary.per_replication[0];
    const rows = readFileSync(join(dir, 'jobs.csv'), 'utf8').trim().split('\n');
    expect(rows[0]).toBe('job_id,customer_id,plan,job_type,mode,arrival_s,start_s,end_s,wait_s,gpu_seconds');
    expect(rows.length - 1).toBe(report.jobs.arrivals - report.jobs.inactive);
    const ids = new Set(rows.slice(1).map((row) => row.split(',')[0]));
    expect(ids.size).toBe(rows.length - 1);
    const fastSeconds = rows
      .slice(1)
      .map((row) => row.split(','))
      .filter((cells) => cells[4] === 'fast' && cells[7] !== '')
      .reduce((sum, cells) => sum + Number(cells[9]), 0);
    expect(fastSeconds).toBeCloseTo(report.metered_seconds, 0);
  });

  it('prints a table per tier and writes the report files', () => {
    const dir = outDir();
    const run = sim([SMALL, '--out', dir]);
    expect(run.code).toBe(0);
    // No progress bar when stderr is not a terminal: the run's size, once, up front.
    expect(run.stderr).toBe('mm-c-rho50: about 207.4k jobs (1.0k subscribers, 18 days, 1 replication), under a second of simulation on one core\n');
    expect(run.stdout).toMatch(/^mm-c-rho50: 2026-01-01 to 2026-01-19, seed \d+, 1 replication\(s\)/);
    for (const label of ['revenue: total', 'fast wait p95', 'relax wait p99', 'share exhausted', 'gross margin']) expect(run.stdout).toContain(label);
    expect(run.stdout).toMatch(/fleet: utilization (49\.\d|50\.\d)%/);
    const tiers = readFileSync(join(dir, 'tiers.csv'), 'utf8').split('\n');
    expect(tiers[0]!.startsWith('replication,month,plan,subscription_cents')).toBe(true);
    const hourly = readFileSync(join(dir, 'hourly.csv'), 'utf8').trim().split('\n');
    expect(hourly.length - 1).toBe(18 * 24);
    // The report states the run's assumptions at the top, from summary.json's `assumptions`.
    const summary = JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8'));
    expect(summary.assumptions.subscribers).toBe(1000);
    expect(summary.assumptions.fleet).toEqual([{ from: '2026-01-01T00:00:00.000Z', gpus: summary.assumptions.fleet[0].gpus }]);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    const plan = summary.assumptions.plans[0];
    expect(html).toContain(`<dt>plans</dt><dd>${plan.plan} $${(plan.monthly_price_cents / 100).toFixed(2)}/month, ${plan.fast_hours} Fast h`);
    expect(html).toMatch(/<dt>top-ups<\/dt><dd>\$\d+\.\d\d per Fast hour<\/dd>/);
    expect(html).toContain(`<dt>fleet</dt><dd>${summary.assumptions.fleet[0].gpus} GPUs from 2026-01-01</dd>`);
  });

  it('rejects bad flags and bad scenarios with exit 2, and leaves existing outputs alone', () => {
    const dir = outDir();
    writeFileSync(join(dir, 'summary.json'), 'previous run');
    for (const args of [[], [SMALL, '--replications', '0'], [SMALL, '--format', 'xml'], [SMALL, '--bogus'], [SMALL, SMALL]]) {
      const run = sim([...args, '--out', dir]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toMatch(/^error: /);
    }
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, readFileSync(SMALL, 'utf8').replace('gpus: 8', 'gpus: eight').replace('relax_by_choice: 0.4', 'relax_by_choice: 4'));
    const run = sim([broken, '--out', dir]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/broken\.yaml:\d+: fleet\.gpus: /);
    expect(run.stderr).toMatch(/broken\.yaml:\d+: segments\[0\]\.relax_by_choice: /);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(sim(['no/such.yaml']).stderr).toContain('no/such.yaml: file not found');
    expect(readFileSync(join(dir, 'summary.json'), 'utf8')).toBe('previous run');
    expect(existsSync(join(dir, 'tiers.csv'))).toBe(false);
  });

  it('asks for --allow-large past the size limits and refuses more workers than cores unless forced, before any work', () => {
    const dir = join(outDir(), 'run');
    const large = sim([SMALL, '--out', dir, '--replications', '1000']);
    expect(large.code).toBe(2);
    expect(large.stderr).toMatch(/asks for more than 200\.0M jobs: about 207\.4M jobs \(1\.0k subscribers, 18 days, 1000 replications\), about 3 min .* --allow-large/);
    const crowded = sim([SMALL, '--out', dir, '--workers', '999']);
    expect(crowded.code).toBe(2);
    expect(crowded.stderr).toMatch(/--workers 999 is more than this machine's \d+ cores/);
    expect(existsSync(dir)).toBe(false);
  });

  it('replaces the output folder whole: files of an earlier run that this one did not write go', () => {
    const dir = join(outDir(), 'run');
    expect(sim([SMALL, '--out', dir, '--jobs']).code).toBe(0);
    const withJobs = hashes(dir);
    expect(sim([SMALL, '--out', dir, '--no-charts']).code).toBe(0);
    const now = hashes(dir);
    expect(Object.keys(now)).toEqual(['customers.csv', 'hourly.csv', 'summary.json', 'tiers.csv', 'waits.csv']);
    for (const name of ['customers.csv', 'hourly.csv', 'tiers.csv']) expect(now[name], name).toBe(withJobs[name]);
    expect(readdirSync(join(dir, '..'))).toEqual(['run']); // no staging folder left beside it
  });

  it('refuses, before any work, an --out that is a file, lies in a file, is empty, holds inputs or other files', () => {
    const base = outDir();
    writeFileSync(join(base, 'a-file'), 'mine');
    mkdirSync(join(base, 'notes'));
    writeFileSync(join(base, 'notes', 'plan.md'), 'mine too');
    const cases: [string[], RegExp][] = [
      [['--out', join(base, 'a-file')], /is a file, not a folder/],
      [['--out', join(base, 'a-file', 'run')], /a-file is a file, not a folder/],
      [['--out', ''], /--out is empty/],
      [['--out', 'scenarios'], /holds the input scenarios\/validation\/mm-c-rho50\.yaml/],
      [['--out', join(base, 'notes')], /holds files a run did not write \(plan\.md\)/],
      [['--out', join(base, 'run'), '--trace', join(base, 'run', 'trace')], /--trace .* is inside --out/],
      [['--out', '/proc/gbl-out'], /--out \/proc\/gbl-out: cannot write in \/proc/], // nowhere to write, even as root
    ];
    for (const [flags, message] of cases) {
      const run = sim([SMALL, ...flags]);
      expect(run.code, flags.join(' ')).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(base, 'a-file'), 'utf8')).toBe('mine');
    expect(readdirSync(join(base, 'notes'))).toEqual(['plan.md']);
    expect(readdirSync(base).sort()).toEqual(['a-file', 'notes']);
  });

  it('leaves the previous outputs whole when a run is killed, and the next run clears what it left', async () => {
    const dir = join(outDir(), 'run');
    expect(sim([SMALL, '--out', dir]).code).toBe(0);
    const before = hashes(dir);
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim.ts', 'scenarios/baseline.yaml', '--out', dir], { stdio: 'ignore' });
    await new Promise((resolve) => setTimeout(resolve, 4000));
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    expect(hashes(dir)).toEqual(before);
    expect(readdirSync(join(dir, '..')).filter((name) => name.startsWith('.run.partial-'))).toHaveLength(1);
    expect(sim([SMALL, '--out', dir]).code).toBe(0);
    expect(readdirSync(join(dir, '..'))).toEqual(['run']);
  });
});

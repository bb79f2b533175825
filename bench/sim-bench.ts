/**
 * Simulator benchmarks (not tests): the discrete-event loop with the engine in it, measured three
 * ways. `sim-validation`: jobs/s on the M/M/8 validation scenario stretched to ~10M jobs (target
 * >= 1M jobs/s on one core). `sim-scaling`: ns/job on the same scenario at 1e5..1e8 jobs, which
 * must stay flat. `sim-million`: wall time and peak RSS of the real CLI on a million subscribers
 * for 30 days (~44M jobs; targets < 180 s and < 4 GB).
 *
 * Every measurement runs in a fresh child process so that the JIT and heap left by one run (or by
 * the engine benches before it) do not colour the next, and so that peak RSS belongs to one run.
 * The child is this file run with `--child JOBS`: it times `simulate()` only (loading and compiling
 * the scenario stay outside) and prints one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MS_PER_HOUR } from '../engine/index.ts';
import { loadScenario } from '../sim/compile.ts';
import { simulate } from '../sim/simulate.ts';
import type { BenchFigure } from './engine-bench.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const VALIDATION_FILE = 'scenarios/validation/mm-c-rho80.yaml';
const MILLION_FILE = 'bench/scenarios/million.yaml';
const SELF = 'bench/sim-bench.ts';
const KB_PER_MB = 1024;

/** What one child run reports. */
interface ChildResult {
  readonly arrivals: number;
  readonly seconds: number;
  /** Peak resident set of the child, KB (process.resourceUsage().maxRSS at the end). */
  readonly maxRssKb: number;
}

/** In the child: the validation scenario stretched to about `jobs` arrivals, simulate() timed. */
function runValidation(jobs: number): ChildResult {
  const { model } = loadScenario(join(ROOT, VALIDATION_FILE));
  const arrivals = model.segments[0]?.arrivals;
  if (model.segments.length !== 1 || arrivals?.kind !== 'poisson') throw new Error(`${VALIDATION_FILE}: expected one poisson segment`);
  const endAt = model.startAt + Math.round((jobs / arrivals.jobsPerHour) * MS_PER_HOUR);
  // Untimed warm-up (two other replications of 500k jobs): the figure is the steady cost per job, not
  // the JIT compiling the loop, which would dominate a run of 1e5 jobs.
  for (const replication of [1, 2]) simulate({ ...model, endAt: model.startAt + Math.round((500_000 / arrivals.jobsPerHour) * MS_PER_HOUR) }, replication);
  const t0 = performance.now();
  const outcome = simulate({ ...model, endAt }, 0);
  const seconds = (performance.now() - t0) / 1000;
  return { arrivals: outcome.metrics.arrivals, seconds, maxRssKb: process.resourceUsage().maxRSS };
}

/** Runs `runValidation(jobs)` in a fresh Node process and returns what it printed. */
function childValidation(jobs: number): ChildResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', SELF, '--child', String(jobs)], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${SELF} --child ${jobs} failed (status ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as ChildResult;
}

function megabytes(kilobytes: number): string {
  return `${Math.round(kilobytes / KB_PER_MB).toLocaleString('en-US')} MB`;
}

export function benchSimValidation(jobs: number): BenchFigure {
  const result = childValidation(jobs);
  return {
    name: 'sim validation (mm-c-rho80, engine in the loop)',
    value: Math.round(result.arrivals / result.seconds),
    unit: 'jobs/s',
    detail: `${result.arrivals} jobs in ${result.seconds.toFixed(2)} s; target >= 1,000,000 jobs/s; peak RSS ${megabytes(result.maxRssKb)}`,
  };
}

/** One line per size (ns/job), then the spread: max / min ns/job across sizes. */
export function benchSimScaling(sizes: readonly number[]): BenchFigure[] {
  const figures: BenchFigure[] = [];
  const nsPerJob: number[] = [];
  for (const jobs of sizes) {
    const result = childValidation(jobs);
    const ns = (result.seconds * 1e9) / result.arrivals;
    nsPerJob.push(ns);
    figures.push({
      name: `sim scaling ${jobs.toExponential()} jobs`,
      value: Math.round(ns),
      unit: 'ns/job',
      detail: `${result.arrivals} jobs in ${result.seconds.toFixed(2)} s; peak RSS ${megabytes(result.maxRssKb)}`,
    });
  }
  const spread = (values: readonly number[]) => Math.max(...values) / Math.min(...values);
  const larger = nsPerJob.slice(1);
  figures.push({
    name: 'sim scaling spread',
    value: Number(spread(nsPerJob).toFixed(2)),
    unit: 'max/min ns/job',
    detail:
      `across ${sizes.map((jobs) => jobs.toExponential()).join(', ')} jobs; flat is 1` +
      // The smallest run lasts a fraction of a second, much of it JIT warm-up: shown apart.
      (larger.length > 1 ? `; ${spread(larger).toFixed(2)} without ${sizes[0]!.toExponential()} (JIT warm-up weighs most there)` : ''),
  });
  return figures;
}

/** The real CLI on bench/scenarios/million.yaml under /usr/bin/time: wall seconds and peak RSS. */
export function benchSimMillion(): BenchFigure {
  const outDir = mkdtempSync(join(tmpdir(), 'gbl-sim-million-'));
  try {
    const args = ['-f', '%e %M', process.execPath, '--import', 'tsx', 'sim.ts', MILLION_FILE, '--out', outDir, '--format', 'json'];
    const child = spawnSync('/usr/bin/time', args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    if (child.status !== 0) throw new Error(`sim.ts ${MILLION_FILE} failed (status ${child.status}):\n${child.stderr}`);
    const timing = child.stderr.trim().split('\n').at(-1)!.split(' ');
    const seconds = Number(timing[0]);
    const maxRssKb = Number(timing[1]);
    if (!Number.isFinite(seconds) || !Number.isFinite(maxRssKb)) throw new Error(`cannot read /usr/bin/time output:\n${child.stderr}`);
    const summary = JSON.parse(child.stdout) as { estimates: { jobs: { arrivals: { mean: number } } } };
    const jobs = summary.estimates.jobs.arrivals.mean;
    return {
      name: 'sim million (CLI, 1M subscribers, 30 days)',
      value: seconds,
      unit: 's',
      detail: `${jobs} jobs, ${Math.round(jobs / seconds)} jobs/s end to end; peak RSS ${megabytes(maxRssKb)}; targets < 180 s and < 4,096 MB`,
    };
  } finally {
    rmSync(outDir, { recursive: true, force: true });
  }
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1] && process.argv[2] === '--child') {
  const jobs = Number(process.argv[3]);
  if (!Number.isSafeInteger(jobs) || jobs <= 0) throw new Error(`--child needs a job count, got "${process.argv[3]}"`);
  process.stdout.write(`${JSON.stringify(runValidation(jobs))}\n`);
}

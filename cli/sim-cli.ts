/**
 * `npx tsx sim SCENARIO.yaml [flags]`: runs a scenario and writes its report. Flags are parsed
 * and the scenario validated before anything is written; replications run in worker threads
 * (one per core by default) and are merged by replication number, so outputs never depend on
 * the worker count. Progress goes to stderr, and only when stderr is a terminal.
 */
import { availableParallelism } from 'node:os';
import { type Progress, terminalProgressGroup } from './progress.ts';
import { join } from 'node:path';
import { UsageError, parseFlags, wholeNumberFlag } from './command.ts';
import { loadScenario } from '../sim/compile.ts';
import type { RunReport } from '../sim/report.ts';
import type { RunProgress } from '../sim/run-outcome.ts';
import { type ReplicationTask, runReplication } from '../sim/run-replication.ts';
import { summaryTable } from '../sim/table.ts';
import { TRACE_FILES, traceRateCommand } from '../sim/trace.ts';
import { LARGE_JOBS, LARGE_SUBSCRIBERS, describeEstimate, estimateRun, largeRunProblem } from '../sim/estimate.ts';
import { OutputFolder, isInside, withOutputFolders } from './output-folder.ts';
import { runInWorkers } from './replication-pool.ts';
import type { SimModel } from '../sim/model.ts';
import { type Summary, summarize, writeOutputs } from '../sim/outputs.ts';

export const SIM_USAGE = `Usage: npx tsx sim SCENARIO.yaml [flags]

Simulates a scenario (population, GPU fleet, plan catalog) through the billing engine and reports
revenue, Fast/Relax waits, exhaustion and upgrade pressure per tier.
  --seed N            override the scenario's seed (integer)
  --replications N    independent replications (different random streams), default from the scenario
  --workers N         worker threads for replications (default and most: the machine's cores,
                      at most one per replication; --force-workers allows more)
  --out DIR           output folder (default reports/out/<scenario name>/)
  --jobs              also write jobs.csv, one row per job (large)
  --trace DIR         write what production would have recorded (usage.jsonl, catalog.yaml,
                      subscriptions.csv, purchases.csv, changes.csv, invoices.jsonl) for
                      replication 0; engine rate --as-metered reproduces its invoices
  --format F          stdout format: table (default) or json (the summary)
  --no-charts         skip the charts (charts/*.vl.json, .svg, .png) and report.html
  --allow-large       run a scenario past ${LARGE_JOBS / 1e6}M jobs or ${LARGE_SUBSCRIBERS / 1e6}M subscribers (refused otherwise)
  -h, --help          this help
Writes summary.json, tiers.csv, hourly.csv, waits.csv and customers.csv (and jobs.csv) into the
folder, then the charts and report.html (one offline file: open it in a browser).
Compare runs: npx tsx sim compare A B [C ...] (see npx tsx sim compare --help).
Prints the run's size and expected time on stderr first; progress on a terminal.
Exit codes: 0 ok, 2 bad flags or scenario.`;

export interface SimFlags {
  readonly file: string;
  readonly seed: number | null;
  readonly replications: number | null;
  readonly workers: number | null;
  readonly out: string | null;
  readonly jobs: boolean;
  readonly trace: string | null;
  readonly format: 'table' | 'json';
  readonly allowLarge: boolean;
  readonly forceWorkers: boolean;
  readonly charts: boolean;
}

function parseSimFlags(argv: string[]): SimFlags | 'help' {
  const parsed = parseFlags(
    {
      args: argv,
      options: {
        seed: { type: 'string' },
        replications: { type: 'string' },
        workers: { type: 'string' },
        out: { type: 'string' },
        jobs: { type: 'boolean', default: false },
        'allow-large': { type: 'boolean', default: false },
        'force-workers': { type: 'boolean', default: false },
        'no-charts': { type: 'boolean', default: false },
        trace: { type: 'string' },
        format: { type: 'string', default: 'table' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    SIM_USAGE,
  );
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 1) throw new UsageError(`expected one scenario file, got ${positionals.length}\n\n${SIM_USAGE}`);
  const format = values.format;
  if (format !== 'table' && format !== 'json') throw new UsageError(`--format must be table or json, got "${format}"\n\n${SIM_USAGE}`);
  return {
    file: positionals[0]!,
    seed: wholeNumberFlag('seed', values.seed, Number.MIN_SAFE_INTEGER, SIM_USAGE),
    replications: wholeNumberFlag('replications', values.replications, 1, SIM_USAGE),
    workers: wholeNumberFlag('workers', values.workers, 1, SIM_USAGE),
    out: values.out ?? null,
    jobs: values.jobs ?? false,
    trace: values.trace ?? null,
    format,
    allowLarge: values['allow-large'] ?? false,
    forceWorkers: values['force-workers'] ?? false,
    charts: !(values['no-charts'] ?? false),
  };
}

/**
 * Progress on a terminal only: one line for the run (share of all replications' days, ETA) and,
 * with replications, a line per replication in progress (one per worker): day, jobs.
 */
function progressBar(replications: number): { update: (replication: number, progress: RunProgress) => void; end: () => void } {
  const group = terminalProgressGroup();
  const days = new Float64Array(replications);
  const jobs = new Float64Array(replications);
  let total = 0;
  const whole = group.line('[{bar}] {percentage}% simulated, day {day}, {jobs} jobs, ETA {eta_formatted}', 1, { day: '0', jobs: '0' });
  const lines = new Map<number, Progress>();
  return {
    update(replication, progress) {
      if (total === 0) total = progress.days * replications;
      days[replication] = progress.day;
      jobs[replication] = progress.jobs;
      const doneDays = days.reduce((sum, value) => sum + value, 0);
      const allJobs = jobs.reduce((sum, value) => sum + value, 0);
      whole.update(doneDays / total, { day: replications === 1 ? `${progress.day}/${progress.days}` : `${doneDays}/${total}`, jobs: allJobs.toLocaleString('en-US') });
      if (replications === 1) return;
      let line = lines.get(replication);
      if (line === undefined) {
        line = group.line(`  replication ${replication}: [{bar}] day {day}, {jobs} jobs`, progress.days, { day: '0', jobs: '0' });
        lines.set(replication, line);
      }
      line.update(progress.day, { day: `${progress.day}/${progress.days}`, jobs: progress.jobs.toLocaleString('en-US') });
      if (progress.day >= progress.days) {
        line.end();
        lines.delete(replication);
      }
    },
    end: () => group.end(),
  };
}

/** Charts and report.html; the reports layer (vega, resvg) is loaded only when they are asked for. */
async function writeReport(runDir: string): Promise<{ readonly notes: readonly string[] }> {
  const { writeRunReport } = await import('../reports/index.ts');
  return writeRunReport(runDir);
}

/** The files a run writes into --out (and their in-progress names). */
function isRunOutput(name: string): boolean {
  return /^(summary\.json|tiers\.csv|hourly\.csv|waits\.csv|(customers|jobs)(-r\d+)?\.csv)(\.partial|\.tmp)?$|^(report\.html|charts)$/.test(name);
}

function isTraceOutput(name: string): boolean {
  return TRACE_FILES.some((file) => name === file || name === `${file}.partial`);
}

export async function simMain(argv: string[]): Promise<number> {
  const flags = parseSimFlags(argv);
  if (flags === 'help') {
    process.stdout.write(`${SIM_USAGE}\n`);
    return 0;
  }
  const { summary, report, outDir, model } = await runScenario(flags);
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(summary)}\n`);
  else {
    const charts = report === null ? '' : `\nreport: ${join(outDir, 'report.html')} (charts in ${join(outDir, 'charts')}/)`;
    process.stdout.write(`${summaryTable(summary)}\n\nwrote ${outDir}/ (${summary.files.join(', ')})${charts}\n`);
  }
  for (const note of report?.notes ?? []) process.stderr.write(`report: ${note}\n`);
  if (flags.trace !== null) process.stderr.write(`wrote the trace to ${flags.trace}/; its invoices again:\n  ${traceRateCommand(flags.trace, model.endAt)}\n`);
  return 0;
}

/** The flags of a plain `npx tsx sim FILE` run, with some set (for `sim compare`). */
export function defaultSimFlags(file: string, set: Partial<SimFlags> = {}): SimFlags {
  return { file, seed: null, replications: null, workers: null, out: null, jobs: false, trace: null, format: 'table', allowLarge: false, forceWorkers: false, charts: true, ...set };
}

export interface ScenarioRun {
  readonly summary: Summary;
  readonly report: { readonly notes: readonly string[] } | null;
  readonly outDir: string;
  readonly model: SimModel;
}

/** Runs a scenario into its output folder (and trace folder): everything `npx tsx sim` does but print the results. */
export async function runScenario(flags: SimFlags): Promise<ScenarioRun> {
  const scenario = loadScenario(flags.file); // validates before anything is written
  if (scenario.spec.sweep !== undefined) throw new UsageError(`${flags.file} has a sweep: block: npx tsx sim sweep ${flags.file} runs its cells (a scenario runs once without the block)`);
  const loaded = scenario.model;
  const model = flags.seed === null ? loaded : { ...loaded, seed: flags.seed };
  const replications = flags.replications ?? model.replications;
  const estimate = estimateRun(model, replications);
  const large = largeRunProblem(estimate);
  if (large !== null && !flags.allowLarge) {
    throw new UsageError(`${flags.file} asks for ${large}: ${describeEstimate(estimate, replications)}. Run it with --allow-large if that is meant.`);
  }
  const cores = availableParallelism();
  if (flags.workers !== null && flags.workers > cores && !flags.forceWorkers) {
    throw new UsageError(`--workers ${flags.workers} is more than this machine's ${cores} cores (they would only take turns); --force-workers allows it`);
  }
  process.stderr.write(`${model.name}: ${describeEstimate(estimate, replications)}\n`);
  const outDir = flags.out ?? join('reports', 'out', model.name);
  if (flags.trace !== null && isInside(flags.trace, outDir)) throw new UsageError(`--trace ${flags.trace} is inside --out ${outDir}: give it a folder of its own`);
  // Both folders are checked before any work, written beside their targets and swapped in at the end.
  const out = new OutputFolder(outDir, '--out', isRunOutput, [flags.file]);
  const traceOut = flags.trace === null ? null : new OutputFolder(flags.trace, '--trace', isTraceOutput, [flags.file]);
  const { summary, report } = await withOutputFolders(traceOut === null ? [out] : [out, traceOut], async () => {
    const tasks: ReplicationTask[] = Array.from({ length: replications }, (_, replication) => ({
      file: flags.file, seed: flags.seed, replication, outDir: out.staging, jobs: flags.jobs, traceDir: traceOut?.staging ?? null,
    }));
    const bar = progressBar(replications);
    let reports: RunReport[];
    const workers = Math.min(replications, flags.workers ?? cores);
    if (workers <= 1) {
      reports = tasks.map((task) => runReplication(task, (progress) => bar.update(task.replication, progress)));
    } else {
      reports = await runInWorkers(tasks, workers, (index, progress) => bar.update(tasks[index]!.replication, progress));
    }
    bar.end();
    const made = summarize(model, reports, flags.jobs);
    writeOutputs(out.staging, made, reports);
    // The report reads the files just written, as it would any run folder.
    return { summary: made, report: flags.charts ? await writeReport(out.staging) : null };
  });
  return { summary, report, outDir, model };
}

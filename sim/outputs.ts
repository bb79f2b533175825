/**
 * The files a run writes into its output folder:
 * - `summary.json`: the scenario, every tier, the fleet, jobs, flows and invariants, as means
 *   with 95% confidence half-widths across replications (null with one replication), plus each
 *   replication's own figures;
 * - `tiers.csv`: per replication, month and plan; `hourly.csv`: per replication and hour;
 * - `waits.csv`: per replication, plan, UTC hour of day and mode (fast, relax): jobs started, p50/p95 wait;
 * - `customers.csv`: per replication, customer and billing cycle (streamed during the run);
 * - `jobs.csv` (with --jobs): one row per job (streamed during the run).
 * Nothing here depends on wall-clock time, the worker count or the machine: same scenario and
 * seed, same bytes.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { isAbsolute, join, relative, sep } from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { formatIsoMs } from '../engine/index.ts';
import { estimateAll } from './confidence.ts';
import { LineWriter } from './line-writer.ts';
import type { SimModel } from './model.ts';
import type { RunReport } from './report.ts';
import type { CycleRow, JobRow, RunProgress, RunSinks } from './simulate.ts';

export const JOBS_HEADER = 'job_id,customer_id,plan,job_type,mode,arrival_s,start_s,end_s,wait_s,gpu_seconds';
export const CUSTOMERS_HEADER =
  'replication,customer_id,plan,period_start,period_end,open,fast_s,turbo_s,relax_s,exhaustion_day,topup_hours,blocked,relax_jobs,mean_relax_wait_s';

const secondsText = (ms: number): string => String(Math.round(ms) / 1000);

/** Streams a replication's jobs.csv / customers.csv rows; `close` before reading the files. */
export class RunFiles {
  private readonly jobs: LineWriter | null;
  private readonly customers: LineWriter;

  constructor(
    private readonly model: SimModel,
    private readonly replication: number,
    customersFile: string,
    jobsFile: string | null,
  ) {
    this.customers = new LineWriter(customersFile, CUSTOMERS_HEADER);
    this.jobs = jobsFile === null ? null : new LineWriter(jobsFile, JOBS_HEADER);
  }

  sinks(progress: ((progress: RunProgress) => void) | null): RunSinks {
    const startAt = this.model.startAt;
    const jobs = this.jobs;
    const replication = this.replication;
    const prefix = replication === 0 ? 'j' : `r${replication}j`;
    return {
      progress,
      job:
        jobs === null
          ? null
          : (row: JobRow) => {
              const started = row.startMs !== null;
              jobs.line(
                `${prefix}${row.jobNumber},c${row.customer},${row.planId},${row.jobType},${row.mode},${secondsText(row.arrivalMs - startAt)},` +
                  `${started ? secondsText(row.startMs! - startAt) : ''},${row.endMs !== null ? secondsText(row.endMs - startAt) : ''},` +
                  `${started ? secondsText(row.startMs! - row.arrivalMs) : ''},${secondsText(row.gpuMs)}`,
              );
            },
      cycle: (row: CycleRow) => {
        const invoice = row.invoice;
        const day = invoice.exhaustedAt === null ? '' : String(Math.floor((invoice.exhaustedAt - invoice.periodStartAt) / 86_400_000) + 1);
        const meanWait = row.relaxWaitCount === 0 ? '' : secondsText(row.relaxWaitMsSum / row.relaxWaitCount);
        this.customers.line(
          `${replication},${invoice.customerId},${invoice.planId},${formatIsoMs(invoice.periodStartAt)},${formatIsoMs(invoice.periodEndAt)},` +
            `${row.open},${secondsText(invoice.fastMs)},${secondsText(invoice.turboMs)},${secondsText(invoice.relaxMs)},${day},${row.topupHours},` +
            `${invoice.blockedJobs},${invoice.relaxJobs},${meanWait}`,
        );
      },
    };
  }

  close(): void {
    this.customers.close();
    this.jobs?.close();
  }
}

/** tiers.csv and hourly.csv text for all replications (one header, a replication column). */
export function tableFiles(reports: readonly RunReport[]): { tiers: string; hourly: string; waits: string } {
  return {
    waits: stringify(reports.flatMap((report) => report.waits.map((row) => ({ replication: report.replication, ...row }))), { header: true }),
    tiers: stringify(reports.flatMap((report) => report.months.map((row) => ({ replication: report.replication, ...row }))), { header: true }),
    hourly: stringify(reports.flatMap((report) => report.hours.map((row) => ({ replication: report.replication, ...row }))), { header: true }),
  };
}

export interface Summary {
  readonly scenario: string;
  readonly file: string;
  readonly seed: number;
  readonly replications: number;
  /** The files this run wrote (others in the folder are from earlier runs). */
  readonly files: readonly string[];
  readonly start: string;
  readonly end: string;
  readonly invariants: { readonly metered_equals_ledger: boolean; readonly relax_never_metered: boolean; readonly every_job_accounted: boolean };
  /** What the run assumed (the report shows it at the top): population, plans, prices, fleet, demand. */
  readonly assumptions: Assumptions;
  readonly estimates: unknown;
  readonly per_replication: readonly Omit<RunReport, 'months' | 'hours' | 'waits'>[];
}

export interface Assumptions {
  readonly subscribers: number;
  readonly segments: readonly { readonly name: string; readonly subscribers: number }[];
  readonly plans: readonly {
    readonly plan: string;
    readonly monthly_price_cents: number;
    readonly annual_price_cents: number | null;
    readonly fast_hours: number;
    readonly overage: string;
    readonly relax: boolean;
    readonly topups: boolean;
  }[];
  readonly topup_price_cents_per_hour: number;
  readonly fleet: readonly { readonly from: string; readonly gpus: number }[];
  readonly gpu_cost_cents_per_hour: number;
  readonly demand_events: readonly { readonly label: string; readonly from: string; readonly to: string; readonly arrival_multiplier: number; readonly gpus_lost: number }[];
}

function assumptionsOf(model: SimModel): Assumptions {
  return {
    subscribers: model.segments.reduce((sum, segment) => sum + segment.subscribers, 0),
    segments: model.segments.map((segment) => ({ name: segment.name, subscribers: segment.subscribers })),
    plans: model.catalog.planList.map((plan) => ({
      plan: plan.id,
      monthly_price_cents: plan.monthlyPriceCents,
      annual_price_cents: plan.annualPriceCents,
      fast_hours: Math.round((plan.fastAllowanceMs / 3_600_000) * 1000) / 1000,
      overage: plan.overagePolicy,
      relax: plan.relax,
      topups: plan.topupsAllowed,
    })),
    topup_price_cents_per_hour: model.catalog.topupPriceCentsPerHour,
    fleet: model.fleetSchedule.map((step) => ({ from: formatIsoMs(Math.max(step.at, model.startAt)), gpus: step.gpus })),
    gpu_cost_cents_per_hour: model.costCentsPerGpuHour,
    demand_events: model.demand.map((event) => ({ label: event.label, from: formatIsoMs(event.fromAt), to: formatIsoMs(event.toAt), arrival_multiplier: event.arrivalMultiplier, gpus_lost: event.gpusLost })),
  };
}

/** The scenario's path as written, or relative to the working folder: no absolute path in outputs. */
function portablePath(file: string): string {
  return isAbsolute(file) ? relative(process.cwd(), file).split(sep).join('/') : file;
}

/** The summary of all replications (ordered by replication). */
export function summarize(model: SimModel, reports: readonly RunReport[], withJobs: boolean): Summary {
  const perReplication = reports.map(({ months: _months, hours: _hours, waits: _waits, ...rest }) => rest);
  const streamed = (base: string) => reports.map((report) => (report.replication === 0 ? `${base}.csv` : `${base}-r${report.replication}.csv`));
  return {
    scenario: model.name,
    file: portablePath(model.file),
    seed: model.seed,
    replications: reports.length,
    files: ['summary.json', 'tiers.csv', 'hourly.csv', 'waits.csv', ...streamed('customers'), ...(withJobs ? streamed('jobs') : [])],
    start: formatIsoMs(model.startAt),
    end: formatIsoMs(model.endAt),
    invariants: {
      metered_equals_ledger: reports.every(
        (report) => Math.round(report.metered_seconds * 1000) === Math.round((report.ledger_fast_seconds + report.metered_after_cancellation_seconds) * 1000),
      ),
      relax_never_metered: reports.every((report) => report.relax_metered_events === 0),
      every_job_accounted: reports.every(
        (report) =>
          report.jobs.arrivals ===
          report.jobs.completed + report.jobs.failed + report.jobs.blocked + report.jobs.inactive + report.jobs.held_at_horizon + report.jobs.queued_at_horizon + report.jobs.running_at_horizon,
      ),
    },
    assumptions: assumptionsOf(model),
    estimates: estimateAll(perReplication.map(({ replication: _replication, ...rest }) => rest)),
    per_replication: perReplication,
  };
}

/** Writes summary.json, tiers.csv and hourly.csv (customers/jobs files are already streamed). */
export function writeOutputs(outDir: string, summary: Summary, reports: readonly RunReport[]): void {
  mkdirSync(outDir, { recursive: true });
  const tables = tableFiles(reports);
  writeAtomically(join(outDir, 'summary.json'), `${JSON.stringify(summary, null, 2)}\n`);
  writeAtomically(join(outDir, 'tiers.csv'), tables.tiers);
  writeAtomically(join(outDir, 'hourly.csv'), tables.hourly);
  writeAtomically(join(outDir, 'waits.csv'), tables.waits);
}

/** Writes via a temporary file and a rename, so a crash never leaves half a file. */
export function writeAtomically(file: string, text: string): void {
  const temporary = `${file}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}

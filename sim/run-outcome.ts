/**
 * What a simulation run hands back and streams out: the row shapes of its sinks (jobs, customer
 * cycles, progress) and its outcome (accumulators plus what was still in the system).
 */
import type { Invoice } from '../engine/index.ts';
import type { Metrics } from './metrics.ts';
import type { ArrivalFeed } from './arrival-feed.ts';
import type { TraceSink } from './trace.ts';

/** Where a run streams its per-job and per-cycle rows (null = not wanted). */
export interface RunSinks {
  /** One row per job: ids, plan, job type, mode (`blocked` too), times in s since the start. */
  job?: ((row: JobRow) => void) | null;
  /** One row per customer per billing cycle that overlaps the horizon. */
  cycle?: ((row: CycleRow) => void) | null;
  /**
   * Where each day's arrivals come from, given the first day's instant (default: generated in
   * this thread from the run's `arrivals` and `durations` streams).
   */
  arrivals?: ((firstDay: number) => ArrivalFeed) | null;
  /** What a production system would have recorded (`--trace`): usage events, changes, invoices. */
  trace?: TraceSink | null;
  /** Called once per simulated day with how far the run is. */
  progress?: ((progress: RunProgress) => void) | null;
}

/** How far a replication is: simulated days done of the horizon's, and the jobs that arrived. */
export interface RunProgress {
  readonly day: number;
  readonly days: number;
  readonly jobs: number;
}

export interface JobRow {
  readonly jobNumber: number;
  readonly customer: number;
  readonly planId: string;
  readonly jobType: string;
  /** The mode it ran in; `blocked` when refused, `failed` when it ran and failed (never billed). */
  readonly mode: 'fast' | 'turbo' | 'relax' | 'blocked' | 'failed';
  readonly arrivalMs: number;
  /** null when the job never started (blocked, or still waiting at the horizon). */
  readonly startMs: number | null;
  readonly endMs: number | null;
  readonly gpuMs: number;
}

export interface CycleRow {
  readonly customer: number;
  readonly invoice: Invoice;
  /** true when the cycle was still open at the horizon (usage so far). */
  readonly open: boolean;
  readonly topupHours: number;
  readonly relaxWaitMsSum: number;
  readonly relaxWaitCount: number;
}

export interface RunOutcome {
  readonly metrics: Metrics;
  /** Jobs still in the system at the horizon. */
  readonly held: number;
  readonly queuedFast: number;
  readonly queuedRelax: number;
  readonly running: number;
  readonly priorUsageMs: number;
  readonly customers: number;
  /** Months of the horizon (calendar months from the start; the last may be partial). */
  readonly monthStarts: readonly number[];
  /** Fast ms the ledger's invoices hold for the horizon (cycles overlapping it, minus prior usage). */
  readonly ledgerFastMs: number;
}

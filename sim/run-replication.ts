/**
 * One replication end to end: load the scenario, simulate, stream its customers (and jobs) rows,
 * and return its report. Runs the same in the main thread and in a worker thread.
 */
import { join } from 'node:path';
import type { ScenarioOverride } from '../scenarios/scenario-schema.ts';
import { loadScenario } from './compile.ts';
import { type RunProgress, simulate } from './simulate.ts';
import { ArrivalWorkerFeed } from './arrival-feed.ts';
import { RunFiles } from './outputs.ts';
import { type RunReport, buildReport } from './report.ts';
import { TraceWriter } from './trace.ts';

export interface ReplicationTask {
  readonly file: string;
  /** Overrides the scenario's seed when not null. */
  readonly seed: number | null;
  readonly replication: number;
  readonly outDir: string;
  readonly jobs: boolean;
  /** Where replication 0 writes its trace (`--trace`), or null. */
  readonly traceDir?: string | null;
  /** Values set in the scenario before it is validated (a sweep cell's coordinates). */
  readonly overrides?: readonly ScenarioOverride[];
}

/** File name of a replication's streamed table: `customers.csv`, then `customers-r1.csv`, ... */
export function replicationFile(outDir: string, base: 'customers' | 'jobs', replication: number): string {
  return join(outDir, replication === 0 ? `${base}.csv` : `${base}-r${replication}.csv`);
}

export function runReplication(task: ReplicationTask, progress: ((progress: RunProgress) => void) | null): RunReport {
  const scenario = loadScenario(task.file, task.overrides ?? []);
  const loaded = scenario.model;
  const model = task.seed === null ? loaded : { ...loaded, seed: task.seed };
  const trace = task.traceDir && task.replication === 0 ? new TraceWriter(task.traceDir, scenario.catalogSpec, model.endAt) : null;
  const files = new RunFiles(
    model,
    task.replication,
    replicationFile(task.outDir, 'customers', task.replication),
    task.jobs ? replicationFile(task.outDir, 'jobs', task.replication) : null,
  );
  // Arrivals are drawn by a second thread, one day ahead (same streams, same days).
  const sinks = { ...files.sinks(progress), trace, arrivals: (firstDay: number) => new ArrivalWorkerFeed(model, model.seed, task.replication, firstDay, task.overrides ?? []) };
  const outcome = simulate(model, task.replication, sinks);
  files.close();
  trace?.close();
  return buildReport(model, task.replication, outcome);
}

/** One sweep cell's replications as tasks, and its run folder written from their reports. */
import { loadScenario } from '../sim/compile.ts';
import { summarize, writeOutputs } from '../sim/outputs.ts';
import type { RunReport } from '../sim/report.ts';
import type { ReplicationTask } from '../sim/run-replication.ts';
import type { SweepCell } from '../sim/sweep-cells.ts';
import type { SweepPlan } from './sweep-plan.ts';

/** The tasks of a cell's replications, writing their streamed files into `dir`. */
export function cellTasks(plan: SweepPlan, cell: SweepCell, dir: string): ReplicationTask[] {
  return Array.from({ length: plan.replications }, (_, replication) => ({ file: plan.file, seed: cell.seed, replication, outDir: dir, jobs: false, traceDir: null, overrides: cell.overrides }));
}

/** The cell's replications' reports, summarized and written as its run folder (`dir`). */
export function writeCell(plan: SweepPlan, cell: SweepCell, reports: RunReport[], dir: string): void {
  reports.sort((a, b) => a.replication - b.replication);
  const model = { ...loadScenario(plan.file, cell.overrides).model, seed: cell.seed };
  writeOutputs(dir, summarize(model, reports, false), reports);
}

/**
 * A sweep made ready to run, the same way for a local run, a queue's submitter and its workers:
 * the sweep file read and every cell's scenario validated, the cells and their seeds, the
 * replications, the goal checked against the plans, and the fingerprint that tells one sweep from
 * another (the file's text, the cells with their seeds, the replications).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { InputError, type InputIssue, formatIssue } from '../scenarios/errors.ts';
import { type ReadSweep, readSweep } from '../scenarios/sweep-schema.ts';
import { loadScenario } from '../sim/compile.ts';
import type { SimModel } from '../sim/model.ts';
import { type SweepCell, sweepCells } from '../sim/sweep-cells.ts';
import type { SweepGoal } from '../reports/sweep/sweep-results.ts';
import { goalProblems } from '../reports/sweep/goal.ts';

export interface SweepPlan {
  readonly file: string;
  readonly sweep: ReadSweep;
  readonly seed: number;
  readonly replications: number;
  readonly cells: readonly SweepCell[];
  readonly goal: SweepGoal;
  /** The first cell's model (plans, size estimates). */
  readonly base: SimModel;
  readonly fingerprint: string;
}

/** Validates each cell's scenario (its values set); problems met in several cells are listed once. */
function checkCells(file: string, cells: readonly SweepCell[]): void {
  const issues = new Map<string, InputIssue>();
  for (const cell of cells) {
    try {
      loadScenario(file, cell.overrides);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const issue of error.issues) issues.set(formatIssue(issue), issue);
    }
  }
  if (issues.size > 0) throw new InputError([...issues.values()]);
}

export function planSweep(file: string): SweepPlan {
  const sweep = readSweep(file);
  const { spec } = sweep;
  const seed = spec.seed ?? sweep.scenarioSeed;
  const replications = spec.replications ?? sweep.scenarioReplications;
  const cells = sweepCells(sweep.axes, spec.sampling, seed);
  checkCells(file, cells);
  const base = loadScenario(file, cells[0]!.overrides).model;
  const goal: SweepGoal = {
    objective: 'maximize' in spec.objective
      ? { figure: spec.objective.maximize, plan: spec.objective.plan, direction: 'maximize' }
      : { figure: spec.objective.minimize, plan: spec.objective.plan, direction: 'minimize' },
    constraints: spec.constraints.map((constraint) => ({ figure: constraint.figure, plan: constraint.plan, atMost: constraint.at_most, atLeast: constraint.at_least })),
  };
  const problems = goalProblems(goal, base.catalog.planList.map((plan) => plan.id));
  if (problems.length > 0) {
    throw new InputError(
      problems.map((problem) => ({ ...sweep.locate(['sweep', ...problem.where.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key))], false), path: `sweep.${problem.where}`, message: problem.message })),
    );
  }
  const text = JSON.stringify({ file: readFileSync(file, 'utf8'), replications, cells: cells.map((cell) => [cell.coordinates, cell.seed]) });
  return { file, sweep, seed, replications, cells, goal, base, fingerprint: createHash('sha256').update(text).digest('hex') };
}

export const cellName = (index: number): string => String(index).padStart(4, '0');

/** Where a sweep's time went: threads busy running replications, against the wall time. */
export interface SweepTiming {
  busyMs: number;
  threads: number;
}

/**
 * `ran 27 cells in 7.5 min (3.6 cells/min); replications kept 2 thread(s) busy 96.1% of the time,
 * 3.9% outside simulation (scheduling, I/O, assembly)`: busy time is each replication's, from the
 * moment its task is handed to a thread to its report.
 */
export function timingLine(cells: number, wallMs: number, timing: SweepTiming): string {
  const minutes = wallMs / 60_000;
  const busy = timing.threads === 0 ? 0 : timing.busyMs / (wallMs * timing.threads);
  return (
    `ran ${cells} cell(s) in ${minutes < 1 ? `${(wallMs / 1000).toFixed(1)} s` : `${minutes.toFixed(1)} min`} (${(cells / minutes).toFixed(1)} cells/min); ` +
    `replications kept ${timing.threads} thread(s) busy ${(busy * 100).toFixed(1)}% of the time, ${((1 - busy) * 100).toFixed(1)}% outside simulation (scheduling, I/O, assembly)`
  );
}


/**
 * A sweep's results, from its cells' summary.json files: per cell its coordinates, every figure
 * of a comparison per plan and for the fleet (mean and 95% half-width across the cell's
 * replications, in the figure's unit: dollars, seconds, shares, counts), the objective and
 * whether the cell keeps to every constraint. sweep.csv is these rows; the best feasible cells
 * are the rows ranked by the objective (ties by cell index).
 */
import { round } from '../charts/chart.ts';
import { FIGURES, FLEET_PLAN, type Figure } from '../compare/figures.ts';
import type { Estimate, Summary } from '../summary-file.ts';

export interface SweepGoal {
  readonly objective: { readonly figure: string; readonly plan: string; readonly direction: 'maximize' | 'minimize' };
  readonly constraints: readonly { readonly figure: string; readonly plan: string; readonly atMost?: number; readonly atLeast?: number }[];
}

export interface SweepCellSummary {
  readonly index: number;
  readonly seed: number;
  readonly coordinates: Readonly<Record<string, number | string | boolean>>;
  readonly summary: Summary;
}

export interface SweepRow {
  readonly cell: number;
  readonly seed: number;
  readonly coordinates: Readonly<Record<string, number | string | boolean>>;
  readonly objective: number | null;
  readonly objectiveCi95: number | null;
  readonly feasible: boolean;
  /** The constraints the cell breaks, as text (`relax_wait_p95 standard 912.4 > 600`). */
  readonly broken: readonly string[];
  /** `<plan>.<figure>` -> Estimate in the figure's unit (null where the cell has no such value). */
  readonly figures: ReadonlyMap<string, { readonly mean: number; readonly ci95: number | null } | null>;
}

const figureById = new Map(FIGURES.map((figure) => [figure.id, figure]));

/** A figure of a run's summary for a plan (or `all`), scaled to its unit; null if it has none. */
export function figureValue(summary: Summary, figure: Figure, plan: string): { mean: number; ci95: number | null } | null {
  let estimate: Estimate | null;
  if (plan === FLEET_PLAN) estimate = figure.fleet ? figure.fleet(summary) : null;
  else {
    const tier = summary.estimates.tiers.find((candidate) => candidate.plan === plan);
    estimate = tier === undefined ? null : figure.tier(tier);
  }
  if (estimate === null) return null;
  return { mean: round(estimate.mean * figure.scale, figure.decimals), ci95: estimate.ci95 === null ? null : round(estimate.ci95 * figure.scale, figure.decimals) };
}

export function sweepRows(cells: readonly SweepCellSummary[], goal: SweepGoal): SweepRow[] {
  return [...cells]
    .sort((a, b) => a.index - b.index)
    .map((cell) => {
      const plans = [...cell.summary.estimates.tiers.map((tier) => tier.plan), FLEET_PLAN];
      const figures = new Map<string, { mean: number; ci95: number | null } | null>();
      for (const figure of FIGURES) for (const plan of plans) figures.set(`${plan}.${figure.id}`, figureValue(cell.summary, figure, plan));
      const objective = figures.get(`${goal.objective.plan}.${goal.objective.figure}`) ?? null;
      const broken: string[] = [];
      for (const constraint of goal.constraints) {
        const value = figures.get(`${constraint.plan}.${constraint.figure}`) ?? null;
        const name = `${constraint.figure} ${constraint.plan}`;
        if (value === null) broken.push(`${name}: no value`);
        else if (constraint.atMost !== undefined && value.mean > constraint.atMost) broken.push(`${name} ${value.mean} > ${constraint.atMost}`);
        else if (constraint.atLeast !== undefined && value.mean < constraint.atLeast) broken.push(`${name} ${value.mean} < ${constraint.atLeast}`);
      }
      return { cell: cell.index, seed: cell.seed, coordinates: cell.coordinates, objective: objective?.mean ?? null, objectiveCi95: objective?.ci95 ?? null, feasible: broken.length === 0, broken, figures };
    });
}

/** Feasible rows with an objective, best first (ties by cell index). */
export function bestCells(rows: readonly SweepRow[], goal: SweepGoal): SweepRow[] {
  const sign = goal.objective.direction === 'maximize' ? -1 : 1;
  return rows.filter((row) => row.feasible && row.objective !== null).sort((a, b) => sign * (a.objective! - b.objective!) || a.cell - b.cell);
}

function csvText(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** sweep.csv: cell, seed, the axes, objective, feasible, then every `<plan>.<figure>` and its `_ci95`. */
export function sweepCsv(rows: readonly SweepRow[], axes: readonly string[]): string {
  const figureColumns = rows.length === 0 ? [] : [...rows[0]!.figures.keys()];
  const decimals = (column: string) => figureById.get(column.slice(column.indexOf('.') + 1))!.decimals;
  const header = ['cell', 'seed', ...axes, 'objective', 'objective_ci95', 'feasible', 'broken', ...figureColumns.flatMap((column) => [column, `${column}_ci95`])];
  const lines = [header.join(',')];
  for (const row of rows) {
    const cells = [
      String(row.cell),
      String(row.seed),
      ...axes.map((axis) => csvText(String(row.coordinates[axis]))),
      row.objective === null ? '' : String(row.objective),
      row.objectiveCi95 === null ? '' : String(row.objectiveCi95),
      String(row.feasible),
      csvText(row.broken.join('; ')),
      ...figureColumns.flatMap((column) => {
        const value = row.figures.get(column) ?? null;
        const places = decimals(column);
        return [value === null ? '' : value.mean.toFixed(places), value?.ci95 == null ? '' : value.ci95.toFixed(places)];
      }),
    ];
    lines.push(cells.join(','));
  }
  return `${lines.join('\n')}\n`;
}

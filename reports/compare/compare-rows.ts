/**
 * The rows of a comparison: per figure, plan and run, the run's mean and 95% half-width, and its
 * difference from the first run (the baseline of the comparison) with the half-width of that
 * difference, sqrt(h_a^2 + h_b^2) (independent runs). `overlaps_first` marks a difference the
 * runs' own intervals cannot tell from noise: true when the two 95% intervals overlap. With one
 * replication a run has no interval, and these cells are empty (null).
 */
import { round } from '../charts/chart.ts';
import type { Estimate, Summary } from '../summary-file.ts';
import { FIGURES, FLEET_PLAN, type Figure, type Unit } from './figures.ts';

export interface ComparedRun {
  /** How the run is named in tables and charts (its scenario name, made unique). */
  readonly name: string;
  readonly summary: Summary;
}

export interface CompareRow {
  readonly metric: string;
  readonly unit: Unit;
  readonly plan: string;
  readonly run: string;
  readonly mean: number | null;
  readonly ci95: number | null;
  readonly delta: number | null;
  readonly delta_ci95: number | null;
  readonly overlaps_first: boolean | null;
}

export const COMPARE_COLUMNS = ['metric', 'unit', 'plan', 'run', 'mean', 'ci95', 'delta', 'delta_ci95', 'overlaps_first'] as const;

/** Plans of all runs: the first run's in its catalog order, then any other run's new ones. */
export function comparedPlans(runs: readonly ComparedRun[]): string[] {
  const plans: string[] = [];
  for (const run of runs) for (const tier of run.summary.estimates.tiers) if (!plans.includes(tier.plan)) plans.push(tier.plan);
  return plans;
}

function figureOf(figure: Figure, run: ComparedRun, plan: string): Estimate | null {
  if (plan === FLEET_PLAN) return figure.fleet ? figure.fleet(run.summary) : null;
  const tier = run.summary.estimates.tiers.find((candidate) => candidate.plan === plan);
  return tier === undefined ? null : figure.tier(tier);
}

export function compareRows(runs: readonly ComparedRun[]): CompareRow[] {
  if (runs.length < 2) throw new Error('compareRows: needs two runs at least');
  const plans = [...comparedPlans(runs), FLEET_PLAN];
  const rows: CompareRow[] = [];
  for (const figure of FIGURES) {
    for (const plan of plans) {
      const estimates = runs.map((run) => figureOf(figure, run, plan));
      if (estimates.every((estimate) => estimate === null)) continue;
      const first = estimates[0]!;
      runs.forEach((run, index) => {
        const estimate = estimates[index]!;
        const scaled = (value: number) => round(value * figure.scale, figure.decimals);
        const mean = estimate === null ? null : estimate.mean;
        const half = estimate?.ci95 ?? null;
        const firstHalf = first?.ci95 ?? null;
        const comparable = index > 0 && mean !== null && first !== null;
        const delta = comparable ? mean - first.mean : null;
        const deltaHalf = comparable && half !== null && firstHalf !== null ? Math.sqrt(half * half + firstHalf * firstHalf) : null;
        rows.push({
          metric: figure.id,
          unit: figure.unit,
          plan,
          run: run.name,
          mean: mean === null ? null : scaled(mean),
          ci95: half === null ? null : scaled(half),
          delta: delta === null ? null : scaled(delta),
          delta_ci95: deltaHalf === null ? null : scaled(deltaHalf),
          overlaps_first: comparable && half !== null && firstHalf !== null ? Math.abs(delta!) <= half + firstHalf : null,
        });
      });
    }
  }
  return rows;
}

/** compare.csv: the rows in their order, fixed decimals, empty cells for nulls, LF line ends. */
export function compareCsv(rows: readonly CompareRow[]): string {
  const decimals = new Map(FIGURES.map((figure) => [figure.id, figure.decimals]));
  const number = (value: number | null, places: number): string => (value === null ? '' : value.toFixed(places));
  const lines = [COMPARE_COLUMNS.join(',')];
  for (const row of rows) {
    const places = decimals.get(row.metric)!;
    lines.push(
      [row.metric, row.unit, csvText(row.plan), csvText(row.run), number(row.mean, places), number(row.ci95, places), number(row.delta, places), number(row.delta_ci95, places), row.overlaps_first === null ? '' : String(row.overlaps_first)].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function csvText(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

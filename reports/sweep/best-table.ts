/** The best feasible cells as a text table for the terminal (the whole sweep is in sweep.csv). */
import { FIGURES } from '../compare/figures.ts';
import type { SweepGoal, SweepRow } from './sweep-results.ts';

export function bestCellsTable(best: readonly SweepRow[], cells: number, goal: SweepGoal, axes: readonly string[]): string {
  const goalText = `${goal.objective.direction} ${goal.objective.figure} (${goal.objective.plan})`;
  const constraintsText = goal.constraints.length === 0 ? 'no constraints' : goal.constraints.map((c) => `${c.figure} (${c.plan}) ${c.atMost !== undefined ? `<= ${c.atMost}` : `>= ${c.atLeast}`}`).join(', ');
  if (best.length === 0) return `${goalText} subject to ${constraintsText}: no feasible cell among ${cells} (sweep.csv says what each cell breaks)`;
  const figure = FIGURES.find((candidate) => candidate.id === goal.objective.figure)!;
  const fixed = (value: number) => value.toFixed(figure.decimals);
  const header = ['cell', ...axes, `${goal.objective.figure} (${figure.unit})`, '95% half-width'];
  const rows = best.map((row) => [String(row.cell), ...axes.map((axis) => String(row.coordinates[axis])), fixed(row.objective!), row.objectiveCi95 === null ? '-' : fixed(row.objectiveCi95)]);
  const widths = header.map((_, column) => Math.max(header[column]!.length, ...rows.map((row) => row[column]!.length)));
  const line = (row: readonly string[]) => row.map((text, column) => text.padStart(widths[column]!)).join('  ');
  return [`best feasible cells: ${goalText} subject to ${constraintsText} (${best.length === 1 ? '1 shown' : `${best.length} shown`} of ${cells} cells)`, line(header), ...rows.map(line)].join('\n');
}

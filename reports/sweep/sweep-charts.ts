/**
 * A sweep's charts, pure: sweep rows in, Vega-Lite specs out.
 * - `sweep-sensitivity`: for each axis, every cell's objective against the axis's value (one panel
 *   per axis), feasible cells and the others in two colours, 95% error bars with replications;
 * - `sweep-heatmap` (two axes or more): the first two axes as a grid, each square the best feasible
 *   objective over the other axes' values, squares with no feasible cell marked as such: where the
 *   objective peaks, and the feasible region around it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { type Chart, type Layer, VEGA_LITE_SCHEMA, round } from '../charts/chart.ts';
import type { SweepGoal, SweepRow } from './sweep-results.ts';

const FEASIBLE = ['feasible', 'breaks a constraint'];

function objectiveTitle(goal: SweepGoal): string {
  return `${goal.objective.figure} (${goal.objective.plan}), mean`;
}

export function sensitivityChart(rows: readonly SweepRow[], axes: readonly string[], goal: SweepGoal): Chart {
  const data: Record<string, string | number>[] = [];
  for (const row of rows) {
    if (row.objective === null) continue;
    for (const axis of axes) {
      const point: Record<string, string | number> = { axis, value: String(row.coordinates[axis]), cell: row.cell, objective: row.objective, status: row.feasible ? FEASIBLE[0]! : FEASIBLE[1]! };
      if (row.objectiveCi95 !== null) {
        point.low = round(row.objective - row.objectiveCi95, 4);
        point.high = round(row.objective + row.objectiveCi95, 4);
      }
      data.push(point);
    }
  }
  const withIntervals = data.some((point) => 'low' in point);
  const tooltip = [
    { field: 'cell', type: 'quantitative', title: 'Cell' },
    { field: 'axis', type: 'nominal', title: 'Axis' },
    { field: 'value', type: 'nominal', title: 'Value' },
    { field: 'objective', type: 'quantitative', title: objectiveTitle(goal), format: ',.4~f' },
    { field: 'status', type: 'nominal', title: 'Constraints' },
  ] as const;
  const x = { field: 'value', type: 'ordinal', sort: null, title: 'Axis value' } as const;
  const layer: Layer[] = [
    {
      mark: { type: 'point', filled: true, size: 60 },
      encoding: {
        x,
        y: { field: 'objective', type: 'quantitative', title: objectiveTitle(goal), scale: { zero: false } },
        color: { field: 'status', type: 'nominal', scale: { domain: FEASIBLE, range: ['#54a24b', '#e45756'] }, title: 'Cell' },
        tooltip: [...tooltip],
      },
    },
  ];
  if (withIntervals) layer.unshift({ mark: { type: 'rule', opacity: 0.5 }, encoding: { x, y: { field: 'low', type: 'quantitative' }, y2: { field: 'high' }, color: { field: 'status', type: 'nominal', scale: { domain: FEASIBLE, range: ['#54a24b', '#e45756'] } } } });
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: `${goal.objective.direction === 'maximize' ? 'Maximize' : 'Minimize'} ${goal.objective.figure}: every cell against each axis${withIntervals ? ' (95% error bars)' : ''}`,
    data: { values: data },
    facet: { column: { field: 'axis', type: 'nominal', sort: [...axes], title: null } },
    spec: { width: 220, height: 260, layer },
    resolve: { scale: { x: 'independent' } },
  };
  return { name: 'sweep-sensitivity', title: 'Objective against each axis', spec };
}

export function heatmapChart(rows: readonly SweepRow[], axes: readonly string[], goal: SweepGoal): Chart | null {
  if (axes.length < 2) return null;
  const [xAxis, yAxis] = [axes[0]!, axes[1]!];
  const better = (a: number, b: number) => (goal.objective.direction === 'maximize' ? a > b : a < b);
  const squares = new Map<string, { x: string; y: string; best: number | null; cells: number; feasible: number }>();
  for (const row of rows) {
    const x = String(row.coordinates[xAxis]);
    const y = String(row.coordinates[yAxis]);
    const key = JSON.stringify([x, y]);
    const square = squares.get(key) ?? { x, y, best: null, cells: 0, feasible: 0 };
    square.cells += 1;
    if (row.feasible && row.objective !== null) {
      square.feasible += 1;
      if (square.best === null || better(row.objective, square.best)) square.best = row.objective;
    }
    squares.set(key, square);
  }
  const data = [...squares.values()].map((square) => ({
    [xAxis]: square.x,
    [yAxis]: square.y,
    ...(square.best === null ? {} : { best: square.best }),
    label: square.best === null ? 'no feasible cell' : String(square.best),
    feasible: `${square.feasible} of ${square.cells}`,
  }));
  const x = { field: xAxis, type: 'ordinal', sort: null, title: xAxis } as const;
  const y = { field: yAxis, type: 'ordinal', sort: null, title: yAxis } as const;
  const spec: TopLevelSpec = {
    $schema: VEGA_LITE_SCHEMA,
    title: `Best feasible ${goal.objective.figure} (${goal.objective.plan}) by ${xAxis} and ${yAxis}${axes.length > 2 ? ', over the other axes' : ''}`,
    data: { values: data },
    width: { step: 90 },
    height: { step: 50 },
    layer: [
      { mark: { type: 'rect', stroke: 'white' }, encoding: { x, y, color: { field: 'best', type: 'quantitative', title: objectiveTitle(goal), scale: { scheme: goal.objective.direction === 'maximize' ? 'viridis' : 'viridis', reverse: goal.objective.direction === 'minimize' } }, tooltip: [{ field: xAxis, type: 'ordinal' }, { field: yAxis, type: 'ordinal' }, { field: 'label', type: 'nominal', title: 'best feasible' }, { field: 'feasible', type: 'nominal', title: 'feasible cells' }] } },
      { mark: { type: 'text', fontSize: 10 }, encoding: { x, y, text: { field: 'label', type: 'nominal' }, color: { value: 'black' } } },
    ],
  };
  return { name: 'sweep-heatmap', title: 'Where the objective peaks, and the feasible region', spec };
}

export function sweepCharts(rows: readonly SweepRow[], axes: readonly string[], goal: SweepGoal): Chart[] {
  const heatmap = heatmapChart(rows, axes, goal);
  return [sensitivityChart(rows, axes, goal), ...(heatmap === null ? [] : [heatmap])];
}

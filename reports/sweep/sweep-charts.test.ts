import { describe, expect, it } from 'vitest';
import { heatmapChart, sensitivityChart } from './sweep-charts.ts';
import type { SweepGoal, SweepRow } from './sweep-results.ts';

const goal: SweepGoal = { objective: { figure: 'gross_margin', plan: 'all', direction: 'maximize' }, constraints: [] };

function row(cell: number, a: number, b: string, c: number, objective: number, feasible: boolean, ci95: number | null = null): SweepRow {
  return { cell, seed: cell, coordinates: { a, b, c }, objective, objectiveCi95: ci95, feasible, broken: feasible ? [] : ['x'], figures: new Map() };
}

const values = (spec: unknown): Record<string, unknown>[] => (spec as { data: { values: Record<string, unknown>[] } }).data.values;

describe('sweep charts', () => {
  const rows = [row(0, 1, 'x', 5, 10, true, 2), row(1, 1, 'x', 6, 30, false, 2), row(2, 1, 'y', 5, 20, true, 2), row(3, 2, 'x', 5, 40, true, 2), row(4, 2, 'y', 6, 50, false, 2), row(5, 2, 'y', 5, 5, false, 2)];

  it('puts every cell on every axis panel, coloured by feasibility, with error bars from the half-widths', () => {
    const chart = sensitivityChart(rows, ['a', 'b', 'c'], goal);
    const data = values(chart.spec);
    expect(data).toHaveLength(rows.length * 3);
    expect(data.filter((point) => point.axis === 'b').map((point) => point.value)).toEqual(['x', 'x', 'y', 'x', 'y', 'y']);
    expect(data[3]).toMatchObject({ axis: 'a', cell: 1, objective: 30, status: 'breaks a constraint', low: 28, high: 32 });
    expect(JSON.stringify(chart.spec)).toContain('"mark":{"type":"rule"');
    expect(JSON.stringify(sensitivityChart([row(0, 1, 'x', 5, 10, true)], ['a'], goal).spec)).not.toContain('"rule"');
  });

  it('maps the first two axes to a grid holding the best feasible objective over the others, and says where none is feasible', () => {
    const data = values(heatmapChart(rows, ['a', 'b', 'c'], goal)!.spec);
    expect(data).toEqual([
      { a: '1', b: 'x', best: 10, label: '10', feasible: '1 of 2' }, // cell 1 (30) breaks a constraint
      { a: '1', b: 'y', best: 20, label: '20', feasible: '1 of 1' },
      { a: '2', b: 'x', best: 40, label: '40', feasible: '1 of 1' },
      { a: '2', b: 'y', label: 'no feasible cell', feasible: '0 of 2' },
    ]);
    const minimize = values(heatmapChart(rows, ['a', 'b', 'c'], { ...goal, objective: { ...goal.objective, direction: 'minimize' } })!.spec);
    expect(minimize[0]!.best).toBe(10);
    expect(heatmapChart(rows, ['a'], goal)).toBeNull();
  });
});

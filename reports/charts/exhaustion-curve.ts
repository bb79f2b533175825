/**
 * The exhaustion curve (customers.csv): for each plan, the share of its closed billing cycles
 * (open=false) that had run out of Fast time by day d of the cycle, cumulative, d = 1..31. A
 * cycle that ran out on day k counts from day k on. With replications each point is the mean of
 * the replications' shares, with a 95% band; a replication with no closed cycle of a plan has no
 * share for it.
 */
import type { TopLevelSpec } from 'vega-lite';
import { meanInterval } from '../interval.ts';
import type { CustomerCycleRow } from '../table-files.ts';
import { type Encoding, type Layer, type TooltipField, VEGA_LITE_SCHEMA, bandFill, byPlanOrder, intervalFields } from './chart.ts';

export const CYCLE_DAYS = 31;

export interface ExhaustionInput {
  readonly plans: readonly string[];
  readonly replications: number;
  readonly customerCycles: readonly CustomerCycleRow[];
}

interface PlanCycles {
  closed: number;
  /** exhaustedOnDay[k] = closed cycles that ran out on day k (1..31). */
  readonly exhaustedOnDay: number[];
}

/** Closed cycles per replication and plan, and on which day they ran out. */
function countCycles(rows: readonly CustomerCycleRow[]): Map<string, PlanCycles> {
  const counts = new Map<string, PlanCycles>();
  for (const row of rows) {
    if (row.open) continue;
    const key = `${row.replication}|${row.plan}`;
    let cycles = counts.get(key);
    if (cycles === undefined) {
      cycles = { closed: 0, exhaustedOnDay: new Array<number>(CYCLE_DAYS + 1).fill(0) };
      counts.set(key, cycles);
    }
    cycles.closed += 1;
    if (row.exhaustion_day !== null) cycles.exhaustedOnDay[Math.min(row.exhaustion_day, CYCLE_DAYS)]! += 1;
  }
  return counts;
}

export function exhaustionData(input: ExhaustionInput): Record<string, string | number>[] {
  const counts = countCycles(input.customerCycles);
  const plans = [...new Set(input.customerCycles.map((row) => row.plan))].sort(byPlanOrder(input.plans));
  const data: Record<string, string | number>[] = [];
  for (const plan of plans) {
    const replications = Array.from({ length: input.replications }, (_, replication) => counts.get(`${replication}|${plan}`)).filter(
      (cycles): cycles is PlanCycles => cycles !== undefined,
    );
    if (replications.length === 0) continue;
    const running = replications.map(() => 0);
    for (let day = 1; day <= CYCLE_DAYS; day += 1) {
      const shares = replications.map((cycles, index) => {
        running[index]! += cycles.exhaustedOnDay[day]!;
        return running[index]! / cycles.closed;
      });
      const closed = replications.reduce((sum, cycles) => sum + cycles.closed, 0) / replications.length;
      data.push({ plan, day, closed_cycles: Math.round(closed), ...intervalFields('share', meanInterval(input.replications > 1 ? shares : shares.slice(0, 1)), 4, 1, { min: 0, max: 1 }) });
    }
  }
  return data;
}

export function exhaustionCurveChart(input: ExhaustionInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const x: Encoding['x'] = { field: 'day', type: 'quantitative', title: 'Day of the billing cycle', scale: { domain: [1, CYCLE_DAYS] } };
  const color: Encoding['color'] = { field: 'plan', type: 'nominal', sort: [...input.plans], scale: { domain: [...input.plans] }, title: 'Plan' };
  const tooltip: TooltipField[] = [
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'day', type: 'quantitative', title: 'Day of cycle' },
    { field: 'share', type: 'quantitative', title: withIntervals ? 'Out of Fast time, mean' : 'Out of Fast time', format: '.2%' },
    { field: 'closed_cycles', type: 'quantitative', title: 'Closed cycles', format: ',.0f' },
  ];
  if (withIntervals) tooltip.push({ field: 'share_ci95', type: 'quantitative', title: '95% half-width', format: '.2%' });
  const layer: Layer[] = [];
  if (withIntervals) layer.push({ mark: { type: 'area', opacity: 0.2 }, encoding: { x, y: { field: 'share_low', type: 'quantitative' }, y2: { field: 'share_high' }, fill: bandFill(color) } });
  const y: Encoding['y'] = { field: 'share', type: 'quantitative', title: 'Closed cycles out of Fast time (%, cumulative)', axis: { format: '%' } };
  // Tooltips on the points only: a line's tooltip would show its first point wherever hovered.
  layer.push({ mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y, color } });
  layer.push({ mark: { type: 'point', filled: true, opacity: 1 }, encoding: { x, y, color, tooltip } });
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Exhaustion curve, mean of ${input.replications} replications with 95% bands` : 'Exhaustion curve',
    width: 600,
    height: 300,
    data: { values: exhaustionData(input) },
    layer,
  };
}

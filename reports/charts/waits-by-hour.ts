/**
 * Fast and Relax wait percentiles (p50, p95) by hour of day, per plan (waits.csv): one panel per
 * plan and mode, hours 0-23 UTC of the jobs' starts on x, seconds on y (each panel its own
 * scale: Relax waits run to hours where Fast waits are seconds). Hours in which no job of the
 * plan started in that mode have no point; a panel with no job at all (Basic has no Relax) holds
 * one `note` row, drawn as text mid-panel (its hour and wait only place the text): an empty panel would otherwise be dropped from the facet grid
 * and the others shifted into its place. With replications each point is the mean of the replications that had jobs in that
 * hour, with a 95% band.
 */
import type { TopLevelSpec } from 'vega-lite';
import { meanInterval } from '../interval.ts';
import { WAIT_MODES, type WaitRow } from '../table-files.ts';
import { type Encoding, type Layer, NON_NEGATIVE, type TooltipField, VEGA_LITE_SCHEMA, bandFill, byPlanOrder, intervalFields, round, valuesByKey } from './chart.ts';

export const WAIT_PERCENTILES = [
  { percentile: 'p50', column: 'wait_p50_s' },
  { percentile: 'p95', column: 'wait_p95_s' },
] as const;

export interface WaitsByHourInput {
  readonly plans: readonly string[];
  readonly replications: number;
  readonly waits: readonly WaitRow[];
}

/** The text of a panel in which no job started. */
export const NO_JOBS = 'no jobs started';

export function waitsByHourData(input: WaitsByHourInput): Record<string, string | number>[] {
  const planOrder = byPlanOrder(input.plans);
  const plans = [...new Set(input.waits.map((row) => row.plan))].sort(planOrder);
  const key = (row: WaitRow): string => `${row.plan}|${row.mode}|${row.hour_of_day}`;
  const jobs = valuesByKey(input.waits, key, (row) => row.jobs);
  const data: Record<string, string | number>[] = [];
  for (const plan of plans) {
    for (const mode of WAIT_MODES) {
      for (const { percentile, column } of WAIT_PERCENTILES) {
        const waits = valuesByKey(input.waits, key, (row) => (row.jobs > 0 ? row[column] : null));
        for (let hour = 0; hour < 24; hour += 1) {
          const values = waits.get(`${plan}|${mode}|${hour}`);
          if (values === undefined || values.length === 0) continue;
          const jobCounts = jobs.get(`${plan}|${mode}|${hour}`)!;
          data.push({
            plan,
            mode,
            hour_of_day: hour,
            percentile,
            jobs: round(meanInterval(jobCounts).mean, 1),
            ...intervalFields('wait_s', meanInterval(input.replications > 1 ? values : values.slice(0, 1)), 3, 1, NON_NEGATIVE),
          });
        }
      }
    }
  }
  return data;
}

export function waitsByHourChart(input: WaitsByHourInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const percentiles = WAIT_PERCENTILES.map((entry) => entry.percentile);
  const x: Encoding['x'] = { field: 'hour_of_day', type: 'quantitative', title: 'Hour of day of the job start (UTC)', scale: { domain: [0, 23] }, axis: { tickCount: 12 } };
  const color: Encoding['color'] = { field: 'percentile', type: 'nominal', sort: percentiles, scale: { domain: percentiles }, title: 'Percentile' };
  const tooltip: TooltipField[] = [
    { field: 'plan', type: 'nominal', title: 'Plan' },
    { field: 'mode', type: 'nominal', title: 'Mode' },
    { field: 'hour_of_day', type: 'quantitative', title: 'Hour (UTC)' },
    { field: 'percentile', type: 'nominal', title: 'Percentile' },
    { field: 'wait_s', type: 'quantitative', title: withIntervals ? 'Wait, mean (s)' : 'Wait (s)', format: ',.3f' },
    { field: 'jobs', type: 'quantitative', title: withIntervals ? 'Jobs started, mean' : 'Jobs started', format: ',.0f' },
  ];
  if (withIntervals) tooltip.push({ field: 'wait_s_ci95', type: 'quantitative', title: '95% half-width (s)', format: ',.3f' });
  const layer: Layer[] = [];
  if (withIntervals) {
    layer.push({
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { field: 'wait_s_low', type: 'quantitative' }, y2: { field: 'wait_s_high' }, fill: bandFill(color) },
    });
  }
  // Tooltips on the points only: a line's tooltip would show its first point wherever hovered.
  const y: Encoding['y'] = { field: 'wait_s', type: 'quantitative', title: 'Wait (s)' };
  layer.push({ mark: { type: 'line' }, encoding: { x, y, color } });
  layer.push({ mark: { type: 'point', filled: true, opacity: 1 }, encoding: { x, y, color, tooltip } });
  const data = waitsByHourData(input);
  const cell = (plan: string, mode: string): NonNullable<Extract<TopLevelSpec, { vconcat: unknown }>['vconcat']>[number] => {
    const values = data.filter((row) => row.plan === plan && row.mode === mode);
    const title = `${plan}, ${mode}`;
    if (values.length > 0) return { title, width: 300, height: 120, data: { values }, layer };
    return { title, width: 300, height: 120, data: { values: [{ note: NO_JOBS }] }, mark: { type: 'text', color: 'gray' }, encoding: { text: { field: 'note', type: 'nominal' }, x: { value: 150 }, y: { value: 60 } } };
  };
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Waits by hour of day, mean of ${input.replications} replications with 95% bands` : 'Waits by hour of day',
    vconcat: input.plans.map((plan) => ({ hconcat: WAIT_MODES.map((mode) => cell(plan, mode)) })),
    resolve: { scale: { y: 'independent' } },
  };
}

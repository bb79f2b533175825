/**
 * Queue lengths and GPU utilization over the horizon (hourly.csv): above, jobs waiting at the end
 * of each hour (the fleet's Fast and Relax queues, and jobs held in customers' own queues past
 * their concurrency); below, the share of GPU capacity busy in the hour, in percent. With
 * replications each hour is the mean across replications, with a 95% band.
 */
import type { TopLevelSpec } from 'vega-lite';
import { meanInterval } from '../interval.ts';
import type { HourRow } from '../table-files.ts';
import { type Encoding, type Layer, type TooltipField, NON_NEGATIVE, VEGA_LITE_SCHEMA, bandFill, intervalFields, valuesByKey } from './chart.ts';

export const QUEUE_SERIES = [
  { series: 'Fast queue', column: 'fast_queue' },
  { series: 'Relax queue', column: 'relax_queue' },
  { series: 'held by concurrency', column: 'held' },
] as const;

export interface QueuesInput {
  readonly replications: number;
  readonly hours: readonly HourRow[];
}

function hoursInOrder(rows: readonly HourRow[]): string[] {
  return [...new Set(rows.map((row) => row.hour))].sort();
}

export function queueData(input: QueuesInput): Record<string, string | number>[] {
  const hours = hoursInOrder(input.hours);
  const data: Record<string, string | number>[] = [];
  for (const { series, column } of QUEUE_SERIES) {
    const groups = valuesByKey(input.hours, (row) => row.hour, (row) => row[column]);
    for (const hour of hours) {
      const values = groups.get(hour)!;
      data.push({ hour, series, ...intervalFields('jobs', meanInterval(input.replications > 1 ? values : values.slice(0, 1)), 2, 1, NON_NEGATIVE) });
    }
  }
  return data;
}

export function utilizationData(input: QueuesInput): Record<string, string | number>[] {
  const groups = valuesByKey(input.hours, (row) => row.hour, (row) => row.utilization * 100);
  return hoursInOrder(input.hours).map((hour) => {
    const values = groups.get(hour)!;
    return { hour, ...intervalFields('utilization_percent', meanInterval(input.replications > 1 ? values : values.slice(0, 1)), 2, 1, { min: 0, max: 100 }) };
  });
}

export function queuesAndUtilizationChart(input: QueuesInput): TopLevelSpec {
  const withIntervals = input.replications > 1;
  const x: Encoding['x'] = { field: 'hour', type: 'temporal', title: 'Hour (UTC)', scale: { type: 'utc' }, axis: { format: '%b %d', labelAngle: 0 } };
  const seriesNames = QUEUE_SERIES.map((entry) => entry.series);
  const color: Encoding['color'] = { field: 'series', type: 'nominal', sort: seriesNames, scale: { domain: seriesNames }, title: 'Waiting' };
  const hourTooltip: TooltipField = { field: 'hour', type: 'temporal', timeUnit: 'utcyearmonthdatehours', title: 'Hour (UTC)' };
  const mean = withIntervals ? ', mean' : '';
  // Hovering anywhere over a view picks the nearest hour: a gray rule marks it and its tooltip
  // lists that hour's values (a line's own tooltip would show its first point wherever hovered).
  const queueTooltip: TooltipField[] = [
    hourTooltip,
    ...QUEUE_SERIES.map(({ series }): TooltipField => ({ field: series, type: 'quantitative', title: `${series} (jobs${mean})`, format: ',.2f' })),
  ];
  const utilizationTooltip: TooltipField[] = [hourTooltip, { field: 'utilization_percent', type: 'quantitative', title: `Utilization (%${mean})`, format: '.2f' }];
  if (withIntervals) utilizationTooltip.push({ field: 'utilization_percent_ci95', type: 'quantitative', title: '95% half-width (%)', format: '.2f' });
  const hoverRule = (name: string, tooltip: TooltipField[], transform: Extract<Layer, { transform?: unknown }>['transform']): Layer => ({
    ...(transform === undefined ? {} : { transform }),
    params: [{ name, select: { type: 'point', fields: ['hour'], nearest: true, on: 'pointerover', clear: 'pointerout' } }],
    mark: { type: 'rule', color: 'gray' },
    encoding: { x, opacity: { condition: { param: name, empty: false, value: 0.6 }, value: 0 }, tooltip },
  });
  const queueLayer: Layer[] = [];
  const utilizationLayer: Layer[] = [];
  if (withIntervals) {
    queueLayer.push({ mark: { type: 'area', opacity: 0.25, interpolate: 'step-after' }, encoding: { x, y: { field: 'jobs_low', type: 'quantitative' }, y2: { field: 'jobs_high' }, fill: bandFill(color) } });
    utilizationLayer.push({
      mark: { type: 'area', opacity: 0.25 },
      encoding: { x, y: { field: 'utilization_percent_low', type: 'quantitative' }, y2: { field: 'utilization_percent_high' } },
    });
  }
  queueLayer.push({ mark: { type: 'line', interpolate: 'step-after' }, encoding: { x, y: { field: 'jobs', type: 'quantitative', title: 'Jobs waiting at the end of the hour' }, color } });
  queueLayer.push(hoverRule('queueHour', queueTooltip, [{ pivot: 'series', value: 'jobs', groupby: ['hour'] }]));
  utilizationLayer.push({
    mark: { type: 'line' },
    encoding: { x, y: { field: 'utilization_percent', type: 'quantitative', title: 'GPU utilization (%)', scale: { domain: [0, 100] } } },
  });
  utilizationLayer.push(hoverRule('utilizationHour', utilizationTooltip, undefined));
  return {
    $schema: VEGA_LITE_SCHEMA,
    title: withIntervals ? `Queues and GPU utilization per hour, mean of ${input.replications} replications with 95% bands` : 'Queues and GPU utilization per hour',
    vconcat: [
      { width: 900, height: 220, data: { values: queueData(input) }, layer: queueLayer },
      { width: 900, height: 160, data: { values: utilizationData(input) }, layer: utilizationLayer },
    ],
  };
}

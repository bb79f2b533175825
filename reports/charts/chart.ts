/**
 * What every chart builder shares: the Chart record, fixed rounding (specs are golden files, so
 * every number in them has a fixed number of decimals; money goes to dollars with 2), and the
 * fields that carry a 95% interval. Interval fields (`<field>_low`, `<field>_high`, `<field>_ci95`) appear in
 * a chart's data only when the run had more than one replication; builders draw error bars or
 * bands exactly when they are there.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { MeanInterval } from '../interval.ts';

/** A chart: `name` is its file stem under charts/ (`revenue-by-line`), `title` for the report. */
export interface Chart {
  readonly name: string;
  readonly title: string;
  readonly spec: TopLevelSpec;
}

export const VEGA_LITE_SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';

/** `value` rounded half away from zero to `decimals` places; never -0. */
export function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  const rounded = (Math.sign(value) * Math.round(Math.abs(value) * factor)) / factor;
  return rounded === 0 ? 0 : rounded;
}

/** Bounds the drawn interval may not cross (a count's interval stops at 0, a share's at 1). */
export interface IntervalBounds {
  readonly min?: number;
  readonly max?: number;
}

/** Bounds of a count or a duration. */
export const NON_NEGATIVE: IntervalBounds = { min: 0 };

/**
 * `{field: mean}` plus, when the interval has a half-width, `{field_low, field_high, field_ci95}`;
 * all rounded to `decimals`. `scale` converts units first (cents to dollars: 0.01); `bounds`
 * clip the drawn ends (not the half-width) for quantities that cannot leave them.
 */
export function intervalFields(field: string, interval: MeanInterval, decimals: number, scale = 1, bounds: IntervalBounds = {}): Record<string, number> {
  const mean = interval.mean * scale;
  const fields: Record<string, number> = { [field]: round(mean, decimals) };
  if (interval.ci95 !== null) {
    const half = interval.ci95 * scale;
    fields[`${field}_low`] = round(Math.max(mean - half, bounds.min ?? -Infinity), decimals);
    fields[`${field}_high`] = round(Math.min(mean + half, bounds.max ?? Infinity), decimals);
    fields[`${field}_ci95`] = round(half, decimals);
  }
  return fields;
}

/**
 * Groups values by key across replications, keys in first-seen order: the rows of one key are
 * that key's values in each replication (absent values are left out, not counted as zero).
 */
export function valuesByKey<Row>(rows: readonly Row[], keyOf: (row: Row) => string, valueOf: (row: Row) => number | null): Map<string, number[]> {
  const groups = new Map<string, number[]>();
  for (const row of rows) {
    const key = keyOf(row);
    let values = groups.get(key);
    if (values === undefined) {
      values = [];
      groups.set(key, values);
    }
    const value = valueOf(row);
    if (value !== null) values.push(value);
  }
  return groups;
}

/** Compares plan ids by their catalog order (unknown plans last, by id). */
export function byPlanOrder(plans: readonly string[]): (a: string, b: string) => number {
  const rank = (plan: string): number => {
    const index = plans.indexOf(plan);
    return index === -1 ? plans.length : index;
  };
  return (a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Parts of a unit spec, named from vega-lite's public TopLevelSpec (it exports no smaller types). */
type UnitSpec = Extract<TopLevelSpec, { mark: unknown }>;
export type Encoding = NonNullable<UnitSpec['encoding']>;
export type Tooltip = NonNullable<Encoding['tooltip']>;
export type TooltipField = Extract<Tooltip, readonly unknown[]>[number];
/** One layer of a layered spec (a unit spec or a nested layer). */
export type Layer = Extract<TopLevelSpec, { layer: unknown }>['layer'][number];

/**
 * The fill of a 95% band drawn under a line colored by `color`: the same field, domain and
 * colors on the fill channel, its legend swatches opaque: vega-lite merges the band's and the
 * line's legends into one, which would otherwise show the band's pale swatch.
 */
export function bandFill(color: Encoding['color']): Encoding['fill'] {
  return { ...(color as object), legend: { symbolOpacity: 1 } } as Encoding['fill'];
}

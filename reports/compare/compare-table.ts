/**
 * The comparison as a text table for the terminal: a block per plan (then the fleet, `all`) with
 * the figures a pricing team reads first, one column per run, then one per run after the first
 * with its difference from the first. With replications each cell is `mean ± half-width` and a
 * difference whose intervals overlap the first run's is marked `~` (not told apart from noise).
 * Every figure, with every revenue line, is in compare.csv.
 */
import { FLEET_PLAN, type Unit } from './figures.ts';
import type { CompareRow, ComparedRun } from './compare-rows.ts';
import { comparedPlans } from './compare-rows.ts';

const TIER_FIGURES = ['revenue_total', 'gross_margin', 'fast_hours', 'relax_hours', 'fast_wait_p95', 'relax_wait_p95', 'exhausted_share', 'blocked_requests', 'upgrades', 'downgrades', 'churned', 'subscribers_end'];
const FLEET_FIGURES = ['revenue_total', 'gpu_cost', 'gross_margin', 'utilization'];
const LABELS: Readonly<Record<string, string>> = {
  revenue_total: 'revenue',
  gross_margin: 'gross margin',
  gpu_cost: 'GPU cost',
  fast_hours: 'Fast hours',
  relax_hours: 'Relax hours',
  fast_wait_p95: 'Fast wait p95',
  relax_wait_p95: 'Relax wait p95',
  exhausted_share: 'cycles out of Fast',
  blocked_requests: 'blocked requests',
  upgrades: 'upgrades',
  downgrades: 'downgrades',
  churned: 'churned',
  subscribers_end: 'subscribers at end',
  utilization: 'GPU utilization',
};

const grouped = (value: number, decimals: number): string => value.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

/** Decimals shown per unit (a share as a percentage). */
const SHOWN_DECIMALS: Readonly<Record<Unit, number>> = { usd: 2, seconds: 2, hours: 1, share: 1, day: 1, count: 1 };

/** A value in its unit (`signed` writes + on positive differences; what shows as 0 has no sign). */
export function formatValue(value: number, unit: Unit, signed = false): string {
  const shown = unit === 'share' ? value * 100 : value;
  const decimals = unit === 'count' && Number.isInteger(value) ? 0 : SHOWN_DECIMALS[unit];
  const magnitude = grouped(Math.abs(shown), decimals);
  const zero = Number(Math.abs(shown).toFixed(decimals)) === 0;
  const sign = zero ? '' : shown < 0 ? '-' : signed ? '+' : '';
  switch (unit) {
    case 'usd':
      return `${sign}$${magnitude}`;
    case 'seconds':
      return `${sign}${magnitude} s`;
    case 'hours':
      return `${sign}${magnitude} h`;
    case 'share':
      return `${sign}${magnitude}%`;
    case 'day':
    case 'count':
      return `${sign}${magnitude}`;
  }
}

function cell(mean: number | null, half: number | null, unit: Unit, signed: boolean): string {
  if (mean === null) return '-';
  return half === null ? formatValue(mean, unit, signed) : `${formatValue(mean, unit, signed)} ± ${formatValue(half, unit)}`;
}

function pad(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows.map((row) => row.map((text, column) => (column === 0 ? text.padEnd(widths[column]!) : text.padStart(widths[column]!))).join('  ').trimEnd());
}

export function compareTable(runs: readonly ComparedRun[], rows: readonly CompareRow[]): string {
  const names = runs.map((run) => run.name);
  const withIntervals = runs.some((run) => run.summary.replications > 1);
  const header = ['', ...names, ...names.slice(1).map((name) => `${name} - ${names[0]}`)];
  const blocks: string[] = [];
  for (const plan of [...comparedPlans(runs), FLEET_PLAN]) {
    const figures = plan === FLEET_PLAN ? FLEET_FIGURES : TIER_FIGURES;
    const lines: string[][] = [[plan === FLEET_PLAN ? 'all plans (fleet)' : plan, ...header.slice(1)]];
    for (const metric of figures) {
      const own = names.map((name) => rows.find((row) => row.metric === metric && row.plan === plan && row.run === name));
      if (own.every((row) => row === undefined || row.mean === null)) continue;
      const unit = own.find((row) => row !== undefined)!.unit;
      const means = own.map((row) => cell(row?.mean ?? null, row?.ci95 ?? null, unit, false));
      const deltas = own.slice(1).map((row) => {
        if (row === undefined || row.delta === null) return '-';
        return `${cell(row.delta, row.delta_ci95, unit, true)}${row.overlaps_first === true ? ' ~' : ''}`;
      });
      lines.push([`  ${LABELS[metric]}`, ...means, ...deltas]);
    }
    blocks.push(pad(lines).join('\n'));
  }
  const legend = withIntervals
    ? 'means ± 95% half-widths across replications; ~ marks a difference whose intervals overlap the first run\'s (not told apart from noise)'
    : 'one replication per run: no intervals (run with --replications N to get them)';
  return `${blocks.join('\n\n')}\n\n${legend}`;
}

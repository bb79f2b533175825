/**
 * A sweep: the `sweep:` block of a scenario file (`npx tsx sim sweep FILE`). The file is a
 * scenario like any other (it may `extends:` one and override it); the block names the axes, each
 * a path into the scenario (after its files are merged) with the values to try, how cells are
 * drawn from them (the full grid, or a Latin hypercube sample), the replications per cell, and
 * what to report: an objective and constraints over the run's figures (checked by the command
 * line against the figures a comparison knows). Every problem is reported with file, line and
 * path, like any scenario problem.
 */
import { z } from 'zod';
import { InputError, type InputIssue } from './errors.ts';
import { type Composed, loadComposed } from './compose.ts';
import { SCENARIO_COMPOSITION, type ScenarioOverride } from './scenario-schema.ts';
import { type PathKey, issuesAt } from './yaml-load.ts';

/** At most this many cells (grid size or samples) and this many axes. */
export const MAX_CELLS = 10_000;
export const MAX_AXES = 8;

const axisValue = z.union([z.number(), z.string(), z.boolean()]);
const pathText = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*(\.([A-Za-z_][A-Za-z0-9_-]*|\d+))*$/, 'a dot path into the scenario, e.g. fleet.gpus or catalog.overrides.plans.basic.fast_hours (list items by index: fleet.gpus.1.gpus)')
  .describe('where the axis sets its value, as a dot path into the merged scenario');

const listAxis = z.strictObject({ path: pathText, values: z.array(axisValue).min(1).max(MAX_CELLS).describe('the values to try, in order') });
const rangeAxis = z
  .strictObject({
    path: pathText,
    from: z.number().describe('first value'),
    to: z.number().describe('last value (included when a whole number of steps away)'),
    step: z.number().positive().describe('distance between values'),
  })
  .refine((axis) => axis.to >= axis.from, { message: 'to must be at least from', path: ['to'] })
  .refine((axis) => (axis.to - axis.from) / axis.step < MAX_CELLS, { message: `more than ${MAX_CELLS} values`, path: ['step'] });

const figureTarget = z.strictObject({
  figure: z.string().min(1).describe('a figure of sim compare (compare.csv metric), e.g. gross_margin, relax_wait_p95, churned'),
  plan: z.string().min(1).default('all').describe('a plan id, or all (the fleet) where the figure has a fleet value'),
  at_most: z.number().optional(),
  at_least: z.number().optional(),
});

export const sweepSchema = z.strictObject({
  axes: z
    .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'axis names: letters, digits and _ (they head sweep.csv columns)'), z.union([listAxis, rangeAxis]))
    .refine((axes) => Object.keys(axes).length >= 1, 'at least one axis')
    .refine((axes) => Object.keys(axes).length <= MAX_AXES, `at most ${MAX_AXES} axes`),
  sampling: z
    .union([z.literal('grid'), z.strictObject({ latin_hypercube: z.strictObject({ samples: z.number().int().min(1).max(MAX_CELLS) }) })])
    .default('grid')
    .describe('grid (every combination) or { latin_hypercube: { samples: N } }'),
  seed: z.number().int().min(0).optional().describe("the sweep's seed (default the scenario's): each cell's seed derives from it and the cell's coordinates"),
  replications: z.number().int().min(1).max(1000).optional().describe("replications per cell (default the scenario's)"),
  objective: z
    .union([z.strictObject({ maximize: z.string().min(1), plan: z.string().min(1).default('all') }), z.strictObject({ minimize: z.string().min(1), plan: z.string().min(1).default('all') })])
    .describe('the figure to maximize or minimize (mean across replications)'),
  constraints: z
    .array(figureTarget.refine((target) => (target.at_most === undefined) !== (target.at_least === undefined), 'one of at_most or at_least'))
    .default([])
    .describe('what a feasible cell keeps to (means across replications)'),
});

export type SweepSpec = z.output<typeof sweepSchema>;
export type SweepAxis = SweepSpec['axes'][string];

export interface SweepAxisValues {
  readonly name: string;
  readonly path: readonly PathKey[];
  readonly values: readonly (number | string | boolean)[];
  /** Where each value is written (a range's values all at its `from`). */
  readonly origins: readonly { readonly file: string; readonly line: number | undefined }[];
}

export interface ReadSweep {
  readonly spec: SweepSpec;
  readonly axes: readonly SweepAxisValues[];
  /** The scenario's own seed and replications (the sweep's defaults). */
  readonly scenarioSeed: number;
  readonly scenarioReplications: number;
  readonly scenarioName: string;
  /** File and line of a path in the sweep file (or the files it extends). */
  readonly locate: Composed['locate'];
}

export function parsePath(text: string): PathKey[] {
  return text.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key));
}

function rangeValues(axis: { from: number; to: number; step: number }): number[] {
  const count = Math.floor((axis.to - axis.from) / axis.step + 1e-9) + 1;
  return Array.from({ length: count }, (_, index) => Number((axis.from + index * axis.step).toPrecision(12)));
}

function numberAt(data: unknown, key: string, fallback: number): number {
  const value = data !== null && typeof data === 'object' ? (data as Record<string, unknown>)[key] : undefined;
  return typeof value === 'number' ? value : fallback;
}

function existsAt(data: unknown, path: readonly PathKey[]): boolean {
  let node = data;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(String(key) in (node as object))) return false;
    node = (node as Record<string, unknown>)[String(key)];
  }
  return true;
}

/**
 * Reads the sweep block of `file` (an InputError lists every problem). An axis path must name a
 * field the merged scenario has, or one below `catalog.overrides` (new overrides are allowed);
 * whether each value suits that field is checked when the scenario is read with it.
 */
export function readSweep(file: string): ReadSweep {
  const scenario: Composed = loadComposed(file, SCENARIO_COMPOSITION);
  const data = scenario.data as Record<string, unknown> | null;
  const raw = data !== null && typeof data === 'object' ? data.sweep : undefined;
  if (raw === undefined) throw new InputError([{ file, line: 1, message: 'no sweep: block (a sweep file is a scenario with a sweep: block; see docs/SWEEPS.md)' }]);
  const parsed = sweepSchema.safeParse(raw);
  if (!parsed.success) throw new InputError(issuesAt(parsed.error.issues, scenario.locate, ['sweep']));
  const spec = parsed.data;
  const issues: InputIssue[] = [];
  const axes: SweepAxisValues[] = Object.entries(spec.axes).map(([name, axis]) => {
    const path = parsePath(axis.path);
    const where = ['sweep', 'axes', name];
    if (path[0] === 'sweep' || path[0] === 'name') issues.push({ ...scenario.locate([...where, 'path'], false), path: `${where.join('.')}.path`, message: `${axis.path}: a sweep cannot set ${String(path[0])}` });
    else if (!existsAt(data, path) && !(path[0] === 'catalog' && path[1] === 'overrides')) {
      issues.push({ ...scenario.locate([...where, 'path'], false), path: `${where.join('.')}.path`, message: `${axis.path}: the scenario has no such field (new fields may be set below catalog.overrides only)` });
    }
    if ('values' in axis) return { name, path, values: axis.values, origins: axis.values.map((_, index) => scenario.locate([...where, 'values', index], false)) };
    const values = rangeValues(axis);
    return { name, path, values, origins: values.map(() => scenario.locate([...where, 'from'], false)) };
  });
  const cells = spec.sampling === 'grid' ? axes.reduce((product, axis) => product * axis.values.length, 1) : spec.sampling.latin_hypercube.samples;
  if (cells > MAX_CELLS) issues.push({ ...scenario.locate(['sweep', 'axes'], true), path: 'sweep.axes', message: `the grid has ${cells.toLocaleString('en-US')} cells, more than ${MAX_CELLS.toLocaleString('en-US')}: fewer values, or sampling: { latin_hypercube: { samples: N } }` });
  if (issues.length > 0) throw new InputError(issues);
  return {
    spec,
    axes,
    scenarioSeed: numberAt(data, 'seed', 0),
    scenarioReplications: numberAt(data, 'replications', 1),
    scenarioName: typeof data?.name === 'string' ? data.name : 'sweep',
    locate: scenario.locate,
  };
}

/** The override an axis value makes. */
export function axisOverride(axis: SweepAxisValues, index: number): ScenarioOverride {
  return { path: axis.path, value: axis.values[index], origin: axis.origins[index]! };
}

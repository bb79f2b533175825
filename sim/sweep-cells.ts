/**
 * The cells of a sweep and their seeds. A grid takes every combination of the axes' values, the
 * first axis varying slowest; a Latin hypercube sample takes N cells so that, on every axis, each
 * of N equal strata of its values is hit once (values picked by stratum, the strata paired at
 * random from the sweep's seed). A cell's seed derives from the sweep's seed and the cell's
 * coordinates only, so a cell gives the same results whatever the worker count, the order cells
 * run in, or a resumed run.
 */
import { createHash } from 'node:crypto';
import seedrandom from 'seedrandom';
import type { ScenarioOverride } from '../scenarios/scenario-schema.ts';
import { type SweepAxisValues, axisOverride } from '../scenarios/sweep-schema.ts';

export interface SweepCell {
  /** 0-based, in grid or sample order: the cell's row in sweep.csv and its folder name. */
  readonly index: number;
  /** The value index on each axis, in axis order. */
  readonly valueIndexes: readonly number[];
  /** axis name -> value. */
  readonly coordinates: Readonly<Record<string, number | string | boolean>>;
  readonly seed: number;
  readonly overrides: readonly ScenarioOverride[];
}

/** A whole number below 2^48 from the sweep's seed and the cell's coordinates (SHA-256). */
export function cellSeed(sweepSeed: number, coordinates: Readonly<Record<string, unknown>>): number {
  const digest = createHash('sha256').update(`${sweepSeed}\n${JSON.stringify(coordinates)}`).digest();
  return digest.readUIntBE(0, 6);
}

function gridIndexes(axes: readonly SweepAxisValues[]): number[][] {
  let rows: number[][] = [[]];
  for (const axis of axes) rows = rows.flatMap((row) => axis.values.map((_, index) => [...row, index]));
  return rows;
}

/** N cells; on each axis, sample k falls in stratum perm[k] of N, mapped onto the axis's values. */
function latinHypercubeIndexes(axes: readonly SweepAxisValues[], samples: number, seed: number): number[][] {
  const random = seedrandom(`${seed}:latin-hypercube`);
  const columns = axes.map((axis) => {
    const strata = Array.from({ length: samples }, (_, index) => index);
    for (let index = samples - 1; index > 0; index -= 1) {
      const other = Math.floor(random() * (index + 1));
      [strata[index], strata[other]] = [strata[other]!, strata[index]!];
    }
    return strata.map((stratum) => Math.min(axis.values.length - 1, Math.floor(((stratum + random()) / samples) * axis.values.length)));
  });
  return Array.from({ length: samples }, (_, sample) => columns.map((column) => column[sample]!));
}

export function sweepCells(axes: readonly SweepAxisValues[], sampling: 'grid' | { readonly latin_hypercube: { readonly samples: number } }, sweepSeed: number): SweepCell[] {
  const rows = sampling === 'grid' ? gridIndexes(axes) : latinHypercubeIndexes(axes, sampling.latin_hypercube.samples, sweepSeed);
  return rows.map((valueIndexes, index) => {
    const coordinates = Object.fromEntries(axes.map((axis, position) => [axis.name, axis.values[valueIndexes[position]!]!]));
    return {
      index,
      valueIndexes,
      coordinates,
      seed: cellSeed(sweepSeed, coordinates),
      overrides: axes.map((axis, position) => axisOverride(axis, valueIndexes[position]!)),
    };
  });
}

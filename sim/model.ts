/**
 * The compiled scenario the simulation runs on: times in integer ms since the epoch, GPU time in
 * ms, money in cents, distributions as samplers. `scenarios/scenario-schema.ts` validates the YAML
 * and `sim/compile.ts` builds this; the simulation loop never sees YAML.
 */
import type { Catalog, Interval } from '../engine/index.ts';
import type { DistributionSpec, Sampler } from './random.ts';

export type RelaxOrder = 'fifo' | 'least_relax_used_first';

/** How a segment's jobs arrive. */
export type ArrivalModel =
  | {
      readonly kind: 'daily';
      /** Probability a subscriber is active on a given day (active days per week / 7). */
      readonly activeDayProbability: number;
      /** Jobs on an active day (rounded to a whole number >= 0). */
      readonly jobsPerActiveDay: Sampler;
      /** Mean of jobsPerActiveDay (before rounding). */
      readonly jobsPerActiveDayMean: number;
      /** Cumulative weights of the 24 local hours (last = 1). */
      readonly hourCumulative: Float64Array;
      /** UTC offsets in ms and their cumulative shares (last = 1). */
      readonly zoneOffsetsMs: Float64Array;
      readonly zoneCumulative: Float64Array;
    }
  | {
      readonly kind: 'poisson';
      /** Segment-wide Poisson arrival rate (jobs per hour), spread uniformly over subscribers. */
      readonly jobsPerHour: number;
    };

export interface SegmentModel {
  readonly name: string;
  readonly subscribers: number;
  /** Plan ids and cumulative shares (last = 1). */
  readonly planIds: readonly string[];
  readonly planCumulative: Float64Array;
  /** Share of subscribers on annual billing (where the plan has an annual price). */
  readonly annualShare: number;
  readonly arrivals: ArrivalModel;
  /** Job type ids and cumulative shares (last = 1). */
  readonly jobTypeIds: readonly string[];
  readonly jobTypeCumulative: Float64Array;
  /** GPU seconds per job, by job type index (same order as jobTypeIds). */
  readonly gpuSeconds: readonly Sampler[];
  readonly gpuSecondsSpecs: readonly DistributionSpec[];
  /** Share of jobs sent to Relax by choice (where the plan allows it). */
  readonly relaxByChoiceShare: number;
  /** Share of jobs asking for Turbo. */
  readonly turboShare: number;
}

export interface FleetStep {
  /** From this instant on... */
  readonly at: number;
  /** ...the fleet has this many GPUs (before outages). */
  readonly gpus: number;
}

export interface DemandWindow {
  readonly fromAt: number;
  readonly toAt: number;
  /** Arrival multiplier within the window (3 = triple). */
  readonly arrivalMultiplier: number;
  /** GPUs removed within the window (an outage). */
  readonly gpusLost: number;
  readonly label: string;
}

export interface BehaviourModel {
  /** Probability that a customer who exhausts Fast time buys a top-up, once per cycle. */
  readonly topupPropensityHardCap: number;
  readonly topupPropensityRelax: number;
  /** Hours bought per top-up. */
  readonly topupHours: number;
  /** At renewal: base probability to upgrade when the cycle was exhausted before `upgradeExhaustedBeforeDay`. */
  readonly upgradeProbability: number;
  readonly upgradeExhaustedBeforeDay: number;
  /** Extra upgrade probability per blocked request in the cycle (capped at 1 overall). */
  readonly upgradePerBlocked: number;
  /** At renewal: probability to downgrade when less than `downgradeBelowUsedShare` of the allowance was used. */
  readonly downgradeProbability: number;
  readonly downgradeBelowUsedShare: number;
  /** At renewal: monthly churn probability, plus a bump when the cycle saw blocked requests. */
  readonly churnProbability: number;
  readonly churnBlockedBump: number;
}

export interface SimModel {
  readonly name: string;
  readonly file: string;
  readonly startAt: number;
  readonly endAt: number;
  readonly seed: number;
  readonly replications: number;
  readonly catalog: Catalog;
  readonly segments: readonly SegmentModel[];
  readonly fleetSchedule: readonly FleetStep[];
  readonly costCentsPerGpuHour: number;
  readonly relaxOrder: RelaxOrder;
  /** GPUs only fast/turbo jobs may use (a share of the fleet, rounded down). */
  readonly fastReservedShare: number;
  /** A Turbo job occupies its GPU for its (Fast) GPU time divided by this. */
  readonly turboSpeedup: number;
  readonly behaviour: BehaviourModel;
  readonly demand: readonly DemandWindow[];
  /** Share of jobs of each job type (by id) that fail; absent: none. */
  readonly failureRates: ReadonlyMap<string, number>;
  /** Warm-up excluded from wait statistics (validation scenarios), ms. */
  readonly warmupMs: number;
}

export type { Interval };

/**
 * Compiles a validated scenario spec (scenarios/scenario-schema.ts) into the SimModel the
 * simulation runs on: instants to integer ms since the epoch (UTC), hours to ms, shares to
 * cumulative Float64Arrays whose last entry is exactly 1, distributions to samplers, the fleet to a
 * schedule sorted by instant. The spec is trusted here: anything invalid is a bug upstream and
 * asserts. `loadScenario` reads, validates and compiles a scenario file in one call.
 */
import { MS_PER_HOUR, type Catalog, type CatalogSpec, compileCatalog } from '../engine/index.ts';
import { type ScenarioOverride, type ScenarioSpec, readScenario } from '../scenarios/scenario-schema.ts';
import { horizonEndAt, parseInstant } from '../scenarios/scenario-time.ts';
import { compileDistribution, distributionMean } from './random.ts';
import type { ArrivalModel, BehaviourModel, DemandWindow, FleetStep, SegmentModel, SimModel } from './model.ts';

type SegmentSpec = ScenarioSpec['segments'][number];

function instantMs(text: string): number {
  const at = parseInstant(text);
  if (at === null) throw new Error(`compile: "${text}" is not a validated instant`);
  return at;
}

/**
 * Cumulative shares of non-negative `weights`, normalised so the entry of the last positive weight
 * and every entry after it are exactly 1 (a draw u in [0, 1) never lands on a zero weight).
 */
export function cumulativeShares(weights: readonly number[]): Float64Array {
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (!(total > 0)) throw new Error('compile: weights must have a positive sum');
  const cumulative = new Float64Array(weights.length);
  let running = 0;
  let lastPositive = 0;
  weights.forEach((weight, index) => {
    running += weight;
    cumulative[index] = running / total;
    if (weight > 0) lastPositive = index;
  });
  cumulative.fill(1, lastPositive);
  return cumulative;
}

function compileArrivals(arrivals: SegmentSpec['arrivals']): ArrivalModel {
  if (arrivals.kind === 'poisson') return { kind: 'poisson', jobsPerHour: arrivals.jobs_per_hour };
  return {
    kind: 'daily',
    activeDayProbability: arrivals.active_days_per_week / 7,
    jobsPerActiveDay: compileDistribution(arrivals.jobs_per_active_day),
    jobsPerActiveDayMean: distributionMean(arrivals.jobs_per_active_day),
    hourCumulative: cumulativeShares(arrivals.hour_profile),
    zoneOffsetsMs: Float64Array.from(arrivals.timezones, (zone) => Math.round(zone.utc_offset_hours * MS_PER_HOUR)),
    zoneCumulative: cumulativeShares(arrivals.timezones.map((zone) => zone.share)),
  };
}

function compileSegment(segment: SegmentSpec): SegmentModel {
  const planIds = Object.keys(segment.plan_mix);
  const jobTypeIds = Object.keys(segment.job_mix);
  const gpuSecondsSpecs = jobTypeIds.map((id) => {
    const spec = segment.gpu_seconds[id];
    if (spec === undefined) throw new Error(`compile: segment ${segment.name} has no gpu_seconds for ${id}`);
    return spec;
  });
  return {
    name: segment.name,
    subscribers: segment.subscribers,
    planIds,
    planCumulative: cumulativeShares(planIds.map((id) => segment.plan_mix[id]!)),
    annualShare: segment.annual_share,
    arrivals: compileArrivals(segment.arrivals),
    jobTypeIds,
    jobTypeCumulative: cumulativeShares(jobTypeIds.map((id) => segment.job_mix[id]!)),
    gpuSeconds: gpuSecondsSpecs.map(compileDistribution),
    gpuSecondsSpecs,
    relaxByChoiceShare: segment.relax_by_choice,
    turboShare: segment.turbo_share,
  };
}

/** The fleet as steps sorted by instant (a single number is one step at start). */
function compileFleet(gpus: ScenarioSpec['fleet']['gpus'], startAt: number): FleetStep[] {
  if (typeof gpus === 'number') return [{ at: startAt, gpus }];
  return gpus.map((step) => ({ at: instantMs(step.from), gpus: step.gpus })).sort((a, b) => a.at - b.at || a.gpus - b.gpus);
}

function compileBehaviour(behaviour: ScenarioSpec['behaviour']): BehaviourModel {
  return {
    topupPropensityHardCap: behaviour.topup_propensity.hard_cap,
    topupPropensityRelax: behaviour.topup_propensity.relax,
    topupHours: behaviour.topup_hours,
    upgradeProbability: behaviour.upgrade.probability,
    upgradeExhaustedBeforeDay: behaviour.upgrade.exhausted_before_day,
    upgradePerBlocked: behaviour.upgrade.per_blocked,
    downgradeProbability: behaviour.downgrade.probability,
    downgradeBelowUsedShare: behaviour.downgrade.below_used_share,
    churnProbability: behaviour.churn.monthly,
    churnBlockedBump: behaviour.churn.blocked_bump,
  };
}

function compileDemand(events: ScenarioSpec['demand_events']): DemandWindow[] {
  return events.map((event) => ({
    fromAt: instantMs(event.from),
    toAt: instantMs(event.to),
    arrivalMultiplier: event.arrival_multiplier,
    gpusLost: event.gpus_lost,
    label: event.label,
  }));
}

/** Builds the SimModel of a validated scenario (`file` is kept for messages and outputs). */
export function compileScenario(file: string, spec: ScenarioSpec, catalog: Catalog): SimModel {
  const startAt = instantMs(spec.start);
  return {
    name: spec.name,
    file,
    startAt,
    endAt: horizonEndAt(startAt, spec.horizon),
    seed: spec.seed,
    replications: spec.replications,
    catalog,
    segments: spec.segments.map(compileSegment),
    fleetSchedule: compileFleet(spec.fleet.gpus, startAt),
    costCentsPerGpuHour: spec.fleet.cost_per_gpu_hour_cents,
    relaxOrder: spec.fleet.relax_order,
    fastReservedShare: spec.fleet.fast_reserved_share,
    turboSpeedup: spec.fleet.turbo_speedup,
    behaviour: compileBehaviour(spec.behaviour),
    demand: compileDemand(spec.demand_events),
    failureRates: new Map(Object.entries(spec.job_types).map(([id, jobType]) => [id, jobType.failure_rate])),
    warmupMs: Math.round(spec.warmup_hours * MS_PER_HOUR),
  };
}

export interface LoadedScenario {
  readonly model: SimModel;
  readonly spec: ScenarioSpec;
  /** The catalog as validated: the file with the scenario's overrides merged in. */
  readonly catalogSpec: CatalogSpec;
}

/**
 * Reads, validates and compiles a scenario file. Throws one InputError listing every problem in the
 * scenario, its catalog file and its overrides, each with file, line and path (see `readScenario`).
 */
export function loadScenario(file: string, overrides: readonly ScenarioOverride[] = []): LoadedScenario {
  const { spec, catalogSpec } = readScenario(file, overrides);
  return { model: compileScenario(file, spec, compileCatalog(catalogSpec)), spec, catalogSpec };
}

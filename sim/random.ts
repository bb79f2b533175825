/**
 * Seeded randomness for the simulator: one scenario seed, split into named streams (arrivals,
 * durations, behaviour, population) so that adding draws to one stream never shifts another, and
 * the distributions scenarios use (constant, exponential, lognormal, gamma, poisson, empirical).
 *
 * Randomness lives in sim/ only; the engine never draws. Each stream is seedrandom's Alea
 * generator seeded with `<seed>:<replication>:<stream>`, so replication r of a scenario draws the
 * same numbers whichever worker runs it.
 */
import seedrandom from 'seedrandom';

export type StreamName = 'population' | 'arrivals' | 'durations' | 'behaviour' | 'failures';

/** A uniform draw in [0, 1). */
export type Uniform = () => number;

export type Streams = Readonly<Record<StreamName, Uniform>>;

export function createStreams(seed: number, replication: number): Streams {
  const make = (name: StreamName): Uniform => seedrandom.alea(`${seed}:${replication}:${name}`);
  return {
    population: make('population'),
    arrivals: make('arrivals'),
    durations: make('durations'),
    behaviour: make('behaviour'),
    failures: make('failures'),
  };
}

/** A distribution as written in a scenario (its unit is named by the field that holds it). */
export type DistributionSpec =
  | { readonly kind: 'constant'; readonly value: number }
  | { readonly kind: 'exponential'; readonly mean: number }
  | { readonly kind: 'lognormal'; readonly mean: number; readonly sd: number }
  | { readonly kind: 'gamma'; readonly mean: number; readonly shape: number }
  | { readonly kind: 'poisson'; readonly mean: number }
  | { readonly kind: 'empirical'; readonly values: readonly number[]; readonly weights?: readonly number[] };

/** Draws one value of a distribution from a uniform stream. */
export type Sampler = (uniform: Uniform) => number;

/** Strictly positive uniform in (0, 1), for logarithms. */
function open01(uniform: Uniform): number {
  let u = uniform();
  while (u === 0) u = uniform();
  return u;
}

/** One standard normal draw by Box-Muller (two uniforms, no cached second value: streams stay aligned). */
export function standardNormal(uniform: Uniform): number {
  const u1 = open01(uniform);
  const u2 = uniform();
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}

function gammaSampler(shape: number, scale: number): Sampler {
  // Marsaglia & Tsang (2000); shape < 1 via the boost Gamma(a) = Gamma(a + 1) * U^(1/a).
  const boosted = shape < 1;
  const a = boosted ? shape + 1 : shape;
  const d = a - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  return (uniform) => {
    for (;;) {
      const x = standardNormal(uniform);
      const v0 = 1 + c * x;
      if (v0 <= 0) continue;
      const v = v0 * v0 * v0;
      const u = open01(uniform);
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        const draw = d * v * scale;
        return boosted ? draw * Math.pow(open01(uniform), 1 / shape) : draw;
      }
    }
  };
}

function poissonSampler(mean: number): Sampler {
  if (mean > 30) {
    // Normal approximation with continuity correction for large means (counts per day).
    const sd = Math.sqrt(mean);
    return (uniform) => Math.max(0, Math.round(mean + sd * standardNormal(uniform)));
  }
  const limit = Math.exp(-mean);
  return (uniform) => {
    let count = 0;
    let product = uniform();
    while (product > limit) {
      count += 1;
      product *= uniform();
    }
    return count;
  };
}

function empiricalSampler(values: readonly number[], weights: readonly number[] | undefined): Sampler {
  const cumulative: number[] = [];
  let total = 0;
  values.forEach((_, index) => {
    total += weights?.[index] ?? 1;
    cumulative.push(total);
  });
  return (uniform) => {
    const target = uniform() * total;
    let low = 0;
    let high = cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (cumulative[mid]! > target) high = mid;
      else low = mid + 1;
    }
    return values[low]!;
  };
}

/** Compiles a distribution spec into a sampler (specs are validated by the scenario schema). */
export function compileDistribution(spec: DistributionSpec): Sampler {
  switch (spec.kind) {
    case 'constant':
      return () => spec.value;
    case 'exponential':
      return (uniform) => -Math.log(open01(uniform)) * spec.mean;
    case 'lognormal': {
      const sigma2 = Math.log(1 + (spec.sd * spec.sd) / (spec.mean * spec.mean));
      const mu = Math.log(spec.mean) - sigma2 / 2;
      const sigma = Math.sqrt(sigma2);
      return (uniform) => Math.exp(mu + sigma * standardNormal(uniform));
    }
    case 'gamma':
      return gammaSampler(spec.shape, spec.mean / spec.shape);
    case 'poisson':
      return poissonSampler(spec.mean);
    case 'empirical':
      return empiricalSampler(spec.values, spec.weights);
  }
}

/** The mean of a distribution (for load calculations and validation). */
export function distributionMean(spec: DistributionSpec): number {
  switch (spec.kind) {
    case 'constant':
      return spec.value;
    case 'empirical': {
      const weights = spec.values.map((_, index) => spec.weights?.[index] ?? 1);
      const total = weights.reduce((sum, weight) => sum + weight, 0);
      return spec.values.reduce((sum, value, index) => sum + value * weights[index]!, 0) / total;
    }
    default:
      return spec.mean;
  }
}

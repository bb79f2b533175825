/**
 * Synthetic job arrivals, generated one UTC day at a time so memory stays flat over long horizons.
 * A day's jobs are drawn per segment (daily activity model or a Poisson stream), thinned by the
 * demand windows' arrival multipliers, then sorted by (time, generation index): a total order.
 * Draws come from named streams: times, counts, customers and job choices from `arrivals`, GPU
 * seconds from `durations`, so changing a duration distribution never moves an arrival.
 */
import { MS_PER_DAY, MS_PER_HOUR } from '../engine/index.ts';
import type { Streams, Uniform } from './random.ts';
import type { DemandWindow, SegmentModel } from './model.ts';

/** Job modes as small integers in typed arrays: MODE_NAMES[code] is the engine's name. */
export const MODE_FAST = 0;
export const MODE_TURBO = 1;
export const MODE_RELAX = 2;
export const MODE_NAMES = ['fast', 'turbo', 'relax'] as const;
export const MODE_CODE = { fast: MODE_FAST, turbo: MODE_TURBO, relax: MODE_RELAX } as const;

/** One day of arrivals in time order (parallel arrays, `count` entries used). */
export interface DayArrivals {
  count: number;
  times: Float64Array;
  customers: Int32Array;
  jobTypes: Uint8Array;
  gpuMs: Float64Array;
  modes: Uint8Array;
}

/** First customer index of each segment (customers are numbered segment by segment). */
export function segmentOffsets(segments: readonly SegmentModel[]): number[] {
  const offsets: number[] = [];
  let next = 0;
  for (const segment of segments) {
    offsets.push(next);
    next += segment.subscribers;
  }
  return offsets;
}

/** Index of the first cumulative weight above u (u in [0, 1)). */
export function pickCumulative(cumulative: Float64Array, u: number): number {
  let low = 0;
  let high = cumulative.length - 1;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (cumulative[mid]! > u) high = mid;
    else low = mid + 1;
  }
  return low;
}

function multiplierAt(demand: readonly DemandWindow[], at: number): number {
  let multiplier = 1;
  for (const window of demand) if (at >= window.fromAt && at < window.toAt) multiplier *= window.arrivalMultiplier;
  return multiplier;
}

function maxMultiplier(demand: readonly DemandWindow[], dayStart: number): number {
  let best = 1;
  for (let hour = 0; hour < 24; hour += 1) best = Math.max(best, multiplierAt(demand, dayStart + hour * MS_PER_HOUR));
  for (const window of demand) {
    if (window.fromAt < dayStart + MS_PER_DAY && window.toAt > dayStart) best = Math.max(best, multiplierAt(demand, Math.max(window.fromAt, dayStart)));
  }
  return best;
}

/**
 * A day's candidate arrivals before sorting, interleaved (offset, customer, job type and mode,
 * GPU ms) so the gather in time order reads one cache line per job.
 */
class DayBuffer {
  count = 0;
  data: Float64Array = new Float64Array(4 << 16);

  add(offsetMs: number, customer: number, jobType: number, gpuMs: number, mode: number): void {
    if (this.count * 4 === this.data.length) this.grow();
    const base = this.count++ * 4;
    this.data[base] = offsetMs;
    this.data[base + 1] = customer;
    this.data[base + 2] = jobType * 8 + mode;
    this.data[base + 3] = gpuMs;
  }

  private grow(): void {
    const data = new Float64Array(this.data.length * 2);
    data.set(this.data);
    this.data = data;
  }
}

/** Packs (ms within the day, generation index) into one exactly sortable float64. */
const INDEX_SPACE = 2 ** 26;

export class ArrivalGenerator {
  private readonly buffer = new DayBuffer();
  private readonly offsets: number[];

  constructor(
    private readonly segments: readonly SegmentModel[],
    private readonly demand: readonly DemandWindow[],
    private readonly streams: Streams,
  ) {
    this.offsets = segmentOffsets(segments);
  }

  /** The arrivals of the UTC day starting at `dayStart`, clipped to [fromAt, toAt). */
  generate(dayStart: number, fromAt: number, toAt: number): DayArrivals {
    const buffer = this.buffer;
    buffer.count = 0;
    const peak = maxMultiplier(this.demand, dayStart);
    this.segments.forEach((segment, index) => this.generateSegment(segment, this.offsets[index]!, dayStart, peak));
    return this.sorted(dayStart, fromAt, toAt);
  }

  private job(segment: SegmentModel, customer: number, offsetMs: number, dayStart: number, peak: number): void {
    const uniform = this.streams.arrivals;
    if (peak > 1 && uniform() * peak >= multiplierAt(this.demand, dayStart + offsetMs)) return;
    const jobType = pickCumulative(segment.jobTypeCumulative, uniform());
    const choice = uniform();
    const mode = choice < segment.relaxByChoiceShare ? MODE_RELAX : choice < segment.relaxByChoiceShare + segment.turboShare ? MODE_TURBO : MODE_FAST;
    const gpuMs = Math.max(1, Math.round(segment.gpuSeconds[jobType]!(this.streams.durations) * 1000));
    this.buffer.add(offsetMs, customer, jobType, gpuMs, mode);
  }

  private generateSegment(segment: SegmentModel, firstCustomer: number, dayStart: number, peak: number): void {
    const uniform: Uniform = this.streams.arrivals;
    const model = segment.arrivals;
    if (model.kind === 'poisson') {
      const meanGapMs = MS_PER_HOUR / (model.jobsPerHour * peak);
      let offset = -Math.log(1 - uniform()) * meanGapMs;
      while (offset < MS_PER_DAY) {
        const customer = firstCustomer + Math.floor(uniform() * segment.subscribers);
        this.job(segment, customer, Math.floor(offset), dayStart, peak);
        offset += -Math.log(1 - uniform()) * meanGapMs;
      }
      return;
    }
    for (let index = 0; index < segment.subscribers; index += 1) {
      if (uniform() >= model.activeDayProbability) continue;
      const jobs = Math.max(0, Math.round(model.jobsPerActiveDay(uniform) * peak));
      if (jobs === 0) continue;
      const zone = model.zoneOffsetsMs[pickCumulative(model.zoneCumulative, uniform())]!;
      for (let job = 0; job < jobs; job += 1) {
        const hour = pickCumulative(model.hourCumulative, uniform());
        const local = hour * MS_PER_HOUR + Math.floor(uniform() * MS_PER_HOUR);
        const offset = (((local - zone) % MS_PER_DAY) + MS_PER_DAY) % MS_PER_DAY;
        this.job(segment, firstCustomer + index, offset, dayStart, peak);
      }
    }
  }

  private sorted(dayStart: number, fromAt: number, toAt: number): DayArrivals {
    const buffer = this.buffer;
    const data = buffer.data;
    if (buffer.count >= INDEX_SPACE) throw new Error(`more than ${INDEX_SPACE} jobs in one day`);
    const keys = new Float64Array(buffer.count);
    for (let index = 0; index < buffer.count; index += 1) keys[index] = data[index * 4]! * INDEX_SPACE + index;
    keys.sort();
    const out: DayArrivals = {
      count: 0,
      times: new Float64Array(buffer.count),
      customers: new Int32Array(buffer.count),
      jobTypes: new Uint8Array(buffer.count),
      gpuMs: new Float64Array(buffer.count),
      modes: new Uint8Array(buffer.count),
    };
    for (let rank = 0; rank < keys.length; rank += 1) {
      const base = (keys[rank]! % INDEX_SPACE) * 4;
      const at = dayStart + data[base]!;
      if (at < fromAt || at >= toAt) continue;
      const slot = out.count++;
      const typeAndMode = data[base + 2]!;
      out.times[slot] = at;
      out.customers[slot] = data[base + 1]!;
      out.jobTypes[slot] = typeAndMode >> 3;
      out.modes[slot] = typeAndMode & 7;
      out.gpuMs[slot] = data[base + 3]!;
    }
    return out;
  }
}

/**
 * Test support: a shipped scenario made small enough for a test (a fraction of its subscribers,
 * arrival rates and GPUs), the same model otherwise.
 */
import type { SimModel } from '../model.ts';

/** The model with 1/`factor` of its subscribers, arrival rates and GPUs (at least one of each). */
export function shrunk(model: SimModel, factor = 40): SimModel {
  return {
    ...model,
    segments: model.segments.map((segment) => ({
      ...segment,
      subscribers: Math.max(1, Math.round(segment.subscribers / factor)),
      arrivals: segment.arrivals.kind === 'poisson' ? { ...segment.arrivals, jobsPerHour: segment.arrivals.jobsPerHour / factor } : segment.arrivals,
    })),
    fleetSchedule: model.fleetSchedule.map((step) => ({ ...step, gpus: Math.max(1, Math.round(step.gpus / factor)) })),
    demand: model.demand.map((window) => ({ ...window, gpusLost: Math.round(window.gpusLost / factor) })),
  };
}

/**
 * Facts of a scenario's horizon that several parts of a run need: its calendar months and the
 * GPUs in service at an instant (schedule minus outages).
 */
import { addMonthsClamped } from '../engine/index.ts';
import type { SimModel } from './model.ts';

/** Calendar months of the horizon: the instants each starts at. */
export function monthStarts(model: SimModel): number[] {
  const starts: number[] = [];
  for (let index = 0; ; index += 1) {
    const at = addMonthsClamped(model.startAt, index);
    if (at >= model.endAt) break;
    starts.push(at);
  }
  return starts;
}

/** GPUs in service at `at`: the schedule's step minus GPUs lost to outages. */
export function capacityAt(model: SimModel, at: number): number {
  let gpus = model.fleetSchedule[0]?.gpus ?? 0;
  for (const step of model.fleetSchedule) if (step.at <= at) gpus = step.gpus;
  for (const window of model.demand) if (window.gpusLost > 0 && at >= window.fromAt && at < window.toAt) gpus -= window.gpusLost;
  return Math.max(0, gpus);
}

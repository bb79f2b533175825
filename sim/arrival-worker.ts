/**
 * Worker thread that generates a replication's arrivals one UTC day ahead of the simulation, so
 * the second core does the drawing and sorting while the first runs the event loop. It rebuilds
 * the model from the scenario file and uses the same named streams (`arrivals`, `durations`) as
 * the in-process generator: the days it sends are identical, byte for byte.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { ArrivalGenerator } from './arrivals.ts';
import { createStreams } from './random.ts';
import { loadScenario } from './compile.ts';
import type { ScenarioOverride } from '../scenarios/scenario-schema.ts';

export interface ArrivalWorkerData {
  readonly entry: string;
  readonly file: string;
  readonly seed: number;
  readonly replication: number;
  /** The sweep cell's values, set in the scenario as in the simulation thread. */
  readonly overrides: readonly ScenarioOverride[];
  readonly port: MessagePort;
  /** [0]: days sent so far (Atomics-notified), [1]: 1 after a failure. */
  readonly signal: SharedArrayBuffer;
}

const data = workerData as ArrivalWorkerData;
const signal = new Int32Array(data.signal);
try {
  const model = loadScenario(data.file, data.overrides).model;
  const generator = new ArrivalGenerator(model.segments, model.demand, createStreams(data.seed, data.replication));
  data.port.on('message', (dayStart: number) => {
    try {
      const day = generator.generate(dayStart, model.startAt, model.endAt);
      data.port.postMessage(day, [day.times.buffer, day.customers.buffer, day.jobTypes.buffer, day.gpuMs.buffer, day.modes.buffer] as ArrayBuffer[]);
    } catch (error) {
      data.port.postMessage({ error: error instanceof Error ? error.message : String(error) });
      Atomics.store(signal, 1, 1);
    }
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  });
} catch (error) {
  data.port.postMessage({ error: error instanceof Error ? error.message : String(error) });
  Atomics.store(signal, 1, 1);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/**
 * Where the simulation gets each day's arrivals: generated in-process, or by a worker thread one
 * day ahead (`ArrivalWorkerFeed`, used by the command line). The simulation loop is synchronous,
 * so the worker's days are received with `receiveMessageOnPort`, waiting on an Atomics signal.
 * Both feeds produce the same days from the same named streams.
 */
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ArrivalGenerator, type DayArrivals } from './arrivals.ts';
import type { SimModel } from './model.ts';
import { type Streams, createStreams } from './random.ts';
import type { ArrivalWorkerData } from './arrival-worker.ts';
import type { ScenarioOverride } from '../scenarios/scenario-schema.ts';

export interface ArrivalFeed {
  /** The arrivals of the UTC day starting at `dayStart` (days are asked for in order). */
  day(dayStart: number): DayArrivals;
  close(): void;
}

export class LocalArrivalFeed implements ArrivalFeed {
  private readonly generator: ArrivalGenerator;

  constructor(private readonly model: SimModel, streams: Streams) {
    this.generator = new ArrivalGenerator(model.segments, model.demand, streams);
  }

  day(dayStart: number): DayArrivals {
    return this.generator.generate(dayStart, this.model.startAt, this.model.endAt);
  }

  close(): void {}
}

const WAIT_SLICE_MS = 1000;
/**
 * A day not received after this long means the worker is gone (it died, or never started: a
 * thread can fail to start on a machine short of resources) and cannot say so to this thread,
 * which waits synchronously. The days are then drawn here instead, from the first: the streams
 * are the same, so the run is the same, only slower.
 */
const FALL_BACK_AFTER_MS = 60 * 1000;

export class ArrivalWorkerFeed implements ArrivalFeed {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private received = 0;
  private requestedUpTo: number;
  /** Set once the worker is given up on: the days are drawn in this thread from then on. */
  private local: ArrivalGenerator | null = null;

  /**
   * `model` must be the scenario file's model with `seed` and `overrides` (the worker rebuilds it
   * from the file and the overrides).
   */
  constructor(
    private readonly model: SimModel,
    private readonly seed: number,
    private readonly replication: number,
    private readonly firstDay: number,
    overrides: readonly ScenarioOverride[] = [],
    /** For tests: how long to wait for a day, and the module the worker runs. */
    private readonly options: { readonly fallBackAfterMs?: number; readonly workerEntry?: URL } = {},
  ) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const workerData: ArrivalWorkerData = {
      entry: (options.workerEntry ?? new URL('./arrival-worker.ts', import.meta.url)).href,
      file: model.file,
      seed,
      replication,
      overrides,
      port: channel.port2,
      signal: this.signal.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(new URL('./worker-bootstrap.mjs', import.meta.url), { workerData, transferList: [channel.port2] });
    this.worker.unref();
    this.requestedUpTo = firstDay;
    this.port.postMessage(firstDay);
  }

  day(dayStart: number): DayArrivals {
    if (dayStart !== this.requestedUpTo) throw new Error(`arrival feed: asked for ${dayStart}, prepared ${this.requestedUpTo}`);
    if (this.local !== null) {
      this.requestedUpTo = dayStart + 86_400_000;
      return this.local.generate(dayStart, this.model.startAt, this.model.endAt);
    }
    const day = this.receive() ?? this.fallBack(dayStart);
    // Ask for the next day at once: the worker draws it while this one is simulated.
    const next = dayStart + 86_400_000;
    this.requestedUpTo = next;
    if (this.local === null && next < this.model.endAt) this.port.postMessage(next);
    return day;
  }

  /** The worker's next day, or null when none came in FALL_BACK_AFTER_MS. */
  private receive(): DayArrivals | null {
    const started = Date.now();
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) {
        this.received += 1;
        const value = message.message as DayArrivals | { error: string };
        if ('error' in value) throw new Error(`arrival worker: ${value.error}`);
        return value;
      }
      if (Date.now() - started > (this.options.fallBackAfterMs ?? FALL_BACK_AFTER_MS)) return null;
      Atomics.wait(this.signal, 0, this.received, WAIT_SLICE_MS);
    }
  }

  /** Gives up on the worker: draws every day from the first here, and returns `dayStart`'s. */
  private fallBack(dayStart: number): DayArrivals {
    this.close();
    this.local = new ArrivalGenerator(this.model.segments, this.model.demand, createStreams(this.seed, this.replication));
    for (let day = this.firstDay; day < dayStart; day += 86_400_000) this.local.generate(day, this.model.startAt, this.model.endAt);
    return this.local.generate(dayStart, this.model.startAt, this.model.endAt);
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

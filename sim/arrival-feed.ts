/**
 * Where the simulation gets each day's arrivals: generated in-process, or by a worker thread one
 * day ahead (`ArrivalWorkerFeed`, used by the command line). The simulation loop is synchronous,
 * so the worker's days are received with `receiveMessageOnPort`, waiting on an Atomics signal.
 * Both feeds produce the same days from the same named streams.
 */
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import { ArrivalGenerator, type DayArrivals } from './arrivals.ts';
import type { SimModel } from './model.ts';
import type { Streams } from './random.ts';
import type { ArrivalWorkerData } from './arrival-worker.ts';

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
const GIVE_UP_MS = 10 * 60 * 1000;

export class ArrivalWorkerFeed implements ArrivalFeed {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private received = 0;
  private requestedUpTo: number;

  /** `model` must be the scenario file's model with `seed` (the worker rebuilds it from the file). */
  constructor(private readonly model: SimModel, seed: number, replication: number, firstDay: number) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const workerData: ArrivalWorkerData = {
      entry: new URL('./arrival-worker.ts', import.meta.url).href,
      file: model.file,
      seed,
      replication,
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
    const day = this.receive();
    // Ask for the next day at once: the worker draws it while this one is simulated.
    const next = dayStart + 86_400_000;
    if (next < this.model.endAt) {
      this.requestedUpTo = next;
      this.port.postMessage(next);
    }
    return day;
  }

  private receive(): DayArrivals {
    const started = Date.now();
    for (;;) {
      const message = receiveMessageOnPort(this.port);
      if (message !== undefined) {
        this.received += 1;
        const value = message.message as DayArrivals | { error: string };
        if ('error' in value) throw new Error(`arrival worker: ${value.error}`);
        return value;
      }
      if (Date.now() - started > GIVE_UP_MS) throw new Error('arrival worker: no day after 10 minutes');
      Atomics.wait(this.signal, 0, this.received, WAIT_SLICE_MS);
    }
  }

  close(): void {
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * The main thread's side of read-worker.ts: the export is read on another core and its batches
 * come back here one at a time (`next`), to be rated in this thread and then handed back
 * (`release`), which lets the reader refill that buffer. Synchronous, like the rest of rateFiles:
 * waits with Atomics.wait and takes messages with receiveMessageOnPort.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { CatalogSpec } from '../../engine/index.ts';
import type { EventBatch } from './event-batch.ts';
import type { InstantRange } from '../instants.ts';
import type { ReadWorkerData, ReadWorkerReply, ReadWorkerStart } from './read-worker.ts';

/**
 * Batches the reader may have ready ahead of the rating: 384 of 4096 events (about 90 MB at
 * most, made as first needed), so that the reader keeps reading through a wave of renewals (100k
 * customers renewing within a day of the export take the rating thread a few hundred ms).
 */
const RING_BATCHES = 384;
const WAIT_SLICE_MS = 1000;
const GIVE_UP_MS = 10 * 60 * 1000;

export type ReaderDone = Extract<ReadWorkerReply, { kind: 'done' }>;

export class ReaderThread {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(16));
  private received = 0;
  private closed = false;

  /**
   * Starts the worker at once: it loads while this thread reads the catalog, then waits for it
   * (`start`), and reads while this thread reads the other inputs.
   */
  constructor(file: string, expectedEvents: number) {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const workerData: ReadWorkerData = {
      entry: fileURLToPath(new URL('./read-worker.ts', import.meta.url)),
      port: channel.port2,
      signal: this.signal.buffer as SharedArrayBuffer,
      ringBatches: RING_BATCHES,
      file,
      expectedEvents,
    };
    // No inherited execArgv: `npx tsx` runs this process with `--import tsx`, which in a worker
    // starts tsx's ESM loader (~150 ms); the bootstrap registers the lighter require hook itself.
    this.worker = new Worker(new URL('./read-worker-bootstrap.cjs', import.meta.url), { workerData, transferList: [channel.port2], execArgv: [] });
    this.worker.unref();
  }

  /** Lets the worker read, under this catalog. */
  start(spec: CatalogSpec, range: InstantRange): void {
    const start: ReadWorkerStart = { spec, range };
    this.port.postMessage(start);
    Atomics.store(this.signal, 3, 1);
    Atomics.notify(this.signal, 3);
  }

  /** The next batch of the export (to be `release`d once rated), or the reading's outcome at the end. */
  next(): EventBatch | ReaderDone {
    const started = Date.now();
    for (;;) {
      const sent = Atomics.load(this.signal, 0);
      if (sent > this.received || Atomics.load(this.signal, 1) !== 0) break;
      if (Date.now() - started > GIVE_UP_MS) throw new Error('export reader: no progress in 10 minutes');
      Atomics.wait(this.signal, 0, sent, WAIT_SLICE_MS);
    }
    const message = receiveMessageOnPort(this.port);
    if (message === undefined) throw new Error('export reader: failed without a reason');
    this.received += 1;
    const reply = message.message as ReadWorkerReply;
    if (reply.kind === 'error') throw new Error(`export reader: ${reply.message}`);
    return reply.kind === 'batch' ? reply.batch : reply;
  }

  /** The last batch from `next` is rated: its buffer may be refilled. */
  release(): void {
    Atomics.add(this.signal, 2, 1);
    Atomics.notify(this.signal, 2);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }
}

/**
 * Where the partitions of a re-rating run: in this thread (`LocalPartition`) or each in a worker
 * thread (`WorkerPartition`, rate-worker.ts), behind one synchronous interface, so `rateFiles`
 * stays a plain function. The main thread reads and de-duplicates the export while the workers
 * rate the batches already sent.
 *
 * A worker's batches are written into its ring of QUEUED_BATCHES SharedArrayBuffers and posted
 * (a handle, no copy); a buffer is refilled once the worker has rated the batch it held, so at
 * most QUEUED_BATCHES wait and memory does not grow with the file. Replies are taken with
 * `receiveMessageOnPort` after waiting (Atomics.wait) on the worker's count of handled messages.
 * Workers send invoices as they close; they are decoded while this thread would otherwise wait.
 */
import { fileURLToPath } from 'node:url';
import { MessageChannel, type MessagePort, Worker, receiveMessageOnPort } from 'node:worker_threads';
import type { Catalog, CatalogSpec } from '../engine/index.ts';
import { type EventBatch, batchBufferBytes } from './event-batch.ts';
import { type InvoiceChunk, type PartitionResult, type PartitionSetup, PartitionRater, encodeSetup } from './partition-rater.ts';
import { decodeInvoices } from './invoice-codec.ts';
import type { RateWorkerData, RateWorkerMessage, RateWorkerReply } from './rate-worker.ts';

/** Events per batch, and batches a worker may have waiting (its ring of buffers). */
export const BATCH_EVENTS = 4096;
const QUEUED_BATCHES = 16;
const WAIT_SLICE_MS = 1000;
const GIVE_UP_MS = 10 * 60 * 1000;

export interface RatePartition {
  /** A buffer of at least `minimumBytes` to fill the next batch in (see event-batch.ts). */
  lend(minimumBytes: number): ArrayBuffer | SharedArrayBuffer;
  add(batch: EventBatch): void;
  /**
   * No more batches: the partition closes its re-rating at `endAt`, the export's last instant (a
   * worker starts to, without waiting).
   */
  end(endAt: number): void;
  /** The partition's result (after `end`). */
  result(): PartitionResult;
  /** Frees the partition (a worker is stopped); safe to call more than once. */
  close(): void;
}

export class LocalPartition implements RatePartition {
  private readonly rater: PartitionRater;
  private buffer = new ArrayBuffer(0);
  private endAt = Number.NEGATIVE_INFINITY;

  constructor(catalog: Catalog, setup: PartitionSetup) {
    this.rater = new PartitionRater(catalog, setup);
  }

  /** The one buffer, refilled batch after batch: each is rated (`add`) before the next is filled. */
  lend(minimumBytes: number): ArrayBuffer {
    if (this.buffer.byteLength < minimumBytes) this.buffer = new ArrayBuffer(minimumBytes);
    return this.buffer;
  }

  add(batch: EventBatch): void {
    this.rater.add(batch);
  }

  end(endAt: number): void {
    this.endAt = endAt;
  }

  result(): PartitionResult {
    return this.rater.finish(this.endAt);
  }

  close(): void {}
}

/** A partition in a worker thread; started at construction (it loads while inputs are read). */
export class WorkerPartition implements RatePartition {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly signal = new Int32Array(new SharedArrayBuffer(8));
  private posted = 0;
  private closed = false;
  /** The ring of batch buffers, and the message number of the batch each last held (-1: none). */
  private readonly slots = Array.from({ length: QUEUED_BATCHES }, () => new SharedArrayBuffer(batchBufferBytes(BATCH_EVENTS)));
  private readonly slotMessages = new Array<number>(QUEUED_BATCHES).fill(-1);
  private lent = 0;
  /** Names of the customers by number, for decoding invoices (grows as customers are found). */
  private customerIds: readonly string[] = [];
  /** Invoices received so far, decoded. */
  private readonly chunks: InvoiceChunk[] = [];
  private finished: PartitionResult | null = null;

  constructor() {
    const channel = new MessageChannel();
    this.port = channel.port1;
    const workerData: RateWorkerData = {
      entry: fileURLToPath(new URL('./rate-worker.ts', import.meta.url)),
      port: channel.port2,
      signal: this.signal.buffer as SharedArrayBuffer,
    };
    this.worker = new Worker(new URL('./rate-worker-bootstrap.cjs', import.meta.url), { workerData, transferList: [channel.port2] });
    this.worker.unref();
  }

  /** Sends the partition's setup; `customerIds` (kept, and read as it grows) names customers by number. */
  setup(spec: CatalogSpec, catalog: Catalog, setup: PartitionSetup, customerIds: readonly string[]): void {
    this.customerIds = customerIds;
    this.post({ kind: 'setup', spec, setup: encodeSetup(setup, catalog) }, []);
  }

  /** The next buffer of the ring, once the worker has rated the batch it held. */
  lend(minimumBytes: number): SharedArrayBuffer {
    const slot = this.lent % QUEUED_BATCHES;
    this.lent += 1;
    this.waitForHandled(this.slotMessages[slot]! + 1);
    if (this.slots[slot]!.byteLength < minimumBytes) this.slots[slot] = new SharedArrayBuffer(minimumBytes);
    return this.slots[slot]!;
  }

  add(batch: EventBatch): void {
    // The buffer's slot is free again once this message is handled.
    const slot = this.slots.indexOf(batch.buffer as SharedArrayBuffer);
    if (slot >= 0) this.slotMessages[slot] = this.posted;
    this.post({ kind: 'batch', batch }, []);
    this.receive();
  }

  end(endAt: number): void {
    this.post({ kind: 'finish', endAt }, []);
  }

  result(): PartitionResult {
    this.waitForHandled(this.posted);
    if (this.finished === null) throw new Error('rate worker: no result');
    return this.finished;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.port.close();
    void this.worker.terminate();
  }

  private post(message: RateWorkerMessage, transfer: ArrayBuffer[]): void {
    this.port.postMessage(message, transfer);
    this.posted += 1;
  }

  /**
   * Blocks until the worker has handled `count` messages, decoding the invoices it sends
   * meanwhile; throws what a failed worker reported.
   */
  private waitForHandled(count: number): void {
    const started = Date.now();
    for (;;) {
      this.receive();
      if (Atomics.load(this.signal, 1) !== 0) throw new Error('rate worker: failed without a reason');
      const handled = Atomics.load(this.signal, 0);
      if (handled >= count) return this.receive();
      if (Date.now() - started > GIVE_UP_MS) throw new Error('rate worker: no progress in 10 minutes');
      Atomics.wait(this.signal, 0, handled, WAIT_SLICE_MS);
    }
  }

  /** Takes every reply waiting on the port. */
  private receive(): void {
    for (;;) {
      const received = receiveMessageOnPort(this.port);
      if (received === undefined) return;
      const reply = received.message as RateWorkerReply;
      if (reply.kind === 'error') throw new Error(`rate worker: ${reply.message}`);
      this.chunks.push(decodeInvoices(reply.invoices, this.customerIds));
      if (reply.kind === 'result') this.finished = { chunks: this.chunks, refusedPurchases: reply.refusedPurchases };
    }
  }
}

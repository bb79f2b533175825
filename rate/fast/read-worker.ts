/**
 * Worker thread that reads a usage export for `engine rate` while the main thread rates it: the
 * byte reader and the EventStream (time order, repeated event_ids, batches) run here, and the
 * batches go to the main thread through a ring of shared buffers (reader-thread.ts), so reading
 * and rating use two cores.
 *
 * The worker is started before the catalog is read (loading its modules takes a few hundred ms,
 * which the main thread spends reading the catalog and subscriptions); the main thread then posts
 * the catalog's spec on the port.
 *
 * signal (Int32): [0] messages sent (Atomics-notified), [1] 1 after a failure, [2] batches the
 * main thread has rated (it notifies): a ring buffer is refilled only after its batch was rated,
 * [3] 1 once the main thread has posted the catalog (it notifies).
 */
import { type MessagePort, receiveMessageOnPort, workerData } from 'node:worker_threads';
import { type CatalogSpec, compileCatalog } from '../../engine/catalog.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import type { EventBatch } from './event-batch.ts';
import { type BatchTarget, EventStream } from './event-stream.ts';
import { type SkippedLines, readUsageExport } from './usage-export-reader.ts';
import type { InstantRange } from '../instants.ts';

export interface ReadWorkerData {
  /** This module's file path (the bootstrap requires it). */
  readonly entry: string;
  readonly port: MessagePort;
  readonly signal: SharedArrayBuffer;
  /** Batches that may be ready ahead of the rating (their buffers are made here, as first needed). */
  readonly ringBatches: number;
  readonly file: string;
  readonly expectedEvents: number;
}

/** What the main thread posts once it has read the catalog. */
export interface ReadWorkerStart {
  readonly spec: CatalogSpec;
  readonly range: InstantRange;
}

export type ReadWorkerReply =
  | { readonly kind: 'batch'; readonly batch: EventBatch }
  | {
      readonly kind: 'done';
      readonly issues: readonly InputIssue[];
      readonly ordered: boolean;
      readonly duplicates: number;
      readonly skipped: SkippedLines;
      readonly lastAt: number;
    }
  | { readonly kind: 'error'; readonly message: string };

const WAIT_SLICE_MS = 1000;

const data = workerData as ReadWorkerData;
const signal = new Int32Array(data.signal);

function send(reply: ReadWorkerReply): void {
  data.port.postMessage(reply);
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
}

/**
 * Batches into a ring of shared buffers: slot k again once the batch that last held it is rated.
 * A slot's buffer is made when first lent (here, not by the main thread: zeroing fresh memory
 * costs, and the ring is often not filled), and replaced by a bigger one if a batch needs it.
 */
function ringTarget(): BatchTarget {
  const ring: SharedArrayBuffer[] = [];
  let sent = 0;
  return {
    lend(minimumBytes: number): SharedArrayBuffer {
      const slot = sent % data.ringBatches;
      for (;;) {
        const rated = Atomics.load(signal, 2);
        if (rated >= sent - data.ringBatches + 1) break;
        Atomics.wait(signal, 2, rated, WAIT_SLICE_MS);
      }
      const buffer = ring[slot];
      if (buffer !== undefined && buffer.byteLength >= minimumBytes) return buffer;
      ring[slot] = new SharedArrayBuffer(minimumBytes);
      return ring[slot];
    },
    add(batch: EventBatch): void {
      sent += 1;
      send({ kind: 'batch', batch });
    },
  };
}

/** The catalog the main thread posts (it may still be reading it). */
function posted(): ReadWorkerStart {
  while (Atomics.load(signal, 3) === 0) Atomics.wait(signal, 3, 0, WAIT_SLICE_MS);
  const message = receiveMessageOnPort(data.port);
  if (message === undefined) throw new Error('the catalog was announced but not posted');
  return message.message as ReadWorkerStart;
}

try {
  const { spec, range } = posted();
  const catalog = compileCatalog(spec);
  const issues: InputIssue[] = [];
  const stream = new EventStream(ringTarget(), data.file, catalog, data.expectedEvents, range);
  const skipped = readUsageExport(data.file, catalog, issues, stream, { range });
  stream.flush();
  send({ kind: 'done', issues, ordered: stream.ordered, duplicates: stream.duplicates, skipped, lastAt: stream.lastAt });
} catch (error) {
  Atomics.store(signal, 1, 1);
  send({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
}

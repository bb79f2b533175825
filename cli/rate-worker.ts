/**
 * Worker thread rating one partition of `engine rate` (see partition-rater.ts): it compiles the
 * catalog from the spec the main thread validated, takes the partition's setup, then event batches
 * in order. The invoices closed while rating a batch go back right after it, encoded
 * (invoice-codec.ts): shipped young, they die young here, and the main thread decodes them while
 * it would otherwise wait. The rest (open periods) go back with the result on `finish`.
 *
 * Every message handled, failed or not, adds 1 to signal[0] (Atomics-notified): the main thread
 * waits on it, synchronously, for room to send more batches and for the result. After a failure
 * the worker reports it once, sets signal[1], and only counts the messages that follow.
 */
import { type MessagePort, workerData } from 'node:worker_threads';
import { type CatalogSpec, type RerateRefusal, compileCatalog } from '../engine/index.ts';
import type { EventBatch } from './event-batch.ts';
import { type EncodedInvoices, encodeInvoices, encodedBuffers } from './invoice-codec.ts';
import { type EncodedSetup, type InvoiceChunk, PartitionRater, decodeSetup } from './partition-rater.ts';

export interface RateWorkerData {
  /** This module's file path (the bootstrap requires it). */
  readonly entry: string;
  readonly port: MessagePort;
  /** Int32 [0]: messages handled; [1]: 1 after a failure. */
  readonly signal: SharedArrayBuffer;
}

export type RateWorkerMessage =
  | { readonly kind: 'setup'; readonly spec: CatalogSpec; readonly setup: EncodedSetup }
  | { readonly kind: 'batch'; readonly batch: EventBatch }
  | { readonly kind: 'finish'; readonly endAt: number };

export type RateWorkerReply =
  | { readonly kind: 'invoices'; readonly invoices: EncodedInvoices }
  | { readonly kind: 'result'; readonly invoices: EncodedInvoices; readonly refusedPurchases: readonly RerateRefusal[] }
  | { readonly kind: 'error'; readonly message: string };


const data = workerData as RateWorkerData;
const signal = new Int32Array(data.signal);
let rater: PartitionRater | null = null;
let failed = false;

function send(chunk: InvoiceChunk, refusedPurchases: readonly RerateRefusal[] | null): void {
  const invoices = encodeInvoices(chunk);
  const reply: RateWorkerReply = refusedPurchases === null ? { kind: 'invoices', invoices } : { kind: 'result', invoices, refusedPurchases };
  data.port.postMessage(reply, encodedBuffers(invoices));
}


function handle(message: RateWorkerMessage): void {
  switch (message.kind) {
    case 'setup': {
      const catalog = compileCatalog(message.spec);
      rater = new PartitionRater(catalog, decodeSetup(message.setup, catalog));
      return;
    }
    case 'batch': {
      rater!.add(message.batch);
      const chunk = rater!.takeInvoices(1);
      if (chunk !== null) send(chunk, null);
      return;
    }
    case 'finish': {
      const result = rater!.finish(message.endAt);
      for (const chunk of result.chunks) send(chunk, chunk === result.chunks.at(-1) ? result.refusedPurchases : null);
    }
  }
}

data.port.on('message', (message: RateWorkerMessage) => {
  if (!failed) {
    try {
      handle(message);
    } catch (error) {
      failed = true;
      const reply: RateWorkerReply = { kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      data.port.postMessage(reply);
      Atomics.store(signal, 1, 1);
    }
  }
  Atomics.add(signal, 0, 1);
  Atomics.notify(signal, 0);
});

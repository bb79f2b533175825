/**
 * The usage outbox -> Dodo figure: events per second the outbox sender ships from the live
 * database to the Dodo-compatible test server on loopback, through the real SDK (batches of
 * 1,000, 4 in flight), with the writes that mark them sent. The events are enqueued first (that
 * rate is printed too: completions write them in their ledger transaction). PGlite in a data folder
 * (what `live serve` uses by default), PGlite in memory (what the tests use), and the PostgreSQL at
 * DATABASE_URL when it is set.
 */
import { compileCatalog, usageEventOf } from '../engine/index.ts';
import { dodoClient } from '../live/dodo-client.ts';
import { type OutboxEntry, enqueueUsage } from '../live/outbox.ts';
import { OutboxSender } from '../live/sender.ts';
import { openDatabase } from '../live/store/database.ts';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { freshPostgresUrl } from '../live/test/backends.ts';
import type { BenchFigure } from './engine-bench.ts';

const ENQUEUE_CHUNK = 5_000;

type BenchDatabase = 'pglite-folder' | 'pglite-memory' | 'postgres';

async function benchOne(kind: BenchDatabase, events: number): Promise<BenchFigure[]> {
  const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);
  const folder = kind === 'pglite-folder' ? mkdtempSync(join(tmpdir(), 'gbl-outbox-bench-')) : null;
  const db = await openDatabase(kind === 'postgres' ? { url: await freshPostgresUrl() } : { dataDir: folder }); // postgres: a new database on DATABASE_URL's server
  // The server runs in its own thread (dodo-server-thread.ts), started the way sim workers are.
  const thread = new Worker(new URL('../sim/worker-bootstrap.mjs', import.meta.url), { workerData: { entry: fileURLToPath(new URL('./dodo-server-thread.ts', import.meta.url)) } });
  const [server] = (await once(thread, 'message')) as [{ url: string; apiKey: string }];
  const heldAtServer = async (): Promise<number> => {
    thread.postMessage('count');
    return ((await once(thread, 'message')) as [{ count: number }])[0].count;
  };
  try {
    await db.query('delete from usage_outbox');
    const now = Date.now();
    const enqueueStart = performance.now();
    for (let start = 0; start < events; start += ENQUEUE_CHUNK) {
      const chunk: OutboxEntry[] = [];
      for (let index = start; index < Math.min(events, start + ENQUEUE_CHUNK); index += 1) {
        const jobId = `bench-${now}-${index}`;
        chunk.push({ jobId, at: now, event: usageEventOf(catalog, `cus_${index % 1000}`, jobId, 'fast', 1000 + (index % 60_000), now) });
      }
      await db.transaction((sql) => enqueueUsage(sql, chunk, now));
    }
    const enqueueSeconds = (performance.now() - enqueueStart) / 1000;
    const sender = new OutboxSender({ db, client: dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 }), batchSize: 1000, parallel: 4 });
    const sendStart = performance.now();
    const result = await sender.drainAll();
    const sendSeconds = (performance.now() - sendStart) / 1000;
    const held = await heldAtServer();
    if (result.sent !== events || held !== events) throw new Error(`outbox bench: sent ${result.sent}, server holds ${held}, expected ${events}`);
    return [
      { name: `outbox-enqueue-${kind}`, value: Math.round(events / enqueueSeconds), unit: 'events/s', detail: `${events.toLocaleString('en-US')} usage events written to the outbox in transactions of ${ENQUEUE_CHUNK}` },
      { name: `outbox-send-${kind}`, value: Math.round(events / sendSeconds), unit: 'events/s', detail: `${events.toLocaleString('en-US')} events outbox -> test server (own thread) on loopback, real SDK, ${result.requests} requests of <= 1,000, 4 in flight, marked sent` },
    ];
  } finally {
    thread.postMessage('close');
    await once(thread, 'exit');
    await db.close();
    if (folder !== null) rmSync(folder, { recursive: true, force: true });
  }
}

export async function benchOutbox(events = 100_000): Promise<BenchFigure[]> {
  const figures = [...(await benchOne('pglite-folder', events)), ...(await benchOne('pglite-memory', events))];
  if (process.env.DATABASE_URL) figures.push(...(await benchOne('postgres', events)));
  return figures;
}

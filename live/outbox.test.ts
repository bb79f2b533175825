// The usage outbox and its sender against the Dodo-compatible test server, on PGlite and on a
// real PostgreSQL: batches of at most 1,000, resends de-duplicated, retries after 429 (honouring
// retry-after), 500, timeouts and dropped connections, rejected and expired events surfaced.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { usageEventOf, compileCatalog } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { dodoClient } from './dodo-client.ts';
import { type OutboxEntry, enqueueUsage, outboxSummary } from './outbox.ts';
import { OutboxSender } from './sender.ts';
import type { Database } from './store/database.ts';
import { BACKENDS } from './test/backends.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';

const { spec } = loadCatalog('scenarios/catalogs/midjourney.yaml');
const catalog = compileCatalog(spec);
const START = Date.UTC(2026, 11, 7, 12, 0, 0);

function entries(count: number, at: number, prefix = 'job'): OutboxEntry[] {
  return Array.from({ length: count }, (_, index) => {
    const jobId = `${prefix}-${index}`;
    return { jobId, at, event: usageEventOf(catalog, `cus_${index % 7}`, jobId, index % 5 === 0 ? 'turbo' : 'fast', 1000 + index, at) };
  });
}

describe.each(BACKENDS)('usage outbox on $name', (backend) => {
  let db: Database;
  let server: DodoTestServer;
  let now = START;
  const logged: string[] = [];
  const sender = (options: { maxRetries?: number; timeoutMs?: number; key?: string } = {}) =>
    new OutboxSender({
      db,
      client: dodoClient({ env: { DODO_PAYMENTS_API_KEY: options.key ?? server.apiKey }, baseURL: server.url, maxRetries: options.maxRetries ?? 0, timeoutMs: options.timeoutMs ?? 2_000 }),
      now: () => now,
      backoff: { baseMs: 1_000, maxMs: 60_000 },
      log: (line) => logged.push(line),
    });

  beforeAll(async () => {
    db = await backend.open();
    server = await startDodoServer({ now: () => now });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await db.close();
  });
  beforeEach(async () => {
    now = START;
    await db.query('delete from usage_outbox');
    server.state.events.clear();
    server.state.ingestRequests = 0;
    server.faults.clear();
    logged.length = 0;
  });

  it('sends in batches of at most 1,000; writing or sending an event twice changes nothing', async () => {
    expect(await enqueueUsage(db, entries(2500, now), now)).toBe(2500);
    expect(await enqueueUsage(db, entries(2500, now), now)).toBe(0);
    const result = await sender().drainAll();
    expect(result).toMatchObject({ sent: 2500, requests: 3, retried: 0 });
    expect(server.state.events.size).toBe(2500);
    expect(server.state.events.get('job-0:gpu')).toMatchObject({ customer_id: 'cus_0', metadata: { gpu_seconds: 1, mode: 'turbo' } });
    await db.query(`update usage_outbox set status = 'pending' where job_id in ('job-1', 'job-2')`);
    expect((await sender().drainAll()).sent).toBe(2);
    expect(server.state.events.size).toBe(2500);
    expect((await outboxSummary(db, now)).counts).toEqual({ pending: 0, sent: 2500, expired: 0, rejected: 0 });
  });

  it('honours retry-after on 429: nothing is sent before it, everything after', async () => {
    await enqueueUsage(db, entries(10, now), now);
    server.faults.inject('POST /events/ingest', { kind: 'status', status: 429, retryAfterSeconds: 30 });
    const send = sender();
    expect(await send.drainOnce()).toMatchObject({ sent: 0, retried: 10 });
    now += 29_000;
    expect(await send.drainOnce()).toMatchObject({ sent: 0, requests: 0 });
    now += 1_000;
    expect(await send.drainOnce()).toMatchObject({ sent: 10 });
    expect(server.state.events.size).toBe(10);
  });

  it('retries 500s, timeouts and dropped connections with backoff; the landed slow attempt is de-duplicated', async () => {
    await enqueueUsage(db, entries(50, now), now);
    server.faults.inject('POST /events/ingest', { kind: 'status', status: 500 });
    server.faults.inject('POST /events/ingest', { kind: 'drop' });
    server.faults.inject('POST /events/ingest', { kind: 'slow', delayMs: 400 });
    const send = sender({ timeoutMs: 200 });
    const delays: number[] = [];
    for (let round = 0; round < 3; round += 1) {
      expect(await send.drainOnce()).toMatchObject({ sent: 0, retried: 50 });
      const [row] = await db.query<{ next_attempt_at: number; last_error: string }>(`select next_attempt_at, last_error from usage_outbox limit 1`);
      delays.push(row!.next_attempt_at - now);
      now = row!.next_attempt_at;
    }
    expect(delays[1]!).toBeGreaterThan(delays[0]!);
    expect(delays[2]!).toBeGreaterThan(delays[1]!);
    await new Promise((resolve) => setTimeout(resolve, 300)); // the slow request lands meanwhile
    expect(await send.drainOnce()).toMatchObject({ sent: 50 });
    expect(server.state.events.size).toBe(50);
  });

  it('splits a refused batch to reject the one bad event and send the rest', async () => {
    const batch = entries(20, now);
    const bad = { ...batch[13]!, event: { ...batch[13]!.event, metadata: { gpu_seconds: 1, mode: 'fast', note: 'x'.repeat(600) } } };
    batch[13] = bad;
    await enqueueUsage(db, batch, now);
    const result = await sender().drainAll();
    expect(result).toMatchObject({ sent: 19, rejected: 1 });
    const summary = await outboxSummary(db, now);
    expect(summary.stuck.map((row) => [row.event_id, row.status])).toEqual([['job-13:gpu', 'rejected']]);
    expect(summary.stuck[0]!.last_error).toContain('longer than 500');
    expect(logged.some((line) => line.includes('job-13:gpu'))).toBe(true);
  });

  it('never sends an event past the 1-hour window: it is expired and listed, as are pending events getting old', async () => {
    await enqueueUsage(db, entries(3, now - 59 * 60_000, 'old'), now);
    await enqueueUsage(db, entries(2, now - 20 * 60_000, 'late'), now);
    server.faults.inject('POST /events/ingest', { kind: 'status', status: 503 });
    const result = await sender().drainOnce();
    expect(result).toMatchObject({ expired: 3, retried: 2 });
    const summary = await outboxSummary(db, now);
    expect(summary.counts).toMatchObject({ expired: 3, pending: 2 });
    expect(summary.stuck.map((row) => `${row.event_id} ${row.status}`)).toEqual(['old-0:gpu expired', 'old-1:gpu expired', 'old-2:gpu expired', 'late-0:gpu pending', 'late-1:gpu pending']);
    expect(logged[0]).toContain('expired');
    expect(server.state.events.size).toBe(0);
  });

  it('keeps everything queued when Dodo refuses the key, and says so without the key', async () => {
    await enqueueUsage(db, entries(5, now), now);
    const result = await sender({ key: 'sk_bad_secret' }).drainOnce();
    expect(result).toMatchObject({ unauthorized: true, sent: 0, retried: 5 });
    expect(logged.join('\n')).not.toContain('sk_bad_secret');
    expect((await outboxSummary(db, now)).counts.pending).toBe(5);
  });

  it('writes nothing when the transaction that would record the job fails', async () => {
    await expect(
      db.transaction(async (sql) => {
        await enqueueUsage(sql, entries(3, now), now);
        throw new Error('ledger update failed');
      }),
    ).rejects.toThrow('ledger update failed');
    expect((await outboxSummary(db, now)).counts.pending).toBe(0);
  });

  it('drains in the background when woken', async () => {
    const send = sender();
    send.start(50);
    await enqueueUsage(db, entries(1200, now), now);
    send.wake();
    for (let wait = 0; wait < 100 && server.state.events.size < 1200; wait += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    await send.stop();
    expect(server.state.events.size).toBe(1200);
  });
});

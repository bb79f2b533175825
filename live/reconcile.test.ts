// Reconciliation of the outbox with Dodo's meter, on PGlite and on PostgreSQL, against the
// Dodo-compatible server: every class of event (matched over several pages, pending, just sent,
// unbilled, missing, differs, unknown), the meter's filter and the window applied; and the window's
// defaults and checks.
import DodoPayments from 'dodopayments';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCatalog, usageEventOf } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';
import { dodoClient } from './dodo-client.ts';
import { type OutboxEntry, enqueueUsage } from './outbox.ts';
import { compareEvents, eventMs, reconcile, reconcileWindow } from './reconcile.ts';
import { OutboxSender } from './sender.ts';
import type { Database } from './store/database.ts';
import { BACKENDS } from './test/backends.ts';

const { spec } = loadCatalog('scenarios/catalogs/midjourney.yaml');
const catalog = compileCatalog(spec);
const START = Date.UTC(2026, 11, 7, 12, 0, 0);
const MINUTE = 60_000;

function entry(customerId: string, jobId: string, ms: number, at: number, mode: 'fast' | 'turbo' = 'fast'): OutboxEntry {
  return { jobId, at, event: usageEventOf(catalog, customerId, jobId, mode, ms, at) };
}

describe('the reconciliation window', () => {
  it('defaults to the final day (ending an hour ago) and refuses bad or reversed bounds', () => {
    expect(reconcileWindow(null, null, START)).toEqual({ from: START - 25 * 60 * MINUTE, to: START - 60 * MINUTE });
    expect(reconcileWindow('2026-12-07T10:00:00Z', null, START)).toEqual({ from: START - 120 * MINUTE, to: START - 60 * MINUTE });
    expect(reconcileWindow('yesterday', null, START)).toBe('from must be an ISO-8601 instant, got "yesterday"');
    expect(reconcileWindow('2026-12-07T12:00:00Z', '2026-12-07T11:00:00Z', START)).toBe('from (2026-12-07T12:00:00.000Z) must be before to (2026-12-07T11:00:00.000Z)');
    expect(reconcileWindow('2026-10-01T00:00:00Z', '2026-12-01T00:00:00Z', START)).toBe('the window may span at most 31 days');
  });

  it('reads gpu_seconds as whole ms, rounded once', () => {
    expect(eventMs({ gpu_seconds: 1.4305 })).toBe(1431);
    expect(eventMs({ gpu_seconds: '2.5' })).toBe(2500);
    expect(eventMs({})).toBe(0);
    expect(eventMs(null)).toBe(0);
  });

  it('calls an event at Dodo under another customer one that differs, on both customers', () => {
    const local = [{ event_id: 'j:gpu', customer_id: 'cus_a', status: 'sent', sent_at: 0, ms: 1000 }];
    const { customers, unexplained } = compareEvents(local, new Map([['j:gpu', { event_id: 'j:gpu', customer_id: 'cus_b', ms: 1000 }]]), 10 * MINUTE);
    expect(customers).toEqual([
      { customer_id: 'cus_a', local_events: 1, local_ms: 1000, dodo_events: 0, dodo_ms: 0, classes: { differs: 1 } },
      { customer_id: 'cus_b', local_events: 0, local_ms: 0, dodo_events: 1, dodo_ms: 1000, classes: {} },
    ]);
    expect(unexplained).toEqual([{ event_id: 'j:gpu', class: 'differs', customer_id: 'cus_a', local_ms: 1000, dodo_ms: 1000, dodo_customer_id: 'cus_b' }]);
  });
});

describe.each(BACKENDS)('reconcile on $name', (backend) => {
  let db: Database;
  let server: DodoTestServer;
  let now = START;

  beforeAll(async () => {
    db = await backend.open();
    server = await startDodoServer({ now: () => now });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('sorts every event of the window into its class, per customer', async () => {
    const client = dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 });
    const meter = await client.meters.create({
      name: 'GPU seconds (fast)', event_name: catalog.meterEventName, measurement_unit: 'seconds', aggregation: { type: 'sum', key: 'gpu_seconds' },
      filter: { conjunction: 'or', clauses: [{ key: 'mode', operator: 'equals', value: 'fast' }, { key: 'mode', operator: 'equals', value: 'turbo' }] },
    });
    const sender = new OutboxSender({ db, client, now: () => now, log: () => {} });
    const at = START - 30 * MINUTE;
    now = START - 25 * MINUTE;
    // cus_a: 250 events sent (three pages of Dodo's list), cus_b: one of each other kind.
    await enqueueUsage(db, Array.from({ length: 250 }, (_, index) => entry('cus_a', `a${index}`, 1000 + index, at, index % 2 === 0 ? 'fast' : 'turbo')), now);
    await enqueueUsage(db, [entry('cus_b', 'missing', 2000, at), entry('cus_b', 'differs', 3000, at)], now);
    expect(await sender.drainAll()).toMatchObject({ sent: 252 });
    now = START - 2 * MINUTE;
    await enqueueUsage(db, [entry('cus_b', 'recent', 4000, at)], now);
    expect(await sender.drainAll()).toMatchObject({ sent: 1 });
    await enqueueUsage(db, [entry('cus_b', 'waiting', 5000, at), entry('cus_b', 'expired', 6000, at), entry('cus_b', 'rejected', 7000, at)], now);
    await db.query(`update usage_outbox set status = 'expired' where event_id = 'expired:gpu'`);
    await db.query(`update usage_outbox set status = 'rejected' where event_id = 'rejected:gpu'`);
    // Outside the window or off the meter: not counted on either side.
    await enqueueUsage(db, [entry('cus_a', 'later', 9000, START + MINUTE)], now);
    // What Dodo holds besides: lost, altered and foreign events.
    server.state.events.delete('missing:gpu');
    server.state.events.delete('recent:gpu');
    const altered = server.state.events.get('differs:gpu')!;
    server.state.events.set('differs:gpu', { ...altered, metadata: { ...altered.metadata, gpu_seconds: 3.5 } });
    await client.usageEvents.ingest({
      events: [
        { event_id: 'stranger:gpu', customer_id: 'cus_a', event_name: catalog.meterEventName, timestamp: new Date(at).toISOString(), metadata: { gpu_seconds: 8, mode: 'fast' } },
        { event_id: 'relax:gpu', customer_id: 'cus_a', event_name: catalog.meterEventName, timestamp: new Date(at).toISOString(), metadata: { gpu_seconds: 8, mode: 'relax' } },
      ],
    });
    now = START;

    const result = await reconcile(db, client, meter.id, START - 60 * MINUTE, START, now);
    const aMs = Array.from({ length: 250 }, (_, index) => 1000 + index).reduce((sum, ms) => sum + ms, 0);
    expect(result).toMatchObject({ from: '2026-12-07T11:00:00.000Z', to: '2026-12-07T12:00:00.000Z', meter_id: meter.id, final: false, unexplained_total: 3 });
    expect(result.customers).toEqual([
      { customer_id: 'cus_a', local_events: 250, local_ms: aMs, dodo_events: 251, dodo_ms: aMs + 8000, classes: { matched: 250, unknown: 1 } },
      { customer_id: 'cus_b', local_events: 6, local_ms: 27_000, dodo_events: 1, dodo_ms: 3500, classes: { missing: 1, differs: 1, just_sent: 1, pending: 1, unbilled: 2 } },
    ]);
    expect(result.unexplained).toEqual([
      { event_id: 'differs:gpu', class: 'differs', customer_id: 'cus_b', local_ms: 3000, dodo_ms: 3500, dodo_customer_id: 'cus_b' },
      { event_id: 'missing:gpu', class: 'missing', customer_id: 'cus_b', local_ms: 2000, dodo_ms: null, dodo_customer_id: null },
      { event_id: 'stranger:gpu', class: 'unknown', customer_id: 'cus_a', local_ms: null, dodo_ms: 8000, dodo_customer_id: 'cus_a' },
    ]);
    const limited = await reconcile(db, client, meter.id, START - 60 * MINUTE, START, START + 61 * MINUTE, 1);
    expect(limited).toMatchObject({ final: true, unexplained_total: 4, unexplained: [{ event_id: 'differs:gpu' }] }); // `recent` is missing by then
  });

  it('lets a refused key through as the SDK error, for the command line to report', async () => {
    const stranger = new DodoPayments({ bearerToken: 'wrong', baseURL: server.url, maxRetries: 0 });
    await expect(reconcile(db, stranger, 'mtr_x', START - MINUTE, START, START)).rejects.toBeInstanceOf(DodoPayments.AuthenticationError);
  });
});

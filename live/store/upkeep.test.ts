// Upkeep of the embedded database (PGlite has no autovacuum): autovacuum's rule, the sender
// analyzing a grown outbox so its due-events query walks the pending index, vacuuming the rows
// `sent` updates leave dead, and nothing done on a PostgreSQL server (its autovacuum does it).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCatalog, usageEventOf } from '../../engine/index.ts';
import { loadCatalog } from '../../scenarios/catalog-schema.ts';
import { dodoClient } from '../dodo-client.ts';
import { type OutboxEntry, enqueueUsage } from '../outbox.ts';
import { OutboxSender } from '../sender.ts';
import { BACKENDS } from '../test/backends.ts';
import { type DodoTestServer, startDodoServer } from '../dodo-sandbox/server.ts';
import type { Database } from './database.ts';
import { upkeepDue, upkeepTables } from './upkeep.ts';

const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);
const NOW = Date.UTC(2026, 11, 7, 12, 0, 0);

function entries(count: number): OutboxEntry[] {
  return Array.from({ length: count }, (_, index) => {
    const jobId = `upkeep-${index}`;
    return { jobId, at: NOW, event: usageEventOf(catalog, `cus_${index % 5}`, jobId, 'fast', 1000 + index, NOW) };
  });
}

async function counters(db: Database): Promise<{ rows: number; dead: number; changed: number }> {
  await db.query('select pg_stat_force_next_flush()');
  const [row] = await db.query<{ rows: number; dead: number; changed: number }>(
    `select c.reltuples as rows, s.n_dead_tup as dead, s.n_mod_since_analyze as changed
     from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = 'usage_outbox'`,
  );
  return row!;
}

const DUE_QUERY_PLAN = `explain select seq, event_id, body, attempts from usage_outbox
  where status = 'pending' and next_attempt_at <= ${NOW} and seq > 0 order by seq limit 1000`;

describe('autovacuum rule', () => {
  it('analyzes past 50 + 10% changed rows and vacuums past 50 + 20% dead rows; a never-analyzed table counts as empty', () => {
    expect(upkeepDue({ table: 't', changed: 50, dead: 0, rows: -1 })).toEqual({ analyze: false, vacuum: false });
    expect(upkeepDue({ table: 't', changed: 51, dead: 0, rows: -1 })).toEqual({ analyze: true, vacuum: false });
    expect(upkeepDue({ table: 't', changed: 1050, dead: 2050, rows: 10_000 })).toEqual({ analyze: false, vacuum: false });
    expect(upkeepDue({ table: 't', changed: 1051, dead: 2051, rows: 10_000 })).toEqual({ analyze: true, vacuum: true });
  });
});

describe('outbox upkeep on PGlite', () => {
  let db: Database;
  let server: DodoTestServer;
  beforeAll(async () => {
    db = await BACKENDS.find((backend) => backend.name === 'pglite')!.open();
    server = await startDodoServer({ now: () => NOW });
  }, 60_000);
  afterAll(async () => {
    await server.close();
    await db.close();
  });

  it('a sender round analyzes a grown outbox (the due query then uses the pending index) and vacuums what sending left dead', async () => {
    await enqueueUsage(db, entries(3000), NOW);
    expect((await counters(db)).rows).toBe(-1);
    const plan = async () => (await db.query<{ 'QUERY PLAN': string }>(DUE_QUERY_PLAN)).map((row) => row['QUERY PLAN']).join('\n');
    expect(await plan()).toContain('Bitmap Heap Scan');

    const sender = new OutboxSender({ db, client: dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 }), now: () => NOW, upkeepEveryMs: 0 });
    expect((await sender.drainOnce()).sent).toBe(3000);
    expect(await plan()).toMatch(/Index Scan using usage_outbox_pending/);
    expect((await counters(db)).dead).toBe(3000);

    expect((await sender.drainOnce()).requests).toBe(0);
    expect(await counters(db)).toEqual({ rows: 3000, dead: 0, changed: 0 });
    expect(server.state.events.size).toBe(3000);
  });

  it('does nothing when the counters are under the rule', async () => {
    expect(await upkeepTables(db, ['usage_outbox'])).toEqual({ analyzed: [], vacuumed: [] });
  });
});

describe('outbox upkeep on PostgreSQL', () => {
  it('is left to the server: nothing is analyzed or vacuumed', async () => {
    const db = await BACKENDS.find((backend) => backend.name === 'postgres')!.open();
    try {
      await enqueueUsage(db, entries(500), NOW);
      expect(await upkeepTables(db, ['usage_outbox'])).toEqual({ analyzed: [], vacuumed: [] });
    } finally {
      await db.close();
    }
  }, 60_000);
});

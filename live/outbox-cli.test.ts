// `live outbox` as a command, on the test PostgreSQL (DATABASE_URL): counts and stuck events.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { compileCatalog, usageEventOf } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { enqueueUsage, markRejected } from './outbox.ts';
import { migrate, openDatabase } from './store/database.ts';
import { MIGRATIONS } from './store/schema.ts';
import { freshPostgresUrl } from './test/backends.ts';

const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);

describe('live outbox', () => {
  it('lists counts and the stuck events, exit 3 when some are stuck', async () => {
    const url = await freshPostgresUrl();
    const db = await openDatabase({ url });
    expect(await migrate(db)).toEqual([]); // applied once: a second start migrates nothing
    expect((await db.query<{ version: number }>('select version from schema_migrations order by version')).map((row) => row.version)).toEqual(MIGRATIONS.map((migration) => migration.version));
    const now = Date.now();
    await enqueueUsage(db, [0, 1, 2].map((index) => ({ jobId: `j${index}`, at: now, event: usageEventOf(catalog, 'cus_1', `j${index}`, 'fast', 5000, now) })), now);
    await markRejected(db, ['j1:gpu'], '400 metadata.note is longer than 500 characters');
    await db.query(`insert into ledger_entries (job_id, customer_id, mode, gpu_ms, charged_ms, at) values ('j1', 'cus_1', 'fast', 5000, 5000, $1)`, [now]);
    await db.close();
    const run = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'live', 'outbox', ...args], { env: { ...process.env, DATABASE_URL: url } }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
    const text = await run([]);
    expect(text.code).toBe(3);
    expect(text.stdout).toContain('pending 2, sent 0, expired 0, rejected 1');
    expect(text.stdout).toMatch(/j1:gpu {2}rejected {2}cus_1 .* 400 metadata.note/);
    expect(text.stdout).toContain('not billed at Dodo (expired or rejected), per customer:\n  cus_1  1 event(s)  5 Fast s charged in the ledger\n');
    const json = await run(['--json']);
    expect(JSON.parse(json.stdout).stuck.map((row: { event_id: string }) => row.event_id)).toEqual(['j1:gpu']);
    expect(JSON.parse(json.stdout).unbilled).toEqual([{ customer_id: 'cus_1', events: 1, charged_ms: 5000 }]);
  });
});

// The embedded database's folder lock: a second open of a PGlite folder (another process, or this
// one) is refused with DatabaseInUse instead of working on its own copy of the pages (which loses
// the rows the first one commits); closing frees it; a lock a dead holder left stale is taken over.
import { mkdirSync, mkdtempSync, rmSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DatabaseInUse, LOCK_STALE_MS, openDatabase } from './database.ts';

const root = mkdtempSync(join(tmpdir(), 'gbl-db-lock-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('PGlite data folder lock', () => {
  it('refuses a second open until the first closes; rows are all kept', async () => {
    const folder = join(root, 'db');
    const first = await openDatabase({ dataDir: folder });
    await first.query(`insert into customers values ('cus_a', 'a@example.com', 'A', 'hash_a', 1)`);
    await expect(openDatabase({ dataDir: folder })).rejects.toThrow(DatabaseInUse);
    await expect(openDatabase({ dataDir: folder })).rejects.toThrow(`the live database in ${folder} is in use by another process`);
    await first.query(`insert into customers values ('cus_b', 'b@example.com', 'B', 'hash_b', 1)`);
    await first.close();
    const second = await openDatabase({ dataDir: folder });
    expect((await second.query<{ customer_id: string }>('select customer_id from customers order by 1')).map((row) => row.customer_id)).toEqual(['cus_a', 'cus_b']);
    await second.close();
  }, 60_000);

  it("takes over a lock its holder left stale (a crash: no refresh for the stale time)", async () => {
    const folder = join(root, 'crashed');
    const crashed = await openDatabase({ dataDir: folder });
    await crashed.close();
    // What a killed holder leaves: the lock directory, no longer refreshed.
    mkdirSync(`${folder}.lock`);
    await expect(openDatabase({ dataDir: folder })).rejects.toThrow(DatabaseInUse);
    const old = new Date(Date.now() - LOCK_STALE_MS - 5_000);
    utimesSync(`${folder}.lock`, old, old);
    const reopened = await openDatabase({ dataDir: folder });
    expect(await reopened.query('select 1 as one')).toEqual([{ one: 1 }]);
    await reopened.close();
  }, 60_000);
});

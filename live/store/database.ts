/**
 * The live adapter's database: PostgreSQL, either embedded (PGlite, a data folder, no server) or a
 * real server named by DATABASE_URL (node-postgres). Both are reached through the same two calls,
 * `query` and `transaction`, with the same SQL; `openDatabase` applies the migrations.
 *
 * bigint columns come back as JS numbers on both (instants, ms and cents stay below 2^53).
 *
 * A PGlite data folder is one process's: PGlite has no shared memory or locking between processes,
 * so a second process opening the folder works on its own copy of the pages and the last to write
 * them wins (rows the first one committed are lost). The folder is therefore locked for as long as
 * it is open, with `proper-lockfile` (a `<folder>.lock` directory whose time the holder refreshes,
 * taken over when the holder died and left it stale); a second open fails with DatabaseInUse.
 */
import { mkdirSync } from 'node:fs';
import lockfile from 'proper-lockfile';
import { MIGRATIONS } from './schema.ts';

/** The lock's time is refreshed this often; a lock not refreshed for LOCK_STALE_MS is a dead holder's. */
export const LOCK_REFRESH_MS = 5_000;
export const LOCK_STALE_MS = 15_000;

/** The PGlite data folder is open in another process (or another open in this one). */
export class DatabaseInUse extends Error {
  constructor(readonly dataDir: string) {
    super(
      `the live database in ${dataDir} is in use by another process (a running \`live serve\`?); ` +
        `stop it first (a holder that died frees it within ${LOCK_STALE_MS / 1000} s)`,
    );
    this.name = 'DatabaseInUse';
  }
}

export interface Sql {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs several statements without parameters (migrations). */
  script(text: string): Promise<void>;
}

export interface Database extends Sql {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (sql: Sql) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A postgres:// URL (DATABASE_URL); when absent, PGlite in `dataDir`. */
  readonly url?: string | null;
  /** PGlite's data folder; null = in memory. */
  readonly dataDir?: string | null;
  /**
   * Called if the folder's lock is lost while open (its refresh failed, or it went stale and was
   * taken); writing on would risk the data, so the holder should stop. Default: throw.
   */
  readonly onLockLost?: (error: Error) => void;
}

/** Locks a PGlite data folder for this process; resolves to the release. */
async function lockFolder(dataDir: string, onLockLost?: (error: Error) => void): Promise<() => Promise<void>> {
  try {
    return await lockfile.lock(dataDir, {
      stale: LOCK_STALE_MS,
      update: LOCK_REFRESH_MS,
      retries: 0,
      realpath: false,
      ...(onLockLost ? { onCompromised: onLockLost } : {}),
    });
  } catch (error) {
    if ((error as { code?: string }).code === 'ELOCKED') throw new DatabaseInUse(dataDir);
    throw error;
  }
}

async function openPglite(dataDir: string | null, onLockLost?: (error: Error) => void): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
  const release = dataDir === null ? async () => {} : await lockFolder(dataDir, onLockLost);
  let db: InstanceType<typeof PGlite>;
  try {
    db = dataDir === null ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
  } catch (error) {
    await release();
    throw error;
  }
  const wrap = (target: { query: typeof db.query; exec: typeof db.exec }): Sql => ({
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await target.query<Row>(text, params as unknown[])).rows;
    },
    async script(text: string): Promise<void> {
      await target.exec(text);
    },
  });
  return {
    kind: 'pglite',
    ...wrap(db),
    transaction: (work) => db.transaction((tx) => work(wrap(tx))),
    async close(): Promise<void> {
      try {
        await db.close();
      } finally {
        await release().catch((error: { code?: string }) => {
          if (error.code !== 'ERELEASED') throw error; // already lost (onLockLost said so)
        });
      }
    },
  };
}

async function openPostgres(url: string): Promise<Database> {
  const pg = (await import('pg')).default;
  const int8AsNumber = (oid: number, format?: string): ((value: string) => unknown) =>
    oid === 20 ? (value: string) => Number(value) : (pg.types.getTypeParser(oid, format as 'text') as (value: string) => unknown);
  const pool = new pg.Pool({ connectionString: url, max: 4, types: { getTypeParser: int8AsNumber } as never });
  pool.on('error', () => {}); // an idle client's dropped connection; the next query reconnects
  const sql = (target: { query: (text: string, params?: unknown[]) => Promise<{ rows: unknown[] }> }): Sql => ({
    async query<Row>(text: string, params: readonly unknown[] = []): Promise<Row[]> {
      return (await target.query(text, params as unknown[])).rows as Row[];
    },
    async script(text: string): Promise<void> {
      await target.query(text); // no parameters: the simple protocol, which runs several statements
    },
  });
  await pool.query('select 1');
  return {
    kind: 'postgres',
    ...sql(pool),
    async transaction<T>(work: (tx: Sql) => Promise<T>): Promise<T> {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await work(sql(client));
        await client.query('commit');
        return result;
      } catch (error) {
        await client.query('rollback').catch(() => {});
        throw error;
      } finally {
        client.release();
      }
    },
    close: () => pool.end(),
  };
}

/** Applies the migrations not applied yet, each in its own transaction. */
export async function migrate(db: Database): Promise<number[]> {
  await db.query('create table if not exists schema_migrations (version integer primary key, name text not null, applied_at bigint not null)');
  const done = new Set((await db.query<{ version: number }>('select version from schema_migrations')).map((row) => row.version));
  const applied: number[] = [];
  for (const migration of MIGRATIONS) {
    if (done.has(migration.version)) continue;
    await db.transaction(async (sql) => {
      await sql.script(migration.sql);
      await sql.query('insert into schema_migrations (version, name, applied_at) values ($1, $2, $3)', [migration.version, migration.name, Date.now()]);
    });
    applied.push(migration.version);
  }
  return applied;
}

/** Opens the database (PostgreSQL at `url`, else PGlite in `dataDir`) and migrates it. */
export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const db = options.url ? await openPostgres(options.url) : await openPglite(options.dataDir ?? null, options.onLockLost);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

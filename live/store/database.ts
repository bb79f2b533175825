/**
 * The live adapter's database: PostgreSQL, either embedded (PGlite, a data folder, no server) or a
 * real server named by DATABASE_URL (node-postgres). Both are reached through the same two calls,
 * `query` and `transaction`, with the same SQL; `openDatabase` applies the migrations.
 *
 * bigint columns come back as JS numbers on both (instants, ms and cents stay below 2^53).
 */
import { mkdirSync } from 'node:fs';
import { MIGRATIONS } from './schema.ts';

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
}

async function openPglite(dataDir: string | null): Promise<Database> {
  const { PGlite } = await import('@electric-sql/pglite');
  if (dataDir !== null) mkdirSync(dataDir, { recursive: true });
  const db = dataDir === null ? new PGlite() : new PGlite(dataDir);
  await db.waitReady;
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
    close: () => db.close(),
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
  const db = options.url ? await openPostgres(options.url) : await openPglite(options.dataDir ?? null);
  try {
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return db;
}

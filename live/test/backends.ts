/**
 * The databases live tests run on: PGlite in memory, and a real PostgreSQL. The PostgreSQL is
 * DATABASE_URL when set, else the scratch cluster of scripts/start-postgres.sh (started on first
 * use). Each test file gets its own fresh database there. If PostgreSQL cannot be reached or
 * started the tests fail: they never skip.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase } from '../store/database.ts';

let adminUrl: string | null = null;

/** The PostgreSQL server's URL (starting the scratch cluster when DATABASE_URL is unset). */
export function postgresAdminUrl(): string {
  if (adminUrl !== null) return adminUrl;
  if (process.env.DATABASE_URL) adminUrl = process.env.DATABASE_URL;
  else {
    try {
      adminUrl = execFileSync('scripts/start-postgres.sh', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').pop()!;
    } catch (error) {
      throw new Error(`PostgreSQL for the live tests: set DATABASE_URL or make scripts/start-postgres.sh work (${(error as { stderr?: string }).stderr ?? (error as Error).message})`);
    }
  }
  return adminUrl;
}

/** A new, empty database on the PostgreSQL server; its URL. */
export async function freshPostgresUrl(): Promise<string> {
  const admin = postgresAdminUrl();
  const name = `gbl_test_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(`create database ${name}`);
  } finally {
    await client.end();
  }
  const url = new URL(admin);
  url.pathname = `/${name}`;
  return url.toString();
}

export interface Backend {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<Database>;
}

export const BACKENDS: readonly Backend[] = [
  { name: 'pglite', open: () => openDatabase({ dataDir: null }) },
  { name: 'postgres', open: async () => openDatabase({ url: await freshPostgresUrl() }) },
];

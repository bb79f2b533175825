/**
 * Table upkeep for the embedded database. A PostgreSQL server runs autovacuum: it refreshes a
 * table's planner statistics (ANALYZE) once enough rows changed, and reclaims dead row versions
 * (VACUUM). PGlite is a single-user PostgreSQL with no autovacuum, so without this a table that
 * grew from nothing keeps the planner's empty-table guesses forever (the sender's "next 1,000 due
 * events" query then reads every pending row and sorts them, 4x slower at 100k pending), and
 * every `sent` update leaves a dead row behind.
 *
 * `upkeepTables` applies autovacuum's default rule to the named tables, from the same cumulative
 * statistics autovacuum reads: ANALYZE when the rows changed since the last analyze exceed
 * 50 + 10% of the table, VACUUM when the dead rows exceed 50 + 20%. On PostgreSQL it does nothing
 * (the server's autovacuum does the same).
 */
import type { Database } from './database.ts';

/** PostgreSQL's defaults: autovacuum_analyze_threshold / _scale_factor, autovacuum_vacuum_threshold / _scale_factor. */
export const ANALYZE_THRESHOLD_ROWS = 50;
export const ANALYZE_SCALE = 0.1;
export const VACUUM_THRESHOLD_ROWS = 50;
export const VACUUM_SCALE = 0.2;

export interface UpkeepDone {
  readonly analyzed: readonly string[];
  readonly vacuumed: readonly string[];
}

interface TableCounters {
  readonly table: string;
  /** Rows inserted, updated or deleted since the last analyze. */
  readonly changed: number;
  readonly dead: number;
  /** The planner's row count; -1 before the first analyze. */
  readonly rows: number;
}

/** What autovacuum would do to a table with these counters. */
export function upkeepDue(counters: TableCounters): { analyze: boolean; vacuum: boolean } {
  const rows = Math.max(0, counters.rows);
  return {
    analyze: counters.changed > ANALYZE_THRESHOLD_ROWS + ANALYZE_SCALE * rows,
    vacuum: counters.dead > VACUUM_THRESHOLD_ROWS + VACUUM_SCALE * rows,
  };
}

/** Analyzes and vacuums the tables that need it (PGlite only); says which. */
export async function upkeepTables(db: Database, tables: readonly string[]): Promise<UpkeepDone> {
  const analyzed: string[] = [];
  const vacuumed: string[] = [];
  if (db.kind !== 'pglite') return { analyzed, vacuumed };
  // Statistics reach the shared counters at a transaction's end, at most once a second unless forced.
  await db.query('select pg_stat_force_next_flush()');
  const counters = await db.query<TableCounters>(
    `select s.relname as table, s.n_mod_since_analyze as changed, s.n_dead_tup as dead, c.reltuples as rows
     from pg_stat_user_tables s join pg_class c on c.oid = s.relid where s.relname = any($1::text[]) order by s.relname`,
    [tables],
  );
  for (const table of counters) {
    const due = upkeepDue(table);
    // Names come from the caller's list of our own tables and are matched against the catalog above.
    if (due.vacuum) await db.script(`vacuum (analyze) ${table.table}`);
    else if (due.analyze) await db.script(`analyze ${table.table}`);
    if (due.vacuum) vacuumed.push(table.table);
    if (due.vacuum || due.analyze) analyzed.push(table.table);
  }
  return { analyzed, vacuumed };
}

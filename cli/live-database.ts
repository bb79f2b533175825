/**
 * The live database for the commands that read it beside `live serve` (`live outbox`,
 * `live reconcile`): DATABASE_URL, else the embedded PGlite in `<data>/db`. A folder with no
 * database, or one a running serve holds, is a usage error (exit 2) saying what to do instead.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { type Database, DatabaseInUse, openDatabase } from '../live/store/database.ts';
import { UsageError } from './command.ts';

/** Opens it; `serveRoute` is the running serve's endpoint that gives the same answer (e.g. `/v1/outbox`). */
export async function openLiveDatabase(data: string, serveRoute: string): Promise<Database> {
  const url = process.env.DATABASE_URL || null;
  const dataDir = join(data, 'db');
  if (url === null && !existsSync(join(dataDir, 'PG_VERSION'))) throw new UsageError(`no live database in ${data} (start \`npx tsx live serve\` first, or set DATABASE_URL)`);
  try {
    return await openDatabase({ url, dataDir });
  } catch (error) {
    if (error instanceof DatabaseInUse) throw new UsageError(`${error.message}; while it runs, ask it: curl -H "authorization: Bearer $LIVE_ADMIN_TOKEN" "http://127.0.0.1:PORT${serveRoute}"`);
    throw error;
  }
}

/**
 * `npx tsx live outbox`: the usage outbox at a glance: events by status, and the stuck ones
 * (rejected by Dodo, expired past its 1-hour window, or pending for more than 15 minutes) with
 * their last error. Reads the live database: DATABASE_URL, else PGlite in --data.
 */
import { formatIsoMs, secondsText } from '../engine/index.ts';
import { outboxSummary } from '../live/outbox.ts';
import { UsageError, parseFlags } from './command.ts';
import { openLiveDatabase } from './live-database.ts';

export const OUTBOX_USAGE = `Usage: npx tsx live outbox [--data DIR] [--limit N] [--json]

Lists the usage outbox: counts by status (pending, sent, expired, rejected), the stuck events:
rejected by Dodo, expired (older than Dodo's 1-hour ingest window before they could be sent) or
pending for more than 15 minutes, with their last error; and per customer, the Fast time of the
expired and rejected events (from the local ledger), which Dodo will not bill.
  --data DIR    the live data folder holding the embedded database (default .live)
  --limit N     stuck events to list (default 100)
  --json        print {"counts":{...},"stuck":[...],"unbilled":[...]}
Env: DATABASE_URL selects a PostgreSQL server instead of the embedded database.
The embedded database is one process's: while \`live serve\` runs on it, ask the server instead
(GET /v1/outbox with the admin token gives the same JSON).
Exit codes: 0 nothing stuck, 3 stuck events listed, 2 bad flags or the database in use.`;

export async function outboxMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        data: { type: 'string', default: '.live' },
        limit: { type: 'string', default: '100' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    OUTBOX_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${OUTBOX_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${OUTBOX_USAGE}`);
  const limit = Number(values.limit);
  if (!Number.isSafeInteger(limit) || limit < 1 || limit > 100_000) throw new UsageError(`--limit must be a whole number in 1..100000\n\n${OUTBOX_USAGE}`);
  const db = await openLiveDatabase(values.data, '/v1/outbox');
  try {
    const summary = await outboxSummary(db, Date.now(), limit);
    if (values.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
    else {
      const { counts } = summary;
      process.stdout.write(`pending ${counts.pending}, sent ${counts.sent}, expired ${counts.expired}, rejected ${counts.rejected}\n`);
      if (summary.stuck.length > 0) process.stdout.write(`stuck (${summary.stuck.length}):\n`);
      for (const row of summary.stuck) {
        process.stdout.write(`  ${row.event_id}  ${row.status}  ${row.customer_id}  ${formatIsoMs(row.event_at)}  attempts ${row.attempts}  ${row.last_error ?? ''}\n`);
      }
      if (summary.unbilled.length > 0) process.stdout.write(`not billed at Dodo (expired or rejected), per customer:\n`);
      for (const row of summary.unbilled) {
        process.stdout.write(`  ${row.customer_id}  ${row.events} event(s)  ${secondsText(row.charged_ms)} Fast s charged in the ledger\n`);
      }
    }
    return summary.stuck.length > 0 ? 3 : 0;
  } finally {
    await db.close();
  }
}

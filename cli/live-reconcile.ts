/**
 * `npx tsx live reconcile`: the local usage outbox against Dodo's meter, event by event, per
 * customer, over a window of event times (live/reconcile.ts). Reads the live database
 * (DATABASE_URL, else PGlite in --data) and Dodo (the SDK, as serve does). While serve runs on
 * the embedded database, GET /v1/reconcile on it gives the same JSON.
 */
import { secondsText } from '../engine/index.ts';
import { readIdMap } from '../live/id-map.ts';
import { type Reconciliation, reconcile, reconcileWindow } from '../live/reconcile.ts';
import { UsageError, parseFlags } from './command.ts';
import { openLiveDatabase } from './live-database.ts';
import { liveDodo, liveError } from './live-dodo-errors.ts';

export const RECONCILE_USAGE = `Usage: npx tsx live reconcile [--data DIR] [--from ISO] [--to ISO] [--limit N] [--json] [--dodo-base-url URL]

Compares the usage events of the local outbox with the events on Dodo's meter whose timestamps
fall in [--from, --to), event by event, and prints per customer the events and Fast seconds on
each side with how they match: matched, pending (not sent yet), just sent, unbilled (expired or
rejected: see live outbox), and the unexplained ones listed by id: missing (sent, not at Dodo),
differs (another customer or gpu_seconds at Dodo), unknown (at Dodo only).
  --data DIR          the live data folder (id mapping, embedded database; default .live)
  --to ISO            end of the window (default: now - 1 hour, so the window is final:
                      Dodo takes no event older than an hour)
  --from ISO          start of the window (default: --to - 24 hours)
  --limit N           unexplained events to list (default 100)
  --json              print the reconciliation as JSON
  --dodo-base-url URL Dodo API base URL (default DODO_PAYMENTS_BASE_URL, else test mode)
Env: DODO_PAYMENTS_API_KEY (required), DATABASE_URL, DODO_PAYMENTS_BASE_URL, DODO_PAYMENTS_ENVIRONMENT.
While \`live serve\` runs on the embedded database, ask it: GET /v1/reconcile?from=&to= (admin).
Exit codes: 0 everything explained, 3 unexplained events listed, 2 bad flags or settings or the
database in use, 1 Dodo unreachable or refusing.`;

export function reconciliationText(result: Reconciliation): string {
  const lines = [`reconcile ${result.from} .. ${result.to} on meter ${result.meter_id}${result.final ? '' : ' (window still open: events may still arrive)'}`];
  if (result.customers.length === 0) lines.push('no usage events on either side');
  for (const row of result.customers) {
    const classes = Object.entries(row.classes).map(([name, count]) => `${name} ${count}`).join(', ');
    lines.push(`  ${row.customer_id}  local ${row.local_events} ev ${secondsText(row.local_ms)} s  dodo ${row.dodo_events} ev ${secondsText(row.dodo_ms)} s  ${classes}`);
  }
  if (result.unexplained_total > 0) lines.push(`unexplained (${result.unexplained_total}${result.unexplained.length < result.unexplained_total ? `, first ${result.unexplained.length}` : ''}):`);
  for (const event of result.unexplained) {
    const local = event.local_ms === null ? '-' : `${secondsText(event.local_ms)} s`;
    const dodo = event.dodo_ms === null ? '-' : `${secondsText(event.dodo_ms)} s${event.dodo_customer_id !== event.customer_id ? ` for ${event.dodo_customer_id}` : ''}`;
    lines.push(`  ${event.event_id}  ${event.class}  ${event.customer_id}  local ${local}  dodo ${dodo}`);
  }
  return `${lines.join('\n')}\n`;
}

export async function reconcileMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        data: { type: 'string', default: '.live' },
        from: { type: 'string' },
        to: { type: 'string' },
        limit: { type: 'string', default: '100' },
        json: { type: 'boolean', default: false },
        'dodo-base-url': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    RECONCILE_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${RECONCILE_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${RECONCILE_USAGE}`);
  const limit = Number(values.limit);
  if (!/^\d+$/.test(values.limit) || limit < 1 || limit > 100_000) throw new UsageError(`--limit must be a whole number in 1..100000\n\n${RECONCILE_USAGE}`);
  const now = Date.now();
  const window = reconcileWindow(values.from ?? null, values.to ?? null, now);
  if (typeof window === 'string') throw new UsageError(`--${window}\n\n${RECONCILE_USAGE}`);
  const ids = readIdMap(values.data);
  if (ids === null) throw new UsageError(`no id mapping in ${values.data}: run \`npx tsx live provision\` with --data ${values.data} first`);
  const { dodo, baseUrl } = liveDodo(values['dodo-base-url']);
  const db = await openLiveDatabase(values.data, '/v1/reconcile?from=...&to=...');
  try {
    let result: Reconciliation;
    try {
      result = await reconcile(db, dodo, ids.meter_id, window.from, window.to, now, limit);
    } catch (error) {
      throw liveError(error, baseUrl);
    }
    process.stdout.write(values.json ? `${JSON.stringify(result)}\n` : reconciliationText(result));
    return result.unexplained_total > 0 ? 3 : 0;
  } finally {
    await db.close();
  }
}

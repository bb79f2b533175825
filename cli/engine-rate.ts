/**
 * `npx tsx engine rate`: re-rates a usage export under a catalog and prints, per customer and
 * billing period, the plan, fast seconds, seconds over the allowance, jobs that would have gone
 * to Relax or been blocked, the invoice lines and the total. Thin: parse flags, read, rate, print.
 */
import { UsageError, parseFlags } from './command.ts';
import { writeInvoicesJson } from './invoice-json.ts';
import { writeInvoiceTable } from './invoice-table.ts';
import { rateFiles } from '../rate/fast/rate-files.ts';
import { parseIsoMs } from '../engine/index.ts';
import { rateNotices, refusalsJson, windowNotices } from '../rate/notices.ts';
import { reportedFrom } from '../rate/window.ts';
import { terminalProgress } from './progress.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS, parseInstantRange } from '../rate/instants.ts';


export const RATE_USAGE = `Usage: npx tsx engine rate --catalog C.yaml --subscriptions S.csv --events E.jsonl [flags]

Re-rates a Dodo usage export under a plan catalog. Only events the catalog's meter counts (its
event name and filter, e.g. mode fast or turbo) are billed; the others are counted by reason.
Default (replay): each event is routed under the catalog, so usage past a hard cap is blocked and
usage past a Relax plan's allowance goes to Relax: what would these customers have paid?
  --catalog C.yaml        plan catalog (e.g. scenarios/catalogs/midjourney.yaml)
  --subscriptions S.csv   customer_id,plan,interval,started_at   (interval month | year)
  --events E.jsonl        one Dodo usage event per line (event_id, customer_id, event_name,
                          timestamp, metadata with the meter key in seconds)
  --purchases P.csv       customer_id,product,quantity,purchased_at   (product topup, hours)
  --changes C.csv         customer_id,action,plan,interval,at   (upgrade | downgrade | cancel)
  --as-metered            bill every event the meter counts as Dodo does, without routing
                          (allowance as free_threshold, price_per_unit over it): Dodo's invoice
  --from T                report only the periods that end after T (ISO-8601): earlier periods
                          are still rated (their balances carry on) but left out of the output,
                          counted on stderr; events before T still count in the period holding T
  --to T                  end of the rating window (ISO-8601, exclusive): renewals due before it
                          happen, open periods end at it; inputs from it on are left out
                          (default: the export's own span, to the end of its last event's day)
  --instants FROM..TO     instants accepted in every input (default 2000-01-01..2100-01-01);
                          any other is an input error with its file and line
  --strict                exit 2 if any event was ignored or any top-up or plan change refused
  --allow-large           rate inputs that span more than 20M billing periods (refused otherwise:
                          most likely an instant typed wrong)
  --json                  print {"invoices":[...],"ignored_events":{...},"refusals":[...]} instead
                          of a table
Ignored events and refusals are summarised on stderr, counted by reason.
Exit codes: 0 ok, 2 bad input or flags.`;

interface RateFlags {
  catalog: string;
  subscriptions: string;
  events: string;
  purchases: string | null;
  changes: string | null;
  asMetered: boolean;
  fromAt: number | null;
  endAt: number | null;
  instants: InstantRange;
  strict: boolean;
  allowLarge: boolean;
  json: boolean;
}

function parseRateFlags(argv: string[]): RateFlags | 'help' {
  const parsed = parseFlags(
    {
      args: argv,
      options: {
        catalog: { type: 'string' },
        subscriptions: { type: 'string' },
        events: { type: 'string' },
        purchases: { type: 'string' },
        changes: { type: 'string' },
        'as-metered': { type: 'boolean', default: false },
        from: { type: 'string' },
        to: { type: 'string' },
        instants: { type: 'string' },
        strict: { type: 'boolean', default: false },
        'allow-large': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    },
    RATE_USAGE,
  );
  const values = parsed.values;
  if (values.help) return 'help';
  const missing = (['catalog', 'subscriptions', 'events'] as const).filter((name) => !values[name]);
  if (missing.length > 0) throw new UsageError(`missing --${missing.join(', --')}\n\n${RATE_USAGE}`);
  const endAt = values.to === undefined ? null : parseIsoMs(values.to);
  if (endAt === null && values.to !== undefined) throw new UsageError(`--to must be an ISO-8601 timestamp with a zone, got "${values.to}"\n\n${RATE_USAGE}`);
  const fromAt = values.from === undefined ? null : parseIsoMs(values.from);
  if (fromAt === null && values.from !== undefined) throw new UsageError(`--from must be an ISO-8601 timestamp with a zone, got "${values.from}"\n\n${RATE_USAGE}`);
  if (fromAt !== null && endAt !== null && fromAt >= endAt) throw new UsageError(`--from (${values.from}) must be before --to (${values.to})\n\n${RATE_USAGE}`);
  const instants = values.instants === undefined ? PLAUSIBLE_INSTANTS : parseInstantRange(values.instants);
  if (instants === null) throw new UsageError(`--instants must be FROM..TO (ISO dates or timestamps, FROM before TO), got "${values.instants}"\n\n${RATE_USAGE}`);
  return {
    catalog: values.catalog!,
    subscriptions: values.subscriptions!,
    events: values.events!,
    purchases: values.purchases ?? null,
    changes: values.changes ?? null,
    asMetered: values['as-metered'] ?? false,
    fromAt,
    endAt,
    instants,
    strict: values.strict ?? false,
    allowLarge: values['allow-large'] ?? false,
    json: values.json ?? false,
  };
}

/** Standard output, piece by piece. */
function writeOut(text: string): void {
  process.stdout.write(text);
}

export async function rateMain(argv: string[]): Promise<number> {
  const flags = parseRateFlags(argv);
  if (flags === 'help') {
    process.stdout.write(`${RATE_USAGE}\n`);
    return 0;
  }
  // The export's size is known in bytes, not events: the line counts what is done, not a share.
  const progress = terminalProgress('rating {events} events read and rated, {duration_formatted}', 0, { events: '0' });
  let rated;
  try {
    rated = rateFiles(flags, {
      asMetered: flags.asMetered,
      endAt: flags.endAt,
      instants: flags.instants,
      allowLarge: flags.allowLarge,
      onEvents: (events) => progress.update(0, { events: events.toLocaleString('en-US') }),
    });
  } finally {
    progress.end();
  }
  const result = reportedFrom(rated, flags.fromAt);
  if (flags.json) {
    writeInvoicesJson(result.invoices, writeOut, {
      invoices_before_window: result.invoicesBeforeWindow,
      ignored_events: result.ignoredEvents,
      event_name_hints: result.eventNameHints.map(({ line, eventName, suggestion }) => ({ line, event_name: eventName, did_you_mean: suggestion })),
      refusals: refusalsJson(result),
      inputs_after_window: result.changesAfterWindow,
    });
  } else {
    writeInvoiceTable(result.invoices, writeOut);
  }
  const notices = rateNotices(result, flags.events);
  for (const line of [...windowNotices(result), ...notices]) process.stderr.write(`${line}\n`);
  if (flags.strict && notices.length > 0) {
    process.stderr.write('error: --strict: the export had events that were not billed, or inputs that were refused (above)\n');
    return 2;
  }
  return 0;
}

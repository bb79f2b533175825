/**
 * `npx tsx engine rate`: re-rates a usage export under a catalog and prints, per customer and
 * billing period, the plan, fast seconds, seconds over the allowance, jobs that would have gone
 * to Relax or been blocked, the invoice lines and the total. Thin: parse flags, read, rate, print.
 */
import { UsageError, parseFlags } from '../scenarios/errors.ts';
import { writeInvoicesJson } from './invoice-json.ts';
import { writeInvoiceTable } from './invoice-table.ts';
import { rateFiles } from './rate-run.ts';

export { type RateFiles, type RateOptions, rateFiles } from './rate-run.ts';

export const RATE_USAGE = `Usage: npx tsx engine rate --catalog C.yaml --subscriptions S.csv --events E.jsonl [--purchases P.csv] [--json]

Re-rates a Dodo usage export under a plan catalog: what these customers would have paid.
  --catalog C.yaml        plan catalog (e.g. scenarios/catalogs/midjourney.yaml)
  --subscriptions S.csv   customer_id,plan,interval,started_at   (interval month | year)
  --events E.jsonl        one Dodo usage event per line (event_id, customer_id, event_name,
                          timestamp, metadata with the meter key in seconds)
  --purchases P.csv       customer_id,product,quantity,purchased_at   (product topup, hours)
  --json                  print {"invoices":[...]} instead of a table
Exit codes: 0 ok, 2 bad input or flags.`;

interface RateFlags {
  catalog: string;
  subscriptions: string;
  events: string;
  purchases: string | null;
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
  return {
    catalog: values.catalog!,
    subscriptions: values.subscriptions!,
    events: values.events!,
    purchases: values.purchases ?? null,
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
  const result = rateFiles(flags);
  if (flags.json) {
    writeInvoicesJson(result.invoices, writeOut);
  } else {
    writeInvoiceTable(result.invoices, writeOut);
    for (const refusal of result.refusedPurchases) {
      process.stdout.write(`refused top-up ${refusal.purchaseId} for ${refusal.customerId}: ${refusal.reason}\n`);
    }
    if (result.duplicateEvents > 0) process.stdout.write(`${result.duplicateEvents} duplicate event(s) ignored\n`);
  }
  return 0;
}

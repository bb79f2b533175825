/**
 * `npx tsx engine rate`: re-rates a usage export under a catalog and prints, per customer and
 * billing period, the plan, fast seconds, seconds over the allowance, jobs that would have gone
 * to Relax or been blocked, the invoice lines and the total. Thin: parse flags, read, rate, print.
 */
import { type Invoice, formatCents, formatIsoMs } from '../engine/index.ts';
import { UsageError, parseFlags } from '../scenarios/errors.ts';
import { invoiceJsonText } from './invoice-json.ts';
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

function seconds(ms: number): number {
  return ms / 1000;
}

/** Invoices written per write: the output goes out in pieces, never as one string of them all. */
const INVOICES_PER_WRITE = 2000;

/**
 * `{"invoices":[...]}` on stdout, exactly what JSON.stringify gives for the whole object,
 * written a few thousand invoices at a time: one string of 300k invoices is ~90 MB to build
 * and hold, which took longer than the rating.
 */
function writeInvoicesJson(invoices: readonly Invoice[]): void {
  let piece = '{"invoices":[';
  for (let index = 0; index < invoices.length; index += 1) {
    if (index > 0) piece += ',';
    piece += invoiceJsonText(invoices[index]!);
    if ((index + 1) % INVOICES_PER_WRITE === 0) {
      process.stdout.write(piece);
      piece = '';
    }
  }
  process.stdout.write(`${piece}]}\n`);
}

function tableRow(invoice: Invoice): string[] {
  return [
    invoice.customerId,
    `${formatIsoMs(invoice.periodStartAt).slice(0, 10)}..${formatIsoMs(invoice.periodEndAt).slice(0, 10)}`,
    invoice.planId,
    String(seconds(invoice.fastMs)),
    String(seconds(invoice.overAllowanceMs)),
    String(invoice.relaxJobs),
    String(invoice.blockedJobs),
    invoice.lines.map((line) => `${line.kind} ${formatCents(line.amountCents)}`).join('; ') || '-',
    formatCents(invoice.totalCents),
  ];
}

/**
 * The invoices as an aligned table on stdout, then the count and the total. Two passes (the
 * column widths, then the rows), written a few thousand rows at a time.
 */
function writeInvoiceTable(invoices: readonly Invoice[]): void {
  const header = ['customer', 'period', 'plan', 'fast_s', 'over_allowance_s', 'relax_jobs', 'blocked_jobs', 'lines', 'total'];
  const widths = header.map((title) => title.length);
  let total = 0;
  for (const invoice of invoices) {
    tableRow(invoice).forEach((cell, column) => {
      if (cell.length > widths[column]!) widths[column] = cell.length;
    });
    total += invoice.totalCents;
  }
  const format = (cells: string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd();
  let piece = `${format(header)}\n`;
  for (let index = 0; index < invoices.length; index += 1) {
    piece += `${format(tableRow(invoices[index]!))}\n`;
    if ((index + 1) % INVOICES_PER_WRITE === 0) {
      process.stdout.write(piece);
      piece = '';
    }
  }
  process.stdout.write(`${piece}\n${invoices.length} invoice(s), total ${formatCents(total)}\n`);
}

export async function rateMain(argv: string[]): Promise<number> {
  const flags = parseRateFlags(argv);
  if (flags === 'help') {
    process.stdout.write(`${RATE_USAGE}\n`);
    return 0;
  }
  const result = rateFiles(flags);
  if (flags.json) {
    writeInvoicesJson(result.invoices);
  } else {
    writeInvoiceTable(result.invoices);
    for (const refusal of result.refusedPurchases) {
      process.stdout.write(`refused top-up ${refusal.purchaseId} for ${refusal.customerId}: ${refusal.reason}\n`);
    }
    if (result.duplicateEvents > 0) process.stdout.write(`${result.duplicateEvents} duplicate event(s) ignored\n`);
  }
  return 0;
}

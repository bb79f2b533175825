/**
 * `sim --trace DIR`: what a production system would have recorded of a run, so that its invoices
 * can be reproduced offline by `engine rate --as-metered` (the parity proof that the simulator
 * and the production path bill alike):
 * - `usage.jsonl`: every usage event the engine emitted, in the order emitted, as Dodo ingests it;
 * - `catalog.yaml`: the effective catalog (the scenario's overrides applied);
 * - `subscriptions.csv`, `purchases.csv` (top-ups), `changes.csv` (upgrades, downgrades and
 *   cancellations, `customer_id,action,plan,interval,at`);
 * - `invoices.jsonl`: every invoice the engine closed, then the periods open at the horizon
 *   (ending at it), one `engine rate --json` invoice a line, ordered by customer id, then period start.
 * The run's window ends at the horizon: rate the trace with `--to` the horizon's end.
 * Only replication 0 is traced.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { type CatalogSpec, type Interval, type Invoice, type UsageEvent, formatIsoMs, invoiceJsonText } from '../engine/index.ts';
import { LineWriter } from './line-writer.ts';

/** The files of a trace folder. */
export const TRACE_FILES = ['usage.jsonl', 'catalog.yaml', 'subscriptions.csv', 'purchases.csv', 'changes.csv', 'invoices.jsonl'] as const;

/** What the simulation tells its trace, as it happens. */
export interface TraceSink {
  subscription(customerId: string, planId: string, interval: Interval, at: number): void;
  purchase(customerId: string, hours: number, at: number): void;
  change(customerId: string, action: 'upgrade' | 'downgrade' | 'cancel', planId: string | null, interval: Interval | null, at: number): void;
  usage(event: UsageEvent): void;
  /** A closed invoice, or (`open`) a period still open at the horizon. */
  invoice(invoice: Invoice, open: boolean): void;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export class TraceWriter implements TraceSink {
  private readonly events: LineWriter;
  private readonly subscriptions: string[] = ['customer_id,plan,interval,started_at'];
  private readonly purchases: string[] = ['customer_id,product,quantity,purchased_at'];
  private readonly changes: string[] = ['customer_id,action,plan,interval,at'];
  private readonly invoices: Invoice[] = [];

  constructor(
    private readonly dir: string,
    private readonly catalogSpec: CatalogSpec,
    /** The horizon's end: written into the folder's README line for `--to`. */
    private readonly endAt: number,
  ) {
    mkdirSync(dir, { recursive: true });
    this.events = new LineWriter(join(dir, 'usage.jsonl'), null);
  }

  subscription(customerId: string, planId: string, interval: Interval, at: number): void {
    this.subscriptions.push(`${customerId},${planId},${interval},${formatIsoMs(at)}`);
  }

  purchase(customerId: string, hours: number, at: number): void {
    this.purchases.push(`${customerId},topup,${hours},${formatIsoMs(at)}`);
  }

  change(customerId: string, action: 'upgrade' | 'downgrade' | 'cancel', planId: string | null, interval: Interval | null, at: number): void {
    this.changes.push(`${customerId},${action},${planId ?? ''},${interval ?? ''},${formatIsoMs(at)}`);
  }

  usage(event: UsageEvent): void {
    this.events.line(JSON.stringify(event));
  }

  invoice(invoice: Invoice): void {
    this.invoices.push(invoice);
  }

  /** Writes the files; returns the `engine rate` command that reproduces `invoices.jsonl`. */
  close(): string {
    const dir = this.dir;
    this.events.close();
    writeFileSync(join(dir, 'catalog.yaml'), `# The effective catalog of the traced run (overrides applied).\n${stringify(this.catalogSpec)}`);
    writeFileSync(join(dir, 'subscriptions.csv'), `${this.subscriptions.join('\n')}\n`);
    writeFileSync(join(dir, 'purchases.csv'), `${this.purchases.join('\n')}\n`);
    writeFileSync(join(dir, 'changes.csv'), `${this.changes.join('\n')}\n`);
    const ordered = this.invoices.sort((a, b) => compareText(a.customerId, b.customerId) || a.periodStartAt - b.periodStartAt);
    writeFileSync(join(dir, 'invoices.jsonl'), ordered.map((invoice) => `${invoiceJsonText(invoice)}\n`).join(''));
    return traceRateCommand(dir, this.endAt);
  }
}

/** The `engine rate` command that re-rates a trace folder as Dodo would bill it. */
export function traceRateCommand(dir: string, endAt: number): string {
  const file = (name: string) => join(dir, name);
  return (
    `npx tsx engine rate --as-metered --catalog ${file('catalog.yaml')} --subscriptions ${file('subscriptions.csv')} ` +
    `--events ${file('usage.jsonl')} --purchases ${file('purchases.csv')} --changes ${file('changes.csv')} --to ${formatIsoMs(endAt)} --json`
  );
}

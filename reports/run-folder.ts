/**
 * Reads a simulator run folder into typed rows: summary.json, tiers.csv, hourly.csv,
 * customers.csv (replication 0) and customers-rK.csv (replication K > 0), and waits.csv when the
 * run wrote one. Every problem in every file is collected and thrown as one RunFolderError
 * naming the file and line. A missing waits.csv is not a problem: folders written before the
 * simulator had it read as `waits: null` (the charts leave that chart out, with a note).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Columns, type RowCheck, type RowOf, parseCsvTable } from './csv-table.ts';
import { RunFolderError, type RunFolderIssue } from './errors.ts';
import { type Summary, parseSummary } from './summary-file.ts';
import {
  CUSTOMER_CYCLE_COLUMNS,
  type CustomerCycleRow,
  HOUR_COLUMNS,
  type HourRow,
  TIER_MONTH_COLUMNS,
  type TierMonthRow,
  WAIT_COLUMNS,
  type WaitRow,
  checkCustomerCycleRow,
  checkReplication,
  checkWaitRow,
} from './table-files.ts';

export interface RunFolder {
  readonly summary: Summary;
  /** Plan ids in catalog order: the order of summary.json's tiers. Every chart and table uses it. */
  readonly plans: readonly string[];
  /** Replications in the run (summary.json `replications`), numbered 0..replications-1. */
  readonly replications: number;
  readonly tierMonths: readonly TierMonthRow[];
  readonly hours: readonly HourRow[];
  /** Every replication's customers file, in replication order. */
  readonly customerCycles: readonly CustomerCycleRow[];
  /** waits.csv, or null when the folder has none (written before the simulator had it). */
  readonly waits: readonly WaitRow[] | null;
}

/** The customers file of replication K, as the simulator names it. */
export function customersFileName(replication: number): string {
  return replication === 0 ? 'customers.csv' : `customers-r${replication}.csv`;
}

function readText(runDir: string, file: string, issues: RunFolderIssue[]): string | null {
  try {
    return readFileSync(join(runDir, file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push({ file, line: null, message: code === 'ENOENT' ? 'is missing' : `cannot be read (${code ?? 'unknown error'})` });
    return null;
  }
}

function both<Row>(...checks: ((row: Row) => string | null)[]): (row: Row) => string | null {
  return (row) => {
    for (const check of checks) {
      const problem = check(row);
      if (problem !== null) return problem;
    }
    return null;
  };
}

function readTable<C extends Columns>(runDir: string, file: string, columns: C, issues: RunFolderIssue[], check: NoInfer<RowCheck<C>>): RowOf<C>[] {
  const text = readText(runDir, file, issues);
  return text === null ? [] : parseCsvTable(file, text, columns, issues, check);
}

/** Reads `runDir`; throws RunFolderError listing every problem found. */
export function readRunFolder(runDir: string): RunFolder {
  const issues: RunFolderIssue[] = [];
  const summaryText = readText(runDir, 'summary.json', issues);
  const summary = summaryText === null ? null : parseSummary('summary.json', summaryText, issues);
  if (summary === null) throw new RunFolderError(runDir, issues);

  const plans = summary.estimates.tiers.map((tier) => tier.plan);
  const replications = summary.replications;
  const inRange = checkReplication(replications);
  const knownPlan = (row: { readonly plan: string }): string | null =>
    plans.includes(row.plan) ? null : `column plan: ${JSON.stringify(row.plan)} is not a plan of summary.json (${plans.join(', ')})`;

  const tierMonths = readTable<typeof TIER_MONTH_COLUMNS>(runDir, 'tiers.csv', TIER_MONTH_COLUMNS, issues, both<TierMonthRow>(inRange, knownPlan));
  const hours = readTable<typeof HOUR_COLUMNS>(runDir, 'hourly.csv', HOUR_COLUMNS, issues, inRange);
  const customerCycles: CustomerCycleRow[] = [];
  for (let replication = 0; replication < replications; replication += 1) {
    const own = (row: CustomerCycleRow): string | null => (row.replication === replication ? null : `column replication: ${row.replication} in the file of replication ${replication}`);
    const rows = readTable<typeof CUSTOMER_CYCLE_COLUMNS>(runDir, customersFileName(replication), CUSTOMER_CYCLE_COLUMNS, issues, both<CustomerCycleRow>(own, knownPlan, checkCustomerCycleRow));
    for (const row of rows) customerCycles.push(row);
  }
  const waits = existsSync(join(runDir, 'waits.csv'))
    ? readTable<typeof WAIT_COLUMNS>(runDir, 'waits.csv', WAIT_COLUMNS, issues, both<WaitRow>(inRange, knownPlan, checkWaitRow))
    : null;
  if (issues.length > 0) throw new RunFolderError(runDir, issues);
  return { summary, plans, replications, tierMonths, hours, customerCycles, waits };
}

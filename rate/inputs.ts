/**
 * Reading the CSV inputs of `engine rate`: subscriptions and top-up purchases. Every mistake in
 * every file is collected with its file, line and field before anything is rated; the caller
 * raises them as one InputError. (The usage export is read by usage-export-reader.ts.)
 */
import { parse } from 'csv-parse/sync';
import { type Catalog, type Interval, feeCents, parseIsoMs } from '../engine/index.ts';
import { type RerateChange, type ReratePurchase, type RerateSubscription } from './rerate.ts';
import type { InputIssue } from '../scenarios/errors.ts';
import { readInputText } from '../scenarios/input-file.ts';
import { type InstantRange, PLAUSIBLE_INSTANTS, instantProblem } from './instants.ts';
import { lineEnd, nextLine } from './text-lines.ts';

interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

interface CsvTable {
  /** Each column's cell index in a row (the last column of that name). */
  readonly columns: ReadonlyMap<string, number>;
  readonly rows: readonly CsvRow[];
}

function columnIndexes(names: readonly string[]): Map<string, number> {
  return new Map(names.map((name, index) => [name, index]));
}

/**
 * CSV without any quote character (what exports of ids, plans and timestamps are): split by hand,
 * about ten times faster than the general parser. Null when the text needs the general parser or
 * a row has the wrong number of fields (the general parser then reports it).
 */
function simpleCsv(text: string): CsvTable | null {
  if (text.includes('"')) return null;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let end = lineEnd(body, 0);
  const header = body.slice(0, end).split(',').map((name) => name.trim());
  const rows: CsvRow[] = [];
  let line = 1;
  for (let start = nextLine(body, end); start <= body.length; start = nextLine(body, end)) {
    end = lineEnd(body, start);
    line += 1;
    const cells = body.slice(start, end).split(',');
    if (cells.length === 1 && cells[0]!.trim() === '') continue;
    if (cells.length !== header.length) return null;
    for (let column = 0; column < cells.length; column += 1) cells[column] = cells[column]!.trim();
    rows.push({ line, cells });
  }
  return { columns: columnIndexes(header), rows };
}

const NO_ROWS: CsvTable = { columns: new Map(), rows: [] };

function readCsv(file: string, columns: readonly string[], issues: InputIssue[]): CsvTable {
  const text = readInputText(file, issues);
  return text === null ? NO_ROWS : csvTable(file, text, columns, issues);
}

function csvTable(file: string, text: string, columns: readonly string[], issues: InputIssue[]): CsvTable {
  const header = text.split(/\r?\n/, 1)[0]!.replace(/^\uFEFF/, '').split(',').map((name) => name.trim());
  const missing = columns.filter((column) => !header.includes(column));
  if (missing.length > 0) {
    issues.push({ file, line: 1, message: `missing column(s) ${missing.join(', ')} (expected ${columns.join(',')})` });
    return NO_ROWS;
  }
  const repeated = header.filter((name, index) => name !== '' && header.indexOf(name) !== index);
  if (repeated.length > 0) {
    issues.push({ file, line: 1, message: `column(s) ${[...new Set(repeated)].join(', ')} appear more than once in the header` });
    return NO_ROWS;
  }
  const simple = simpleCsv(text);
  if (simple !== null) return simple;
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(text, { columns: true, info: true, skip_empty_lines: true, trim: true, bom: true });
  } catch (error) {
    const csvError = error as { lines?: number; message: string };
    issues.push({ file, line: csvError.lines, message: `not valid CSV: ${csvError.message.replace(/^Invalid [^:]*: /, '')}` });
    return NO_ROWS;
  }
  const names = records.length === 0 ? [] : Object.keys(records[0]!.record);
  return { columns: columnIndexes(names), rows: records.map(({ record, info }) => ({ line: info.lines, cells: names.map((name) => record[name]!) })) };
}

/** The row's cell in `column` ('' when the table has no such column). */
function cell(table: CsvTable, row: CsvRow, column: string): string {
  const index = table.columns.get(column);
  return index === undefined ? '' : (row.cells[index] ?? '');
}

function timestampField(file: string, row: CsvRow, column: string, text: string, issues: InputIssue[], range: InstantRange): number | null {
  const at = parseIsoMs(text);
  const problem = at === null ? `expected an ISO-8601 timestamp with a zone, got "${text}"` : instantProblem(at, range);
  if (problem !== null) issues.push({ file, line: row.line, path: column, message: problem });
  return problem === null ? at : null;
}

/** The subscriptions CSV, every problem recorded with its line and field. */
export function readSubscriptions(file: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): RerateSubscription[] {
  const text = readInputText(file, issues);
  return text === null ? [] : subscriptionsOfText(file, text, catalog, issues, range);
}

/** The general reading of the subscriptions CSV `text` (from `file`): every problem recorded with its line and field. */
export function subscriptionsOfText(file: string, text: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): RerateSubscription[] {
  const table = csvTable(file, text, ['customer_id', 'plan', 'interval', 'started_at'], issues);
  const subscriptions: RerateSubscription[] = [];
  const firstLine = new Map<string, number>();
  const known = [...catalog.plans.keys()].join(', ');
  for (const row of table.rows) {
    const customerId = cell(table, row, 'customer_id');
    const planId = cell(table, row, 'plan');
    const interval = cell(table, row, 'interval');
    const before = issues.length;
    if (customerId === '') issues.push({ file, line: row.line, path: 'customer_id', message: 'empty' });
    const previous = firstLine.get(customerId);
    if (previous !== undefined) {
      issues.push({ file, line: row.line, path: 'customer_id', message: `"${customerId}" already has a subscription on line ${previous}` });
    }
    firstLine.set(customerId, previous ?? row.line);
    const plan = catalog.plans.get(planId);
    if (plan === undefined) issues.push({ file, line: row.line, path: 'plan', message: `unknown plan "${planId}" (catalog has ${known})` });
    if (interval !== 'month' && interval !== 'year') {
      issues.push({ file, line: row.line, path: 'interval', message: `expected month or year, got "${interval}"` });
    } else if (plan !== undefined && feeCents(plan, interval) === null) {
      issues.push({ file, line: row.line, path: 'interval', message: `plan "${planId}" has no ${interval}ly price` });
    }
    const startedAt = timestampField(file, row, 'started_at', cell(table, row, 'started_at'), issues, range);
    if (issues.length === before && startedAt !== null) {
      subscriptions.push({ customerId, planId, interval: interval as Interval, startedAt });
    }
  }
  return subscriptions;
}

export function readPurchases(file: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): ReratePurchase[] {
  const table = readCsv(file, ['customer_id', 'product', 'quantity', 'purchased_at'], issues);
  const purchases: ReratePurchase[] = [];
  for (const row of table.rows) {
    const customerId = cell(table, row, 'customer_id');
    const product = cell(table, row, 'product');
    const quantity = cell(table, row, 'quantity');
    const before = issues.length;
    if (customerId === '') issues.push({ file, line: row.line, path: 'customer_id', message: 'empty' });
    if (product !== 'topup' && product !== catalog.topupProductId) {
      const expected = catalog.topupProductId === 'topup' ? 'topup' : `topup or ${catalog.topupProductId}`;
      issues.push({ file, line: row.line, path: 'product', message: `unknown product "${product}" (expected ${expected})` });
    }
    const hours = /^\d{1,6}$/.test(quantity) ? Number(quantity) : Number.NaN;
    if (!(hours >= 1)) issues.push({ file, line: row.line, path: 'quantity', message: `expected whole hours >= 1, got "${quantity}"` });
    const purchasedAt = timestampField(file, row, 'purchased_at', cell(table, row, 'purchased_at'), issues, range);
    if (issues.length === before && purchasedAt !== null) {
      purchases.push({ customerId, purchaseId: `${file}:${row.line}`, hours, purchasedAt });
    }
  }
  return purchases;
}

const CHANGE_ACTIONS = ['upgrade', 'downgrade', 'cancel'] as const;

/**
 * `changes.csv`: `customer_id,action,plan,interval,at`, one plan change a row (action upgrade,
 * downgrade or cancel; plan and interval empty for cancel, interval empty for the current one).
 */
export function readChanges(file: string, catalog: Catalog, issues: InputIssue[], range: InstantRange = PLAUSIBLE_INSTANTS): RerateChange[] {
  const table = readCsv(file, ['customer_id', 'action', 'plan', 'interval', 'at'], issues);
  const changes: RerateChange[] = [];
  const known = [...catalog.plans.keys()].join(', ');
  for (const row of table.rows) {
    const customerId = cell(table, row, 'customer_id');
    const action = cell(table, row, 'action');
    const planId = cell(table, row, 'plan');
    const interval = cell(table, row, 'interval');
    const before = issues.length;
    if (customerId === '') issues.push({ file, line: row.line, path: 'customer_id', message: 'empty' });
    if (!(CHANGE_ACTIONS as readonly string[]).includes(action)) {
      issues.push({ file, line: row.line, path: 'action', message: `expected ${CHANGE_ACTIONS.join(', ')}, got "${action}"` });
    }
    const cancelling = action === 'cancel';
    if (cancelling && (planId !== '' || interval !== '')) {
      issues.push({ file, line: row.line, path: planId !== '' ? 'plan' : 'interval', message: 'a cancellation names no plan or interval' });
    }
    if (!cancelling && !catalog.plans.has(planId)) issues.push({ file, line: row.line, path: 'plan', message: `unknown plan "${planId}" (catalog has ${known})` });
    if (!cancelling && interval !== '' && interval !== 'month' && interval !== 'year') {
      issues.push({ file, line: row.line, path: 'interval', message: `expected month, year or empty (the current interval), got "${interval}"` });
    }
    const at = timestampField(file, row, 'at', cell(table, row, 'at'), issues, range);
    if (issues.length === before && at !== null) {
      changes.push({
        customerId,
        action: action as RerateChange['action'],
        planId: cancelling ? null : planId,
        interval: interval === '' ? null : (interval as Interval),
        at,
      });
    }
  }
  return changes;
}

/**
 * A CSV file read into typed rows against a column schema: every named column must be in the
 * header (extra columns are ignored, so a newer simulator's additions do not break an older
 * report), every cell must parse as its kind, and each problem is reported with the file and
 * the 1-based line it is on. Line numbers are worked out only when there is a problem: parsing
 * with csv-parse's per-record info costs twice the time of the plain parse, and a 4 MB
 * customers.csv is on the report's critical path.
 *
 * Records come from csv-parse (the plain path). Text with no quote and no carriage return, which
 * is what the simulator writes, has a fast path beside it: a split on newlines and commas, five
 * times faster on customers.csv and held to csv-parse's records by csv-table.test.ts.
 */
import { CsvError, parse } from 'csv-parse/sync';
import { MAX_ISSUES_PER_FILE, type RunFolderIssue } from './errors.ts';

/**
 * `text` any non-empty string; `integer` / `number` a finite number (an empty cell is an error);
 * `optional-integer` / `optional-number` the same or an empty cell (null); `boolean` `true` or
 * `false`.
 */
export type ColumnKind = 'text' | 'integer' | 'number' | 'optional-integer' | 'optional-number' | 'boolean';
export type Columns = Readonly<Record<string, ColumnKind>>;

type ValueOf<Kind extends ColumnKind> = Kind extends 'text'
  ? string
  : Kind extends 'boolean'
    ? boolean
    : Kind extends 'optional-integer' | 'optional-number'
      ? number | null
      : number;

/** The typed row of a column schema: one property per column, in the schema's units. */
export type RowOf<C extends Columns> = { readonly [Name in keyof C]: ValueOf<C[Name]> };

/** A check on a parsed row beyond its cells' kinds: a problem's description, or null. */
export type RowCheck<C extends Columns> = (row: RowOf<C>) => string | null;

/** Why a cell does not parse (cells that parse allocate nothing: this is on the hot path). */
class CellProblem {
  constructor(readonly message: string) {}
}
const EMPTY = new CellProblem('is empty');
const NOT_BOOLEAN = new CellProblem('is not true or false');
const NOT_NUMBER = new CellProblem('is not a number');
const NOT_INTEGER = new CellProblem('is not an integer');

type CellValue = string | number | boolean | null;

function parseNumber(cell: string, integer: boolean): number | CellProblem {
  const value = Number(cell);
  if (!Number.isFinite(value) || cell.trim() !== cell) return NOT_NUMBER;
  return integer && !Number.isInteger(value) ? NOT_INTEGER : value;
}

const CELL_PARSERS: Readonly<Record<ColumnKind, (cell: string) => CellValue | CellProblem>> = {
  text: (cell) => (cell === '' ? EMPTY : cell),
  boolean: (cell) => (cell === 'true' ? true : cell === 'false' ? false : NOT_BOOLEAN),
  integer: (cell) => (cell === '' ? EMPTY : parseNumber(cell, true)),
  number: (cell) => (cell === '' ? EMPTY : parseNumber(cell, false)),
  'optional-integer': (cell) => (cell === '' ? null : parseNumber(cell, true)),
  'optional-number': (cell) => (cell === '' ? null : parseNumber(cell, false)),
};

/** Cuts a cell echoed in a message: a garbled file can hold a megabyte on one line. */
function quoted(cell: string): string {
  return JSON.stringify(cell.length > 40 ? `${cell.slice(0, 40)}...` : cell);
}

/** The 1-based line each record starts on (only called when something is wrong). */
function recordLines(text: string): number[] {
  const records = parse(text, { ...PARSE_OPTIONS, info: true }) as unknown as { info: { lines: number } }[];
  return records.map((record) => record.info.lines);
}

const PARSE_OPTIONS = { relax_column_count: true, skip_empty_lines: true } as const;

/** The records of quote-free text without carriage returns, as csv-parse reads them. */
export function splitRecords(text: string): string[][] {
  const records: string[][] = [];
  for (const line of text.split('\n')) if (line !== '') records.push(line.split(','));
  return records;
}

/** Every record of `text` (header first), by the fast path when it gives the same records. */
export function csvRecords(text: string): string[][] {
  return text.includes('"') || text.includes('\r') ? (parse(text, PARSE_OPTIONS) as string[][]) : splitRecords(text);
}

/**
 * Parses `text` (the contents of `file`) into rows. Problems are appended to `issues` (at most
 * MAX_ISSUES_PER_FILE for this file); rows with a problem are left out.
 */
export function parseCsvTable<C extends Columns>(file: string, text: string, columns: C, issues: RunFolderIssue[], check?: RowCheck<C>): RowOf<C>[] {
  let records: string[][];
  try {
    records = csvRecords(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    const line = (error as CsvError & { lines?: number }).lines;
    issues.push({ file, line: typeof line === 'number' ? line : null, message: `not valid CSV (${error.code})` });
    return [];
  }
  const header = records[0];
  if (header === undefined) {
    issues.push({ file, line: null, message: 'is empty (no header line)' });
    return [];
  }
  const names = Object.keys(columns);
  const missing = names.filter((name) => !header.includes(name));
  if (missing.length > 0) {
    issues.push({ file, line: 1, message: `header lacks column(s) ${missing.join(', ')}` });
    return [];
  }
  const positions = names.map((name) => header.indexOf(name));
  const parsers = names.map((name) => CELL_PARSERS[columns[name]!]);
  const problems: { record: number; message: string }[] = [];
  const rows: RowOf<C>[] = [];
  for (let index = 1; index < records.length && problems.length < MAX_ISSUES_PER_FILE; index += 1) {
    const record = records[index]!;
    if (record.length !== header.length) {
      problems.push({ record: index, message: `has ${record.length} fields, the header ${header.length}` });
      continue;
    }
    const row: Record<string, unknown> = {};
    let problem: string | null = null;
    for (let column = 0; column < names.length && problem === null; column += 1) {
      const cell = record[positions[column]!]!;
      const value = parsers[column]!(cell);
      if (value instanceof CellProblem) problem = `column ${names[column]!}: ${quoted(cell)} ${value.message}`;
      else row[names[column]!] = value;
    }
    if (problem === null && check !== undefined) problem = check(row as RowOf<C>);
    if (problem === null) rows.push(row as RowOf<C>);
    else problems.push({ record: index, message: problem });
  }
  if (problems.length > 0) {
    const lines = recordLines(text);
    for (const { record, message } of problems) issues.push({ file, line: lines[record] ?? null, message });
  }
  return rows;
}

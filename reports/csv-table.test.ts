import fc from 'fast-check';
import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { type RunFolderIssue } from './errors.ts';
import { csvRecords, parseCsvTable, splitRecords } from './csv-table.ts';

const COLUMNS = { id: 'text', count: 'integer', share: 'number', day: 'optional-integer', open: 'boolean' } as const;

describe('parseCsvTable', () => {
  it('types every column, ignores extra columns and reads them in any order', () => {
    const issues: RunFolderIssue[] = [];
    const rows = parseCsvTable('t.csv', 'open,extra,id,count,share,day\ntrue,x,a,3,0.5,\nfalse,y,b,-2,1e-3,31\n', COLUMNS, issues);
    expect(issues).toEqual([]);
    expect(rows).toEqual([
      { id: 'a', count: 3, share: 0.5, day: null, open: true },
      { id: 'b', count: -2, share: 0.001, day: 31, open: false },
    ]);
  });

  it('names the file and line of every bad cell, and keeps the good rows', () => {
    const issues: RunFolderIssue[] = [];
    const text = 'id,count,share,day,open\na,1,0.5,,true\nb,1.5,0.5,,true\nc,1,,,true\nd,1,0.5,2,maybe\ne,1,0.5,2\n';
    const rows = parseCsvTable('t.csv', text, COLUMNS, issues);
    expect(rows.map((row) => row.id)).toEqual(['a']);
    expect(issues).toEqual([
      { file: 't.csv', line: 3, message: 'column count: "1.5" is not an integer' },
      { file: 't.csv', line: 4, message: 'column share: "" is empty' },
      { file: 't.csv', line: 5, message: 'column open: "maybe" is not true or false' },
      { file: 't.csv', line: 6, message: 'has 4 fields, the header 5' },
    ]);
  });

  it('counts lines as the file has them when a quoted cell spans lines or lines are empty', () => {
    const issues: RunFolderIssue[] = [];
    parseCsvTable('t.csv', 'id,count,share,day,open\n"a\nb",1,0.5,,true\n\nc,x,0.5,,true\n', COLUMNS, issues);
    expect(issues).toEqual([{ file: 't.csv', line: 5, message: 'column count: "x" is not a number' }]);
  });

  it('refuses a header without a needed column, an empty file and broken quoting', () => {
    const issues: RunFolderIssue[] = [];
    parseCsvTable('a.csv', 'id,count\na,1\n', COLUMNS, issues);
    parseCsvTable('b.csv', '', COLUMNS, issues);
    parseCsvTable('c.csv', 'id,count,share,day,open\n"a,1,0.5,,true\n', COLUMNS, issues);
    expect(issues).toEqual([
      { file: 'a.csv', line: 1, message: 'header lacks column(s) share, day, open' },
      { file: 'b.csv', line: null, message: 'is empty (no header line)' },
      { file: 'c.csv', line: expect.any(Number), message: expect.stringMatching(/^not valid CSV/) },
    ]);
  });

  it('applies a row check and reports its problem at the row', () => {
    const issues: RunFolderIssue[] = [];
    const rows = parseCsvTable('t.csv', 'id,count,share,day,open\na,1,0.5,,true\nb,-1,0.5,,true\n', COLUMNS, issues, (row) => (row.count < 0 ? 'negative' : null));
    expect(rows).toHaveLength(1);
    expect(issues).toEqual([{ file: 't.csv', line: 3, message: 'negative' }]);
  });

  it('stops at 20 problems in a file', () => {
    const issues: RunFolderIssue[] = [];
    parseCsvTable('t.csv', `id,count,share,day,open\n${'a,x,0.5,,true\n'.repeat(100)}`, COLUMNS, issues);
    expect(issues).toHaveLength(20);
  });
});

describe('the fast split', () => {
  it('gives csv-parse records for any text without quotes or carriage returns', () => {
    const cell = fc.stringMatching(/^[a-z0-9 .:-]{0,6}$/);
    const text = fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 12 }).chain((lines) =>
      fc.boolean().map((trailing) => lines.map((fields) => fields.join(',')).join('\n') + (trailing ? '\n' : '')),
    );
    fc.assert(
      fc.property(text, (input) => {
        expect(splitRecords(input)).toEqual(parse(input, { relax_column_count: true, skip_empty_lines: true }));
      }),
      { numRuns: 500 },
    );
  });

  it('is not used for text with quotes or carriage returns', () => {
    expect(csvRecords('a,b\r\n"x,y",z\r\n')).toEqual([['a', 'b'], ['x,y', 'z']]);
  });
});

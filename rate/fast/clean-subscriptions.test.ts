import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { catalog } from '../../engine/test/fixtures.ts';
import type { InputIssue } from '../../scenarios/errors.ts';
import { cleanSubscriptions } from './clean-subscriptions.ts';
import { subscriptionsOfText } from '../inputs.ts';

/** Cells of every kind: mostly valid, sometimes padded, empty, quoted, unknown or malformed. */
const customer = fc.oneof({ weight: 8, arbitrary: fc.nat({ max: 30 }).map((n) => `cus_${n}`) }, { weight: 1, arbitrary: fc.constantFrom('', ' cus_1', 'cus_2 ', 'cus_é', 'é_cus', '"cus_3"', 'cus\t4') });
const plan = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('basic', 'standard', 'pro', 'mega', 'flex') }, { weight: 1, arbitrary: fc.constantFrom('', 'gold', ' pro', 'Basic', 'basics', 'bas') });
const interval = fc.oneof({ weight: 8, arbitrary: fc.constantFrom('month', 'year') }, { weight: 1, arbitrary: fc.constantFrom('', 'monthly', 'week', 'year ', 'mon') });
const startedAt = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 0, max: 364 * 86_400_000 }).map((ms) => new Date(Date.UTC(2026, 0, 1) + ms).toISOString()) },
  { weight: 1, arbitrary: fc.constantFrom('2026-03-01T10:00:00+02:00', '2026-02-30T00:00:00Z', '2026-01-01', 'yesterday', '') },
);
const row = fc.record({ customer, plan, interval, startedAt, extra: fc.constantFrom('', 'x', 'a,b') });
const file = fc.record({
  rows: fc.array(fc.oneof({ weight: 12, arbitrary: row }, { weight: 1, arbitrary: fc.constantFrom('', '   ', 'only_one_cell') }), { maxLength: 25 }),
  order: fc.constantFrom(['customer_id', 'plan', 'interval', 'started_at'], ['started_at', 'interval', 'plan', 'customer_id'], ['plan', 'customer_id', 'note', 'started_at', 'interval']),
  crlf: fc.boolean(),
  bom: fc.boolean(),
  finalBreak: fc.boolean(),
});

type File = typeof file extends fc.Arbitrary<infer T> ? T : never;

function text(value: File): string {
  const lines = [value.order.join(',')];
  for (const entry of value.rows) {
    if (typeof entry === 'string') {
      lines.push(entry);
      continue;
    }
    const cells: Record<string, string> = { customer_id: entry.customer, plan: entry.plan, interval: entry.interval, started_at: entry.startedAt, note: entry.extra };
    lines.push(value.order.map((column) => cells[column]!).join(','));
  }
  const body = lines.join(value.crlf ? '\r\n' : '\n') + (value.finalBreak ? (value.crlf ? '\r\n' : '\n') : '');
  return value.bom ? `\ufeff${body}` : body;
}

describe('cleanSubscriptions (the one-pass reading of a valid subscriptions CSV)', () => {
  it('reads a valid file, and gives exactly what the general reading gives', () => {
    const csv = 'customer_id,plan,interval,started_at\ncus_a,basic,month,2026-01-01T00:00:00Z\r\n\ncus_b,pro,year,2026-01-02T03:04:05.678Z\n';
    const issues: InputIssue[] = [];
    expect(cleanSubscriptions(csv, catalog)).toEqual(subscriptionsOfText('s.csv', csv, catalog, issues));
    expect(issues).toEqual([]);
    expect(cleanSubscriptions(csv, catalog)).toHaveLength(2);
  });

  it('on random files: reads only files the general reading takes without a problem, with the same subscriptions', () => {
    let read = 0;
    let left = 0;
    fc.assert(
      fc.property(file, (value) => {
        const csv = text(value);
        const issues: InputIssue[] = [];
        const general = subscriptionsOfText('s.csv', csv, catalog, issues);
        const clean = cleanSubscriptions(csv, catalog);
        if (clean === null) {
          left += 1;
          return;
        }
        read += 1;
        expect(issues).toEqual([]);
        expect(clean).toEqual(general);
      }),
      { numRuns: 3000 },
    );
    // Both kinds of file came up many times.
    expect(read).toBeGreaterThan(300);
    expect(left).toBeGreaterThan(300);
  });

  it('leaves a file with a problem to the general reading, which words it', () => {
    for (const row of ['cus_a,gold,month,2026-01-01T00:00:00Z', 'cus_a,basic,week,2026-01-01T00:00:00Z', 'cus_a,flex,year,2026-01-01T00:00:00Z', 'cus_a,basic,month,soon', ',basic,month,2026-01-01T00:00:00Z', 'cus_a,basic,month']) {
      const csv = `customer_id,plan,interval,started_at\n${row}\n`;
      const issues: InputIssue[] = [];
      expect(cleanSubscriptions(csv, catalog), row).toBeNull();
      subscriptionsOfText('s.csv', csv, catalog, issues);
      expect(issues.length, row).toBeGreaterThan(0);
    }
    const twice = 'customer_id,plan,interval,started_at\ncus_a,basic,month,2026-01-01T00:00:00Z\ncus_a,pro,month,2026-01-02T00:00:00Z\n';
    expect(cleanSubscriptions(twice, catalog)).toBeNull();
  });
});

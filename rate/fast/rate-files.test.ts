import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RateFiles, type RateOptions, rateFilesPlainly } from '../reference.ts';
import { rateFiles } from './rate-files.ts';

const CATALOG = 'scenarios/catalogs/basic-relax.yaml';
const dir = mkdtempSync(join(tmpdir(), 'gbl-rate-run-'));
let traces = 0;

const CUSTOMERS = ['cus_a', 'cus_b', 'cus_c', 'cus_d', 'cus_é', 'cus_f'];
const PLANS: readonly (readonly [string, boolean])[] = [['basic', true], ['flex', false], ['standard', true], ['pro', true], ['mega', true]];
const START = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;

const subscription = fc.record({ plan: fc.constantFrom(...PLANS), annual: fc.boolean(), hour: fc.nat({ max: 24 * 20 }) });
const purchase = fc.record({ customer: fc.constantFrom(...CUSTOMERS), hours: fc.integer({ min: 1, max: 40 }), hour: fc.nat({ max: 24 * 80 }) });
const event = fc.record({
  id: fc.oneof({ weight: 5, arbitrary: fc.nat({ max: 400 }).map((n) => `job_${n}:gpu`) }, { weight: 1, arbitrary: fc.constantFrom('é:gpu', 'x"y', '\ud800') }),
  customer: fc.constantFrom(...CUSTOMERS),
  minute: fc.nat({ max: 60 * 24 * 100 }),
  ms: fc.integer({ min: 0, max: 40 * HOUR }),
  jobType: fc.constantFrom(null, 'image_grid', 'upscale', 'video_sd', 'video_hd'),
  mode: fc.constantFrom('fast', 'fast', 'fast', 'turbo', 'relax', null),
  spaced: fc.nat({ max: 9 }),
});
const change = fc.record({
  customer: fc.constantFrom(...CUSTOMERS),
  action: fc.constantFrom('upgrade', 'downgrade', 'cancel'),
  plan: fc.constantFrom(...PLANS.map(([plan]) => plan)),
  hour: fc.nat({ max: 24 * 80 }),
});

const trace = fc.record({
  subscriptions: fc.dictionary(fc.constantFrom(...CUSTOMERS.slice(0, 5)), subscription),
  purchases: fc.array(purchase, { maxLength: 6 }),
  events: fc.array(event, { maxLength: 120 }),
  changes: fc.array(change, { maxLength: 4 }),
  ordered: fc.boolean(),
  asMetered: fc.boolean(),
  /** The window's end, in days from the start (null: none). */
  endDay: fc.option(fc.integer({ min: 10, max: 120 })),
});

type Trace = typeof trace extends fc.Arbitrary<infer T> ? T : never;

function files(value: Trace): RateFiles {
  traces += 1;
  const subscriptions = ['customer_id,plan,interval,started_at'];
  for (const [customer, { plan, annual, hour }] of Object.entries(value.subscriptions)) {
    subscriptions.push(`${customer},${plan[0]},${annual && plan[1] ? 'year' : 'month'},${new Date(START + hour * HOUR).toISOString()}`);
  }
  const purchases = ['customer_id,product,quantity,purchased_at', ...value.purchases.map((p) => `${p.customer},topup,${p.hours},${new Date(START + p.hour * HOUR).toISOString()}`)];
  const events = value.events.map((e) => ({ ...e, at: START + e.minute * 60_000 }));
  if (value.ordered) events.sort((a, b) => a.at - b.at);
  const lines = events.map((e) => {
    const metadata: Record<string, unknown> = { gpu_seconds: e.ms / 1000 };
    if (e.mode !== null) metadata.mode = e.mode;
    if (e.jobType !== null) metadata.job_type = e.jobType;
    const line = JSON.stringify({ event_id: e.id, customer_id: e.customer, event_name: 'gpu.fast_seconds', timestamp: new Date(e.at).toISOString(), metadata });
    return e.spaced === 0 ? line.replace(/":/g, '": ') : line; // some lines only the text path reads
  });
  const changes = [
    'customer_id,action,plan,interval,at',
    ...value.changes.map((c) => `${c.customer},${c.action},${c.action === 'cancel' ? '' : c.plan},,${new Date(START + c.hour * HOUR).toISOString()}`),
  ];
  const paths = { subscriptions: join(dir, `s${traces}.csv`), purchases: join(dir, `p${traces}.csv`), events: join(dir, `e${traces}.jsonl`), changes: join(dir, `c${traces}.csv`) };
  writeFileSync(paths.subscriptions, `${subscriptions.join('\n')}\n`);
  writeFileSync(paths.purchases, `${purchases.join('\n')}\n`);
  writeFileSync(paths.changes, `${changes.join('\n')}\n`);
  writeFileSync(paths.events, lines.join('\n'));
  return { catalog: CATALOG, ...paths };
}

function options(value: Trace): RateOptions {
  return { asMetered: value.asMetered, endAt: value.endDay === null ? null : START + value.endDay * 24 * HOUR };
}

describe('rateFiles (the fast path)', () => {
  it('rates in this thread exactly as the plain reference (rate/reference.ts) does', () => {
    let ignored = 0;
    fc.assert(
      fc.property(trace, (value) => {
        const paths = files(value);
        const reference = rateFilesPlainly(paths, options(value));
        ignored += reference.ignoredEvents.meter_filter;
        expect(rateFiles(paths, { ...options(value), readerThread: false })).toEqual(reference);
      }),
      { numRuns: 150 },
    );
    expect(ignored).toBeGreaterThan(100); // the meter's filter was exercised
  });

  it('reads on another thread and rates exactly as when it reads in this one', () => {
    fc.assert(
      fc.property(trace, (value) => {
        const paths = files(value);
        expect(rateFiles(paths, { ...options(value), readerThread: true })).toEqual(rateFiles(paths, { ...options(value), readerThread: false }));
      }),
      { numRuns: 20 },
    );
  });

  it('refuses a span of too many billing periods exactly as the plain path does, bad lines first', () => {
    const rows = Array.from({ length: 30_000 }, (_, index) => `cus_${index},basic,month,2026-01-01T00:00:00Z`);
    const event = (id: string, at: string) => JSON.stringify({ event_id: id, customer_id: 'cus_1', event_name: 'gpu.fast_seconds', timestamp: at, metadata: { gpu_seconds: 5, mode: 'fast' } });
    const subscriptions = join(dir, 'many.csv');
    writeFileSync(subscriptions, `customer_id,plan,interval,started_at\n${rows.join('\n')}\n`);
    for (const lines of [[event('a', '2026-01-10T00:00:00Z'), event('b', '2099-01-10T00:00:00Z')], [event('a', '2099-01-10T00:00:00Z'), 'not json']]) {
      const events = join(dir, `far-${lines.length}-${lines[1]!.length}.jsonl`);
      writeFileSync(events, `${lines.join('\n')}\n`);
      const paths: RateFiles = { catalog: 'scenarios/catalogs/midjourney.yaml', subscriptions, events, purchases: null };
      const message = (rate: () => unknown) => {
        try {
          rate();
        } catch (error) {
          return (error as Error).message;
        }
        return 'no error';
      };
      const plain = message(() => rateFilesPlainly(paths));
      expect(plain).toMatch(lines[1] === 'not json' ? /:2: not valid JSON/ : /billing periods to rate/);
      expect(message(() => rateFiles(paths, { readerThread: false }))).toBe(plain);
      expect(message(() => rateFiles(paths, { readerThread: true }))).toBe(plain);
      if (lines[1] !== 'not json') expect(message(() => rateFiles(paths, { readerThread: false, endAt: Date.UTC(2026, 1, 1) }))).toBe('no error');
    }
  });

  it('reports bad lines read on another thread as those read in this one', () => {
    const paths = files({ subscriptions: {}, purchases: [], events: [], changes: [], ordered: true, asMetered: false, endDay: null });
    writeFileSync(paths.events, '{"event_id":"a","customer_id":"c","event_name":"gpu.fast_seconds","timestamp":"2026-01-01T00:00:00Z","metadata":{}}\nnot json\n');
    const message = (readerThread: boolean) => {
      try {
        rateFiles(paths, { readerThread });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(true)).toBe(message(false));
    expect(message(false)).toContain(`${paths.events}:2: not valid JSON`);
  });

  it('reports a bad catalog the same with the reader thread started (before the catalog is read) as without', () => {
    const paths = files({ subscriptions: {}, purchases: [], events: [], changes: [], ordered: true, asMetered: false, endDay: null });
    const badCatalog = join(dir, 'bad-catalog.yaml');
    writeFileSync(badCatalog, 'plans: [unclosed\n');
    const message = (readerThread: boolean) => {
      try {
        rateFiles({ ...paths, catalog: badCatalog }, { readerThread });
      } catch (error) {
        return (error as Error).message;
      }
      return 'no error';
    };
    expect(message(true)).toBe(message(false));
    expect(message(false)).toContain(badCatalog);
  });
});

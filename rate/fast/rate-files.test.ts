import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RateFiles, type RateOptions, rateFilesPlainly } from '../reference.ts';
import type { RerateResult } from '../rerate.ts';
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
  name: fc.constantFrom('gpu.fast_seconds', 'gpu.fast_seconds', 'gpu.fast_seconds', 'gpu.fast_seconds', 'image.count', 'GPU.FAST_SECONDS'),
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
  // Echoes first: events drawn as any other, each with the id of a later one, whatever either's
  // event name or mode (any valid line takes its id; the first counts).
  events: fc.tuple(fc.array(event, { maxLength: 120 }), fc.array(fc.tuple(fc.nat(), event), { maxLength: 4 })).map(([events, echoes]) => [
    ...echoes.map(([of, echo]) => (events.length === 0 ? echo : { ...echo, id: events[of % events.length]!.id })),
    ...events,
  ]),
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
  const changes = [
    'customer_id,action,plan,interval,at',
    ...value.changes.map((c) => `${c.customer},${c.action},${c.action === 'cancel' ? '' : c.plan},,${new Date(START + c.hour * HOUR).toISOString()}`),
  ];
  const paths = { subscriptions: join(dir, `s${traces}.csv`), purchases: join(dir, `p${traces}.csv`), events: join(dir, `e${traces}.jsonl`), changes: join(dir, `c${traces}.csv`) };
  writeFileSync(paths.subscriptions, `${subscriptions.join('\n')}\n`);
  writeFileSync(paths.purchases, `${purchases.join('\n')}\n`);
  writeFileSync(paths.changes, `${changes.join('\n')}\n`);
  writeFileSync(paths.events, exportText(value));
  return { catalog: CATALOG, ...paths };
}

/** The trace's usage export: one line per event, in file order. */
function exportText(value: Trace): string {
  const lines = inFileOrder(value).map((e) => {
    const metadata: Record<string, unknown> = { gpu_seconds: e.ms / 1000 };
    if (e.mode !== null) metadata.mode = e.mode;
    if (e.jobType !== null) metadata.job_type = e.jobType;
    const line = JSON.stringify({ event_id: e.id, customer_id: e.customer, event_name: e.name, timestamp: new Date(START + e.minute * 60_000).toISOString(), metadata });
    return e.spaced === 0 ? line.replace(/":/g, '": ') : line; // some lines only the text path reads
  });
  return lines.join('\n');
}

/** The trace's events in the order its export lists them: as drawn, or by instant when `ordered`. */
function inFileOrder(value: Trace): Trace['events'] {
  return value.ordered ? [...value.events].sort((a, b) => a.minute - b.minute) : value.events;
}

function options(value: Trace): RateOptions {
  return { asMetered: value.asMetered, endAt: value.endDay === null ? null : START + value.endDay * 24 * HOUR };
}

/** Whether the catalog's meter counts the event (its name, and its filter: mode fast or turbo). */
function metered(e: Trace['events'][number]): boolean {
  return e.name === 'gpu.fast_seconds' && (e.mode === 'fast' || e.mode === 'turbo');
}

/** Metered events whose id a line the meter does not count took first (not billed, duplicates). */
function idsTakenBySkippedLines(value: Trace): number {
  const firstMetered = new Map<string, boolean>();
  let taken = 0;
  for (const e of inFileOrder(value)) {
    const first = firstMetered.get(e.id);
    if (first === undefined) firstMetered.set(e.id, metered(e));
    else if (!first && metered(e)) taken += 1;
  }
  return taken;
}

describe('rateFiles (the fast path)', () => {
  it('rates in this thread exactly as the plain reference (rate/reference.ts) does', () => {
    let ignored = 0;
    let taken = 0;
    fc.assert(
      fc.property(trace, (value) => {
        const paths = files(value);
        const reference = rateFilesPlainly(paths, options(value));
        ignored += reference.ignoredEvents.meter_filter;
        taken += idsTakenBySkippedLines(value);
        expect(rateFiles(paths, { ...options(value), readerThread: false })).toEqual(reference);
      }),
      { numRuns: 150 },
    );
    expect(ignored).toBeGreaterThan(100); // the meter's filter was exercised
    expect(taken).toBeGreaterThan(20); // and ids taken first by lines the meter does not count
  });

  it('takes each event_id at its first line, whatever its event name or mode: the lines repeating it change nothing but the duplicate count', () => {
    fc.assert(
      fc.property(trace, (value) => {
        const seen = new Set<string>();
        const firsts = inFileOrder(value).filter((e) => !seen.has(e.id) && seen.add(e.id) !== undefined);
        const repeats = value.events.length - firsts.length;
        const all = files(value);
        const firstsOnly = { ...all, events: join(dir, `e${traces}-firsts.jsonl`) };
        writeFileSync(firstsOnly.events, exportText({ ...value, events: firsts, ordered: false }));
        const once = rateFilesPlainly(firstsOnly, options(value));
        // The same result, but for the duplicates and the lines of the event name hints (lines were removed).
        const comparable = (result: RerateResult) => ({ ...result, eventNameHints: result.eventNameHints.map((hint) => hint.eventName) });
        const expected = comparable({ ...once, ignoredEvents: { ...once.ignoredEvents, duplicate: once.ignoredEvents.duplicate + repeats } });
        expect(once.ignoredEvents.duplicate).toBe(0);
        expect(comparable(rateFilesPlainly(all, options(value)))).toEqual(expected);
        expect(comparable(rateFiles(all, { ...options(value), readerThread: false }))).toEqual(expected);
      }),
      { numRuns: 100 },
    );
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

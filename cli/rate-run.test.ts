import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type RerateResult, rerate } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import type { InputIssue } from '../scenarios/errors.ts';
import { readPurchases, readSubscriptions } from './rate-inputs.ts';
import { readEvents } from './test/text-export-reader.ts';
import { type RateFiles, rateFiles } from './rate-run.ts';

const CATALOG = 'scenarios/catalogs/basic-relax.yaml';
const { catalog } = loadCatalog(CATALOG);
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
  spaced: fc.nat({ max: 9 }),
});

const trace = fc.record({
  subscriptions: fc.dictionary(fc.constantFrom(...CUSTOMERS.slice(0, 5)), subscription),
  purchases: fc.array(purchase, { maxLength: 6 }),
  events: fc.array(event, { maxLength: 120 }),
  ordered: fc.boolean(),
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
    const metadata: Record<string, unknown> = { gpu_seconds: e.ms / 1000, mode: 'fast' };
    if (e.jobType !== null) metadata.job_type = e.jobType;
    const line = JSON.stringify({ event_id: e.id, customer_id: e.customer, event_name: 'gpu.fast_seconds', timestamp: new Date(e.at).toISOString(), metadata });
    return e.spaced === 0 ? line.replace(/":/g, '": ') : line; // some lines only the text path reads
  });
  const paths = { subscriptions: join(dir, `s${traces}.csv`), purchases: join(dir, `p${traces}.csv`), events: join(dir, `e${traces}.jsonl`) };
  writeFileSync(paths.subscriptions, `${subscriptions.join('\n')}\n`);
  writeFileSync(paths.purchases, `${purchases.join('\n')}\n`);
  writeFileSync(paths.events, lines.join('\n'));
  return { catalog: CATALOG, ...paths };
}

/** The reference: the text readers and `rerate` (de-duplicates in input order, sorts by instant). */
function reference(paths: RateFiles): RerateResult {
  const issues: InputIssue[] = [];
  const subscriptions = readSubscriptions(paths.subscriptions, catalog, issues);
  const purchases = readPurchases(paths.purchases!, catalog, issues);
  const { events } = readEvents(paths.events, catalog, issues);
  expect(issues).toEqual([]);
  return rerate(catalog, subscriptions, purchases, events);
}

describe('rateFiles', () => {
  it('rates in this thread exactly as rerate does over the text readers', () => {
    fc.assert(
      fc.property(trace, (value) => {
        const paths = files(value);
        expect(rateFiles(paths, { readerThread: false })).toEqual(reference(paths));
      }),
      { numRuns: 150 },
    );
  });

  it('reads on another thread and rates exactly as when it reads in this one', () => {
    fc.assert(
      fc.property(trace, (value) => {
        const paths = files(value);
        expect(rateFiles(paths, { readerThread: true })).toEqual(rateFiles(paths, { readerThread: false }));
      }),
      { numRuns: 20 },
    );
  });

  it('reports bad lines read on another thread as those read in this one', () => {
    const paths = files({ subscriptions: {}, purchases: [], events: [], ordered: true });
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
    const paths = files({ subscriptions: {}, purchases: [], events: [], ordered: true });
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

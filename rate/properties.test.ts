import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type EngineSnapshot, restoreEngine, snapshotEngine, type EngineState, type Invoice, type Mode, type UsageEvent, accountInvariantErrors, accountOf, compileCatalog, complete, completeByHandle, createEngine, drainClosed, jobTypeOf, subscribeCustomer, submit, submitByHandle, tick, warmAccounts } from '../engine/index.ts';
import { type RerateEvent, type ReratePurchase, type RerateSubscription, rerate } from './rerate.ts';
import { referenceBill } from './test/reference-biller.ts';
import { DAY, HOUR, catalog, midjourneySpec, t } from '../engine/test/fixtures.ts';

const START = t('2026-01-01T00:00:00Z');
const CUSTOMERS = ['cus_a', 'cus_b', 'cus_c'];
const PLANS = ['basic', 'standard', 'pro', 'mega', 'flex'];
const JOB_TYPES = ['image_grid', 'upscale', 'video_sd', 'video_hd'];

interface Trace {
  subscriptions: RerateSubscription[];
  purchases: ReratePurchase[];
  events: RerateEvent[];
}

const traceArbitrary: fc.Arbitrary<Trace> = fc
  .record({
    plans: fc.tuple(...CUSTOMERS.map(() => fc.record({ plan: fc.constantFrom(...PLANS), year: fc.boolean(), offset: fc.integer({ min: 0, max: 40 * DAY }) }))),
    purchases: fc.array(fc.record({ customer: fc.constantFrom(...CUSTOMERS), hours: fc.integer({ min: 1, max: 5 }), offset: fc.integer({ min: 0, max: 120 * DAY }) }), { maxLength: 6 }),
    events: fc.array(
      fc.record({
        customer: fc.constantFrom(...CUSTOMERS),
        offset: fc.integer({ min: 0, max: 120 * DAY }),
        gpuMs: fc.integer({ min: 0, max: 9 * HOUR }),
        jobType: fc.option(fc.constantFrom(...JOB_TYPES), { nil: null }),
        duplicateOf: fc.option(fc.nat(), { nil: null }),
      }),
      { maxLength: 60 },
    ),
  })
  .map(({ plans, purchases, events }) => {
    const subscriptions = CUSTOMERS.map((customerId, index) => {
      const choice = plans[index]!;
      const interval = choice.year && choice.plan !== 'flex' ? ('year' as const) : ('month' as const);
      return { customerId, planId: choice.plan, interval, startedAt: START + choice.offset };
    });
    const rated: RerateEvent[] = [];
    events.forEach((event, index) => {
      const original = event.duplicateOf !== null && rated.length > 0 ? rated[event.duplicateOf % rated.length]! : null;
      rated.push(original ?? { eventId: `ev_${index}`, customerId: event.customer, at: START + event.offset, gpuMs: event.gpuMs, jobType: event.jobType });
    });
    return {
      subscriptions,
      purchases: purchases.map((purchase, index) => ({ customerId: purchase.customer, purchaseId: `p${index}`, hours: purchase.hours, purchasedAt: START + purchase.offset })),
      events: rated,
    };
  });

function summary(invoices: readonly Invoice[]) {
  return invoices.map((invoice) => ({
    customerId: invoice.customerId,
    periodStartAt: invoice.periodStartAt,
    fastMs: invoice.fastMs,
    relaxJobs: invoice.relaxJobs,
    blockedJobs: invoice.blockedJobs,
    totalCents: invoice.totalCents,
  }));
}

describe('engine properties', () => {
  it('agrees with the naive reference biller on random traces', () => {
    fc.assert(
      fc.property(traceArbitrary, (trace) => {
        const engine = rerate(catalog, trace.subscriptions, trace.purchases, trace.events);
        expect(summary(engine.invoices)).toEqual(referenceBill(catalog, trace.subscriptions, trace.purchases, trace.events));
      }),
      { numRuns: 300 },
    );
  });

  it('duplicated events change nothing', () => {
    fc.assert(
      fc.property(traceArbitrary, fc.array(fc.nat(), { maxLength: 20 }), (trace, picks) => {
        const once = rerate(catalog, trace.subscriptions, trace.purchases, trace.events);
        const repeats = trace.events.length === 0 ? [] : picks.map((pick) => trace.events[pick % trace.events.length]!);
        const twice = rerate(catalog, trace.subscriptions, trace.purchases, [...trace.events, ...repeats]);
        expect(twice.invoices).toEqual(once.invoices);
      }),
      { numRuns: 150 },
    );
  });

  it('more allowance never blocks more jobs', () => {
    const spec = midjourneySpec();
    for (const plan of Object.values(spec.plans)) plan.fast_seconds *= 2;
    const generous = compileCatalog(spec);
    fc.assert(
      fc.property(traceArbitrary, (trace) => {
        const blocked = (invoices: readonly Invoice[]) => invoices.reduce((sum, invoice) => sum + invoice.blockedJobs, 0);
        const base = rerate(catalog, trace.subscriptions, trace.purchases, trace.events);
        const more = rerate(generous, trace.subscriptions, trace.purchases, trace.events);
        expect(blocked(more.invoices)).toBeLessThanOrEqual(blocked(base.invoices));
      }),
      { numRuns: 150 },
    );
  });
});

/**
 * Drives the engine directly over a trace, through the account API or (`byHandle`) the handle API
 * with `warmAccounts` ahead; returns the invoices ticked out and collects the usage events sent.
 */
function drive(state: EngineState, events: readonly RerateEvent[], sent: UsageEvent[], byHandle = false): Invoice[] {
  const invoices: Invoice[] = [];
  const handles = events.map((event) => accountOf(state, event.customerId).handle);
  events.forEach((event, index) => {
    invoices.push(...tick(state, event.at).invoices);
    const account = accountOf(state, event.customerId);
    const jobType = jobTypeOf(catalog, event.jobType ?? 'image_grid');
    const mode: Mode = event.gpuMs % 3 === 0 ? 'relax' : event.gpuMs % 3 === 1 ? 'turbo' : 'fast';
    if (byHandle) warmAccounts(state, handles, index + 1, index + 4);
    const decision = byHandle
      ? submitByHandle(state, handles[index]!, { jobType, mode }, event.at)
      : submit(catalog, account, { jobType, mode }, event.at);
    if (decision.mode === 'blocked') return;
    if (decision.start === 'queued') throw new Error('no job should queue: each completes at once');
    const job = { jobId: event.eventId, mode: decision.mode };
    const done = byHandle ? completeByHandle(state, handles[index]!, job, event.gpuMs, event.at) : complete(catalog, account, job, event.gpuMs, event.at);
    if (done.usage !== null) sent.push(done.usage);
    expect(accountInvariantErrors(account)).toEqual([]);
  });
  return invoices;
}

function freshState(trace: Trace): EngineState {
  const state = createEngine(catalog);
  for (const subscription of trace.subscriptions) {
    subscribeCustomer(state, subscription.customerId, subscription.planId, subscription.interval, subscription.startedAt);
  }
  return state;
}

describe('engine properties (driven directly)', () => {
  const ordered = traceArbitrary.map((trace) => ({
    ...trace,
    events: [...new Map(trace.events.map((event) => [event.eventId, event])).values()]
      .filter((event) => event.at >= t('2026-02-15T00:00:00Z'))
      .sort((a, b) => a.at - b.at || (a.eventId < b.eventId ? -1 : 1)),
  }));

  it('relax is never metered, and the metered seconds equal the ledger fast time', () => {
    fc.assert(
      fc.property(ordered, (trace) => {
        const state = freshState(trace);
        const sent: UsageEvent[] = [];
        const invoices = drive(state, trace.events, sent);
        expect(sent.every((event) => event.metadata?.mode !== 'relax')).toBe(true);
        invoices.push(...tick(state, t('2027-01-01T00:00:00Z')).invoices, ...drainClosed(state));
        const ledgerFastMs = [...state.accounts.values()].reduce((sum, account) => sum + account.usage.fastMs, 0);
        const invoicedFastMs = invoices.reduce((sum, invoice) => sum + invoice.fastMs, 0);
        const meteredMs = sent.reduce((sum, event) => sum + Math.round(Number(event.metadata?.gpu_seconds) * 1000), 0);
        expect(meteredMs).toBe(invoicedFastMs + ledgerFastMs);
      }),
      { numRuns: 150 },
    );
  });

  it('driving by handle (warming accounts ahead) gives the same decisions, events, invoices and state as by account', () => {
    fc.assert(
      fc.property(ordered, (trace) => {
        const end = t('2027-01-01T00:00:00Z');
        const run = (byHandle: boolean) => {
          const state = freshState(trace);
          const sent: UsageEvent[] = [];
          const invoices = [...drive(state, trace.events, sent, byHandle), ...tick(state, end).invoices, ...drainClosed(state)];
          return { invoices, events: JSON.stringify(sent), snapshot: snapshotEngine(state) };
        };
        const byHandle = run(true);
        const byAccount = run(false);
        expect(byHandle.events).toBe(byAccount.events);
        expect(byHandle.invoices).toEqual(byAccount.invoices);
        expect(byHandle.snapshot).toEqual(byAccount.snapshot);
      }),
      { numRuns: 150 },
    );
  });

  it('splitting a run in two (snapshot and restore between) equals one run', () => {
    fc.assert(
      fc.property(ordered, fc.nat(), (trace, cut) => {
        const oneRun = freshState(trace);
        const end = t('2027-01-01T00:00:00Z');
        const expected = [...drive(oneRun, trace.events, []), ...tick(oneRun, end).invoices, ...drainClosed(oneRun)];

        const split = cut % (trace.events.length + 1);
        const first = freshState(trace);
        const early = drive(first, trace.events.slice(0, split), []);
        const restored = restoreEngine(catalog, JSON.parse(JSON.stringify(snapshotEngine(first))) as EngineSnapshot);
        const late = drive(restored, trace.events.slice(split), []);
        const actual = [...early, ...late, ...tick(restored, end).invoices, ...drainClosed(restored)];
        const key = (invoice: Invoice) => `${invoice.customerId}:${invoice.periodStartAt}`;
        expect(actual.sort((a, b) => (key(a) < key(b) ? -1 : 1))).toEqual(expected.sort((a, b) => (key(a) < key(b) ? -1 : 1)));
      }),
      { numRuns: 100 },
    );
  });
});

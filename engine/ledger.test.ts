import { describe, expect, it } from 'vitest';
import {
  type Account,
  type AccountData,
  type Invoice,
  type Mode,
  accountInvariantErrors,
  accountOf,
  awardBonus,
  buyTopup,
  cancelCustomer,
  carryInUsage,
  complete,
  createEngine,
  jobTypeOf,
  subscribeCustomer,
  submit,
  tick,
  withdrawHeld,
} from './index.ts';
import { DAY, HOUR, SECOND, catalog, t } from './test/fixtures.ts';

/**
 * Scripted ledger scenarios: each step is (at, input, expected), time only moves forward, and the
 * account's invariants are checked after every step.
 */
type Step =
  | { at: string; run: { job: Mode; gpuMs: number; jobType?: string }; expect: { mode: Mode | 'blocked'; reason?: string; balanceMs?: number } }
  | { at: string; topup: number; expect?: { balanceMs: number } }
  | { at: string; bonus: string; expect?: { balanceMs: number } }
  | { at: string; tick: true; expect: { invoices: Partial<Invoice>[]; balanceMs?: number } };

function play(planId: string, startedAt: string, steps: Step[], interval: 'month' | 'year' = 'month'): Account {
  const state = createEngine(catalog);
  subscribeCustomer(state, 'cus_1', planId, interval, t(startedAt));
  const account = accountOf(state, 'cus_1');
  let jobNumber = 0;
  for (const step of steps) {
    const at = t(step.at);
    if ('run' in step) {
      jobNumber += 1;
      const jobType = jobTypeOf(catalog, step.run.jobType ?? 'image_grid');
      const decision = submit(catalog, account, { jobType, mode: step.run.job }, at);
      expect(decision.mode, `${step.at} mode`).toBe(step.expect.mode);
      if (step.expect.reason) expect(decision.reason).toBe(step.expect.reason);
      if (decision.mode !== 'blocked') complete(catalog, account, { jobId: `job_${jobNumber}`, mode: decision.mode }, step.run.gpuMs, at);
      if (step.expect.balanceMs !== undefined) expect(account.balanceMs, `${step.at} balance`).toBe(step.expect.balanceMs);
    } else if ('topup' in step) {
      expect(buyTopup(state, 'cus_1', { purchaseId: `p${step.at}`, hours: step.topup }, at).ok).toBe(true);
      if (step.expect) expect(account.balanceMs).toBe(step.expect.balanceMs);
    } else if ('bonus' in step) {
      expect(awardBonus(state, 'cus_1', step.bonus, at).ok).toBe(true);
      if (step.expect) expect(account.balanceMs).toBe(step.expect.balanceMs);
    } else {
      const { invoices } = tick(state, at);
      expect(invoices.map((invoice) => pick(invoice, step.expect.invoices[0] ?? {}))).toEqual(step.expect.invoices);
      if (step.expect.balanceMs !== undefined) expect(account.balanceMs).toBe(step.expect.balanceMs);
    }
    expect(accountInvariantErrors(account), step.at).toEqual([]);
  }
  return account;
}

function pick(invoice: Invoice, shape: Partial<Invoice>): Partial<Invoice> {
  return Object.fromEntries(Object.keys(shape).map((key) => [key, invoice[key as keyof Invoice]]));
}

describe('ledger scenarios', () => {
  it('Basic is hard-capped: the job admitted with balance left overdraws, the next is blocked', () => {
    play('basic', '2026-01-10T00:00:00Z', [
      { at: '2026-01-11T00:00:00Z', run: { job: 'fast', gpuMs: 11_990 * SECOND }, expect: { mode: 'fast', balanceMs: 10 * SECOND } },
      { at: '2026-01-11T01:00:00Z', run: { job: 'fast', gpuMs: 60 * SECOND }, expect: { mode: 'fast', balanceMs: 0 } },
      { at: '2026-01-11T02:00:00Z', run: { job: 'fast', gpuMs: 60 * SECOND }, expect: { mode: 'blocked', reason: 'fast_exhausted_no_relax' } },
      { at: '2026-01-11T03:00:00Z', run: { job: 'relax', gpuMs: 60 * SECOND }, expect: { mode: 'blocked', reason: 'relax_not_on_plan' } },
      {
        at: '2026-02-10T00:00:00Z',
        tick: true,
        expect: {
          invoices: [{ fastMs: 12_050 * SECOND, overAllowanceMs: 50 * SECOND, overageMs: 50 * SECOND, blockedJobs: 2, totalCents: 1000 }],
          balanceMs: 12_000 * SECOND,
        },
      },
      { at: '2026-02-10T00:00:01Z', run: { job: 'fast', gpuMs: SECOND }, expect: { mode: 'fast', reason: 'fast_balance' } },
    ]);
  });

  it('Standard falls back to Relax when exhausted; Relax is never charged; renewal re-enables Fast', () => {
    play('standard', '2026-03-31T12:00:00Z', [
      { at: '2026-04-01T00:00:00Z', run: { job: 'fast', gpuMs: 54_000 * SECOND }, expect: { mode: 'fast', balanceMs: 0 } },
      { at: '2026-04-02T00:00:00Z', run: { job: 'fast', gpuMs: 30 * SECOND }, expect: { mode: 'relax', reason: 'fast_exhausted_relax', balanceMs: 0 } },
      { at: '2026-04-02T00:00:00Z', run: { job: 'fast', gpuMs: 30 * SECOND, jobType: 'video_sd' }, expect: { mode: 'blocked', reason: 'relax_not_allowed_for_job_type' } },
      // 31 March anchor: the next cycle starts on 30 April (clamped), then 31 May.
      { at: '2026-04-30T11:59:59Z', tick: true, expect: { invoices: [] } },
      {
        at: '2026-04-30T12:00:00Z',
        tick: true,
        expect: { invoices: [{ periodEndAt: t('2026-04-30T12:00:00Z'), relaxJobs: 1, relaxMs: 30 * SECOND, totalCents: 3000 }], balanceMs: 54_000 * SECOND },
      },
      { at: '2026-05-01T00:00:00Z', run: { job: 'fast', gpuMs: SECOND }, expect: { mode: 'fast' } },
      { at: '2026-05-31T12:00:00Z', tick: true, expect: { invoices: [{ periodStartAt: t('2026-04-30T12:00:00Z'), fastMs: SECOND }] } },
    ]);
  });

  it('burns included, then bonus, then top-ups by earliest expiry; top-ups expire after 60 days', () => {
    const account = play('basic', '2026-01-01T00:00:00Z', [
      { at: '2026-01-02T00:00:00Z', topup: 1, expect: { balanceMs: 12_000 * SECOND + HOUR } },
      { at: '2026-01-03T00:00:00Z', bonus: 'rating-1', expect: { balanceMs: 12_000 * SECOND + 2 * HOUR } },
      { at: '2026-01-04T00:00:00Z', run: { job: 'fast', gpuMs: 12_000 * SECOND + 1800 * SECOND }, expect: { mode: 'fast', balanceMs: 1.5 * HOUR } },
    ]);
    expect(account.lots.map((lot) => [lot.kind, lot.remainingMs])).toEqual([
      ['bonus', 0.5 * HOUR],
      ['topup', HOUR],
    ]);
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'basic', 'month', t('2026-01-01T00:00:00Z'));
    buyTopup(state, 'c', { purchaseId: 'p1', hours: 2 }, t('2026-01-02T00:00:00Z'));
    tick(state, t('2026-03-03T00:00:00Z') - 1);
    expect(accountOf(state, 'c').lots.some((lot) => lot.kind === 'topup')).toBe(true);
    tick(state, t('2026-03-03T00:00:00Z'));
    const after = accountOf(state, 'c');
    expect(after.lots.some((lot) => lot.kind === 'topup')).toBe(false);
    expect(after.expiredMs).toBe(2 * HOUR + 2 * 12_000 * SECOND); // two unused allowances and the lot
    expect(accountInvariantErrors(after)).toEqual([]);
  });

  it('turbo is charged at twice its GPU time and emits the charged seconds', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'pro', 'month', t('2026-01-01T00:00:00Z'));
    const account = accountOf(state, 'c');
    const decision = submit(catalog, account, { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'turbo' }, t('2026-01-01T01:00:00Z'));
    const done = complete(catalog, account, { jobId: 'j1', mode: decision.mode as Mode }, 15_500, t('2026-01-01T01:00:20Z'));
    expect(done.chargedMs).toBe(31_000);
    expect(done.usage?.event_id).toBe('j1:gpu');
    expect(done.usage?.metadata).toEqual({ gpu_seconds: 31, mode: 'turbo' });
    // What a driver sends: the wire object, exactly Dodo's shape.
    expect(JSON.parse(JSON.stringify(done.usage))).toEqual({
      event_id: 'j1:gpu',
      customer_id: 'c',
      event_name: 'gpu.fast_seconds',
      timestamp: '2026-01-01T01:00:20.000Z',
      metadata: { gpu_seconds: 31, mode: 'turbo' },
    });
    expect(account.balanceMs).toBe(108_000 * SECOND - 31_000);
  });

  it('stamps each usage event with its exact completion instant, ms, whatever the instant', () => {
    const state = createEngine(catalog);
    const startAt = t('2026-01-01T00:00:00Z');
    subscribeCustomer(state, 'c', 'mega', 'month', startAt);
    const account = accountOf(state, 'c');
    const split = 2 ** 30;
    const base = Math.ceil(startAt / split) * split;
    // Instants on, beside and between multiples of 2^30 ms, and odd ones, all in the first cycle.
    const instants = [startAt + 1, base - 1, base, base + 1, startAt + 1_234_567_891, base + split - 1, base + split].sort((a, b) => a - b);
    const stamped = instants.map((at, index) => {
      const decision = submit(catalog, account, { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'fast' }, at);
      return complete(catalog, account, { jobId: `j${index}`, mode: decision.mode as Mode }, 1_000, at).usage?.timestamp;
    });
    expect(stamped).toEqual(instants.map((at) => new Date(at).toISOString()));
  });

  it('annual plans pay upfront once a year and reset the allowance every month', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'standard', 'year', t('2026-01-15T00:00:00Z'));
    const invoices = tick(state, t('2027-01-15T00:00:00Z')).invoices;
    expect(invoices).toHaveLength(12);
    expect(invoices.map((invoice) => invoice.totalCents)).toEqual([28800, ...Array(11).fill(0)]);
    expect(accountOf(state, 'c').openLines.map((line) => [line.kind, line.amountCents])).toEqual([['annual_subscription', 28800]]);
    expect(invoices.every((invoice) => invoice.includedMs === 54_000 * SECOND)).toBe(true);
  });

  it('metered plans bill the seconds over the free threshold once per period at price_per_unit', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'flex', 'month', t('2026-01-01T00:00:00Z'));
    const account = accountOf(state, 'c');
    const grid = jobTypeOf(catalog, 'image_grid');
    for (let index = 0; index < 3; index += 1) {
      const at = t('2026-01-05T00:00:00Z') + index * HOUR;
      const decision = submit(catalog, account, { jobType: grid, mode: 'fast' }, at);
      complete(catalog, account, { jobId: `j${index}`, mode: decision.mode as Mode }, 13_000 * SECOND, at);
    }
    expect(submit(catalog, account, { jobType: grid, mode: 'fast' }, t('2026-01-06T00:00:00Z')).reason).toBe('metered_overage');
    const [invoice] = tick(state, t('2026-02-01T00:00:00Z')).invoices;
    // 39,000 s used - 36,000 s free = 3,000 s x 0.111111111111 cents = 333.333333333 -> 333 cents
    expect(invoice!.lines.map((line) => [line.kind, line.quantity, line.amountCents])).toEqual([
      ['subscription', 1, 2000],
      ['overage', 3000, 333],
    ]);
    expect(invoice!.totalCents).toBe(2333);
    expect(buyTopup(state, 'c', { purchaseId: 'x', hours: 1 }, t('2026-02-02T00:00:00Z'))).toEqual({ ok: false, reason: 'topups_not_offered' });
  });

  it('cancellation takes effect at renewal; afterwards every job is blocked', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'pro', 'month', t('2026-01-01T00:00:00Z'));
    cancelCustomer(state, 'c', t('2026-01-20T00:00:00Z'));
    const account = accountOf(state, 'c');
    const grid = jobTypeOf(catalog, 'image_grid');
    expect(submit(catalog, account, { jobType: grid, mode: 'fast' }, t('2026-01-31T00:00:00Z')).mode).toBe('fast');
    const decision = submit(catalog, account, { jobType: grid, mode: 'fast' }, t('2026-02-01T00:00:00Z'));
    expect(decision).toMatchObject({ mode: 'blocked', reason: 'no_active_subscription' });
    expect(tick(state, t('2026-03-01T00:00:00Z')).invoices).toHaveLength(1);
  });

  it('concurrency: beyond the limit jobs queue; beyond the queue they are blocked', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'standard', 'month', t('2026-01-01T00:00:00Z'));
    const account = accountOf(state, 'c');
    const grid = jobTypeOf(catalog, 'image_grid');
    const at = t('2026-01-02T00:00:00Z');
    const starts = Array.from({ length: 14 }, () => submit(catalog, account, { jobType: grid, mode: 'fast' }, at));
    expect(starts.map((decision) => decision.start ?? decision.reason)).toEqual([
      ...Array(3).fill('now'),
      ...Array(10).fill('queued'),
      'queue_full',
    ]);
    const flex = createEngine(catalog);
    subscribeCustomer(flex, 'f', 'flex', 'month', at);
    const flexAccount = accountOf(flex, 'f');
    const flexStarts = Array.from({ length: 4 }, () => submit(catalog, flexAccount, { jobType: grid, mode: 'fast' }, at));
    expect(flexStarts[3]).toMatchObject({ mode: 'blocked', reason: 'concurrency_limit' });
  });

  it('a withdrawn held job frees its queue place and charges or counts nothing', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'standard', 'month', t('2026-01-01T00:00:00Z'));
    const account = accountOf(state, 'c');
    const grid = jobTypeOf(catalog, 'image_grid');
    const at = t('2026-01-02T00:00:00Z');
    for (let index = 0; index < 13; index += 1) submit(catalog, account, { jobType: grid, mode: 'fast' }, at);
    expect(submit(catalog, account, { jobType: grid, mode: 'fast' }, at)).toMatchObject({ reason: 'queue_full' });
    const before = { balanceMs: account.balanceMs, fastJobs: account.fastJobs, failedJobs: account.failedJobs, blockedJobs: account.blockedJobs };
    withdrawHeld(account);
    expect(submit(catalog, account, { jobType: grid, mode: 'fast' }, at)).toMatchObject({ mode: 'fast', start: 'queued' });
    expect({ balanceMs: account.balanceMs, fastJobs: account.fastJobs, failedJobs: account.failedJobs, blockedJobs: account.blockedJobs }).toEqual(before);
    expect(accountInvariantErrors(account)).toEqual([]);
    const idle = accountOf(state, 'idle');
    expect(() => withdrawHeld(idle)).toThrow('router: no held job for idle');
  });

  it('relax priority is the relax time used this cycle, reset at renewal', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'c', 'pro', 'month', t('2026-01-01T00:00:00Z'));
    const account = accountOf(state, 'c');
    const grid = jobTypeOf(catalog, 'image_grid');
    const first = submit(catalog, account, { jobType: grid, mode: 'relax' }, t('2026-01-02T00:00:00Z'));
    expect(first.priority).toBe(0);
    complete(catalog, account, { jobId: 'r1', mode: 'relax' }, 45_000, t('2026-01-02T00:01:00Z'));
    expect(submit(catalog, account, { jobType: grid, mode: 'relax' }, t('2026-01-03T00:00:00Z')).priority).toBe(45_000);
    expect(submit(catalog, account, { jobType: grid, mode: 'relax' }, t('2026-02-01T00:00:00Z')).priority).toBe(0);
    expect(DAY).toBeGreaterThan(0);
  });

  it('usage carried in from before the driver burns and counts like a Fast job, but counts no job', () => {
    const carried = createEngine(catalog);
    const ran = createEngine(catalog);
    for (const state of [carried, ran]) subscribeCustomer(state, 'c', 'basic', 'month', t('2026-01-10T00:00:00Z'));
    const at = t('2026-02-20T00:00:00Z'); // after a renewal: both catch up first
    const carriedAccount = accountOf(carried, 'c');
    carryInUsage(catalog, carriedAccount, 12_500 * SECOND, at);
    const ranAccount = accountOf(ran, 'c');
    const decision = submit(catalog, ranAccount, { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'fast' }, at);
    if (decision.mode === 'blocked') throw new Error('the job was blocked');
    complete(catalog, ranAccount, { jobId: 'j', mode: decision.mode }, 12_500 * SECOND, at);

    const withoutJobCount = (data: AccountData) => ({ ...data, numbers: { ...data.numbers, fastJobs: null } });
    expect(withoutJobCount(carriedAccount.toData())).toEqual(withoutJobCount(ranAccount.toData()));
    expect([carriedAccount.usage.fastJobs, ranAccount.usage.fastJobs]).toEqual([0, 1]);
    expect([carriedAccount.usage.fastMs, carriedAccount.usage.overageMs, carriedAccount.usage.exhaustedAt]).toEqual([12_500 * SECOND, 500 * SECOND, at]);
    expect(accountInvariantErrors(carriedAccount)).toEqual([]);
    expect(() => carryInUsage(catalog, accountOf(carried, 'nobody'), SECOND, at)).toThrow(/no plan/);
  });
});

import { describe, expect, it } from 'vitest';
import {
  type ProrationMode,
  accountInvariantErrors,
  accountOf,
  changeCustomerPlan,
  compileCatalog,
  complete,
  createEngine,
  jobTypeOf,
  subscribeCustomer,
  submit,
  tick,
} from './index.ts';
import { SECOND, midjourneySpec, t } from './test/fixtures.ts';

function catalogWith(proration: ProrationMode, creditBasis: 'time' | 'unused_fast' = 'unused_fast') {
  const spec = midjourneySpec();
  spec.plan_change = { upgrade_proration: proration, credit_basis: creditBasis };
  return compileCatalog(spec);
}

function standardHalfUsed(proration: ProrationMode, creditBasis: 'time' | 'unused_fast' = 'unused_fast') {
  const catalog = catalogWith(proration, creditBasis);
  const state = createEngine(catalog);
  subscribeCustomer(state, 'c', 'standard', 'month', t('2026-04-01T00:00:00Z'));
  const account = accountOf(state, 'c');
  const decision = submit(catalog, account, { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'fast' }, t('2026-04-05T00:00:00Z'));
  complete(catalog, account, { jobId: 'j', mode: 'fast' }, 27_000 * SECOND, t('2026-04-05T00:00:00Z'));
  expect(decision.mode).toBe('fast');
  return { catalog, state, account };
}

describe('plan changes', () => {
  it("prorated upgrade credits the unused share of Fast time (Midjourney's rule) and charges the time left", () => {
    const { state, account } = standardHalfUsed('prorated_immediately');
    // 1 April + 30 days; upgrade on 16 April at 00:00: 15 of 30 days left.
    const result = changeCustomerPlan(state, 'c', 'pro', 'month', t('2026-04-16T00:00:00Z'));
    expect(result).toMatchObject({ ok: true, effect: 'upgraded' });
    const lines = result.ok ? result.lines.map((line) => [line.kind, line.amountCents]) : [];
    // Standard at 50% used -> $15 credit; Pro $60 x 15/30 days left = $30.
    expect(lines).toEqual([
      ['proration_credit', -1500],
      ['proration_charge', 3000],
    ]);
    expect(account.plan?.id).toBe('pro');
    // Allowance grows by (108,000 - 54,000) s x 15/30 = 27,000 s.
    expect(account.includedMs).toBe(54_000 * SECOND + 27_000 * SECOND);
    expect(account.balanceMs).toBe(27_000 * SECOND + 27_000 * SECOND);
    expect(accountInvariantErrors(account)).toEqual([]);
    const [invoice] = tick(state, t('2026-05-01T00:00:00Z')).invoices;
    expect(invoice!.planId).toBe('pro');
    expect(invoice!.totalCents).toBe(3000 - 1500 + 3000);
    expect(accountOf(state, 'c').openLines.map((line) => [line.kind, line.amountCents])).toEqual([['subscription', 6000]]);
  });

  it('prorated upgrade on the time basis credits the days left', () => {
    const { state } = standardHalfUsed('prorated_immediately', 'time');
    const result = changeCustomerPlan(state, 'c', 'pro', 'month', t('2026-04-16T00:00:00Z'));
    expect(result.ok && result.lines.map((line) => line.amountCents)).toEqual([-1500, 3000]);
  });

  it('full_immediately closes the period and starts a new cycle anchored at the upgrade', () => {
    const { state, account } = standardHalfUsed('full_immediately');
    const at = t('2026-04-16T00:00:00Z');
    changeCustomerPlan(state, 'c', 'pro', 'month', at);
    expect(account.cycleStartAt).toBe(at);
    expect(account.cycleEndAt).toBe(t('2026-05-16T00:00:00Z'));
    expect(account.balanceMs).toBe(108_000 * SECOND);
    const [closed] = tick(state, at).invoices;
    expect(closed).toMatchObject({ planId: 'standard', periodEndAt: at, totalCents: 3000, fastMs: 27_000 * SECOND });
    expect(account.openLines.map((line) => [line.kind, line.amountCents])).toEqual([['subscription', 6000]]);
    expect(accountInvariantErrors(account)).toEqual([]);
  });

  it('difference_immediately charges the fee difference and adds the allowance difference', () => {
    const { state, account } = standardHalfUsed('difference_immediately');
    const result = changeCustomerPlan(state, 'c', 'pro', 'month', t('2026-04-16T00:00:00Z'));
    expect(result.ok && result.lines.map((line) => [line.kind, line.amountCents])).toEqual([['upgrade_charge', 3000]]);
    expect(account.balanceMs).toBe(27_000 * SECOND + 54_000 * SECOND);
  });

  it('do_not_bill switches without a charge; the new fee starts at renewal', () => {
    const { state, account } = standardHalfUsed('do_not_bill');
    const result = changeCustomerPlan(state, 'c', 'mega', 'month', t('2026-04-16T00:00:00Z'));
    expect(result).toMatchObject({ ok: true, effect: 'upgraded', lines: [] });
    const [invoice] = tick(state, t('2026-05-01T00:00:00Z')).invoices;
    expect(invoice!.totalCents).toBe(3000);
    expect(account.openLines.map((line) => line.amountCents)).toEqual([12000]);
  });

  it('downgrades wait for renewal and keep the current allowance until then', () => {
    const { state, account } = standardHalfUsed('prorated_immediately');
    const result = changeCustomerPlan(state, 'c', 'basic', 'month', t('2026-04-16T00:00:00Z'));
    expect(result).toMatchObject({ ok: true, effect: 'scheduled' });
    expect(account.plan?.id).toBe('standard');
    expect(account.balanceMs).toBe(27_000 * SECOND);
    tick(state, t('2026-05-01T00:00:00Z'));
    expect(account.plan?.id).toBe('basic');
    expect(account.balanceMs).toBe(12_000 * SECOND);
    expect(account.openLines.map((line) => line.amountCents)).toEqual([1000]);
  });

  it('an upgrade that changes the interval restarts the cycles with the new term fee', () => {
    const { state, account } = standardHalfUsed('prorated_immediately');
    const at = t('2026-04-16T00:00:00Z');
    changeCustomerPlan(state, 'c', 'pro', 'year', at);
    expect(account.interval).toBe('year');
    expect(account.anchorAt).toBe(at);
    expect(account.openLines.map((line) => [line.kind, line.amountCents])).toEqual([['annual_subscription', 57600]]);
  });
});

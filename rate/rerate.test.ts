/**
 * Re-rating rules: the two questions (replay, as metered), plan changes, the rating window and
 * events nobody is billed for. Scripted: a few customers, a few events, exact invoices.
 */
import { describe, expect, it } from 'vitest';
import { type RerateEvent, type RerateSubscription, rerate } from './rerate.ts';
import { catalog, t } from '../engine/test/fixtures.ts';

const sub = (customerId: string, planId: string, startedAt = '2026-01-01T00:00:00Z'): RerateSubscription => ({ customerId, planId, interval: 'month', startedAt: t(startedAt) });
const event = (eventId: string, customerId: string, at: string, seconds: number): RerateEvent => ({ eventId, customerId, at: t(at), gpuMs: seconds * 1000, jobType: null });

/**
 * Basic (12,000 s, hard cap) sends 5 jobs of 3,000 s; Standard (54,000 s, relax) 3 of 30,000 s
 * (the second is admitted with balance left and overdraws it); Flex (36,000 s, metered) 39,600 s.
 */
const subscriptions = [sub('cus_basic', 'basic'), sub('cus_std', 'standard'), sub('cus_flex', 'flex')];
const events = [
  ...[1, 2, 3, 4, 5].map((day) => event(`b${day}`, 'cus_basic', `2026-01-0${day}T10:00:00Z`, 3000)),
  event('s1', 'cus_std', '2026-01-10T10:00:00Z', 30000),
  event('s2', 'cus_std', '2026-01-11T10:00:00Z', 30000),
  event('s3', 'cus_std', '2026-01-12T10:00:00Z', 30000),
  event('f1', 'cus_flex', '2026-01-12T10:00:00Z', 39600),
  event('x1', 'cus_nobody', '2026-01-12T10:00:00Z', 10),
];

describe('rerate: replay and as metered', () => {
  const replay = rerate(catalog, subscriptions, [], events);
  const metered = rerate(catalog, subscriptions, [], events, { asMetered: true });
  const of = (result: typeof replay, customerId: string) => result.invoices.find((invoice) => invoice.customerId === customerId)!;

  it('replay routes: a hard cap blocks, a Relax plan falls back, a metered plan bills overage', () => {
    expect(of(replay, 'cus_basic')).toMatchObject({ fastMs: 12_000_000, blockedJobs: 1, totalCents: 1000 });
    expect(of(replay, 'cus_std')).toMatchObject({ fastMs: 60_000_000, relaxJobs: 1, totalCents: 3000 });
    // (39,600 - 36,000) s x 0.111111111111 c/s = 400 cents.
    expect(of(replay, 'cus_flex').lines.map((line) => [line.kind, line.amountCents])).toEqual([['subscription', 2000], ['overage', 400]]);
  });

  it('as metered, every counted event is charged: the allowance is a free threshold', () => {
    expect(of(metered, 'cus_basic')).toMatchObject({ fastMs: 15_000_000, overAllowanceMs: 3_000_000, blockedJobs: 0, totalCents: 1000 });
    expect(of(metered, 'cus_std')).toMatchObject({ fastMs: 90_000_000, overAllowanceMs: 36_000_000, relaxJobs: 0, totalCents: 3000 });
    expect(of(metered, 'cus_flex')).toEqual(of(replay, 'cus_flex')); // nobody routed away: the two agree
  });

  it('counts the events of customers without a subscription', () => {
    expect(replay.ignoredEvents).toMatchObject({ no_subscription: 1, duplicate: 0 });
    expect(metered.ignoredEvents).toMatchObject({ no_subscription: 1, duplicate: 0 });
    expect(rerate(catalog, subscriptions, [], [...events, events[0]!]).ignoredEvents.duplicate).toBe(1);
  });
});

describe('rerate: plan changes and the window', () => {
  it('applies upgrades now (prorated), downgrades and cancellations at renewal, after the events of their instant', () => {
    const result = rerate(
      catalog,
      [sub('cus_a', 'basic'), sub('cus_b', 'pro'), sub('cus_c', 'standard')],
      [],
      [event('a1', 'cus_a', '2026-01-16T00:00:00Z', 6000)],
      {
        changes: [
          { customerId: 'cus_a', action: 'upgrade', planId: 'standard', interval: null, at: t('2026-01-16T00:00:00Z') },
          { customerId: 'cus_b', action: 'downgrade', planId: 'standard', interval: 'month', at: t('2026-01-20T00:00:00Z') },
          { customerId: 'cus_c', action: 'cancel', planId: null, interval: null, at: t('2026-01-20T00:00:00Z') },
          { customerId: 'cus_z', action: 'cancel', planId: null, interval: null, at: t('2026-01-20T00:00:00Z') },
        ],
        endAt: t('2026-03-01T00:00:00Z'),
      },
    );
    const plans = (customerId: string) => result.invoices.filter((invoice) => invoice.customerId === customerId).map((invoice) => invoice.planId);
    const upgraded = result.invoices.find((invoice) => invoice.customerId === 'cus_a')!;
    // Half the Basic allowance was used when the upgrade came (after the event): half its fee is credited.
    expect(upgraded.lines.map((line) => [line.kind, line.amountCents])).toContainEqual(['proration_credit', -500]);
    expect(plans('cus_b')).toEqual(['pro', 'standard']);
    expect(plans('cus_c')).toEqual(['standard']);
    expect(result.refusedChanges).toEqual([{ change: expect.objectContaining({ customerId: 'cus_z' }), reason: 'no active subscription' }]);
  });

  it('renews up to the window end with no event to trigger it, ends open periods there and leaves later events out', () => {
    const endAt = t('2026-03-15T00:00:00Z');
    const result = rerate(catalog, [sub('cus_a', 'standard')], [], [event('a1', 'cus_a', '2026-01-05T00:00:00Z', 10), event('a2', 'cus_a', '2026-03-20T00:00:00Z', 10)], { endAt });
    expect(result.invoices.map((invoice) => [invoice.periodStartAt, invoice.periodEndAt, invoice.totalCents])).toEqual([
      [t('2026-01-01T00:00:00Z'), t('2026-02-01T00:00:00Z'), 3000],
      [t('2026-02-01T00:00:00Z'), t('2026-03-01T00:00:00Z'), 3000],
      [t('2026-03-01T00:00:00Z'), endAt, 3000],
    ]);
    expect(result.ignoredEvents.after_window).toBe(1);
    // Without --to, the window is the export's own span: up to the end of the day of its last event.
    const own = rerate(catalog, [sub('cus_a', 'standard'), sub('cus_late', 'basic', '2026-02-01T00:00:00Z')], [], [event('a1', 'cus_a', '2026-01-05T10:00:00Z', 10)]);
    expect(own.invoices.map((invoice) => [invoice.customerId, invoice.periodEndAt])).toEqual([['cus_a', t('2026-01-06T00:00:00Z')]]);
    expect(own.changesAfterWindow).toBe(1);
    // With no event at all, each open period runs to its natural end.
    const none = rerate(catalog, [sub('cus_a', 'standard')], [], []);
    expect(none.invoices.map((invoice) => invoice.periodEndAt)).toEqual([t('2026-02-01T00:00:00Z')]);
  });
});

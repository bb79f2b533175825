import { describe, expect, it } from 'vitest';
import {
  type EngineSnapshot,
  accountInvariantErrors,
  accountOf,
  buyTopup,
  chargeCompletionByHandle,
  completeByHandle,
  createEngine,
  handleOf,
  jobTypeOf,
  restoreEngine,
  snapshotEngine,
  subscribeCustomer,
  submitByHandle,
  warmAccounts,
} from './index.ts';
import { HOUR, catalog, t } from './test/fixtures.ts';

const START = t('2026-03-01T00:00:00Z');
const PLANS = ['basic', 'standard', 'pro', 'mega'] as const;
const ALLOWANCE_MS = { basic: 12_000_000, standard: 54_000_000, pro: 108_000_000, mega: 216_000_000 };

describe('account store', () => {
  it('keeps every account its own record as the store grows, and handles stay stable', () => {
    const state = createEngine(catalog);
    const count = 5_000; // several times the store's first capacity
    const grid = jobTypeOf(catalog, 'image_grid');
    for (let index = 0; index < count; index += 1) subscribeCustomer(state, `cus_${index}`, PLANS[index % 4]!, 'month', START);
    const handles = Array.from({ length: count }, (_, index) => handleOf(state, `cus_${index}`));
    expect(new Set(handles).size).toBe(count);
    const at = START + HOUR;
    for (let index = 0; index < count; index += 1) {
      warmAccounts(state, handles, index + 1, index + 9);
      const decision = submitByHandle(state, handles[index]!, { jobType: grid, mode: 'fast' }, at);
      expect(decision.mode).toBe('fast');
      completeByHandle(state, handles[index]!, { jobId: `job_${index}`, mode: 'fast' }, index, at);
    }
    for (let index = 0; index < count; index += 1) {
      const account = accountOf(state, `cus_${index}`);
      expect(account.handle).toBe(handles[index]);
      expect(account.balanceMs).toBe(ALLOWANCE_MS[PLANS[index % 4]!] - index);
      expect(account.usage.fastJobs).toBe(1);
      expect(accountInvariantErrors(account)).toEqual([]);
    }
  });

  it('keeps the head lot time in the record consistent with the lots through burns, grants and snapshots', () => {
    const state = createEngine(catalog);
    subscribeCustomer(state, 'cus', 'basic', 'month', START);
    const handle = handleOf(state, 'cus');
    const grid = jobTypeOf(catalog, 'image_grid');
    const run = (ms: number, at: number) => {
      const decision = submitByHandle(state, handle, { jobType: grid, mode: 'fast' }, at);
      return decision.mode === 'blocked' ? null : completeByHandle(state, handle, { jobId: `j${at}`, mode: 'fast' }, ms, at);
    };
    run(11_000_000, START + 1); // head (included) keeps 1,000,000 ms
    expect(accountOf(state, 'cus').lots.map((lot) => lot.remainingMs)).toEqual([1_000_000]);
    buyTopup(state, 'cus', { purchaseId: 'p1', hours: 1 }, START + 2);
    run(1_500_000, START + 3); // drains the included lot, 500,000 ms from the top-up
    const account = accountOf(state, 'cus');
    expect(account.lots.map((lot) => [lot.kind, lot.remainingMs])).toEqual([['topup', 3_100_000]]);
    run(100_000, START + 4); // the common burn: only the record changes
    const restored = restoreEngine(catalog, JSON.parse(JSON.stringify(snapshotEngine(state))) as EngineSnapshot);
    expect(accountOf(restored, 'cus').lots.map((lot) => lot.remainingMs)).toEqual([3_000_000]);
    expect(accountOf(restored, 'cus').balanceMs).toBe(3_000_000);
    expect(accountInvariantErrors(accountOf(restored, 'cus'))).toEqual([]);
    expect(accountInvariantErrors(account)).toEqual([]);
  });

  it('charges a completion without a usage event exactly as completing it does', () => {
    const completed = createEngine(catalog);
    const charged = createEngine(catalog);
    const grid = jobTypeOf(catalog, 'image_grid');
    for (const state of [completed, charged]) {
      subscribeCustomer(state, 'cus_b', 'basic', 'month', START);
      subscribeCustomer(state, 'cus_s', 'standard', 'month', START);
    }
    const modes = new Set<string>();
    // Enough Fast, Turbo and Relax work to exhaust both allowances, over a renewal.
    for (let index = 0; index < 60; index += 1) {
      const at = START + index * 12 * HOUR;
      const customer = index % 2 === 0 ? 'cus_b' : 'cus_s';
      const request = { jobType: grid, mode: index % 5 === 0 ? ('turbo' as const) : ('fast' as const) };
      const ms = 1_800_000 + index * 1000;
      const first = submitByHandle(completed, handleOf(completed, customer), request, at);
      const second = submitByHandle(charged, handleOf(charged, customer), request, at);
      expect(second).toEqual(first);
      modes.add(first.mode);
      if (first.mode === 'blocked') continue;
      const completion = completeByHandle(completed, handleOf(completed, customer), { jobId: `job_${index}`, mode: first.mode }, ms, at);
      expect(chargeCompletionByHandle(charged, handleOf(charged, customer), first.mode, ms, at)).toBe(completion.chargedMs);
    }
    expect([...modes].sort()).toEqual(['blocked', 'fast', 'relax', 'turbo']);
    expect(snapshotEngine(charged)).toEqual(snapshotEngine(completed));
  });
});

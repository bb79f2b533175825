import { describe, expect, it } from 'vitest';
import { readRunFolder } from '../run-folder.ts';
import { BLOCKED_REASONS } from '../summary-file.ts';
import { TINY_RUN, contractRunCopy } from '../test/contract-folder.ts';
import { loose } from '../test/rows.ts';
import { blockedByReasonChart, blockedByReasonData, hasBlockedByReason } from './blocked-by-reason.ts';

const CONTRACT = readRunFolder(contractRunCopy());

describe('blocked requests by reason', () => {
  it('is only drawn for a summary.json that has blocked_by_reason', () => {
    expect(hasBlockedByReason(readRunFolder(TINY_RUN).summary.estimates.tiers)).toBe(false);
    expect(hasBlockedByReason(CONTRACT.summary.estimates.tiers)).toBe(true);
  });

  it('has a bar per plan and reason, reasons in a fixed order, means with 95% intervals', () => {
    const input = { plans: CONTRACT.plans, replications: 2, tiers: CONTRACT.summary.estimates.tiers };
    const data = blockedByReasonData(input);
    expect(data).toHaveLength(4 * 6);
    expect(data.slice(0, 6).map((row) => row.reason)).toEqual([...BLOCKED_REASONS]);
    // basic, fast_exhausted_no_relax: 120 and 140 (reports/test/contract/blocked-by-reason.json).
    expect(data[3]).toEqual({ plan: 'basic', reason: 'fast_exhausted_no_relax', requests: 130, requests_low: 2.94, requests_high: 257.06, requests_ci95: 127.06 });
    const spec = loose(blockedByReasonChart(input));
    expect(spec.layer.map((layer: { mark: { type: string } }) => layer.mark.type)).toEqual(['bar', 'rule']);
    expect(spec.layer[0].encoding.xOffset).toMatchObject({ field: 'reason', sort: [...BLOCKED_REASONS] });
    expect(spec.layer[0].encoding.y.title).toBe('Blocked requests over the horizon');
  });

  it('draws bars only for one replication', () => {
    const spec = loose(blockedByReasonChart({ plans: CONTRACT.plans, replications: 1, tiers: CONTRACT.summary.estimates.tiers }));
    expect(spec.layer).toHaveLength(1);
    expect(spec.data.values[3]).toEqual({ plan: 'basic', reason: 'fast_exhausted_no_relax', requests: 130 });
  });
});

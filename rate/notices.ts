/**
 * What `engine rate` tells its user besides the invoices (on stderr, in table and JSON mode alike):
 * the events it did not bill, by reason, and the top-ups and plan changes it refused. Nothing of
 * the export disappears uncounted.
 */
import { formatIsoMs } from '../engine/index.ts';
import { IGNORED_REASONS, type IgnoredReason, type RerateResult } from './rerate.ts';

const REASON_TEXT: Readonly<Record<IgnoredReason, string>> = {
  duplicate: 'an event_id already seen (the first counts)',
  other_event_name: "another event name than the catalog meter's",
  meter_filter: "left out by the meter's filter (Relax is never billed)",
  no_subscription: 'no active subscription for the customer at that instant',
  after_window: 'at or after the end of the rating window (--to)',
};

/** One line per reason with events, then one per refusal. */
export function rateNotices(result: RerateResult): string[] {
  const lines: string[] = [];
  for (const reason of IGNORED_REASONS) {
    const count = result.ignoredEvents[reason];
    if (count > 0) lines.push(`ignored ${count} event(s), ${reason}: ${REASON_TEXT[reason]}`);
  }
  for (const refusal of result.refusedPurchases) lines.push(`refused top-up ${refusal.purchaseId} for ${refusal.customerId}: ${refusal.reason}`);
  for (const { change, reason } of result.refusedChanges) {
    lines.push(`refused ${change.action} of ${change.customerId} at ${formatIsoMs(change.at)}: ${reason}`);
  }
  return lines;
}

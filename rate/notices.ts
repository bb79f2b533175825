/**
 * What `engine rate` tells its user besides the invoices (on stderr, in table and JSON mode alike):
 * the events it did not bill, by reason, and the top-ups and plan changes it refused. Nothing of
 * the export disappears uncounted.
 */
import { formatIsoMs } from '../engine/index.ts';
import { IGNORED_REASONS, type IgnoredReason, type RerateResult } from './rerate.ts';
import type { WindowedResult } from './window.ts';

const REASON_TEXT: Readonly<Record<IgnoredReason, string>> = {
  duplicate: 'an event_id an earlier event already used, whatever its event name or metadata (the first counts)',
  other_event_name: "another event name than the catalog meter's",
  meter_filter: "left out by the meter's filter (Relax is never billed)",
  before_subscription: "before the customer's subscription starts",
  no_subscription: 'no active subscription for the customer at that instant (none, or ended)',
  after_window: 'at or after the end of the rating window (--to)',
};

/** What `--from` left out of the output (asked for, so not a problem `--strict` refuses). */
export function windowNotices(result: WindowedResult): string[] {
  if (result.invoicesBeforeWindow === 0) return [];
  return [`left out ${result.invoicesBeforeWindow} invoice(s) of periods that ended at or before --from (rated, not reported)`];
}

/** The refused top-ups and plan changes, for `--json` (`refusals`). */
export function refusalsJson(result: RerateResult): Record<string, unknown>[] {
  return [
    ...result.refusedPurchases.map((refusal) => ({ kind: 'topup', customer_id: refusal.customerId, purchase: refusal.purchaseId, reason: refusal.reason })),
    ...result.refusedChanges.map(({ change, reason }) => ({
      kind: change.action,
      customer_id: change.customerId,
      plan: change.planId,
      at: formatIsoMs(change.at),
      reason,
    })),
  ];
}

/** One line per reason with events (near-miss event names under theirs), then one per refusal. */
export function rateNotices(result: RerateResult, eventsFile: string): string[] {
  const lines: string[] = [];
  for (const reason of IGNORED_REASONS) {
    const count = result.ignoredEvents[reason];
    if (count > 0) lines.push(`ignored ${count} event(s), ${reason}: ${REASON_TEXT[reason]}`);
    if (reason !== 'other_event_name') continue;
    for (const hint of result.eventNameHints) {
      lines.push(`  ${eventsFile}:${hint.line}: event_name ${JSON.stringify(hint.eventName)}: did you mean ${JSON.stringify(hint.suggestion)}?`);
    }
  }
  if (result.changesAfterWindow > 0) {
    lines.push(`left out ${result.changesAfterWindow} subscription(s), top-up(s) or plan change(s) at or after the end of the rating window (--to, or the day of the export's last event)`);
  }
  for (const refusal of result.refusedPurchases) lines.push(`refused top-up ${refusal.purchaseId} for ${refusal.customerId}: ${refusal.reason}`);
  for (const { change, reason } of result.refusedChanges) {
    lines.push(`refused ${change.action} of ${change.customerId} at ${formatIsoMs(change.at)}: ${reason}`);
  }
  return lines;
}

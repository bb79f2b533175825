/**
 * `engine rate --from`: the start of what is reported. Rating always starts at the inputs' own
 * beginning (a period's balance depends on everything before it); `--from` only leaves out the
 * invoices of periods that ended at or before it, and counts them, so re-rating one month of a
 * long export shows that month's periods (the ones overlapping it) and nothing else.
 */
import type { RerateResult } from './rerate.ts';

export interface WindowedResult extends RerateResult {
  /** Invoices of periods that ended at or before `--from`: rated, not reported. */
  readonly invoicesBeforeWindow: number;
}

export function reportedFrom(result: RerateResult, fromAt: number | null): WindowedResult {
  if (fromAt === null) return { ...result, invoicesBeforeWindow: 0 };
  const invoices = result.invoices.filter((invoice) => invoice.periodEndAt > fromAt);
  return { ...result, invoices, invoicesBeforeWindow: result.invoices.length - invoices.length };
}

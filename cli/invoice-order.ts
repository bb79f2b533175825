/**
 * The invoices of all partitions in the order a single Rerater gives them: by customer id, then
 * period start (see `Rerater.finish`).
 *
 * A customer lives in one partition, and its invoices come out of it in closing order, which is
 * period order. So the customers are ranked by id once, and the invoices placed by a counting sort
 * on their customer's rank, keeping their order within a customer: linear, where a comparison
 * sort of 300k invoices by id strings costs about 0.4 s. A customer whose invoices would not be in
 * period order (none is known) is sorted by period start on its own (stably), so the result is
 * the comparison sort's in every case.
 */
import type { Invoice } from '../engine/index.ts';
import type { InvoiceChunk } from './partition-rater.ts';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * Each customer number's position in customer id order (`orderInvoices` takes it precomputed:
 * ranking 100k ids costs ~0.1 s, better spent while waiting for workers than at the end).
 */
export function customerRanks(customerIds: readonly string[]): Int32Array {
  const order = Array.from({ length: customerIds.length }, (_, number) => number);
  order.sort((a, b) => compareText(customerIds[a]!, customerIds[b]!));
  const ranks = new Int32Array(customerIds.length);
  order.forEach((number, rank) => (ranks[number] = rank));
  return ranks;
}

/**
 * The chunks' invoices ordered by customer id, then period start. `chunks` hold each customer's
 * invoices in the order they closed; `customerIds` names the customer numbers; `ranks` is
 * `customerRanks` of them (of all of them: recomputed if customers were added since).
 */
export function orderInvoices(chunks: readonly InvoiceChunk[], customerIds: readonly string[], ranks?: Int32Array): Invoice[] {
  if (ranks === undefined || ranks.length !== customerIds.length) ranks = customerRanks(customerIds);
  const starts = new Int32Array(customerIds.length + 1);
  let total = 0;
  for (const { customerNumbers } of chunks) {
    for (const number of customerNumbers) starts[ranks[number]! + 1]! += 1;
    total += customerNumbers.length;
  }
  for (let rank = 0; rank < customerIds.length; rank += 1) starts[rank + 1]! += starts[rank]!;
  const next = starts.slice(0, customerIds.length);
  const ordered: Invoice[] = new Array<Invoice>(total);
  for (const { invoices, customerNumbers } of chunks) {
    for (let index = 0; index < invoices.length; index += 1) ordered[next[ranks[customerNumbers[index]!]!]!++] = invoices[index]!;
  }
  for (let rank = 0; rank < customerIds.length; rank += 1) sortPeriodsIfNeeded(ordered, starts[rank]!, starts[rank + 1]!);
  return ordered;
}

/** Sorts ordered[from, to) (one customer's invoices) by period start, if it is not already. */
function sortPeriodsIfNeeded(ordered: Invoice[], from: number, to: number): void {
  for (let index = from + 1; index < to; index += 1) {
    if (ordered[index]!.periodStartAt < ordered[index - 1]!.periodStartAt) {
      const run = ordered.slice(from, to).sort((a, b) => a.periodStartAt - b.periodStartAt);
      for (let offset = 0; offset < run.length; offset += 1) ordered[from + offset] = run[offset]!;
      return;
    }
  }
}

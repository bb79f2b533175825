/**
 * Invoices in the order `Rerater.finish` gives them: by customer id, then period start.
 *
 * The Rerater hands them over in closing order, which is each customer's period order. So the
 * customers are ranked by id once, and the invoices placed by a counting sort on their customer's
 * rank, keeping their order within a customer: linear, where a comparison sort of 300k invoices
 * by id strings costs about 0.4 s. A customer whose invoices would not be in period order (none
 * is known) is sorted by period start on its own (stably), so the result is the comparison sort's
 * in every case.
 */
import type { Invoice } from '../../engine/index.ts';

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Each customer number's position in customer id order (`customerIds` by number). */
export function customerRanks(customerIds: readonly string[]): Int32Array {
  const order = Array.from({ length: customerIds.length }, (_, number) => number);
  order.sort((a, b) => compareText(customerIds[a]!, customerIds[b]!));
  const ranks = new Int32Array(customerIds.length);
  order.forEach((number, rank) => (ranks[number] = rank));
  return ranks;
}

/**
 * `invoices` (each customer's in the order they closed) ordered by customer id, then period
 * start. `numbers[i]` is invoice i's customer number; `ranks` is `customerRanks` of the ids.
 */
export function orderInvoices(invoices: readonly Invoice[], numbers: Int32Array, ranks: Int32Array): Invoice[] {
  const starts = new Int32Array(ranks.length + 1);
  for (const number of numbers) starts[ranks[number]! + 1]! += 1;
  for (let rank = 0; rank < ranks.length; rank += 1) starts[rank + 1]! += starts[rank]!;
  // Whether each customer's invoices come in period order is checked here, in the given order
  // (invoices made one after another sit together in memory), not in the result's.
  const lastStart = new Float64Array(ranks.length).fill(Number.NEGATIVE_INFINITY);
  const unordered: number[] = [];
  const isUnordered = new Uint8Array(ranks.length);
  const next = starts.slice(0, ranks.length);
  const ordered = new Array<Invoice>(invoices.length);
  for (let index = 0; index < invoices.length; index += 1) {
    const invoice = invoices[index]!;
    const rank = ranks[numbers[index]!]!;
    if (invoice.periodStartAt < lastStart[rank]! && isUnordered[rank] === 0) {
      isUnordered[rank] = 1;
      unordered.push(rank);
    }
    lastStart[rank] = invoice.periodStartAt;
    ordered[next[rank]!++] = invoice;
  }
  for (const rank of unordered) sortByPeriod(ordered, starts[rank]!, starts[rank + 1]!);
  return ordered;
}

/** Sorts ordered[from, to) (one customer's invoices) by period start, stably. */
function sortByPeriod(ordered: Invoice[], from: number, to: number): void {
  const run = ordered.slice(from, to).sort((a, b) => a.periodStartAt - b.periodStartAt);
  for (let offset = 0; offset < run.length; offset += 1) ordered[from + offset] = run[offset]!;
}

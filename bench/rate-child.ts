/**
 * The timed part of the `engine rate` benchmark, run in a fresh process by bench/engine-bench.ts
 * (as `engine rate` runs: nothing else in the heap, no JIT warm-up): `rateFiles` on the files
 * named on the command line, timed from reading the catalog to the last invoice ordered. Prints
 * one JSON line: the seconds, the invoices and the peak resident set.
 *
 *   node --import tsx bench/rate-child.ts CATALOG SUBSCRIPTIONS EVENTS
 */
import { rateFiles } from '../rate/fast/rate-files.ts';

const [catalog, subscriptions, events] = process.argv.slice(2);
if (catalog === undefined || subscriptions === undefined || events === undefined) {
  process.stderr.write('usage: node --import tsx bench/rate-child.ts CATALOG SUBSCRIPTIONS EVENTS\n');
  process.exit(2);
}
const t0 = performance.now();
const result = rateFiles({ catalog, subscriptions, events, purchases: null });
const seconds = (performance.now() - t0) / 1000;
process.stdout.write(`${JSON.stringify({ seconds, invoices: result.invoices.length, maxRssKb: process.resourceUsage().maxRSS })}\n`);

/**
 * `npm run bench [-- name ...]`: runs the benchmarks and prints one line per figure.
 * Names: route-complete, rate (default: all). Benchmarks measure; tests never time anything.
 */
import { type BenchFigure, benchRate, benchRouteComplete } from './engine-bench.ts';

const BENCHES: Record<string, () => BenchFigure> = {
  'route-complete': () => benchRouteComplete(1_000_000, 10_000_000),
  rate: () => benchRate(2_000_000, 100_000),
};

const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')})\n`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHES)) {
  const figure = BENCHES[name]!();
  process.stdout.write(`${figure.name}: ${figure.value.toLocaleString('en-US')} ${figure.unit} (${figure.detail})\n`);
}

/**
 * `npm run bench [-- name ...]`: runs the benchmarks and prints one line per figure.
 * Names: route-complete, rate, sim-validation, outbox, live-route (the default, with no names,
 * runs these), and the long ones, run only by name: sim-scaling (1e5..1e8 jobs, a few minutes),
 * sim-million (the CLI on a million subscribers, a few minutes), reports-peak (the charts and
 * report.html of a peak run, about 30 s with the run), sweep-peak and sweep-peak-queue (27 cells
 * x 4 replications of peak, locally and through the PostgreSQL queue with 2 workers, ~8 min each):
 *   npm run bench -- sim-scaling sim-million reports-peak sweep-peak sweep-peak-queue
 * Benchmarks measure; tests never time anything.
 */
import { type BenchFigure, benchByteLoop, benchMemoryLatency, benchRate, benchRouteComplete, latencyCeiling } from './engine-bench.ts';
import { benchLiveRoute } from './live-route-bench.ts';
import { benchOutbox } from './outbox-bench.ts';
import { benchReportsPeak } from './reports-bench.ts';
import { benchSweepLocal, benchSweepQueue } from './sweep-bench.ts';
import { benchSimMillion, benchSimScaling, benchSimValidation } from './sim-bench.ts';

interface Bench {
  readonly run: () => BenchFigure | readonly BenchFigure[] | Promise<readonly BenchFigure[]>;
  /** Part of `npm run bench` with no names (the long ones are not). */
  readonly byDefault: boolean;
}

const BENCHES: Record<string, Bench> = {
  'route-complete': {
    run: () => {
      // The machine's memory latency drifts from minute to minute on a shared host, and uniform
      // random customers without lookahead pay one such read per job: it is measured just before
      // and after that run, and the ceiling it sets is printed beside the figure.
      const before = benchMemoryLatency();
      const uniform = benchRouteComplete(1_000_000, 10_000_000, 'uniform');
      const after = benchMemoryLatency();
      return [
        before,
        uniform,
        after,
        latencyCeiling(uniform, (before.value + after.value) / 2),
        benchRouteComplete(1_000_000, 10_000_000, 'uniform', 16),
        benchRouteComplete(1_000_000, 10_000_000, 'sessions'),
      ];
    },
    byDefault: true,
  },
  rate: { run: () => [benchByteLoop(), ...benchRate(2_000_000, 100_000), benchByteLoop()], byDefault: true },
  'sim-validation': { run: () => benchSimValidation(10_000_000), byDefault: true },
  // The live adapter's outbox -> Dodo test server; also on PostgreSQL when DATABASE_URL is set.
  outbox: { run: () => benchOutbox(100_000), byDefault: true },
  // POST /v1/jobs on `live serve` at 1,000 requests/s, and the engine's routing decision alone.
  'live-route': { run: () => benchLiveRoute(), byDefault: true },
  'sim-scaling': { run: () => benchSimScaling([1e5, 1e6, 1e7, 1e8]), byDefault: false },
  'sim-million': { run: () => benchSimMillion(), byDefault: false },
  'reports-peak': { run: () => benchReportsPeak(), byDefault: false },
  'sweep-peak': { run: () => benchSweepLocal(), byDefault: false },
  'sweep-peak-queue': { run: () => benchSweepQueue(), byDefault: false },
};

const names = Object.keys(BENCHES);
const defaults = names.filter((name) => BENCHES[name]!.byDefault);
const wanted = process.argv.slice(2);
const unknown = wanted.filter((name) => !(name in BENCHES));
if (unknown.length > 0) {
  process.stderr.write(
    `unknown benchmark(s): ${unknown.join(', ')}\n` +
      `usage: npm run bench [-- name ...]; names: ${names.join(', ')}\n` +
      `no names runs ${defaults.join(', ')}; the long ones run by name: npm run bench -- ${names.filter((name) => !defaults.includes(name)).join(' ')}\n`,
  );
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : defaults) {
  const result = await BENCHES[name]!.run();
  for (const figure of Array.isArray(result) ? result : [result]) {
    process.stdout.write(`${figure.name}: ${figure.value.toLocaleString('en-US')} ${figure.unit} (${figure.detail})\n`);
  }
}

/**
 * The live routing figure: `POST /v1/jobs` answered by `live serve` (in its own thread, PGlite in
 * memory, or PostgreSQL at DATABASE_URL) under an open-loop load of 1,000 requests/s on loopback,
 * from 1,000 subscribed customers: latency percentiles of the whole answer (auth, the engine's
 * routing decision, the job and input-log rows in one transaction). Beside it, the routing
 * decision alone: the engine's `submit` timed per call on the same kind of accounts.
 */
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { accountOf, createEngine, jobTypeOf, submit, subscribeCustomer } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import type { BenchFigure } from './engine-bench.ts';

function percentile(sorted: readonly number[], share: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(share * sorted.length))]!;
}

function decisionFigure(customers: number, decisions: number): BenchFigure {
  const { catalog } = loadCatalog('scenarios/catalogs/midjourney.yaml');
  const state = createEngine(catalog);
  const at = Date.UTC(2026, 11, 7);
  for (let index = 0; index < customers; index += 1) subscribeCustomer(state, `c${index}`, 'standard', 'month', at);
  const request = { jobType: jobTypeOf(catalog, 'image_grid'), mode: 'fast' as const };
  const times: number[] = [];
  for (let index = 0; index < decisions; index += 1) {
    const account = accountOf(state, `c${(index * 7919) % customers}`);
    const start = performance.now();
    submit(catalog, account, request, at + index);
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name: 'live-route-decision', value: Math.round(percentile(times, 0.99) * 1000), unit: 'us p99', detail: `engine submit alone, ${decisions.toLocaleString('en-US')} decisions over ${customers.toLocaleString('en-US')} accounts; p50 ${Math.round(percentile(times, 0.5) * 1000)} us` };
}

async function httpFigure(databaseUrl: string | null, customers: number, ratePerSecond: number, seconds: number): Promise<BenchFigure> {
  const thread = new Worker(new URL('../sim/worker-bootstrap.mjs', import.meta.url), { workerData: { entry: fileURLToPath(new URL('./live-serve-thread.ts', import.meta.url)), customers, databaseUrl } });
  const [ready] = (await once(thread, 'message')) as [{ port: number; keys: string[]; kind: string }];
  const url = `http://127.0.0.1:${ready.port}/v1/jobs`;
  const body = JSON.stringify({ job_type: 'image_grid', mode: 'fast' });
  const post = async (key: string): Promise<{ ms: number; status: number }> => {
    const start = performance.now();
    const response = await fetch(url, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
    await response.arrayBuffer();
    return { ms: performance.now() - start, status: response.status };
  };
  for (let index = 0; index < 200; index += 1) await post(ready.keys[index % customers]!); // warm-up
  const total = ratePerSecond * seconds;
  const pending: Promise<{ ms: number; status: number }>[] = [];
  const begin = performance.now();
  for (let index = 0; index < total; index += 1) {
    const due = begin + (index * 1000) / ratePerSecond;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(post(ready.keys[(index * 7919) % customers]!));
  }
  const results = await Promise.all(pending);
  const elapsed = (performance.now() - begin) / 1000;
  thread.postMessage('close');
  await once(thread, 'exit');
  const times = results.map((result) => result.ms).sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const result of results) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  return {
    name: `live-route-http-${ready.kind}`,
    value: Math.round(percentile(times, 0.99) * 1000),
    unit: 'us p99',
    detail: `POST /v1/jobs at ${ratePerSecond.toLocaleString('en-US')}/s offered (${Math.round(total / elapsed).toLocaleString('en-US')}/s achieved) for ${seconds} s, ${customers.toLocaleString('en-US')} customers; p50 ${Math.round(percentile(times, 0.5) * 1000)} us, max ${Math.round(times[times.length - 1]! * 1000)} us; answers ${JSON.stringify(statuses)}`,
  };
}

export async function benchLiveRoute(): Promise<BenchFigure[]> {
  const figures = [decisionFigure(1_000, 200_000), await httpFigure(null, 1_000, 1_000, 5)];
  if (process.env.DATABASE_URL) figures.push(await httpFigure(process.env.DATABASE_URL, 1_000, 1_000, 5));
  return figures;
}

/**
 * The live routing figure: `POST /v1/jobs` answered by `live serve` (in its own thread, PGlite in
 * a data folder as serve runs by default, or PostgreSQL at DATABASE_URL) under an open-loop load of 1,000 requests/s on loopback,
 * from 1,000 subscribed customers: latency percentiles of the whole answer (auth, the engine's
 * routing decision, the job and input-log rows written by the group commit), and the routing
 * decision itself as the server timed it during that load. Beside them, the decision alone: the
 * engine's `submit` timed per call on the same kind of accounts, with nothing else running.
 */
import { once } from 'node:events';
import { Agent, request as httpRequest } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { accountOf, createEngine, jobTypeOf, submit, subscribeCustomer } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { freshPostgresUrl } from '../live/test/backends.ts';
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

async function httpFigures(databaseUrl: string | null, customers: number, ratePerSecond: number, seconds: number): Promise<BenchFigure[]> {
  const thread = new Worker(new URL('../sim/worker-bootstrap.mjs', import.meta.url), { workerData: { entry: fileURLToPath(new URL('./live-serve-thread.ts', import.meta.url)), customers, databaseUrl } });
  const [ready] = (await once(thread, 'message')) as [{ port: number; keys: string[]; kind: string }];
  const body = JSON.stringify({ job_type: 'image_grid', mode: 'fast' });
  // Keep-alive connections, at most 256: past that, requests wait in the client (and the wait counts).
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const post = (key: string): Promise<{ ms: number; status: number }> => {
    const start = performance.now();
    return new Promise((resolve) => {
      const sent = httpRequest({ host: '127.0.0.1', port: ready.port, path: '/v1/jobs', method: 'POST', agent, headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' } }, (response) => {
        response.resume();
        response.on('end', () => resolve({ ms: performance.now() - start, status: response.statusCode ?? 0 }));
      });
      sent.on('error', () => resolve({ ms: performance.now() - start, status: 0 }));
      sent.end(body);
    });
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
  thread.postMessage('decisions');
  const [{ decisions }] = (await once(thread, 'message')) as [{ decisions: Float64Array }];
  const decided = [...decisions.subarray(decisions.length - total)].sort((a, b) => a - b);
  thread.postMessage('close');
  await once(thread, 'exit');
  agent.destroy();
  const times = results.map((result) => result.ms).sort((a, b) => a - b);
  const statuses: Record<number, number> = {};
  for (const result of results) statuses[result.status] = (statuses[result.status] ?? 0) + 1;
  return [{
    name: `live-route-decision-in-server-${ready.kind}`,
    value: Math.round(percentile(decided, 0.99) * 1000),
    unit: 'us p99',
    detail: `the engine's routing decision inside \`live serve\` during that load (request parsed -> decision), p50 ${Math.round(percentile(decided, 0.5) * 1000)} us, max ${Math.round(decided[decided.length - 1]! * 1000)} us`,
  }, {
    name: `live-route-http-${ready.kind}`,
    value: Math.round(percentile(times, 0.99) * 1000),
    unit: 'us p99',
    detail: `POST /v1/jobs at ${ratePerSecond.toLocaleString('en-US')}/s offered (${Math.round(total / elapsed).toLocaleString('en-US')}/s achieved) for ${seconds} s, ${customers.toLocaleString('en-US')} customers; p50 ${Math.round(percentile(times, 0.5) * 1000)} us, max ${Math.round(times[times.length - 1]! * 1000)} us; answers ${JSON.stringify(statuses)}; answered after the group commit that makes the job durable`,
  }];
}

export async function benchLiveRoute(): Promise<BenchFigure[]> {
  const figures = [decisionFigure(1_000, 200_000), ...(await httpFigures(null, 1_000, 1_000, 5))];
  if (process.env.DATABASE_URL) figures.push(...(await httpFigures(await freshPostgresUrl(), 1_000, 1_000, 5))); // a new database on that server
  return figures;
}

/** The HTTP figures at another offered rate (PGlite), to see the latency below saturation. */
export async function benchLiveRouteAt(ratePerSecond: number): Promise<BenchFigure[]> {
  return httpFigures(null, 1_000, ratePerSecond, 5);
}

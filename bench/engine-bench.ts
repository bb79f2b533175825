/**
 * Engine benchmarks (not tests): route + complete throughput with a million customers in memory,
 * and `engine rate` throughput from a JSONL usage export. Figures are jobs (or events) per second
 * of wall time: route + complete on one core; `engine rate` as the command runs, the export read
 * on a second thread (see rate/fast/rate-files.ts). Inputs are generated with a fixed-seed generator so
 * runs compare.
 *
 * Route + complete comes in two traffic shapes over the same million accounts: uniform random
 * customers (every job touches a cold account: the worst case for caches) and sessions (a thousand
 * customers active at a time, each sending a few jobs before another customer takes their place:
 * how users actually send jobs).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type Mode,
  completeByHandle,
  createEngine,
  formatIsoMs,
  handleOf,
  jobTypeOf,
  subscribeCustomer,
  submitByHandle,
  warmAccounts,
} from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const CATALOG_FILE = 'scenarios/catalogs/midjourney.yaml';
const PLANS = ['basic', 'standard', 'pro', 'mega'] as const;

/** A small xorshift generator: deterministic inputs for the benchmark only. */
function generator(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return (state >>> 0) / 4294967296;
  };
}

export interface BenchFigure {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly detail: string;
}

/** How the benchmark picks the customer of each job. */
export type CustomerPicking = 'uniform' | 'sessions';

/** Customers in session at a time, and the chance a session ends after each job (mean 8 jobs). */
const ACTIVE_CUSTOMERS = 1_000;
const SESSION_END_PER_JOB = 1 / 8;

/**
 * The customer of the next job (drawn before timing, between the job's mode draws, so `uniform`
 * sees the same inputs as it always has). `uniform`: any of `customers`. `sessions`: one of
 * ACTIVE_CUSTOMERS slots at random; after its job the slot's session ends with probability
 * SESSION_END_PER_JOB (so sessions last 8 jobs on average) and a random customer takes the slot.
 */
function customerPicker(random: () => number, customers: number, picking: CustomerPicking): () => number {
  if (picking === 'uniform') return () => Math.floor(random() * customers);
  const active = new Uint32Array(ACTIVE_CUSTOMERS);
  for (let slot = 0; slot < ACTIVE_CUSTOMERS; slot += 1) active[slot] = Math.floor(random() * customers);
  return () => {
    const slot = Math.floor(random() * ACTIVE_CUSTOMERS);
    const customer = active[slot]!;
    if (random() < SESSION_END_PER_JOB) active[slot] = Math.floor(random() * customers);
    return customer;
  };
}

/**
 * Route + complete of `jobs` jobs over `customers` subscribed accounts, driven by handle. With
 * `lookahead` > 0 the driver calls `warmAccounts` every `lookahead` jobs for the `lookahead` jobs
 * after those (what a driver that knows its next jobs can do); 0 = no lookahead.
 */
export function benchRouteComplete(customers: number, jobs: number, picking: CustomerPicking, lookahead = 0): BenchFigure {
  const { catalog } = loadCatalog(CATALOG_FILE);
  const state = createEngine(catalog);
  const start = Date.parse('2026-01-01T00:00:00Z');
  const handles = new Uint32Array(customers);
  for (let index = 0; index < customers; index += 1) {
    const id = `cus_${index}`;
    subscribeCustomer(state, id, PLANS[index % 4]!, 'month', start + (index % 86_400) * 1000);
    handles[index] = handleOf(state, id);
  }
  const grid = jobTypeOf(catalog, 'image_grid');
  const random = generator(42);
  const nextCustomer = customerPicker(random, customers, picking);
  // Each job carries its customer's engine handle, as a driver's job record does.
  const picks = new Uint32Array(jobs);
  const modes: Mode[] = [];
  for (let index = 0; index < jobs; index += 1) {
    picks[index] = handles[nextCustomer()]!;
    modes.push(random() < 0.1 ? 'turbo' : random() < 0.2 ? 'relax' : 'fast');
  }
  const jobIds = Array.from({ length: 1024 }, (_, index) => `job_${index}`);
  const requests = { fast: { jobType: grid, mode: 'fast' as Mode }, turbo: { jobType: grid, mode: 'turbo' as Mode }, relax: { jobType: grid, mode: 'relax' as Mode } };
  const t0 = performance.now();
  let at = start + 86_400_000;
  let metered = 0;
  for (let index = 0; index < jobs; index += 1) {
    if (lookahead > 0 && index % lookahead === 0) warmAccounts(state, picks, index + lookahead, index + 2 * lookahead);
    const handle = picks[index]!;
    at += 1;
    const decision = submitByHandle(state, handle, requests[modes[index]!], at);
    if (decision.mode === 'blocked') continue;
    const done = completeByHandle(state, handle, { jobId: jobIds[index & 1023]!, mode: decision.mode }, 40_000, at);
    if (done.usage !== null) metered += 1;
  }
  const seconds = (performance.now() - t0) / 1000;
  return {
    name: `route+complete (${picking === 'uniform' ? 'uniform random customers' : 'sessions'}${lookahead > 0 ? `, driver warms accounts ${lookahead} jobs ahead` : ''})`,
    value: Math.round(jobs / seconds),
    unit: 'jobs/s',
    detail:
      `${jobs} jobs over ${customers} customers` +
      (picking === 'sessions' ? ` (${ACTIVE_CUSTOMERS} in session at a time, ~${1 / SESSION_END_PER_JOB} jobs per session)` : '') +
      ` in ${seconds.toFixed(2)} s; ${metered} usage events emitted`,
  };
}

/**
 * The machine's memory latency, for reading the route + complete figures: the time of one read
 * that depends on the previous one, at random places in a 128 MB array (a million 128-byte
 * records, as the engine's hot records are). One such read is what a job on a cold account waits.
 */
export function benchMemoryLatency(): BenchFigure {
  const records = 1 << 20;
  const stride = 16;
  const order = new Uint32Array(records);
  for (let index = 0; index < records; index += 1) order[index] = index;
  const random = generator(11);
  for (let index = records - 1; index > 0; index -= 1) {
    const other = Math.floor(random() * (index + 1));
    const swap = order[index]!;
    order[index] = order[other]!;
    order[other] = swap;
  }
  // One cycle through every record in random order: each read gives the next record's number.
  const next = new Float64Array(records * stride);
  for (let index = 0; index < records; index += 1) next[order[index]! * stride] = order[(index + 1) % records]!;
  const reads = 5_000_000;
  let record = order[0]!;
  const t0 = performance.now();
  for (let read = 0; read < reads; read += 1) record = next[record * stride]!;
  const nanoseconds = ((performance.now() - t0) * 1e6) / reads;
  return {
    name: 'memory latency (dependent random reads)',
    value: Math.round(nanoseconds),
    unit: 'ns',
    detail: `${reads} reads over a ${(records * stride * 8) / 2 ** 20} MB array; ended at record ${record}`,
  };
}

/**
 * The most jobs per second any engine could do when every job waits one dependent memory read
 * (uniform random customers, no lookahead): 1 s over the latency, with the engine's figure as a
 * share of it (above 100% when the CPU overlaps a job's read with the previous job's work).
 */
export function latencyCeiling(uniform: BenchFigure, latencyNs: number): BenchFigure {
  const ceiling = Math.round(1e9 / latencyNs);
  return {
    name: 'route+complete ceiling for uniform random customers (one memory read per job, no work)',
    value: ceiling,
    unit: 'jobs/s',
    detail: `at ${latencyNs.toFixed(0)} ns, the mean of the latencies measured before and after; the engine ran at ${((100 * uniform.value) / ceiling).toFixed(0)}% of it`,
  };
}

/**
 * The machine's speed at simple work right now, for reading the `engine rate` figures (the
 * reading of an export is a pass over its bytes): a loop testing every byte of a 64 MB buffer
 * against three values, ns per byte, the median of 7 passes after one to compile it. This VM's
 * speed drifts by up to 2x within minutes; a rate figure is comparable with another taken at a
 * similar reference.
 */
export function benchByteLoop(): BenchFigure {
  const bytes = new Uint8Array(64 << 20);
  const random = generator(5);
  for (let index = 0; index < bytes.length; index += 4096) bytes.fill(Math.floor(random() * 128), index, index + 4096);
  const pass = () => {
    let count = 0;
    for (let index = 0; index < bytes.length; index += 1) {
      const code = bytes[index]!;
      if (code === 34 || code < 0x20 || code === 92) count += 1;
    }
    return count;
  };
  pass();
  const times: number[] = [];
  let count = 0;
  for (let run = 0; run < 7; run += 1) {
    const t0 = performance.now();
    count = pass();
    times.push(((performance.now() - t0) * 1e6) / bytes.length);
  }
  times.sort((a, b) => a - b);
  return {
    name: 'reference: a byte loop',
    value: Number(times[3]!.toFixed(2)),
    unit: 'ns/byte',
    detail: `median of 7 passes over 64 MB (range ${times[0]!.toFixed(2)} .. ${times[6]!.toFixed(2)}); ${count} bytes matched per pass`,
  };
}

/** What one timed `rateFiles` run in a fresh process reports (bench/rate-child.ts). */
interface RateChildResult {
  readonly seconds: number;
  readonly invoices: number;
  readonly maxRssKb: number;
}

const RATE_CHILD = 'bench/rate-child.ts';
/** Fresh-process runs of the rating; the figure is their median (this VM's speed drifts). */
const RATE_RUNS = 3;

function rateInChild(files: readonly string[]): RateChildResult {
  const child = spawnSync(process.execPath, ['--import', 'tsx', RATE_CHILD, ...files], { cwd: ROOT, encoding: 'utf8' });
  if (child.status !== 0) throw new Error(`${RATE_CHILD} failed (status ${child.status}):\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as RateChildResult;
}

/**
 * `engine rate` on a generated time-ordered export of `events` events from `customers`
 * customers over 60 days. Three figures:
 * - the rating itself (load + read + validate + rate, as `rateFiles` does it), each run in a
 *   fresh process, so that the generator's strings and any earlier bench's heap are not in it;
 *   the median of RATE_RUNS runs, the range alongside;
 * - the command end to end, as a user runs it: process start, the rating, and the JSON of every
 *   invoice printed (to /dev/null), by wall clock;
 * - the rating of the same lines with every 4th a Relax line and the event ids in no order, as an
 *   export of Dodo's events may be: each id, the Relax ones too, goes through the id hash table.
 */
export function benchRate(events: number, customers: number): BenchFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'gbl-bench-'));
  try {
    const start = Date.parse('2026-01-01T00:00:00Z');
    const random = generator(7);
    const subscriptionRows = ['customer_id,plan,interval,started_at'];
    for (let index = 0; index < customers; index += 1) {
      subscriptionRows.push(`cus_${index},${PLANS[index % 4]},month,${formatIsoMs(start + index * 1000)}`);
    }
    // Two exports of the same events: as the simulator writes them (Fast only, ascending ids), and
    // as Dodo's list may give them: every 4th a Relax line the meter's filter leaves out (its id
    // still taken), ids in no order (a bijective scramble), so every id goes through the hash table.
    const lines: string[] = [];
    const mixed: string[] = [];
    for (let index = 0; index < events; index += 1) {
      const at = start + 86_400_000 + Math.floor((index / events) * 60 * 86_400_000);
      const customer = Math.floor(random() * customers);
      const seconds = Math.round(random() * 120_000) / 1000;
      const rest = `"customer_id":"cus_${customer}","event_name":"gpu.fast_seconds","timestamp":"${formatIsoMs(at)}","metadata":{"gpu_seconds":${seconds},"mode":`;
      lines.push(`{"event_id":"job_${index}:gpu",${rest}"fast"}}`);
      mixed.push(`{"event_id":"job_${Math.imul(index, 0x9e3779b1) >>> 0}:gpu",${rest}"${index % 4 === 3 ? 'relax' : 'fast'}"}}`);
    }
    const subscriptionsFile = join(dir, 'subscriptions.csv');
    const eventsFile = join(dir, 'events.jsonl');
    const mixedFile = join(dir, 'events-mixed.jsonl');
    writeFileSync(subscriptionsFile, `${subscriptionRows.join('\n')}\n`);
    writeFileSync(eventsFile, `${lines.join('\n')}\n`);
    writeFileSync(mixedFile, `${mixed.join('\n')}\n`);
    lines.length = 0;
    mixed.length = 0;
    const files = [CATALOG_FILE, subscriptionsFile, eventsFile];
    const runs = Array.from({ length: RATE_RUNS }, () => rateInChild(files));
    const rates = runs.map((run) => events / run.seconds).sort((a, b) => a - b);
    const median = runs.map((run) => run.seconds).sort((a, b) => a - b)[RATE_RUNS >> 1]!;
    const t0 = performance.now();
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'engine.ts', 'rate', '--catalog', CATALOG_FILE, '--subscriptions', subscriptionsFile, '--events', eventsFile, '--json'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'pipe'],
      encoding: 'utf8',
    });
    const cliSeconds = (performance.now() - t0) / 1000;
    if (cli.status !== 0) throw new Error(`engine rate failed (status ${cli.status}):\n${cli.stderr}`);
    const mixedRuns = Array.from({ length: RATE_RUNS }, () => rateInChild([CATALOG_FILE, subscriptionsFile, mixedFile]));
    const mixedRates = mixedRuns.map((run) => events / run.seconds).sort((a, b) => a - b);
    const mixedMedian = mixedRuns.map((run) => run.seconds).sort((a, b) => a - b)[RATE_RUNS >> 1]!;
    const perSecond = (value: number) => Math.round(value).toLocaleString('en-US');
    return [
      {
        name: 'engine rate',
        value: Math.round(events / median),
        unit: 'events/s',
        detail:
          `${events} events (a time-ordered export), ${customers} customers, ${runs[0]!.invoices} invoices; median of ${RATE_RUNS} fresh processes, ` +
          `${median.toFixed(2)} s (load + read + validate + rate); runs ${rates.map(perSecond).join(' / ')} events/s; peak RSS ${Math.round(Math.max(...runs.map((run) => run.maxRssKb)) / 1024)} MB`,
      },
      {
        name: 'engine rate, the command end to end',
        value: Math.round(events / cliSeconds),
        unit: 'events/s',
        detail: `engine rate --json on the same files (node --import tsx engine.ts, as npx tsx runs it), ${cliSeconds.toFixed(2)} s wall: process start, rating, ${runs[0]!.invoices} invoices printed as JSON (to /dev/null)`,
      },
      {
        name: 'engine rate, Relax lines and ids in no order',
        value: Math.round(events / mixedMedian),
        unit: 'lines/s',
        detail:
          `the same ${events} lines, every 4th Relax (left out by the meter's filter, its id still taken) and event ids scrambled, so each id goes through the hash table; ` +
          `median of ${RATE_RUNS} fresh processes, ${mixedMedian.toFixed(2)} s; runs ${mixedRates.map(perSecond).join(' / ')} lines/s`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Sweeps on many machines: the submitter (`npx tsx sim sweep FILE --queue URL`) puts one job per
 * unfinished cell on a PostgreSQL queue and waits; `npx tsx sim worker --queue URL` processes, on
 * any number of machines, take cells, run them and store each cell's run folder in the same
 * database (table gbl_sweep_cell: summary.json and the tables, not the per-customer files), which
 * the submitter writes out as cells/<NNNN>/ and assembles exactly as a local run.
 *
 * The queue is pg-boss (jobs in PostgreSQL with retries, expiry and a supervisor): a job whose
 * worker dies is expired after the cell's timeout and retried elsewhere, and results are keyed by
 * (sweep, cell) and written once, so a retried or duplicated cell changes nothing. Cells are
 * deterministic (seeded from their coordinates), so where a cell ran never shows in its result.
 * Workers need the same checkout as the submitter: a job names the sweep file by path and carries
 * the sweep's fingerprint, which the worker checks against its own reading of the file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { estimateRun } from '../sim/estimate.ts';
import type { SweepCell } from '../sim/sweep-cells.ts';
import { UsageError, parseFlags } from './command.ts';
import { terminalProgress } from './progress.ts';
import { runInWorkers } from './replication-pool.ts';
import { cellTasks, writeCell } from './sweep-cell.ts';
import { type SweepPlan, type SweepTiming, cellName, planSweep } from './sweep-plan.ts';

export const QUEUE = 'gbl-sweep-cells';

interface CellJob {
  readonly sweep: string;
  readonly file: string;
  readonly cell: number;
}

const SCHEMA = `CREATE TABLE IF NOT EXISTS gbl_sweep_cell (
  sweep text NOT NULL,
  cell integer NOT NULL,
  files jsonb NOT NULL,
  worker text NOT NULL,
  busy_ms double precision NOT NULL DEFAULT 0,
  PRIMARY KEY (sweep, cell)
)`;

/** A job id (UUID-shaped) of the sweep and cell: sending a cell twice makes one job. */
function jobId(sweep: string, cell: number): string {
  const hex = createHash('sha256').update(`${sweep}:${cell}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** The URL with any password hidden, for messages. */
function shown(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}

async function connect(url: string): Promise<{ boss: PgBoss; db: pg.Client }> {
  const boss = new PgBoss({ connectionString: url, supervise: true, maintenanceIntervalSeconds: 2, max: 4 });
  boss.on('error', (error: Error) => process.stderr.write(`queue: ${error.message}\n`));
  const db = new pg.Client({ connectionString: url });
  try {
    await db.connect();
    await boss.start();
  } catch (error) {
    await db.end().catch(() => {});
    throw new UsageError(`--queue ${shown(url)}: cannot connect (${(error as Error).message})`);
  }
  if ((await boss.getQueue(QUEUE)) === null) await boss.createQueue(QUEUE).catch(() => {}); // another process may create it first
  await db.query(SCHEMA);
  return { boss, db };
}

/** Writes a stored cell's files as cells/<NNNN>/ (beside it first, then renamed into place). */
function writeStoredCell(cellsDir: string, cell: number, files: Record<string, string>): void {
  const staging = join(cellsDir, `.${cellName(cell)}.partial`);
  rmSync(staging, { recursive: true, force: true });
  mkdirSync(staging);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(staging, name), text);
  renameSync(staging, join(cellsDir, cellName(cell)));
}

/** Seconds a cell may run before its job is taken to have died: five times the estimate, at least a minute. */
function cellTimeout(plan: SweepPlan): number {
  return Math.max(60, Math.ceil(estimateRun(plan.base, plan.replications).seconds * 5));
}

export async function submitToQueue(
  plan: SweepPlan,
  todo: readonly SweepCell[],
  cellsDir: string,
  url: string,
  timeoutSeconds: number = cellTimeout(plan),
  timing: SweepTiming = { busyMs: 0, threads: 0 },
): Promise<void> {
  const { boss, db } = await connect(url);
  try {
    const waiting = new Set(todo.map((cell) => cell.index));
    for (const cell of todo) {
      await boss.send(QUEUE, { sweep: plan.fingerprint, file: plan.file, cell: cell.index } satisfies CellJob, {
        id: jobId(plan.fingerprint, cell.index),
        retryLimit: 5,
        retryDelay: 1,
        expireInSeconds: timeoutSeconds,
      });
    }
    process.stderr.write(`queued ${todo.length} cell(s) on ${shown(url)}; start workers with: npx tsx sim worker --queue <url>\n`);
    const bar = terminalProgress('[{bar}] {value}/{total} cells from the queue, ETA {eta_formatted}', todo.length);
    try {
      while (waiting.size > 0) {
        const found = await db.query<{ cell: number; files: Record<string, string>; busy_ms: number }>(
          'SELECT cell, files, busy_ms FROM gbl_sweep_cell WHERE sweep = $1 AND cell = ANY($2::int[])',
          [plan.fingerprint, [...waiting]],
        );
        for (const row of found.rows) {
          writeStoredCell(cellsDir, row.cell, row.files);
          waiting.delete(row.cell);
          timing.busyMs += row.busy_ms;
        }
        bar.update(todo.length - waiting.size);
        if (waiting.size === 0) break;
        const failed = await db.query<{ cell: string; output: unknown }>(
          `SELECT data->>'cell' AS cell, output FROM pgboss.job WHERE name = $1 AND state = 'failed' AND data->>'sweep' = $2 LIMIT 1`,
          [QUEUE, plan.fingerprint],
        );
        if (failed.rows.length > 0) {
          const output = failed.rows[0]!.output as { message?: string } | null;
          throw new Error(`cell ${failed.rows[0]!.cell} failed on every try: ${output?.message ?? JSON.stringify(output)}`);
        }
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    } finally {
      bar.end();
    }
    const workers = await db.query<{ threads: number }>('SELECT count(DISTINCT worker)::int AS threads FROM gbl_sweep_cell WHERE sweep = $1', [plan.fingerprint]);
    timing.threads = workers.rows[0]?.threads ?? 0;
  } finally {
    await boss.stop({ graceful: false, wait: false }).catch(() => {});
    await db.end().catch(() => {});
  }
}

export const WORKER_USAGE = `Usage: npx tsx sim worker --queue URL [flags]

Takes sweep cells from the PostgreSQL queue a npx tsx sim sweep FILE --queue URL put there, runs
them, and stores each cell's results in the same database; runs until stopped (Ctrl-C). Start as
many as you like, on any machine with a checkout of the same commit (the cells' files are read
from it; a worker whose files differ from the submitter's refuses the cell).
  --queue URL         postgres://user@host:port/db (or SWEEP_QUEUE_URL)
  --threads N         replications run at once in this process (default 1)
  --idle-exit S       stop after S seconds without a cell (default: never)
  -h, --help          this help`;

export async function workerMain(argv: string[]): Promise<number> {
  const { values } = parseFlags(
    {
      args: argv,
      options: { queue: { type: 'string' }, threads: { type: 'string' }, 'idle-exit': { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } },
      strict: true,
      allowPositionals: false,
    },
    WORKER_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${WORKER_USAGE}\n`);
    return 0;
  }
  const url = values.queue ?? process.env.SWEEP_QUEUE_URL;
  if (url === undefined || !/^postgres(ql)?:\/\//.test(url)) throw new UsageError(`--queue must be a PostgreSQL URL (postgres://user@host:port/db)\n\n${WORKER_USAGE}`);
  const threads = values.threads === undefined ? 1 : Number(values.threads);
  if (!Number.isSafeInteger(threads) || threads < 1) throw new UsageError(`--threads must be a whole number >= 1, got "${values.threads}"`);
  const idleExit = values['idle-exit'] === undefined ? null : Number(values['idle-exit']);
  if (idleExit !== null && !(idleExit > 0)) throw new UsageError(`--idle-exit must be a number of seconds > 0, got "${values['idle-exit']}"`);

  const { boss, db } = await connect(url);
  const plans = new Map<string, SweepPlan>();
  const me = `${hostname()}:${process.pid}`;
  let lastWork = Date.now();
  let busy = false;
  const runCell = async (job: CellJob): Promise<void> => {
    const stored = await db.query('SELECT 1 FROM gbl_sweep_cell WHERE sweep = $1 AND cell = $2', [job.sweep, job.cell]);
    if (stored.rows.length > 0) return; // done by another worker before this one got the retry
    let plan = plans.get(job.sweep);
    if (plan === undefined) {
      plan = planSweep(job.file);
      if (plan.fingerprint !== job.sweep) throw new Error(`${job.file} here is not the file the sweep was submitted with: run workers from a checkout of the same commit`);
      plans.set(job.sweep, plan);
    }
    const cell = plan.cells[job.cell]!;
    const dir = mkdtempSync(join(tmpdir(), 'gbl-cell-'));
    try {
      let busyMs = 0;
      const reports = await runInWorkers(cellTasks(plan, cell, dir), Math.min(threads, plan.replications), () => {}, (_, __, ms) => (busyMs += ms / Math.min(threads, plan.replications)));
      writeCell(plan, cell, reports, dir);
      // The cell's tables go to the database; the per-customer files (megabytes each) do not: the
      // sweep needs summary.json, and a run folder's charts the tables.
      const stored = readdirSync(dir).filter((name) => !/^customers(-r\d+)?\.csv$/.test(name)).sort();
      const files = Object.fromEntries(stored.map((name) => [name, readFileSync(join(dir, name), 'utf8')]));
      await db.query('INSERT INTO gbl_sweep_cell (sweep, cell, files, worker, busy_ms) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING', [job.sweep, job.cell, JSON.stringify(files), me, busyMs]);
      process.stderr.write(`cell ${job.cell} of sweep ${job.sweep.slice(0, 12)} done\n`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  await boss.work<CellJob>(QUEUE, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
    busy = true;
    try {
      await runCell(job!.data);
    } finally {
      busy = false;
      lastWork = Date.now();
    }
  });
  process.stderr.write(`worker ${me} waiting for cells on ${shown(url)}\n`);
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    if (idleExit !== null) {
      const timer = setInterval(() => {
        if (!busy && Date.now() - lastWork > idleExit * 1000) {
          clearInterval(timer);
          resolve();
        }
      }, 250);
    }
  });
  // pg-boss's stop can leave pool handles open; the worker is done either way, so it exits after
  // a moment rather than hang on them (a stopped worker must not linger as a process).
  await Promise.race([boss.stop({ graceful: true, wait: true, timeout: 5000 }), new Promise((resolve) => setTimeout(resolve, 6000))]).catch(() => {});
  await db.end().catch(() => {});
  setTimeout(() => process.exit(process.exitCode ?? 0), 1000);
  return 0;
}

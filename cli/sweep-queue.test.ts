/**
 * A sweep on a PostgreSQL queue (Debian's PostgreSQL 15, a scratch cluster started by
 * scripts/start-postgres.sh) with worker processes gives the same sweep.csv byte for byte as a
 * local run, and a worker killed mid-cell loses nothing: its cell is retried by another.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const SWEEP = 'cli/test/tiny-sweep.yaml';

function sim(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', ...args], { encoding: 'utf8', env: { ...process.env, GBL_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

function simAsync(args: string[]): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'sim.ts', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
}

function worker(url: string): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'sim.ts', 'worker', '--queue', url, '--idle-exit', '60'], { stdio: 'ignore' });
}

describe('npx tsx sim sweep --queue, npx tsx sim worker', () => {
  const base = mkdtempSync(join(tmpdir(), 'gbl-queue-'));
  const server = execFileSync('bash', ['scripts/start-postgres.sh'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  const workers: ChildProcess[] = [];
  let local = '';

  async function database(name: string): Promise<string> {
    const admin = new pg.Client({ connectionString: server });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    return server.replace(/\/[^/]*$/, `/${name}`);
  }

  beforeAll(() => {
    const run = sim(['sweep', SWEEP, '--out', join(base, 'local'), '--no-charts']);
    expect(run.code, run.stderr).toBe(0);
    local = readFileSync(join(base, 'local', 'sweep.csv'), 'utf8');
  }, 180_000);

  afterAll(() => {
    for (const child of workers) child.kill('SIGKILL');
  });

  it('three worker processes give the local sweep.csv byte for byte', async () => {
    const url = await database(`gbl_sweep_${process.pid}_a`);
    workers.push(worker(url), worker(url), worker(url));
    const run = await simAsync(['sweep', SWEEP, '--queue', url, '--out', join(base, 'queued'), '--no-charts']);
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(base, 'queued', 'sweep.csv'), 'utf8')).toBe(local);
    for (const cell of ['0000', '0005']) {
      expect(readFileSync(join(base, 'queued', 'cells', cell, 'summary.json'), 'utf8')).toBe(readFileSync(join(base, 'local', 'cells', cell, 'summary.json'), 'utf8'));
    }
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const byWorker = await db.query('SELECT count(DISTINCT worker)::int AS workers, count(*)::int AS cells FROM gbl_sweep_cell');
    await db.end();
    expect(byWorker.rows[0]).toMatchObject({ cells: 8 });
    expect(byWorker.rows[0].workers).toBeGreaterThan(1);
  }, 300_000);

  it('retries the cell of a worker killed mid-cell elsewhere, and loses nothing', async () => {
    const url = await database(`gbl_sweep_${process.pid}_b`);
    const first = worker(url);
    workers.push(first);
    const submitted = simAsync(['sweep', SWEEP, '--queue', url, '--out', join(base, 'killed'), '--no-charts', '--cell-timeout', '6']);
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    // Kill the worker while it holds a cell (active job), before that cell is stored.
    for (;;) {
      const active = await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'gbl-sweep-cells' AND state = 'active'`).catch(() => ({ rows: [{ n: 0 }] }));
      if (active.rows[0].n > 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    first.kill('SIGKILL');
    workers.push(worker(url), worker(url));
    const run = await submitted;
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(base, 'killed', 'sweep.csv'), 'utf8')).toBe(local);
    const retried = await db.query(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'gbl-sweep-cells' AND retry_count > 0`);
    await db.end();
    expect(retried.rows[0].n).toBeGreaterThan(0);
  }, 300_000);

  it('refuses a queue it cannot reach, with exit 2 and no password shown', () => {
    const run = sim(['sweep', SWEEP, '--queue', 'postgres://me:secret@127.0.0.1:1/none', '--out', join(base, 'never'), '--no-charts']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--queue postgres:\/\/me:\*\*\*@127\.0\.0\.1:1\/none: cannot connect/);
    expect(run.stderr).not.toContain('secret');
  });
});

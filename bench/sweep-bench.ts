/**
 * The sweep benchmarks: bench/scenarios/peak-sweep.yaml (27 cells x 4 replications of peak) run
 * by `npx tsx sim sweep` locally on the machine's cores, and through the PostgreSQL queue with 2
 * `sim worker` processes (a scratch cluster from scripts/start-postgres.sh). Figures: cells per
 * minute, and the share of the threads' time spent outside simulation, from the sweep's own
 * timing line on stderr.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchFigure } from './engine-bench.ts';

const SWEEP = 'bench/scenarios/peak-sweep.yaml';
const TIMING = /ran (\d+) cell\(s\) in [\d.]+ (?:s|min) \(([\d.]+) cells\/min\); replications kept (\d+) thread\(s\) busy [\d.]+% of the time, ([\d.]+)% outside simulation/;

function figures(label: string, stderr: string, status: number | null): BenchFigure[] {
  const match = TIMING.exec(stderr);
  if (status !== 0 || match === null) throw new Error(`${label}: the sweep failed (exit ${status}):\n${stderr.slice(-2000)}`);
  const [, cells, perMinute, threads, outside] = match;
  return [
    { name: `${label} cells/min`, value: Number(perMinute), unit: 'cells/min', detail: `${cells} cells x 4 replications of peak, ${threads} thread(s)` },
    { name: `${label} outside simulation`, value: Number(outside), unit: '%', detail: 'share of the threads\' time not running replications (scheduling, I/O, assembly); target < 5%' },
  ];
}

export function benchSweepLocal(): BenchFigure[] {
  const out = join(mkdtempSync(join(tmpdir(), 'gbl-bench-sweep-')), 'local');
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', 'sweep', SWEEP, '--out', out, '--no-charts'], { encoding: 'utf8' });
  return figures('sweep peak 27x4 local', run.stderr, run.status);
}

export function benchSweepQueue(): BenchFigure[] {
  const server = execFileSync('bash', ['scripts/start-postgres.sh'], { encoding: 'utf8' }).trim().split('\n').at(-1)!;
  const name = `gbl_bench_sweep_${process.pid}`;
  execFileSync(process.execPath, ['-e', `const pg=require('pg');const c=new pg.Client(${JSON.stringify(server)});c.connect().then(()=>c.query('DROP DATABASE IF EXISTS ${name}')).then(()=>c.query('CREATE DATABASE ${name}')).then(()=>c.end())`]);
  const url = server.replace(/\/[^/]*$/, `/${name}`);
  const workers = [0, 1].map(() => spawn(process.execPath, ['--import', 'tsx', 'sim.ts', 'worker', '--queue', url, '--idle-exit', '30'], { stdio: 'ignore' }));
  try {
    const out = join(mkdtempSync(join(tmpdir(), 'gbl-bench-sweep-')), 'queue');
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', 'sweep', SWEEP, '--queue', url, '--out', out, '--no-charts'], { encoding: 'utf8' });
    return figures('sweep peak 27x4 queue, 2 workers', run.stderr, run.status);
  } finally {
    for (const worker of workers) worker.kill('SIGTERM');
  }
}

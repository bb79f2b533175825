/**
 * `npx tsx sim sweep FILE`: runs every cell of a scenario's sweep: block, each cell's replications
 * on worker threads, each finished cell kept as a run folder (cells/<NNNN>/), so an interrupted
 * sweep resumes where it stopped with the same results. Then writes sweep.csv (a row per cell),
 * the charts and sweep.html, and prints the best feasible cells. With --queue the cells go to
 * PostgreSQL instead, for `npx tsx sim worker` processes on any machine (cli/sweep-queue.ts).
 * Thin: validate, schedule, hand the folders to reports/.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { describeEstimate, estimateRun, largeRunProblem } from '../sim/estimate.ts';
import { writeAtomically } from '../sim/outputs.ts';
import type { RunReport } from '../sim/report.ts';
import type { SweepCell } from '../sim/sweep-cells.ts';
import { UsageError, parseFlags } from './command.ts';
import { terminalProgress } from './progress.ts';
import { runInWorkers } from './replication-pool.ts';
import { cellTasks, writeCell } from './sweep-cell.ts';
import { type SweepPlan, type SweepTiming, cellName, planSweep, timingLine } from './sweep-plan.ts';

export const SWEEP_USAGE = `Usage: npx tsx sim sweep FILE.yaml [flags]

Runs every cell of the scenario's sweep: block (axes, sampling, replications, objective,
constraints; see docs/SWEEPS.md): each cell is the scenario with the axes' values set, seeded from
the sweep's seed and the cell's coordinates. Finished cells are kept (cells/<NNNN>/, run folders),
so running the same sweep again resumes where it stopped, with the same results.
  --out DIR           the sweep's folder (default reports/out/sweep-<scenario name>/)
  --workers N         worker threads (default and most: the machine's cores; --force-workers allows more)
  --queue URL         send the cells to PostgreSQL (postgres://...) for npx tsx sim worker processes
                      on any machine, wait for them, and assemble the same files as a local run
  --cell-timeout S    with --queue: seconds after which a cell's job is taken to have died with its
                      worker and is retried elsewhere (default: 5x the cell's estimate, at least 60)
  --restart           start over in a folder holding another sweep's cells
  --no-charts         skip the charts and sweep.html
  --allow-large       run cells past 200M jobs or 2M subscribers each (refused otherwise)
  -h, --help          this help
Writes sweep.csv (a row per cell: coordinates, objective, feasibility, every per-tier figure with
its 95% half-width), charts (each axis against the objective; a heatmap of the first two axes) and
an offline sweep.html, and prints the best feasible cells.
Exit codes: 0 ok, 2 bad flags or sweep.`;

/** Runs the cells on `workers` threads; each cell is renamed into cells/<NNNN>/ when its last replication ends. */
async function runLocally(plan: SweepPlan, todo: readonly SweepCell[], cellsDir: string, workers: number, alreadyDone: number, timing: SweepTiming): Promise<void> {
  const tasks = todo.flatMap((cell) => cellTasks(plan, cell, join(cellsDir, `.${cellName(cell.index)}.partial`)).map((task) => ({ cell, task })));
  for (const cell of todo) mkdirSync(join(cellsDir, `.${cellName(cell.index)}.partial`));
  const done = new Map<number, RunReport[]>();
  const bar = terminalProgress('[{bar}] {value}/{total} replications, {cells} cells done, ETA {eta_formatted}', tasks.length, { cells: String(alreadyDone) });
  let finishedCells = alreadyDone;
  let finishedTasks = 0;
  try {
    await runInWorkers(
      tasks.map(({ task }) => task),
      (timing.threads = Math.min(workers, Math.max(1, tasks.length))),
      () => {},
      (index, report, busyMs) => {
        timing.busyMs += busyMs;
        const { cell } = tasks[index]!;
        const reports = done.get(cell.index) ?? [];
        reports.push(report);
        done.set(cell.index, reports);
        finishedTasks += 1;
        if (reports.length === plan.replications) {
          const staging = join(cellsDir, `.${cellName(cell.index)}.partial`);
          writeCell(plan, cell, reports, staging);
          renameSync(staging, join(cellsDir, cellName(cell.index)));
          done.delete(cell.index);
          finishedCells += 1;
        }
        bar.update(finishedTasks, { cells: String(finishedCells) });
      },
    );
  } finally {
    bar.end();
  }
}

/** sweep.csv, the charts and sweep.html from the cells' folders; the best feasible cells as text. */
async function assemble(plan: SweepPlan, outDir: string, charts: boolean): Promise<string> {
  const { readSummary, sweepRows, sweepCsv, bestCells, bestCellsTable, writeSweepReport } = await import('../reports/sweep/index.ts');
  const cellsDir = join(outDir, 'cells');
  const rows = sweepRows(
    plan.cells.map((cell) => ({ index: cell.index, seed: cell.seed, coordinates: cell.coordinates, summary: readSummary(join(cellsDir, cellName(cell.index))) })),
    plan.goal,
  );
  const axes = plan.sweep.axes.map((axis) => axis.name);
  writeAtomically(join(outDir, 'sweep.csv'), sweepCsv(rows, axes));
  const table = bestCellsTable(bestCells(rows, plan.goal).slice(0, 5), rows.length, plan.goal, axes);
  rmSync(join(outDir, 'charts'), { recursive: true, force: true });
  rmSync(join(outDir, 'sweep.html'), { force: true });
  if (charts) await writeSweepReport(outDir, { name: plan.sweep.scenarioName, rows, axes, goal: plan.goal, bestTable: table, replications: plan.replications, seed: plan.seed });
  return table;
}

export async function sweepMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        out: { type: 'string' },
        workers: { type: 'string' },
        queue: { type: 'string' },
        'cell-timeout': { type: 'string' },
        'force-workers': { type: 'boolean', default: false },
        restart: { type: 'boolean', default: false },
        'no-charts': { type: 'boolean', default: false },
        'allow-large': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    SWEEP_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${SWEEP_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`sweep takes one sweep file, got ${positionals.length}\n\n${SWEEP_USAGE}`);
  const file = positionals[0]!;
  const cores = availableParallelism();
  const workers = values.workers === undefined ? cores : Number(values.workers);
  if (!Number.isSafeInteger(workers) || workers < 1) throw new UsageError(`--workers must be a whole number >= 1, got "${values.workers}"`);
  if (workers > cores && !values['force-workers']) throw new UsageError(`--workers ${workers} is more than this machine's ${cores} cores (they would only take turns); --force-workers allows it`);
  const cellTimeout = values['cell-timeout'] === undefined ? undefined : Number(values['cell-timeout']);
  if (cellTimeout !== undefined && !(Number.isInteger(cellTimeout) && cellTimeout >= 1)) throw new UsageError(`--cell-timeout must be a whole number of seconds >= 1, got "${values['cell-timeout']}"`);
  if (values.queue !== undefined && !/^postgres(ql)?:\/\//.test(values.queue)) throw new UsageError(`--queue must be a PostgreSQL URL (postgres://user@host:port/db), got "${values.queue.slice(0, 100)}"`);

  const plan = planSweep(file);
  const perCell = estimateRun(plan.base, plan.replications);
  // The size limits are a run's (memory, time of one run); a sweep's cells run one after another.
  const large = largeRunProblem(perCell);
  if (large !== null && !values['allow-large']) throw new UsageError(`${file}: each cell asks for ${large}: ${describeEstimate(perCell, plan.replications)}. Run it with --allow-large if that is meant.`);

  const outDir = values.out ?? join('reports', 'out', `sweep-${plan.sweep.scenarioName}`);
  const cellsDir = join(outDir, 'cells');
  const stateFile = join(outDir, 'sweep.json');
  if (existsSync(outDir)) {
    const foreign = readdirSync(outDir).filter((name) => !['sweep.json', 'sweep.csv', 'sweep.html', 'charts', 'cells'].includes(name));
    if (foreign.length > 0) throw new UsageError(`--out ${outDir} holds files a sweep did not write (${foreign.slice(0, 3).join(', ')}): give a new or empty folder`);
    const previous = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { fingerprint?: string }).fingerprint : undefined;
    if (previous !== undefined && previous !== plan.fingerprint) {
      if (!values.restart) throw new UsageError(`${outDir} holds the cells of another sweep (the file, its cells or replications changed): --restart starts over there, or give another --out`);
      rmSync(cellsDir, { recursive: true, force: true });
    }
  }
  mkdirSync(cellsDir, { recursive: true });
  writeAtomically(stateFile, `${JSON.stringify({ file, seed: plan.seed, replications: plan.replications, fingerprint: plan.fingerprint, cells: plan.cells.map((cell) => ({ cell: cell.index, seed: cell.seed, coordinates: cell.coordinates })) }, null, 2)}\n`);
  for (const name of readdirSync(cellsDir)) if (name.startsWith('.')) rmSync(join(cellsDir, name), { recursive: true, force: true }); // a killed run's partial cells

  const todo = plan.cells.filter((cell) => !existsSync(join(cellsDir, cellName(cell.index), 'summary.json')));
  const done = plan.cells.length - todo.length;
  process.stderr.write(`${plan.sweep.scenarioName} sweep: ${plan.cells.length} cell(s) x ${plan.replications} replication(s), ${done} already done; per cell ${describeEstimate(perCell, plan.replications)}\n`);
  const startedAt = performance.now();
  const timing: SweepTiming = { busyMs: 0, threads: 0 };
  if (values.queue !== undefined) await (await import('./sweep-queue.ts')).submitToQueue(plan, todo, cellsDir, values.queue, cellTimeout, timing);
  else await runLocally(plan, todo, cellsDir, workers, done, timing);
  const table = await assemble(plan, outDir, !values['no-charts']);
  if (todo.length > 0) process.stderr.write(`${timingLine(todo.length, performance.now() - startedAt, timing)}\n`);
  process.stdout.write(`${table}\n\nwrote ${outDir}/ (sweep.csv, sweep.json, cells/${values['no-charts'] ? '' : ', charts/, sweep.html'})\n`);
  return 0;
}

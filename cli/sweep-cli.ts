/**
 * `npx tsx sim sweep FILE`: runs every cell of a scenario's sweep: block, each cell's replications
 * on worker threads, each finished cell kept as a run folder (cells/<NNNN>/), so an interrupted
 * sweep resumes where it stopped with the same results. Then writes sweep.csv (a row per cell) and
 * prints the best feasible cells. Thin: validate, schedule, hand the folders to reports/.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { InputError, type InputIssue, formatIssue } from '../scenarios/errors.ts';
import { readSweep } from '../scenarios/sweep-schema.ts';
import { loadScenario } from '../sim/compile.ts';
import { describeEstimate, estimateRun, largeRunProblem } from '../sim/estimate.ts';
import { summarize, writeAtomically, writeOutputs } from '../sim/outputs.ts';
import type { RunReport } from '../sim/report.ts';
import type { ReplicationTask } from '../sim/run-replication.ts';
import { type SweepCell, sweepCells } from '../sim/sweep-cells.ts';
import { UsageError, parseFlags } from './command.ts';
import { terminalProgress } from './progress.ts';
import { runInWorkers } from './replication-pool.ts';

export const SWEEP_USAGE = `Usage: npx tsx sim sweep FILE.yaml [flags]

Runs every cell of the scenario's sweep: block (axes, sampling, replications, objective,
constraints; see docs/SWEEPS.md): each cell is the scenario with the axes' values set, seeded from
the sweep's seed and the cell's coordinates. Finished cells are kept (cells/<NNNN>/, run folders),
so running the same sweep again resumes where it stopped, with the same results.
  --out DIR           the sweep's folder (default reports/out/sweep-<scenario name>/)
  --workers N         worker threads (default and most: the machine's cores; --force-workers allows more)
  --restart           start over in a folder holding another sweep's cells
  --no-charts         skip the charts and sweep.html
  --allow-large       run past 200M jobs in all (refused otherwise)
  -h, --help          this help
Writes sweep.csv (a row per cell: coordinates, objective, feasibility, every per-tier figure with
its 95% half-width), charts (each axis against the objective; a heatmap of the first two axes) and
an offline sweep.html, and prints the best feasible cells.
Exit codes: 0 ok, 2 bad flags or sweep.`;

/** What makes two runs the same sweep: the file's cells (coordinates, seeds) and replications. */
function fingerprint(file: string, cells: readonly SweepCell[], replications: number): string {
  const text = JSON.stringify({ file: readFileSync(file, 'utf8'), replications, cells: cells.map((cell) => [cell.coordinates, cell.seed]) });
  return createHash('sha256').update(text).digest('hex');
}

const cellName = (index: number): string => String(index).padStart(4, '0');

/** Validates each cell's scenario (its values set); problems met in several cells are listed once. */
function checkCells(file: string, cells: readonly SweepCell[]): void {
  const issues = new Map<string, InputIssue>();
  for (const cell of cells) {
    try {
      loadScenario(file, cell.overrides);
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      for (const issue of error.issues) issues.set(formatIssue(issue), issue);
    }
  }
  if (issues.size > 0) throw new InputError([...issues.values()]);
}

export async function sweepMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        out: { type: 'string' },
        workers: { type: 'string' },
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

  const sweep = readSweep(file);
  const { spec } = sweep;
  const sweepSeed = spec.seed ?? sweep.scenarioSeed;
  const replications = spec.replications ?? sweep.scenarioReplications;
  const cells = sweepCells(sweep.axes, spec.sampling, sweepSeed);
  checkCells(file, cells);
  const base = loadScenario(file, cells[0]!.overrides).model;
  const { goalProblems } = await import('../reports/sweep/index.ts');
  const goal = {
    objective: 'maximize' in spec.objective
      ? { figure: spec.objective.maximize, plan: spec.objective.plan, direction: 'maximize' as const }
      : { figure: spec.objective.minimize, plan: spec.objective.plan, direction: 'minimize' as const },
    constraints: spec.constraints.map((constraint) => ({ figure: constraint.figure, plan: constraint.plan, atMost: constraint.at_most, atLeast: constraint.at_least })),
  };
  const problems = goalProblems(goal, base.catalog.planList.map((plan) => plan.id));
  if (problems.length > 0) throw new InputError(problems.map((problem) => ({ ...sweep.locate(['sweep', ...problem.where.split('.').map((key) => (/^\d+$/.test(key) ? Number(key) : key))], false), path: `sweep.${problem.where}`, message: problem.message })));

  const perCell = estimateRun(base, replications);
  const total = { ...perCell, jobs: perCell.jobs * cells.length, seconds: perCell.seconds * cells.length };
  const large = largeRunProblem(total);
  if (large !== null && !values['allow-large']) throw new UsageError(`${file}: ${cells.length} cells ask for ${large} in all. Run it with --allow-large if that is meant.`);

  const outDir = values.out ?? join('reports', 'out', `sweep-${sweep.scenarioName}`);
  const cellsDir = join(outDir, 'cells');
  const print = fingerprint(file, cells, replications);
  const stateFile = join(outDir, 'sweep.json');
  if (existsSync(outDir)) {
    const foreign = readdirSync(outDir).filter((name) => !['sweep.json', 'sweep.csv', 'sweep.html', 'charts', 'cells'].includes(name));
    if (foreign.length > 0) throw new UsageError(`--out ${outDir} holds files a sweep did not write (${foreign.slice(0, 3).join(', ')}): give a new or empty folder`);
    const previous = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { fingerprint?: string }).fingerprint : undefined;
    if (previous !== undefined && previous !== print) {
      if (!values.restart) throw new UsageError(`${outDir} holds the cells of another sweep (the file, its cells or replications changed): --restart starts over there, or give another --out`);
      rmSync(cellsDir, { recursive: true, force: true });
    }
  }
  mkdirSync(cellsDir, { recursive: true });
  writeAtomically(stateFile, `${JSON.stringify({ file, seed: sweepSeed, replications, fingerprint: print, cells: cells.map((cell) => ({ cell: cell.index, seed: cell.seed, coordinates: cell.coordinates })) }, null, 2)}\n`);
  for (const name of readdirSync(cellsDir)) if (name.startsWith('.')) rmSync(join(cellsDir, name), { recursive: true, force: true }); // a killed run's partial cells

  const todo = cells.filter((cell) => !existsSync(join(cellsDir, cellName(cell.index), 'summary.json')));
  process.stderr.write(
    `${sweep.scenarioName} sweep: ${cells.length} cell(s) x ${replications} replication(s), ${cells.length - todo.length} already done; per cell ${describeEstimate(perCell, replications)}\n`,
  );
  const tasks: { cell: SweepCell; task: ReplicationTask }[] = todo.flatMap((cell) =>
    Array.from({ length: replications }, (_, replication) => ({
      cell,
      task: { file, seed: cell.seed, replication, outDir: join(cellsDir, `.${cellName(cell.index)}.partial`), jobs: false, traceDir: null, overrides: cell.overrides },
    })),
  );
  for (const cell of todo) mkdirSync(join(cellsDir, `.${cellName(cell.index)}.partial`));
  const done = new Map<number, RunReport[]>();
  const bar = terminalProgress('[{bar}] {value}/{total} replications, {cells} cells done, ETA {eta_formatted}', tasks.length, { cells: String(cells.length - todo.length) });
  let finishedCells = cells.length - todo.length;
  let finishedTasks = 0;
  try {
    await runInWorkers(
      tasks.map(({ task }) => task),
      Math.min(workers, Math.max(1, tasks.length)),
      () => {},
      (index, report) => {
        const { cell } = tasks[index]!;
        const reports = done.get(cell.index) ?? [];
        reports.push(report);
        done.set(cell.index, reports);
        finishedTasks += 1;
        if (reports.length === replications) {
          reports.sort((a, b) => a.replication - b.replication);
          const model = { ...loadScenario(file, cell.overrides).model, seed: cell.seed };
          const staging = join(cellsDir, `.${cellName(cell.index)}.partial`);
          writeOutputs(staging, summarize(model, reports, false), reports);
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

  const { readSummary, sweepRows, sweepCsv, bestCells, bestCellsTable, writeSweepReport } = await import('../reports/sweep/index.ts');
  const rows = sweepRows(
    cells.map((cell) => ({ index: cell.index, seed: cell.seed, coordinates: cell.coordinates, summary: readSummary(join(cellsDir, cellName(cell.index))) })),
    goal,
  );
  writeAtomically(join(outDir, 'sweep.csv'), sweepCsv(rows, sweep.axes.map((axis) => axis.name)));
  const axes = sweep.axes.map((axis) => axis.name);
  const table = bestCellsTable(bestCells(rows, goal).slice(0, 5), rows.length, goal, axes);
  if (!values['no-charts']) {
    rmSync(join(outDir, 'charts'), { recursive: true, force: true });
    await writeSweepReport(outDir, { name: sweep.scenarioName, rows, axes, goal, bestTable: table, replications, seed: sweepSeed });
  }
  process.stdout.write(`${table}\n\nwrote ${outDir}/ (sweep.csv, sweep.json, cells/${values['no-charts'] ? '' : ', charts/, sweep.html'})\n`);
  return 0;
}

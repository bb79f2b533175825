/**
 * `npx tsx sim compare A B [C ...]`: sets runs side by side. Each argument is a run folder of
 * `npx tsx sim` or a scenario file, which is run first (into its usual folder,
 * reports/out/<scenario>/). Prints the per-tier table and writes compare.csv, the charts and
 * compare.html into --out. Thin: parse, run what must run, hand the folders to reports/.
 */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError, parseFlags, wholeNumberFlag } from './command.ts';
import { OutputFolder, withOutputFolders } from './output-folder.ts';
import { defaultSimFlags, runScenario } from './sim-cli.ts';
import { loadScenario } from '../sim/compile.ts';

export const COMPARE_USAGE = `Usage: npx tsx sim compare A B [C ...] [flags]

Compares runs per tier: revenue by line, GPU cost and margin, Fast/Relax waits, running out of
Fast time, blocked requests, upgrades, downgrades and churn; each run after the first against the
first. Each argument is a run folder written by npx tsx sim, or a scenario file (.yaml), which is
run first into reports/out/<scenario>/ (with its charts and report.html).
  --replications N    replications of the scenarios run here (default: each scenario's own);
                      with 2 or more, figures carry 95% intervals and differences that the
                      intervals cannot tell from noise are marked ~
  --seed N            seed of the scenarios run here (default: each scenario's own)
  --out DIR           where compare.csv, charts/ and compare.html go
                      (default reports/out/compare-<name>-vs-<name>/)
  --no-png            charts as .vl.json and .svg only
  -h, --help          this help
Example, should Basic get Relax?
  npx tsx sim compare scenarios/baseline.yaml scenarios/basic-cliff.yaml
Exit codes: 0 ok, 2 bad flags, scenario or run folder.`;

/** A run folder (holds summary.json) or a scenario file; anything else is a usage error. */
function kindOf(argument: string): 'folder' | 'scenario' {
  if (!existsSync(argument)) throw new UsageError(`${argument}: no such run folder or scenario file`);
  if (statSync(argument).isDirectory()) {
    if (!existsSync(join(argument, 'summary.json'))) throw new UsageError(`${argument}: not a run folder (no summary.json); run a scenario into it with npx tsx sim SCENARIO.yaml --out ${argument}`);
    return 'folder';
  }
  if (!/\.ya?ml$/i.test(argument)) throw new UsageError(`${argument}: neither a run folder nor a scenario file (.yaml)`);
  return 'scenario';
}

const isCompareOutput = (name: string): boolean => /^(compare\.csv|compare\.html|charts)$/.test(name);

export async function compareMain(argv: string[]): Promise<number> {
  const parsed = parseFlags(
    {
      args: argv,
      options: {
        replications: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'no-png': { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    COMPARE_USAGE,
  );
  const { values, positionals } = parsed;
  if (values.help) {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  if (positionals.length < 2) throw new UsageError(`compare needs two runs or scenarios at least, got ${positionals.length}\n\n${COMPARE_USAGE}`);
  const replications = wholeNumberFlag('replications', values.replications, 1, COMPARE_USAGE);
  const seed = wholeNumberFlag('seed', values.seed, 0, COMPARE_USAGE);
  const kinds = positionals.map(kindOf); // every argument checked before any run
  const { readSummary, writeComparison } = await import('../reports/compare/index.ts');
  // Scenarios are validated (and named) before anything runs; so is --out.
  const names = positionals.map((argument, index) => (kinds[index] === 'folder' ? readSummary(argument).scenario : loadScenario(argument).model.name));
  const outDir = values.out ?? join('reports', 'out', `compare-${names.join('-vs-')}`);
  const inputs = positionals.filter((_, index) => kinds[index] === 'scenario');
  for (const [index, argument] of positionals.entries()) {
    const runDir = kinds[index] === 'folder' ? argument : join('reports', 'out', names[index]!);
    if (resolve(runDir) === resolve(outDir)) throw new UsageError(`--out ${outDir} is the folder of ${argument}: give the comparison a folder of its own`);
  }
  const out = new OutputFolder(outDir, '--out', isCompareOutput, inputs);
  const runDirs: string[] = [];
  try {
    for (const [index, argument] of positionals.entries()) {
      runDirs.push(kinds[index] === 'folder' ? argument : (await runScenario(defaultSimFlags(argument, { replications, seed }))).outDir);
    }
  } catch (error) {
    out.abandon();
    throw error;
  }
  const comparison = await withOutputFolders([out], () => writeComparison(runDirs, out.staging, { png: !values['no-png'], linkFrom: resolve(outDir) }));
  process.stdout.write(`${comparison.table}\n\nwrote ${outDir}/ (compare.csv, compare.html, charts/)\n`);
  return 0;
}

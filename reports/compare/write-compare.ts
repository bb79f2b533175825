/**
 * `sim compare`'s work once every run folder exists: reads each summary.json, builds the rows,
 * and writes compare.csv, charts/<name>.vl.json / .svg / .png and compare.html into `outDir`.
 * Returns the text table for the terminal.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { specText } from '../charts/spec-text.ts';
import { RunFolderError, type RunFolderIssue } from '../errors.ts';
import { libraryScripts } from '../library-scripts.ts';
import { renderSvg, svgToPng } from '../render.ts';
import { type Summary, parseSummary } from '../summary-file.ts';
import { compareCharts } from './compare-charts.ts';
import { compareHtml } from './compare-html.ts';
import { type ComparedRun, compareCsv, compareRows, comparedPlans } from './compare-rows.ts';
import { compareTable } from './compare-table.ts';

/** A run folder's summary.json; a missing or malformed one is a RunFolderError (exit 2). */
export function readSummary(runDir: string): Summary {
  const issues: RunFolderIssue[] = [];
  let text: string | null = null;
  try {
    text = readFileSync(join(runDir, 'summary.json'), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    issues.push({ file: 'summary.json', line: null, message: code === 'ENOENT' ? 'is missing (not a run folder of npx tsx sim?)' : `cannot be read (${code ?? 'unknown error'})` });
  }
  const summary = text === null ? null : parseSummary('summary.json', text, issues);
  if (summary === null) throw new RunFolderError(runDir, issues);
  return summary;
}

/** Runs named by scenario; a name met twice takes its folder's name too. */
export function nameRuns(dirs: readonly string[], summaries: readonly Summary[]): string[] {
  const counts = new Map<string, number>();
  for (const summary of summaries) counts.set(summary.scenario, (counts.get(summary.scenario) ?? 0) + 1);
  const names = summaries.map((summary, index) => (counts.get(summary.scenario)! > 1 ? `${summary.scenario} (${basename(dirs[index]!)})` : summary.scenario));
  return names.map((name, index) => (names.indexOf(name) === index ? name : `${name} #${index + 1}`));
}

export interface Comparison {
  readonly table: string;
  readonly files: readonly string[];
}

export async function writeComparison(runDirs: readonly string[], outDir: string, options: { readonly png?: boolean; readonly linkFrom?: string } = {}): Promise<Comparison> {
  const png = options.png ?? true;
  const summaries = runDirs.map(readSummary);
  const names = nameRuns(runDirs, summaries);
  const runs: ComparedRun[] = summaries.map((summary, index) => ({ name: names[index]!, summary }));
  const rows = compareRows(runs);
  const table = compareTable(runs, rows);
  const charts = compareCharts(rows, names, comparedPlans(runs));
  const files: string[] = [];
  const write = (file: string, contents: string | Buffer): void => {
    writeFileSync(join(outDir, file), contents);
    files.push(file);
  };
  mkdirSync(join(outDir, 'charts'), { recursive: true });
  write('compare.csv', compareCsv(rows));
  const pngs: Promise<Buffer>[] = [];
  for (const chart of charts) {
    write(`charts/${chart.name}.vl.json`, specText(chart.spec));
    const rendered = await renderSvg(chart.spec);
    write(`charts/${chart.name}.svg`, rendered.svg);
    if (png) pngs.push(svgToPng(rendered.svg));
  }
  const images = await Promise.all(pngs);
  charts.forEach((chart, index) => {
    if (images[index] !== undefined) write(`charts/${chart.name}.png`, images[index]!);
  });
  // Links from where the page will finally live (the staging folder is renamed into place).
  const linkFrom = options.linkFrom ?? outDir;
  const pageRuns = summaries.map((summary, index) => {
    const report = join(runDirs[index]!, 'report.html');
    return {
      name: names[index]!,
      scenario: summary.scenario,
      file: summary.file,
      seed: summary.seed,
      replications: summary.replications,
      report: existsSync(report) ? relative(linkFrom, report).split('\\').join('/') : null,
    };
  });
  write('compare.html', compareHtml({ runs: pageRuns, table, charts, png, libraries: libraryScripts() }));
  return { table, files };
}

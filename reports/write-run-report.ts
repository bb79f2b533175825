/**
 * The one call after a simulator run has written its files: reads the run folder, builds every
 * chart, and writes `charts/<name>.vl.json` (the Vega-Lite spec), `charts/<name>.svg`,
 * `charts/<name>.png` (unless `png: false`) and `report.html` into it. Chart files of an earlier
 * report in the folder are removed first, so a chart left out this time leaves no stale file.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CHART_NAMES, buildCharts } from './charts/build-charts.ts';
import { specText } from './charts/spec-text.ts';
import { libraryScripts } from './library-scripts.ts';
import { RenderPool } from './render-pool.ts';
import { fontNote } from './render.ts';
import { reportHtml } from './report-html.ts';
import { type RunFolder, customersFileName, readRunFolder } from './run-folder.ts';
import { tierTable } from './tier-table.ts';

export interface RunReportOptions {
  /** Also write charts/<name>.png (default true). */
  readonly png?: boolean;
}

export interface RunReportFiles {
  /** Files written, relative to the run folder: per chart its spec, SVG and PNG, then report.html. */
  readonly files: readonly string[];
  /** Charts left out and why; font fallback; rendering warnings. One line each. */
  readonly notes: readonly string[];
}

/** The run's data files the report links to, in a fixed order. */
function dataFiles(runDir: string, folder: RunFolder): string[] {
  const customers = Array.from({ length: folder.replications }, (_, replication) => customersFileName(replication));
  const candidates = ['summary.json', 'tiers.csv', 'hourly.csv', ...customers, ...(folder.waits === null ? [] : ['waits.csv'])];
  const jobs = Array.from({ length: folder.replications }, (_, replication) => (replication === 0 ? 'jobs.csv' : `jobs-r${replication}.csv`));
  return [...candidates, ...jobs.filter((file) => folder.summary.files.includes(file) && existsSync(join(runDir, file)))];
}

function removeOldCharts(chartsDir: string): void {
  for (const name of CHART_NAMES) {
    for (const extension of ['.vl.json', '.svg', '.png']) rmSync(join(chartsDir, `${name}${extension}`), { force: true });
  }
}

/**
 * Writes the charts and report.html of the run in `runDir`. Throws RunFolderError when the
 * folder's files are missing or malformed (a user's folder: exit 2 in a command line).
 */
export async function writeRunReport(runDir: string, options: RunReportOptions = {}): Promise<RunReportFiles> {
  const png = options.png ?? true;
  const pool = new RenderPool(); // loads the renderers while the folder is read
  try {
    const folder = readRunFolder(runDir);
    const built = buildCharts(folder);
    const rendering = built.charts.map((chart) => pool.render(chart.spec, png));
    const notes = [...built.notes];
    const font = png ? fontNote() : null;
    if (font !== null) notes.push(font);
    const chartsDir = join(runDir, 'charts');
    mkdirSync(chartsDir, { recursive: true });
    removeOldCharts(chartsDir);
    const files: string[] = [];
    const write = (file: string, contents: string | Buffer): void => {
      writeFileSync(join(runDir, file), contents);
      files.push(file);
    };
    for (const [index, chart] of built.charts.entries()) {
      write(`charts/${chart.name}.vl.json`, specText(chart.spec));
      const rendered = await rendering[index]!;
      for (const warning of rendered.warnings) notes.push(`${chart.name}: ${warning}`);
      write(`charts/${chart.name}.svg`, rendered.svg);
      if (rendered.png !== null) write(`charts/${chart.name}.png`, rendered.png);
    }
    write('report.html', reportHtml({
      summary: folder.summary,
      table: tierTable(folder.summary),
      charts: built.charts,
      notes: built.notes,
      dataFiles: dataFiles(runDir, folder),
      png,
      libraries: libraryScripts(),
    }));
    return { files, notes };
  } finally {
    await pool.close();
  }
}

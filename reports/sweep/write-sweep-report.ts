/**
 * The sweep's charts and sweep.html, written into its folder after sweep.csv: the charts as
 * spec, SVG and PNG under charts/, and one offline page with the sweep's definition, the best
 * feasible cells and the charts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { specText } from '../charts/spec-text.ts';
import { libraryScripts } from '../library-scripts.ts';
import { chartsPageHtml } from '../page-html.ts';
import { renderSvg, svgToPng } from '../render.ts';
import { escapeHtml } from '../report-html.ts';
import { sweepCharts } from './sweep-charts.ts';
import type { SweepGoal, SweepRow } from './sweep-results.ts';

export interface SweepReportInput {
  readonly name: string;
  readonly rows: readonly SweepRow[];
  readonly axes: readonly string[];
  readonly goal: SweepGoal;
  /** The terminal's table of the best feasible cells. */
  readonly bestTable: string;
  readonly replications: number;
  readonly seed: number;
}

export async function writeSweepReport(outDir: string, input: SweepReportInput): Promise<string[]> {
  const charts = sweepCharts(input.rows, input.axes, input.goal);
  const files: string[] = [];
  const write = (file: string, contents: string | Buffer) => {
    writeFileSync(join(outDir, file), contents);
    files.push(file);
  };
  mkdirSync(join(outDir, 'charts'), { recursive: true });
  for (const chart of charts) {
    write(`charts/${chart.name}.vl.json`, specText(chart.spec));
    const rendered = await renderSvg(chart.spec);
    write(`charts/${chart.name}.svg`, rendered.svg);
    write(`charts/${chart.name}.png`, await svgToPng(rendered.svg));
  }
  const feasible = input.rows.filter((row) => row.feasible).length;
  write(
    'sweep.html',
    chartsPageHtml({
      title: `Sweep ${input.name}`,
      sections: [
        `<p>${input.rows.length} cells, ${input.replications} replication(s) each, seed ${input.seed}; ${feasible} feasible. Axes: ${input.axes.map(escapeHtml).join(', ')}.</p>`,
        '<h2>Best feasible cells</h2>',
        `<pre class="figures">${escapeHtml(input.bestTable)}</pre>`,
        '<p><a href="sweep.csv">sweep.csv</a>: every cell, its coordinates, objective, what it breaks, and every figure per plan with its 95% half-width; each cell\'s run folder is under <code>cells/</code>.</p>',
      ],
      charts,
      png: true,
      libraries: libraryScripts(),
    }),
  );
  return files;
}

/**
 * compare.html: one offline page (vega, vega-lite and vega-embed inlined, as in report.html) with
 * the runs compared and where each came from, the comparison table, every chart interactive, and
 * links to compare.csv and each run's own report.
 */
import type { Chart } from '../charts/chart.ts';
import type { LibraryScript } from '../library-scripts.ts';
import { chartsPageHtml } from '../page-html.ts';
import { escapeHtml } from '../report-html.ts';

export interface ComparePageRun {
  readonly name: string;
  readonly scenario: string;
  readonly file: string;
  readonly seed: number;
  readonly replications: number;
  /** The run's report.html relative to the comparison's folder, or null when it has none. */
  readonly report: string | null;
}

export interface ComparePageInput {
  readonly runs: readonly ComparePageRun[];
  readonly table: string;
  readonly charts: readonly Chart[];
  readonly png: boolean;
  readonly libraries: readonly LibraryScript[];
}

function runsList(runs: readonly ComparePageRun[]): string {
  const items = runs.map((run, index) => {
    const report = run.report === null ? '' : ` · <a href="${escapeHtml(run.report)}">its report</a>`;
    const role = index === 0 ? ' (the baseline of the differences)' : '';
    return `<li><b>${escapeHtml(run.name)}</b>${role}: scenario ${escapeHtml(run.scenario)} (${escapeHtml(run.file)}), seed ${run.seed}, ${run.replications} replication(s)${report}</li>`;
  });
  return `<ul>\n${items.join('\n')}\n</ul>`;
}

export function compareHtml(input: ComparePageInput): string {
  return chartsPageHtml({
    title: input.runs.map((run) => run.name).join(' vs '),
    sections: [
      '<h2>Runs</h2>',
      runsList(input.runs),
      '<h2>Per tier, side by side</h2>',
      `<pre class="figures">${escapeHtml(input.table)}</pre>`,
      '<p><a href="compare.csv">compare.csv</a>: every figure, plan and run, with differences from the first run and their 95% half-widths.</p>',
    ],
    charts: input.charts,
    png: input.png,
    libraries: input.libraries,
  });
}

/**
 * An offline page of charts (compare.html, sweep.html): vega, vega-lite and vega-embed inlined as
 * in report.html, the page's own sections of HTML first, then every chart interactive, embedded
 * by the same loader as the report's.
 */
import type { Chart } from './charts/chart.ts';
import type { LibraryScript } from './library-scripts.ts';
import { EMBED_SCRIPT, STYLE, chartHtml, escapeHtml, scriptText } from './report-html.ts';

export interface ChartsPage {
  readonly title: string;
  /** HTML of the sections before the charts (escaped by the caller). */
  readonly sections: readonly string[];
  readonly charts: readonly Chart[];
  readonly png: boolean;
  readonly libraries: readonly LibraryScript[];
}

export function chartsPageHtml(page: ChartsPage): string {
  const specs = Object.fromEntries(page.charts.map((chart) => [chart.name, chart.spec]));
  const specJson = JSON.stringify(specs).replace(/</g, '\\u003c');
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(page.title)}</title>`,
    `<style>${STYLE}\npre.figures { font-size: 0.85rem; background: #f6f6f6; padding: 1rem; overflow-x: auto; }</style>`,
    ...page.libraries.map((library) => `<script data-library="${escapeHtml(library.name)}">${scriptText(library.source)}</script>`),
    '</head>',
    '<body>',
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.sections,
    '<h2>Charts</h2>',
    ...page.charts.map((chart) => chartHtml(chart, page.png)),
    `<script type="application/json" id="chart-specs">${specJson}</script>`,
    `<script>${EMBED_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

/**
 * An offline page of charts (compare.html, sweep.html): the page's own sections of HTML, then
 * every chart interactive, with the same head (inlined vega, vega-lite, vega-embed) and loader as
 * report.html.
 */
import type { Chart } from './charts/chart.ts';
import type { LibraryScript } from './library-scripts.ts';
import { chartHtml, escapeHtml, pageHead, pageTail } from './report-html.ts';

export interface ChartsPage {
  readonly title: string;
  /** HTML of the sections before the charts (escaped by the caller). */
  readonly sections: readonly string[];
  readonly charts: readonly Chart[];
  readonly png: boolean;
  readonly libraries: readonly LibraryScript[];
}

const PAGE_STYLE = '\npre.figures { font-size: 0.85rem; background: #f6f6f6; padding: 1rem; overflow-x: auto; }';

export function chartsPageHtml(page: ChartsPage): string {
  return [
    ...pageHead(page.title, page.libraries, PAGE_STYLE),
    `<h1>${escapeHtml(page.title)}</h1>`,
    ...page.sections,
    '<h2>Charts</h2>',
    ...page.charts.map((chart) => chartHtml(chart, page.png)),
    ...pageTail(page.charts),
  ].join('\n');
}

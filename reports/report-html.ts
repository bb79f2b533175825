/**
 * The offline report of a run: one self-contained report.html with vega, vega-lite and
 * vega-embed inlined (nothing is fetched: it opens from a laptop on a train), the scenario and
 * its key assumptions at the top, the per-tier table, every chart interactive with tooltips
 * (vega-embed, `tooltip: true`), notes on charts left out, and relative links to the run's files
 * and each chart's spec, SVG and PNG. No timestamps or absolute paths: the same run folder gives
 * the same bytes.
 */
import type { Chart } from './charts/chart.ts';
import type { LibraryScript } from './library-scripts.ts';
import type { Summary } from './summary-file.ts';
import type { TierTable } from './tier-table.ts';

export interface ReportInput {
  readonly summary: Summary;
  readonly table: TierTable;
  readonly charts: readonly Chart[];
  readonly notes: readonly string[];
  /** Data files of the run to link, relative to the folder (summary.json, tiers.csv, ...). */
  readonly dataFiles: readonly string[];
  /** Whether charts/<name>.png was written (links to it only then). */
  readonly png: boolean;
  readonly libraries: readonly LibraryScript[];
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Text safe inside a <script> element: no `</script` or `<!--` can end or bend it. */
function scriptText(source: string): string {
  return source.replace(/<\/(script)/gi, '<\\/$1').replace(/<!--/g, '<\\!--');
}

const STYLE = `
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1400px; }
h1 { margin-bottom: 0.2rem; }
dl.assumptions { display: grid; grid-template-columns: max-content auto; gap: 0.2rem 1rem; }
dl.assumptions dt { font-weight: 600; }
table.tiers { border-collapse: collapse; font-variant-numeric: tabular-nums; }
div.table { overflow-x: auto; }
table.tiers th, table.tiers td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
table.tiers td { white-space: nowrap; }
table.tiers th:first-child, table.tiers td:first-child { text-align: left; }
section.chart { margin: 2rem 0; }
.chart-links, .note { font-size: 0.9rem; color: #555; }
`;

function formatCount(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

const dollars = (cents: number): string => `$${(cents / 100).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const day = (instant: string): string => instant.slice(0, 10);

/** The catalog, population, fleet and demand the run assumed, when summary.json holds them. */
function scenarioAssumptions(summary: Summary): [string, string][] {
  const given = summary.assumptions;
  if (given === undefined) return [];
  const overage = (plan: (typeof given.plans)[number]) => (plan.relax ? 'then Relax' : plan.overage === 'hard_cap' ? 'then blocked (hard cap)' : `then ${plan.overage.replace(/_/g, ' ')}`);
  return [
    ['population', given.segments.map((segment) => `${segment.name} ${formatCount(segment.subscribers)}`).join(', ')],
    ['plans', given.plans.map((plan) => `${plan.plan} ${dollars(plan.monthly_price_cents)}/month, ${plan.fast_hours} Fast h, ${overage(plan)}`).join('; ')],
    ['top-ups', `${dollars(given.topup_price_cents_per_hour)} per Fast hour`],
    ['fleet', given.fleet.map((step) => `${formatCount(step.gpus)} GPUs from ${day(step.from)}`).join(', ')],
    ['demand events', given.demand_events.length === 0 ? 'none' : given.demand_events.map((event) => `${event.label}: arrivals x${event.arrival_multiplier}${event.gpus_lost > 0 ? `, ${event.gpus_lost} GPUs lost` : ''}, ${day(event.from)} to ${day(event.to)}`).join('; ')],
  ];
}

function assumptions(summary: Summary): [string, string][] {
  const replication = summary.per_replication[0]!;
  const fleet = summary.estimates.fleet;
  const costPerGpuHour = replication.fleet.gpu_hours === 0 ? null : replication.fleet.gpu_cost_cents / replication.fleet.gpu_hours / 100;
  const subscribers = summary.estimates.tiers.reduce((sum, tier) => sum + tier.subscribers_start.mean, 0);
  const invariants = Object.entries(summary.invariants);
  return [
    ['scenario file', summary.file],
    ['seed', String(summary.seed)],
    ['replications', summary.replications === 1 ? '1 (no intervals)' : `${summary.replications} (means with 95% Student-t intervals)`],
    ['horizon (UTC)', `${summary.start} to ${summary.end}`],
    ['plans (catalog order)', summary.estimates.tiers.map((tier) => tier.plan).join(', ')],
    ['subscribers at start', formatCount(subscribers)],
    ['fleet capacity', `${formatCount(fleet.gpu_hours.mean)} GPU hours, utilization ${(fleet.utilization.mean * 100).toFixed(1)}%`],
    ['GPU cost per GPU hour', costPerGpuHour === null ? '-' : `$${costPerGpuHour.toFixed(2)}`],
    ...scenarioAssumptions(summary),
    ['invariants', invariants.every(([, holds]) => holds) ? `all hold (${invariants.map(([name]) => name).join(', ')})` : `BROKEN: ${invariants.filter(([, holds]) => !holds).map(([name]) => name).join(', ')}`],
  ];
}

function tableHtml(table: TierTable): string {
  const head = table.columns.map((column) => `<th>${escapeHtml(column)}</th>`).join('');
  const body = table.rows.map((row) => `<tr>${row.map((value) => `<td>${escapeHtml(value)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table"><table class="tiers">\n<thead><tr>${head}</tr></thead>\n<tbody>\n${body}\n</tbody>\n</table></div>`;
}

export function chartHtml(chart: Chart, png: boolean): string {
  const links = [`<a href="charts/${chart.name}.vl.json">spec</a>`, `<a href="charts/${chart.name}.svg">SVG</a>`, ...(png ? [`<a href="charts/${chart.name}.png">PNG</a>`] : [])];
  return [
    `<section class="chart" id="section-${chart.name}">`,
    `<h3>${escapeHtml(chart.title)}</h3>`,
    `<div class="vega-chart" id="chart-${chart.name}"></div>`,
    `<p class="chart-links">${links.join(' · ')}</p>`,
    `</section>`,
  ].join('\n');
}

/** The loader: embeds every spec; a failure is logged and shown in the chart's place. */
const EMBED_SCRIPT = `
const specs = JSON.parse(document.getElementById('chart-specs').textContent);
const options = { tooltip: true, renderer: 'svg', actions: { export: true, source: true, compiled: false, editor: false } };
window.chartsRendered = Promise.all(Object.entries(specs).map(([name, spec]) =>
  vegaEmbed('#chart-' + name, spec, options).catch((error) => {
    console.error('chart ' + name + ': ' + error);
    document.getElementById('chart-' + name).textContent = 'This chart could not be drawn: ' + error;
  })));
`;

/** A page's start up to its <body>: title, style, the inlined libraries (shared with compare.html and sweep.html). */
export function pageHead(title: string, libraries: readonly LibraryScript[], extraStyle = ''): string[] {
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLE}${extraStyle}</style>`,
    ...libraries.map((library) => `<script data-library="${escapeHtml(library.name)}">${scriptText(library.source)}</script>`),
    '</head>',
    '<body>',
  ];
}

/** A page's end: the charts' specs, the loader that embeds them, and the closing tags. */
export function pageTail(charts: readonly Chart[]): string[] {
  const specs = Object.fromEntries(charts.map((chart) => [chart.name, chart.spec]));
  const specJson = JSON.stringify(specs).replace(/</g, '\\u003c');
  return [`<script type="application/json" id="chart-specs">${specJson}</script>`, `<script>${EMBED_SCRIPT}</script>`, '</body>', '</html>', ''];
}

export function reportHtml(input: ReportInput): string {
  const { summary } = input;
  const files = input.dataFiles.map((file) => `<li><a href="${escapeHtml(file)}">${escapeHtml(file)}</a></li>`).join('\n');
  const notes = input.notes.length === 0 ? '' : `<h2>Notes</h2>\n<ul class="note">\n${input.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('\n')}\n</ul>`;
  return [
    ...pageHead(`${summary.scenario}: simulation report`, input.libraries),
    `<h1>Scenario ${escapeHtml(summary.scenario)}</h1>`,
    `<dl class="assumptions">\n${assumptions(summary).map(([term, value]) => `<dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd>`).join('\n')}\n</dl>`,
    '<h2>Per tier over the horizon</h2>',
    tableHtml(input.table),
    '<h2>Charts</h2>',
    ...input.charts.map((chart) => chartHtml(chart, input.png)),
    notes,
    '<h2>Files of this run</h2>',
    `<ul>\n${files}\n</ul>`,
    ...pageTail(input.charts),
  ].join('\n');
}

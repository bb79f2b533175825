import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_NAMES } from './charts/build-charts.ts';
import { specText } from './charts/spec-text.ts';
import { RunFolderError } from './errors.ts';
import { libraryScripts } from './library-scripts.ts';
import { contractRunCopy, tinyRunCopy } from './test/contract-folder.ts';
import { writeRunReport } from './write-run-report.ts';

describe('writeRunReport', () => {
  it('writes each chart as spec, SVG and PNG, then report.html, and lists them relative to the folder', async () => {
    const folder = contractRunCopy();
    const { files, notes } = await writeRunReport(folder);
    const expected = [...CHART_NAMES.flatMap((name) => [`charts/${name}.vl.json`, `charts/${name}.svg`, `charts/${name}.png`]), 'report.html'];
    expect(files).toEqual(expected);
    expect(notes).toEqual([]);
    for (const file of files) expect(existsSync(join(folder, file)), file).toBe(true);
    const spec = JSON.parse(readFileSync(join(folder, 'charts/plan-flows.vl.json'), 'utf8'));
    expect(readFileSync(join(folder, 'charts/plan-flows.vl.json'), 'utf8')).toBe(specText(spec));
  });

  it('skips PNGs when asked, and notes the charts an older folder cannot have', async () => {
    const folder = tinyRunCopy();
    const { files, notes } = await writeRunReport(folder, { png: false });
    expect(files.filter((file) => file.endsWith('.png'))).toEqual([]);
    expect(files).toHaveLength(5 * 2 + 1);
    expect(notes).toHaveLength(2);
    expect(readFileSync(join(folder, 'report.html'), 'utf8')).not.toContain('.png"');
  });

  it('removes chart files an earlier report left that this one does not write', async () => {
    const folder = contractRunCopy();
    await writeRunReport(folder);
    rmSync(join(folder, 'waits.csv')); // as if the next run came from an older simulator
    await writeRunReport(folder);
    expect(existsSync(join(folder, 'charts/waits-by-hour.svg'))).toBe(false);
    expect(existsSync(join(folder, 'charts/waits-by-hour.vl.json'))).toBe(false);
    expect(existsSync(join(folder, 'charts/revenue-by-line.svg'))).toBe(true);
  });

  it('writes the same bytes for the same folder', async () => {
    const first = contractRunCopy();
    const second = contractRunCopy();
    const a = await writeRunReport(first);
    await writeRunReport(second);
    for (const file of a.files) expect(readFileSync(join(second, file)).equals(readFileSync(join(first, file))), file).toBe(true);
  });

  it('throws RunFolderError for a folder that is not a run', async () => {
    await expect(writeRunReport(join(tinyRunCopy(), 'missing'))).rejects.toBeInstanceOf(RunFolderError);
  });
});

describe('report.html', () => {
  const folder = contractRunCopy();
  const written = writeRunReport(folder).then(() => readFileSync(join(folder, 'report.html'), 'utf8'));

  it('fetches nothing: no script or stylesheet from a URL, no link to one', async () => {
    const html = await written;
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
    expect(html).not.toMatch(/<link\b/i);
    expect(html).not.toMatch(/(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(html).not.toMatch(/@import/);
  });

  it('inlines vega, vega-lite and vega-embed from node_modules', async () => {
    const html = await written;
    for (const library of libraryScripts()) {
      expect(library.source.length, library.name).toBeGreaterThan(50_000);
      expect(html, library.name).toContain(library.source.slice(0, 2_000));
      expect(html, library.name).toContain(library.source.slice(-2_000));
      expect(html).toContain(`<script data-library="${library.name}">`);
    }
  });

  it('states the scenario, seed and assumptions, the per-tier table and every chart with tooltips', async () => {
    const html = await written;
    expect(html).toContain('<h1>Scenario tiny-run</h1>');
    expect(html).toContain('<dt>seed</dt><dd>20260301</dd>');
    expect(html).toContain('<dt>replications</dt><dd>2 (means with 95% Student-t intervals)</dd>');
    expect(html).toContain('<dt>horizon (UTC)</dt><dd>2026-03-25T00:00:00.000Z to 2026-04-01T00:00:00.000Z</dd>');
    expect(html).toMatch(/<table class="tiers">[\s\S]*<th>gross margin<\/th>[\s\S]*<td>basic<\/td>[\s\S]*<td>mega<\/td>/);
    for (const name of CHART_NAMES) expect(html).toContain(`<div class="vega-chart" id="chart-${name}"></div>`);
    expect(html).toContain('tooltip: true');
  });

  it('links the run files and chart files relatively', async () => {
    const html = await written;
    for (const file of ['summary.json', 'tiers.csv', 'hourly.csv', 'customers.csv', 'customers-r1.csv', 'waits.csv']) expect(html).toContain(`<a href="${file}">`);
    expect(html).toContain('<a href="charts/gross-margin.png">PNG</a>');
    expect(html).not.toContain(folder);
  });
});

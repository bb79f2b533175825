/**
 * report.html in a real browser: Debian's Chromium, driven headless by playwright-core (which
 * downloads no browser of its own). Every chart must draw an SVG with marks, a tooltip must show
 * on hover, the console must stay free of errors and nothing may be fetched from a network. A
 * screenshot of the whole page is saved under the system's temporary folder (path printed).
 * Without Chromium this test fails, saying how to install it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { CHART_NAMES } from './charts/build-charts.ts';
import { contractRunCopy } from './test/contract-folder.ts';
import { writeRunReport } from './write-run-report.ts';

const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const INSTALL_HINT = 'Chromium is needed for the report\'s browser test: apt-get install -y chromium (Debian\'s package, /usr/bin/chromium); or set CHROMIUM_PATH';

function chromiumPath(): string | null {
  const fromEnvironment = process.env.CHROMIUM_PATH;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return existsSync(fromEnvironment) ? fromEnvironment : null;
  try {
    const found = execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
    if (found !== '') return found;
  } catch {
    // not on PATH: try Debian's place below
  }
  return existsSync('/usr/bin/chromium') ? '/usr/bin/chromium' : null;
}

describe('report.html in headless Chromium', () => {
  let browser: Browser | null = null;

  afterAll(async () => {
    await browser?.close();
  });

  it('draws every chart with marks, shows tooltips, logs no error and fetches nothing', async () => {
    const executablePath = chromiumPath();
    if (executablePath === null) expect.fail(INSTALL_HINT);
    const folder = contractRunCopy();
    await writeRunReport(folder, { png: false });
    const reportUrl = pathToFileURL(join(folder, 'report.html')).href;
    browser = await chromium.launch({ executablePath, headless: true, args: FLAGS });
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const errors: string[] = [];
    const fetched: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') errors.push(message.text());
    });
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.route('**/*', async (route) => {
      const url = route.request().url();
      if (url.startsWith('file:')) return route.continue();
      fetched.push(url);
      return route.abort();
    });
    await page.goto(reportUrl);
    await page.evaluate(async () => {
      await (globalThis as unknown as { chartsRendered: Promise<unknown> }).chartsRendered;
      return true;
    });

    for (const name of CHART_NAMES) {
      const marks = await page.locator(`#chart-${name} svg g[class*="mark-"] path, #chart-${name} svg g[class*="mark-"] text`).count();
      expect(marks, `${name}: marks drawn`).toBeGreaterThan(5);
    }

    const bar = page.locator('#chart-gross-margin svg g.mark-rect.role-mark path').first();
    await bar.hover();
    const tooltip = page.locator('#vg-tooltip-element');
    await tooltip.waitFor({ state: 'visible', timeout: 5_000 });
    expect(await tooltip.textContent()).toMatch(/basic[\s\S]*\$/);

    // Anywhere over the queue view: the nearest hour's three queues in one tooltip.
    const queueView = page.locator('#chart-queues-and-utilization svg g.mark-line.role-mark path').first();
    await queueView.scrollIntoViewIfNeeded();
    const box = (await queueView.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.move(box.x + box.width / 2 + 3, box.y + box.height / 2);
    await expect.poll(async () => tooltip.textContent(), { timeout: 5_000 }).toMatch(/Hour \(UTC\)[\s\S]*Fast queue[\s\S]*Relax queue[\s\S]*held by concurrency/);

    const screenshotDir = join(tmpdir(), 'gpu-billing-lab-reports');
    mkdirSync(screenshotDir, { recursive: true });
    const screenshot = join(screenshotDir, 'report.png');
    await page.screenshot({ path: screenshot, fullPage: true });
    process.stdout.write(`report.html screenshot: ${screenshot}\n`);

    expect(errors).toEqual([]);
    expect(fetched).toEqual([]);
    await page.close();
  });
});

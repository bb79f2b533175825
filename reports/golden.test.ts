/**
 * Golden chart specs: every chart of the committed test run folder (reports/test/tiny-run, a
 * real simulator run, plus the hand-made waits.csv and blocked_by_reason of reports/test/contract)
 * must match reports/golden/<name>.vl.json byte for byte. After an intended change:
 *   UPDATE_GOLDEN=1 npx vitest run reports/golden.test.ts   (or UPDATE_GOLDEN=1 npm test)
 * rewrites them; review the diff before committing.
 */
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHART_NAMES, buildCharts } from './charts/build-charts.ts';
import { specText } from './charts/spec-text.ts';
import { readRunFolder } from './run-folder.ts';
import { contractRunCopy } from './test/contract-folder.ts';

const GOLDEN = join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const CHARTS = buildCharts(readRunFolder(contractRunCopy())).charts;

describe('golden chart specs', () => {
  if (UPDATE) {
    mkdirSync(GOLDEN, { recursive: true });
    for (const file of readdirSync(GOLDEN)) rmSync(join(GOLDEN, file));
    for (const chart of CHARTS) writeFileSync(join(GOLDEN, `${chart.name}.vl.json`), specText(chart.spec));
  }

  it('has one golden per chart and no other', () => {
    // (The folders beside them hold the shipped scenarios' goldens: test/golden.test.ts.)
    expect(readdirSync(GOLDEN).filter((name) => name.endsWith('.vl.json')).sort()).toEqual(CHART_NAMES.map((name) => `${name}.vl.json`).sort());
  });

  it.each(CHARTS.map((chart) => [chart.name, chart] as const))('%s matches its golden spec', (name, chart) => {
    const golden = readFileSync(join(GOLDEN, `${name}.vl.json`), 'utf8');
    expect(specText(chart.spec), `reports/golden/${name}.vl.json differs: UPDATE_GOLDEN=1 npm test rewrites it`).toBe(golden);
  });
});

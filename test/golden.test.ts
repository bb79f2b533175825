/**
 * Golden outputs: the shipped scenarios at their own seeds, run end to end through `npx tsx sim`,
 * give exactly the committed files in reports/golden/<scenario>/ (summary.json, the report CSVs
 * and every chart spec, charts/<name>.vl.json, byte for byte; customers.csv, megabytes, by its
 * SHA-256). SVG, PNG and report.html are not golden: they hold the renderer's and the fonts'
 * output, not ours; the browser test checks report.html draws. A change to a simulator, engine
 * or report rule shows up here as a diff to review in the commit that makes it.
 *
 *   UPDATE_GOLDEN=1 npx vitest run test/golden.test.ts   rewrites them (then review `git diff`).
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SCENARIOS = ['baseline', 'peak', 'basic-cliff'] as const;
const COMPARED = ['summary.json', 'tiers.csv', 'hourly.csv', 'waits.csv'] as const;
const HASHED = ['customers.csv'] as const;
const CHART_SPECS = (dir: string): string[] => readdirSync(join(dir, 'charts')).filter((name) => name.endsWith('.vl.json')).sort().map((name) => `charts/${name}`);
const GOLDEN = 'reports/golden';
const UPDATE = process.env.UPDATE_GOLDEN === '1';

function runSim(scenario: string, outDir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'sim.ts', `scenarios/${scenario}.yaml`, '--out', outDir, '--workers', '1'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`sim ${scenario} exited ${code}: ${stderr}`))));
  });
}

/** The golden text of an output: the file itself, or `sha256  name` for the hashed ones. */
function goldenText(dir: string, name: string, hashed: boolean): string {
  const bytes = readFileSync(join(dir, name));
  return hashed ? `${createHash('sha256').update(bytes).digest('hex')}  ${name}\n` : bytes.toString('utf8');
}

describe('golden outputs of the shipped scenarios', () => {
  const runs = mkdtempSync(join(tmpdir(), 'gbl-golden-'));

  beforeAll(async () => {
    await Promise.all(SCENARIOS.map((scenario) => runSim(scenario, join(runs, scenario))));
  }, 240_000);

  for (const scenario of SCENARIOS) {
    it(`${scenario}: summary.json, tiers.csv, hourly.csv, waits.csv, the chart specs and customers.csv's hash are the committed ones`, () => {
      const goldenDir = join(GOLDEN, scenario);
      const specs = CHART_SPECS(join(runs, scenario));
      expect(specs.length).toBe(7);
      if (!UPDATE) expect(specs, 'the charts drawn').toEqual(CHART_SPECS(goldenDir));
      const files: [string, boolean][] = [...[...COMPARED, ...specs].map((name): [string, boolean] => [name, false]), ...HASHED.map((name): [string, boolean] => [name, true])];
      for (const [name, hashed] of files) {
        const actual = goldenText(join(runs, scenario), name, hashed);
        const goldenFile = join(goldenDir, hashed ? `${name}.sha256` : name);
        if (UPDATE) {
          mkdirSync(join(goldenDir, 'charts'), { recursive: true });
          writeFileSync(goldenFile, actual);
        }
        expect(actual, `${goldenFile} (UPDATE_GOLDEN=1 rewrites it; review the diff)`).toBe(readFileSync(goldenFile, 'utf8'));
      }
    });
  }
});

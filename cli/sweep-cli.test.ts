import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';

const SWEEP = 'cli/test/tiny-sweep.yaml';

function sim(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'sim.ts', ...args], { encoding: 'utf8', env: { ...process.env, GBL_DEBUG: '' } });
  return { code: run.status, stdout: run.stdout, stderr: run.stderr };
}

/** Every file of a sweep folder (cells included) by relative path. */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of (readdirSync(dir, { recursive: true }) as string[]).sort()) {
    if (/\.(csv|json)$/.test(name)) out[name] = readFileSync(join(dir, name), 'utf8');
  }
  return out;
}

describe('npx tsx sim sweep', () => {
  const base = mkdtempSync(join(tmpdir(), 'gbl-sweep-'));
  const [one, two] = [join(base, 'one'), join(base, 'two')];
  let first: ReturnType<typeof sim>;

  beforeAll(() => {
    first = sim(['sweep', SWEEP, '--out', one, '--workers', '1']);
    expect(first.code, first.stderr).toBe(0);
  }, 180_000);

  it('runs every cell of the grid and writes sweep.csv: coordinates, objective, feasibility, every figure', () => {
    const lines = readFileSync(join(one, 'sweep.csv'), 'utf8').trimEnd().split('\n');
    const header = lines[0]!.split(',');
    expect(header.slice(0, 9)).toEqual(['cell', 'seed', 'basic_fast_seconds', 'topup_cents_per_hour', 'gpus', 'objective', 'objective_ci95', 'feasible', 'broken']);
    expect(header).toContain('standard.relax_wait_p95');
    expect(header).toContain('all.gross_margin_ci95');
    const rows = lines.slice(1).map((line) => Object.fromEntries(line.split(',').map((value, index) => [header[index]!, value])));
    expect(rows.map((row) => [row.basic_fast_seconds, row.topup_cents_per_hour, row.gpus])).toEqual([
      ['12000', '300', '8'], ['12000', '300', '16'], ['12000', '500', '8'], ['12000', '500', '16'],
      ['28800', '300', '8'], ['28800', '300', '16'], ['28800', '500', '8'], ['28800', '500', '16'],
    ]);
    for (const row of rows) {
      expect(row.objective).toBe(String(Number(row['all.gross_margin'])));
      expect(row.objective_ci95).not.toBe(''); // 2 replications per cell
      expect(row.feasible).toBe(String(Number(row['standard.relax_wait_p95']) <= 600));
    }
    // Twice the GPUs cost twice as much, whatever the other axes.
    for (let index = 0; index < rows.length; index += 2) expect(Number(rows[index + 1]!['all.gpu_cost'])).toBeCloseTo(2 * Number(rows[index]!['all.gpu_cost']), 1);
    // Each cell is a run folder of its own, seeded from the sweep seed and its coordinates.
    const seeds = new Set(rows.map((row) => row.seed));
    expect(seeds.size).toBe(8);
    expect(readdirSync(join(one, 'cells')).sort()).toEqual(['0000', '0001', '0002', '0003', '0004', '0005', '0006', '0007']);
    expect(JSON.parse(readFileSync(join(one, 'cells', '0003', 'summary.json'), 'utf8')).seed).toBe(Number(rows[3]!.seed));
    expect(first.stdout).toMatch(/^best feasible cells: maximize gross_margin \(all\) subject to relax_wait_p95 \(standard\) <= 600/m);
    expect(readdirSync(join(one, 'charts')).sort()).toEqual(['sweep-heatmap.png', 'sweep-heatmap.svg', 'sweep-heatmap.vl.json', 'sweep-sensitivity.png', 'sweep-sensitivity.svg', 'sweep-sensitivity.vl.json']);
    const html = readFileSync(join(one, 'sweep.html'), 'utf8');
    expect(html).toContain('<a href="sweep.csv">');
    expect(html).not.toMatch(/<(script|link)[^>]+(src|href)="https?:/);
  });

  it('gives the same files whatever the worker count, and resumes an interrupted sweep with the same results', () => {
    const run = sim(['sweep', SWEEP, '--out', two, '--workers', '2']);
    expect(run.code, run.stderr).toBe(0);
    expect(contents(two)).toEqual(contents(one));
    // Interrupted: two cells never finished (their folders gone, a partial one left), no sweep.csv.
    rmSync(join(two, 'cells', '0002'), { recursive: true });
    rmSync(join(two, 'cells', '0006'), { recursive: true });
    rmSync(join(two, 'sweep.csv'));
    writeFileSync(join(two, 'cells', '.0002.partial'), 'half');
    const resumed = sim(['sweep', SWEEP, '--out', two, '--workers', '2']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toContain('8 cell(s) x 2 replication(s), 6 already done');
    expect(contents(two)).toEqual(contents(one));
  });

  it('refuses bad sweeps with the file and line, and a folder of another sweep unless --restart', () => {
    const bad = (name: string, block: string) => {
      const file = join(base, name);
      writeFileSync(file, `extends: ${join(process.cwd(), 'reports/test/tiny.yaml')}\nname: bad\nsweep:\n${block}`);
      return file;
    };
    const cases: [string, RegExp][] = [
      [bad('figure.yaml', '  axes: { gpus: { path: fleet.gpus, values: [8] } }\n  objective: { maximize: profit }\n'), /figure\.yaml:5: sweep\.objective: unknown figure "profit"/],
      [bad('path.yaml', '  axes: { gpus: { path: fleet.gpu, values: [8] } }\n  objective: { maximize: gross_margin }\n'), /path\.yaml:4: sweep\.axes\.gpus\.path: fleet\.gpu: the scenario has no such field/],
      [bad('value.yaml', '  axes:\n    gpus:\n      path: fleet.gpus\n      values: [8, -3]\n  objective: { maximize: gross_margin }\n'), /value\.yaml:7: fleet\.gpus/],
      [bad('range.yaml', '  axes: { gpus: { path: fleet.gpus, from: 9, to: 1, step: 1 } }\n  objective: { maximize: gross_margin }\n'), /range\.yaml:4: sweep\.axes\.gpus\.to: to must be at least from/],
    ];
    const none = join(base, 'none.yaml');
    writeFileSync(none, `extends: ${join(process.cwd(), 'reports/test/tiny.yaml')}\nname: plain\n`);
    cases.push([none, /none\.yaml:1: no sweep: block/]);
    for (const [file, message] of cases) {
      const run = sim(['sweep', file, '--out', join(base, 'never')]);
      expect(run.code, file).toBe(2);
      expect(run.stderr).toMatch(message);
      expect(run.stderr).not.toMatch(/\n\s+at /);
    }
    const other = bad('other.yaml', '  axes: { gpus: { path: fleet.gpus, values: [8] } }\n  objective: { maximize: gross_margin }\n');
    const refused = sim(['sweep', other, '--out', one]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/holds the cells of another sweep .*--restart/);
    expect(readdirSync(join(one, 'cells'))).toHaveLength(8);
  });
});

/**
 * The notebooks run headlessly (npm run notebooks: jupyter nbconvert --execute with the Deno
 * kernel) with no failing cell, show their charts and draw their conclusion from the numbers; the
 * committed notebooks carry no outputs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

interface Cell {
  readonly cell_type: string;
  readonly source: string | string[];
  readonly outputs?: { readonly output_type: string; readonly data?: Record<string, string | string[]>; readonly ename?: string }[];
  readonly execution_count?: number | null;
}

const NOTEBOOKS = readdirSync('notebooks').filter((name) => name.endsWith('.ipynb')).sort();
const cells = (file: string): Cell[] => (JSON.parse(readFileSync(file, 'utf8')) as { cells: Cell[] }).cells;
const text = (value: string | string[] | undefined): string => (Array.isArray(value) ? value.join('') : (value ?? ''));

describe('notebooks', () => {
  it('are committed without outputs, on the Deno kernel', () => {
    expect(NOTEBOOKS).toEqual(['launch-week-gpus.ipynb', 'should-basic-get-relax.ipynb']);
    for (const name of NOTEBOOKS) {
      const notebook = JSON.parse(readFileSync(join('notebooks', name), 'utf8'));
      expect(notebook.metadata.kernelspec.name).toBe('deno');
      for (const cell of cells(join('notebooks', name)).filter((candidate) => candidate.cell_type === 'code')) {
        expect(cell.outputs, name).toEqual([]);
        expect(cell.execution_count, name).toBeNull();
      }
    }
  });

  it('run headlessly with every cell passing, charts shown and a conclusion drawn from the numbers', () => {
    const out = mkdtempSync(join(tmpdir(), 'gbl-notebooks-'));
    const run = spawnSync('npm', ['run', 'notebooks'], { encoding: 'utf8', env: { ...process.env, NOTEBOOKS_OUT: out } });
    expect(run.status, run.stderr.slice(-3000)).toBe(0);
    const outputs = (name: string) => cells(join(out, name)).flatMap((cell) => cell.outputs ?? []);
    for (const name of NOTEBOOKS) {
      expect(outputs(name).filter((output) => output.output_type === 'error'), name).toEqual([]);
      expect(outputs(name).some((output) => text(output.data?.['image/svg+xml']).includes('<svg')), `${name} shows a chart`).toBe(true);
    }
    const markdown = (name: string) => outputs(name).map((output) => text(output.data?.['text/markdown'])).join('\n');
    expect(markdown('should-basic-get-relax.ipynb')).toMatch(/^\*\*(No, not at these prices|Yes)\.\*\* Giving Basic Relax changes the fleet's gross margin by [-+]\$[\d,]+ over the month/m);
    expect(markdown('launch-week-gpus.ipynb')).toMatch(/\*\*\d+ GPUs\*\* in the launch week keep every Relax plan's p95 wait at or under 10 minutes|No fleet in the sweep keeps/);
  }, 1_200_000);
});

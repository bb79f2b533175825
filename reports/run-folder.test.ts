import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunFolderError } from './errors.ts';
import { readRunFolder } from './run-folder.ts';
import { TINY_RUN, contractRunCopy, tinyRunCopy } from './test/contract-folder.ts';

function problemsOf(folder: string): { file: string; line: number | null; message: string }[] {
  try {
    readRunFolder(folder);
  } catch (error) {
    if (error instanceof RunFolderError) return [...error.issues];
    throw error;
  }
  throw new Error('expected a RunFolderError');
}

function edit(folder: string, file: string, change: (text: string) => string): void {
  const path = join(folder, file);
  writeFileSync(path, change(readFileSync(path, 'utf8')));
}

describe('readRunFolder', () => {
  it('reads every file of a simulator run into typed rows, plans in catalog order', () => {
    const folder = readRunFolder(TINY_RUN);
    expect(folder.plans).toEqual(['basic', 'standard', 'pro', 'mega']);
    expect(folder.replications).toBe(2);
    expect(folder.summary.scenario).toBe('tiny-run');
    expect(folder.tierMonths).toHaveLength(2 * 4);
    expect(folder.hours).toHaveLength(2 * 7 * 24);
    expect(new Set(folder.customerCycles.map((row) => row.replication))).toEqual(new Set([0, 1]));
    expect(folder.customerCycles.some((row) => row.exhaustion_day !== null)).toBe(true);
    expect(typeof folder.hours[0]!.utilization).toBe('number');
    expect(folder.waits).toBeNull(); // the simulator does not write waits.csv yet
    expect(folder.summary.estimates.tiers.every((tier) => tier.blocked_by_reason === undefined)).toBe(true);
  });

  it('reads waits.csv and blocked_by_reason when the run has them', () => {
    const folder = readRunFolder(contractRunCopy());
    expect(folder.waits).toHaveLength(48);
    expect(folder.waits![1]).toEqual({ replication: 0, plan: 'basic', hour_of_day: 0, mode: 'relax', jobs: 0, wait_p50_s: null, wait_p95_s: null });
    expect(folder.summary.estimates.tiers[0]!.blocked_by_reason!.fast_exhausted_no_relax.mean).toBe(130);
    expect(folder.summary.per_replication[1]!.tiers[3]!.blocked_by_reason!.queue_full).toBe(19);
  });

  it('names the file and line of problems in every CSV, all at once', () => {
    const folder = tinyRunCopy();
    edit(folder, 'tiers.csv', (text) => text.replace(/\n0,2026-03-25,standard,(\d+)/, '\n0,2026-03-25,standard,lots'));
    edit(folder, 'hourly.csv', (text) => text.replace(/\n1,/, '\n7,'));
    edit(folder, 'customers-r1.csv', (text) => text.replace(/\n1,(c\d+),pro,/, '\n1,$1,ultra,'));
    const problems = problemsOf(folder);
    expect(problems).toEqual([
      { file: 'tiers.csv', line: 3, message: 'column subscription_cents: "lots" is not a number' },
      { file: 'hourly.csv', line: 170, message: 'column replication: 7 is not 0-1 (summary.json replications)' },
      { file: 'customers-r1.csv', line: expect.any(Number), message: 'column plan: "ultra" is not a plan of summary.json (basic, standard, pro, mega)' },
    ]);
  });

  it('checks waits.csv against its contract', () => {
    const folder = contractRunCopy();
    edit(folder, 'waits.csv', (text) => text.replace('0,basic,12,fast,52,0.440,1.760', '0,basic,24,fast,52,0.440,1.760').replace('0,standard,0,fast,50,0.250,1.000', '0,standard,0,turbo,50,0.250,1.000').replace('0,pro,0,fast,60,', '0,pro,0,fast,60,,'));
    expect(problemsOf(folder)).toEqual([
      { file: 'waits.csv', line: 4, message: 'column hour_of_day: 24 is not 0-23' },
      { file: 'waits.csv', line: 8, message: 'column mode: "turbo" is not fast or relax' },
      { file: 'waits.csv', line: 14, message: 'has 8 fields, the header 7' },
    ]);
  });

  it('says which file is missing', () => {
    const folder = tinyRunCopy();
    rmSync(join(folder, 'customers-r1.csv'));
    expect(problemsOf(folder)).toEqual([{ file: 'customers-r1.csv', line: null, message: 'is missing' }]);
    expect(problemsOf(join(folder, 'nowhere'))).toEqual([{ file: 'summary.json', line: null, message: 'is missing' }]);
  });

  it('names the JSON path and line of a malformed summary.json', () => {
    const folder = tinyRunCopy();
    const summary = JSON.parse(readFileSync(join(folder, 'summary.json'), 'utf8'));
    summary.estimates.tiers[1].gpu_cost_cents = 'a lot';
    delete summary.per_replication[1].fleet;
    const text = JSON.stringify(summary, null, 2);
    writeFileSync(join(folder, 'summary.json'), text);
    const lines = text.split('\n');
    const costLine = lines.findIndex((line) => line.includes('"a lot"')) + 1;
    const problems = problemsOf(folder);
    expect(problems).toContainEqual({ file: 'summary.json', line: costLine, message: expect.stringMatching(/^estimates\.tiers\[1\]\.gpu_cost_cents: /) });
    expect(problems).toContainEqual({ file: 'summary.json', line: expect.any(Number), message: expect.stringMatching(/^per_replication\[1\]\.fleet: /) });
  });

  it('gives the line of a JSON syntax error', () => {
    const folder = tinyRunCopy();
    edit(folder, 'summary.json', (text) => text.replace('"seed":', '"seed"'));
    const seedLine = readFileSync(join(folder, 'summary.json'), 'utf8').split('\n').findIndex((line) => line.includes('"seed"')) + 1;
    const [problem] = problemsOf(folder);
    expect(problem!.file).toBe('summary.json');
    expect(problem!.message).toBe('is not valid JSON');
    expect(Math.abs(problem!.line! - seedLine)).toBeLessThanOrEqual(1);
  });

  it('refuses replications that do not line up', () => {
    const folder = tinyRunCopy();
    edit(folder, 'summary.json', (text) => text.replace('"replications": 2', '"replications": 3'));
    expect(problemsOf(folder)).toEqual([{ file: 'summary.json', line: expect.any(Number), message: 'per_replication: holds 2 replications, replications says 3' }]);
  });

  it('carries the first problem as the error file and line, and every problem in the message', () => {
    const folder = tinyRunCopy();
    rmSync(join(folder, 'tiers.csv'));
    rmSync(join(folder, 'hourly.csv'));
    try {
      readRunFolder(folder);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(RunFolderError);
      const runError = error as RunFolderError;
      expect([runError.file, runError.line]).toEqual(['tiers.csv', null]);
      expect(runError.message).toContain('tiers.csv: is missing');
      expect(runError.message).toContain('hourly.csv: is missing');
    }
  });
});

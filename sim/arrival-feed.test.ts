import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './compile.ts';
import { simulate } from './simulate.ts';
import { buildReport } from './report.ts';
import { runReplication } from './run-replication.ts';

describe('arrivals drawn in a worker thread', () => {
  it('give the same run as arrivals drawn in the simulation thread', () => {
    const file = 'scenarios/basic-cliff.yaml';
    const { model } = loadScenario(file);
    const local = buildReport(model, 1, simulate(model, 1));
    const threaded = runReplication({ file, seed: null, replication: 1, outDir: mkdtempSync(join(tmpdir(), 'gbl-feed-')), jobs: false }, null);
    expect(threaded).toEqual(local);
    expect(local.jobs.arrivals).toBeGreaterThan(1_000_000);
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenario } from './compile.ts';
import { simulate } from './simulate.ts';
import { buildReport } from './report.ts';
import { runReplication } from './run-replication.ts';
import { ArrivalWorkerFeed } from './arrival-feed.ts';

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

describe('the arrival worker', () => {
  const file = 'reports/test/tiny.yaml';
  const local = (overrides: Parameters<typeof loadScenario>[1] = []) => {
    const { model } = loadScenario(file, overrides);
    return buildReport(model, 0, simulate(model, 0));
  };

  it("rebuilds the scenario with a sweep cell's values, as the simulation thread does", () => {
    const overrides = [{ path: ['segments', 0, 'subscribers'], value: 320, origin: { file: 'sweep.yaml', line: 1 } }];
    const threaded = runReplication({ file, seed: null, replication: 0, outDir: mkdtempSync(join(tmpdir(), 'gbl-feed-')), jobs: false, overrides }, null);
    expect(threaded).toEqual(local(overrides));
    expect(threaded.customers).toBe(400); // 320 + 80: the override reached both threads
  });

  it('is given up on when it sends nothing, and the days drawn here give the same run', () => {
    const { model } = loadScenario(file);
    const feed = (firstDay: number) => new ArrivalWorkerFeed(model, model.seed, 0, firstDay, [], { fallBackAfterMs: 300, workerEntry: new URL('./test/silent-worker.ts', import.meta.url) });
    expect(buildReport(model, 0, simulate(model, 0, { arrivals: feed }))).toEqual(local());
  });
});

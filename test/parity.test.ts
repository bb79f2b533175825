/**
 * One engine, one truth: a simulated run's invoices are reproducible from what production would
 * have recorded of it. Each shipped scenario is shrunk (1/40 of its subscribers and fleet), run
 * with a trace, and the trace re-rated by `engine rate --as-metered`; every invoice must come
 * back to the cent, line by line. Relax and blocked job counts are left out of the comparison:
 * they are routing facts of the application, and no Dodo usage trace holds them (Relax is never
 * sent). A deliberate change to one usage event must break the agreement.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { invoiceJson } from '../engine/index.ts';
import { rateFiles } from '../rate/fast/rate-files.ts';
import { loadScenario } from '../sim/compile.ts';
import { shrunk } from '../sim/test/shrink.ts';
import { simulate } from '../sim/simulate.ts';
import { TraceWriter } from '../sim/trace.ts';

/** Billing fields of `engine rate --json` invoices, one JSON text each. */
function billed(invoices: readonly Record<string, unknown>[]): string[] {
  return invoices.map(({ relax_jobs: _relax, blocked_jobs: _blocked, ...rest }) => JSON.stringify(rest));
}

function traceOf(file: string): { dir: string; endAt: number; traced: string[] } {
  const scenario = loadScenario(file);
  const model = shrunk(scenario.model);
  const dir = mkdtempSync(join(tmpdir(), 'parity-'));
  const trace = new TraceWriter(dir, scenario.catalogSpec, model.endAt);
  simulate(model, 0, { trace });
  trace.close();
  const traced = readFileSync(join(dir, 'invoices.jsonl'), 'utf8').trim().split('\n');
  return { dir, endAt: model.endAt, traced: billed(traced.map((line) => JSON.parse(line) as Record<string, unknown>)) };
}

function rateTrace(dir: string, endAt: number, events = join(dir, 'usage.jsonl')): string[] {
  const result = rateFiles(
    { catalog: join(dir, 'catalog.yaml'), subscriptions: join(dir, 'subscriptions.csv'), events, purchases: join(dir, 'purchases.csv'), changes: join(dir, 'changes.csv') },
    { asMetered: true, endAt },
  );
  // A job admitted before a cancellation took effect may complete after it: its event is sent,
  // and no subscription's meter counts it (the simulator's invoices do not either).
  expect({ ...result.ignoredEvents, no_subscription: 0 }).toEqual({ duplicate: 0, other_event_name: 0, meter_filter: 0, before_subscription: 0, no_subscription: 0, after_window: 0 });
  expect(result.ignoredEvents.no_subscription).toBeLessThan(10);
  return billed(result.invoices.map(invoiceJson));
}

describe('sim --trace, re-rated by engine rate --as-metered', () => {
  for (const name of ['baseline', 'peak', 'basic-cliff']) {
    it(`reproduces every invoice of ${name} (shrunk) to the cent`, () => {
      const { dir, endAt, traced } = traceOf(join('scenarios', `${name}.yaml`));
      const changes = readFileSync(join(dir, 'changes.csv'), 'utf8');
      // Behaviour was on: the trace holds top-ups, upgrades, downgrades and cancellations.
      for (const action of [',upgrade,', ',downgrade,', ',cancel,']) expect(changes).toContain(action);
      expect(readFileSync(join(dir, 'purchases.csv'), 'utf8').trim().split('\n').length).toBeGreaterThan(1);
      expect(traced.length).toBeGreaterThan(200);
      expect(rateTrace(dir, endAt)).toEqual(traced);
    });
  }

  it('fails when one usage event is changed', () => {
    const { dir, endAt, traced } = traceOf(join('scenarios', 'baseline.yaml'));
    const lines = readFileSync(join(dir, 'usage.jsonl'), 'utf8').trim().split('\n');
    const index = Math.floor(lines.length / 2);
    const event = JSON.parse(lines[index]!) as { metadata: { gpu_seconds: number } };
    event.metadata.gpu_seconds += 1;
    lines[index] = JSON.stringify(event);
    const edited = join(dir, 'edited.jsonl');
    writeFileSync(edited, `${lines.join('\n')}\n`);
    const rated = rateTrace(dir, endAt, edited);
    const differing = rated.filter((invoice, at) => invoice !== traced[at]);
    expect(differing.length).toBeGreaterThan(0);
  });
});

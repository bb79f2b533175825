import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineOf } from '../scenarios/test/scenario-fixture.ts';
import { MS_PER_DAY } from '../engine/index.ts';
import { InputError, type InputIssue } from '../scenarios/errors.ts';
import { type LoadedScenario, loadScenario } from './compile.ts';

const directory = mkdtempSync(join(tmpdir(), 'scenario-extends-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const MIDJOURNEY = resolve('scenarios/catalogs/midjourney.yaml');
const BASELINE = readFileSync('scenarios/baseline.yaml', 'utf8');

/** Writes `text` to `name` under the test folder; returns its path. */
function file(name: string, text: string): string {
  const path = join(directory, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** `text` with each `find` replaced (each must occur exactly once). */
function edited(text: string, ...replacements: readonly [string, string][]): string {
  for (const [find, replace] of replacements) {
    if (text.split(find).length !== 2) throw new Error(`fixture text not found once: ${find}`);
    text = text.replace(find, replace);
  }
  return text;
}

function issuesOf(path: string): InputIssue[] {
  try {
    loadScenario(path);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the scenario to be rejected');
}

/** Maps, typed arrays and samplers as JSON can show them. */
function plain(_key: string, value: unknown): unknown {
  if (value instanceof Map) return [...value.entries()];
  if (ArrayBuffer.isView(value)) return Array.from(value as Float64Array);
  if (typeof value === 'function') return `sampler/${value.length}`;
  return value;
}

/** What the simulator runs, as text comparable across files (keys in order): the model, the scenario and the catalog. */
function comparable({ model, spec, catalogSpec }: LoadedScenario): string[] {
  return [JSON.stringify({ ...model, file: null }, plain, 1), JSON.stringify(spec, null, 1), JSON.stringify(catalogSpec, null, 1)];
}

/** The baseline written out in full, with its catalog path made absolute (for files in the test folder). */
const BASELINE_HERE = edited(BASELINE, ['path: catalogs/midjourney.yaml', `path: ${MIDJOURNEY}`]);

describe('shipped scenarios that extend the baseline', () => {
  const baseline = comparable(loadScenario('scenarios/baseline.yaml'));
  file('written/catalogs/midjourney.yaml', readFileSync(MIDJOURNEY, 'utf8')); // so catalog.path reads the same

  it('peak compiles to the same model as the baseline written out with the launch week', () => {
    const written = edited(
      BASELINE,
      ['name: baseline', 'name: peak'],
      ['  gpus: 250\n', '  gpus:\n    - { from: 2026-03-01, gpus: 250 }\n    - { from: 2026-03-09, gpus: 560 }\n    - { from: 2026-03-16, gpus: 250 }\n'],
    ) + '\ndemand_events:\n  - { label: launch week, from: 2026-03-09, to: 2026-03-16, arrival_multiplier: 3 }\n';
    const peak = comparable(loadScenario('scenarios/peak.yaml'));
    expect(peak).toEqual(comparable(loadScenario(file('written/peak.yaml', written))));
    expect(peak[0]).not.toEqual(baseline[0]);
  });

  it('basic-cliff compiles to the same model as the baseline written out with the override', () => {
    const written = edited(
      BASELINE,
      ['name: baseline', 'name: basic-cliff'],
      ['path: catalogs/midjourney.yaml\n', 'path: catalogs/midjourney.yaml\n  overrides:\n    plans:\n      basic:\n        overage: { policy: relax }\n        concurrency: { fast: 3, relax: 1 }\n'],
    );
    const cliff = comparable(loadScenario('scenarios/basic-cliff.yaml'));
    expect(cliff).toEqual(comparable(loadScenario(file('written/basic-cliff.yaml', written))));
    expect(cliff[0]).not.toEqual(baseline[0]);
  });

  it('keeps the file asked for as the model file (it names the scenario in summary.json)', () => {
    expect(loadScenario('scenarios/peak.yaml').model.file).toBe('scenarios/peak.yaml');
  });
});

describe('problems in a scenario that extends another', () => {
  const base = file('errors/base.yaml', edited(BASELINE_HERE, ['annual_share: 0.25', 'annual_share: 1.25']));
  const baseText = readFileSync(base, 'utf8');

  it('reports a value from the base at the base, one from the child at the child (the child first)', () => {
    const text = 'extends: base.yaml\nname: child\nseed: 1.5\nfleet:\n  cost_per_gpu_hour_cents: null   # removed: no default\nbehaviour:\n  churn: { monthly: 2 }\n';
    const child = file('errors/child.yaml', text);
    expect(issuesOf(child)).toEqual([
      { file: child, line: lineOf(text, 'seed: 1.5'), path: 'seed', message: expect.stringMatching(/expected int/) },
      { file: child, line: lineOf(text, 'cost_per_gpu_hour_cents: null'), path: 'fleet.cost_per_gpu_hour_cents', message: 'required (number)' },
      { file: child, line: lineOf(text, 'monthly: 2'), path: 'behaviour.churn.monthly', message: expect.stringMatching(/<=1/) },
      { file: base, line: lineOf(baseText, 'annual_share: 1.25'), path: 'segments[1].annual_share', message: expect.stringMatching(/<=1/) },
    ]);
  });

  it('requires the child to name itself: the name is not inherited', () => {
    const child = file('errors/nameless.yaml', 'extends: ../written/peak.yaml\nseed: 3\n');
    expect(issuesOf(child)).toEqual([{ file: child, line: 1, path: 'name', message: expect.stringMatching(/^required: every scenario names its own output folder/) }]);
  });

  it('reports the cross-field rules at the file that wrote the field (here the child removing days)', () => {
    const text = 'extends: ../written/peak.yaml\nname: two-months\nhorizon: { months: 2 }\n';
    const child = file('errors/two-horizons.yaml', text);
    expect(issuesOf(child)).toEqual([{ file: child, line: lineOf(text, 'horizon:'), path: 'horizon', message: 'give exactly one of days or months' }]);
    const fixed = file('errors/months.yaml', 'extends: ../written/peak.yaml\nname: months\nhorizon: { days: null, months: 2 }\n');
    const { model } = loadScenario(fixed);
    expect(model.endAt - model.startAt).toBe(61 * MS_PER_DAY); // March and April
  });
});

describe('catalogs of a scenario that extends another', () => {
  file('tree/base/baseline.yaml', BASELINE); // catalog.path relative to the base: catalogs/midjourney.yaml
  file('tree/base/catalogs/midjourney.yaml', readFileSync(MIDJOURNEY, 'utf8'));

  it('resolves an inherited catalog.path relative to the base file', () => {
    const child = file('tree/child/cheap.yaml', 'extends: ../base/baseline.yaml\nname: cheap\nfleet: { cost_per_gpu_hour_cents: 100 }\n');
    const loaded = loadScenario(child);
    expect(loaded.model.costCentsPerGpuHour).toBe(100);
    expect(loaded.catalogSpec).toEqual(loadScenario('scenarios/baseline.yaml').catalogSpec);
  });

  it('resolves a catalog.path the child writes relative to the child, and reports it there', () => {
    const text = 'extends: ../base/baseline.yaml\nname: moved\ncatalog:\n  path: catalogs/midjourney.yaml\n';
    const child = file('tree/child/moved.yaml', text);
    expect(issuesOf(child)).toEqual([
      { file: child, line: lineOf(text, 'path:'), path: 'catalog.path', message: `${join(directory, 'tree/child/catalogs/midjourney.yaml')}: file not found` },
    ]);
  });

  it('reports an inherited missing catalog at the base', () => {
    const lostText = edited(BASELINE, ['path: catalogs/midjourney.yaml', 'path: catalogs/gone.yaml']);
    const lost = file('tree/base/lost.yaml', lostText);
    const child = file('tree/child/on-lost.yaml', 'extends: ../base/lost.yaml\nname: on-lost\n');
    expect(issuesOf(child)).toEqual([
      { file: lost, line: lineOf(lostText, 'gone.yaml'), path: 'catalog.path', message: `${join(directory, 'tree/base/catalogs/gone.yaml')}: file not found` },
    ]);
  });

  it('merges overrides along the chain; null is a catalog value inside them and removes them above', () => {
    const cliff = resolve('scenarios/basic-cliff.yaml');
    const never = file('tree/child/never.yaml', `extends: ${cliff}\nname: never\ncatalog:\n  overrides:\n    topup: { expiry_days: null }\n`);
    const { model } = loadScenario(never);
    expect(model.catalog.topupExpiryMs).toBeNull();
    expect(model.catalog.plans.get('basic')!.overagePolicy).toBe('relax'); // basic-cliff's override kept
    const undone = file('tree/child/undone.yaml', `extends: ${cliff}\nname: undone\ncatalog: { overrides: null }\n`);
    expect(loadScenario(undone).model.catalog.plans.get('basic')!.overagePolicy).toBe('hard_cap');
  });

  it('reports an override problem at the file that wrote it', () => {
    const middleText = 'extends: base/baseline.yaml\nname: middle\ncatalog:\n  overrides:\n    plans:\n      basic:\n        overage: { policy: metered }\n';
    const middle = file('tree/middle.yaml', middleText);
    const text = 'extends: middle.yaml\nname: top\ncatalog:\n  overrides:\n    plans:\n      basic:\n        concurrency: { relax: "one" }\n';
    const top = file('tree/top.yaml', text);
    expect(issuesOf(top)).toEqual([
      { file: top, line: lineOf(text, 'relax: "one"'), path: 'catalog.overrides.plans.basic.concurrency.relax', message: expect.stringMatching(/expected number/) },
      { file: middle, line: lineOf(middleText, 'policy: metered'), path: 'catalog.overrides.plans.basic.overage.price_per_unit', message: 'required (string)' },
    ]);
  });
});

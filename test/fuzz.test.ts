/**
 * Fuzzing the two commands' inputs: random mutations of the shipped scenario and example files
 * (a number made odd, a line dropped, doubled or cut, a value turned into text, stray bytes). Every
 * mutant must be either accepted or refused as bad input (an InputError whose every issue names its
 * file, and a line wherever the problem has one): never a crash (an exit 1), never a hang. The rate
 * inputs go through both readers, which must agree on every mutant.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../scenarios/errors.ts';
import { rateFiles } from '../rate/fast/rate-files.ts';
import { rateFilesPlainly } from '../rate/reference.ts';
import { loadScenario } from '../sim/compile.ts';
import { estimateRun } from '../sim/estimate.ts';
import { simulate } from '../sim/simulate.ts';

const dir = mkdtempSync(join(tmpdir(), 'gbl-fuzz-'));
let written = 0;

function write(name: string, text: string): string {
  written += 1;
  const file = join(dir, `${written}-${name}`);
  writeFileSync(file, text);
  return file;
}

const ODD_VALUES = ['-1', '0', '1e308', '-0.5', '1.5', '99999999999999999999', 'NaN', '.inf', '"ten"', 'null', '[]', '{}', '~', 'yes', '2026-13-45', '__proto__', 'x'.repeat(300)];

/** One mutation of `text`: where (a line, as a share of the file) and what. */
const mutation = fc.record({
  where: fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true }),
  kind: fc.constantFrom('number', 'drop', 'double', 'cut', 'value', 'bytes', 'indent'),
  value: fc.constantFrom(...ODD_VALUES),
  bytes: fc.string({ unit: 'binary', maxLength: 6 }),
});
type Mutation = typeof mutation extends fc.Arbitrary<infer T> ? T : never;

function mutate(text: string, change: Mutation): string {
  const lines = text.split('\n');
  const at = Math.floor(change.where * lines.length);
  const line = lines[at]!;
  switch (change.kind) {
    case 'number':
      lines[at] = line.replace(/-?\d+(\.\d+)?/, change.value);
      break;
    case 'drop':
      lines.splice(at, 1);
      break;
    case 'double':
      lines.splice(at, 0, line);
      break;
    case 'cut':
      return text.slice(0, Math.floor(change.where * text.length));
    case 'value':
      lines[at] = line.replace(/(:\s*|,)[^,:{}\[\]\n]+/, `$1${change.value}`);
      break;
    case 'bytes':
      lines[at] = line.slice(0, line.length >> 1) + change.bytes + line.slice(line.length >> 1);
      break;
    case 'indent':
      lines[at] = ` ${line}`;
      break;
  }
  return lines.join('\n');
}

/** Runs `work`; an InputError is fine when each issue names a file (and the line, given `text`). */
function acceptedOrRefused(work: () => unknown): 'accepted' | InputError {
  try {
    work();
    return 'accepted';
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    for (const issue of error.issues) expect(issue.file, issue.message).toBeTruthy();
    return error;
  }
}

describe('fuzzed scenarios', () => {
  const baseline = readFileSync('scenarios/baseline.yaml', 'utf8').replace('path: catalogs/midjourney.yaml', `path: ${resolve('scenarios/catalogs/midjourney.yaml')}`);

  it('are accepted or refused as bad input with file and line; an accepted small one runs', () => {
    let refused = 0;
    let ran = 0;
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (changes) => {
        const file = write('scenario.yaml', changes.reduce(mutate, baseline));
        const started = Date.now();
        let model: ReturnType<typeof loadScenario>['model'] | null = null;
        const outcome = acceptedOrRefused(() => (model = loadScenario(file).model));
        expect(Date.now() - started).toBeLessThan(5000);
        if (outcome !== 'accepted') {
          refused += 1;
          // Problems inside the file have a line; only file-level ones (empty, unreadable) may not.
          for (const issue of outcome.issues) if (issue.line === undefined) expect(issue.message).toMatch(/empty|file|name/);
          return;
        }
        const small = { ...model!, segments: model!.segments.map((segment) => ({ ...segment, subscribers: Math.min(segment.subscribers, 20) })), endAt: Math.min(model!.endAt, model!.startAt + 86_400_000) };
        if (estimateRun(small, 1).jobs > 50_000) return;
        simulate(small, 0);
        ran += 1;
      }),
      { numRuns: 150 },
    );
    expect(refused).toBeGreaterThan(20);
    expect(ran).toBeGreaterThan(5);
  });
});

describe('fuzzed rate inputs', () => {
  const catalog = 'scenarios/catalogs/midjourney.yaml';
  const example = 'scenarios/examples/rate';
  const texts = {
    subscriptions: readFileSync(`${example}/subscriptions.csv`, 'utf8'),
    purchases: readFileSync(`${example}/purchases.csv`, 'utf8'),
    events: readFileSync(`${example}/events.jsonl`, 'utf8'),
  };

  it('are refused alike by both readers (or rated alike), never a crash', () => {
    let refused = 0;
    fc.assert(
      fc.property(fc.constantFrom('subscriptions', 'purchases', 'events'), fc.array(mutation, { minLength: 1, maxLength: 3 }), (target, changes) => {
        const files = {
          catalog,
          subscriptions: write('s.csv', target === 'subscriptions' ? changes.reduce(mutate, texts.subscriptions) : texts.subscriptions),
          purchases: write('p.csv', target === 'purchases' ? changes.reduce(mutate, texts.purchases) : texts.purchases),
          events: write('e.jsonl', target === 'events' ? changes.reduce(mutate, texts.events) : texts.events),
        };
        let plain: unknown = null;
        let fast: unknown = null;
        const plainOutcome = acceptedOrRefused(() => (plain = rateFilesPlainly(files)));
        const fastOutcome = acceptedOrRefused(() => (fast = rateFiles(files, { readerThread: false })));
        if (plainOutcome === 'accepted' || fastOutcome === 'accepted') {
          expect(fastOutcome).toBe('accepted');
          expect(plainOutcome).toBe('accepted');
          expect(fast).toEqual(plain);
          return;
        }
        refused += 1;
        expect(fastOutcome.issues).toEqual(plainOutcome.issues);
        for (const issue of plainOutcome.issues) if (issue.line === undefined) expect(issue.message).toMatch(/file|empty/);
      }),
      { numRuns: 300 },
    );
    expect(refused).toBeGreaterThan(30);
  });
});

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

// The engine never asks for the time, draws a random number, does I/O, awaits or logs; and it
// imports nothing outside engine/ (and no npm package). Comments are stripped before checking.
const FORBIDDEN: readonly [string, RegExp][] = [
  ['Date', /\bDate\b/],
  ['Math.random', /Math\.random/],
  ['performance', /\bperformance\./],
  ['process', /\bprocess\./],
  ['console', /\bconsole\./],
  ['async', /\basync\b/],
  ['await', /\bawait\b/],
  ['require', /\brequire\(/],
  ['timers', /\bset(Timeout|Interval|Immediate)\(/],
  ['fetch', /\bfetch\(/],
  ['node: import', /from\s+['"]node:/],
  ['import outside engine/', /from\s+['"](?!\.\/)[^'"]+['"]/],
];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'test' ? [] : sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [path] : [];
  });
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

describe('engine purity guard', () => {
  const files = sourceFiles('engine');

  it('finds the engine sources', () => {
    expect(files.length).toBeGreaterThan(8);
  });

  it.each(files)('%s uses no clock, randomness, I/O, async, logging or outside imports', (file) => {
    const source = stripComments(readFileSync(file, 'utf8'));
    const hits = FORBIDDEN.filter(([, pattern]) => pattern.test(source)).map(([name]) => name);
    expect(hits).toEqual([]);
  });

  it('would catch a violation', () => {
    const bad = stripComments("import { readFileSync } from 'node:fs';\nconst now = Date.now();");
    const hits = FORBIDDEN.filter(([, pattern]) => pattern.test(bad)).map(([name]) => name);
    expect(hits).toEqual(expect.arrayContaining(['Date', 'node: import']));
  });
});

import { describe, expect, it } from 'vitest';
import { type ImportEdge, importCycles, importEdges, importSpecifiers, sourceFiles } from './import-graph.ts';

// The layers and which layers each may import (itself included). engine/ is pure and imports
// nothing of ours; scenarios/ is the YAML layer over it; the drivers (sim/, rate/, live/) sit on
// both and not on one another; cli/ holds the command lines over the drivers; bench/ measures
// them all; reports/ reads the files runs write and imports nothing of ours. Type-only imports count.
const LAYERS: Readonly<Record<string, readonly string[]>> = {
  engine: ['engine'],
  scenarios: ['engine', 'scenarios'],
  sim: ['engine', 'scenarios', 'sim'],
  rate: ['engine', 'scenarios', 'rate'],
  live: ['engine', 'scenarios', 'live'],
  reports: ['reports'],
  cli: ['engine', 'scenarios', 'sim', 'rate', 'live', 'reports', 'cli'],
  bench: ['engine', 'scenarios', 'sim', 'rate', 'live', 'reports', 'cli', 'bench'],
  test: ['engine', 'scenarios', 'sim', 'rate', 'cli', 'live', 'reports', 'bench', 'test'],
};

// Outside engine/, engine modules are reached through engine/index.ts, with these exceptions.
const ENGINE_ENTRY = 'engine/index.ts';
const DIRECT_ENGINE_IMPORTS: Readonly<Record<string, string>> = {
  // The reader worker of `engine rate` loads the few engine modules it needs, not the whole
  // engine: its start-up delays the rating (see rate/fast/read-worker.ts).
  'rate/fast/read-worker.ts -> engine/catalog.ts': 'reader worker start-up',
  'rate/event-text.ts -> engine/calendar.ts': 'reader worker start-up',
  'rate/instants.ts -> engine/calendar.ts': 'reader worker start-up',
  'rate/fast/usage-byte-scanner.ts -> engine/calendar.ts': 'reader worker start-up',
  'rate/event-text.ts -> engine/meter.ts': 'reader worker start-up (the meter filter)',
  'rate/fast/usage-byte-scanner.ts -> engine/meter.ts': 'reader worker start-up (the meter filter)',
};

const ROOT = '.';
const FILES = [...Object.keys(LAYERS).flatMap((layer) => sourceFiles(ROOT, layer)), 'engine.ts', 'sim.ts', 'live.ts'];
const EDGES = importEdges(ROOT, FILES);

function layerOf(file: string): string | null {
  const slash = file.indexOf('/');
  return slash === -1 ? null : file.slice(0, slash);
}

function isTestCode(file: string): boolean {
  return file.endsWith('.test.ts') || file.split('/').includes('test');
}

function describeEdge(edge: ImportEdge): string {
  return `${edge.from} -> ${edge.to}`;
}

describe('reading imports', () => {
  it('finds static, type-only, side-effect and dynamic imports and re-exports', () => {
    const source = [
      "import { a, type B } from './a.ts';",
      "import type { C } from './c.ts';",
      "import * as d from './d.ts';",
      "import e, { f } from './e.ts';",
      "import './side-effect.ts';",
      "export { g } from './g.ts';",
      "export type { H } from './h.ts';",
      "export * from './i.ts';",
      "export * as j from './j.ts';",
      "const k = await import('./k.ts');",
      "type L = import('./l.ts').L;",
      'import {',
      '  m,',
      '  type N,',
      "} from './m.ts';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual([
      './a.ts', './c.ts', './d.ts', './e.ts', './side-effect.ts', './g.ts', './h.ts', './i.ts', './j.ts', './k.ts', './l.ts', './m.ts',
    ]);
  });

  it('ignores comments, strings, templates, regular expressions and local exports', () => {
    const source = [
      "// import { x } from './comment.ts';",
      "/* export * from './block.ts'; */",
      "const text = \"import { y } from './string.ts'\";",
      "const template = `import { z } from './template.ts' ${'${'} ${`nested ${1 / 2}`} }`;",
      "const pattern = /from '.\\/regex.ts'/;",
      'const ratio = total / count / 2;',
      'export const value = 1;',
      'export function run(): void {}',
      'export { value as other };',
      "const meta = import.meta.url;",
      "export { real } from './real.ts';",
    ].join('\n');
    expect(importSpecifiers(source)).toEqual(['./real.ts']);
  });

  it('finds a circle, and only circles', () => {
    const edge = (from: string, to: string): ImportEdge => ({ from, to, specifier: to });
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('c', 'a'), edge('c', 'd'), edge('d', 'e'), edge('f', 'f')];
    expect(importCycles(edges)).toEqual([['a', 'b', 'c', 'a'], ['f', 'f']]);
    expect(importCycles(edges.slice(1))).toEqual([['f', 'f']]);
  });
});

describe('the import graph', () => {
  it('reads every layer', () => {
    for (const layer of ['engine', 'scenarios', 'sim', 'rate', 'reports', 'cli', 'bench']) {
      expect(FILES.filter((file) => layerOf(file) === layer).length, layer).toBeGreaterThan(3);
    }
    expect(EDGES.length).toBeGreaterThan(200);
  });

  it('has no import circles (type-only imports included)', () => {
    expect(importCycles(EDGES).map((circle) => circle.join(' -> '))).toEqual([]);
  });

  it('points one way: each layer imports only the layers below it', () => {
    const wrong = EDGES.filter((edge) => {
      const from = layerOf(edge.from);
      const to = layerOf(edge.to);
      return from !== null && to !== null && !(LAYERS[from] ?? []).includes(to);
    });
    expect(wrong.map(describeEdge)).toEqual([]);
  });

  it('reaches the engine through engine/index.ts from outside engine/', () => {
    const inside = EDGES.filter((edge) => layerOf(edge.from) !== 'engine' && layerOf(edge.to) === 'engine');
    const around = inside.filter((edge) => {
      if (edge.to === ENGINE_ENTRY) return false;
      if (isTestCode(edge.from) && edge.to.startsWith('engine/test/')) return false; // test fixtures
      return !(describeEdge(edge) in DIRECT_ENGINE_IMPORTS);
    });
    expect(around.map(describeEdge)).toEqual([]);
    const used = new Set(inside.map(describeEdge));
    expect(Object.keys(DIRECT_ENGINE_IMPORTS).filter((allowed) => !used.has(allowed))).toEqual([]); // no stale exceptions
  });

  it('keeps engine/index.ts the entry of drivers only: engine modules do not import it', () => {
    const internal = EDGES.filter((edge) => layerOf(edge.from) === 'engine' && !isTestCode(edge.from) && edge.to === ENGINE_ENTRY);
    expect(internal.map(describeEdge)).toEqual([]);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lineOf } from './test/scenario-fixture.ts';
import { type ComposeRules, loadComposed } from './compose.ts';
import { InputError, type InputIssue } from './errors.ts';

const directory = mkdtempSync(join(tmpdir(), 'compose-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

const RULES: ComposeRules = { ownKeys: ['name'], nullIsValueUnder: [['opaque']] };

/** Writes `text` to `name` under the test folder; returns its path. */
function file(name: string, text: string): string {
  const path = join(directory, name);
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(path, text);
  return path;
}

function issuesOf(path: string): InputIssue[] {
  try {
    loadComposed(path, RULES);
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the files to be rejected');
}

const BASE = `name: base
seed: 7
horizon: { days: 30 }
fleet:
  gpus: 250
  cost: 250
  order: fifo
list: [1, 2, 3]
opaque:
  expiry: 60
  price: 400
`;

describe('merging a file over the file it extends', () => {
  const base = file('merge/base.yaml', BASE);

  it('merges mappings key by key: the base keys in their order, then new keys in the child order', () => {
    const child = file('merge/child.yaml', 'extends: base.yaml\nname: child\nfleet: { order: lifo, reserved: 0.1 }\nadded: true\n');
    const { data, files } = loadComposed(child, RULES);
    expect(files).toEqual([child, base]);
    expect(data).toEqual({ name: 'child', seed: 7, horizon: { days: 30 }, fleet: { gpus: 250, cost: 250, order: 'lifo', reserved: 0.1 }, list: [1, 2, 3], opaque: { expiry: 60, price: 400 }, added: true });
    expect(Object.keys(data as object)).toEqual(['seed', 'horizon', 'fleet', 'list', 'opaque', 'name', 'added']);
    expect(Object.keys((data as { fleet: object }).fleet)).toEqual(['gpus', 'cost', 'order', 'reserved']);
  });

  it('replaces the whole value with a scalar or a sequence (sequences are not merged item by item)', () => {
    const child = file('merge/replace.yaml', 'extends: base.yaml\nname: replace\nlist: [9]\nfleet: { gpus: [{ from: 1, gpus: 2 }] }\nhorizon: 5\n');
    const data = loadComposed(child, RULES).data as Record<string, unknown>;
    expect(data.list).toEqual([9]);
    expect(data.fleet).toEqual({ gpus: [{ from: 1, gpus: 2 }], cost: 250, order: 'fifo' });
    expect(data.horizon).toBe(5);
  });

  it('removes a key the child sets to null, except below a path where null is a value', () => {
    const text = 'extends: base.yaml\nname: removed\nhorizon: { days: null, months: 1 }\nseed: null\nopaque: { expiry: null }\nnew: { inner: null, kept: 1 }\n';
    const child = file('merge/null.yaml', text);
    const composed = loadComposed(child, RULES);
    const data = composed.data as Record<string, unknown>;
    expect('seed' in data).toBe(false);
    expect(data.horizon).toEqual({ months: 1 });
    expect(data.opaque).toEqual({ expiry: null, price: 400 });
    expect(data.new).toEqual({ kept: 1 });
    // A removed key is located where the child removed it.
    expect(composed.locate(['seed'], false)).toEqual({ file: child, line: lineOf(text, 'seed: null') });
    expect(composed.locate(['horizon', 'days'], false)).toEqual({ file: child, line: lineOf(text, 'days: null') });
  });

  it('keeps null in a file that extends nothing (the schema judges it)', () => {
    const root = file('merge/root-null.yaml', 'name: root\nseed: null\n');
    expect(loadComposed(root, RULES).data).toEqual({ name: 'root', seed: null });
  });

  it('never inherits the own keys; drops extends', () => {
    const child = file('merge/nameless.yaml', 'extends: base.yaml\nseed: 8\n');
    const data = loadComposed(child, RULES).data as Record<string, unknown>;
    expect('name' in data).toBe(false);
    expect('extends' in data).toBe(false);
    expect(data.seed).toBe(8);
  });

  it('refuses a __proto__ key at its line (it would vanish from the data or pollute a merge)', () => {
    const child = file('merge/proto.yaml', 'extends: base.yaml\nname: proto\nfleet: { __proto__: { polluted: true } }\n');
    expect(() => loadComposed(child, RULES)).toThrow(/proto\.yaml:3:10: the key "__proto__" is not allowed/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('locates each value in the file that wrote it', () => {
    const text = 'extends: base.yaml\nname: located\nfleet:\n  order: lifo\n';
    const child = file('merge/located.yaml', text);
    const { locate, fileOf } = loadComposed(child, RULES);
    expect(locate(['fleet', 'order'], false)).toEqual({ file: child, line: lineOf(text, 'order: lifo') });
    expect(locate(['fleet', 'cost'], false)).toEqual({ file: base, line: lineOf(BASE, 'cost: 250') });
    expect(locate(['list', 1], false)).toEqual({ file: base, line: lineOf(BASE, 'list:') });
    expect(locate(['fleet', 'missing'], false)).toEqual({ file: child, line: lineOf(text, 'fleet:') }); // nearest parent
    expect(locate(['seed'], true)).toEqual({ file: base, line: lineOf(BASE, 'seed: 7') });
    expect(fileOf(['opaque', 'price'])).toBe(base);
    expect(fileOf([])).toBe(child);
  });
});

describe('chains', () => {
  it('applies A over B over C, each path relative to the file that names it', () => {
    file('chain/deep/c.yaml', 'name: c\nfrom_c: 1\nshared: { c: 1, b: 1, a: 1 }\n');
    const bText = 'extends: deep/c.yaml\nname: b\nfrom_b: 2\nshared: { b: 2, a: 2 }\n';
    file('chain/b.yaml', bText);
    const aText = 'extends: ../chain/b.yaml\nname: a\nshared: { a: 3 }\n';
    const a = file('other/a.yaml', aText);
    const composed = loadComposed(a, RULES);
    expect(composed.files).toEqual([a, join(directory, 'other', '../chain/b.yaml'), join(directory, 'chain', 'deep/c.yaml')]);
    expect(composed.data).toEqual({ from_c: 1, shared: { c: 1, b: 2, a: 3 }, from_b: 2, name: 'a' });
    expect(composed.locate(['shared', 'b'], false)).toEqual({ file: composed.files[1], line: lineOf(bText, 'shared: { b: 2') });
    expect(composed.fileOf(['shared', 'c'])).toBe(composed.files[2]);
    expect(composed.fileOf(['shared', 'a'])).toBe(a);
  });
});

describe('broken extends', () => {
  it('reports a missing base at the extending file, its extends line and the path', () => {
    const text = '# a comment\nname: lost\nextends: nowhere.yaml\n';
    const lost = file('broken/lost.yaml', text);
    expect(issuesOf(lost)).toEqual([{ file: lost, line: 3, path: 'extends', message: `${join(directory, 'broken', 'nowhere.yaml')}: file not found` }]);
  });

  it('reports a cycle naming the files, at the extends that closes it', () => {
    const self = file('broken/self.yaml', 'name: self\nextends: self.yaml\n');
    expect(issuesOf(self)).toEqual([{ file: self, line: 2, path: 'extends', message: `cycle: ${self} -> ${self}` }]);
    const one = file('broken/one.yaml', 'extends: two.yaml\nname: one\n');
    const two = file('broken/two.yaml', 'name: two\nextends: ./one.yaml\n');
    const loop = [one, two, join(directory, 'broken', './one.yaml')].join(' -> ');
    expect(issuesOf(one)).toEqual([{ file: two, line: 2, path: 'extends', message: `cycle: ${loop}` }]);
  });

  it('rejects an extends that is not a path, and a base that is not a mapping', () => {
    const number = file('broken/number.yaml', 'name: number\nextends: 3\n');
    expect(issuesOf(number)).toMatchObject([{ file: number, line: 2, path: 'extends', message: expect.stringMatching(/expected the path of the base file/) }]);
    const list = file('broken/list.yaml', '- 1\n- 2\n');
    const onList = file('broken/on-list.yaml', 'name: x\nextends: list.yaml\n');
    expect(issuesOf(onList)).toEqual([{ file: list, line: 1, message: 'expected a YAML mapping (a file to extend)' }]);
  });

  it('reports a syntax error in a base against the base', () => {
    const bad = file('broken/bad-base.yaml', 'name: bad\nseed: [7\n');
    const child = file('broken/on-bad.yaml', 'extends: bad-base.yaml\nname: child\n');
    const issues = issuesOf(child);
    expect(issues.length).toBeGreaterThan(0);
    expect(issues.every((issue) => issue.file === bad && issue.message.startsWith('YAML syntax: '))).toBe(true);
  });
});

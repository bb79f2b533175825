import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { InputError, type InputIssue } from './errors.ts';
import { parseYaml } from './yaml-load.ts';

function issuesOf(text: string): InputIssue[] {
  try {
    parseYaml('f.yaml', text, z.unknown());
  } catch (error) {
    if (error instanceof InputError) return [...error.issues];
    throw error;
  }
  throw new Error('expected the text to be rejected');
}

describe('YAML that would exhaust memory or the stack, or hide a field', () => {
  it('refuses an alias bomb ("billion laughs") with one message at the first alias', () => {
    const rows = ['a: &a [x, x, x, x, x, x, x, x, x]'];
    for (let level = 1; level < 8; level += 1) {
      const name = String.fromCharCode(97 + level);
      const previous = String.fromCharCode(96 + level);
      rows.push(`${name}: &${name} [${Array(9).fill(`*${previous}`).join(', ')}]`);
    }
    expect(issuesOf(`${rows.join('\n')}\n`)).toEqual([
      { file: 'f.yaml', line: 2, column: 8, message: 'YAML aliases expand too much (more than 100 uses of anchors in one value); write the values out' },
    ]);
    // A few aliases are fine.
    expect(parseYaml('f.yaml', 'a: &a [1, 2]\nb: *a\nc: *a\n', z.unknown())).toEqual({ a: [1, 2], b: [1, 2], c: [1, 2] });
  });

  it('refuses nesting too deep to read, at its line', () => {
    const issues = issuesOf(`a: 1\nb: ${'['.repeat(5000)}${']'.repeat(5000)}\n`);
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ file: 'f.yaml', line: 2, message: 'YAML nested too deeply to read (a few hundred levels at most)' });
  });

  it('refuses a "__proto__" key, which would otherwise vanish from the data', () => {
    expect(issuesOf('plan_mix:\n  basic: 0.5\n  __proto__: 0.5\n')).toEqual([{ file: 'f.yaml', line: 3, column: 3, message: 'the key "__proto__" is not allowed' }]);
  });
});

import { describe, expect, it } from 'vitest';
import { formatIssue, formatIssues } from './errors.ts';

describe('formatIssue', () => {
  it('writes file:line:column: path: message', () => {
    expect(formatIssue({ file: 'a.yaml', line: 3, column: 7, path: 'fleet.gpus', message: 'too big' })).toBe('a.yaml:3:7: fleet.gpus: too big');
    expect(formatIssue({ file: 'a.yaml', message: 'file not found' })).toBe('a.yaml: file not found');
  });

  it('never echoes a huge value back whole', () => {
    const value = 'x'.repeat(10 * 1024 * 1024);
    const line = formatIssue({ file: 's.csv', line: 2, path: value, message: `unknown plan "${value}"` });
    expect(line.length).toBeLessThan(800);
    expect(line).toContain(`... (${value.length} characters in all)`);
    expect(line).toContain(`... (${value.length + 15} characters in all)`);
    expect(formatIssues([{ file: 'f', message: 'a' }, { file: 'f', message: 'b' }, { file: 'f', message: 'c' }], 2)).toBe('f: a\nf: b\n... and 1 more');
  });
});

/**
 * Reading an input file as text, with file-system errors turned into an InputError naming the
 * file (kept apart from the YAML reader so that readers of other formats load no YAML parser).
 */
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import { InputError, type InputIssue } from './errors.ts';

/** Reads a file as text, turning file-system errors into an InputError naming the file. */
export function readInputFile(file: string): string {
  try {
    const bytes = readFileSync(file);
    // Pure ASCII (the usual export) decodes the same as latin1, which is twice as fast as UTF-8.
    return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const message = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read (${code ?? 'error'})`;
    throw new InputError([{ file, message }]);
  }
}

/** `readInputFile` for a reader collecting problems: the text, or null after recording why it cannot be read. */
export function readInputText(file: string, issues: InputIssue[]): string | null {
  try {
    return readInputFile(file);
  } catch (error) {
    if (!(error instanceof InputError)) throw error;
    issues.push(...error.issues);
    return null;
  }
}

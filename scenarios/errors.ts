/**
 * Input errors as values users can act on. Every reader collects all the problems it finds as
 * `InputIssue`s (file, line, field path, what is wrong) and throws them together as one
 * `InputError`; the command lines (cli/command.ts) print them as `file:line: path: message`, one
 * per line, and exit 2 without a stack trace.
 */

export interface InputIssue {
  readonly file: string;
  /** 1-based line, when the problem has one. */
  readonly line?: number | undefined;
  readonly column?: number | undefined;
  /** The field, e.g. `plans.pro.fast_seconds` or `started_at`. */
  readonly path?: string | undefined;
  readonly message: string;
}

/** Bad input: one or more issues, all reported at once. Exit code 2. */
export class InputError extends Error {
  readonly issues: readonly InputIssue[];

  constructor(issues: readonly InputIssue[]) {
    super(formatIssues(issues));
    this.name = 'InputError';
    this.issues = issues;
  }
}

/** The longest path or message printed whole: an input's 10 MB value is not echoed back. */
const LONGEST_SHOWN = 300;

function cut(text: string): string {
  return text.length <= LONGEST_SHOWN ? text : `${text.slice(0, LONGEST_SHOWN)}... (${text.length} characters in all)`;
}

/** Formats one issue as `file:line:column: path: message` (a very long path or message cut). */
export function formatIssue(issue: InputIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const path = issue.path ? `${cut(issue.path)}: ` : '';
  return `${where}: ${path}${cut(issue.message)}`;
}

/** Formats issues one per line, ordered as given. */
export function formatIssues(issues: readonly InputIssue[], limit = Number.POSITIVE_INFINITY): string {
  const shown = issues.slice(0, limit).map(formatIssue);
  if (issues.length > limit) shown.push(`... and ${issues.length - limit} more`);
  return shown.join('\n');
}

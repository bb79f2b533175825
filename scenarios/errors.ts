/**
 * Input errors as values users can act on, and the one place command lines turn them into output.
 *
 * Every reader collects all the problems it finds as `InputIssue`s (file, line, field path, what is
 * wrong) and throws them together as one `InputError`. `runCli` prints them as
 * `file:line: path: message`, one per line, and exits 2 without a stack trace. Anything else is a
 * bug: it prints `internal error: <message>` (the stack only with GBL_DEBUG=1) and exits 1.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';

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

/** Bad command-line flags or arguments; the message includes the usage. Exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** Parses command-line flags; a flag parseArgs rejects becomes a UsageError followed by `usage`. */
export function parseFlags<Config extends ParseArgsConfig>(config: Config, usage: string): ReturnType<typeof parseArgs<Config>> {
  try {
    return parseArgs(config);
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${usage}`);
  }
}

/** Formats one issue as `file:line:column: path: message`. */
export function formatIssue(issue: InputIssue): string {
  let where = issue.file;
  if (issue.line !== undefined) where += `:${issue.line}`;
  if (issue.line !== undefined && issue.column !== undefined) where += `:${issue.column}`;
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where}: ${path}${issue.message}`;
}

/** Formats issues one per line, ordered as given. */
export function formatIssues(issues: readonly InputIssue[], limit = Number.POSITIVE_INFINITY): string {
  const shown = issues.slice(0, limit).map(formatIssue);
  if (issues.length > limit) shown.push(`... and ${issues.length - limit} more`);
  return shown.join('\n');
}

/** Lines of issues to print before summarising the rest. */
export const MAX_PRINTED_ISSUES = 50;

/**
 * Runs a command's main function and exits with its code. InputError and UsageError print their
 * message to stderr and exit 2; other errors are bugs and exit 1.
 */
export async function runCli(main: (argv: string[]) => Promise<number> | number): Promise<void> {
  let code: number;
  try {
    code = await main(process.argv.slice(2));
  } catch (error) {
    if (error instanceof InputError) {
      const count = error.issues.length;
      process.stderr.write(`error: ${count} problem${count === 1 ? '' : 's'} in the input\n${formatIssues(error.issues, MAX_PRINTED_ISSUES)}\n`);
      code = 2;
    } else if (error instanceof UsageError) {
      process.stderr.write(`error: ${error.message}\n`);
      code = 2;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      process.stderr.write(`internal error: ${message}\n`);
      if (process.env.GBL_DEBUG === '1' && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
      else process.stderr.write('(set GBL_DEBUG=1 for the stack trace; please report this)\n');
      code = 1;
    }
  }
  process.exitCode = code;
}

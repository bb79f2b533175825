/**
 * What every command line shares: flags parsed into a clear usage error, and the one place where
 * errors become output and an exit code. `runCli` prints an InputError's issues as
 * `file:line: path: message`, one per line, and a UsageError's message with the usage, both with
 * exit code 2 and no stack trace. Anything else is a bug: it prints `internal error: <message>`
 * (the stack only with GBL_DEBUG=1) and exits 1.
 */
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InputError, formatIssues } from '../scenarios/errors.ts';
import { RunFolderError } from '../reports/errors.ts'; // not index.ts: that loads vega for every command

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

/** Lines of issues to print before summarising the rest. */
export const MAX_PRINTED_ISSUES = 50;

/** A flag's whole number (at least `min`), or null when not given; anything else is a UsageError followed by `usage`. */
export function wholeNumberFlag(flag: string, text: string | undefined, min: number, usage: string): number | null {
  if (text === undefined) return null;
  if (!/^-?\d+$/.test(text) || Number(text) < min || !Number.isSafeInteger(Number(text))) {
    throw new UsageError(`--${flag} must be a whole number >= ${min}, got "${text}"\n\n${usage}`);
  }
  return Number(text);
}

/** A `--port` flag: a whole number in 0..65535 (0: any free port); anything else is a UsageError followed by `usage`. */
export function portFlag(text: string, usage: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535) throw new UsageError(`--port must be a whole number in 0..65535\n\n${usage}`);
  return port;
}

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
    } else if (error instanceof RunFolderError) {
      process.stderr.write(`error: ${error.message}\n`);
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

/**
 * What goes wrong reading a run folder: a missing or malformed file, each problem with the file
 * (relative to the run folder), its 1-based line when one applies, and what was wrong. All the
 * problems found are collected and thrown as one RunFolderError, so a caller can print them at
 * once and exit 2 (a user's folder, not a bug).
 */

export interface RunFolderIssue {
  /** File name relative to the run folder, e.g. `customers-r1.csv`. */
  readonly file: string;
  /** 1-based line, or null when the problem is the file as a whole (missing, unreadable). */
  readonly line: number | null;
  readonly message: string;
}

/** At most this many issues are kept per file: a wholly wrong file would otherwise print 40,000. */
export const MAX_ISSUES_PER_FILE = 20;

export function describeIssue(issue: RunFolderIssue): string {
  return issue.line === null ? `${issue.file}: ${issue.message}` : `${issue.file} line ${issue.line}: ${issue.message}`;
}

export class RunFolderError extends Error {
  override readonly name = 'RunFolderError';
  readonly issues: readonly RunFolderIssue[];

  constructor(runDir: string, issues: readonly RunFolderIssue[]) {
    if (issues.length === 0) throw new Error('RunFolderError needs at least one issue');
    super(`cannot read run folder ${runDir}:\n${issues.map((issue) => `  ${describeIssue(issue)}`).join('\n')}`);
    this.issues = issues;
  }

  /** The first problem's file and line (the rest are in `issues`). */
  get file(): string {
    return this.issues[0]!.file;
  }

  get line(): number | null {
    return this.issues[0]!.line;
  }
}

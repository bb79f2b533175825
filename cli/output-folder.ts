/**
 * An output folder written whole or not at all. A run writes into a staging folder beside the
 * target (`.<name>.partial-<pid>`) and swaps it in when everything is written, so a crash, a kill
 * or an error mid-run leaves the previous outputs whole, and files of an earlier run that this run
 * did not write (last week's jobs.csv) never sit beside today's summary: the folder holds one run.
 *
 * The target is checked before any work starts: it must be a new folder, an empty one, or one
 * holding only files a run writes (so that `--out scenarios/` cannot replace the scenarios), and
 * no input may lie inside it. Staging folders left by a killed run are removed by the next run.
 */
import { existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from './command.ts';

/** Which files a run writes into the folder (anything else there means it is not a run's folder). */
export type OwnedName = (name: string) => boolean;

/** Whether `path` is `folder` or lies inside it. */
export function isInside(path: string, folder: string): boolean {
  const inside = relative(resolve(folder), resolve(path));
  return inside === '' || (!inside.startsWith('..') && !isAbsolute(inside));
}

function problemWith(target: string, flag: string, owned: OwnedName, inputs: readonly string[]): string | null {
  if (target.trim() === '') return `${flag} is empty`;
  const absolute = resolve(target);
  for (let ancestor = dirname(absolute); ; ancestor = dirname(ancestor)) {
    if (existsSync(ancestor) && !statSync(ancestor).isDirectory()) return `${flag} ${target}: ${ancestor} is a file, not a folder`;
    if (dirname(ancestor) === ancestor) break;
  }
  for (const input of inputs) {
    if (isInside(input, absolute)) return `${flag} ${target} holds the input ${input}: the run would replace it`;
  }
  if (!existsSync(absolute)) return null;
  if (!statSync(absolute).isDirectory()) return `${flag} ${target} is a file, not a folder`;
  const foreign = readdirSync(absolute).filter((name) => !owned(name));
  if (foreign.length > 0) {
    const shown = foreign.slice(0, 5).join(', ') + (foreign.length > 5 ? `, ... (${foreign.length} in all)` : '');
    return `${flag} ${target} holds files a run did not write (${shown}): give a new or empty folder`;
  }
  return null;
}

export class OutputFolder {
  /** Where the run writes; becomes the target on `commit`. */
  readonly staging: string;
  private readonly target: string;
  private done = false;

  /** Checks the target (a UsageError when it will not do) and makes a fresh staging folder beside it. */
  constructor(target: string, flag: string, owned: OwnedName, inputs: readonly string[]) {
    const problem = problemWith(target, flag, owned, inputs);
    if (problem !== null) throw new UsageError(problem);
    this.target = resolve(target);
    const parent = dirname(this.target);
    const prefix = `.${basename(this.target)}.`;
    this.staging = join(parent, `${prefix}partial-${process.pid}`);
    try {
      mkdirSync(parent, { recursive: true });
      for (const name of readdirSync(parent)) {
        if (name.startsWith(`${prefix}partial-`) || name.startsWith(`${prefix}old-`)) rmSync(join(parent, name), { recursive: true, force: true });
      }
      mkdirSync(this.staging);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'error';
      throw new UsageError(`${flag} ${target}: cannot write in ${parent} (${code})`);
    }
  }

  /** Swaps the staging folder in for the target (the previous outputs go). */
  commit(): void {
    if (this.done) return;
    this.done = true;
    const previous = join(dirname(this.target), `.${basename(this.target)}.old-${process.pid}`);
    const hadPrevious = existsSync(this.target);
    if (hadPrevious) renameSync(this.target, previous);
    renameSync(this.staging, this.target);
    if (hadPrevious) rmSync(previous, { recursive: true, force: true });
  }

  /** Removes the staging folder (the target is untouched). */
  abandon(): void {
    if (this.done) return;
    this.done = true;
    rmSync(this.staging, { recursive: true, force: true });
  }
}

/**
 * Runs `work` with the folders staged; commits them all if it succeeds, else abandons them. A
 * killed run (Ctrl-C, SIGKILL) leaves its staging folder, which the next run into the same target
 * removes: no signal handler here, since one would keep a run busy in a long synchronous
 * simulation from stopping at Ctrl-C.
 */
export async function withOutputFolders<T>(folders: readonly OutputFolder[], work: () => Promise<T> | T): Promise<T> {
  try {
    const result = await work();
    for (const folder of folders) folder.commit();
    return result;
  } finally {
    for (const folder of folders) folder.abandon();
  }
}

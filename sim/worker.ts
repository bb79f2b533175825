/**
 * Worker thread entry: runs the replications it is sent, one at a time, and posts back each
 * report (and progress). The main thread decides which replication runs where; results are
 * merged by replication number, so the worker count never changes an output.
 */
import { parentPort } from 'node:worker_threads';
import { type ReplicationTask, runReplication } from './run-replication.ts';
import type { RunProgress } from './run-outcome.ts';

/** A task as posted to a worker: `index` names it in the replies (tasks of a sweep share replication numbers). */
export interface WorkerTask {
  readonly index: number;
  readonly task: ReplicationTask;
}

export type WorkerReply =
  | { readonly kind: 'progress'; readonly index: number; readonly progress: RunProgress }
  | { readonly kind: 'report'; readonly index: number; readonly report: ReturnType<typeof runReplication> }
  | { readonly kind: 'error'; readonly index: number; readonly message: string; readonly stack: string | undefined };

const port = parentPort;
if (port === null) throw new Error('sim/worker.ts must run in a worker thread');

port.on('message', ({ index, task }: WorkerTask) => {
  try {
    const report = runReplication(task, (progress) => port.postMessage({ kind: 'progress', index, progress } satisfies WorkerReply));
    port.postMessage({ kind: 'report', index, report } satisfies WorkerReply);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ kind: 'error', index, message: failure.message, stack: failure.stack } satisfies WorkerReply);
  }
});

/**
 * Worker thread entry: runs the replications it is sent, one at a time, and posts back each
 * report (and progress). The main thread decides which replication runs where; results are
 * merged by replication number, so the worker count never changes an output.
 */
import { parentPort } from 'node:worker_threads';
import { type ReplicationTask, runReplication } from './run-replication.ts';
import type { RunProgress } from './run-outcome.ts';

export type WorkerReply =
  | { readonly kind: 'progress'; readonly replication: number; readonly progress: RunProgress }
  | { readonly kind: 'report'; readonly replication: number; readonly report: ReturnType<typeof runReplication> }
  | { readonly kind: 'error'; readonly replication: number; readonly message: string; readonly stack: string | undefined };

const port = parentPort;
if (port === null) throw new Error('sim/worker.ts must run in a worker thread');

port.on('message', (task: ReplicationTask) => {
  try {
    const report = runReplication(task, (progress) => port.postMessage({ kind: 'progress', replication: task.replication, progress } satisfies WorkerReply));
    port.postMessage({ kind: 'report', replication: task.replication, report } satisfies WorkerReply);
  } catch (error) {
    const failure = error instanceof Error ? error : new Error(String(error));
    port.postMessage({ kind: 'error', replication: task.replication, message: failure.message, stack: failure.stack } satisfies WorkerReply);
  }
});

/**
 * Replications on worker threads: `workers` threads take the tasks in order, one at a time each,
 * and report progress and results by task index. Results come back in task order whatever thread
 * ran them, so the worker count never changes an output. The first failure stops the pool.
 */
import { Worker } from 'node:worker_threads';
import type { RunReport } from '../sim/report.ts';
import type { RunProgress } from '../sim/run-outcome.ts';
import type { ReplicationTask } from '../sim/run-replication.ts';
import type { WorkerReply, WorkerTask } from '../sim/worker.ts';

export function runInWorkers(
  tasks: readonly ReplicationTask[],
  workers: number,
  onProgress: (index: number, progress: RunProgress) => void,
  /** Told each result and how long its thread was busy with it (post to report, ms). */
  onReport: (index: number, report: RunReport, busyMs: number) => void = () => {},
): Promise<RunReport[]> {
  const reports: RunReport[] = new Array(tasks.length);
  const postedAt = new Float64Array(tasks.length);
  let next = 0;
  let failed = false;
  return new Promise((resolve, reject) => {
    let running = 0;
    const fail = (error: Error) => {
      failed = true;
      reject(error);
    };
    const startWorker = () => {
      const worker = new Worker(new URL('../sim/worker-bootstrap.mjs', import.meta.url));
      running += 1;
      const feed = () => {
        if (next >= tasks.length || failed) {
          void worker.terminate();
          return;
        }
        const index = next++;
        postedAt[index] = performance.now();
        worker.postMessage({ index, task: tasks[index]! } satisfies WorkerTask);
      };
      worker.on('message', (reply: WorkerReply) => {
        if (reply.kind === 'progress') onProgress(reply.index, reply.progress);
        else if (reply.kind === 'report') {
          reports[reply.index] = reply.report;
          try {
            onReport(reply.index, reply.report, performance.now() - postedAt[reply.index]!);
          } catch (error) {
            fail(error instanceof Error ? error : new Error(String(error)));
            void worker.terminate();
            return;
          }
          feed();
        } else {
          const error = new Error(`replication ${tasks[reply.index]!.replication}: ${reply.message}`);
          error.stack = reply.stack;
          fail(error);
          void worker.terminate();
        }
      });
      worker.on('error', fail);
      worker.on('exit', () => {
        running -= 1;
        if (running === 0 && !failed) resolve(reports);
      });
      feed();
    };
    for (let index = 0; index < Math.max(1, workers); index += 1) startWorker();
  });
}

// Worker threads start without the main thread's TypeScript loader: register tsx, then load the
// worker module written in TypeScript (workerData.entry, or the replication worker by default).
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData?.entry ?? './worker.ts');

// Worker threads start without the main thread's TypeScript loader. tsx's require hook (in this
// thread, unlike its ESM loader, which starts a loader thread per worker: twice the start-up) loads
// the worker module, workerData.entry (a file path). A failure to load is reported like any worker
// failure: a message on workerData.port and signal[1] = 1, so a main thread blocked in
// Atomics.wait wakes up.
const { workerData } = require('node:worker_threads');

try {
  require('tsx/cjs/api').register();
  require(workerData.entry);
} catch (error) {
  workerData.port.postMessage({ kind: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  const signal = new Int32Array(workerData.signal);
  Atomics.store(signal, 1, 1);
  Atomics.notify(signal, 0);
}

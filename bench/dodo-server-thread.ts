/**
 * The Dodo-compatible test server in a worker thread, for the outbox benchmark: the server gets a
 * core of its own instead of sharing the sender's event loop. Messages: it posts
 * `{url, apiKey}` once listening; answers `'count'` with the number of events it holds; `'close'`
 * stops it.
 */
import { parentPort } from 'node:worker_threads';
import { startDodoServer } from '../live/dodo-sandbox/server.ts';

const server = await startDodoServer();
parentPort!.postMessage({ url: server.url, apiKey: server.apiKey });
parentPort!.on('message', (message: string) => {
  if (message === 'count') parentPort!.postMessage({ count: server.state.events.size });
  if (message === 'close') void server.close().then(() => parentPort!.close());
});

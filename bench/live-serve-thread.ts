/**
 * For the routing benchmark: the Dodo test server and a full `live serve` stack (service, API,
 * outbox sender, executor) in a worker thread, so the load generator in the main thread does not
 * share their event loop. `workerData.customers` subscribed customers are made (Standard,
 * monthly); the executor has one GPU slot held by one long job, so admitted jobs wait in its
 * queue rather than spawning thousands of processes. Posts `{port, keys}`; answers `'decisions'`
 * with the routing decisions' durations the service recorded; `'close'` stops all.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { dodoClient } from '../live/dodo-client.ts';
import { loadExecutorConfig } from '../live/executor-config.ts';
import { LiveApi } from '../live/http-api.ts';
import { provision } from '../live/provision.ts';
import { OutboxSender } from '../live/sender.ts';
import { LiveService } from '../live/service.ts';
import { openDatabase } from '../live/store/database.ts';
import { startDodoServer } from '../live/dodo-sandbox/server.ts';

const { customers, databaseUrl } = workerData as { customers: number; databaseUrl: string | null };
const { spec, catalog } = loadCatalog('scenarios/catalogs/midjourney.yaml');
const server = await startDodoServer();
const dodo = dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url });
const ids = (await provision(dodo, spec, catalog.meter)).ids;
const dataDir = mkdtempSync(join(tmpdir(), 'gbl-route-bench-'));
const long = { argv: ['{node}', '-e', 'setTimeout(() => {}, 3600000)'], timeout_seconds: 3600, gpu_slots: 1, params: {} };
writeFileSync(join(dataDir, 'executor.yaml'), JSON.stringify({ gpu_slots: 1, job_types: Object.fromEntries([...catalog.jobTypes.keys()].map((id) => [id, long])) }));
const db = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir: join(dataDir, 'db') }); // PGlite in a data folder, as `live serve` runs by default
const sender = new OutboxSender({ db, client: dodo });
const service = new LiveService({ catalog, db, dodo, ids, dataDir, executor: loadExecutorConfig(join(dataDir, 'executor.yaml'), catalog), sender, webhookKey: server.webhookSecret, adminToken: 'bench-admin' });
await service.start();
const keys: string[] = [];
for (let index = 0; index < customers; index += 1) {
  const made = await service.createCustomer(`c${index}@example.com`, `C${index}`);
  await service.engine.exclusive(() => service.engine.apply({ kind: 'subscribe', customerId: made.customer_id, planId: 'standard', interval: 'month' }, Date.now(), async () => {}).committed);
  keys.push(made.api_key);
}
const api = new LiveApi(service, 'basic');
const port = await api.listen(0);
parentPort!.postMessage({ port, keys, kind: db.kind });
parentPort!.on('message', (message: string) => {
  if (message === 'decisions') parentPort!.postMessage({ decisions: service.decisionTimesMs() });
  if (message !== 'close') return;
  void (async () => {
    await api.close();
    await service.stop();
    await db.close();
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    parentPort!.close();
  })();
});

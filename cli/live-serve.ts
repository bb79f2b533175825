/**
 * `npx tsx live serve`: the live adapter's HTTP API, executor and Dodo sync in one process.
 * Prints `{"port":N}` as its first stdout line once listening, then one line per notable event
 * on stderr (outbox problems, Dodo refusals). Stops cleanly on SIGINT / SIGTERM.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { DEFAULT_EXECUTOR_CONFIG, loadExecutorConfig } from '../live/executor-config.ts';
import { LiveApi } from '../live/http-api.ts';
import { gpuPresent } from '../live/gpu-accounting.ts';
import { readIdMap } from '../live/id-map.ts';
import { OutboxSender } from '../live/sender.ts';
import { LiveService } from '../live/service.ts';
import { type Database, DatabaseInUse, openDatabase } from '../live/store/database.ts';
import { BlueprintMissing, type UsageSink, blueprintSink, sdkSink } from '../live/usage-sink.ts';
import { UsageError, parseFlags, portFlag } from './command.ts';
import { liveDodo } from './live-dodo-errors.ts';

export const SERVE_USAGE = `Usage: npx tsx live serve --catalog C.yaml [--port N] [--host H] [--data DIR] [--executor E.yaml] [--dodo-base-url URL] [--sink sdk|blueprint]

Serves the live API (loopback by default): POST /v1/customers, POST /v1/checkout, POST /v1/jobs,
GET /v1/jobs/:id, GET /v1/usage, POST /webhooks/dodo. Runs jobs with the executor's commands and
ships Fast usage to Dodo through the outbox. The first stdout line is {"port":N}.
  --catalog C.yaml        plan catalog (run \`live provision\` with it first)
  --port N                port (default 8787; 0 picks a free one)
  --host H                address to listen on (default 127.0.0.1)
  --data DIR              data folder: id mapping, embedded database (DIR/db), job outputs (default .live)
  --executor E.yaml       job commands (default live/executor.yaml: sharp image jobs, no GPU needed)
  --dodo-base-url URL     Dodo API base URL (default DODO_PAYMENTS_BASE_URL, else test mode)
  --sink sdk|blueprint    how usage is sent: sdk (default: usageEvents.ingest, batches, the
                          engine's event ids) or blueprint (Dodo's Time Range ingestion blueprint,
                          GPL-3.0, installed by you: one request per event, random event ids, so
                          resends are not de-duplicated)
Env: DODO_PAYMENTS_API_KEY and DODO_PAYMENTS_WEBHOOK_KEY (required), LIVE_ADMIN_TOKEN (acts for
any customer; creating customers needs it), DATABASE_URL (PostgreSQL instead of the embedded one),
DODO_PAYMENTS_BASE_URL, DODO_PAYMENTS_ENVIRONMENT, LIVE_NVIDIA_SMI (nvidia-smi's path).
Exit codes: 0 stopped, 1 stopped because the data folder's lock was lost, 2 bad flags, catalog,
executor config or settings, or the data folder in use by another process.`;

export async function serveMain(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(
    {
      args: argv,
      options: {
        catalog: { type: 'string' },
        port: { type: 'string', default: '8787' },
        host: { type: 'string', default: '127.0.0.1' },
        data: { type: 'string', default: '.live' },
        executor: { type: 'string' },
        'dodo-base-url': { type: 'string' },
        sink: { type: 'string', default: 'sdk' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: true,
    },
    SERVE_USAGE,
  );
  if (values.help) {
    process.stdout.write(`${SERVE_USAGE}\n`);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"\n\n${SERVE_USAGE}`);
  if (values.catalog === undefined) throw new UsageError(`--catalog is required\n\n${SERVE_USAGE}`);
  const port = portFlag(values.port, SERVE_USAGE);
  if (values.sink !== 'sdk' && values.sink !== 'blueprint') throw new UsageError(`--sink must be sdk or blueprint\n\n${SERVE_USAGE}`);
  const { catalog } = loadCatalog(values.catalog);
  const executor = loadExecutorConfig(values.executor ?? fileURLToPath(DEFAULT_EXECUTOR_CONFIG), catalog);
  const webhookKey = process.env.DODO_PAYMENTS_WEBHOOK_KEY;
  if (!webhookKey) throw new UsageError('DODO_PAYMENTS_WEBHOOK_KEY is not set (the whsec_ secret of the Dodo webhook endpoint)');
  const ids = readIdMap(values.data);
  if (ids === null) throw new UsageError(`no id mapping in ${values.data}: run \`npx tsx live provision --catalog ${values.catalog} --data ${values.data}\` first`);
  const { dodo, baseUrl } = liveDodo(values['dodo-base-url']);
  let sink: UsageSink = sdkSink(dodo);
  if (values.sink === 'blueprint') {
    try {
      sink = await blueprintSink({
        apiKey: process.env.DODO_PAYMENTS_API_KEY!,
        eventName: catalog.meterEventName,
        environment: process.env.DODO_PAYMENTS_ENVIRONMENT === 'live_mode' ? 'live_mode' : 'test_mode',
        baseURL: values['dodo-base-url'] ?? (process.env.DODO_PAYMENTS_BASE_URL || null),
      });
    } catch (error) {
      if (error instanceof BlueprintMissing) throw new UsageError(error.message);
      throw error;
    }
  }
  const log = (line: string): void => void process.stderr.write(`${new Date().toISOString()} ${line}\n`);
  const databaseUrl = process.env.DATABASE_URL || null;
  if (databaseUrl === null && existsSync(values.data) && !existsSync(join(values.data, 'db'))) log(`creating the embedded database in ${join(values.data, 'db')}`);
  let stop: (() => void) | null = null;
  let lockLost = false;
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  const onLockLost = (error: Error): void => {
    lockLost = true;
    log(`live serve: lost the lock on ${join(values.data, 'db')} (${error.message}); stopping before another process's writes and ours mix`);
    stop?.();
  };
  let db: Database;
  try {
    db = await openDatabase({ url: databaseUrl, dataDir: join(values.data, 'db'), onLockLost });
  } catch (error) {
    if (error instanceof DatabaseInUse) throw new UsageError(error.message);
    throw error;
  }
  const sender = new OutboxSender({ db, sink, log });
  const nvidiaSmi = process.env.LIVE_NVIDIA_SMI || 'nvidia-smi';
  const onGpu = await gpuPresent(nvidiaSmi);
  log(onGpu ? `NVIDIA GPU found: job types with gpu_argv run it, billed by nvidia-smi accounting` : 'no NVIDIA GPU: GPU time billed = wall time of each job process');
  const service = new LiveService({ catalog, db, dodo, ids, dataDir: values.data, executor, sender, webhookKey, adminToken: process.env.LIVE_ADMIN_TOKEN || null, nvidiaSmi: onGpu ? nvidiaSmi : null });
  await service.start();
  const cheapest = [...catalog.planList].sort((a, b) => a.monthlyPriceCents - b.monthlyPriceCents)[0]!.id;
  const api = new LiveApi(service, cheapest, log);
  let listening: number;
  try {
    listening = await api.listen(port, values.host);
  } catch (error) {
    await service.stop();
    await db.close();
    throw new UsageError(`cannot listen on ${values.host}:${port}: ${(error as Error).message}`);
  }
  process.stdout.write(`${JSON.stringify({ port: listening })}\n`);
  log(`live serve: http://${values.host}:${listening} (${db.kind}${databaseUrl === null ? ` in ${join(values.data, 'db')}` : ''}; Dodo at ${baseUrl})`);
  await stopped;
  log('live serve: stopping');
  await api.close();
  await service.stop();
  await db.close();
  return lockLost ? 1 : 0;
}

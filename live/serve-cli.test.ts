// `live serve` as a process on a fresh data folder (embedded PGlite, the shipped sharp job
// commands): {"port":N} first, a paid subscription by webhook, a real image job, its usage at the
// Dodo test server, a clean stop; and bad settings refused with exit 2.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { dodoClient } from './dodo-client.ts';
import { writeIdMap } from './id-map.ts';
import { provision } from './provision.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';

const CATALOG = 'scenarios/catalogs/midjourney.yaml';
const ADMIN = 'serve-admin-token';
let server: DodoTestServer;
let child: ChildProcess;
let dataDir = '';

beforeAll(async () => {
  server = await startDodoServer();
  dataDir = mkdtempSync(join(tmpdir(), 'gbl-serve-'));
  const { spec, catalog } = loadCatalog(CATALOG);
  writeIdMap(dataDir, (await provision(dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url }), spec, catalog.meter)).ids);
});
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  await server.close();
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _unused, ...rest } = process.env;
  return { ...rest, DODO_PAYMENTS_API_KEY: server.apiKey, DODO_PAYMENTS_WEBHOOK_KEY: server.webhookSecret, LIVE_ADMIN_TOKEN: ADMIN, ...extra };
}

describe('live serve', () => {
  it('refuses bad flags and missing settings with exit 2 and no secret in the message', async () => {
    const run = (args: string[], extra: Record<string, string> = {}) =>
      promisify(execFile)('npx', ['tsx', 'live', 'serve', ...args], { env: { ...env(), ...extra } }).then(
        () => ({ code: 0, stderr: '' }),
        (failed: { code: number; stderr: string }) => failed,
      );
    const badPort = await run(['--catalog', CATALOG, '--port', 'x', '--data', dataDir]);
    expect(badPort.code).toBe(2);
    expect(badPort.stderr).toContain('--port must be');
    const noMap = await run(['--catalog', CATALOG, '--port', '0', '--data', join(dataDir, 'nothing')]);
    expect(noMap.code).toBe(2);
    expect(noMap.stderr).toContain('live provision');
    expect(noMap.stderr).not.toContain(server.webhookSecret);
    const blueprint = await run(['--catalog', CATALOG, '--port', '0', '--data', dataDir, '--sink', 'blueprint']);
    expect(blueprint.code).toBe(2);
    expect(blueprint.stderr).toContain('npm install @dodopayments/ingestion-blueprints');
  });

  it('serves on a fresh data folder: a subscription by webhook, a real image job billed to Dodo, a clean stop', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'live.ts', 'serve', '--catalog', CATALOG, '--port', '0', '--data', dataDir, '--dodo-base-url', server.url], { env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const first = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout! }).once('line', resolve);
      child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
    });
    expect(first).toMatch(/^\{"port":\d+\}$/);
    const base = `http://127.0.0.1:${JSON.parse(first).port}`;
    server.webhookUrl = `${base}/webhooks/dodo`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await response.json()) as Record<string, any>;
    };
    const customer = await call('POST', '/v1/customers', ADMIN, { email: 'cy@example.com', name: 'Cy' });
    const checkout = await call('POST', '/v1/checkout', customer.api_key, { plan: 'standard', interval: 'month' });
    await server.completeCheckout(checkout.session_id);
    const job = await call('POST', '/v1/jobs', customer.api_key, { job_type: 'image_grid', mode: 'fast', params: { width: 64 } });
    expect(job).toMatchObject({ mode: 'fast', reason: 'fast_balance', start: 'now' });
    let view: Record<string, any> = {};
    for (let attempt = 0; attempt < 300 && !['succeeded', 'failed'].includes(view.status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await call('GET', `/v1/jobs/${job.job_id}`, customer.api_key);
    }
    expect(view).toMatchObject({ status: 'succeeded', usage_event_id: `${job.job_id}:gpu` });
    expect(readFileSync(view.output).subarray(1, 4).toString()).toBe('PNG');
    const image = await fetch(`${base}${view.output_url}`, { headers: { authorization: `Bearer ${customer.api_key}` } });
    expect(image.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await image.arrayBuffer()).equals(readFileSync(view.output))).toBe(true);
    expect((await fetch(`${base}${view.output_url}`, { headers: { authorization: 'Bearer nobody' } })).status).toBe(401);
    const meterId = [...server.state.meters.keys()][0]!;
    for (let attempt = 0; attempt < 100 && server.usageMicro(meterId, customer.customer_id) === 0; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 50));
    expect(server.usageMicro(meterId, customer.customer_id)).toBe(Math.round(view.charged_seconds * 1_000_000));
    const usage = await call('GET', '/v1/usage', customer.api_key);
    expect(usage).toMatchObject({ plan: 'standard', fast_seconds: view.charged_seconds, balance_seconds: 54000 - view.charged_seconds });
    expect(await call('GET', '/v1/outbox', ADMIN)).toEqual({ counts: { pending: 0, sent: 1, expired: 0, rejected: 0 }, stuck: [], unbilled: [] });
    expect(await call('GET', '/v1/outbox', customer.api_key)).toEqual({ error: 'the outbox needs the admin token' });
    const window = `from=${new Date(Date.now() - 600_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const reconciled = await call('GET', `/v1/reconcile?${window}`, ADMIN);
    expect(reconciled).toMatchObject({ final: false, unexplained_total: 0, customers: [{ customer_id: customer.customer_id, local_events: 1, dodo_events: 1, classes: { matched: 1 } }] });
    expect(reconciled.customers[0].local_ms).toBe(Math.round(view.charged_seconds * 1000));
    expect(await call('GET', `/v1/reconcile?${window}`, customer.api_key)).toEqual({ error: 'reconciliation needs the admin token' });
    expect(await call('GET', '/v1/reconcile?from=soon', ADMIN)).toEqual({ error: 'from must be an ISO-8601 instant, got "soon"' });

    // The embedded database is this process's: another command on the folder is refused, not let in to lose rows.
    const other = (args: string[]) =>
      promisify(execFile)('npx', ['tsx', 'live', ...args], { env: env() }).then(
        (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
    const outboxWhileServing = await other(['outbox', '--data', dataDir]);
    expect(outboxWhileServing.code).toBe(2);
    expect(outboxWhileServing.stderr).toContain(`the live database in ${join(dataDir, 'db')} is in use by another process`);
    expect(outboxWhileServing.stderr).toContain('/v1/outbox');
    const secondServe = await other(['serve', '--catalog', CATALOG, '--port', '0', '--data', dataDir, '--dodo-base-url', server.url]);
    expect(secondServe.code).toBe(2);
    expect(secondServe.stderr).toContain('is in use by another process');
    expect(secondServe.stderr).not.toMatch(/\n\s+at /); // no stack trace

    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(stderr).not.toContain(server.apiKey);
    const outboxAfter = await other(['outbox', '--data', dataDir]);
    expect(outboxAfter).toMatchObject({ code: 0, stdout: 'pending 0, sent 1, expired 0, rejected 0\n' });

    // Reconciled from the command line once serve is stopped; an event altered at Dodo is exit 3.
    const fromTo = ['--from', new Date(Date.now() - 600_000).toISOString(), '--to', new Date(Date.now() + 60_000).toISOString()];
    const reconcileCli = await other(['reconcile', '--data', dataDir, '--dodo-base-url', server.url, ...fromTo]);
    expect(reconcileCli.code).toBe(0);
    expect(reconcileCli.stdout).toContain(`${customer.customer_id}  local 1 ev ${view.charged_seconds} s  dodo 1 ev ${view.charged_seconds} s  matched 1`);
    const billed = server.state.events.get(`${job.job_id}:gpu`)!;
    server.state.events.set(billed.event_id, { ...billed, metadata: { ...billed.metadata, gpu_seconds: 1000 } });
    const altered = await other(['reconcile', '--data', dataDir, '--dodo-base-url', server.url, '--json', ...fromTo]);
    expect(altered.code).toBe(3);
    expect(JSON.parse(altered.stdout).unexplained).toEqual([{ event_id: billed.event_id, class: 'differs', customer_id: customer.customer_id, local_ms: Math.round(view.charged_seconds * 1000), dodo_ms: 1_000_000, dodo_customer_id: customer.customer_id }]);
    const badWindow = await other(['reconcile', '--data', dataDir, '--from', '2026-12-07T12:00:00Z', '--to', '2026-12-07T11:00:00Z']);
    expect(badWindow.code).toBe(2);
    expect(badWindow.stderr).toContain('--from (2026-12-07T12:00:00.000Z) must be before to');
    const wrongKey = await promisify(execFile)('npx', ['tsx', 'live', 'reconcile', '--data', dataDir, '--dodo-base-url', server.url], { env: env({ DODO_PAYMENTS_API_KEY: 'not-the-key' }) }).catch((failed: { code: number; stderr: string }) => failed);
    expect(wrongKey).toMatchObject({ code: 2 });
    expect((wrongKey as { stderr: string }).stderr).toContain('Dodo refused the API key (401)');
    expect((wrongKey as { stderr: string }).stderr).not.toContain('not-the-key');
  });
});

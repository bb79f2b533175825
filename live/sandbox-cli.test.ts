// `live sandbox` as a process, with `live provision` and `live serve` pointed at it the way the
// README tells a newcomer: a customer pays on the sandbox's checkout page, the signed webhooks
// reach serve, a Fast job's usage reaches the sandbox's meter; bad settings are exit 2; the key
// and the webhook secret appear in no output.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import DodoPayments from 'dodopayments';
import { afterAll, describe, expect, it } from 'vitest';

const CATALOG = 'scenarios/catalogs/midjourney.yaml';
const KEY = 'sandbox-key-7c1e';
const SECRET = `whsec_${Buffer.from('a sandbox secret of 32 bytes!!!!').toString('base64')}`;
const ADMIN = 'sandbox-admin-token';
const children: ChildProcess[] = [];

afterAll(() => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { DATABASE_URL: _unused, DODO_PAYMENTS_BASE_URL: _base, ...rest } = process.env;
  return { ...rest, DODO_PAYMENTS_API_KEY: KEY, DODO_PAYMENTS_WEBHOOK_KEY: SECRET, LIVE_ADMIN_TOKEN: ADMIN, ...extra };
}

const run = (args: string[], extra: Record<string, string> = {}) =>
  promisify(execFile)('npx', ['tsx', 'live', ...args], { env: env(extra) }).then(
    (done) => ({ code: 0, stdout: done.stdout, stderr: done.stderr }),
    (failed: { code: number; stdout: string; stderr: string }) => failed,
  );

/** Starts `live <args>`; resolves to the process, its first stdout line and its stderr so far. */
async function start(args: string[], extra: Record<string, string> = {}): Promise<{ child: ChildProcess; port: number; stderr: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'live.ts', ...args], { env: env(extra), stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`live ${args[0]} exited ${code}: ${stderr}`)));
  });
  expect(first).toMatch(/^\{"port":\d+\}$/);
  return { child, port: JSON.parse(first).port as number, stderr: () => stderr };
}

async function stop(child: ChildProcess): Promise<number | null> {
  child.kill('SIGTERM');
  return new Promise((resolve) => child.once('exit', resolve));
}

describe('live sandbox', () => {
  it('refuses missing or bad settings and a taken port with exit 2, printing no secret', async () => {
    const noKey = await run(['sandbox', '--port', '0'], { DODO_PAYMENTS_API_KEY: '' });
    expect(noKey.code).toBe(2);
    expect(noKey.stderr).toContain('DODO_PAYMENTS_API_KEY is not set');
    const badSecret = await run(['sandbox', '--port', '0'], { DODO_PAYMENTS_WEBHOOK_KEY: 'whsec_not base64 at all!' });
    expect(badSecret.code).toBe(2);
    expect(badSecret.stderr).toContain('DODO_PAYMENTS_WEBHOOK_KEY is not a webhook secret');
    expect(badSecret.stderr).not.toContain('not base64 at all');
    const badUrl = await run(['sandbox', '--port', '0', '--webhook-url', 'ftp://x']);
    expect(badUrl.code).toBe(2);
    expect(badUrl.stderr).toContain('--webhook-url must be an http(s) URL');
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const busy = await run(['sandbox', '--port', String(port)]);
    taken.close();
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain(`cannot listen on 127.0.0.1:${port}`);
    expect(busy.stderr).not.toMatch(/\n\s+at /);
  });

  it('runs the README walk-through: provision and serve on the sandbox, a paid checkout page, a job billed to its meter', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'gbl-sandbox-'));
    // The sandbox starts first and needs serve's webhook URL: a free port is picked for serve.
    const free = createServer();
    await new Promise<void>((resolve) => free.listen(0, '127.0.0.1', resolve));
    const servePort = (free.address() as { port: number }).port;
    await new Promise((resolve) => free.close(resolve));
    const sandbox = await start(['sandbox', '--port', '0', '--webhook-url', `http://127.0.0.1:${servePort}/webhooks/dodo`]);
    const dodoUrl = `http://127.0.0.1:${sandbox.port}`;
    const provisioned = await run(['provision', '--catalog', CATALOG, '--data', dataDir], { DODO_PAYMENTS_BASE_URL: dodoUrl });
    expect(provisioned.code).toBe(0);
    const serve = await start(['serve', '--catalog', CATALOG, '--port', String(servePort), '--data', dataDir], { DODO_PAYMENTS_BASE_URL: dodoUrl });
    const base = `http://127.0.0.1:${serve.port}`;
    const call = async (method: string, path: string, token: string, body?: unknown) => {
      const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}` }, body: body === undefined ? undefined : JSON.stringify(body) });
      return (await response.json()) as Record<string, any>;
    };
    const customer = await call('POST', '/v1/customers', ADMIN, { email: 'ann@example.com', name: 'Ann <script>' });
    const checkout = await call('POST', '/v1/checkout', customer.api_key, { plan: 'standard', interval: 'month' });
    expect(checkout.checkout_url).toBe(`${dodoUrl}/checkout/${checkout.session_id}`);

    const page = await fetch(checkout.checkout_url);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('Standard (monthly)');
    expect(html).toContain('Pay $30.00');
    const paid = await (await fetch(checkout.checkout_url, { method: 'POST' })).text();
    expect(paid).toContain('<code>subscription.active</code>: receiver answered 200');
    expect(paid).toContain('<code>payment.succeeded</code>: receiver answered 200');
    expect(await (await fetch(checkout.checkout_url)).text()).toContain('paid already');
    expect(await call('GET', '/v1/usage', customer.api_key)).toMatchObject({ plan: 'standard', interval: 'month', balance_seconds: 54000 });

    const job = await call('POST', '/v1/jobs', customer.api_key, { job_type: 'image_grid', mode: 'fast', params: { width: 64 } });
    let view: Record<string, any> = {};
    for (let attempt = 0; attempt < 300 && !['succeeded', 'failed'].includes(view.status); attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      view = await call('GET', `/v1/jobs/${job.job_id}`, customer.api_key);
    }
    expect(view.status).toBe('succeeded');
    const dodo = new DodoPayments({ bearerToken: KEY, baseURL: dodoUrl, maxRetries: 0 });
    const subscription = (await dodo.subscriptions.list({ customer_id: customer.customer_id })).items[0]!;
    let consumed = '0';
    for (let attempt = 0; attempt < 100 && consumed === '0'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const history = await dodo.subscriptions.retrieveUsageHistory(subscription.subscription_id);
      consumed = history.items[0]!.meters[0]!.consumed_units;
    }
    expect(Number(consumed)).toBe(view.charged_seconds);

    // The controls need the key; a renewal's webhook is answered by serve.
    expect((await fetch(`${dodoUrl}/sandbox/subscriptions/${subscription.subscription_id}/renew`, { method: 'POST' })).status).toBe(401);
    const renewed = await fetch(`${dodoUrl}/sandbox/subscriptions/${subscription.subscription_id}/renew`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(await renewed.json()).toEqual({ webhook_status: 200 });
    const again = await fetch(`${dodoUrl}/sandbox/checkouts/${checkout.session_id}/complete`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(again.status).toBe(409);

    expect(await stop(serve.child)).toBe(0);
    expect(await stop(sandbox.child)).toBe(0);
    for (const text of [sandbox.stderr(), serve.stderr(), provisioned.stdout, provisioned.stderr]) {
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(SECRET.slice(6));
    }
    expect(sandbox.stderr()).toMatch(/webhook subscription\.active msg_\d+ -> 200/);
  });

  it('keeps its state in --state across a restart; a file that is not its state is exit 2 and left as it was', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'gbl-sandbox-state-'));
    const stateFile = join(folder, 'sandbox.json');
    const first = await start(['sandbox', '--port', '0', '--state', stateFile]);
    const dodo = (port: number) => new DodoPayments({ bearerToken: KEY, baseURL: `http://127.0.0.1:${port}`, maxRetries: 0 });
    const ann = await dodo(first.port).customers.create({ email: 'ann@example.com', name: 'Ann' });
    const meter = await dodo(first.port).meters.create({ name: 'm', event_name: 'gpu.fast_seconds', measurement_unit: 'seconds', aggregation: { type: 'sum', key: 'gpu_seconds' } });
    await dodo(first.port).usageEvents.ingest({ events: [{ event_id: 'j1:gpu', customer_id: ann.customer_id, event_name: 'gpu.fast_seconds', timestamp: new Date().toISOString(), metadata: { gpu_seconds: 2.5 } }] });
    expect(await stop(first.child)).toBe(0);
    expect(first.stderr()).toContain(`state kept in ${stateFile}`);

    const second = await start(['sandbox', '--port', '0', '--state', stateFile]);
    expect(second.stderr()).toContain('1 customers, 0 subscriptions, 1 usage events');
    expect((await dodo(second.port).customers.retrieve(ann.customer_id)).email).toBe('ann@example.com');
    expect((await dodo(second.port).usageEvents.list({ meter_id: meter.id, page_number: 0 })).items.map((event) => event.event_id)).toEqual(['j1:gpu']);
    const bo = await dodo(second.port).customers.create({ email: 'bo@example.com', name: 'Bo' });
    expect(bo.customer_id).not.toBe(ann.customer_id); // ids go on from where they were
    // Written shortly after a change, before any stop: a killed sandbox loses at most that moment.
    for (let attempt = 0; attempt < 50 && !readFileSync(stateFile, 'utf8').includes('bo@example.com'); attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(readFileSync(stateFile, 'utf8')).toContain('bo@example.com');
    second.child.kill('SIGKILL');

    const other = join(folder, 'notes.json');
    writeFileSync(other, '{"shopping":["milk"]}\n');
    const refused = await run(['sandbox', '--port', '0', '--state', other]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`${other}: not a sandbox state file (version: expected 1, got undefined)`);
    expect(readFileSync(other, 'utf8')).toBe('{"shopping":["milk"]}\n');
    const nowhere = await run(['sandbox', '--port', '0', '--state', join(folder, 'missing', 'state.json')]);
    expect(nowhere).toMatchObject({ code: 2 });
    expect(nowhere.stderr).toContain('its folder does not exist');
    expect(existsSync(join(folder, 'missing'))).toBe(false);
  });
});

// The whole live flow against the Dodo-compatible test server, on PGlite and on PostgreSQL:
// provision -> customer -> checkout -> signed webhook -> jobs run as processes -> usage at the
// server equals the local ledger. Also: blocks with their way out, failed and timed-out jobs
// unbilled, top-ups by webhook, forged / tampered / stale / repeated deliveries, auth, and a
// restart that rebuilds the engine from its input log.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileCatalog } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { dodoClient } from './dodo-client.ts';
import { loadExecutorConfig } from './executor-config.ts';
import { LiveApi } from './http-api.ts';
import { provision } from './provision.ts';
import { OutboxSender } from './sender.ts';
import { LiveService } from './service.ts';
import type { Database } from './store/database.ts';
import { BACKENDS } from './test/backends.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';
import { delivery, send } from './dodo-sandbox/webhooks.ts';

// Basic with 0.3 s of Fast time, so that a few short jobs exhaust it.
const base = loadCatalog('scenarios/catalogs/midjourney.yaml').spec;
const spec = { ...base, plans: { ...base.plans, basic: { ...base.plans.basic!, fast_seconds: 0.3 } } };
const catalog = compileCatalog(spec);
const ADMIN = 'admin-token-for-tests';

function executorConfigFile(dir: string): string {
  const sleeper = { argv: ['{node}', '-e', "setTimeout(() => process.exit(Number('{param.exit}')), Number('{param.ms}'))"], timeout_seconds: 2, gpu_slots: 1, params: { ms: '50', exit: '0' } };
  const jobTypes = Object.fromEntries([...catalog.jobTypes.keys()].map((id) => [id, id === 'draft' ? { ...sleeper, timeout_seconds: 0.3 } : sleeper]));
  const file = join(dir, 'executor.yaml');
  writeFileSync(file, JSON.stringify({ gpu_slots: 2, job_types: jobTypes }));
  return file;
}

describe.each(BACKENDS)('live flow on $name', (backend) => {
  let server: DodoTestServer;
  let db: Database;
  let service: LiveService;
  let api: LiveApi;
  let base_url = '';
  let dataDir = '';
  let customer = { customer_id: '', api_key: '' };
  const call = async (method: string, path: string, body?: unknown, token = customer.api_key) => {
    const response = await fetch(`${base_url}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };
  const settle = async (jobId: string) => {
    for (let attempt = 0; attempt < 200; attempt += 1) {
      const { body } = await call('GET', `/v1/jobs/${jobId}`);
      if (body.status === 'succeeded' || body.status === 'failed') return body;
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
    throw new Error(`job ${jobId} did not finish`);
  };
  const makeService = async () => {
    const dodo = dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 });
    const ids = (await provision(dodo, spec, catalog.meter)).ids;
    const made = new LiveService({
      catalog, db, dodo, ids, dataDir, executor: loadExecutorConfig(executorConfigFile(dataDir), catalog),
      sender: new OutboxSender({ db, client: dodo }), webhookKey: server.webhookSecret, adminToken: ADMIN,
    });
    await made.start();
    return made;
  };

  beforeAll(async () => {
    server = await startDodoServer();
    db = await backend.open();
    dataDir = mkdtempSync(join(tmpdir(), 'gbl-live-flow-'));
    service = await makeService();
    api = new LiveApi(service, 'basic');
    base_url = `http://127.0.0.1:${await api.listen(0)}`;
    server.webhookUrl = `${base_url}/webhooks/dodo`;
  }, 60_000);
  afterAll(async () => {
    await api.close();
    await service.stop();
    await server.close();
    await db.close();
  });

  it('creates a customer (admin only) and blocks jobs until a subscription is paid, showing the way out', async () => {
    expect((await call('POST', '/v1/customers', { email: 'ann@example.com', name: 'Ann' }, 'nope')).status).toBe(401);
    const created = await call('POST', '/v1/customers', { email: 'ann@example.com', name: 'Ann' }, ADMIN);
    expect(created.status).toBe(201);
    customer = created.body as typeof customer;
    expect(server.state.customers.has(customer.customer_id)).toBe(true);
    const blocked = await call('POST', '/v1/jobs', { job_type: 'image_grid', mode: 'fast' });
    expect(blocked).toMatchObject({ status: 402, body: { reason: 'no_active_subscription', way_out: [{ action: 'subscribe', checkout: { body: { plan: 'basic' } } }] } });
    expect((await call('POST', '/v1/jobs', { job_type: 'image_grid', mode: 'warp' })).body.error).toContain('mode');
  });

  it('subscribes through checkout and the signed subscription.active webhook', async () => {
    const checkout = await call('POST', '/v1/checkout', { plan: 'basic', interval: 'month' });
    expect(checkout.status).toBe(200);
    expect(checkout.body.checkout_url).toContain(checkout.body.session_id);
    await server.completeCheckout(checkout.body.session_id);
    expect(server.webhooksSent.map((sent) => sent.status)).toEqual([200, 200]);
    expect((await call('GET', '/v1/usage')).body).toMatchObject({ plan: 'basic', interval: 'month', balance_seconds: 0.3 });
  });

  it('runs jobs as processes; failed and timed-out ones are not billed; Basic blocks past its cap', async () => {
    const relax = await call('POST', '/v1/jobs', { job_type: 'image_grid', mode: 'relax' });
    expect(relax).toMatchObject({ status: 402, body: { reason: 'relax_not_on_plan' } });
    const accepted = await Promise.all([0, 1, 2, 3].map(() => call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast', params: { ms: 120 } })));
    expect(accepted.map((answer) => answer.status)).toEqual([202, 202, 202, 202]);
    expect(accepted.map((answer) => answer.body.start).sort()).toEqual(['now', 'now', 'now', 'queued']); // Basic runs 3 Fast jobs at once
    const failing = await call('POST', '/v1/jobs', { job_type: 'upscale', mode: 'fast', params: { exit: 3 } });
    const slow = await call('POST', '/v1/jobs', { job_type: 'draft', mode: 'fast', params: { ms: 5000 } });
    const done = await Promise.all([...accepted, failing, slow].map((answer) => settle(answer.body.job_id)));
    expect(done.slice(0, 4).every((job) => job.status === 'succeeded' && job.usage_event_id === `${job.job_id}:gpu` && job.gpu_seconds >= 0.12)).toBe(true);
    expect(done[4]).toMatchObject({ status: 'failed', usage_event_id: null, charged_seconds: null });
    expect(done[4]!.error).toContain('exit 3');
    expect(done[5]).toMatchObject({ status: 'failed', usage_event_id: null, error: 'timed out after 0.3 s' });
    const capped = await call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast' });
    expect(capped.status).toBe(402);
    expect(capped.body.reason).toBe('fast_exhausted_no_relax');
    expect(capped.body.way_out.map((way: { action: string }) => way.action)).toEqual(['topup', 'upgrade']);
  });

  it('lists the customer\'s jobs newest first, by status and page by page; an output only of a succeeded job that wrote one', async () => {
    const all = await call('GET', '/v1/jobs');
    expect(all.status).toBe(200);
    const jobs = all.body.jobs as { job_id: string; status: string; job_type: string; submitted_at: string; output_url: string | null }[];
    expect(jobs.map((job) => job.status).sort()).toEqual(['failed', 'failed', 'succeeded', 'succeeded', 'succeeded', 'succeeded']);
    expect(jobs.slice(0, 2).map((job) => job.job_type)).toEqual(['draft', 'upscale']); // the last two submitted
    const order = [...jobs].sort((a, b) => (a.submitted_at === b.submitted_at ? (a.job_id < b.job_id ? 1 : -1) : a.submitted_at < b.submitted_at ? 1 : -1));
    expect(jobs.map((job) => job.job_id)).toEqual(order.map((job) => job.job_id));
    expect(all.body.next_before).toBeNull();
    const failed = await call('GET', '/v1/jobs?status=failed');
    expect((failed.body.jobs as { job_id: string }[]).map((job) => job.job_id)).toEqual(jobs.slice(0, 2).map((job) => job.job_id));
    const first = await call('GET', '/v1/jobs?limit=4');
    expect(first.body.next_before).toBe(jobs[3]!.job_id);
    const second = await call('GET', `/v1/jobs?limit=4&before=${first.body.next_before}`);
    expect([...first.body.jobs, ...second.body.jobs].map((job: { job_id: string }) => job.job_id)).toEqual(jobs.map((job) => job.job_id));
    expect(second.body.next_before).toBeNull();
    expect(await call('GET', '/v1/jobs?status=lost')).toMatchObject({ status: 400, body: { error: 'status must be one of queued, ready, running, succeeded, failed' } });
    expect((await call('GET', '/v1/jobs?before=job_nope')).status).toBe(400);
    expect((await call('GET', '/v1/jobs?limit=0')).status).toBe(400);
    expect((await call('GET', '/v1/jobs', undefined, ADMIN)).status).toBe(400);
    expect((await call('GET', `/v1/jobs?customer_id=${customer.customer_id}`, undefined, ADMIN)).body.jobs).toHaveLength(6);

    const succeeded = jobs.find((job) => job.status === 'succeeded')!;
    expect(succeeded.output_url).toBe(`/v1/jobs/${succeeded.job_id}/output`);
    expect(await call('GET', succeeded.output_url!)).toMatchObject({ status: 410 }); // the test's sleeper command writes no file
    expect(jobs[0]!.output_url).toBeNull();
    expect(await call('GET', `/v1/jobs/${jobs[0]!.job_id}/output`)).toMatchObject({ status: 409, body: { error: 'the job is failed: only a succeeded job has an output' } });
    expect((await call('GET', '/v1/jobs/job_nope/output')).status).toBe(404);
  });

  it('ships the usage to Dodo: the meter total at the server equals the local ledger', async () => {
    await (service as unknown as { options: { sender: OutboxSender } }).options.sender.drainAll();
    const [ledger] = await db.query<{ charged: number }>(`select coalesce(sum(charged_ms), 0)::bigint as charged from ledger_entries where customer_id = $1`, [customer.customer_id]);
    expect(ledger!.charged).toBeGreaterThan(400);
    const meterId = [...server.state.meters.keys()][0]!;
    expect(server.usageMicro(meterId, customer.customer_id)).toBe(ledger!.charged * 1000);
    expect((await call('GET', '/v1/usage')).body.fast_seconds).toBe(ledger!.charged / 1000);
  });

  it('grants a paid top-up once (payment.succeeded), after which Fast runs again', async () => {
    const checkout = await call('POST', '/v1/checkout', { topup_hours: 2 });
    await server.completeCheckout(checkout.body.session_id);
    const lots = (await call('GET', '/v1/usage')).body.lots as { kind: string; granted_seconds: number; expires_at: string }[];
    const topup = lots.find((lot) => lot.kind === 'topup')!;
    expect(topup.granted_seconds).toBe(7200);
    expect(Date.parse(topup.expires_at) - Date.now()).toBeGreaterThan(59 * 86_400_000);
    const again = server.webhooksSent[server.webhooksSent.length - 1]!.delivery;
    const repeat = await fetch(`${base_url}/webhooks/dodo`, { method: 'POST', headers: again.headers, body: again.body });
    expect(await repeat.json()).toMatchObject({ duplicate: true });
    expect(((await call('GET', '/v1/usage')).body.lots as unknown[]).filter((lot) => (lot as { kind: string }).kind === 'topup')).toHaveLength(1);
    expect((await call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast' })).status).toBe(202);
  });

  it('cancels jobs that have not finished, held, waiting for a GPU or running, billing none; a finished one is 409', async () => {
    await service.executor.idle();
    const before = (await call('GET', '/v1/usage')).body;
    const jobs: string[] = [];
    for (let index = 0; index < 5; index += 1) jobs.push((await call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast', params: { ms: 3000 } })).body.job_id);
    for (let attempt = 0; attempt < 100 && service.executor.active < 2; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    const statuses = async () => Promise.all(jobs.map(async (id) => (await call('GET', `/v1/jobs/${id}`)).body.status as string));
    expect(await statuses()).toEqual(['running', 'running', 'ready', 'queued', 'queued']); // 2 GPU slots, Basic runs 3 at once
    const cancelled = { status: 200, body: { status: 'failed', error: 'cancelled', charged_seconds: null, usage_event_id: null } };
    expect(await call('DELETE', `/v1/jobs/${jobs[3]}`)).toMatchObject(cancelled); // held
    expect(await call('DELETE', `/v1/jobs/${jobs[2]}`)).toMatchObject(cancelled); // waiting for a GPU: the held one behind it moves up
    expect(await statuses()).toEqual(['running', 'running', 'failed', 'failed', 'ready']);
    const stranger = (await call('POST', '/v1/customers', { email: 'cy@example.com', name: 'Cy' }, ADMIN)).body;
    expect((await call('DELETE', `/v1/jobs/${jobs[0]}`, undefined, stranger.api_key)).status).toBe(404);
    expect(await call('DELETE', `/v1/jobs/${jobs[0]}`)).toMatchObject(cancelled); // running: killed
    expect(await call('DELETE', `/v1/jobs/${jobs[0]}`)).toMatchObject({ status: 409, body: { error: 'the job is failed: only a job that has not finished can be cancelled' } });
    for (const id of [jobs[1], jobs[4]]) expect(await call('DELETE', `/v1/jobs/${id}`, undefined, ADMIN)).toMatchObject(cancelled);
    await service.executor.idle();
    expect(await statuses()).toEqual(['failed', 'failed', 'failed', 'failed', 'failed']);
    const after = (await call('GET', '/v1/usage')).body;
    expect(after.fast_seconds).toBe(before.fast_seconds);
    expect(after.balance_seconds).toBe(before.balance_seconds);
    expect(after.jobs.failed - before.jobs.failed).toBe(4); // the withdrawn one never ran
    expect(await db.query('select job_id from ledger_entries where job_id = any($1::text[]) union all select job_id from usage_outbox where job_id = any($1::text[])', [jobs])).toEqual([]);
    expect((await call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast', params: { ms: 10 } })).body.start).toBe('now'); // no slot or queue place left taken
  });

  it('follows plan changes and cancellations made at Dodo (subscription.plan_changed / cancelled)', async () => {
    const dodo = dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 });
    const subscription = [...server.state.subscriptions.values()].find((candidate) => candidate.customer_id === customer.customer_id)!;
    const standard = [...server.state.products.values()].find((product) => product.metadata.gbl_key === 'plan:standard:month')!;
    await dodo.subscriptions.changePlan(subscription.subscription_id, { product_id: standard.product_id, quantity: 1, proration_billing_mode: 'prorated_immediately' });
    for (let attempt = 0; attempt < 50 && (await call('GET', '/v1/usage')).body.plan !== 'standard'; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect((await call('GET', '/v1/usage')).body).toMatchObject({ plan: 'standard', interval: 'month' });
    await dodo.subscriptions.update(subscription.subscription_id, { status: 'cancelled' });
    let outcome: { outcome: string } | undefined;
    for (let attempt = 0; attempt < 50 && outcome === undefined; attempt += 1) {
      [outcome] = await db.query<{ outcome: string }>(`select outcome from webhook_inbox where type = 'subscription.cancelled'`);
      if (outcome === undefined) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(outcome!.outcome).toBe('cancel: scheduled'); // at renewal: the paid month is kept
    const [row] = await db.query<{ plan: string; status: string }>('select plan, status from subscriptions where subscription_id = $1', [subscription.subscription_id]);
    expect(row).toEqual({ plan: 'standard', status: 'cancelled' });
  });

  it('refuses forged, tampered and stale webhooks with 401 and changes nothing', async () => {
    await service.executor.idle(); // no job burns Fast time meanwhile
    const before = JSON.stringify((await call('GET', '/v1/usage')).body.lots);
    const payment = { payment_id: 'pay_forged', customer: { customer_id: customer.customer_id }, product_cart: [{ product_id: server.state.products.size > 0 ? [...server.state.products.values()].find((product) => product.metadata.gbl_key === 'topup')!.product_id : '', quantity: 100 }] };
    const forged = delivery('whsec_' + Buffer.from('not the key at all, 32 bytes!!!').toString('base64'), 'msg_forged', 'payment.succeeded', payment);
    const good = delivery(server.webhookSecret, 'msg_tampered', 'payment.succeeded', payment);
    const tampered = { ...good, body: good.body.replace('"quantity":100', '"quantity":999') };
    const stale = delivery(server.webhookSecret, 'msg_stale', 'payment.succeeded', payment, new Date(Date.now() - 10 * 60_000));
    for (const attempt of [forged, tampered, stale]) expect(await send(`${base_url}/webhooks/dodo`, attempt)).toBe(401);
    const unsigned = await fetch(`${base_url}/webhooks/dodo`, { method: 'POST', body: good.body });
    expect(unsigned.status).toBe(401);
    expect(JSON.stringify((await call('GET', '/v1/usage')).body.lots)).toBe(before);
  });

  it('keeps customers apart: 401 without a key, 404 for another customer\'s job; the admin acts for anyone', async () => {
    const other = (await call('POST', '/v1/customers', { email: 'bo@example.com', name: 'Bo' }, ADMIN)).body;
    const [job] = await db.query<{ job_id: string }>('select job_id from jobs where customer_id = $1 limit 1', [customer.customer_id]);
    expect((await call('GET', `/v1/jobs/${job!.job_id}`, undefined, other.api_key)).status).toBe(404);
    expect((await call('GET', `/v1/jobs/${job!.job_id}`, undefined, '')).status).toBe(401);
    expect((await call('GET', `/v1/jobs/${job!.job_id}`, undefined, ADMIN)).status).toBe(200);
    expect((await call('GET', `/v1/usage?customer_id=${customer.customer_id}`, undefined, ADMIN)).body.plan).toBe('standard');
    expect((await call('POST', '/v1/jobs', { customer_id: customer.customer_id, job_type: 'variation', mode: 'fast' }, other.api_key)).status).toBe(401);
  });

  it('after a restart runs the jobs that were waiting, with their params; those the stop killed failed unbilled', async () => {
    await service.executor.idle(); // the earlier tests' jobs are done
    const jobs = await Promise.all([0, 1, 2].map(() => call('POST', '/v1/jobs', { job_type: 'variation', mode: 'fast', params: { ms: 700 } })));
    for (let attempt = 0; attempt < 100 && service.executor.active < 2; attempt += 1) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(service.executor.active).toBe(2); // two GPU slots: the third job waits
    await service.stop();
    service = await makeService();
    (api as unknown as { service: LiveService }).service = service;
    const done = await Promise.all(jobs.map((job) => settle(job.body.job_id)));
    expect(done.map((job) => job.status).sort()).toEqual(['failed', 'failed', 'succeeded']);
    expect(done.filter((job) => job.status === 'failed').every((job) => job.charged_seconds === null && job.usage_event_id === null)).toBe(true);
    expect(done.find((job) => job.status === 'succeeded')!.gpu_seconds).toBeGreaterThanOrEqual(0.7);
  });

  it('rebuilds the same engine state from its input log after a restart', async () => {
    await service.executor.idle();
    const before = service.usage(customer.customer_id);
    await service.stop();
    service = await makeService();
    (api as unknown as { service: LiveService }).service = service;
    expect(service.usage(customer.customer_id)).toEqual(before);
  });
});

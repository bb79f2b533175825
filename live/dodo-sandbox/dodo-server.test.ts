// The Dodo-compatible test server, driven by the real `dodopayments` SDK through `baseURL`.
import DodoPayments from 'dodopayments';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DodoTestServer, periodsLater, startDodoServer } from './server.ts';

let server: DodoTestServer;
let client: DodoPayments;
let now = Date.now();

beforeAll(async () => {
  server = await startDodoServer({ now: () => now });
  client = new DodoPayments({ bearerToken: server.apiKey, baseURL: server.url, maxRetries: 0 });
});
afterAll(() => server.close());

const meterBody = {
  name: 'GPU seconds (fast)',
  event_name: 'gpu.fast_seconds',
  measurement_unit: 'seconds',
  aggregation: { type: 'sum' as const, key: 'gpu_seconds' },
  filter: { conjunction: 'or' as const, clauses: [{ key: 'mode', operator: 'equals' as const, value: 'fast' }, { key: 'mode', operator: 'equals' as const, value: 'turbo' }] },
};

function event(id: string, customer: string, seconds: number, mode = 'fast', at = now) {
  return { event_id: id, customer_id: customer, event_name: 'gpu.fast_seconds', timestamp: new Date(at).toISOString(), metadata: { gpu_seconds: seconds, mode } };
}

describe('Dodo test server', () => {
  it('refuses a wrong API key with 401', async () => {
    const stranger = new DodoPayments({ bearerToken: 'wrong', baseURL: server.url, maxRetries: 0 });
    await expect(stranger.meters.list()).rejects.toBeInstanceOf(DodoPayments.AuthenticationError);
  });

  it('creates, lists (0-based pages) and archives meters', async () => {
    const meter = await client.meters.create(meterBody);
    expect(meter.id).toMatch(/^mtr_/);
    const listed = await client.meters.list({ page_number: 0, page_size: 10 });
    expect(listed.items.map((item) => item.id)).toContain(meter.id);
    await expect(client.meters.create({ ...meterBody, aggregation: { type: 'sum' } })).rejects.toBeInstanceOf(DodoPayments.UnprocessableEntityError);
  });

  it('ingests events: duplicates ignored, the filter and the sum applied', async () => {
    const meter = await client.meters.create(meterBody);
    const customer = await client.customers.create({ email: 'a@example.com', name: 'A' });
    const id = customer.customer_id;
    expect(await client.usageEvents.ingest({ events: [event('j1:gpu', id, 12.5), event('j2:gpu', id, 3, 'turbo'), event('j3:gpu', id, 100, 'relax')] })).toEqual({ ingested_count: 3 });
    expect(await client.usageEvents.ingest({ events: [event('j1:gpu', id, 12.5), event('j4:gpu', id, 0.25)] })).toEqual({ ingested_count: 1 });
    expect(server.usageMicro(meter.id, id)).toBe(15_750_000);
    const metered = await client.usageEvents.list({ meter_id: meter.id, customer_id: id, page_number: 0, page_size: 50 });
    expect(metered.items.map((item) => item.event_id).sort()).toEqual(['j1:gpu', 'j2:gpu', 'j4:gpu']);
    expect((await client.usageEvents.retrieve('j3:gpu')).metadata).toEqual({ gpu_seconds: 100, mode: 'relax' });
  });

  it('fails a whole request for a duplicate id inside it, an old or future timestamp, nested metadata, > 1,000 events', async () => {
    const before = server.state.events.size;
    const bad = async (events: unknown[]) => client.usageEvents.ingest({ events } as never);
    await expect(bad([event('d1', 'cus_x', 1), event('d1', 'cus_x', 1)])).rejects.toThrow(/duplicate event_id/);
    await expect(bad([event('o1', 'cus_x', 1, 'fast', now - 3_601_000)])).rejects.toThrow(/older than 1 hour/);
    await expect(bad([event('f1', 'cus_x', 1, 'fast', now + 301_000)])).rejects.toThrow(/5 minutes in the future/);
    await expect(bad([{ ...event('n1', 'cus_x', 1), metadata: { nested: { a: 1 } } }])).rejects.toThrow(/metadata.nested/);
    await expect(bad(Array.from({ length: 1001 }, (_, index) => event(`m${index}`, 'cus_x', 1)))).rejects.toThrow(/at most 1000/);
    expect(await bad([event('edge', 'cus_x', 1, 'fast', now - 3_599_000)])).toEqual({ ingested_count: 1 });
    expect(server.state.events.size).toBe(before + 1);
  });

  it('injects 429 with retry-after, 500, slow answers and dropped connections; the SDK retries them', async () => {
    const retrying = new DodoPayments({ bearerToken: server.apiKey, baseURL: server.url, maxRetries: 3, timeout: 300 });
    server.faults.inject('POST /events/ingest', { kind: 'status', status: 429, retryAfterMs: 5 });
    server.faults.inject('POST /events/ingest', { kind: 'drop' });
    server.faults.inject('POST /events/ingest', { kind: 'slow', delayMs: 600 });
    // The slow attempt lands after the client gave up; its retry is then a de-duplicated resend.
    expect(await retrying.usageEvents.ingest({ events: [event('r1', 'cus_x', 1)] })).toEqual({ ingested_count: 0 });
    expect(server.state.events.has('r1')).toBe(true);
    expect(server.faults.applied).toMatchObject({ status: 1, drop: 1, slow: 1 });
    server.faults.inject('GET /meters', { kind: 'status', status: 500 }, 1);
    await expect(client.meters.list()).rejects.toBeInstanceOf(DodoPayments.InternalServerError);
    server.faults.inject('GET /meters', { kind: 'status', status: 429, retryAfterSeconds: 7 }, 1);
    const error = await client.meters.list().catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DodoPayments.RateLimitError);
    expect((error as InstanceType<typeof DodoPayments.RateLimitError>).headers.get('retry-after')).toBe('7');
  });

  it('creates products with a usage-based price and finds them in the list with their metadata', async () => {
    const meter = await client.meters.create(meterBody);
    const product = await client.products.create({
      name: 'Standard (monthly)',
      tax_category: 'saas',
      metadata: { gbl_key: 'plan:standard:month' },
      price: { type: 'usage_based_price', currency: 'USD', fixed_price: 3000, payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 1, subscription_period_interval: 'Month', meters: [{ meter_id: meter.id, free_threshold: 54000, price_per_unit: null }] },
    });
    const listed = await client.products.list({ page_number: 0, page_size: 100 });
    expect(listed.items.find((item) => item.product_id === product.product_id)?.metadata).toEqual({ gbl_key: 'plan:standard:month' });
    await expect(client.products.create({ name: 'x', tax_category: 'saas', price: { type: 'usage_based_price', currency: 'USD', fixed_price: 1, payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 1, subscription_period_interval: 'Month', meters: [{ meter_id: 'mtr_nope' }] } })).rejects.toBeInstanceOf(DodoPayments.UnprocessableEntityError);
  });

  it('completes a checkout into a subscription, signs its webhooks and reports usage history', async () => {
    const received: { body: string; headers: Record<string, string> }[] = [];
    const { createServer } = await import('node:http');
    const receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk) => (body += chunk));
      request.on('end', () => {
        received.push({ body, headers: request.headers as Record<string, string> });
        response.end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    server.webhookUrl = `http://127.0.0.1:${(receiver.address() as { port: number }).port}/webhooks/dodo`;
    const meter = await client.meters.create(meterBody);
    const product = await client.products.create({
      name: 'Basic (monthly)', tax_category: 'saas',
      price: { type: 'usage_based_price', currency: 'USD', fixed_price: 1000, payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 1, subscription_period_interval: 'Month', meters: [{ meter_id: meter.id, free_threshold: 10, price_per_unit: '0.5' }] },
    });
    const customer = await client.customers.create({ email: 'b@example.com', name: 'B' });
    const session = await client.checkoutSessions.create({ product_cart: [{ product_id: product.product_id, quantity: 1 }], customer: { customer_id: customer.customer_id } });
    expect(session.checkout_url).toContain(session.session_id);
    const { subscriptionIds } = await server.completeCheckout(session.session_id);
    expect(received.map((delivery) => JSON.parse(delivery.body).type)).toEqual(['subscription.active', 'payment.succeeded']);
    const verified = new Webhook(server.webhookSecret).verify(received[0]!.body, received[0]!.headers) as { data: { product_id: string } };
    expect(verified.data.product_id).toBe(product.product_id);
    await client.usageEvents.ingest({ events: [event('h1', customer.customer_id, 25.5)] });
    const history = await client.subscriptions.retrieveUsageHistory(subscriptionIds[0]!, { page_number: 0 });
    expect(history.items[0]!.meters[0]).toMatchObject({ consumed_units: '25.5', chargeable_units: '15.5', total_price: 8 });
    receiver.close();
    server.webhookUrl = null;
    now = Date.now();
  });

  it('bills in calendar periods: a month from the 31st ends on the last day of a shorter month, renewals stay on the anchor', async () => {
    expect(periodsLater('2027-01-31T10:00:00.000Z', 'Month', 1)).toBe('2027-02-28T10:00:00.000Z');
    expect(periodsLater('2027-01-31T10:00:00.000Z', 'Month', 2)).toBe('2027-03-31T10:00:00.000Z');
    expect(periodsLater('2028-01-31T00:00:00.000Z', 'Month', 1)).toBe('2028-02-29T00:00:00.000Z');
    expect(periodsLater('2027-12-15T00:00:00.000Z', 'Month', 1)).toBe('2028-01-15T00:00:00.000Z');
    expect(periodsLater('2028-02-29T00:00:00.000Z', 'Year', 1)).toBe('2029-02-28T00:00:00.000Z');
    expect(periodsLater('2027-01-01T00:00:00.000Z', 'Week', 2)).toBe('2027-01-15T00:00:00.000Z');
  });

  it('shows a checkout page anyone with the URL can pay (escaped), once; its controls need the key', async () => {
    const meter = await client.meters.create(meterBody);
    const product = await client.products.create({
      name: 'Pro <b>&"', tax_category: 'saas',
      price: { type: 'usage_based_price', currency: 'USD', fixed_price: 6005, payment_frequency_count: 1, payment_frequency_interval: 'Month', subscription_period_count: 1, subscription_period_interval: 'Month', meters: [{ meter_id: meter.id, free_threshold: 10 }] },
    });
    const customer = await client.customers.create({ email: 'p@example.com', name: 'P' });
    const session = await client.checkoutSessions.create({ product_cart: [{ product_id: product.product_id, quantity: 2 }], customer: { customer_id: customer.customer_id } });
    const page = await (await fetch(session.checkout_url!)).text();
    expect(page).toContain('Pro &#60;b&#62;&#38;&#34;');
    expect(page).not.toContain('<b>');
    expect(page).toContain('Pay $120.10');
    expect(server.state.checkouts.get(session.session_id)!.completed).toBe(false);
    const paid = await (await fetch(session.checkout_url!, { method: 'POST' })).text();
    expect(paid).toContain('none (no webhook URL set)');
    const subscription = [...server.state.subscriptions.values()].find((candidate) => candidate.customer_id === customer.customer_id)!;
    expect(subscription.next_billing_date).toBe(periodsLater(subscription.created_at, 'Month', 1));
    expect((await fetch(`${server.url}/checkout/cks_nope`)).status).toBe(404);
    const control = (path: string, key: string | null) => fetch(`${server.url}${path}`, { method: 'POST', headers: key === null ? {} : { authorization: `Bearer ${key}` } });
    expect((await control(`/sandbox/subscriptions/${subscription.subscription_id}/renew`, null)).status).toBe(401);
    expect((await control(`/sandbox/subscriptions/${subscription.subscription_id}/renew`, server.apiKey)).status).toBe(200);
    expect(subscription.previous_billing_date).toBe(periodsLater(subscription.created_at, 'Month', 1));
    expect(subscription.next_billing_date).toBe(periodsLater(subscription.created_at, 'Month', 2));
    expect((await control(`/sandbox/checkouts/${session.session_id}/complete`, server.apiKey)).status).toBe(409);
  });
});

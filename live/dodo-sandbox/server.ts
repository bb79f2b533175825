/**
 * A Dodo-compatible HTTP server, for tests and for `npx tsx live sandbox`: plain node:http on
 * loopback, in-memory state, the endpoints the live adapter uses, answered the way the
 * `dodopayments` SDK expects (paths, JSON shapes, `{items}` pages with 0-based `page_number`,
 * error bodies `{code, message}`).
 *
 * Endpoints: meters (create, list, retrieve, archive), products (create, list, retrieve, update),
 * customers (create, list, retrieve), checkout sessions (create, retrieve), usage events (ingest
 * with the rules of ingest.ts, list with a meter's filter, retrieve), subscriptions (retrieve,
 * list, change-plan, cancel via update, usage history), payments (retrieve, list).
 * Every request needs `Authorization: Bearer <apiKey>` (else 401), but for the checkout page
 * (checkout-page.ts: `GET /checkout/:id` shows the cart, `POST /checkout/:id` pays it), which, as
 * at Dodo, the session's URL opens in a browser. Faults (faults.ts) apply before routing.
 * Controls, as methods for tests and as routes for `live sandbox` (with the API key): completing a
 * checkout (`POST /sandbox/checkouts/:id/complete`: the subscription or payment is created and the
 * signed webhooks go to `webhookUrl`) and renewing a subscription
 * (`POST /sandbox/subscriptions/:id/renew`).
 */
import { type IncomingMessage, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { checkoutPage } from './checkout-page.ts';
import { Faults } from './faults.ts';
import { checkIngest } from './ingest.ts';
import { type Filter, type StoredEvent, aggregateMicro, filterProblems, meterCounts, microText } from './meters.ts';
import { BUSINESS_ID, type MeterRecord, type ProductRecord, ServerState, type SubscriptionRecord } from './state.ts';
import { type Delivery, delivery, newWebhookSecret, send } from './webhooks.ts';

export interface DodoServerOptions {
  readonly apiKey?: string;
  /** The server's clock for the ingest window and billing dates; default Date.now. */
  readonly now?: () => number;
  /** The `whsec_` secret webhooks are signed with; default a fresh random one. */
  readonly webhookSecret?: string;
  /** Called with a line per notable event (a checkout paid, a webhook sent and its answer). */
  readonly log?: (line: string) => void;
  /** Called after a request that may have changed the state (any answered POST, PATCH or DELETE). */
  readonly onChange?: () => void;
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

type Handler = (request: Parsed) => unknown;

const CHECKOUT_PAGE = /^\/checkout\/([^/]+)$/;

interface Parsed {
  readonly params: string[];
  readonly query: URLSearchParams;
  readonly body: Record<string, unknown>;
}

/**
 * The instant `count` billing periods after `anchorIso`, in UTC; months and years are calendar
 * ones, a day past the end of a shorter month clamped to its last day (Jan 31 + 1 month = Feb 28).
 */
export function periodsLater(anchorIso: string, interval: string, count: number): string {
  const anchor = new Date(anchorIso);
  if (interval === 'Day' || interval === 'Week') return new Date(anchor.getTime() + count * (interval === 'Day' ? 1 : 7) * 86_400_000).toISOString();
  const months = count * (interval === 'Year' ? 12 : 1);
  const year = anchor.getUTCFullYear() + Math.floor((anchor.getUTCMonth() + months) / 12);
  const month = (anchor.getUTCMonth() + months) % 12;
  const day = Math.min(anchor.getUTCDate(), new Date(Date.UTC(year, month + 1, 0)).getUTCDate());
  return new Date(Date.UTC(year, month, day, anchor.getUTCHours(), anchor.getUTCMinutes(), anchor.getUTCSeconds(), anchor.getUTCMilliseconds())).toISOString();
}

function page<T>(items: readonly T[], query: URLSearchParams): { items: T[] } {
  const size = Math.min(Number(query.get('page_size') ?? 10) || 10, 100);
  const number = Number(query.get('page_number') ?? 0) || 0;
  return { items: items.slice(number * size, number * size + size) };
}

function requireString(body: Record<string, unknown>, field: string): string {
  const value = body[field];
  if (typeof value !== 'string' || value === '') throw new HttpError(422, `${field} is required`);
  return value;
}

function isoNow(now: () => number): string {
  return new Date(now()).toISOString();
}

export class DodoTestServer {
  readonly state = new ServerState();
  readonly faults = new Faults();
  readonly apiKey: string;
  readonly webhookSecret: string;
  /** Where signed webhooks go (set by the test); null sends none. */
  webhookUrl: string | null = null;
  /** Every webhook sent, with the status the receiver answered. */
  readonly webhooksSent: { delivery: Delivery; status: number }[] = [];
  url = '';
  private readonly now: () => number;
  private readonly log: (line: string) => void;
  private readonly onChange: () => void;
  private readonly server = createServer((request, response) => void this.handle(request, response));
  private readonly sockets = new Set<Socket>();
  private readonly routes: [string, RegExp, Handler][] = [];

  constructor(options: DodoServerOptions = {}) {
    this.apiKey = options.apiKey ?? 'test_key_dodo_server';
    this.now = options.now ?? Date.now;
    this.webhookSecret = options.webhookSecret ?? newWebhookSecret();
    this.log = options.log ?? (() => {});
    this.onChange = options.onChange ?? (() => {});
    // Idle keep-alive connections stay open a minute, as behind a real API's load balancer; with
    // Node's 5 s default a client reusing a socket the server just closed sees ECONNRESET.
    this.server.keepAliveTimeout = 65_000;
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.defineRoutes();
  }

  /** Listens on 127.0.0.1 (port 0: any free port); resolves to the base URL for the SDK. */
  async start(port = 0): Promise<string> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private route(method: string, pattern: string, handler: Handler): void {
    const regex = new RegExp(`^${pattern.replace(/:[a-z_]+/g, '([^/]+)')}$`);
    this.routes.push([method, regex, handler]);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const fault = this.faults.take(request.method ?? 'GET', url.pathname);
    if (fault?.kind === 'drop') {
      request.socket.destroy();
      return;
    }
    if (fault?.kind === 'slow') await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
    if (fault?.kind === 'status') {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (fault.retryAfterSeconds !== undefined) headers['retry-after'] = String(fault.retryAfterSeconds);
      if (fault.retryAfterMs !== undefined) headers['retry-after-ms'] = String(fault.retryAfterMs);
      return this.reply(response, fault.status, { code: 'INJECTED_FAULT', message: `injected ${fault.status}` }, headers);
    }
    const page = CHECKOUT_PAGE.exec(url.pathname);
    if (page !== null && (request.method === 'GET' || request.method === 'POST')) return this.checkoutPage(response, decodeURIComponent(page[1]!), request.method === 'POST');
    if (request.headers.authorization !== `Bearer ${this.apiKey}`) {
      return this.reply(response, 401, { code: 'UNAUTHORIZED', message: 'invalid or missing API key' });
    }
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      let body: Record<string, unknown> = {};
      if (text !== '') {
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          throw new HttpError(400, 'body is not JSON');
        }
      }
      for (const [method, regex, handler] of this.routes) {
        const match = method === request.method ? regex.exec(url.pathname) : null;
        if (match === null) continue;
        const result = await handler({ params: match.slice(1).map(decodeURIComponent), query: url.searchParams, body });
        if (request.method !== 'GET') this.onChange();
        return this.reply(response, 200, result === undefined ? null : result);
      }
      throw new HttpError(404, `no route ${request.method} ${url.pathname}`);
    } catch (error) {
      if (!(error instanceof HttpError)) return this.reply(response, 500, { code: 'INTERNAL', message: (error as Error).message });
      const code = error.status === 404 ? 'NOT_FOUND' : 'INVALID_REQUEST';
      this.reply(response, error.status, { code, message: error.message });
    }
  }

  /** The checkout page; `pay` completes the session first and lists the webhooks it sent. */
  private async checkoutPage(response: ServerResponse, sessionId: string, pay: boolean): Promise<void> {
    const checkout = this.state.checkouts.get(sessionId);
    if (checkout === undefined) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      response.end(`checkout session ${sessionId} not found\n`);
      return;
    }
    let sent = null;
    if (pay && !checkout.completed) {
      const before = this.webhooksSent.length;
      await this.completeCheckout(sessionId);
      this.onChange();
      sent = this.webhooksSent.slice(before).map(({ delivery: { body }, status }) => ({ type: (JSON.parse(body) as { type: string }).type, status }));
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end(checkoutPage(checkout, this.state.products, sent));
  }

  private reply(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    if (body === null) {
      // A void answer (archive, update): no JSON body, as the SDK then expects none.
      response.writeHead(status, headers);
      response.end();
      return;
    }
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(JSON.stringify(body));
  }

  private found<T>(map: Map<string, T>, id: string | undefined, what: string): T {
    const record = id === undefined ? undefined : map.get(id);
    if (record === undefined) throw new HttpError(404, `${what} ${id} not found`);
    return record;
  }

  private defineRoutes(): void {
    this.route('POST', '/meters', ({ body }) => this.createMeter(body));
    this.route('GET', '/meters', ({ query }) => {
      const archived = query.get('archived') === 'true';
      return page([...this.state.meters.values()].filter((meter) => meter.archived === archived), query);
    });
    this.route('GET', '/meters/:id', ({ params }) => this.found(this.state.meters, params[0], 'meter'));
    this.route('DELETE', '/meters/:id', ({ params }) => {
      this.found(this.state.meters, params[0], 'meter').archived = true;
    });

    this.route('POST', '/products', ({ body }) => this.createProduct(body));
    this.route('GET', '/products', ({ query }) => {
      const archived = query.get('archived') === 'true';
      const products = [...this.state.products.values()].filter((product) => product.archived === archived);
      return page(products.map((product) => ({ ...product, price: product.price.price ?? product.price.fixed_price, price_detail: product.price })), query);
    });
    this.route('GET', '/products/:id', ({ params }) => this.found(this.state.products, params[0], 'product'));
    this.route('PATCH', '/products/:id', ({ params, body }) => {
      const product = this.found(this.state.products, params[0], 'product');
      if (typeof body.name === 'string') product.name = body.name;
      if (body.price !== undefined) product.price = this.checkedPrice(body.price);
      if (body.metadata !== undefined) product.metadata = body.metadata as ProductRecord['metadata'];
      product.updated_at = isoNow(this.now);
    });

    this.route('POST', '/customers', ({ body }) => {
      const customer = {
        customer_id: this.state.nextId('cus'),
        business_id: BUSINESS_ID,
        email: requireString(body, 'email'),
        name: requireString(body, 'name'),
        metadata: (body.metadata ?? {}) as Record<string, string>,
        created_at: isoNow(this.now),
      };
      this.state.customers.set(customer.customer_id, customer);
      return customer;
    });
    this.route('GET', '/customers', ({ query }) => {
      const email = query.get('email');
      return page([...this.state.customers.values()].filter((customer) => email === null || customer.email === email), query);
    });
    this.route('GET', '/customers/:id', ({ params }) => this.found(this.state.customers, params[0], 'customer'));

    this.route('POST', '/checkouts', ({ body }) => this.createCheckout(body));
    this.route('GET', '/checkouts/:id', ({ params }) => {
      const checkout = this.found(this.state.checkouts, params[0], 'checkout session');
      return { id: checkout.session_id, created_at: checkout.created_at, payment_id: checkout.payment_id, payment_status: checkout.completed ? 'succeeded' : null };
    });

    this.route('POST', '/events/ingest', ({ body }) => {
      const outcome = checkIngest(body, this.now(), (eventId) => this.state.events.has(eventId));
      if (!outcome.ok) throw new HttpError(400, outcome.message);
      for (const event of outcome.accepted) this.state.events.set(event.event_id, { ...event, seq: this.state.events.size });
      this.state.ingestRequests += 1;
      this.state.ingestEventsReceived += outcome.accepted.length + outcome.duplicates;
      return { ingested_count: outcome.accepted.length };
    });
    this.route('GET', '/events', ({ query }) => page(this.listEvents(query).map((event) => this.eventJson(event)), query));
    this.route('GET', '/events/:id', ({ params }) => this.eventJson(this.found(this.state.events, params[0], 'event')));

    this.route('GET', '/subscriptions', ({ query }) => {
      const customer = query.get('customer_id');
      const list = [...this.state.subscriptions.values()].filter((subscription) => customer === null || subscription.customer_id === customer);
      return page(list.map((subscription) => this.subscriptionJson(subscription)), query);
    });
    this.route('GET', '/subscriptions/:id', ({ params }) => this.subscriptionJson(this.found(this.state.subscriptions, params[0], 'subscription')));
    this.route('PATCH', '/subscriptions/:id', ({ params, body }) => {
      const subscription = this.found(this.state.subscriptions, params[0], 'subscription');
      if (body.status === 'cancelled') {
        subscription.status = 'cancelled';
        subscription.cancelled_at = isoNow(this.now);
        void this.notify('subscription.cancelled', this.subscriptionJson(subscription));
      }
      return this.subscriptionJson(subscription);
    });
    this.route('POST', '/subscriptions/:id/change-plan', ({ params, body }) => {
      const subscription = this.found(this.state.subscriptions, params[0], 'subscription');
      subscription.product_id = this.found(this.state.products, requireString(body, 'product_id'), 'product').product_id;
      requireString(body, 'proration_billing_mode');
      void this.notify('subscription.plan_changed', this.subscriptionJson(subscription));
      return { payment_id: null };
    });
    this.route('GET', '/subscriptions/:id/usage-history', ({ params, query }) =>
      page(this.usageHistory(this.found(this.state.subscriptions, params[0], 'subscription')), query),
    );

    this.route('GET', '/payments', ({ query }) => {
      const customer = query.get('customer_id');
      return page([...this.state.payments.values()].filter((payment) => customer === null || payment.customer_id === customer).map((payment) => this.paymentJson(payment.payment_id)), query);
    });
    this.route('POST', '/sandbox/checkouts/:id/complete', ({ params }) => this.completeCheckout(params[0]!));
    this.route('POST', '/sandbox/subscriptions/:id/renew', async ({ params }) => ({ webhook_status: await this.renew(params[0]!) }));
    this.route('GET', '/payments/:id', ({ params }) => this.paymentJson(this.found(this.state.payments, params[0], 'payment').payment_id));
  }

  private createMeter(body: Record<string, unknown>): MeterRecord {
    const aggregation = body.aggregation as MeterRecord['aggregation'] | undefined;
    if (!aggregation || !['count', 'sum', 'max', 'last'].includes(aggregation.type)) throw new HttpError(422, 'aggregation.type must be count, sum, max or last');
    if (aggregation.type !== 'count' && (typeof aggregation.key !== 'string' || aggregation.key === '')) throw new HttpError(422, 'aggregation.key is required unless type is count');
    const filter = (body.filter ?? null) as Filter | null;
    const problems = filter === null ? [] : filterProblems(filter);
    if (problems.length > 0) throw new HttpError(422, `filter: ${problems.join('; ')}`);
    const at = isoNow(this.now);
    const meter: MeterRecord = {
      id: this.state.nextId('mtr'),
      business_id: BUSINESS_ID,
      name: requireString(body, 'name'),
      event_name: requireString(body, 'event_name'),
      measurement_unit: requireString(body, 'measurement_unit'),
      aggregation,
      filter,
      description: typeof body.description === 'string' ? body.description : null,
      archived: false,
      created_at: at,
      updated_at: at,
    };
    this.state.meters.set(meter.id, meter);
    return meter;
  }

  private checkedPrice(raw: unknown): ProductRecord['price'] {
    const price = raw as ProductRecord['price'] | undefined;
    if (!price || !['one_time_price', 'recurring_price', 'usage_based_price'].includes(price.type)) throw new HttpError(422, 'price.type must be one_time_price, recurring_price or usage_based_price');
    if (typeof price.currency !== 'string') throw new HttpError(422, 'price.currency is required');
    const amount = price.type === 'usage_based_price' ? price.fixed_price : price.price;
    if (!Number.isSafeInteger(amount) || (amount as number) < 0) throw new HttpError(422, 'the price must be a whole number of minor units >= 0');
    for (const meter of price.meters ?? []) {
      if (!this.state.meters.has(meter.meter_id)) throw new HttpError(422, `meter ${meter.meter_id} not found`);
      if (meter.price_per_unit != null && !/^\d{1,5}(\.\d{1,12})?$/.test(meter.price_per_unit)) throw new HttpError(422, 'price_per_unit must be a decimal string');
      if (meter.price_per_unit != null && Number(meter.price_per_unit) <= 0) throw new HttpError(422, 'price_per_unit must be > 0');
    }
    return price;
  }

  private createProduct(body: Record<string, unknown>): ProductRecord {
    const price = this.checkedPrice(body.price);
    const at = isoNow(this.now);
    const product: ProductRecord = {
      product_id: this.state.nextId('pdt'),
      business_id: BUSINESS_ID,
      name: requireString(body, 'name'),
      description: typeof body.description === 'string' ? body.description : null,
      price,
      metadata: (body.metadata ?? {}) as ProductRecord['metadata'],
      tax_category: requireString(body, 'tax_category'),
      is_recurring: price.type !== 'one_time_price',
      archived: false,
      created_at: at,
      updated_at: at,
    };
    this.state.products.set(product.product_id, product);
    return product;
  }

  private createCheckout(body: Record<string, unknown>): unknown {
    const cart = body.product_cart as { product_id: string; quantity: number }[] | undefined;
    if (!Array.isArray(cart) || cart.length > 20) throw new HttpError(422, 'product_cart must be an array of at most 20 items');
    for (const item of cart) {
      this.found(this.state.products, item.product_id, 'product');
      if (!Number.isSafeInteger(item.quantity) || item.quantity < 1) throw new HttpError(422, 'quantity must be a whole number >= 1');
    }
    const customerId = (body.customer as { customer_id?: string } | undefined)?.customer_id;
    this.found(this.state.customers, customerId, 'customer');
    const session_id = this.state.nextId('cks');
    this.state.checkouts.set(session_id, {
      session_id,
      customer_id: customerId!,
      product_cart: cart.map((item) => ({ product_id: item.product_id, quantity: item.quantity })),
      metadata: (body.metadata ?? {}) as Record<string, string>,
      created_at: isoNow(this.now),
      payment_id: null,
      completed: false,
    });
    return { session_id, checkout_url: `${this.url}/checkout/${session_id}` };
  }

  private listEvents(query: URLSearchParams): StoredEvent[] {
    const meterId = query.get('meter_id');
    const meter = meterId === null ? null : this.found(this.state.meters, meterId, 'meter');
    const start = query.get('start');
    const end = query.get('end');
    return [...this.state.events.values()].filter(
      (event) =>
        (query.get('customer_id') === null || event.customer_id === query.get('customer_id')) &&
        (query.get('event_name') === null || event.event_name === query.get('event_name')) &&
        (meter === null || meterCounts(meter, event)) &&
        (start === null || event.timestamp >= new Date(start).toISOString()) &&
        (end === null || event.timestamp < new Date(end).toISOString()),
    );
  }

  private eventJson(event: StoredEvent): unknown {
    return { business_id: BUSINESS_ID, event_id: event.event_id, customer_id: event.customer_id, event_name: event.event_name, timestamp: event.timestamp, metadata: event.metadata };
  }

  private productMeters(productId: string): { meter: MeterRecord; free_threshold: number; price_per_unit: string | null }[] {
    const product = this.state.products.get(productId);
    return (product?.price.meters ?? []).map((entry) => ({
      meter: this.state.meters.get(entry.meter_id)!,
      free_threshold: entry.free_threshold ?? 0,
      price_per_unit: entry.price_per_unit ?? null,
    }));
  }

  /** Usage per meter of the subscription's product over its current period. */
  private usageHistory(subscription: SubscriptionRecord): unknown[] {
    const events = [...this.state.events.values()].filter(
      (event) => event.customer_id === subscription.customer_id && event.timestamp >= subscription.previous_billing_date && event.timestamp < subscription.next_billing_date,
    );
    const meters = this.productMeters(subscription.product_id).map(({ meter, free_threshold, price_per_unit }) => {
      const consumed = aggregateMicro(meter, events);
      const chargeable = Math.max(0, consumed - free_threshold * 1_000_000);
      const total = price_per_unit === null ? 0 : Math.round((chargeable / 1_000_000) * Number(price_per_unit));
      return { id: meter.id, name: meter.name, consumed_units: microText(consumed), chargeable_units: microText(chargeable), free_threshold, price_per_unit: price_per_unit ?? '0', currency: 'USD', total_price: total };
    });
    return [{ start_date: subscription.previous_billing_date, end_date: subscription.next_billing_date, meters }];
  }

  subscriptionJson(subscription: SubscriptionRecord): unknown {
    const customer = this.state.customers.get(subscription.customer_id)!;
    const product = this.state.products.get(subscription.product_id)!;
    return {
      ...subscription,
      customer: { customer_id: customer.customer_id, email: customer.email, name: customer.name },
      recurring_pre_tax_amount: product.price.fixed_price ?? product.price.price,
      currency: product.price.currency,
      payment_frequency_interval: product.price.payment_frequency_interval,
      meters: this.productMeters(subscription.product_id).map(({ meter, free_threshold, price_per_unit }) => ({
        meter_id: meter.id, name: meter.name, measurement_unit: meter.measurement_unit, free_threshold, price_per_unit, currency: 'USD',
      })),
      business_id: BUSINESS_ID,
    };
  }

  paymentJson(paymentId: string): unknown {
    const payment = this.state.payments.get(paymentId)!;
    const customer = this.state.customers.get(payment.customer_id)!;
    return { ...payment, business_id: BUSINESS_ID, customer: { customer_id: customer.customer_id, email: customer.email, name: customer.name } };
  }

  /** Sends a signed webhook to `webhookUrl` (if set); resolves to the receiver's status. */
  async notify(type: string, data: unknown): Promise<number> {
    if (this.webhookUrl === null) return 0;
    const sent = delivery(this.webhookSecret, this.state.nextId('msg'), type, data, new Date(this.now()));
    const status = await send(this.webhookUrl, sent);
    this.webhooksSent.push({ delivery: sent, status });
    this.log(`webhook ${type} ${sent.id} -> ${status === 0 ? 'no answer' : status}`);
    return status;
  }

  /**
   * Test control: the customer paid a checkout session. A recurring product starts a subscription
   * (`subscription.active`); one-time products make a payment (`payment.succeeded`). Resolves
   * after the webhooks were delivered.
   */
  async completeCheckout(sessionId: string): Promise<{ subscriptionIds: string[]; paymentId: string }> {
    const checkout = this.found(this.state.checkouts, sessionId, 'checkout session');
    if (checkout.completed) throw new HttpError(409, `checkout ${sessionId} is completed already`);
    checkout.completed = true;
    const at = this.now();
    const subscriptionIds: string[] = [];
    for (const item of checkout.product_cart) {
      if (!this.state.products.get(item.product_id)!.is_recurring) continue;
      const subscription: SubscriptionRecord = {
        subscription_id: this.state.nextId('sub'),
        product_id: item.product_id,
        customer_id: checkout.customer_id,
        status: 'active',
        quantity: item.quantity,
        metadata: checkout.metadata,
        previous_billing_date: new Date(at).toISOString(),
        next_billing_date: this.periodEnd(item.product_id, new Date(at).toISOString(), 1),
        created_at: new Date(at).toISOString(),
        cancelled_at: null,
      };
      this.state.subscriptions.set(subscription.subscription_id, subscription);
      subscriptionIds.push(subscription.subscription_id);
    }
    const total = checkout.product_cart.reduce((sum, item) => {
      const price = this.state.products.get(item.product_id)!.price;
      return sum + Number(price.fixed_price ?? price.price) * item.quantity;
    }, 0);
    const paymentId = this.state.nextId('pay');
    this.state.payments.set(paymentId, {
      payment_id: paymentId,
      customer_id: checkout.customer_id,
      total_amount: total,
      currency: 'USD',
      product_cart: checkout.product_cart,
      subscription_id: subscriptionIds[0] ?? null,
      checkout_session_id: sessionId,
      metadata: checkout.metadata,
      status: 'succeeded',
      created_at: new Date(at).toISOString(),
    });
    checkout.payment_id = paymentId;
    this.log(`checkout ${sessionId} paid by ${checkout.customer_id}: payment ${paymentId}${subscriptionIds.length > 0 ? `, subscription ${subscriptionIds.join(', ')}` : ''}`);
    for (const id of subscriptionIds) await this.notify('subscription.active', this.subscriptionJson(this.state.subscriptions.get(id)!));
    await this.notify('payment.succeeded', this.paymentJson(paymentId));
    return { subscriptionIds, paymentId };
  }

  /** The end of a subscription's `periods`-th billing period from `anchorIso`, per its product's payment frequency. */
  private periodEnd(productId: string, anchorIso: string, periods: number): string {
    const price = this.state.products.get(productId)!.price;
    const interval = typeof price.payment_frequency_interval === 'string' ? price.payment_frequency_interval : 'Month';
    const count = typeof price.payment_frequency_count === 'number' ? price.payment_frequency_count : 1;
    return periodsLater(anchorIso, interval, periods * count);
  }

  /** Test control: the subscription renews now (`subscription.renewed`). */
  async renew(subscriptionId: string): Promise<number> {
    const subscription = this.found(this.state.subscriptions, subscriptionId, 'subscription');
    subscription.previous_billing_date = subscription.next_billing_date;
    let periods = 1;
    while (this.periodEnd(subscription.product_id, subscription.created_at, periods) <= subscription.previous_billing_date) periods += 1;
    subscription.next_billing_date = this.periodEnd(subscription.product_id, subscription.created_at, periods);
    return this.notify('subscription.renewed', this.subscriptionJson(subscription));
  }

  /** The meter's total for a customer over every stored event, in micro-units. */
  usageMicro(meterId: string, customerId: string): number {
    const meter = this.found(this.state.meters, meterId, 'meter');
    return aggregateMicro(meter, [...this.state.events.values()].filter((event) => event.customer_id === customerId));
  }
}

/** A started test server (loopback, free port). */
export async function startDodoServer(options: DodoServerOptions = {}): Promise<DodoTestServer> {
  const server = new DodoTestServer(options);
  await server.start();
  return server;
}

/**
 * Dodo webhooks: verified with Standard Webhooks (the `standardwebhooks` library, the key from
 * DODO_PAYMENTS_WEBHOOK_KEY), processed once each (the inbox is keyed by `webhook-id`), and turned
 * into engine inputs:
 * - subscription.active, plan_changed and renewed: bring the engine to the product's plan and
 *   interval: subscribe when it has none (an `active` that never arrived), change plan when it
 *   differs, and withdraw a cancellation the engine holds (Dodo renewed or reactivated it); the
 *   engine renews cycles on its own calendar, so a renewal on the plan it holds changes nothing;
 * - subscription.cancelled: cancel (at renewal);
 * - payment.succeeded: each top-up product in the cart grants quantity x 3,600 Fast seconds with
 *   the catalog's expiry (purchase id `<payment id>:<cart index>`, so a repeat grants nothing).
 * Anything else is recorded as ignored. A forged, tampered or stale delivery throws
 * WebhookRejected (the API answers 401) and changes nothing.
 */
import { Webhook, WebhookVerificationError } from 'standardwebhooks';
import type { EngineState, Interval } from '../engine/index.ts';
import type { EngineInput, EngineLog } from './engine-log.ts';
import { type IdMap, productKeyOf } from './id-map.ts';
import type { Sql } from './store/database.ts';
import { TOPUP_KEY } from './catalog-products.ts';

export class WebhookRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

export interface WebhookOutcome {
  readonly webhookId: string;
  readonly type: string;
  readonly duplicate: boolean;
  /** What it did, e.g. `subscribe basic month: started`. */
  readonly outcome: string;
}

interface Envelope {
  readonly type: string;
  readonly data: Record<string, unknown>;
}

function plan(ids: IdMap, productId: unknown): { planId: string; interval: Interval } | null {
  const key = typeof productId === 'string' ? productKeyOf(ids, productId) : null;
  const match = key === null ? null : /^plan:([^:]+):(month|year)$/.exec(key);
  return match === null ? null : { planId: match[1]!, interval: match[2] as Interval };
}

/** The engine's view of a customer's subscription, which webhooks are reconciled against. */
export interface SubscriptionView {
  /** `plan:interval`. */
  readonly plan: string;
  /** Cancelled at the next renewal. */
  readonly cancelling: boolean;
}

/**
 * A customer's subscription in the engine at `at`, or null. The engine applies a renewal when the
 * account is next touched, so a renewal already due is read as done: a cancellation has ended the
 * plan, a scheduled change has taken effect.
 */
export function subscriptionView(state: EngineState, customerId: string, at: number): SubscriptionView | null {
  const account = state.accounts.get(customerId);
  if (!account?.plan) return null;
  if (at >= account.cycleEndAt && account.cancelAtRenewal) return null;
  if (at >= account.cycleEndAt && account.pendingPlan !== null) return { plan: `${account.pendingPlan.id}:${account.pendingInterval}`, cancelling: false };
  return { plan: `${account.plan.id}:${account.interval}`, cancelling: account.cancelAtRenewal };
}

function customerOf(data: Record<string, unknown>): string | null {
  const customer = data.customer as { customer_id?: unknown } | undefined;
  return typeof customer?.customer_id === 'string' ? customer.customer_id : null;
}

/** The engine inputs a verified event asks for (empty: nothing to do), and a note when ignored. */
export function inputsOf(
  envelope: Envelope,
  ids: IdMap,
  subscriptionOf: (customerId: string) => SubscriptionView | null,
): { inputs: EngineInput[]; note: string } {
  const data = envelope.data ?? {};
  const customerId = customerOf(data);
  if (customerId === null) return { inputs: [], note: 'ignored: no customer' };
  if (envelope.type === 'payment.succeeded') {
    const cart = Array.isArray(data.product_cart) ? (data.product_cart as { product_id?: unknown; quantity?: unknown }[]) : [];
    const inputs: EngineInput[] = [];
    cart.forEach((item, index) => {
      const hours = item.quantity;
      if (item.product_id === ids.products[TOPUP_KEY] && typeof hours === 'number' && Number.isSafeInteger(hours) && hours >= 1) {
        inputs.push({ kind: 'topup', customerId, purchaseId: `${String(data.payment_id)}:${index}`, hours });
      }
    });
    return { inputs, note: inputs.length === 0 ? 'ignored: no top-up in the cart' : '' };
  }
  const target = plan(ids, data.product_id);
  switch (envelope.type) {
    case 'subscription.active':
    case 'subscription.plan_changed':
    case 'subscription.renewed': {
      if (target === null) return { inputs: [], note: 'ignored: not a catalog plan product' };
      const current = subscriptionOf(customerId);
      const wanted = `${target.planId}:${target.interval}`;
      if (current === null) return { inputs: [{ kind: 'subscribe', customerId, planId: target.planId, interval: target.interval }], note: '' };
      const change: EngineInput = { kind: 'change_plan', customerId, planId: target.planId, interval: target.interval };
      if (current.plan !== wanted) return { inputs: [change], note: '' };
      if (current.cancelling) return { inputs: [change], note: 'cancellation withdrawn' };
      return { inputs: [], note: envelope.type === 'subscription.renewed' ? 'unchanged: on this plan; the engine renews on its own calendar' : 'unchanged: already on this plan' };
    }
    case 'subscription.cancelled':
      return { inputs: [{ kind: 'cancel', customerId }], note: '' };
    // Dodo gave up on the subscription (its renewal was never paid): the engine must not renew it
    // on its own calendar, so it ends at the engine's next renewal. The cycle the engine may
    // already have started stays (see the README: no hold state yet).
    case 'subscription.expired':
    case 'subscription.failed':
      if (subscriptionOf(customerId) === null) return { inputs: [], note: 'unchanged: no plan in the engine' };
      return { inputs: [{ kind: 'cancel', customerId }], note: `${envelope.type.slice(13)} at Dodo` };
    default:
      return { inputs: [], note: 'ignored: event type not used' };
  }
}

export class WebhookHandler {
  private readonly webhook: Webhook;

  constructor(
    secret: string,
    private readonly engine: EngineLog,
    private readonly ids: IdMap,
    private readonly subscriptionOf: (customerId: string, at: number) => SubscriptionView | null,
    private readonly now: () => number = Date.now,
  ) {
    this.webhook = new Webhook(secret);
  }

  /** Verifies and processes one delivery (raw body, request headers). */
  async handle(rawBody: string, headers: Record<string, string | string[] | undefined>): Promise<WebhookOutcome> {
    const flat: Record<string, string> = {};
    for (const name of ['webhook-id', 'webhook-timestamp', 'webhook-signature']) {
      const value = headers[name];
      if (typeof value !== 'string') throw new WebhookRejected(`missing ${name} header`);
      flat[name] = value;
    }
    let envelope: Envelope;
    try {
      envelope = this.webhook.verify(rawBody, flat) as Envelope;
    } catch (error) {
      if (error instanceof WebhookVerificationError || error instanceof Error) throw new WebhookRejected(`signature check failed: ${error.message}`);
      throw error;
    }
    if (typeof envelope?.type !== 'string') throw new WebhookRejected('the payload has no type');
    const webhookId = flat['webhook-id']!;
    return this.engine.exclusive(() => this.process(webhookId, envelope, rawBody));
  }

  private async process(webhookId: string, envelope: Envelope, rawBody: string): Promise<WebhookOutcome> {
    const db = this.engine.database;
    const [seen] = await db.query<{ outcome: string }>('select outcome from webhook_inbox where webhook_id = $1', [webhookId]);
    if (seen !== undefined) return { webhookId, type: envelope.type, duplicate: true, outcome: seen.outcome };
    const at = this.now();
    const { inputs, note } = inputsOf(envelope, this.ids, (customerId) => this.subscriptionOf(customerId, at));
    const notes: string[] = note === '' ? [] : [note];
    const record = async (sql: Sql, outcome: string): Promise<void> => {
      await sql.query('insert into webhook_inbox (webhook_id, type, received_at, body, outcome) values ($1, $2, $3, $4, $5) on conflict do nothing', [webhookId, envelope.type, at, rawBody, outcome]);
      await this.recordSubscription(sql, envelope, at);
    };
    if (inputs.length === 0) {
      await db.transaction((sql) => record(sql, notes.join('; ')));
      return { webhookId, type: envelope.type, duplicate: false, outcome: notes.join('; ') };
    }
    for (const [index, input] of inputs.entries()) {
      const last = index === inputs.length - 1;
      await this.engine.apply(input, at, async (sql, result) => {
        const ok = result !== null && typeof result === 'object' && 'ok' in result ? (result.ok ? ('effect' in result ? result.effect : 'granted') : `refused ${result.reason}`) : 'done';
        notes.push(`${input.kind}${'planId' in input ? ` ${input.planId} ${input.interval}` : ''}${'hours' in input ? ` ${input.hours} h` : ''}: ${ok}`);
        if (last) await record(sql, notes.join('; '));
      }).committed;
    }
    return { webhookId, type: envelope.type, duplicate: false, outcome: notes.join('; ') };
  }

  private async recordSubscription(sql: Sql, envelope: Envelope, at: number): Promise<void> {
    if (!envelope.type.startsWith('subscription.')) return;
    const data = envelope.data;
    const target = plan(this.ids, data.product_id);
    const customerId = customerOf(data);
    if (typeof data.subscription_id !== 'string' || customerId === null || target === null) return;
    await sql.query(
      `insert into subscriptions (subscription_id, customer_id, product_id, plan, interval, status, updated_at) values ($1, $2, $3, $4, $5, $6, $7)
       on conflict (subscription_id) do update set product_id = $3, plan = $4, interval = $5, status = $6, updated_at = $7`,
      [data.subscription_id, customerId, data.product_id, target.planId, target.interval, String(data.status ?? envelope.type.slice(13)), at],
    );
  }
}

// Subscription webhooks reconciled with the engine, on PGlite with signed deliveries: `renewed`
// (and `active`, `plan_changed`) bring the engine to Dodo's plan whatever it missed: an
// activation never delivered, a plan change, a cancellation Dodo withdrew; a renewal on the plan
// the engine holds changes nothing, and one arriving after the engine's own renewal ended a
// cancelled plan starts it again.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MS_PER_DAY, compileCatalog } from '../engine/index.ts';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { EngineLog } from './engine-log.ts';
import type { IdMap } from './id-map.ts';
import type { Database } from './store/database.ts';
import { BACKENDS } from './test/backends.ts';
import { delivery, newWebhookSecret } from './dodo-sandbox/webhooks.ts';
import { WebhookHandler, inputsOf, subscriptionView } from './webhook-handler.ts';

const catalog = compileCatalog(loadCatalog('scenarios/catalogs/midjourney.yaml').spec);
const IDS: IdMap = {
  meter_id: 'mtr_1',
  meter_event_name: 'gpu.fast',
  products: { 'plan:basic:month': 'pdt_basic_m', 'plan:standard:month': 'pdt_standard_m', topup: 'pdt_topup' },
};
const START = Date.UTC(2026, 11, 1);

function subscriptionData(customerId: string, productId: string): Record<string, unknown> {
  return { subscription_id: `sub_${customerId}`, product_id: productId, status: 'active', customer: { customer_id: customerId } };
}

describe('inputsOf (which engine input a subscription event asks for)', () => {
  const renewed = (productId: string) => ({ type: 'subscription.renewed', data: subscriptionData('cus_1', productId) });
  it('subscribes when the engine has no plan, changes a different one, withdraws a cancellation, leaves the same one', () => {
    expect(inputsOf(renewed('pdt_basic_m'), IDS, () => null).inputs).toEqual([{ kind: 'subscribe', customerId: 'cus_1', planId: 'basic', interval: 'month' }]);
    expect(inputsOf(renewed('pdt_standard_m'), IDS, () => ({ plan: 'basic:month', cancelling: false })).inputs).toEqual([
      { kind: 'change_plan', customerId: 'cus_1', planId: 'standard', interval: 'month' },
    ]);
    expect(inputsOf(renewed('pdt_basic_m'), IDS, () => ({ plan: 'basic:month', cancelling: true }))).toEqual({
      inputs: [{ kind: 'change_plan', customerId: 'cus_1', planId: 'basic', interval: 'month' }],
      note: 'cancellation withdrawn',
    });
    expect(inputsOf(renewed('pdt_basic_m'), IDS, () => ({ plan: 'basic:month', cancelling: false }))).toEqual({
      inputs: [],
      note: 'unchanged: on this plan; the engine renews on its own calendar',
    });
    expect(inputsOf(renewed('pdt_topup'), IDS, () => null)).toEqual({ inputs: [], note: 'ignored: not a catalog plan product' });
  });
});

describe('subscription webhooks on the engine', () => {
  let db: Database;
  let engine: EngineLog;
  let handler: WebhookHandler;
  let now = START;
  let sequence = 0;
  const secret = newWebhookSecret();
  const send = (type: string, data: Record<string, unknown>) => {
    sequence += 1;
    const signed = delivery(secret, `msg_${sequence}`, type, data, new Date(Date.now()));
    return handler.handle(signed.body, signed.headers);
  };
  const view = (customerId: string) => subscriptionView(engine.state, customerId, now);

  beforeAll(async () => {
    db = await BACKENDS.find((backend) => backend.name === 'pglite')!.open();
    engine = new EngineLog(catalog, db);
    handler = new WebhookHandler(secret, engine, IDS, (customerId, at) => subscriptionView(engine.state, customerId, at), () => now);
  }, 60_000);
  afterAll(async () => {
    await db.close();
  });

  it('a renewal whose activation never arrived subscribes the customer', async () => {
    expect((await send('subscription.renewed', subscriptionData('cus_missed', 'pdt_basic_m'))).outcome).toBe('subscribe basic month: started');
    expect(view('cus_missed')).toEqual({ plan: 'basic:month', cancelling: false });
  });

  it('a renewal on the plan the engine holds changes nothing; one after a cancellation withdraws it', async () => {
    await send('subscription.active', subscriptionData('cus_2', 'pdt_basic_m'));
    const inputs = (await db.query<{ count: number }>('select count(*)::int as count from engine_inputs'))[0]!.count;
    expect((await send('subscription.renewed', subscriptionData('cus_2', 'pdt_basic_m'))).outcome).toBe('unchanged: on this plan; the engine renews on its own calendar');
    expect((await db.query<{ count: number }>('select count(*)::int as count from engine_inputs'))[0]!.count).toBe(inputs);
    now += MS_PER_DAY;
    expect((await send('subscription.cancelled', subscriptionData('cus_2', 'pdt_basic_m'))).outcome).toBe('cancel: scheduled');
    expect(view('cus_2')).toEqual({ plan: 'basic:month', cancelling: true });
    expect((await send('subscription.renewed', subscriptionData('cus_2', 'pdt_basic_m'))).outcome).toBe('cancellation withdrawn; change_plan basic month: unchanged');
    expect(view('cus_2')).toEqual({ plan: 'basic:month', cancelling: false });
  });

  it('a subscription Dodo let expire or fail is not renewed by the engine: it ends at the next renewal', async () => {
    now += MS_PER_DAY;
    for (const [customerId, type] of [['cus_exp', 'subscription.expired'], ['cus_fail', 'subscription.failed']] as const) {
      await send('subscription.active', subscriptionData(customerId, 'pdt_basic_m'));
      expect((await send(type, subscriptionData(customerId, 'pdt_basic_m'))).outcome).toBe(`${type.slice(13)} at Dodo; cancel: scheduled`);
      expect(view(customerId)).toEqual({ plan: 'basic:month', cancelling: true });
    }
    expect((await send('subscription.expired', subscriptionData('cus_never', 'pdt_basic_m'))).outcome).toBe('unchanged: no plan in the engine');
    expect(subscriptionView(engine.state, 'cus_exp', engine.state.accounts.get('cus_exp')!.cycleEndAt)).toBeNull();
  });

  it("a renewal arriving after the engine's own renewal ended a cancelled plan starts it again; replay agrees", async () => {
    now += MS_PER_DAY;
    await send('subscription.active', subscriptionData('cus_3', 'pdt_standard_m'));
    await send('subscription.cancelled', subscriptionData('cus_3', 'pdt_standard_m'));
    const cycleEndAt = engine.state.accounts.get('cus_3')!.cycleEndAt;
    now = cycleEndAt + 60_000; // Dodo's renewal webhook a minute after the engine's calendar renewal
    expect(view('cus_3')).toBeNull();
    expect((await send('subscription.renewed', subscriptionData('cus_3', 'pdt_standard_m'))).outcome).toBe('subscribe standard month: started');
    expect(view('cus_3')).toEqual({ plan: 'standard:month', cancelling: false });
    const replayed = new EngineLog(catalog, db);
    await replayed.replay();
    for (const customerId of ['cus_missed', 'cus_2', 'cus_3']) expect(subscriptionView(replayed.state, customerId, now)).toEqual(view(customerId));
  });
});

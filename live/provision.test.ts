// live provision against the Dodo-compatible test server: what it creates, and that a second run
// creates nothing new.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadCatalog } from '../scenarios/catalog-schema.ts';
import { dodoClient } from './dodo-client.ts';
import { catalogProducts } from './catalog-products.ts';
import { ProvisionConflict, provision } from './provision.ts';
import { type DodoTestServer, startDodoServer } from './dodo-sandbox/server.ts';

const CATALOG = 'scenarios/catalogs/midjourney.yaml';
const { spec, catalog } = loadCatalog(CATALOG);
let server: DodoTestServer;

beforeAll(async () => {
  server = await startDodoServer();
});
afterAll(() => server.close());

const client = () => dodoClient({ env: { DODO_PAYMENTS_API_KEY: server.apiKey }, baseURL: server.url, maxRetries: 0 });

describe('live provision', () => {
  it('plans one product per plan and interval plus the top-up; Basic hard-capped, Relax plans price nothing over', () => {
    const products = catalogProducts(spec);
    expect(products.map((product) => product.key)).toEqual([
      'plan:basic:month', 'plan:basic:year', 'plan:standard:month', 'plan:standard:year', 'plan:pro:month', 'plan:pro:year', 'plan:mega:month', 'plan:mega:year', 'topup',
    ]);
    const basic = products[0]!;
    expect(basic.metadata.overage_policy).toBe('hard_cap');
    expect(basic.price).toMatchObject({ type: 'usage_based_price', fixed_price: 1000, payment_frequency_interval: 'Month', meters: [{ free_threshold: 12000, price_per_unit: null }] });
    expect(products[1]!.price).toMatchObject({ fixed_price: 9600, payment_frequency_interval: 'Year', meters: [{ free_threshold: 144000 }] });
    expect(products[8]!.price).toEqual({ type: 'one_time_price', currency: 'USD', price: 400 });
  });

  it('creates the meter and products once; a second run finds them all', async () => {
    const first = await provision(client(), spec, catalog.meter);
    expect(first.created).toBe(10);
    const meter = server.state.meters.get(first.ids.meter_id)!;
    expect(meter).toMatchObject({ name: 'GPU seconds (fast)', event_name: 'gpu.fast_seconds', aggregation: { type: 'sum', key: 'gpu_seconds' }, filter: catalog.meter.filter });
    const standard = server.state.products.get(first.ids.products['plan:standard:month']!)!;
    expect(standard.price.meters).toEqual([{ meter_id: meter.id, free_threshold: 54000, price_per_unit: null }]);
    const second = await provision(client(), spec, catalog.meter);
    expect(second.created).toBe(0);
    expect(second.ids).toEqual(first.ids);
    expect(second.actions.every((action) => action.startsWith('found'))).toBe(true);
    expect(server.state.meters.size).toBe(1);
    expect(server.state.products.size).toBe(9);
  });

  it('updates a product whose price drifted, and refuses a same-named meter with another filter', async () => {
    const changed = { ...spec, plans: { ...spec.plans, basic: { ...spec.plans.basic!, monthly_price_cents: 1200 } } };
    const result = await provision(client(), changed, catalog.meter);
    expect(result.created).toBe(0);
    expect(result.actions.filter((action) => action.startsWith('updated'))).toEqual([expect.stringContaining('plan:basic:month')]);
    expect(server.state.products.get(result.ids.products['plan:basic:month']!)!.price.fixed_price).toBe(1200);
    const otherFilter = { ...catalog.meter, filter: { conjunction: 'and' as const, clauses: [{ key: 'mode', operator: 'equals' as const, value: 'fast' }] } };
    await expect(provision(client(), spec, otherFilter)).rejects.toBeInstanceOf(ProvisionConflict);
  });

  it('runs as a command: the mapping on stdout and in <data>/dodo-ids.json; a bad key exits 2 without echoing it', async () => {
    const data = mkdtempSync(join(tmpdir(), 'gbl-provision-'));
    const run = (key: string) =>
      promisify(execFile)('npx', ['tsx', 'live', 'provision', '--catalog', CATALOG, '--data', data, '--dodo-base-url', server.url], {
        env: { ...process.env, DODO_PAYMENTS_API_KEY: key },
      }).then(
        (done) => ({ code: 0, ...done }),
        (failed: { code: number; stdout: string; stderr: string }) => failed,
      );
    const ok = await run(server.apiKey);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toEqual(JSON.parse(readFileSync(join(data, 'dodo-ids.json'), 'utf8')));
    expect(ok.stderr).toContain('0 created');
    const refused = await run('sk_wrong_secret_123');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('refused the API key');
    expect(refused.stderr + refused.stdout).not.toContain('sk_wrong_secret_123');
  });
});

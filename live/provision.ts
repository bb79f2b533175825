/**
 * `live provision`: makes Dodo hold what the catalog needs (catalog-products.ts) and returns the
 * id mapping. Idempotent: the meter is found by name (and must match the catalog's definition:
 * Dodo meters cannot be edited), products by `metadata.gbl_key`; only what is missing is created,
 * and a product whose name or price drifted from the catalog is updated in place. Running it
 * twice creates nothing new.
 *
 * Lists are read page by page from `page_number: 0` (the SDK's auto-pagination skips page 0).
 */
import type DodoPayments from 'dodopayments';
import type { CatalogSpec, MeterDef } from '../engine/index.ts';
import { METER_ID_SLOT, catalogProducts, meterBody, withMeterId } from './catalog-products.ts';
import type { IdMap } from './id-map.ts';

/** The catalog's meter exists at Dodo with another definition; provisioning stops (exit 2). */
export class ProvisionConflict extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProvisionConflict';
  }
}

export interface ProvisionResult {
  readonly ids: IdMap;
  /** What was done, one line per object: `created meter ...`, `found product ...`. */
  readonly actions: readonly string[];
  readonly created: number;
}

const PAGE_SIZE = 100;

/** Every item of a 0-based paged list. */
async function listAll<T>(fetchPage: (pageNumber: number) => Promise<{ items: T[] }>): Promise<T[]> {
  const all: T[] = [];
  for (let pageNumber = 0; ; pageNumber += 1) {
    const { items } = await fetchPage(pageNumber);
    all.push(...items);
    if (items.length < PAGE_SIZE) return all;
  }
}

/** True when every field `planned` states has the same value in `actual` (null and missing agree). */
export function sameShape(planned: unknown, actual: unknown): boolean {
  if (planned === null || planned === undefined) return actual === null || actual === undefined;
  if (Array.isArray(planned)) {
    return Array.isArray(actual) && actual.length === planned.length && planned.every((item, index) => sameShape(item, actual[index]));
  }
  if (typeof planned === 'object') {
    if (typeof actual !== 'object' || actual === null) return false;
    return Object.entries(planned as Record<string, unknown>).every(([key, value]) => sameShape(value, (actual as Record<string, unknown>)[key]));
  }
  return planned === actual;
}

async function provisionMeter(client: DodoPayments, meter: MeterDef, actions: string[]): Promise<string> {
  const body = meterBody(meter);
  const existing = await listAll((pageNumber) => client.meters.list({ page_number: pageNumber, page_size: PAGE_SIZE }));
  const named = existing.filter((candidate) => candidate.name === body.name);
  const same = named.find((candidate) => candidate.event_name === body.event_name && sameShape(body.aggregation, candidate.aggregation) && sameShape(body.filter ?? null, candidate.filter ?? null));
  if (same !== undefined) {
    actions.push(`found meter ${same.id} "${body.name}"`);
    return same.id;
  }
  if (named.length > 0) {
    throw new ProvisionConflict(`a meter named "${body.name}" (${named[0]!.id}) exists with another event name, aggregation or filter; Dodo meters cannot be edited: archive it or rename the catalog's meter`);
  }
  const created = await client.meters.create(body);
  actions.push(`created meter ${created.id} "${body.name}"`);
  return created.id;
}

export async function provision(client: DodoPayments, spec: CatalogSpec, meter: MeterDef): Promise<ProvisionResult> {
  const actions: string[] = [];
  const meterId = await provisionMeter(client, meter, actions);
  const existing = await listAll((pageNumber) => client.products.list({ page_number: pageNumber, page_size: PAGE_SIZE }));
  const byKey = new Map<string, string>();
  for (const product of existing) {
    const key = product.metadata?.gbl_key;
    if (typeof key === 'string' && !byKey.has(key)) byKey.set(key, product.product_id);
  }
  const products: Record<string, string> = {};
  let created = actions[0]!.startsWith('created') ? 1 : 0;
  for (const planned of catalogProducts(spec)) {
    const price = withMeterId(planned.price, meterId);
    const body = { name: planned.name, description: planned.description, metadata: planned.metadata, tax_category: 'saas' as const, price };
    const foundId = byKey.get(planned.key);
    if (foundId === undefined) {
      const product = await client.products.create(body);
      products[planned.key] = product.product_id;
      actions.push(`created product ${product.product_id} ${planned.key} "${planned.name}"`);
      created += 1;
      continue;
    }
    products[planned.key] = foundId;
    const current = await client.products.retrieve(foundId);
    if (current.name === planned.name && sameShape(price, current.price) && sameShape(planned.metadata, current.metadata)) {
      actions.push(`found product ${foundId} ${planned.key} "${planned.name}"`);
    } else {
      await client.products.update(foundId, { name: planned.name, description: planned.description, metadata: planned.metadata, price });
      actions.push(`updated product ${foundId} ${planned.key} "${planned.name}" (name or price differed from the catalog)`);
    }
  }
  if (JSON.stringify(products).includes(METER_ID_SLOT)) throw new Error('provision: a product kept the meter placeholder');
  return { ids: { meter_id: meterId, meter_event_name: meter.event_name, products }, actions, created };
}

/**
 * The in-memory state of the Dodo-compatible test server: meters, products, customers, checkout
 * sessions, subscriptions, payments and usage events, with Dodo-shaped ids (`mtr_`, `pdt_`,
 * `cus_`, `cks_`, `sub_`, `pay_`). Plain records, so tests can read them directly.
 */
import type { Filter, StoredEvent } from './meters.ts';

export const BUSINESS_ID = 'bus_test';

export interface MeterRecord {
  readonly id: string;
  readonly business_id: string;
  readonly name: string;
  readonly event_name: string;
  readonly measurement_unit: string;
  readonly aggregation: { type: 'count' | 'sum' | 'max' | 'last'; key?: string | null };
  readonly filter: Filter | null;
  readonly description: string | null;
  archived: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface PriceMeter {
  readonly meter_id: string;
  readonly price_per_unit?: string | null;
  readonly free_threshold?: number | null;
}

export interface ProductRecord {
  readonly product_id: string;
  readonly business_id: string;
  name: string;
  description: string | null;
  price: Record<string, unknown> & { type: string; currency: string; meters?: PriceMeter[] };
  metadata: Record<string, string | number | boolean>;
  readonly tax_category: string;
  readonly is_recurring: boolean;
  archived: boolean;
  readonly created_at: string;
  updated_at: string;
}

export interface CustomerRecord {
  readonly customer_id: string;
  readonly business_id: string;
  email: string;
  name: string;
  metadata: Record<string, string | number | boolean>;
  readonly created_at: string;
}

export interface CheckoutRecord {
  readonly session_id: string;
  readonly customer_id: string;
  readonly product_cart: readonly { product_id: string; quantity: number }[];
  readonly metadata: Record<string, string | number | boolean>;
  readonly created_at: string;
  payment_id: string | null;
  completed: boolean;
}

export interface SubscriptionRecord {
  readonly subscription_id: string;
  product_id: string;
  readonly customer_id: string;
  status: string;
  quantity: number;
  metadata: Record<string, string | number | boolean>;
  previous_billing_date: string;
  next_billing_date: string;
  readonly created_at: string;
  cancelled_at: string | null;
}

export interface PaymentRecord {
  readonly payment_id: string;
  readonly customer_id: string;
  readonly total_amount: number;
  readonly currency: string;
  readonly product_cart: readonly { product_id: string; quantity: number }[];
  readonly subscription_id: string | null;
  readonly checkout_session_id: string;
  readonly metadata: Record<string, string | number | boolean>;
  readonly status: 'succeeded';
  readonly created_at: string;
}

/** The maps a snapshot holds, by name. */
const MAPS = ['meters', 'products', 'customers', 'checkouts', 'subscriptions', 'payments', 'events'] as const;
/** The snapshot format's version (`live sandbox --state`). */
export const SNAPSHOT_VERSION = 1;

export class ServerState {
  readonly meters = new Map<string, MeterRecord>();
  readonly products = new Map<string, ProductRecord>();
  readonly customers = new Map<string, CustomerRecord>();
  readonly checkouts = new Map<string, CheckoutRecord>();
  readonly subscriptions = new Map<string, SubscriptionRecord>();
  readonly payments = new Map<string, PaymentRecord>();
  readonly events = new Map<string, StoredEvent>();
  /** Ingest requests answered 200, and events they carried (duplicates included). */
  ingestRequests = 0;
  ingestEventsReceived = 0;
  private counter = 0;

  nextId(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${String(this.counter).padStart(8, '0')}`;
  }

  /** Everything, as plain JSON data (`restore` reads it back). */
  snapshot(): Record<string, unknown> {
    const maps = Object.fromEntries(MAPS.map((name) => [name, [...this[name].values()]]));
    return { version: SNAPSHOT_VERSION, counter: this.counter, ingestRequests: this.ingestRequests, ingestEventsReceived: this.ingestEventsReceived, ...maps };
  }

  /**
   * Replaces the state with a snapshot's; a snapshot of another shape is an Error naming what is
   * wrong (the records themselves are trusted: the sandbox wrote them).
   */
  restore(snapshot: unknown): void {
    const data = snapshot as Record<string, unknown> | null;
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new Error('not a JSON object');
    if (data.version !== SNAPSHOT_VERSION) throw new Error(`version: expected ${SNAPSHOT_VERSION}, got ${JSON.stringify(data.version)}`);
    if (!Number.isSafeInteger(data.counter)) throw new Error('counter: expected a whole number');
    for (const name of MAPS) {
      const records = data[name];
      if (!Array.isArray(records) || records.some((record) => typeof record !== 'object' || record === null)) throw new Error(`${name}: expected an array of objects`);
    }
    const keyOf: Record<(typeof MAPS)[number], string> = { meters: 'id', products: 'product_id', customers: 'customer_id', checkouts: 'session_id', subscriptions: 'subscription_id', payments: 'payment_id', events: 'event_id' };
    for (const name of MAPS) {
      const map = this[name] as Map<string, unknown>;
      map.clear();
      for (const record of data[name] as Record<string, unknown>[]) map.set(String(record[keyOf[name]]), record);
    }
    this.counter = data.counter as number;
    this.ingestRequests = Number(data.ingestRequests ?? 0);
    this.ingestEventsReceived = Number(data.ingestEventsReceived ?? 0);
  }
}
